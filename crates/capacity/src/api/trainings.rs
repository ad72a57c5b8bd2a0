//! The training catalogue, sessions, enrolment (request, approval, nomination, cancellation)
//! and a session's calendar file.

use super::*;
use crate::{enrolment, trainings};

/// The training catalogue (any staff member).
#[utoipa::path(get, path = "/api/v1/trainings", tag = "capacity", security(("bearer" = [])),
    responses((status = 200, body = [Training]), (status = 403)))]
pub(super) async fn list_trainings(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Json<Vec<Training>>, WebError> {
    staff(&user)?;
    Ok(Json(trainings::list_trainings(&app, shell.tr.lang).await?))
}

/// Add a training (competency admin).
#[utoipa::path(post, path = "/api/v1/trainings", tag = "capacity", security(("bearer" = [])), request_body = TrainingInput,
    responses((status = 201, body = Created), (status = 403), (status = 422)))]
pub(super) async fn create_training(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(input): Json<TrainingInput>,
) -> Result<Response, WebError> {
    let id = trainings::create_training(&app, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// A training with its sessions.
#[derive(Serialize, ToSchema)]
pub struct TrainingWithSessions {
    #[serde(flatten)]
    training: Training,
    sessions: Vec<Session>,
}

/// One training with its sessions.
#[utoipa::path(get, path = "/api/v1/trainings/{id}", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = TrainingWithSessions), (status = 404), (status = 403)))]
pub(super) async fn get_training(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<TrainingWithSessions>, WebError> {
    staff(&user)?;
    let training = trainings::get_training(&app, &id, shell.tr.lang).await?;
    let sessions = trainings::list_sessions(&app, &id).await?;
    Ok(Json(TrainingWithSessions { training, sessions }))
}

/// Add a session (competency admin).
#[utoipa::path(post, path = "/api/v1/trainings/{id}/sessions", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = SessionInput,
    responses((status = 201, body = Created), (status = 403), (status = 404), (status = 422)))]
pub(super) async fn create_session(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<SessionInput>,
) -> Result<Response, WebError> {
    let id = trainings::create_session(&app, &user, &id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// One session with its seat count.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Session), (status = 404), (status = 403)))]
pub(super) async fn get_session(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Session>, WebError> {
    staff(&user)?;
    Ok(Json(trainings::get_session(&app, &id).await?))
}

/// The session's enrolments (competency admin, leader).
#[utoipa::path(get, path = "/api/v1/sessions/{id}/enrolments", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = [Enrolment]), (status = 403)))]
pub(super) async fn session_enrolments(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<Enrolment>>, WebError> {
    reader(&user)?;
    Ok(Json(enrolment::list_for_session(&app, &id).await?))
}

/// Without `nip`: the signed-in ASN asks for a seat (their supervisor approves). With `nip`:
/// a competency admin or agency head nominates that employee.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct EnrolRequest {
    nip: Option<String>,
}

/// Enrol in a session: self-enrolment (awaiting approval) or nomination (a seat at once, or the
/// waitlist when full; never over capacity, also when several enrol at once).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/enrolments", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = EnrolRequest,
    responses((status = 201, body = Enrolment), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(super) async fn enrol(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<EnrolRequest>,
) -> Result<Response, WebError> {
    let enrolment = match request.nip {
        Some(nip) => enrolment::nominate(&app, &user, &id, &nip).await?,
        None => enrolment::self_enrol(&app, &user, &id).await?,
    };
    Ok((StatusCode::CREATED, Json(enrolment)).into_response())
}

/// The supervisor or agency head approves a self-enrolment.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/approve", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Enrolment), (status = 403), (status = 409), (status = 404)))]
pub(super) async fn approve_enrolment(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Enrolment>, WebError> {
    Ok(Json(enrolment::decide(&app, &user, &id, true).await?))
}

/// The supervisor or agency head rejects a self-enrolment.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/reject", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Enrolment), (status = 403), (status = 409), (status = 404)))]
pub(super) async fn reject_enrolment(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Enrolment>, WebError> {
    Ok(Json(enrolment::decide(&app, &user, &id, false).await?))
}

/// Cancel (the participant or a competency admin); a freed seat goes to the first on the waitlist.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/cancel", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Enrolment), (status = 403), (status = 409), (status = 404)))]
pub(super) async fn cancel_enrolment(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Enrolment>, WebError> {
    Ok(Json(enrolment::cancel(&app, &user, &id).await?))
}

/// The session as an iCalendar file.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/calendar.ics", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, content_type = "text/calendar", body = String), (status = 404), (status = 403)))]
pub(super) async fn session_calendar(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    staff(&user)?;
    let session = trainings::get_session(&app, &id).await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/calendar; charset=utf-8",
        )],
        trainings::ics(&session, app.settings.base_url.as_str()),
    )
        .into_response())
}
