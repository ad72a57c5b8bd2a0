//! Technical recommendations (rekomendasi teknis): a verifier routes an application to another
//! agency with a question and a deadline in working days; that agency's technical reviewers see
//! only what was routed to them, and their answer returns the application to the verifier.

use platform::{
    AppState, audit,
    auth::{CurrentUser, Role},
    blobs::{self, BlobStore},
    clock, ids,
};
use serde::Serialize;
use sqlx::Row as _;

use super::{
    processing,
    status::{Action, Status},
    store::{self, ApplicationRow},
};
use crate::{calendar, error::ServiceError, holidays};

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Recommendation {
    pub id: String,
    pub application_id: String,
    pub agency_id: String,
    pub due_day: String,
    pub question: String,
    /// `recommended` or `not_recommended` once answered.
    pub verdict: Option<String>,
    pub answer: Option<String>,
    pub answered_ms: Option<i64>,
    /// The file the reviewer attached, if any: its name and kind (`pdf`, `jpeg`, `png`).
    pub attachment_name: Option<String>,
    pub attachment_kind: Option<String>,
    #[serde(skip)]
    pub attachment_sha256: Option<String>,
}

fn recommendation(row: &sqlx::any::AnyRow) -> Result<Recommendation, sqlx::Error> {
    Ok(Recommendation {
        id: row.try_get("id")?,
        application_id: row.try_get("application_id")?,
        agency_id: row.try_get("agency_id")?,
        due_day: row.try_get("due_day")?,
        question: row.try_get("question")?,
        verdict: row.try_get("verdict")?,
        answer: row.try_get("answer")?,
        answered_ms: row.try_get("answered_ms")?,
        attachment_name: row.try_get("attachment_name")?,
        attachment_kind: row.try_get("attachment_kind")?,
        attachment_sha256: row.try_get("attachment_sha256")?,
    })
}

const COLUMNS: &str = "id, application_id, agency_id, due_day, question, verdict, answer, answered_ms, \
     attachment_name, attachment_kind, attachment_sha256";

/// Every request made for an application, oldest first.
pub async fn for_application(
    app: &AppState,
    application_id: &str,
) -> Result<Vec<Recommendation>, ServiceError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM recommendation_requests WHERE application_id = $1 ORDER BY requested_ms"
    );
    let rows = sqlx::query(&sql)
        .bind(application_id)
        .fetch_all(&app.db.read)
        .await?;
    Ok(rows.iter().map(recommendation).collect::<Result<_, _>>()?)
}

/// Open requests addressed to the agencies where `who` is a technical reviewer.
pub async fn open_for_reviewer(
    app: &AppState,
    who: &CurrentUser,
) -> Result<Vec<Recommendation>, ServiceError> {
    let mut found = Vec::new();
    for grant in who
        .grants
        .iter()
        .filter(|g| g.role == Role::TechnicalReviewer)
    {
        let sql = format!(
            "SELECT {COLUMNS} FROM recommendation_requests WHERE agency_id = $1 AND answered_ms IS NULL ORDER BY due_day"
        );
        let rows = sqlx::query(&sql)
            .bind(&grant.agency_id)
            .fetch_all(&app.db.read)
            .await?;
        for row in &rows {
            found.push(recommendation(row)?);
        }
    }
    Ok(found)
}

/// The attachment of recommendation `recommendation_id` on application `id`, for anyone who may
/// see the application in the office.
pub async fn attachment_file(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
    recommendation_id: &str,
) -> Result<(String, Vec<u8>), ServiceError> {
    let row = processing::get_for_office(app, who, id).await?;
    let found = for_application(app, &row.id)
        .await?
        .into_iter()
        .find(|r| r.id == recommendation_id)
        .ok_or(ServiceError::NotFound)?;
    let (Some(sha256), Some(kind)) = (found.attachment_sha256, found.attachment_kind) else {
        return Err(ServiceError::NotFound);
    };
    let bytes = BlobStore::new(&app.settings.data_dir)
        .get(&sha256)
        .await
        .map_err(|e| ServiceError::Internal(e.into()))?;
    Ok((kind, bytes))
}

/// Is `who` a reviewer of an agency this application was routed to?
pub async fn is_reviewer_of(
    app: &AppState,
    who: &CurrentUser,
    application_id: &str,
) -> Result<bool, ServiceError> {
    Ok(for_application(app, application_id)
        .await?
        .iter()
        .any(|r| who.has_role_in(Role::TechnicalReviewer, &r.agency_id)))
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RouteInput {
    /// Code of the agency asked, e.g. `dpmptsp`.
    pub agency_code: String,
    pub question: String,
    /// Working days the agency has to answer (1–30).
    pub days: String,
}

/// Routes application `id` (claimed by `who`) to another agency for a technical recommendation.
pub async fn route(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
    input: &RouteInput,
) -> Result<(), ServiceError> {
    let row = processing::get_for_office(app, who, id).await?;
    if !processing::available_actions(who, &row).contains(&Action::Verify) {
        return Err(ServiceError::NotYourAgency);
    }
    let mut problems = Vec::new();
    let agency = accounts::organisation::find_agency(app, &input.agency_code).await?;
    match &agency {
        None => problems.push(("agency_code", "services.agency_unknown")),
        Some(a) if a.id == row.agency_id => {
            problems.push(("agency_code", "services.route_other_agency"))
        }
        _ => {}
    }
    if input.question.trim().chars().count() < 5 {
        problems.push(("question", "services.question_required"));
    }
    let days = input
        .days
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=30).contains(d));
    if days.is_none() {
        problems.push(("days", "services.route_days_invalid"));
    }
    let (Some(agency), Some(days)) = (agency, days) else {
        return Err(ServiceError::Invalid(problems));
    };
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let now = clock::now_ms();
    let calendar = holidays::load_calendar(app).await?;
    let due = calendar
        .add_working_days(calendar::wita_date(now), days)
        .to_string();
    let mut tx = app.db.begin().await?;
    if !store::update_status(
        &mut tx,
        id,
        Status::InVerification,
        Status::AwaitingRecommendation,
        row.claimed_by.as_deref(),
        None,
        None,
        now,
    )
    .await?
    {
        return Err(ServiceError::NotEditable { status: "changed" });
    }
    sqlx::query(
        "INSERT INTO recommendation_requests (id, application_id, agency_id, requested_by, requested_ms, due_day, question) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(ids::new_id())
    .bind(id)
    .bind(&agency.id)
    .bind(&who.id)
    .bind(now)
    .bind(&due)
    .bind(input.question.trim())
    .execute(&mut *tx)
    .await?;
    store::insert_event(
        &mut tx,
        id,
        Some(&who.id),
        Status::AwaitingRecommendation,
        &agency.name_id,
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "application.routed",
            subject: &format!("application:{id}"),
            detail: serde_json::json!({ "agency": agency.code, "due": due }),
        },
    )
    .await?;
    processing::notify_applicant(app, &mut tx, &row, Status::AwaitingRecommendation, "").await?;
    tx.commit().await?;
    app.outbox_signal.notify_one();
    Ok(())
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AnswerInput {
    /// `recommended` or `not_recommended`.
    pub verdict: String,
    pub answer: String,
    /// Optional attachment (API): its file name, and its content in standard base64.
    pub attachment_name: String,
    pub attachment_base64: String,
}

/// A file attached to a recommendation, as received.
pub struct Attachment<'a> {
    pub file_name: &'a str,
    pub bytes: &'a [u8],
}

/// Records a reviewer's recommendation, with an optional attachment (PDF, JPEG or PNG, checked
/// by content and stored before the record); the application goes back to its verifier.
pub async fn answer(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
    input: &AnswerInput,
    attachment: Option<Attachment<'_>>,
) -> Result<(), ServiceError> {
    let row: ApplicationRow = store::find(&app.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let open = for_application(app, id)
        .await?
        .into_iter()
        .find(|r| r.answered_ms.is_none() && who.has_role_in(Role::TechnicalReviewer, &r.agency_id))
        .ok_or(ServiceError::NotFound)?;
    let mut problems = Vec::new();
    if !matches!(input.verdict.as_str(), "recommended" | "not_recommended") {
        problems.push(("verdict", "services.verdict_required"));
    }
    if input.answer.trim().chars().count() < 5 {
        problems.push(("answer", "services.answer_required"));
    }
    let kind = match &attachment {
        Some(file) => match blobs::sniff(file.bytes) {
            Ok(kind) => Some(kind),
            Err(problem) => {
                problems.push(("file", problem.key()));
                None
            }
        },
        None => None,
    };
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    // The file is on disk before the row that points to it exists.
    let stored = match (&attachment, kind) {
        (Some(file), Some(kind)) => {
            let blob = BlobStore::new(&app.settings.data_dir)
                .put(file.bytes)
                .await
                .map_err(|e| ServiceError::Internal(e.into()))?;
            Some((
                blob.sha256,
                kind.as_str(),
                crate::locker::safe_file_name(file.file_name, kind),
            ))
        }
        _ => None,
    };
    let now = clock::now_ms();
    let mut tx = app.db.begin().await?;
    let answered = sqlx::query(
        "UPDATE recommendation_requests SET verdict = $2, answer = $3, answered_by = $4, answered_ms = $5, \
         attachment_sha256 = $6, attachment_kind = $7, attachment_name = $8 WHERE id = $1 AND answered_ms IS NULL",
    )
    .bind(&open.id)
    .bind(&input.verdict)
    .bind(input.answer.trim())
    .bind(&who.id)
    .bind(now)
    .bind(stored.as_ref().map(|s| s.0.clone()))
    .bind(stored.as_ref().map(|s| s.1))
    .bind(stored.as_ref().map(|s| s.2.clone()))
    .execute(&mut *tx)
    .await?;
    if answered.rows_affected() != 1
        || !store::update_status(
            &mut tx,
            id,
            Status::AwaitingRecommendation,
            Status::InVerification,
            row.claimed_by.as_deref(),
            None,
            None,
            now,
        )
        .await?
    {
        return Err(ServiceError::NotEditable { status: "changed" });
    }
    store::insert_event(&mut tx, id, Some(&who.id), Status::InVerification, "").await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "recommendation.given",
            subject: &format!("application:{id}"),
            detail: serde_json::json!({ "verdict": input.verdict }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
