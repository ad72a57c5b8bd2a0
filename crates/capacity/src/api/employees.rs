//! Employees and their CSV import (at once, or in the background as the web page does it).

use super::*;
use crate::{employees, import};

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub(super) struct EmployeeFilter {
    /// Words in the name, NIP or position.
    q: String,
    /// Agency code.
    agency: String,
}

/// Employees (competency admin, leader).
#[utoipa::path(get, path = "/api/v1/employees", tag = "capacity", security(("bearer" = [])), params(EmployeeFilter),
    responses((status = 200, body = [Employee]), (status = 403)))]
pub(super) async fn list_employees(
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
pub(super) async fn create_employee(
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
pub(super) async fn get_employee(
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
pub(super) struct ImportParams {
    /// `true` writes the rows when none has a problem; otherwise a dry run.
    commit: bool,
}

/// Import employees from a CSV body (UTF-8, header as on the import page). A dry run unless
/// `commit=true`; 422 with the report when any row has a problem (then nothing is written),
/// or with an error body when the file itself is unusable (encoding, header).
#[utoipa::path(post, path = "/api/v1/employees/import", tag = "capacity", security(("bearer" = [])), params(ImportParams),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportReport), (status = 422, body = ImportRefused), (status = 403)))]
pub(super) async fn import_employees(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(params): Query<ImportParams>,
    body: Bytes,
) -> Result<Response, WebError> {
    let mut report = import::import_csv(&app, &user, &body, params.commit).await?;
    crate::pages::translate(&mut report, &shell);
    let status = if report.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report)).into_response())
}

/// The 422 of an import: the report when rows have problems, the error body when the file
/// itself is unusable. Only describes the answer; never built.
#[derive(ToSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "a schema for the OpenAPI document only")]
pub(super) enum ImportRefused {
    Rows(ImportReport),
    File(platform::web::error::ErrorBody),
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub(super) struct StartImportParams {
    /// `true` writes the rows when none has a problem; otherwise a dry run.
    commit: bool,
    /// The file's name, kept with the run.
    file_name: String,
}

/// Start an import in the background, as the web page does: the file itself (encoding, header)
/// is checked at once (422); the rows are checked and written afterwards. 202 with the run's id;
/// follow it at `Location`.
#[utoipa::path(post, path = "/api/v1/employee-imports", tag = "capacity", security(("bearer" = [])), params(StartImportParams),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 202, body = Created), (status = 422), (status = 403)))]
pub(super) async fn start_employee_import(
    State(app): State<AppState>,
    user: CurrentUser,
    Query(params): Query<StartImportParams>,
    body: Bytes,
) -> Result<Response, WebError> {
    let name = if params.file_name.trim().is_empty() {
        "api.csv"
    } else {
        params.file_name.trim()
    };
    let id = import::start_import(&app, &user, name, &body, params.commit).await?;
    let location = format!("/api/v1/employee-imports/{id}");
    Ok((
        StatusCode::ACCEPTED,
        [(axum::http::header::LOCATION, location)],
        Json(Created { id }),
    )
        .into_response())
}

/// A background import: `running` (with the row count on the node doing it), `finished` (the
/// report, as the synchronous import gives it) or `failed` (nothing written).
#[utoipa::path(get, path = "/api/v1/employee-imports/{id}", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = ImportRun), (status = 404), (status = 403)))]
pub(super) async fn employee_import(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ImportRun>, WebError> {
    let mut run = import::get_import_run(&app, &user, &id).await?;
    crate::pages::translate_run(&mut run, &shell);
    Ok(Json(run))
}

/// Change an employee's record (competency admin); the NIP in the path stays, `nip` in the
/// body is ignored.
#[utoipa::path(put, path = "/api/v1/employees/{nip}", tag = "capacity", security(("bearer" = [])),
    params(("nip" = String, Path)), request_body = EmployeeInput,
    responses((status = 200, body = Employee), (status = 403), (status = 404), (status = 422)))]
pub(super) async fn update_employee(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(nip): Path<String>,
    Json(input): Json<EmployeeInput>,
) -> Result<Json<Employee>, WebError> {
    Ok(Json(
        employees::update_employee(&app, &user, &nip, &input).await?,
    ))
}
