//! The competency dictionary, position requirements, assessments and an employee's gaps.

use super::*;
use crate::{competencies, employees};

/// The competency dictionary with level descriptors (any staff member).
#[utoipa::path(get, path = "/api/v1/competencies", tag = "capacity", security(("bearer" = [])),
    responses((status = 200, body = [Competency]), (status = 403)))]
pub(super) async fn list_competencies(
    State(app): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<Competency>>, WebError> {
    if user.is_citizen() {
        return Err(WebError::Forbidden);
    }
    Ok(Json(competencies::list_competencies(&app).await?))
}

/// Add a technical competency (competency admin); `id` of the answer is its code.
#[utoipa::path(post, path = "/api/v1/competencies", tag = "capacity", security(("bearer" = [])), request_body = CompetencyInput,
    responses((status = 201, body = Created), (status = 403), (status = 422)))]
pub(super) async fn create_competency(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(input): Json<CompetencyInput>,
) -> Result<Response, WebError> {
    let id = competencies::create_competency(&app, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub(super) struct PositionFilter {
    /// Exact position name; all positions when empty.
    position: String,
}

/// Required levels per position.
#[utoipa::path(get, path = "/api/v1/position-requirements", tag = "capacity", security(("bearer" = [])), params(PositionFilter),
    responses((status = 200, body = [Requirement]), (status = 403)))]
pub(super) async fn list_requirements(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(filter): Query<PositionFilter>,
) -> Result<Json<Vec<Requirement>>, WebError> {
    reader(&user)?;
    Ok(Json(
        competencies::list_requirements(&app, &filter.position, shell.tr.lang).await?,
    ))
}

/// Set the level a position requires of a competency (competency admin).
#[utoipa::path(put, path = "/api/v1/position-requirements", tag = "capacity", security(("bearer" = [])), request_body = RequirementInput,
    responses((status = 204), (status = 403), (status = 422)))]
pub(super) async fn set_requirement(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(input): Json<RequirementInput>,
) -> Result<StatusCode, WebError> {
    competencies::set_requirement(&app, &user, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every assessment of an employee, newest first (history kept).
#[utoipa::path(get, path = "/api/v1/employees/{nip}/assessments", tag = "capacity", security(("bearer" = [])),
    params(("nip" = String, Path)), responses((status = 200, body = [Assessment]), (status = 403), (status = 404)))]
pub(super) async fn list_assessments(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(nip): Path<String>,
) -> Result<Json<Vec<Assessment>>, WebError> {
    reader(&user)?;
    let employee = employees::get_employee(&app, &nip).await?;
    Ok(Json(
        competencies::list_assessments(&app, &employee.id, shell.tr.lang).await?,
    ))
}

/// Record an assessment (competency admin).
#[utoipa::path(post, path = "/api/v1/employees/{nip}/assessments", tag = "capacity", security(("bearer" = [])),
    params(("nip" = String, Path)), request_body = AssessmentInput,
    responses((status = 201, body = Created), (status = 403), (status = 404), (status = 422)))]
pub(super) async fn record_assessment(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(nip): Path<String>,
    Json(input): Json<AssessmentInput>,
) -> Result<Response, WebError> {
    let id = competencies::record_assessment(&app, &user, &nip, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// An employee's gaps: required − current assessed level per competency of the position.
#[utoipa::path(get, path = "/api/v1/employees/{nip}/gaps", tag = "capacity", security(("bearer" = [])),
    params(("nip" = String, Path)), responses((status = 200, body = [GapRow]), (status = 403), (status = 404)))]
pub(super) async fn employee_gaps(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(nip): Path<String>,
) -> Result<Json<Vec<GapRow>>, WebError> {
    reader(&user)?;
    let employee = employees::get_employee(&app, &nip).await?;
    Ok(Json(
        competencies::gaps_of(&app, &employee, shell.tr.lang).await?,
    ))
}
