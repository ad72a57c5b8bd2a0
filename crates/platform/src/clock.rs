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
