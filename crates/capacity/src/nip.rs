//! NIP (Nomor Induk Pegawai), the 18-digit number of a PNS: birth date YYYYMMDD, appointment
//! (TMT CPNS) YYYYMM, sex (1 man, 2 woman), serial (3 digits). PPPK staff carry an NI PPPK
//! with another layout, which is never validated as a NIP (see [`EmployeeNumber`]).
//! A NIP is personal data: its `Debug` prints `***` so it cannot reach a log by accident.

use jiff::civil::Date;

/// A NIP whose structure, birth date, appointment month and sex digit were checked.
#[derive(Clone, PartialEq, Eq)]
pub struct Nip(String);

impl std::fmt::Debug for Nip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Nip(***)")
    }
}

/// Why a NIP was refused; each has a message key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NipError {
    #[error("a NIP has 18 digits")]
    Length,
    #[error("a NIP has digits only")]
    NotDigits,
    #[error("the first 8 digits are not a real birth date")]
    BirthDate,
    #[error("the appointment month (digits 13-14) is not 01-12")]
    AppointmentMonth,
    #[error("the appointment (TMT CPNS) is before the age of 18")]
    AppointmentTooEarly,
    #[error("the sex digit (digit 15) is neither 1 nor 2")]
    Sex,
}

impl NipError {
    pub fn key(self) -> &'static str {
        match self {
            NipError::Length => "capacity.nip_length",
            NipError::NotDigits => "capacity.nip_digits",
            NipError::BirthDate => "capacity.nip_birth_date",
            NipError::AppointmentMonth => "capacity.nip_appointment_month",
            NipError::AppointmentTooEarly => "capacity.nip_appointment_early",
            NipError::Sex => "capacity.nip_sex",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sex {
    Man,
    Woman,
}

fn number(digits: &str, from: usize, to: usize) -> i32 {
    digits[from..to]
        .bytes()
        .fold(0, |n, b| n * 10 + i32::from(b - b'0'))
}

impl Nip {
    /// Checks `raw` (spaces allowed between the groups, as printed on a Karpeg card).
    pub fn parse(raw: &str) -> Result<Nip, NipError> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(NipError::NotDigits);
        }
        if digits.len() != 18 {
            return Err(NipError::Length);
        }
        let (year, month, day) = (
            number(&digits, 0, 4),
            number(&digits, 4, 6),
            number(&digits, 6, 8),
        );
        if !(1900..=2100).contains(&year) {
            return Err(NipError::BirthDate);
        }
        Date::new(year as i16, month as i8, day as i8).map_err(|_| NipError::BirthDate)?;
        let (tmt_year, tmt_month) = (number(&digits, 8, 12), number(&digits, 12, 14));
        if !(1..=12).contains(&tmt_month) {
            return Err(NipError::AppointmentMonth);
        }
        // A CPNS is at least 18 years old at appointment (UU 20/2023, PP 11/2017 Art. 23).
        if (tmt_year * 12 + tmt_month) - (year * 12 + month) < 18 * 12 {
            return Err(NipError::AppointmentTooEarly);
        }
        match &digits[14..15] {
            "1" | "2" => Ok(Nip(digits)),
            _ => Err(NipError::Sex),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> Option<Date> {
        Date::new(
            number(&self.0, 0, 4) as i16,
            number(&self.0, 4, 6) as i8,
            number(&self.0, 6, 8) as i8,
        )
        .ok()
    }

    /// (year, month) of the appointment as CPNS.
    pub fn appointment(&self) -> (i32, i32) {
        (number(&self.0, 8, 12), number(&self.0, 12, 14))
    }

    pub fn sex(&self) -> Sex {
        if &self.0[14..15] == "2" {
            Sex::Woman
        } else {
            Sex::Man
        }
    }
}

/// PNS or PPPK (Pegawai Pemerintah dengan Perjanjian Kerja).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum EmploymentType {
    Pns,
    Pppk,
}

impl EmploymentType {
    pub fn as_str(self) -> &'static str {
        match self {
            EmploymentType::Pns => "pns",
            EmploymentType::Pppk => "pppk",
        }
    }
    pub fn parse(raw: &str) -> Option<EmploymentType> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "pns" => Some(EmploymentType::Pns),
            "pppk" => Some(EmploymentType::Pppk),
            _ => None,
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            EmploymentType::Pns => "capacity.type_pns",
            EmploymentType::Pppk => "capacity.type_pppk",
        }
    }
}

/// The number of an employee: a checked NIP for a PNS; for PPPK the NI PPPK, which has its own
/// layout and is only checked to be 18 digits.
pub fn parse_employee_number(raw: &str, kind: EmploymentType) -> Result<String, NipError> {
    match kind {
        EmploymentType::Pns => Nip::parse(raw).map(|n| n.0),
        EmploymentType::Pppk => {
            let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
            if !digits.chars().all(|c| c.is_ascii_digit()) {
                Err(NipError::NotDigits)
            } else if digits.len() != 18 {
                Err(NipError::Length)
            } else {
                Ok(digits)
            }
        }
    }
}

/// A rank (golongan/ruang): PNS I/a … IV/e (PP 99/2000), PPPK I … XVII (Perpres 98/2020).
pub fn parse_rank(raw: &str, kind: EmploymentType) -> Option<String> {
    let raw = raw.trim();
    match kind {
        EmploymentType::Pns => {
            let (group, room) = raw.split_once('/')?;
            let group = group.trim().to_ascii_uppercase();
            let room = room.trim().to_ascii_lowercase();
            let rooms = match group.as_str() {
                "I" | "II" | "III" => "abcd",
                "IV" => "abcde",
                _ => return None,
            };
            (room.len() == 1 && rooms.contains(room.as_str())).then(|| format!("{group}/{room}"))
        }
        EmploymentType::Pppk => {
            const PPPK: [&str; 17] = [
                "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
                "XIV", "XV", "XVI", "XVII",
            ];
            let upper = raw.to_ascii_uppercase();
            PPPK.contains(&upper.as_str()).then_some(upper)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mans_nip_gives_birth_date_appointment_and_sex() {
        let nip = Nip::parse("19850315 201001 1 003").expect("valid");
        assert_eq!(nip.as_str(), "198503152010011003");
        assert_eq!(nip.birth_date(), Date::new(1985, 3, 15).ok());
        assert_eq!(nip.appointment(), (2010, 1));
        assert_eq!(nip.sex(), Sex::Man);
    }

    #[test]
    fn a_womans_nip_has_sex_digit_two() {
        let nip = Nip::parse("199007012015032001").expect("valid");
        assert_eq!(nip.sex(), Sex::Woman);
        assert_eq!(Nip::parse("199007012015033001"), Err(NipError::Sex));
        assert_eq!(Nip::parse("199007012015030001"), Err(NipError::Sex));
    }

    #[test]
    fn the_appointment_month_is_01_to_12() {
        assert!(Nip::parse("199007012015012001").is_ok());
        assert!(Nip::parse("199007012015122001").is_ok());
        assert_eq!(
            Nip::parse("199007012015002001"),
            Err(NipError::AppointmentMonth)
        );
        assert_eq!(
            Nip::parse("199007012015132001"),
            Err(NipError::AppointmentMonth)
        );
    }

    #[test]
    fn the_birth_date_must_be_a_real_date() {
        assert!(
            Nip::parse("199202292015032001").is_ok(),
            "29 Feb of a leap year"
        );
        assert_eq!(Nip::parse("199302292015032001"), Err(NipError::BirthDate));
        assert_eq!(Nip::parse("199013012015032001"), Err(NipError::BirthDate));
        assert_eq!(Nip::parse("199004312015032001"), Err(NipError::BirthDate));
        assert_eq!(Nip::parse("199007002015032001"), Err(NipError::BirthDate));
        assert_eq!(Nip::parse("180007012015032001"), Err(NipError::BirthDate));
    }

    #[test]
    fn length_digits_and_age_at_appointment_are_checked() {
        assert_eq!(Nip::parse("19900701201503200"), Err(NipError::Length));
        assert_eq!(Nip::parse("1990070120150320011"), Err(NipError::Length));
        assert_eq!(Nip::parse("19900701201503200A"), Err(NipError::NotDigits));
        assert_eq!(Nip::parse(""), Err(NipError::Length));
        assert_eq!(
            Nip::parse("199007012005032001"),
            Err(NipError::AppointmentTooEarly),
            "appointed at 14"
        );
        assert!(Nip::parse("199007012008072001").is_ok(), "appointed at 18");
    }

    #[test]
    fn debug_hides_the_number() {
        let nip = Nip::parse("199007012015032001").expect("valid");
        assert_eq!(format!("{nip:?}"), "Nip(***)");
    }

    #[test]
    fn a_pppk_number_is_not_checked_as_a_nip() {
        assert!(parse_employee_number("199007012015133001", EmploymentType::Pppk).is_ok());
        assert!(parse_employee_number("199007012015133001", EmploymentType::Pns).is_err());
        assert_eq!(
            parse_employee_number("12345", EmploymentType::Pppk),
            Err(NipError::Length)
        );
    }

    #[test]
    fn ranks_follow_the_pns_and_pppk_scales() {
        assert_eq!(
            parse_rank("iii/A", EmploymentType::Pns).as_deref(),
            Some("III/a")
        );
        assert_eq!(
            parse_rank("IV/e", EmploymentType::Pns).as_deref(),
            Some("IV/e")
        );
        assert_eq!(parse_rank("III/e", EmploymentType::Pns), None);
        assert_eq!(parse_rank("V/a", EmploymentType::Pns), None);
        assert_eq!(
            parse_rank("ix", EmploymentType::Pppk).as_deref(),
            Some("IX")
        );
        assert_eq!(parse_rank("XVIII", EmploymentType::Pppk), None);
    }
}
