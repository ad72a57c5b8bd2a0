//! Tracking numbers: `ALK-7K3M-9QX2` (see `platform::refcode`), short enough to read over the phone, in Crockford's base-32
//! alphabet (no I, L, O or U, so nothing looks alike), with a Luhn mod 32 check character at the
//! end that catches every single mistyped character and most swapped neighbours. Reading is
//! forgiving: case, spaces and dashes do not matter, O reads as 0 and I or L as 1.

use platform::refcode::{CodeError, Scheme};

#[cfg(test)]
use platform::refcode::ALPHABET;

const SCHEME: Scheme = Scheme {
    prefix: "ALK",
    payload: 7,
    group: 4,
};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TrackingNumber(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrackingError {
    /// Wrong length or characters.
    Malformed,
    /// The check character does not match: a typo.
    CheckDigit,
}

impl TrackingNumber {
    /// A new random number.
    pub fn generate() -> TrackingNumber {
        TrackingNumber(SCHEME.generate())
    }

    /// Reads what a person typed.
    pub fn parse(raw: &str) -> Result<TrackingNumber, TrackingError> {
        SCHEME.parse(raw).map(TrackingNumber).map_err(|e| match e {
            CodeError::Malformed => TrackingError::Malformed,
            CodeError::CheckDigit => TrackingError::CheckDigit,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_numbers_read_back_in_any_written_form() {
        for _ in 0..200 {
            let number = TrackingNumber::generate();
            assert_eq!(TrackingNumber::parse(number.as_str()), Ok(number.clone()));
            let sloppy = number.as_str().to_lowercase().replace('-', " ");
            assert_eq!(TrackingNumber::parse(&sloppy), Ok(number.clone()));
            assert_eq!(number.as_str().len(), 13);
        }
    }

    #[test]
    fn every_single_mistyped_character_is_caught() {
        for _ in 0..50 {
            let number = TrackingNumber::generate();
            let body: Vec<char> = number.as_str()[4..].chars().filter(|c| *c != '-').collect();
            for position in 0..body.len() {
                for replacement in ALPHABET.iter().map(|b| char::from(*b)) {
                    if replacement == body[position] {
                        continue;
                    }
                    let mut typo = body.clone();
                    typo[position] = replacement;
                    let typed: String = typo.into_iter().collect();
                    assert_eq!(
                        TrackingNumber::parse(&typed),
                        Err(TrackingError::CheckDigit),
                        "{typed}"
                    );
                }
            }
        }
    }

    #[test]
    fn most_swapped_neighbours_are_caught() {
        let (mut swaps, mut caught) = (0, 0);
        for _ in 0..200 {
            let number = TrackingNumber::generate();
            let body: Vec<char> = number.as_str()[4..].chars().filter(|c| *c != '-').collect();
            for i in 0..body.len() - 1 {
                if body[i] == body[i + 1] {
                    continue;
                }
                let mut swapped = body.clone();
                swapped.swap(i, i + 1);
                swaps += 1;
                if TrackingNumber::parse(&swapped.into_iter().collect::<String>()).is_err() {
                    caught += 1;
                }
            }
        }
        assert!(caught * 100 >= swaps * 95, "caught {caught} of {swaps}");
    }

    #[test]
    fn malformed_input_is_named() {
        assert_eq!(
            TrackingNumber::parse("ALK-123"),
            Err(TrackingError::Malformed)
        );
        assert_eq!(
            TrackingNumber::parse("ALK-12U4-5678"),
            Err(TrackingError::Malformed)
        );
        assert_eq!(TrackingNumber::parse(""), Err(TrackingError::Malformed));
    }
}
