//! The queue's own rules, free of storage: opening hours and the slots they make, ticket
//! numbers (`A-023`), booking codes, and the life of a ticket and of an appointment.

use jiff::civil::{Date, Time};
use platform::refcode::{CodeError, Scheme};
use serde::{Deserialize, Serialize};

/// Booking codes: `BK-4M9Q-2X`, short to read at the kiosk, with a check character.
pub const BOOKING_CODE: Scheme = Scheme {
    prefix: "BK",
    payload: 5,
    group: 4,
};

/// How far ahead a slot can be booked.
pub const BOOKING_HORIZON_DAYS: i64 = 30;

/// Reads a booking code as typed; `None` when it is malformed or mistyped.
pub fn parse_booking_code(raw: &str) -> Result<String, CodeError> {
    BOOKING_CODE.parse(raw)
}

/// "08:00" → 08:00; minutes only, within a day.
pub fn parse_clock(raw: &str) -> Option<Time> {
    let (h, m) = raw.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: i8 = h.parse().ok()?;
    let m: i8 = m.parse().ok()?;
    Time::new(h, m, 0, 0).ok()
}

pub fn format_clock(time: Time) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

/// The slot start times of a day open from `opens` to `closes` for slots of `minutes`:
/// every slot ends by closing time.
pub fn slots(opens: Time, closes: Time, minutes: i32) -> Vec<Time> {
    let mut out = Vec::new();
    if minutes <= 0 {
        return out;
    }
    let close = i32::from(closes.hour()) * 60 + i32::from(closes.minute());
    let mut at = i32::from(opens.hour()) * 60 + i32::from(opens.minute());
    while at + minutes <= close {
        if let (Ok(h), Ok(m)) = (i8::try_from(at / 60), i8::try_from(at % 60))
            && let Ok(time) = Time::new(h, m, 0, 0)
        {
            out.push(time);
        }
        at += minutes;
    }
    out
}

/// `A-023`: the group's letter and the day's sequence, three digits (more when needed).
pub fn ticket_number(letter: &str, seq: i64) -> String {
    format!("{letter}-{seq:03}")
}

/// ISO weekday 1 (Monday) … 7 (Sunday).
pub fn weekday(day: Date) -> i64 {
    i64::from(day.weekday().to_monday_one_offset())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// In the queue.
    Waiting,
    /// Called to a counter (possibly more than once).
    Called,
    /// Served; finished at the counter.
    Done,
    /// Called but did not come.
    NoShow,
}

impl TicketStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Waiting => "waiting",
            TicketStatus::Called => "called",
            TicketStatus::Done => "done",
            TicketStatus::NoShow => "no_show",
        }
    }
    pub fn parse(raw: &str) -> Option<TicketStatus> {
        [
            TicketStatus::Waiting,
            TicketStatus::Called,
            TicketStatus::Done,
            TicketStatus::NoShow,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            TicketStatus::Waiting => "queue.status_waiting",
            TicketStatus::Called => "queue.status_called",
            TicketStatus::Done => "queue.status_done",
            TicketStatus::NoShow => "queue.status_no_show",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Booked,
    /// Arrived and holding a ticket.
    CheckedIn,
    Cancelled,
}

impl AppointmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::CheckedIn => "checked_in",
            AppointmentStatus::Cancelled => "cancelled",
        }
    }
    pub fn parse(raw: &str) -> Option<AppointmentStatus> {
        [
            AppointmentStatus::Booked,
            AppointmentStatus::CheckedIn,
            AppointmentStatus::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "queue.appointment_booked",
            AppointmentStatus::CheckedIn => "queue.appointment_checked_in",
            AppointmentStatus::Cancelled => "queue.appointment_cancelled",
        }
    }
}

/// Minutes before its slot from which a checked-in appointment is called ahead of walk-ins (a
/// late-comer still goes ahead once checked in).
pub const APPOINTMENT_WINDOW_MINUTES: i32 = 15;

#[cfg(test)]
mod tests {
    use super::*;

    fn t(raw: &str) -> Time {
        parse_clock(raw).expect("time")
    }

    #[test]
    fn slots_fill_the_opening_hours_and_end_by_closing_time() {
        let made: Vec<String> = slots(t("08:00"), t("09:00"), 15)
            .into_iter()
            .map(format_clock)
            .collect();
        assert_eq!(made, vec!["08:00", "08:15", "08:30", "08:45"]);
        assert_eq!(slots(t("08:00"), t("08:40"), 20).len(), 2);
        assert_eq!(slots(t("08:00"), t("08:10"), 15).len(), 0);
        assert!(slots(t("08:00"), t("15:00"), 0).is_empty());
    }

    #[test]
    fn clock_times_are_two_digit_hours_and_minutes() {
        assert_eq!(
            parse_clock("07:30").map(format_clock).as_deref(),
            Some("07:30")
        );
        for bad in ["7:30", "24:00", "12:60", "noon", ""] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
    }

    #[test]
    fn ticket_numbers_restart_with_three_digits() {
        assert_eq!(ticket_number("A", 1), "A-001");
        assert_eq!(ticket_number("B", 23), "B-023");
        assert_eq!(ticket_number("A", 1234), "A-1234");
    }

    #[test]
    fn booking_codes_catch_typos() {
        let code = BOOKING_CODE.generate();
        assert_eq!(parse_booking_code(&code.to_lowercase()), Ok(code.clone()));
        let mut typo: Vec<char> = code.chars().collect();
        let last = typo.len() - 1;
        typo[last] = if typo[last] == '0' { '1' } else { '0' };
        let typo: String = typo.into_iter().collect();
        assert_eq!(parse_booking_code(&typo), Err(CodeError::CheckDigit));
    }
}
