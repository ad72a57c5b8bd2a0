//! Domain types of people and organisation, parsed once at the edge: `Nik`, `Email`, `Phone`,
//! `Username`, the password policy, and the registration draft with every field's problem.

use std::{collections::HashSet, sync::LazyLock};

use platform::{personal::Personal, web::forms::Problems};

/// NIK, the 16-digit population number: province(2) regency/city(2) district(2) of first
/// registration, birth date DDMMYY with 40 added to the day for women, serial(4) from 0001.
/// Checks structure and date only: a valid NIK is no proof of identity, and it does not tell
/// where a person lives now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nik(Personal<String>);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NikError {
    Length,
    NotDigits,
    Region,
    BirthDate,
    Serial,
}

impl NikError {
    pub fn key(self) -> &'static str {
        match self {
            NikError::Length => "accounts.nik_length",
            NikError::NotDigits => "accounts.nik_digits",
            NikError::Region => "accounts.nik_region",
            NikError::BirthDate => "accounts.nik_birth_date",
            NikError::Serial => "accounts.nik_serial",
        }
    }
}

impl Nik {
    pub fn parse(raw: &str) -> Result<Nik, NikError> {
        let nik: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if !nik.chars().all(|c| c.is_ascii_digit()) {
            return Err(NikError::NotDigits);
        }
        if nik.len() != 16 {
            return Err(NikError::Length);
        }
        let number = |range: std::ops::Range<usize>| nik[range].parse::<u32>().unwrap_or(0);
        // Province codes run from 11 (Aceh) to 9x (Papua provinces); regency and district from 01.
        let province = number(0..2);
        if !(11..=99).contains(&province) || number(2..4) == 0 || number(4..6) == 0 {
            return Err(NikError::Region);
        }
        let mut day = number(6..8);
        if day > 40 {
            day -= 40;
        }
        let month = number(8..10);
        let year = number(10..12);
        // The century is not written: accept the date if it exists in either (29 February).
        let exists = [1900, 2000].iter().any(|century| {
            jiff::civil::Date::new(
                i16::try_from(century + year).unwrap_or(0),
                i8::try_from(month).unwrap_or(0),
                i8::try_from(day).unwrap_or(0),
            )
            .is_ok()
        });
        if !exists {
            return Err(NikError::BirthDate);
        }
        if number(12..16) == 0 {
            return Err(NikError::Serial);
        }
        Ok(Nik(Personal::new(nik)))
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(Personal<String>);

impl Email {
    /// Lower-cased; one `@`, a dotted domain, no spaces, at most 254 characters.
    pub fn parse(raw: &str) -> Option<Email> {
        let email = raw.trim().to_lowercase();
        let (local, domain) = email.split_once('@')?;
        let ok = !local.is_empty()
            && email.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c == ',' || c == ';');
        ok.then(|| Email(Personal::new(email)))
    }
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// An Indonesian mobile number, stored as +628…
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone(Personal<String>);

impl Phone {
    /// Accepts 0812-3456-789, +62 812 3456 789, 62812…; returns `+62812…`.
    pub fn parse(raw: &str) -> Option<Phone> {
        let trimmed = raw.trim();
        let plus = trimmed.starts_with('+');
        let digits: String = trimmed.chars().filter(|c| c.is_ascii_digit()).collect();
        if trimmed
            .chars()
            .any(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')' | '.')))
        {
            return None;
        }
        let national = if let Some(rest) = digits.strip_prefix("62") {
            rest.to_string()
        } else if let Some(rest) = digits.strip_prefix('0') {
            if plus {
                return None;
            }
            rest.to_string()
        } else {
            return None;
        };
        // Mobile numbers: 8xx, 9 to 12 digits after the country code.
        let ok = national.starts_with('8') && (9..=12).contains(&national.len());
        ok.then(|| Phone(Personal::new(format!("+62{national}"))))
    }
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// Staff login name: 3–40 characters of a–z, 0–9, `.`, `_`, `-`.
pub fn parse_username(raw: &str) -> Option<String> {
    let name = raw.trim().to_lowercase();
    let ok = (3..=40).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    ok.then_some(name)
}

/// Passwords people often choose (the 10,000 most common from a leaked-password corpus plus
/// Indonesian ones; provenance and licence in the file), refused whatever their length.
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common_passwords.txt")
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
});

/// The shortest password accepted (ASVS 2.1.1).
pub const PASSWORD_MIN_CHARS: usize = 12;

/// Whether `lowered` is a common password, or one with digits or punctuation tacked on
/// ("sunshine2026!", "rahasia12345"): the most guessed way of lengthening one.
fn is_common(lowered: &str) -> bool {
    let base = lowered.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    COMMON_PASSWORDS.contains(lowered)
        || (base.chars().count() >= 4 && COMMON_PASSWORDS.contains(base))
        || lowered.chars().all(|c| lowered.starts_with(c))
}

/// Password policy: 12 to 128 characters, not a common password, not the person's own NIK,
/// phone or email. Length beats composition rules (NIST SP 800-63B).
pub fn check_password(password: &str, personal: &[&str]) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < PASSWORD_MIN_CHARS {
        return Err("accounts.password_short");
    }
    if length > 128 {
        return Err("accounts.password_long");
    }
    let lowered = password.to_lowercase();
    if is_common(&lowered) {
        return Err("accounts.password_common");
    }
    if personal
        .iter()
        .any(|p| !p.is_empty() && lowered.contains(&p.to_lowercase()))
    {
        return Err("accounts.password_personal");
    }
    Ok(())
}

/// What a citizen types to register.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RegistrationInput {
    pub full_name: String,
    pub nik: String,
    pub email: String,
    pub phone: String,
    pub password: String,
    pub password_confirm: String,
    /// "yes" when the person agreed to the processing of their personal data.
    pub consent: String,
}

/// A registration that passed every check.
#[derive(Clone, Debug)]
pub struct Registration {
    pub full_name: String,
    pub nik: Nik,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub password: String,
}

/// A person's full name: 2–100 characters, letters and the punctuation names use.
pub fn parse_full_name(raw: &str) -> Option<String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let ok = (2..=100).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | ',' | '\'' | '-'));
    ok.then_some(name)
}

impl RegistrationInput {
    /// Every problem at once, so the person fixes them in one go.
    pub fn check(&self) -> Result<Registration, Problems> {
        let mut problems = Problems::new();
        let full_name = parse_full_name(&self.full_name);
        if self.full_name.trim().is_empty() {
            problems.push(("full_name", "accounts.name_required"));
        } else if full_name.is_none() {
            problems.push(("full_name", "accounts.name_invalid"));
        }
        let nik = if self.nik.trim().is_empty() {
            problems.push(("nik", "accounts.nik_required"));
            None
        } else {
            Nik::parse(&self.nik)
                .map_err(|e| problems.push(("nik", e.key())))
                .ok()
        };
        let email = match self.email.trim() {
            "" => None,
            raw => {
                let parsed = Email::parse(raw);
                if parsed.is_none() {
                    problems.push(("email", "accounts.email_invalid"));
                }
                parsed
            }
        };
        let phone = match self.phone.trim() {
            "" => None,
            raw => {
                let parsed = Phone::parse(raw);
                if parsed.is_none() {
                    problems.push(("phone", "accounts.phone_invalid"));
                }
                parsed
            }
        };
        if self.email.trim().is_empty() && self.phone.trim().is_empty() {
            problems.push(("email", "accounts.contact_required"));
        }
        let personal: Vec<&str> = [
            nik.as_ref().map(Nik::expose),
            phone.as_ref().map(|p| p.expose().trim_start_matches("+62")),
            email
                .as_ref()
                .and_then(|e| e.expose().split('@').next())
                .filter(|local| local.len() >= 4),
        ]
        .into_iter()
        .flatten()
        .collect();
        if self.password.is_empty() {
            problems.push(("password", "accounts.password_required"));
        } else if let Err(key) = check_password(&self.password, &personal) {
            problems.push(("password", key));
        } else if self.password != self.password_confirm {
            problems.push(("password_confirm", "accounts.password_mismatch"));
        }
        if self.consent != "yes" {
            problems.push(("consent", "accounts.consent_required"));
        }
        match (full_name, nik) {
            (Some(full_name), Some(nik)) if problems.is_empty() => Ok(Registration {
                full_name,
                nik,
                email,
                phone,
                password: self.password.clone(),
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nik_of_a_woman_born_1_july_1990_in_alak() {
        // 53 71 01 | 41 07 90 (day 01 + 40) | 0001
        assert!(Nik::parse("5371014107900001").is_ok());
        assert!(Nik::parse("5371 0115 0885 0002").is_ok());
    }

    #[test]
    fn nik_errors_name_the_problem() {
        assert_eq!(Nik::parse("537101410790000"), Err(NikError::Length));
        assert_eq!(Nik::parse("53710141079000012"), Err(NikError::Length));
        assert_eq!(Nik::parse("53710141O7900001"), Err(NikError::NotDigits));
        assert_eq!(Nik::parse("5371013207900001"), Err(NikError::BirthDate)); // day 32
        assert_eq!(Nik::parse("5371017207900001"), Err(NikError::BirthDate)); // woman, day 32
        assert_eq!(Nik::parse("5371014113900001"), Err(NikError::BirthDate)); // month 13
        assert_eq!(Nik::parse("5371013002900001"), Err(NikError::BirthDate)); // 30 February
        assert_eq!(Nik::parse("0071014107900001"), Err(NikError::Region));
        assert_eq!(Nik::parse("5371014107900000"), Err(NikError::Serial));
    }

    #[test]
    fn nik_accepts_29_february_of_a_leap_year() {
        assert!(Nik::parse("5371012902000001").is_ok());
        assert!(Nik::parse("5371016902000001").is_ok());
        assert_eq!(Nik::parse("5371012902010001"), Err(NikError::BirthDate));
    }

    #[test]
    fn phones_are_normalised() {
        let expected = Some("+6281234567890".to_string());
        for raw in ["0812-3456-7890", "+62 812 3456 7890", "6281234567890"] {
            assert_eq!(
                Phone::parse(raw).map(|p| p.expose().to_string()),
                expected,
                "{raw}"
            );
        }
        assert!(Phone::parse("0380-123456").is_none()); // landline: no SMS
        assert!(Phone::parse("0812abc").is_none());
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Ana@Example.ID ").map(|e| e.expose().to_string()),
            Some("ana@example.id".into())
        );
        for bad in ["ana", "ana@", "@x.id", "ana@x", "a b@x.id", "a@b@x.id"] {
            assert!(Email::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn password_policy() {
        assert_eq!(check_password("short", &[]), Err("accounts.password_short"));
        assert_eq!(
            check_password("Sabu-Raijua", &[]),
            Err("accounts.password_short"),
            "11 characters"
        );
        assert!(check_password("Sabu-Raijua!", &[]).is_ok(), "12 characters");
        for common in [
            "1q2w3e4r5t6y",
            "QWERTY123456",
            "Sunshine2026!",
            "rahasia12345",
            "1111111111111",
        ] {
            assert_eq!(
                check_password(common, &[]),
                Err("accounts.password_common"),
                "{common}"
            );
        }
        assert!(
            COMMON_PASSWORDS.len() > 10_000,
            "{}",
            COMMON_PASSWORDS.len()
        );
        assert_eq!(
            check_password("Katasandi123", &[]),
            Err("accounts.password_common")
        );
        assert_eq!(
            check_password("aaaaaaaaaaaa", &[]),
            Err("accounts.password_common")
        );
        assert_eq!(
            check_password("x5371014107900001", &["5371014107900001"]),
            Err("accounts.password_personal")
        );
        assert!(check_password("Teluk-Kupang-senja", &[]).is_ok());
    }

    #[test]
    fn registration_reports_every_problem_at_once() {
        let input = RegistrationInput {
            full_name: String::new(),
            nik: "12".into(),
            password: "x".into(),
            ..Default::default()
        };
        let problems = input.check().unwrap_err();
        let fields: Vec<_> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["full_name", "nik", "email", "password", "consent"]);
    }
}

/// The ways one login identifier could name an account.
#[derive(Debug, Default)]
pub struct LoginCandidates {
    pub nik: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub username: Option<String>,
}

pub fn login_candidates(identifier: &str) -> LoginCandidates {
    LoginCandidates {
        nik: Nik::parse(identifier).ok().map(|n| n.expose().to_string()),
        email: Email::parse(identifier).map(|e| e.expose().to_string()),
        phone: Phone::parse(identifier).map(|p| p.expose().to_string()),
        username: parse_username(identifier),
    }
}
