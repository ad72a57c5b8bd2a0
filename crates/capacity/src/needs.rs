//! Training needs analysis (analisis kebutuhan pelatihan): for every employee and every
//! competency their position requires, gap = required − current assessed level (see
//! [`crate::competencies::gap`]; never assessed counts as 0). Aggregated per agency, unit or
//! competency from the totals kept on write ([`crate::gap_totals`]), with the open sessions
//! that address each competency, and exported as CSV. Reads; owns no table.

use std::collections::HashMap;

use platform::{
    AppState,
    auth::{CurrentUser, Role},
    web::i18n::Lang,
    web::text::csv_cell,
};
use serde::Serialize;
use sqlx::Row as _;
use utoipa::ToSchema;

use crate::{error::CapacityError, is_admin, trainings};

/// How rows are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    Agency,
    Unit,
    Competency,
}

impl Grouping {
    pub fn parse(raw: &str) -> Grouping {
        match raw {
            "unit" => Grouping::Unit,
            "competency" => Grouping::Competency,
            _ => Grouping::Agency,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Grouping::Agency => "agency",
            Grouping::Unit => "unit",
            Grouping::Competency => "competency",
        }
    }
}

// The sums come from `competency_gap_totals` (see [`crate::gap_totals`]), kept exact on every
// write: a few thousand rows at 50,000 employees × 10 competencies, instead of every employee
// with their assessments (which took a second per request at that size). Grouping happens on
// ids; names are joined to the (few) groups afterwards. PostgreSQL sums BIGINT as NUMERIC,
// which the Any driver cannot read: hence the casts.
fn query(grouping: Grouping) -> String {
    let (keys, select, join) = match grouping {
        Grouping::Agency => (
            "g.agency_id, g.competency_id",
            "a.code AS agency_code, a.name_id AS agency_name, '' AS unit",
            "JOIN agencies a ON a.id = t.agency_id",
        ),
        Grouping::Unit => (
            "g.agency_id, g.unit, g.competency_id",
            "a.code AS agency_code, a.name_id AS agency_name, t.unit AS unit",
            "JOIN agencies a ON a.id = t.agency_id",
        ),
        Grouping::Competency => (
            "g.competency_id",
            "'' AS agency_code, '' AS agency_name, '' AS unit",
            "",
        ),
    };
    format!(
        "SELECT {select}, c.code AS competency_code, c.name_id, c.name_en, t.employees, t.with_gap, t.total_gap \
         FROM (SELECT {keys}, CAST(SUM(g.employees) AS BIGINT) AS employees, \
         CAST(SUM(g.with_gap) AS BIGINT) AS with_gap, CAST(SUM(g.total_gap) AS BIGINT) AS total_gap \
         FROM competency_gap_totals g WHERE ($1 = '' OR g.agency_id = $1) GROUP BY {keys}) t \
         JOIN competencies c ON c.id = t.competency_id {join} \
         WHERE t.total_gap > 0 ORDER BY t.total_gap DESC, c.code"
    )
}

/// A session that addresses a competency.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SessionRef {
    pub id: String,
    pub title: String,
    pub starts_on: String,
}

/// One group's need for one competency.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct NeedRow {
    pub agency_code: String,
    pub agency_name: String,
    pub unit: String,
    pub competency_code: String,
    pub competency_name: String,
    /// Employees whose position requires the competency.
    pub employees: i64,
    /// Of those, how many are below the required level.
    pub with_gap: i64,
    /// Sum of the gaps (levels).
    pub total_gap: i64,
    /// Open sessions whose training addresses the competency.
    pub sessions: Vec<SessionRef>,
}

/// The analysis (competency admin, leader), optionally for one agency.
pub async fn analyse(
    app: &AppState,
    user: &CurrentUser,
    grouping: Grouping,
    agency_code: &str,
    lang: Lang,
) -> Result<Vec<NeedRow>, CapacityError> {
    if !(is_admin(user) || user.has_role(Role::Leader)) {
        return Err(CapacityError::Forbidden);
    }
    let agency_id = match agency_code.trim() {
        "" => String::new(),
        code => match accounts::organisation::find_agency(app, code).await? {
            Some(agency) => agency.id,
            None => return Ok(Vec::new()),
        },
    };
    let rows = sqlx::query(&query(grouping))
        .bind(agency_id)
        .fetch_all(&app.db.read)
        .await?;
    let today = crate::today_wita();
    let mut sessions: HashMap<String, Vec<SessionRef>> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let code: String = row.try_get("competency_code")?;
        if !sessions.contains_key(&code) {
            let found = trainings::sessions_addressing(app, &code, 0, today)
                .await?
                .into_iter()
                .map(|s| SessionRef {
                    id: s.id,
                    title: s.training_title,
                    starts_on: s.starts_on,
                })
                .collect();
            sessions.insert(code.clone(), found);
        }
        out.push(NeedRow {
            agency_code: row.try_get("agency_code")?,
            agency_name: row.try_get("agency_name")?,
            unit: row.try_get("unit")?,
            competency_name: row.try_get(if lang == Lang::En {
                "name_en"
            } else {
                "name_id"
            })?,
            employees: row.try_get("employees")?,
            with_gap: row.try_get("with_gap")?,
            total_gap: row.try_get("total_gap")?,
            sessions: sessions.get(&code).cloned().unwrap_or_default(),
            competency_code: code,
        });
    }
    Ok(out)
}

/// The analysis as CSV (UTF-8 with a byte-order mark, so Excel reads the names right).
pub fn to_csv(rows: &[NeedRow]) -> String {
    let mut out = String::from(
        "\u{feff}agency_code,agency_name,unit,competency_code,competency_name,employees,with_gap,total_gap,sessions\r\n",
    );
    for r in rows {
        let sessions = r
            .sessions
            .iter()
            .map(|s| format!("{} ({})", s.title, s.starts_on))
            .collect::<Vec<_>>()
            .join("; ");
        let line = [
            csv_cell(&r.agency_code),
            csv_cell(&r.agency_name),
            csv_cell(&r.unit),
            csv_cell(&r.competency_code),
            csv_cell(&r.competency_name),
            r.employees.to_string(),
            r.with_gap.to_string(),
            r.total_gap.to_string(),
            csv_cell(&sessions),
        ]
        .join(",");
        out.push_str(&line);
        out.push_str("\r\n");
    }
    out
}
