//! The SKM survey after an application is completed: nine questions answered 1–4 and a comment,
//! once per application; and the IKM report per service and agency for a period (see `crate::skm`).

use platform::{
    AppState, audit,
    auth::{CurrentUser, Role},
    clock, db, ids,
};
use serde::Serialize;
use sqlx::Row as _;

use super::{journey, status::Status};
use crate::{
    error::ServiceError,
    skm::{self, Answers, Ikm},
};

/// May the applicant answer the survey for this application now?
pub fn is_open(status: Status) -> bool {
    status == Status::Issued
}

pub async fn already_answered(app: &AppState, application_id: &str) -> Result<bool, ServiceError> {
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM skm_responses WHERE application_id = $1")
        .bind(application_id)
        .fetch_one(&app.db.read)
        .await?
        .try_get("n")?;
    Ok(n > 0)
}

/// Records the applicant's answers (`answers[i]` for element i, "1" to "4").
pub async fn respond(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
    answers: &[String],
    comment: &str,
) -> Result<(), ServiceError> {
    let row = journey::get_own(app, who, id).await?;
    if !is_open(row.status) {
        return Err(ServiceError::NotEditable {
            status: row.status.as_str(),
        });
    }
    let mut parsed: Answers = [0; 9];
    let mut problems = Vec::new();
    for (index, element) in skm::ELEMENTS.iter().enumerate() {
        match answers
            .get(index)
            .and_then(|a| a.trim().parse::<u8>().ok())
            .filter(|a| (1..=4).contains(a))
        {
            Some(value) => parsed[index] = value,
            None => problems.push((*element, "services.skm_answer_required")),
        }
    }
    if comment.chars().count() > 1000 {
        problems.push(("comment", "services.skm_comment_too_long"));
    }
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let encoded = parsed
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let now = clock::now_ms();
    let mut tx = app.db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO skm_responses (id, application_id, service_id, agency_id, answers, comment, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(ids::new_id())
    .bind(id)
    .bind(&row.service_id)
    .bind(&row.agency_id)
    .bind(&encoded)
    .bind(comment.trim())
    .bind(now)
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e) => {
            return Err(ServiceError::NotEditable { status: "answered" });
        }
        Err(e) => return Err(e.into()),
    }
    crate::stats::on_skm(&mut tx, &row.agency_id, &row.service_id, &parsed, now).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "skm.answered",
            subject: &format!("application:{id}"),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A reporting period: a year (`2026`), a semester (`2026-S2`), a quarter (`2026-Q4`) or a
/// month (`2026-11`), in WITA days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    pub label: String,
    pub first_day: jiff::civil::Date,
    /// The day after the period.
    pub end_day: jiff::civil::Date,
}

impl Period {
    pub fn parse(raw: &str) -> Option<Period> {
        let raw = raw.trim().to_ascii_uppercase();
        let (year, rest) = raw.split_once('-').unwrap_or((raw.as_str(), ""));
        let year: i16 = year.parse().ok().filter(|y| (2000..=2100).contains(y))?;
        let (first_month, months): (i8, i8) = match rest {
            "" => (1, 12),
            "S1" => (1, 6),
            "S2" => (7, 6),
            "Q1" => (1, 3),
            "Q2" => (4, 3),
            "Q3" => (7, 3),
            "Q4" => (10, 3),
            month => (month.parse().ok().filter(|m| (1..=12).contains(m))?, 1),
        };
        let first_day = jiff::civil::date(year, first_month, 1);
        let end_day = first_day
            .checked_add(jiff::Span::new().months(i64::from(months)))
            .ok()?;
        let label = if rest.len() == 1 {
            format!("{year}-0{rest}")
        } else if rest.is_empty() {
            year.to_string()
        } else {
            format!("{year}-{rest}")
        };
        Some(Period {
            label,
            first_day,
            end_day,
        })
    }
    /// The whole current year (WITA).
    pub fn this_year() -> Period {
        let year = crate::calendar::wita_date(clock::now_ms()).year();
        Period::parse(&year.to_string()).unwrap_or(Period {
            label: year.to_string(),
            first_day: jiff::civil::date(year, 1, 1),
            end_day: jiff::civil::date(year.saturating_add(1), 1, 1),
        })
    }
    /// The period a report asks for: this year when `raw` is empty; one that does not read as
    /// a period is a problem of the field `period`.
    pub fn asked(raw: &str) -> Result<Period, ServiceError> {
        if raw.trim().is_empty() {
            return Ok(Period::this_year());
        }
        Period::parse(raw).ok_or(ServiceError::Invalid(vec![(
            "period",
            "services.period_invalid",
        )]))
    }
    fn start_ms(day: jiff::civil::Date) -> i64 {
        day.to_zoned(clock::wita().clone())
            .map(|z| z.timestamp().as_millisecond())
            .unwrap_or(0)
    }
    /// The last day inside the period.
    pub fn last_day(&self) -> jiff::civil::Date {
        self.end_day.yesterday().unwrap_or(self.end_day)
    }
}

/// IKM of one service or one agency.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct IkmLine {
    pub code: String,
    pub name_id: String,
    pub name_en: String,
    /// For a service: the code of its agency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency_code: Option<String>,
    pub ikm: Ikm,
}

/// The IKM of a period: overall, per agency and per service.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct IkmReport {
    pub period: String,
    /// First and last day (YYYY-MM-DD, WITA) counted.
    pub first_day: String,
    pub last_day: String,
    pub overall: Option<Ikm>,
    pub by_agency: Vec<IkmLine>,
    pub by_service: Vec<IkmLine>,
}

/// Who may read the survey results: service admins, leaders and superadmins.
pub fn may_read(who: &CurrentUser) -> bool {
    who.has_role(Role::ServiceAdmin) || who.has_role(Role::Leader) || who.has_role(Role::Superadmin)
}

/// The answers of one service or agency, gathered in first-seen order.
struct Group {
    line: IkmLineKey,
    answers: Vec<Answers>,
}

struct IkmLineKey {
    code: String,
    name_id: String,
    name_en: String,
    agency_code: Option<String>,
}

fn add_to(groups: &mut Vec<Group>, key: IkmLineKey, answers: Answers) {
    match groups.iter_mut().find(|g| g.line.code == key.code) {
        Some(found) => found.answers.push(answers),
        None => groups.push(Group {
            line: key,
            answers: vec![answers],
        }),
    }
}

fn lines(groups: Vec<Group>) -> Vec<IkmLine> {
    groups
        .into_iter()
        .filter_map(|g| {
            skm::compute(&g.answers).map(|ikm| IkmLine {
                code: g.line.code,
                name_id: g.line.name_id,
                name_en: g.line.name_en,
                agency_code: g.line.agency_code,
                ikm,
            })
        })
        .collect()
}

/// IKM overall, per agency and per service for responses within `period`, optionally only for
/// the services of one agency (by code; an unknown code is a field problem).
pub async fn report(
    app: &AppState,
    who: &CurrentUser,
    period: &Period,
    agency_code: Option<&str>,
) -> Result<IkmReport, ServiceError> {
    if !may_read(who) {
        return Err(ServiceError::NotYourAgency);
    }
    let agency_id = match agency_code.filter(|c| !c.trim().is_empty()) {
        Some(code) => Some(
            accounts::organisation::find_agency(app, code.trim())
                .await?
                .ok_or(ServiceError::Invalid(vec![(
                    "agency",
                    "services.agency_unknown",
                )]))?
                .id,
        ),
        None => None,
    };
    let rows = sqlx::query(
        "SELECT s.code, s.name_id, s.name_en, a.code AS agency_code, a.name_id AS agency_name_id, a.name_en AS agency_name_en, r.answers \
         FROM skm_responses r JOIN services s ON s.id = r.service_id JOIN agencies a ON a.id = s.agency_id \
         WHERE r.created_ms >= $1 AND r.created_ms < $2 AND ($3 = '' OR s.agency_id = $3) ORDER BY a.name_id, s.name_id",
    )
    .bind(Period::start_ms(period.first_day))
    .bind(Period::start_ms(period.end_day))
    .bind(agency_id.unwrap_or_default())
    .fetch_all(&app.db.read)
    .await?;
    let mut services = Vec::new();
    let mut agencies = Vec::new();
    let mut all = Vec::new();
    for row in rows {
        let encoded: String = row.try_get("answers")?;
        let values: Vec<u8> = encoded.split(',').filter_map(|v| v.parse().ok()).collect();
        let Ok(answers) = <Answers>::try_from(values.as_slice()) else {
            continue;
        };
        all.push(answers);
        let code: String = row.try_get("code")?;
        let agency: String = row.try_get("agency_code")?;
        add_to(
            &mut services,
            IkmLineKey {
                code,
                name_id: row.try_get("name_id")?,
                name_en: row.try_get("name_en")?,
                agency_code: Some(agency.clone()),
            },
            answers,
        );
        add_to(
            &mut agencies,
            IkmLineKey {
                code: agency,
                name_id: row.try_get("agency_name_id")?,
                name_en: row.try_get("agency_name_en")?,
                agency_code: None,
            },
            answers,
        );
    }
    Ok(IkmReport {
        period: period.label.clone(),
        first_day: period.first_day.to_string(),
        last_day: period.last_day().to_string(),
        overall: skm::compute(&all),
        by_agency: lines(agencies),
        by_service: lines(services),
    })
}

#[cfg(test)]
mod tests {
    use super::Period;

    #[test]
    fn periods_are_years_semesters_quarters_or_months() {
        let q4 = Period::parse("2026-q4").expect("a quarter");
        assert_eq!(q4.label, "2026-Q4");
        assert_eq!(q4.first_day.to_string(), "2026-10-01");
        assert_eq!(q4.last_day().to_string(), "2026-12-31");
        let s1 = Period::parse("2026-S1").expect("a semester");
        assert_eq!(s1.last_day().to_string(), "2026-06-30");
        let february = Period::parse("2028-2").expect("a month");
        assert_eq!(february.label, "2028-02");
        assert_eq!(february.last_day().to_string(), "2028-02-29");
        let year = Period::parse("2026").expect("a year");
        assert_eq!(year.end_day.to_string(), "2027-01-01");
        for bad in [
            "", "26", "2026-13", "2026-Q5", "1999", "2026-S3", "abcd", "2026-00",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }
}
