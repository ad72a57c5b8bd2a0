//! Working days: Monday to Friday, minus the national holidays and collective leave days
//! (cuti bersama) that admins maintain per year. Service-level deadlines count these days in
//! WITA: the day an application arrives is day 0, and the deadline is the n-th working day after.

use std::collections::BTreeSet;

use jiff::civil::{Date, Weekday};

/// The holidays known to Sigap.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    holidays: BTreeSet<Date>,
}

impl Calendar {
    pub fn new(holidays: impl IntoIterator<Item = Date>) -> Calendar {
        Calendar {
            holidays: holidays.into_iter().collect(),
        }
    }

    /// A national holiday or collective leave day (whatever the weekday).
    pub fn is_holiday(&self, day: Date) -> bool {
        self.holidays.contains(&day)
    }

    pub fn is_working_day(&self, day: Date) -> bool {
        !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
            && !self.holidays.contains(&day)
    }

    /// The `days`-th working day after `start` (with `days` = 0, `start` itself).
    pub fn add_working_days(&self, start: Date, days: u32) -> Date {
        let mut day = start;
        let mut left = days;
        while left > 0 {
            day = day.tomorrow().unwrap_or(day);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days in (`from`, `to`]: how many working days of an SLA have been used.
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        let mut count = 0;
        let mut day = from;
        while day < to {
            day = day.tomorrow().unwrap_or(to);
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }
}

/// The WITA date of an instant (ms since the epoch).
pub fn wita_date(ms: i64) -> Date {
    jiff::Timestamp::from_millisecond(ms)
        .map(|ts| ts.to_zoned(platform::clock::wita().clone()).date())
        .unwrap_or_default()
}

/// `YYYY-MM-DD`.
pub fn parse_date(raw: &str) -> Option<Date> {
    raw.trim().parse::<Date>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn weekends_are_skipped() {
        let calendar = Calendar::default();
        // Friday 27 November 2026 + 3 working days = Wednesday 2 December.
        assert_eq!(
            calendar.add_working_days(date(2026, 11, 27), 3),
            date(2026, 12, 2)
        );
        // Saturday: the first working day (Monday) is day 1.
        assert_eq!(
            calendar.add_working_days(date(2026, 11, 28), 1),
            date(2026, 11, 30)
        );
        assert_eq!(
            calendar.add_working_days(date(2026, 11, 27), 0),
            date(2026, 11, 27)
        );
    }

    #[test]
    fn holidays_are_skipped() {
        // Christmas (Friday 25 December 2026) and a collective leave day on the 24th.
        let calendar = Calendar::new([date(2026, 12, 24), date(2026, 12, 25)]);
        assert_eq!(
            calendar.add_working_days(date(2026, 12, 23), 1),
            date(2026, 12, 28)
        );
        assert!(!calendar.is_working_day(date(2026, 12, 25)));
        assert!(calendar.is_working_day(date(2026, 12, 23)));
    }

    #[test]
    fn days_used_counts_working_days_only() {
        let calendar = Calendar::new([date(2026, 12, 1)]);
        // Thu 26 Nov → Wed 2 Dec: Fri 27, Mon 30, (Tue 1 holiday), Wed 2 = 3.
        assert_eq!(
            calendar.working_days_between(date(2026, 11, 26), date(2026, 12, 2)),
            3
        );
        assert_eq!(
            calendar.working_days_between(date(2026, 12, 2), date(2026, 12, 2)),
            0
        );
    }

    #[test]
    fn wita_dates_turn_at_16_00_utc() {
        // 2026-11-29T15:59:59Z is 23:59:59 WITA on the 29th; one second later it is the 30th.
        assert_eq!(wita_date(1_795_967_999_000), date(2026, 11, 29));
        assert_eq!(wita_date(1_795_968_000_000), date(2026, 11, 30));
    }
}
