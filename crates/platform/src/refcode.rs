//! Reference codes people read and type: tracking numbers (`ALK-7K3M-9QX2`), booking codes
//! (`BK-4M9Q-2`). Crockford's base-32 alphabet (no I, L, O or U, so nothing looks alike) with a
//! Luhn mod 32 check character at the end that catches every single mistyped character and most
//! swapped neighbours. Reading is forgiving: case, spaces and dashes do not matter, O reads as 0
//! and I or L as 1.

use rand::Rng as _;

pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeError {
    /// Wrong length or characters.
    Malformed,
    /// The check character does not match: a typo.
    CheckDigit,
}

/// One kind of code: its prefix, how many random characters it carries, and where dashes go.
#[derive(Clone, Copy, Debug)]
pub struct Scheme {
    pub prefix: &'static str,
    pub payload: usize,
    /// Characters (payload and check together) per group between dashes.
    pub group: usize,
}

fn value_of(c: char) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|a| char::from(*a) == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// Luhn mod 32 over `values`: the sum that a valid code (payload + check) makes divisible by 32.
fn luhn_sum(values: &[u32], double_first_from_right: bool) -> u32 {
    let mut double = double_first_from_right;
    let mut sum = 0;
    for value in values.iter().rev() {
        let mut addend = if double { value * 2 } else { *value };
        addend = addend / 32 + addend % 32;
        sum += addend;
        double = !double;
    }
    sum
}

fn check_value(payload: &[u32]) -> u32 {
    (32 - luhn_sum(payload, true) % 32) % 32
}

impl Scheme {
    /// A new random code.
    pub fn generate(&self) -> String {
        let mut rng = rand::thread_rng();
        let payload: Vec<u32> = (0..self.payload).map(|_| rng.gen_range(0..32)).collect();
        self.format(&payload)
    }

    fn format(&self, payload: &[u32]) -> String {
        let mut chars: Vec<char> = payload
            .iter()
            .map(|v| char::from(ALPHABET[*v as usize]))
            .collect();
        chars.push(char::from(ALPHABET[check_value(payload) as usize]));
        let groups: Vec<String> = chars
            .chunks(self.group.max(1))
            .map(|g| g.iter().collect())
            .collect();
        format!("{}-{}", self.prefix, groups.join("-"))
    }

    /// Reads what a person typed, returning the code in its written form.
    pub fn parse(&self, raw: &str) -> Result<String, CodeError> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        let body = compact.strip_prefix(self.prefix).unwrap_or(&compact);
        if body.chars().count() != self.payload + 1 {
            return Err(CodeError::Malformed);
        }
        let values: Option<Vec<u32>> = body.chars().map(value_of).collect();
        let values = values.ok_or(CodeError::Malformed)?;
        if !luhn_sum(&values, false).is_multiple_of(32) {
            return Err(CodeError::CheckDigit);
        }
        Ok(self.format(&values[..self.payload]))
    }
}
