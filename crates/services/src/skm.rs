//! SKM / IKM, the community satisfaction index (PermenPAN-RB 14/2017; *verify whether superseded*).
//! Nine elements, each answered 1–4. IKM = Σ (element mean × weight) with weight exactly 1/9
//! (the regulation writes 0.111, which makes a perfect score 99.90 instead of 100), on 1–4;
//! × 25 gives the converted value 25–100, rounded to 2 decimals, which is what gets graded:
//! A 88.31–100.00, B 76.61–88.30, C 65.00–76.60, D 25.00–64.99.

use serde::Serialize;

/// The nine elements in the regulation's order; message keys `services.skm_<element>`.
pub const ELEMENTS: [&str; 9] = [
    "requirements",
    "procedure",
    "completion_time",
    "cost",
    "product",
    "staff_competence",
    "staff_behaviour",
    "complaint_handling",
    "facilities",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub enum Grade {
    /// Sangat baik (very good)
    A,
    /// Baik (good)
    B,
    /// Kurang baik (fair)
    C,
    /// Tidak baik (poor)
    D,
}

impl Grade {
    /// Grade of a converted value already rounded to 2 decimals, in hundredths (8831 = 88.31):
    /// integer bounds leave no gaps between the classes.
    pub fn from_hundredths(value: i64) -> Grade {
        match value {
            8831.. => Grade::A,
            7661..=8830 => Grade::B,
            6500..=7660 => Grade::C,
            _ => Grade::D,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Grade::A => "services.grade_a",
            Grade::B => "services.grade_b",
            Grade::C => "services.grade_c",
            Grade::D => "services.grade_d",
        }
    }
}

/// One respondent's answers, each 1–4.
pub type Answers = [u8; 9];

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Ikm {
    pub respondents: usize,
    /// Mean per element, on 1–4.
    pub element_means: Vec<f64>,
    /// The index on 1–4.
    pub index: f64,
    /// The converted value on 25–100, rounded to 2 decimals.
    pub converted: f64,
    pub grade: Grade,
}

/// The IKM of a set of answers; `None` without respondents or with an answer outside 1–4.
pub fn compute(answers: &[Answers]) -> Option<Ikm> {
    if answers.iter().flatten().any(|a| !(1..=4).contains(a)) {
        return None;
    }
    let mut sums = [0_i64; 9];
    for a in answers {
        for (sum, value) in sums.iter_mut().zip(a) {
            *sum += i64::from(*value);
        }
    }
    from_sums(answers.len() as i64, &sums)
}

/// The IKM from the number of respondents and the sum of each element's answers (what the
/// dashboard keeps per day): the same figure as [`compute`] over those answers.
pub fn from_sums(respondents: i64, sums: &[i64; 9]) -> Option<Ikm> {
    if respondents <= 0 {
        return None;
    }
    let n = respondents as f64;
    let element_means: Vec<f64> = sums.iter().map(|s| *s as f64 / n).collect();
    let index = element_means.iter().map(|m| m / 9.0).sum::<f64>();
    let hundredths = (index * 25.0 * 100.0).round() as i64;
    Some(Ikm {
        respondents: usize::try_from(respondents).unwrap_or(0),
        element_means,
        index,
        converted: hundredths as f64 / 100.0,
        grade: Grade::from_hundredths(hundredths),
    })
}

/// Answers as stored (`4,3,…`, nine values 1–4).
pub fn parse_answers(encoded: &str) -> Option<Answers> {
    let values: Vec<u8> = encoded
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    let answers: Answers = values.try_into().ok()?;
    answers
        .iter()
        .all(|a| (1..=4).contains(a))
        .then_some(answers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_answers_give_100_with_the_exact_weight() {
        let ikm = compute(&[[4; 9]]).expect("valid");
        assert_eq!(ikm.converted, 100.0);
        assert_eq!(ikm.grade, Grade::A);
        // With the regulation's rounded weight 0.111 the same answers would give 99.90.
        assert!((4.0 * 0.111 * 9.0 * 25.0 - 99.9_f64).abs() < 1e-9);
    }

    #[test]
    fn all_threes_give_75_which_is_fair() {
        let ikm = compute(&[[3; 9], [3; 9]]).expect("valid");
        assert_eq!(ikm.converted, 75.0);
        assert_eq!(ikm.grade, Grade::C);
    }

    #[test]
    fn a_worked_example_of_four_respondents() {
        let answers = [
            [4, 3, 3, 4, 3, 4, 4, 3, 3],
            [3, 3, 2, 4, 3, 3, 4, 3, 3],
            [4, 4, 3, 4, 4, 4, 4, 3, 4],
            [3, 3, 3, 4, 3, 3, 3, 2, 3],
        ];
        let ikm = compute(&answers).expect("valid");
        // Element means: 3.5, 3.25, 2.75, 4, 3.25, 3.5, 3.75, 2.75, 3.25 → sum 30 → index 30/9.
        assert!((ikm.index - 30.0 / 9.0).abs() < 1e-12);
        assert_eq!(ikm.converted, 83.33);
        assert_eq!(ikm.grade, Grade::B);
    }

    #[test]
    fn grade_boundaries_have_no_gaps() {
        for (hundredths, grade) in [
            (10000, Grade::A),
            (8831, Grade::A),
            (8830, Grade::B),
            (7661, Grade::B),
            (7660, Grade::C),
            (6500, Grade::C),
            (6499, Grade::D),
            (2500, Grade::D),
        ] {
            assert_eq!(Grade::from_hundredths(hundredths), grade, "{hundredths}");
        }
    }

    #[test]
    fn invalid_answers_are_refused() {
        assert!(compute(&[]).is_none());
        assert!(compute(&[[5, 4, 4, 4, 4, 4, 4, 4, 4]]).is_none());
        assert!(compute(&[[0, 4, 4, 4, 4, 4, 4, 4, 4]]).is_none());
    }
}
