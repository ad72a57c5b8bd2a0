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
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => {}
        Err(e) if db::is_unique_violation(&e) => {
            return Err(ServiceError::NotEditable { status: "answered" });
        }
        Err(e) => return Err(e.into()),
    }
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

/// One line of the IKM report.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct IkmLine {
    pub service_code: String,
    pub service_name_id: String,
    pub service_name_en: String,
    pub ikm: Ikm,
}

/// Who may read the survey results: service admins, leaders and superadmins.
pub fn may_read(who: &CurrentUser) -> bool {
    who.has_role(Role::ServiceAdmin) || who.has_role(Role::Leader) || who.has_role(Role::Superadmin)
}

/// IKM per service (and overall) for responses in [from_ms, to_ms).
pub async fn report(
    app: &AppState,
    who: &CurrentUser,
    from_ms: i64,
    to_ms: i64,
) -> Result<(Vec<IkmLine>, Option<Ikm>), ServiceError> {
    if !may_read(who) {
        return Err(ServiceError::NotYourAgency);
    }
    let rows = sqlx::query(
        "SELECT s.code, s.name_id, s.name_en, r.answers FROM skm_responses r JOIN services s ON s.id = r.service_id \
         WHERE r.created_ms >= $1 AND r.created_ms < $2 ORDER BY s.name_id",
    )
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(&app.db.read)
    .await?;
    let mut grouped: Vec<(String, String, String, Vec<Answers>)> = Vec::new();
    let mut all = Vec::new();
    for row in rows {
        let code: String = row.try_get("code")?;
        let encoded: String = row.try_get("answers")?;
        let values: Vec<u8> = encoded.split(',').filter_map(|v| v.parse().ok()).collect();
        let Ok(answers) = <Answers>::try_from(values.as_slice()) else {
            continue;
        };
        all.push(answers);
        match grouped.iter_mut().find(|g| g.0 == code) {
            Some(group) => group.3.push(answers),
            None => grouped.push((
                code,
                row.try_get("name_id")?,
                row.try_get("name_en")?,
                vec![answers],
            )),
        }
    }
    let lines = grouped
        .into_iter()
        .filter_map(|(code, name_id, name_en, answers)| {
            skm::compute(&answers).map(|ikm| IkmLine {
                service_code: code,
                service_name_id: name_id,
                service_name_en: name_en,
                ikm,
            })
        })
        .collect();
    Ok((lines, skm::compute(&all)))
}
