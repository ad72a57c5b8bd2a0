//! Attendance (register and QR check-in), the post-test, completion and the reaction evaluation.

use super::*;
use crate::attendance;

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct AttendanceRequest {
    nip: String,
    /// YYYY-MM-DD, a day of the session.
    day: String,
}

/// Whether a call changed anything (false: it was recorded already).
#[derive(Serialize, ToSchema)]
pub struct Recorded {
    recorded: bool,
}

/// Record that an enrolled participant attended a day (competency admin). 409 for someone not
/// enrolled or a day outside the session.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/attendance", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = AttendanceRequest,
    responses((status = 200, body = Recorded), (status = 403), (status = 409), (status = 422), (status = 404)))]
pub(super) async fn record_attendance(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<AttendanceRequest>,
) -> Result<Json<Recorded>, WebError> {
    let recorded = attendance::record(&app, &user, &id, &request.nip, &request.day).await?;
    Ok(Json(Recorded { recorded }))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CheckinRequest {
    /// Today's code from the QR code in the room.
    code: String,
}

/// The participant checks in for today with the day's code.
#[utoipa::path(post, operation_id = "check_in_session", path = "/api/v1/sessions/{id}/checkin", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = CheckinRequest,
    responses((status = 200, body = Recorded), (status = 409), (status = 404)))]
pub(super) async fn check_in(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<CheckinRequest>,
) -> Result<Json<Recorded>, WebError> {
    let recorded = attendance::check_in(&app, &user, &id, &request.code).await?;
    Ok(Json(Recorded { recorded }))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ScoreRequest {
    /// 0–100
    score: String,
}

/// Record a participant's post-test score (competency admin).
#[utoipa::path(put, path = "/api/v1/enrolments/{id}/post-test", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = ScoreRequest,
    responses((status = 204), (status = 403), (status = 409), (status = 422)))]
pub(super) async fn set_post_test(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<ScoreRequest>,
) -> Result<StatusCode, WebError> {
    attendance::set_post_test(&app, &user, &id, &request.score).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Close the session: the completion rule decides each participant, graduates' JP go to the ledger.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/complete", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Completion), (status = 403), (status = 409), (status = 404)))]
pub(super) async fn complete_session(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Completion>, WebError> {
    Ok(Json(attendance::complete_session(&app, &user, &id).await?))
}

/// The participant's reaction evaluation (once).
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/evaluation", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = EvaluationInput,
    responses((status = 204), (status = 404), (status = 409), (status = 422)))]
pub(super) async fn evaluate(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<EvaluationInput>,
) -> Result<StatusCode, WebError> {
    attendance::evaluate(&app, &user, &id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}
