//! The competency dictionary (technical, managerial, socio-cultural; levels 1–5), the level each
//! position requires, and assessments: the level found per employee and competency, with date,
//! method and evidence. Every assessment is kept; the latest by date is the current one.
//! Owns `competencies`, `competency_levels`, `position_requirements`, `assessments`.

use platform::{AppState, audit, auth::CurrentUser, clock, ids, web::i18n::Lang};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row as _};
use utoipa::ToSchema;

use crate::{employees, error::CapacityError, is_admin};

/// Competency types of PermenPAN-RB 38/2017.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CompetencyKind {
    Technical,
    Managerial,
    SocioCultural,
}

impl CompetencyKind {
    pub const ALL: [CompetencyKind; 3] = [
        CompetencyKind::Technical,
        CompetencyKind::Managerial,
        CompetencyKind::SocioCultural,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            CompetencyKind::Technical => "technical",
            CompetencyKind::Managerial => "managerial",
            CompetencyKind::SocioCultural => "socio_cultural",
        }
    }
    pub fn parse(raw: &str) -> Option<CompetencyKind> {
        CompetencyKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
    }
    pub fn label_key(self) -> &'static str {
        match self {
            CompetencyKind::Technical => "capacity.kind_technical",
            CompetencyKind::Managerial => "capacity.kind_managerial",
            CompetencyKind::SocioCultural => "capacity.kind_socio_cultural",
        }
    }
}

/// How a level was assessed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentMethod {
    SelfAssessment,
    Supervisor,
    AssessmentCentre,
}

impl AssessmentMethod {
    pub const ALL: [AssessmentMethod; 3] = [
        AssessmentMethod::SelfAssessment,
        AssessmentMethod::Supervisor,
        AssessmentMethod::AssessmentCentre,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AssessmentMethod::SelfAssessment => "self_assessment",
            AssessmentMethod::Supervisor => "supervisor",
            AssessmentMethod::AssessmentCentre => "assessment_centre",
        }
    }
    pub fn parse(raw: &str) -> Option<AssessmentMethod> {
        AssessmentMethod::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
    }
    pub fn label_key(self) -> &'static str {
        match self {
            AssessmentMethod::SelfAssessment => "capacity.method_self_assessment",
            AssessmentMethod::Supervisor => "capacity.method_supervisor",
            AssessmentMethod::AssessmentCentre => "capacity.method_assessment_centre",
        }
    }
}

/// A level 1–5 from text.
pub fn parse_level(raw: &str) -> Option<i64> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|l| (1..=5).contains(l))
}

/// How far an employee is below what the position requires: required − assessed, never below
/// zero. A competency never assessed counts as level 0, so its whole requirement is the gap.
pub fn gap(required: i64, assessed: Option<i64>) -> i64 {
    (required - assessed.unwrap_or(0)).max(0)
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Level {
    pub level: i64,
    pub descriptor_id: String,
    pub descriptor_en: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Competency {
    pub id: String,
    pub code: String,
    pub kind: CompetencyKind,
    pub name_id: String,
    pub name_en: String,
    pub description_id: String,
    pub description_en: String,
    pub levels: Vec<Level>,
}

impl Competency {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.name_id,
            Lang::En => &self.name_en,
        }
    }
}

/// The whole dictionary, by kind then name.
pub async fn list_competencies(app: &AppState) -> Result<Vec<Competency>, CapacityError> {
    let rows = sqlx::query(
        "SELECT id, code, kind, name_id, name_en, description_id, description_en FROM competencies ORDER BY kind, name_id",
    )
    .fetch_all(&app.db.read)
    .await?;
    let levels = sqlx::query(
        "SELECT competency_id, level, descriptor_id, descriptor_en FROM competency_levels ORDER BY level",
    )
    .fetch_all(&app.db.read)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: String = row.try_get("id")?;
        let kind: String = row.try_get("kind")?;
        let mut own = Vec::new();
        for l in &levels {
            if l.try_get::<String, _>("competency_id")? == id {
                own.push(Level {
                    level: l.try_get("level")?,
                    descriptor_id: l.try_get("descriptor_id")?,
                    descriptor_en: l.try_get("descriptor_en")?,
                });
            }
        }
        out.push(Competency {
            code: row.try_get("code")?,
            kind: CompetencyKind::parse(&kind).unwrap_or(CompetencyKind::Technical),
            name_id: row.try_get("name_id")?,
            name_en: row.try_get("name_en")?,
            description_id: row.try_get("description_id")?,
            description_en: row.try_get("description_en")?,
            levels: own,
            id,
        });
    }
    Ok(out)
}

pub async fn find_competency_id(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT id FROM competencies WHERE code = $1")
        .bind(code.trim())
        .fetch_optional(conn)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()
}

/// A technical competency as the admin types it; the five level descriptors in Indonesian,
/// English optional (the Indonesian text stands in).
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct CompetencyInput {
    /// Short code, lower case, digits and hyphens, e.g. `pengelolaan-arsip`.
    pub code: String,
    pub name_id: String,
    pub name_en: String,
    pub description_id: String,
    pub description_en: String,
    pub level_1: String,
    pub level_2: String,
    pub level_3: String,
    pub level_4: String,
    pub level_5: String,
}

/// Adds a technical competency (competency admin). Managerial and socio-cultural ones come from
/// the regulation and are seeded.
pub async fn create_competency(
    app: &AppState,
    user: &CurrentUser,
    input: &CompetencyInput,
) -> Result<String, CapacityError> {
    if !is_admin(user) {
        return Err(CapacityError::Forbidden);
    }
    let mut problems: Vec<(String, &'static str)> = Vec::new();
    let code = input.code.trim().to_lowercase();
    if code.is_empty()
        || code.len() > 60
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        problems.push(("code".into(), "capacity.code_invalid"));
    }
    let name_id = crate::collapse_spaces(&input.name_id);
    if name_id.is_empty() || name_id.chars().count() > 150 {
        problems.push(("name_id".into(), "capacity.competency_name_invalid"));
    }
    let description_id = input.description_id.trim().to_string();
    if description_id.is_empty() {
        problems.push(("description_id".into(), "capacity.description_invalid"));
    }
    let levels = [
        &input.level_1,
        &input.level_2,
        &input.level_3,
        &input.level_4,
        &input.level_5,
    ];
    for (index, text) in levels.iter().enumerate() {
        if text.trim().is_empty() {
            problems.push((
                format!("level_{}", index + 1),
                "capacity.level_text_missing",
            ));
        }
    }
    if !problems.is_empty() {
        return Err(CapacityError::Invalid(problems));
    }
    let or_id = |en: &str, id: &str| {
        if en.trim().is_empty() {
            id.to_string()
        } else {
            crate::collapse_spaces(en)
        }
    };
    let id = ids::new_id();
    let mut tx = app.db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO competencies (id, code, kind, name_id, name_en, description_id, description_en, created_ms) \
         VALUES ($1, $2, 'technical', $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(&code)
    .bind(&name_id)
    .bind(or_id(&input.name_en, &name_id))
    .bind(&description_id)
    .bind(or_id(&input.description_en, &description_id))
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(e) if platform::db::is_unique_violation(&e) => {
            return Err(CapacityError::field("code", "capacity.code_taken"));
        }
        other => {
            other?;
        }
    }
    for (index, text) in levels.iter().enumerate() {
        sqlx::query(
            "INSERT INTO competency_levels (competency_id, level, descriptor_id, descriptor_en) VALUES ($1, $2, $3, $3)",
        )
        .bind(&id)
        .bind(index as i64 + 1)
        .bind(crate::collapse_spaces(text))
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "competency.created",
            subject: &format!("competency:{id}"),
            detail: serde_json::json!({ "code": code }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(code)
}

/// The level a position requires of a competency.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct RequirementInput {
    pub position: String,
    pub competency_code: String,
    /// 1–5 (as text in forms).
    pub level: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
#[schema(as = PositionRequirement)]
pub struct Requirement {
    pub position: String,
    pub competency_code: String,
    pub competency_name: String,
    pub level: i64,
}

/// Sets (or changes) a position's required level (competency admin).
pub async fn set_requirement(
    app: &AppState,
    user: &CurrentUser,
    input: &RequirementInput,
) -> Result<(), CapacityError> {
    if !is_admin(user) {
        return Err(CapacityError::Forbidden);
    }
    let mut problems: Vec<(String, &'static str)> = Vec::new();
    let position = crate::collapse_spaces(&input.position);
    if position.is_empty() || position.chars().count() > 150 {
        problems.push(("position".into(), "capacity.position_invalid"));
    }
    let level = parse_level(&input.level);
    if level.is_none() {
        problems.push(("level".into(), "capacity.level_invalid"));
    }
    let mut tx = app.db.begin().await?;
    let competency = find_competency_id(&mut tx, &input.competency_code).await?;
    if competency.is_none() {
        problems.push(("competency_code".into(), "capacity.competency_unknown"));
    }
    let (Some(level), Some(competency), true) = (level, competency, problems.is_empty()) else {
        return Err(CapacityError::Invalid(problems));
    };
    sqlx::query(
        "INSERT INTO position_requirements (position, competency_id, level, updated_ms) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (position, competency_id) DO UPDATE SET level = $3, updated_ms = $4",
    )
    .bind(&position)
    .bind(&competency)
    .bind(level)
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await?;
    crate::gap_totals::refresh_position(&mut tx, &position).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "requirement.set",
            subject: &format!("competency:{competency}"),
            detail: serde_json::json!({ "level": level }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Requirements of `position` (all positions if empty).
pub async fn list_requirements(
    app: &AppState,
    position: &str,
    lang: Lang,
) -> Result<Vec<Requirement>, CapacityError> {
    let rows = sqlx::query(
        "SELECT r.position, c.code, c.name_id, c.name_en, r.level FROM position_requirements r \
         JOIN competencies c ON c.id = r.competency_id WHERE ($1 = '' OR r.position = $1) ORDER BY r.position, c.name_id",
    )
    .bind(crate::collapse_spaces(position))
    .fetch_all(&app.db.read)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Requirement {
                position: r.try_get("position")?,
                competency_code: r.try_get("code")?,
                competency_name: r.try_get(if lang == Lang::En {
                    "name_en"
                } else {
                    "name_id"
                })?,
                level: r.try_get("level")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// An assessment as typed.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct AssessmentInput {
    pub competency_code: String,
    /// 1–5.
    pub level: String,
    /// YYYY-MM-DD, not in the future.
    pub assessed_on: String,
    /// `self_assessment`, `supervisor` or `assessment_centre`.
    pub method: String,
    pub evidence: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Assessment {
    pub id: String,
    pub competency_code: String,
    pub competency_name: String,
    pub level: i64,
    pub assessed_on: String,
    pub method: AssessmentMethod,
    pub evidence: String,
    /// The latest assessment of this competency for this employee.
    pub current: bool,
}

/// Records an assessment of the employee `nip` (competency admin). Earlier ones are kept; the
/// newest by date becomes current.
pub async fn record_assessment(
    app: &AppState,
    user: &CurrentUser,
    nip: &str,
    input: &AssessmentInput,
) -> Result<String, CapacityError> {
    if !is_admin(user) {
        return Err(CapacityError::Forbidden);
    }
    let employee = employees::get_employee(app, nip).await?;
    let mut problems: Vec<(String, &'static str)> = Vec::new();
    let level = parse_level(&input.level);
    if level.is_none() {
        problems.push(("level".into(), "capacity.level_invalid"));
    }
    let today = crate::today_wita();
    let assessed_on = input
        .assessed_on
        .trim()
        .parse::<jiff::civil::Date>()
        .ok()
        .filter(|d| *d <= today);
    if assessed_on.is_none() {
        problems.push(("assessed_on".into(), "capacity.date_invalid"));
    }
    let method = AssessmentMethod::parse(&input.method);
    if method.is_none() {
        problems.push(("method".into(), "capacity.method_invalid"));
    }
    let evidence = input.evidence.trim().to_string();
    if evidence.is_empty() || evidence.chars().count() > 2000 {
        problems.push(("evidence".into(), "capacity.evidence_invalid"));
    }
    let mut tx = app.db.begin().await?;
    let competency = find_competency_id(&mut tx, &input.competency_code).await?;
    if competency.is_none() {
        problems.push(("competency_code".into(), "capacity.competency_unknown"));
    }
    let (Some(level), Some(date), Some(method), Some(competency), true) =
        (level, assessed_on, method, competency, problems.is_empty())
    else {
        return Err(CapacityError::Invalid(problems));
    };
    let date = date.to_string();
    // An assessment dated before the current one joins the history without replacing it.
    sqlx::query(
        "UPDATE assessments SET is_current = 0 WHERE employee_id = $1 AND competency_id = $2 AND is_current = 1 AND assessed_on <= $3",
    )
    .bind(&employee.id)
    .bind(&competency)
    .bind(&date)
    .execute(&mut *tx)
    .await?;
    let newer: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM assessments WHERE employee_id = $1 AND competency_id = $2 AND is_current = 1",
    )
    .bind(&employee.id)
    .bind(&competency)
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    let id = ids::new_id();
    sqlx::query(
        "INSERT INTO assessments (id, employee_id, competency_id, level, assessed_on, method, evidence, assessor_id, is_current, created_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(&employee.id)
    .bind(&competency)
    .bind(level)
    .bind(&date)
    .bind(method.as_str())
    .bind(&evidence)
    .bind(&user.id)
    .bind(i64::from(newer == 0))
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await?;
    if newer == 0 {
        // The current level changed: the employee's group's gap totals follow.
        let group = crate::gap_totals::lock_employee_group(&mut tx, &employee.nip).await?;
        crate::gap_totals::refresh_groups(&mut tx, &group.into_iter().collect()).await?;
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "assessment.recorded",
            subject: &format!("employee:{}", employee.id),
            detail: serde_json::json!({ "assessment_id": id, "competency_id": competency, "level": level }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Every assessment of an employee, newest first.
pub async fn list_assessments(
    app: &AppState,
    employee_id: &str,
    lang: Lang,
) -> Result<Vec<Assessment>, CapacityError> {
    let rows = sqlx::query(
        "SELECT a.id, c.code, c.name_id, c.name_en, a.level, a.assessed_on, a.method, a.evidence, a.is_current \
         FROM assessments a JOIN competencies c ON c.id = a.competency_id WHERE a.employee_id = $1 \
         ORDER BY a.assessed_on DESC, a.created_ms DESC",
    )
    .bind(employee_id)
    .fetch_all(&app.db.read)
    .await?;
    rows.iter()
        .map(|r| {
            let method: String = r.try_get("method")?;
            Ok(Assessment {
                id: r.try_get("id")?,
                competency_code: r.try_get("code")?,
                competency_name: r.try_get(if lang == Lang::En {
                    "name_en"
                } else {
                    "name_id"
                })?,
                level: r.try_get("level")?,
                assessed_on: r.try_get("assessed_on")?,
                method: AssessmentMethod::parse(&method).unwrap_or(AssessmentMethod::Supervisor),
                evidence: r.try_get("evidence")?,
                current: r.try_get::<i64, _>("is_current")? == 1,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// One row of an employee's profile: what the position requires, what was assessed, the gap.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct GapRow {
    pub competency_code: String,
    pub competency_name: String,
    pub required: i64,
    pub assessed: Option<i64>,
    pub gap: i64,
}

/// The employee's gaps against their position's requirements.
pub async fn gaps_of(
    app: &AppState,
    employee: &employees::Employee,
    lang: Lang,
) -> Result<Vec<GapRow>, CapacityError> {
    let rows = sqlx::query(
        "SELECT c.code, c.name_id, c.name_en, r.level AS required, a.level AS assessed \
         FROM position_requirements r JOIN competencies c ON c.id = r.competency_id \
         LEFT JOIN assessments a ON a.competency_id = r.competency_id AND a.employee_id = $2 AND a.is_current = 1 \
         WHERE r.position = $1 ORDER BY c.name_id",
    )
    .bind(&employee.position)
    .bind(&employee.id)
    .fetch_all(&app.db.read)
    .await?;
    rows.iter()
        .map(|r| {
            let required: i64 = r.try_get("required")?;
            let assessed: Option<i64> = r.try_get("assessed")?;
            Ok(GapRow {
                competency_code: r.try_get("code")?,
                competency_name: r.try_get(if lang == Lang::En {
                    "name_en"
                } else {
                    "name_id"
                })?,
                required,
                assessed,
                gap: gap(required, assessed),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gap_is_required_minus_assessed_and_never_negative() {
        assert_eq!(gap(3, Some(1)), 2);
        assert_eq!(gap(3, Some(3)), 0);
        assert_eq!(gap(2, Some(5)), 0, "above the requirement is no gap");
        assert_eq!(gap(4, None), 4, "never assessed counts as level 0");
    }

    #[test]
    fn levels_are_one_to_five() {
        assert_eq!(parse_level(" 1 "), Some(1));
        assert_eq!(parse_level("5"), Some(5));
        assert_eq!(parse_level("0"), None);
        assert_eq!(parse_level("6"), None);
        assert_eq!(parse_level("tiga"), None);
    }
}
