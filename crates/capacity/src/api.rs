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
    enrolment::{self, Enrolment, EnrolmentStatus},
    trainings::{self, Addressed, Session, SessionInput, Training, TrainingForm, TrainingInput},
};

#[derive(OpenApi)]
#[openapi(
    paths(list_employees, create_employee, get_employee, import_employees,
          list_competencies, create_competency, list_requirements, set_requirement,
          list_assessments, record_assessment, employee_gaps,
          list_trainings, create_training, get_training, create_session, get_session, session_enrolments,
          enrol, approve_enrolment, reject_enrolment, cancel_enrolment, session_calendar),
    components(schemas(Employee, EmployeeInput, ImportReport, RowProblem, Competency, Level, CompetencyKind,
                       CompetencyInput, Requirement, RequirementInput, Assessment, AssessmentInput, AssessmentMethod,
                       GapRow, Created, Training, TrainingInput, TrainingForm, Addressed, Session, SessionInput,
                       Enrolment, EnrolmentStatus, EnrolRequest, TrainingWithSessions)),
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
            "/api/v1/trainings",
            get(list_trainings).post(create_training),
        )
        .route("/api/v1/trainings/{id}", get(get_training))
        .route("/api/v1/trainings/{id}/sessions", post(create_session))
        .route("/api/v1/sessions/{id}", get(get_session))
        .route(
            "/api/v1/sessions/{id}/enrolments",
            get(session_enrolments).post(enrol),
        )
        .route("/api/v1/sessions/{id}/calendar.ics", get(session_calendar))
        .route("/api/v1/enrolments/{id}/approve", post(approve_enrolment))
        .route("/api/v1/enrolments/{id}/reject", post(reject_enrolment))
        .route("/api/v1/enrolments/{id}/cancel", post(cancel_enrolment))
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

fn staff(user: &CurrentUser) -> Result<(), WebError> {
    if user.is_citizen() {
        Err(WebError::Forbidden)
    } else {
        Ok(())
    }
}

/// The training catalogue (any staff member).
#[utoipa::path(get, path = "/api/v1/trainings", tag = "capacity", security(("bearer" = [])),
    responses((status = 200, body = [Training])))]
async fn list_trainings(
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
async fn create_training(
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
    params(("id" = String, Path)), responses((status = 200, body = TrainingWithSessions), (status = 404)))]
async fn get_training(
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
async fn create_session(
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
    params(("id" = String, Path)), responses((status = 200, body = Session), (status = 404)))]
async fn get_session(
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
async fn session_enrolments(
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
async fn enrol(
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
    params(("id" = String, Path)), responses((status = 200, body = Enrolment), (status = 403), (status = 409)))]
async fn approve_enrolment(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Enrolment>, WebError> {
    Ok(Json(enrolment::decide(&app, &user, &id, true).await?))
}

/// The supervisor or agency head rejects a self-enrolment.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/reject", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Enrolment), (status = 403), (status = 409)))]
async fn reject_enrolment(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Enrolment>, WebError> {
    Ok(Json(enrolment::decide(&app, &user, &id, false).await?))
}

/// Cancel (the participant or a competency admin); a freed seat goes to the first on the waitlist.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/cancel", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Enrolment), (status = 403), (status = 409)))]
async fn cancel_enrolment(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Enrolment>, WebError> {
    Ok(Json(enrolment::cancel(&app, &user, &id).await?))
}

/// The session as an iCalendar file.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/calendar.ics", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, content_type = "text/calendar", body = String), (status = 404)))]
async fn session_calendar(
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
