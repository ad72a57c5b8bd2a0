//! Domain types of complaints: the complaint number (check character), the anonymous access
//! code, the status life cycle as one transition function, and the check of a new complaint.

use platform::web::forms::Problems;
use rand::Rng as _;
use serde::{Deserialize, Serialize};

use platform::refcode::{ALPHABET, Scheme};

const NUMBER: Scheme = Scheme {
    prefix: "ADU",
    payload: 7,
    group: 4,
};

fn compact(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase()
}

/// A complaint number, `ADU-7K3M-9QX2`: the sibling of the services' tracking number (same
/// Crockford alphabet and Luhn mod 32 check character), with its own prefix so the two are
/// never confused on the phone.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ComplaintNumber(String);

impl ComplaintNumber {
    pub fn generate() -> ComplaintNumber {
        ComplaintNumber(NUMBER.generate())
    }

    /// Reads what a person typed (case, spaces and dashes do not matter). `None` when malformed
    /// or when the check character shows a typo.
    pub fn parse(raw: &str) -> Option<ComplaintNumber> {
        NUMBER.parse(raw).ok().map(ComplaintNumber)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ComplaintNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The second factor an anonymous complainant keeps (printed or written down) to read the
/// answer: 10 random characters of the same alphabet (50 bits), shown once, stored as SHA-256.
pub struct AccessCode(String);

impl AccessCode {
    pub fn generate() -> AccessCode {
        let mut rng = rand::thread_rng();
        let chars: String = (0..10)
            .map(|_| char::from(ALPHABET[rng.gen_range(0..32)]))
            .collect();
        AccessCode(format!("{}-{}", &chars[..5], &chars[5..]))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The stored form of a code as typed (case, spaces, dashes and look-alikes forgiven).
    pub fn hash_of(typed: &str) -> String {
        let normal: String = compact(typed)
            .chars()
            .map(|c| match c {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            })
            .collect();
        platform::ids::sha256_hex(normal.as_bytes())
    }
}

/// Where a complaint stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ComplaintStatus)]
pub enum Status {
    /// Filed; waiting for the responsible agency to verify it (SP4N-LAPOR!: 3 working days).
    Received,
    /// Accepted as relevant; being followed up.
    InProgress,
    /// Staff answered; the complainant can read the answer.
    Answered,
    /// Finished.
    Closed,
    /// Not a matter for the government, a duplicate or spam; the reason is shown.
    NotRelevant,
}

/// What staff do with a complaint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ComplaintAction)]
pub enum Action {
    Accept,
    MarkNotRelevant,
    Forward,
    Respond,
    Close,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Received,
        Status::InProgress,
        Status::Answered,
        Status::Closed,
        Status::NotRelevant,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::InProgress => "in_progress",
            Status::Answered => "answered",
            Status::Closed => "closed",
            Status::NotRelevant => "not_relevant",
        }
    }

    pub fn parse(raw: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Status::Received => "complaints.status_received",
            Status::InProgress => "complaints.status_in_progress",
            Status::Answered => "complaints.status_answered",
            Status::Closed => "complaints.status_closed",
            Status::NotRelevant => "complaints.status_not_relevant",
        }
    }

    /// Open311's two states: a request is `closed` once it is finished or refused.
    pub fn open311(self) -> &'static str {
        if matches!(self, Status::Closed | Status::NotRelevant) {
            "closed"
        } else {
            "open"
        }
    }

    /// Where `action` leads from here, if it is allowed. Forwarding hands the complaint to
    /// another agency, where it waits for verification again.
    pub fn next(self, action: Action) -> Option<Status> {
        use Action as A;
        use Status as S;
        match (self, action) {
            (S::Received, A::Accept) => Some(S::InProgress),
            (S::Received, A::MarkNotRelevant) => Some(S::NotRelevant),
            (S::Received | S::InProgress, A::Forward) => Some(S::Received),
            (S::InProgress, A::Respond) => Some(S::Answered),
            (S::Answered, A::Close) => Some(S::Closed),
            _ => None,
        }
    }
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::Accept,
        Action::MarkNotRelevant,
        Action::Forward,
        Action::Respond,
        Action::Close,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::MarkNotRelevant => "mark_not_relevant",
            Action::Forward => "forward",
            Action::Respond => "respond",
            Action::Close => "close",
        }
    }

    pub fn parse(raw: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == raw)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Action::Accept => "complaints.action_accept",
            Action::MarkNotRelevant => "complaints.action_mark_not_relevant",
            Action::Forward => "complaints.action_forward",
            Action::Respond => "complaints.action_respond",
            Action::Close => "complaints.action_close",
        }
    }

    /// The text this action needs: the reason, the answer, or nothing.
    pub fn note_key(self) -> Option<&'static str> {
        match self {
            Action::MarkNotRelevant | Action::Forward => Some("complaints.reason_required"),
            Action::Respond => Some("complaints.response_required"),
            Action::Accept | Action::Close => None,
        }
    }
}

/// Kupang's surroundings: a point outside this box is a mistake (or another city).
pub const LAT_RANGE: (f64, f64) = (-10.35, -10.05);
pub const LON_RANGE: (f64, f64) = (123.45, 123.75);

pub const DESCRIPTION_MIN: usize = 10;
pub const DESCRIPTION_MAX: usize = 2000;

/// Location as typed: both coordinates or neither; inside the box. Problems go on `lat_field`.
pub fn check_location(
    lat: &str,
    lon: &str,
    lat_field: &'static str,
    problems: &mut Problems,
) -> Option<(f64, f64)> {
    let (lat, lon) = (lat.trim(), lon.trim());
    if lat.is_empty() && lon.is_empty() {
        return None;
    }
    let parsed = (
        lat.replace(',', ".").parse::<f64>().ok(),
        lon.replace(',', ".").parse::<f64>().ok(),
    );
    match parsed {
        (Some(lat), Some(lon)) if lat.is_finite() && lon.is_finite() => {
            if (LAT_RANGE.0..=LAT_RANGE.1).contains(&lat)
                && (LON_RANGE.0..=LON_RANGE.1).contains(&lon)
            {
                Some((lat, lon))
            } else {
                problems.push((lat_field, "complaints.location_outside"));
                None
            }
        }
        _ => {
            problems.push((lat_field, "complaints.location_invalid"));
            None
        }
    }
}

pub fn check_description(description: &str, problems: &mut Problems) {
    let length = description.trim().chars().count();
    if length == 0 {
        problems.push(("description", "complaints.description_required"));
    } else if !(DESCRIPTION_MIN..=DESCRIPTION_MAX).contains(&length) {
        problems.push(("description", "complaints.description_length"));
    }
}

pub fn email_ok(raw: &str) -> bool {
    let raw = raw.trim();
    raw.len() <= 200
        && raw
            .split_once('@')
            .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'))
        && !raw.contains(char::is_whitespace)
}

pub fn phone_ok(raw: &str) -> bool {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let body = digits.strip_prefix('+').unwrap_or(&digits);
    (8..=15).contains(&body.len()) && body.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_and_action_pair_is_decided() {
        use Action as A;
        use Status as S;
        let allowed = [
            (S::Received, A::Accept, S::InProgress),
            (S::Received, A::MarkNotRelevant, S::NotRelevant),
            (S::Received, A::Forward, S::Received),
            (S::InProgress, A::Forward, S::Received),
            (S::InProgress, A::Respond, S::Answered),
            (S::Answered, A::Close, S::Closed),
        ];
        for status in Status::ALL {
            for action in Action::ALL {
                let expected = allowed
                    .iter()
                    .find(|(s, a, _)| *s == status && *a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(status.next(action), expected, "{status:?} + {action:?}");
            }
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        assert_eq!(S::Closed.open311(), "closed");
        assert_eq!(S::NotRelevant.open311(), "closed");
        assert_eq!(S::Answered.open311(), "open");
    }

    #[test]
    fn numbers_read_back_and_typos_are_caught() {
        for _ in 0..100 {
            let number = ComplaintNumber::generate();
            assert_eq!(
                ComplaintNumber::parse(&number.as_str().to_lowercase().replace('-', " ")),
                Some(number.clone())
            );
            let mut typo: Vec<char> = number.as_str().chars().collect();
            let last = typo.len() - 1;
            typo[last] = if typo[last] == '0' { '1' } else { '0' };
            assert_eq!(
                ComplaintNumber::parse(&typo.into_iter().collect::<String>()),
                None
            );
        }
        assert_eq!(ComplaintNumber::parse("ADU-12"), None);
    }

    #[test]
    fn access_codes_are_forgiving_to_type() {
        let code = AccessCode::generate();
        assert_eq!(
            AccessCode::hash_of(&code.as_str().to_lowercase().replace('-', "")),
            AccessCode::hash_of(code.as_str())
        );
        assert_ne!(
            AccessCode::hash_of("AAAAA-AAAAA"),
            AccessCode::hash_of(code.as_str())
        );
    }

    #[test]
    fn locations_must_be_in_kupang() {
        let mut problems = Problems::new();
        // Kantor Camat Alak, Jl. Alak, Namosain.
        assert_eq!(
            check_location("-10.1772", "123.5536", "lat", &mut problems),
            Some((-10.1772, 123.5536))
        );
        assert!(problems.is_empty());
        // Jakarta.
        assert_eq!(check_location("-6.2", "106.8", "lat", &mut problems), None);
        assert_eq!(check_location("-10.1", "", "lat", &mut problems), None);
        assert_eq!(
            problems,
            vec![
                ("lat", "complaints.location_outside"),
                ("lat", "complaints.location_invalid")
            ]
        );
    }
}
