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
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

use crate::employees::{self, Employee, EmployeeInput, ImportReport, RowProblem};

#[derive(OpenApi)]
#[openapi(
    paths(list_employees, create_employee, get_employee, import_employees),
    components(schemas(Employee, EmployeeInput, ImportReport, RowProblem)),
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
