//! The service and its standard (UU 25/2009; PermenPAN-RB 15/2014): six components published
//! to the public (requirements, procedure, completion time, cost, product, complaints) and eight
//! kept internal (legal basis, facilities, staff competence, internal supervision, number of
//! staff, service guarantee, security and safety guarantee, performance evaluation).

use platform::web::forms::Problems;
use serde::{Deserialize, Serialize};

/// Perizinan (licensing) or non-perizinan (letters, recommendations, legalisations).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Licensing,
    NonLicensing,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Licensing => "licensing",
            Category::NonLicensing => "non_licensing",
        }
    }
    pub fn parse(raw: &str) -> Option<Category> {
        match raw.trim() {
            "licensing" => Some(Category::Licensing),
            "non_licensing" => Some(Category::NonLicensing),
            _ => None,
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Category::Licensing => "services.category_licensing",
            Category::NonLicensing => "services.category_non_licensing",
        }
    }
}

/// File types a requirement accepts; checked by content when uploads arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DocumentType {
    Pdf,
    Jpeg,
    Png,
}

impl DocumentType {
    pub const ALL: [DocumentType; 3] = [DocumentType::Pdf, DocumentType::Jpeg, DocumentType::Png];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentType::Pdf => "pdf",
            DocumentType::Jpeg => "jpeg",
            DocumentType::Png => "png",
        }
    }
    pub fn parse(raw: &str) -> Option<DocumentType> {
        match raw.trim().to_lowercase().as_str() {
            "pdf" => Some(DocumentType::Pdf),
            "jpeg" | "jpg" => Some(DocumentType::Jpeg),
            "png" => Some(DocumentType::Png),
            _ => None,
        }
    }
    /// "pdf,jpeg,png" → types; `None` if any is unknown or the list is empty.
    pub fn parse_list(raw: &str) -> Option<Vec<DocumentType>> {
        let types: Option<Vec<_>> = raw
            .split(',')
            .filter(|t| !t.trim().is_empty())
            .map(DocumentType::parse)
            .collect();
        types.filter(|t| !t.is_empty())
    }
    pub fn join(types: &[DocumentType]) -> String {
        types
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A document the applicant must supply.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Requirement {
    pub name_id: String,
    pub name_en: String,
    pub accepted_types: Vec<DocumentType>,
}

/// One step of the procedure.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Step {
    pub text_id: String,
    pub text_en: String,
}

/// What a service admin types; multi-line fields hold one item a line. English texts are
/// optional (the Indonesian text shows where none is given) but, when given, must match
/// the Indonesian lines one to one.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ServiceInput {
    pub code: String,
    pub agency_code: String,
    /// `licensing` or `non_licensing`.
    pub category: String,
    pub name_id: String,
    pub name_en: String,
    pub summary_id: String,
    pub summary_en: String,
    /// One requirement a line: `Name | pdf,jpeg,png` (types optional; all three by default).
    pub requirements_id: String,
    pub requirements_en: String,
    /// One procedure step a line.
    pub steps_id: String,
    pub steps_en: String,
    /// Completion time in working days.
    pub completion_days: String,
    /// Cost in rupiah; 0 when free.
    pub cost_idr: String,
    pub cost_note_id: String,
    pub cost_note_en: String,
    pub product_id: String,
    pub product_en: String,
    pub complaints_id: String,
    pub complaints_en: String,
    pub legal_basis: String,
    pub facilities: String,
    pub staff_competence: String,
    pub internal_supervision: String,
    pub staff_count: String,
    pub service_guarantee: String,
    pub safety_guarantee: String,
    pub performance_evaluation: String,
    /// "yes" to show it in the public catalogue.
    pub published: String,
}

/// A checked service definition, ready to store.
#[derive(Clone, Debug)]
pub struct ServiceDraft {
    pub code: String,
    pub agency_code: String,
    pub category: Category,
    pub name_id: String,
    pub name_en: String,
    pub summary_id: String,
    pub summary_en: String,
    pub requirements: Vec<Requirement>,
    pub steps: Vec<Step>,
    pub completion_days: i64,
    pub cost_idr: i64,
    pub cost_note_id: String,
    pub cost_note_en: String,
    pub product_id: String,
    pub product_en: String,
    pub complaints_id: String,
    pub complaints_en: String,
    pub internal: [String; 8],
    pub published: bool,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn or_id(en: &str, id: &str) -> String {
    if en.trim().is_empty() {
        id.trim().to_string()
    } else {
        en.trim().to_string()
    }
}

/// `code`: 3–40 characters of a–z, 0–9 and `-`.
pub fn parse_code(raw: &str) -> Option<String> {
    let code = raw.trim().to_lowercase();
    let ok = (3..=40).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    ok.then_some(code)
}

impl ServiceInput {
    /// Every problem at once.
    pub fn check(&self) -> Result<ServiceDraft, Problems> {
        let mut problems = Problems::new();
        let code = parse_code(&self.code);
        if code.is_none() {
            problems.push(("code", "services.code_invalid"));
        }
        if self.agency_code.trim().is_empty() {
            problems.push(("agency_code", "services.agency_required"));
        }
        let category = Category::parse(&self.category);
        if category.is_none() {
            problems.push(("category", "services.category_required"));
        }
        for (field, value, key) in [
            ("name_id", &self.name_id, "services.name_required"),
            ("summary_id", &self.summary_id, "services.summary_required"),
            ("product_id", &self.product_id, "services.product_required"),
            (
                "complaints_id",
                &self.complaints_id,
                "services.complaints_required",
            ),
            (
                "legal_basis",
                &self.legal_basis,
                "services.legal_basis_required",
            ),
        ] {
            if value.trim().is_empty() {
                problems.push((field, key));
            }
        }
        if self.name_id.trim().chars().count() > 150 {
            problems.push(("name_id", "services.name_too_long"));
        }
        let requirement_lines = lines(&self.requirements_id);
        let mut requirements = Vec::new();
        if requirement_lines.is_empty() {
            problems.push(("requirements_id", "services.requirements_required"));
        }
        let english_requirements = lines(&self.requirements_en);
        if !english_requirements.is_empty() && english_requirements.len() != requirement_lines.len()
        {
            problems.push(("requirements_en", "services.lines_mismatch"));
        }
        for (n, line) in requirement_lines.iter().enumerate() {
            let (name, types) = match line.split_once('|') {
                Some((name, types)) => (name.trim(), DocumentType::parse_list(types)),
                None => (line.as_str(), Some(DocumentType::ALL.to_vec())),
            };
            let Some(accepted_types) = types else {
                problems.push(("requirements_id", "services.document_types_invalid"));
                break;
            };
            let name_en = english_requirements
                .get(n)
                .map(|l| l.split('|').next().unwrap_or_default().trim().to_string())
                .unwrap_or_else(|| name.to_string());
            requirements.push(Requirement {
                name_id: name.to_string(),
                name_en,
                accepted_types,
            });
        }
        let step_lines = lines(&self.steps_id);
        let english_steps = lines(&self.steps_en);
        if step_lines.is_empty() {
            problems.push(("steps_id", "services.steps_required"));
        }
        if !english_steps.is_empty() && english_steps.len() != step_lines.len() {
            problems.push(("steps_en", "services.lines_mismatch"));
        }
        let steps = step_lines
            .iter()
            .enumerate()
            .map(|(n, text)| Step {
                text_id: text.clone(),
                text_en: english_steps
                    .get(n)
                    .cloned()
                    .unwrap_or_else(|| text.clone()),
            })
            .collect();
        let completion_days = self
            .completion_days
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=365).contains(d));
        if completion_days.is_none() {
            problems.push(("completion_days", "services.completion_days_invalid"));
        }
        let cost_idr = self
            .cost_idr
            .trim()
            .replace(['.', ' '], "")
            .parse::<i64>()
            .ok()
            .filter(|c| *c >= 0);
        if cost_idr.is_none() {
            problems.push(("cost_idr", "services.cost_invalid"));
        }
        let internal = [
            self.legal_basis.trim().to_string(),
            self.facilities.trim().to_string(),
            self.staff_competence.trim().to_string(),
            self.internal_supervision.trim().to_string(),
            self.staff_count.trim().to_string(),
            self.service_guarantee.trim().to_string(),
            self.safety_guarantee.trim().to_string(),
            self.performance_evaluation.trim().to_string(),
        ];
        match (code, category, completion_days, cost_idr) {
            (Some(code), Some(category), Some(completion_days), Some(cost_idr))
                if problems.is_empty() =>
            {
                Ok(ServiceDraft {
                    code,
                    agency_code: self.agency_code.trim().to_string(),
                    category,
                    name_id: self.name_id.trim().to_string(),
                    name_en: or_id(&self.name_en, &self.name_id),
                    summary_id: self.summary_id.trim().to_string(),
                    summary_en: or_id(&self.summary_en, &self.summary_id),
                    requirements,
                    steps,
                    completion_days,
                    cost_idr,
                    cost_note_id: self.cost_note_id.trim().to_string(),
                    cost_note_en: or_id(&self.cost_note_en, &self.cost_note_id),
                    product_id: self.product_id.trim().to_string(),
                    product_en: or_id(&self.product_en, &self.product_id),
                    complaints_id: self.complaints_id.trim().to_string(),
                    complaints_en: or_id(&self.complaints_en, &self.complaints_id),
                    internal,
                    published: self.published == "yes",
                })
            }
            _ => Err(problems),
        }
    }
}

/// "Rp150.000" / "Gratis".
pub fn format_rupiah(amount: i64) -> String {
    format!("Rp{}", format_thousands(amount.abs()))
}

/// A whole number with Indonesian thousands dots: 1500000 → "1.500.000".
pub fn format_thousands(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::from(if amount < 0 { "-" } else { "" });
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ServiceInput {
        ServiceInput {
            code: "skdu".into(),
            agency_code: "kec-alak".into(),
            category: "non_licensing".into(),
            name_id: "Surat Keterangan Domisili Usaha".into(),
            summary_id: "Surat keterangan lokasi usaha.".into(),
            requirements_id: "KTP pemohon | pdf, jpg\nKartu Keluarga\n".into(),
            requirements_en: "Applicant's ID card\nFamily card".into(),
            steps_id: "Ajukan online\nVerifikasi\nTerbit".into(),
            completion_days: "3".into(),
            cost_idr: "0".into(),
            product_id: "Surat keterangan".into(),
            complaints_id: "Pengaduan Sigap".into(),
            legal_basis: "UU 25/2009".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_standard_is_accepted() {
        let draft = valid().check().expect("valid");
        assert_eq!(draft.requirements.len(), 2);
        assert_eq!(
            draft.requirements[0].accepted_types,
            [DocumentType::Pdf, DocumentType::Jpeg]
        );
        assert_eq!(draft.requirements[1].accepted_types, DocumentType::ALL);
        assert_eq!(draft.requirements[0].name_en, "Applicant's ID card");
        assert_eq!(
            draft.steps[2].text_en, "Terbit",
            "Indonesian shows where no English is given"
        );
        assert_eq!(draft.name_en, draft.name_id);
    }

    #[test]
    fn every_problem_is_reported() {
        let input = ServiceInput {
            requirements_id: "KTP | exe".into(),
            steps_en: "one".into(),
            completion_days: "0".into(),
            cost_idr: "-5".into(),
            ..valid()
        };
        let problems = input.check().unwrap_err();
        let keys: Vec<_> = problems.iter().map(|(_, k)| *k).collect();
        assert!(keys.contains(&"services.document_types_invalid"));
        assert!(keys.contains(&"services.completion_days_invalid"));
        assert!(keys.contains(&"services.cost_invalid"));
        assert!(keys.contains(&"services.lines_mismatch"));
    }

    #[test]
    fn rupiah_is_grouped_by_thousands() {
        assert_eq!(format_rupiah(0), "Rp0");
        assert_eq!(format_rupiah(150_000), "Rp150.000");
        assert_eq!(format_rupiah(1_250_000), "Rp1.250.000");
    }
}
