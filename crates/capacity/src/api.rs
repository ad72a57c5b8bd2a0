//! JSON API of the capacity capability under `/api/v1`; each handler calls the same domain
//! function as its page.

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use platform::{
    AppState,
    auth::CurrentUser,
    web::{Shell, WebError},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::{
    competencies::{
        self, Assessment, AssessmentInput, AssessmentMethod, Competency, CompetencyInput,
        CompetencyKind, GapRow, Level, Requirement, RequirementInput,
    },
    employees::{self, Employee, EmployeeInput, ImportReport, RowProblem},
};

#[derive(OpenApi)]
#[openapi(
    paths(list_employees, create_employee, get_employee, import_employees,
          list_competencies, create_competency, list_requirements, set_requirement,
          list_assessments, record_assessment, employee_gaps),
    components(schemas(Employee, EmployeeInput, ImportReport, RowProblem, Competency, Level, CompetencyKind,
                       CompetencyInput, Requirement, RequirementInput, Assessment, AssessmentInput, AssessmentMethod,
                       GapRow, Created)),
    tags((name = "capacity", description = "ASN capacity: employees, competencies, trainings, JP"))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/employees",
            get(list_employees).post(create_employee),
        )
        .route("/api/v1/employees/import", post(import_employees))
        .route("/api/v1/employees/{nip}", get(get_employee))
        .route(
            "/api/v1/employees/{nip}/assessments",
            get(list_assessments).post(record_assessment),
        )
        .route("/api/v1/employees/{nip}/gaps", get(employee_gaps))
        .route(
            "/api/v1/competencies",
            get(list_competencies).post(create_competency),
        )
        .route(
            "/api/v1/position-requirements",
            get(list_requirements).put(set_requirement),
        )
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct EmployeeFilter {
    /// Words in the name, NIP or position.
    q: String,
    /// Agency code.
    agency: String,
}

/// Employees (competency admin, leader).
#[utoipa::path(get, path = "/api/v1/employees", tag = "capacity", security(("bearer" = [])), params(EmployeeFilter),
    responses((status = 200, body = [Employee]), (status = 403)))]
async fn list_employees(
    State(app): State<AppState>,
    user: CurrentUser,
    Query(filter): Query<EmployeeFilter>,
) -> Result<Json<Vec<Employee>>, WebError> {
    Ok(Json(
        employees::list_employees(&app, &user, &filter.q, &filter.agency, 1000).await?,
    ))
}

/// Add an employee (competency admin). 422 lists every field problem (NIP structure, birth
/// date, appointment month, sex digit, ...).
#[utoipa::path(post, path = "/api/v1/employees", tag = "capacity", security(("bearer" = [])), request_body = EmployeeInput,
    responses((status = 201, body = Employee), (status = 403), (status = 422)))]
async fn create_employee(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(input): Json<EmployeeInput>,
) -> Result<Response, WebError> {
    let employee = employees::create_employee(&app, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(employee)).into_response())
}

/// One employee by NIP.
#[utoipa::path(get, path = "/api/v1/employees/{nip}", tag = "capacity", security(("bearer" = [])),
    params(("nip" = String, Path)), responses((status = 200, body = Employee), (status = 403), (status = 404)))]
async fn get_employee(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(nip): Path<String>,
) -> Result<Json<Employee>, WebError> {
    if !(crate::is_admin(&user) || crate::is_reader(&user)) {
        return Err(WebError::Forbidden);
    }
    Ok(Json(employees::get_employee(&app, &nip).await?))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct ImportParams {
    /// `true` writes the rows when none has a problem; otherwise a dry run.
    commit: bool,
}

/// Import employees from a CSV body (UTF-8, header as on the import page). A dry run unless
/// `commit=true`; 422 with the report when any row has a problem (then nothing is written),
/// or with an error body when the file itself is unusable (encoding, header).
#[utoipa::path(post, path = "/api/v1/employees/import", tag = "capacity", security(("bearer" = [])), params(ImportParams),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportReport), (status = 422, body = ImportReport), (status = 403)))]
async fn import_employees(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(params): Query<ImportParams>,
    body: Bytes,
) -> Result<Response, WebError> {
    let mut report = employees::import_csv(&app, &user, &body, params.commit).await?;
    crate::pages::translate(&mut report, &shell);
    let status = if report.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report)).into_response())
}

/// The id or code of something created.
#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: String,
}

fn reader(user: &CurrentUser) -> Result<(), WebError> {
    if crate::is_admin(user) || crate::is_reader(user) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// The competency dictionary with level descriptors (any staff member).
#[utoipa::path(get, path = "/api/v1/competencies", tag = "capacity", security(("bearer" = [])),
    responses((status = 200, body = [Competency])))]
async fn list_competencies(
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
async fn create_competency(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(input): Json<CompetencyInput>,
) -> Result<Response, WebError> {
    let id = competencies::create_competency(&app, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct PositionFilter {
    /// Exact position name; all positions when empty.
    position: String,
}

/// Required levels per position.
#[utoipa::path(get, path = "/api/v1/position-requirements", tag = "capacity", security(("bearer" = [])), params(PositionFilter),
    responses((status = 200, body = [Requirement]), (status = 403)))]
async fn list_requirements(
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
async fn set_requirement(
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
async fn list_assessments(
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
async fn record_assessment(
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
async fn employee_gaps(
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
