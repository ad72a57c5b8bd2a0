//! A service's application form as data: the questions beyond the three every application asks
//! (purpose, kelurahan, address), each with its kind, labels in both languages, a required flag
//! and validation rules. Documents to upload are the service standard's requirements.
//! Every change to a form makes a new version; an application keeps the version it started under.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Keys the base questions use; a form field may not take them.
pub const RESERVED_KEYS: [&str; 3] = ["purpose", "kelurahan", "address"];

/// At most this many questions per form: one page on a phone.
pub const MAX_FIELDS: usize = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of text; `min`/`max` bound its length in characters.
    Text,
    /// Several lines of text; `min`/`max` bound its length in characters.
    LongText,
    /// A whole number (Indonesian thousands dots allowed: 1.500.000); `min`/`max` bound its value.
    Number,
    /// A calendar date (YYYY-MM-DD); `date_rule` may require the past or the future.
    Date,
    /// One of `choices`.
    Choice,
    /// One of the kelurahan of Kecamatan Alak (by code, e.g. `kel-namosain`).
    Kelurahan,
    /// A street address (RT/RW), up to 200 characters.
    Address,
}

impl FieldKind {
    pub const ALL: [FieldKind; 7] = [
        FieldKind::Text,
        FieldKind::LongText,
        FieldKind::Number,
        FieldKind::Date,
        FieldKind::Choice,
        FieldKind::Kelurahan,
        FieldKind::Address,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::LongText => "long_text",
            FieldKind::Number => "number",
            FieldKind::Date => "date",
            FieldKind::Choice => "choice",
            FieldKind::Kelurahan => "kelurahan",
            FieldKind::Address => "address",
        }
    }
    pub fn parse(raw: &str) -> Option<FieldKind> {
        FieldKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
    }
    pub fn label_key(self) -> &'static str {
        match self {
            FieldKind::Text => "services.kind_text",
            FieldKind::LongText => "services.kind_long_text",
            FieldKind::Number => "services.kind_number",
            FieldKind::Date => "services.kind_date",
            FieldKind::Choice => "services.kind_choice",
            FieldKind::Kelurahan => "services.kind_kelurahan",
            FieldKind::Address => "services.kind_address",
        }
    }
}

/// Which dates a date field accepts, relative to the day of answering (WITA).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DateRule {
    #[default]
    Any,
    /// Today or earlier (a date of birth, of death, a business's start).
    PastOrToday,
    /// Today or later (the day of an event).
    TodayOrFuture,
}

impl DateRule {
    pub fn parse(raw: &str) -> Option<DateRule> {
        match raw.trim() {
            "" | "any" => Some(DateRule::Any),
            "past_or_today" => Some(DateRule::PastOrToday),
            "today_or_future" => Some(DateRule::TodayOrFuture),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            DateRule::Any => "any",
            DateRule::PastOrToday => "past_or_today",
            DateRule::TodayOrFuture => "today_or_future",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Choice {
    pub value: String,
    pub label_id: String,
    pub label_en: String,
}

/// One question of a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FieldDef {
    /// Stable name of the answer: lower-case letters, digits and `_`, starting with a letter.
    pub key: String,
    pub kind: FieldKind,
    pub label_id: String,
    pub label_en: String,
    #[serde(default)]
    pub hint_id: String,
    #[serde(default)]
    pub hint_en: String,
    #[serde(default)]
    pub required: bool,
    /// Text: least characters; number: least value.
    #[serde(default)]
    pub min: Option<i64>,
    /// Text: most characters; number: greatest value.
    #[serde(default)]
    pub max: Option<i64>,
    #[serde(default)]
    pub date_rule: DateRule,
    /// Only for `choice`.
    #[serde(default)]
    pub choices: Vec<Choice>,
}

/// Longest text answer accepted whatever the form says, so one answer cannot flood a page.
const TEXT_CEILING: i64 = 200;
const LONG_TEXT_CEILING: i64 = 2000;

impl FieldDef {
    pub fn label(&self, english: bool) -> &str {
        if english {
            &self.label_en
        } else {
            &self.label_id
        }
    }
    pub fn hint(&self, english: bool) -> &str {
        if english {
            &self.hint_en
        } else {
            &self.hint_id
        }
    }
    /// The HTML and API name of the answer: `answers.<key>`.
    pub fn input_name(&self) -> String {
        format!("answers.{}", self.key)
    }
    /// The label of a chosen value, for showing an answer.
    pub fn choice_label(&self, value: &str, english: bool) -> Option<&str> {
        self.choices.iter().find(|c| c.value == value).map(|c| {
            if english {
                c.label_en.as_str()
            } else {
                c.label_id.as_str()
            }
        })
    }
    /// Length bounds of a text answer, with the ceiling applied.
    fn length_bounds(&self) -> (i64, i64) {
        let ceiling = if self.kind == FieldKind::LongText {
            LONG_TEXT_CEILING
        } else {
            TEXT_CEILING
        };
        let min = self.min.unwrap_or(if self.required { 1 } else { 0 }).max(0);
        (min, self.max.unwrap_or(ceiling).min(ceiling))
    }
}

/// A form version: the questions in the order they are asked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FormDefinition {
    /// 0 for a service whose form has never been defined (only the base questions).
    pub version: i64,
    pub fields: Vec<FieldDef>,
}

/// Checks a form an admin wrote; every problem as (field path, message key).
pub fn check_definition(fields: &[FieldDef]) -> Vec<(String, &'static str)> {
    let mut problems = Vec::new();
    if fields.len() > MAX_FIELDS {
        problems.push(("fields".to_string(), "services.form_too_many_fields"));
    }
    for (i, field) in fields.iter().enumerate() {
        let at = |name: &str| format!("fields.{i}.{name}");
        let key_ok = field.key.len() <= 40
            && field.key.starts_with(|c: char| c.is_ascii_lowercase())
            && field
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok {
            problems.push((at("key"), "services.form_key_invalid"));
        } else if RESERVED_KEYS.contains(&field.key.as_str()) {
            problems.push((at("key"), "services.form_key_reserved"));
        } else if fields[..i].iter().any(|f| f.key == field.key) {
            problems.push((at("key"), "services.form_key_duplicate"));
        }
        for (name, label) in [("label_id", &field.label_id), ("label_en", &field.label_en)] {
            let len = label.trim().chars().count();
            if !(2..=120).contains(&len) {
                problems.push((at(name), "services.form_label_invalid"));
            }
        }
        for (name, hint) in [("hint_id", &field.hint_id), ("hint_en", &field.hint_en)] {
            if hint.chars().count() > 300 {
                problems.push((at(name), "services.form_hint_too_long"));
            }
        }
        if let (Some(min), Some(max)) = (field.min, field.max)
            && min > max
        {
            problems.push((at("max"), "services.form_min_above_max"));
        }
        let has_bounds = field.min.is_some() || field.max.is_some();
        match field.kind {
            FieldKind::Text | FieldKind::LongText
                if field.min.is_some_and(|m| m < 0) || field.max.is_some_and(|m| m < 1) =>
            {
                problems.push((at("min"), "services.form_length_invalid"));
            }
            FieldKind::Text | FieldKind::LongText => {}
            FieldKind::Number => {}
            _ if has_bounds => problems.push((at("min"), "services.form_bounds_not_allowed")),
            _ => {}
        }
        if field.kind == FieldKind::Choice {
            let values_ok = field.choices.len() >= 2
                && field.choices.len() <= 30
                && field.choices.iter().enumerate().all(|(j, c)| {
                    !c.value.trim().is_empty()
                        && c.value.chars().count() <= 60
                        && !c.label_id.trim().is_empty()
                        && !c.label_en.trim().is_empty()
                        && !field.choices[..j].iter().any(|o| o.value == c.value)
                });
            if !values_ok {
                problems.push((at("choices"), "services.form_choices_invalid"));
            }
        } else if !field.choices.is_empty() {
            problems.push((at("choices"), "services.form_choices_not_allowed"));
        }
        if field.kind != FieldKind::Date && field.date_rule != DateRule::Any {
            problems.push((at("date_rule"), "services.form_date_rule_not_allowed"));
        }
    }
    problems
}

/// Parses a whole number as people type it: `1500000`, `1.500.000`, `1 500 000`, `-3`.
pub fn parse_number(raw: &str) -> Option<i64> {
    let trimmed = raw.trim();
    let (negative, digits) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let groups: Vec<&str> = digits.split(['.', ' ']).collect();
    // Thousands separators must separate groups of three digits.
    let grouped_ok = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    if !grouped_ok
        || groups
            .iter()
            .any(|g| !g.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let joined: String = groups.concat();
    if joined.is_empty() || joined.len() > 15 {
        return None;
    }
    let value: i64 = joined.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// Checks the answers to a form's questions; returns them normalised (trimmed, numbers without
/// separators, dates as YYYY-MM-DD) and every problem as (`answers.<key>`, message key).
/// Answers to questions the form does not ask are dropped.
pub fn check_answers(
    fields: &[FieldDef],
    answers: &BTreeMap<String, String>,
    kelurahan_codes: &[String],
    today: Date,
) -> (BTreeMap<String, String>, Vec<(String, &'static str)>) {
    let mut kept = BTreeMap::new();
    let mut problems = Vec::new();
    for field in fields {
        let raw = answers
            .get(&field.key)
            .map(|v| v.trim())
            .unwrap_or_default();
        let name = field.input_name();
        if raw.is_empty() {
            if field.required {
                problems.push((name, "services.answer_missing"));
            }
            continue;
        }
        let outcome: Result<String, &'static str> = match field.kind {
            FieldKind::Text | FieldKind::LongText | FieldKind::Address => {
                let (min, max) = if field.kind == FieldKind::Address {
                    (1, TEXT_CEILING)
                } else {
                    field.length_bounds()
                };
                let len = i64::try_from(raw.chars().count()).unwrap_or(i64::MAX);
                if len < min {
                    Err("services.answer_too_short")
                } else if len > max {
                    Err("services.answer_too_long")
                } else if raw
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\r')
                {
                    Err("services.answer_bad_characters")
                } else {
                    Ok(raw.replace("\r\n", "\n"))
                }
            }
            FieldKind::Number => match parse_number(raw) {
                None => Err("services.answer_not_a_number"),
                Some(n) if field.min.is_some_and(|m| n < m) => Err("services.answer_too_small"),
                Some(n) if field.max.is_some_and(|m| n > m) => Err("services.answer_too_large"),
                Some(n) => Ok(n.to_string()),
            },
            FieldKind::Date => match raw.parse::<Date>() {
                Err(_) => Err("services.answer_not_a_date"),
                Ok(d) if field.date_rule == DateRule::PastOrToday && d > today => {
                    Err("services.answer_date_future")
                }
                Ok(d) if field.date_rule == DateRule::TodayOrFuture && d < today => {
                    Err("services.answer_date_past")
                }
                Ok(d) => Ok(d.to_string()),
            },
            FieldKind::Choice => {
                if field.choices.iter().any(|c| c.value == raw) {
                    Ok(raw.to_string())
                } else {
                    Err("services.answer_not_a_choice")
                }
            }
            FieldKind::Kelurahan => {
                if kelurahan_codes.iter().any(|c| c == raw) {
                    Ok(raw.to_string())
                } else {
                    Err("services.answer_not_a_choice")
                }
            }
        };
        match outcome {
            Ok(value) => {
                kept.insert(field.key.clone(), value);
            }
            Err(key) => problems.push((name, key)),
        }
    }
    (kept, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(key: &str, kind: FieldKind) -> FieldDef {
        FieldDef {
            key: key.into(),
            kind,
            label_id: "Label".into(),
            label_en: "Label".into(),
            hint_id: String::new(),
            hint_en: String::new(),
            required: true,
            min: None,
            max: None,
            date_rule: DateRule::Any,
            choices: vec![],
        }
    }

    fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const TODAY: Date = jiff::civil::date(2026, 11, 30);

    #[test]
    fn numbers_accept_indonesian_thousands_dots_only_in_groups_of_three() {
        assert_eq!(parse_number("1.500.000"), Some(1_500_000));
        assert_eq!(parse_number(" 1500000 "), Some(1_500_000));
        assert_eq!(parse_number("1 500"), Some(1500));
        assert_eq!(parse_number("-3"), Some(-3));
        assert_eq!(parse_number("1.5"), None);
        assert_eq!(parse_number("1,5"), None);
        assert_eq!(parse_number("12.34.567"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number("9999999999999999"), None);
    }

    #[test]
    fn every_problem_is_reported_at_once_and_good_answers_are_normalised() {
        let mut name = field("business_name", FieldKind::Text);
        name.min = Some(3);
        let mut workers = field("workers", FieldKind::Number);
        workers.min = Some(0);
        workers.max = Some(500);
        let mut started = field("started", FieldKind::Date);
        started.date_rule = DateRule::PastOrToday;
        let mut kind = field("kind", FieldKind::Choice);
        kind.choices = vec![
            Choice {
                value: "dagang".into(),
                label_id: "Dagang".into(),
                label_en: "Trade".into(),
            },
            Choice {
                value: "jasa".into(),
                label_id: "Jasa".into(),
                label_en: "Services".into(),
            },
        ];
        let mut note = field("note", FieldKind::LongText);
        note.required = false;
        let fields = vec![name, workers, started, kind, note];
        let (_, problems) = check_answers(
            &fields,
            &answers(&[
                ("business_name", "ab"),
                ("workers", "501"),
                ("started", "2026-12-01"),
                ("kind", "pabrik"),
            ]),
            &[],
            TODAY,
        );
        assert_eq!(
            problems,
            vec![
                ("answers.business_name".into(), "services.answer_too_short"),
                ("answers.workers".into(), "services.answer_too_large"),
                ("answers.started".into(), "services.answer_date_future"),
                ("answers.kind".into(), "services.answer_not_a_choice"),
            ]
        );
        let (kept, problems) = check_answers(
            &fields,
            &answers(&[
                ("business_name", "  Kios Mama Ina "),
                ("workers", "12"),
                ("started", "2026-11-30"),
                ("kind", "jasa"),
                ("unasked", "dropped"),
            ]),
            &[],
            TODAY,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            kept.get("business_name").map(String::as_str),
            Some("Kios Mama Ina")
        );
        assert_eq!(kept.get("workers").map(String::as_str), Some("12"));
        assert!(!kept.contains_key("unasked"));
        assert!(!kept.contains_key("note"));
    }

    #[test]
    fn a_missing_required_answer_and_a_bad_kelurahan_are_named() {
        let fields = vec![
            field("event_day", FieldKind::Date),
            field("where", FieldKind::Kelurahan),
        ];
        let (_, problems) = check_answers(
            &fields,
            &answers(&[("where", "kel-atlantis")]),
            &["kel-namosain".into()],
            TODAY,
        );
        assert_eq!(
            problems,
            vec![
                ("answers.event_day".into(), "services.answer_missing"),
                ("answers.where".into(), "services.answer_not_a_choice"),
            ]
        );
    }

    #[test]
    fn definitions_refuse_reserved_duplicate_and_malformed_keys_and_bad_rules() {
        let mut choice = field("kind", FieldKind::Choice);
        choice.choices = vec![Choice {
            value: "a".into(),
            label_id: "A".into(),
            label_en: "A".into(),
        }];
        let mut date = field("day", FieldKind::Date);
        date.min = Some(1);
        let mut text = field("Name", FieldKind::Text);
        text.date_rule = DateRule::PastOrToday;
        let mut number = field("count", FieldKind::Number);
        number.min = Some(10);
        number.max = Some(1);
        let problems = check_definition(&[
            field("purpose", FieldKind::Text),
            field("x", FieldKind::Text),
            field("x", FieldKind::Text),
            choice,
            date,
            text,
            number,
        ]);
        let keys: Vec<_> = problems.iter().map(|(p, k)| (p.as_str(), *k)).collect();
        assert_eq!(
            keys,
            vec![
                ("fields.0.key", "services.form_key_reserved"),
                ("fields.2.key", "services.form_key_duplicate"),
                ("fields.3.choices", "services.form_choices_invalid"),
                ("fields.4.min", "services.form_bounds_not_allowed"),
                ("fields.5.key", "services.form_key_invalid"),
                ("fields.5.date_rule", "services.form_date_rule_not_allowed"),
                ("fields.6.max", "services.form_min_above_max"),
            ]
        );
        assert!(check_definition(&[field("business_name", FieldKind::Text)]).is_empty());
    }
}
