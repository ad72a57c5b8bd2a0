//! Time: instants are stored as milliseconds since the Unix epoch (UTC) and shown in WITA.

use jiff::{Timestamp, tz::TimeZone};
use std::sync::LazyLock;

use crate::web::i18n::Lang;

/// Kecamatan Alak keeps Central Indonesian Time (WITA, Asia/Makassar, UTC+8, no daylight saving).
static WITA: LazyLock<TimeZone> = LazyLock::new(|| {
    // A machine without the tz database still shows the right time: WITA has been a fixed +08:00.
    TimeZone::get("Asia/Makassar").unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(8)))
});

pub fn now_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

pub fn wita() -> &'static TimeZone {
    &WITA
}

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The name of month `month` (1–12) in `lang`: "Agustus" / "August".
pub fn month_name(month: i8, lang: Lang) -> &'static str {
    let index = usize::try_from(month - 1).unwrap_or(0).min(11);
    match lang {
        Lang::Id => MONTHS_ID[index],
        Lang::En => MONTHS_EN[index],
    }
}

/// "29 November 2026 14.05 WITA" (Indonesian) or "29 November 2026 14:05 WITA" (English).
pub fn format_wita(ms: i64, lang: Lang) -> String {
    let Ok(ts) = Timestamp::from_millisecond(ms) else {
        return String::from("-");
    };
    let local = ts.to_zoned(WITA.clone());
    let name = month_name(local.month(), lang);
    let sep = if lang == Lang::Id { '.' } else { ':' };
    format!(
        "{} {} {} {:02}{}{:02} WITA",
        local.day(),
        name,
        local.year(),
        local.hour(),
        sep,
        local.minute()
    )
}

/// "14.05" / "14:05" in WITA, for messages such as "try again at ...".
pub fn format_wita_time(ms: i64, lang: Lang) -> String {
    let Ok(ts) = Timestamp::from_millisecond(ms) else {
        return String::from("-");
    };
    let local = ts.to_zoned(WITA.clone());
    let sep = if lang == Lang::Id { '.' } else { ':' };
    format!("{:02}{}{:02} WITA", local.hour(), sep, local.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_wita_eight_hours_ahead_of_utc() {
        // 2026-11-29T06:05:00Z is 14:05 in Kupang.
        let ms = 1_795_932_300_000;
        assert_eq!(format_wita(ms, Lang::Id), "29 November 2026 14.05 WITA");
        assert_eq!(format_wita(ms, Lang::En), "29 November 2026 14:05 WITA");
    }
}

/// A period of days (both ends included) cut for figures kept per day and per month: the
/// calendar months wholly inside it (`YYYY-MM`, first and last) and the days around them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthCut {
    /// First and last whole month, when there is one.
    pub months: Option<(String, String)>,
    /// The runs of days outside the whole months (at most two).
    pub days: Vec<(jiff::civil::Date, jiff::civil::Date)>,
}

impl MonthCut {
    /// The period as days only (for figures that need every day, such as a series per day).
    pub fn days_only(first: jiff::civil::Date, last: jiff::civil::Date) -> MonthCut {
        MonthCut {
            months: None,
            days: vec![(first, last)],
        }
    }
}

/// Cuts `first..=last` into whole months and the days before and after them.
pub fn month_cut(first: jiff::civil::Date, last: jiff::civil::Date) -> MonthCut {
    use jiff::ToSpan as _;
    let whole_from = if first.day() == 1 {
        Some(first)
    } else {
        first.last_of_month().tomorrow().ok()
    };
    let whole_to = if last.tomorrow().is_ok_and(|d| d.day() == 1) {
        Some(last.first_of_month())
    } else {
        last.first_of_month().checked_sub(1.month()).ok()
    };
    match (whole_from, whole_to) {
        (Some(from), Some(to)) if from <= to => {
            let month = |d: jiff::civil::Date| d.strftime("%Y-%m").to_string();
            let mut days = Vec::new();
            if first < from {
                days.push((first, from.yesterday().unwrap_or(from)));
            }
            let end_of_months = to.last_of_month();
            if end_of_months < last {
                days.push((end_of_months.tomorrow().unwrap_or(last), last));
            }
            MonthCut {
                months: Some((month(from), month(to))),
                days,
            }
        }
        _ => MonthCut::days_only(first, last),
    }
}

#[cfg(test)]
mod month_cut_tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn whole_months_and_the_days_around_them() {
        let cut = month_cut(date(2023, 12, 3), date(2026, 12, 2));
        assert_eq!(cut.months, Some(("2024-01".into(), "2026-11".into())));
        assert_eq!(
            cut.days,
            vec![
                (date(2023, 12, 3), date(2023, 12, 31)),
                (date(2026, 12, 1), date(2026, 12, 2))
            ]
        );
        let exact = month_cut(date(2026, 1, 1), date(2026, 2, 28));
        assert_eq!(exact.months, Some(("2026-01".into(), "2026-02".into())));
        assert!(exact.days.is_empty());
        let inside = month_cut(date(2026, 3, 2), date(2026, 3, 30));
        assert_eq!(inside.months, None);
        assert_eq!(inside.days, vec![(date(2026, 3, 2), date(2026, 3, 30))]);
        // Two part-months with no whole one between them.
        let across = month_cut(date(2026, 3, 15), date(2026, 4, 10));
        assert_eq!(across.months, None);
        assert_eq!(across.days.len(), 1);
    }
}
