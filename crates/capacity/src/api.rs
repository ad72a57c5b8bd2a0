//! JSON API of the capacity capability under `/api/v1`; each handler calls the same domain
//! function as its page.

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post, put},
};
use platform::{
    AppState,
    auth::CurrentUser,
    web::{Shell, WebError},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::{
    attendance::{self, Completion, EvaluationInput},
    certificates::{self, Certificate},
    competencies::{
        self, Assessment, AssessmentInput, AssessmentMethod, Competency, CompetencyInput,
        CompetencyKind, GapRow, Level, Requirement, RequirementInput,
    },
    employees::{self, Employee, EmployeeInput},
    enrolment::{self, Enrolment, EnrolmentStatus},
    import::{self, ImportReport, ImportRun, ImportStage, Progress, RowProblem, RunState},
    jp::{self, AgencyCompliance, ExternalInput, JpEntry},
    needs::{self, Grouping, NeedRow, SessionRef},
    trainings::{self, Addressed, Session, SessionInput, Training, TrainingForm, TrainingInput},
};

#[derive(OpenApi)]
#[openapi(
    paths(list_employees, create_employee, get_employee, update_employee, import_employees, start_employee_import, employee_import,
          list_competencies, create_competency, list_requirements, set_requirement,
          list_assessments, record_assessment, employee_gaps,
          list_trainings, create_training, get_training, create_session, get_session, session_enrolments,
          enrol, approve_enrolment, reject_enrolment, cancel_enrolment, session_calendar,
          record_attendance, check_in, set_post_test, complete_session, evaluate, my_jp, submit_external,
          approve_jp, reject_jp, compliance, issue_certificate, get_certificate, certificate_credential,
          revoke_certificate, training_needs),
    components(schemas(Employee, EmployeeInput, ImportReport, RowProblem, ImportRun, RunState, Progress, ImportStage, Competency, Level, CompetencyKind,
                       CompetencyInput, Requirement, RequirementInput, Assessment, AssessmentInput, AssessmentMethod,
                       GapRow, Created, Training, TrainingInput, TrainingForm, Addressed, Session, SessionInput,
                       Enrolment, EnrolmentStatus, EnrolRequest, TrainingWithSessions, AttendanceRequest, CheckinRequest,
                       ScoreRequest, Completion, EvaluationInput, MyJp, JpEntry, ExternalRequest, AgencyCompliance, Recorded,
                       Certificate, CertificateCheck, RevokeRequest, NeedRow, SessionRef, Grouping)),
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
        .route("/api/v1/employee-imports", post(start_employee_import))
        .route("/api/v1/employee-imports/{id}", get(employee_import))
        .route(
            "/api/v1/employees/{nip}",
            get(get_employee).put(update_employee),
        )
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
        .route("/api/v1/sessions/{id}/attendance", post(record_attendance))
        .route("/api/v1/sessions/{id}/checkin", post(check_in))
        .route("/api/v1/sessions/{id}/complete", post(complete_session))
        .route("/api/v1/enrolments/{id}/post-test", put(set_post_test))
        .route("/api/v1/enrolments/{id}/evaluation", post(evaluate))
        .route("/api/v1/me/jp", get(my_jp).post(submit_external))
        .route("/api/v1/jp/{id}/approve", post(approve_jp))
        .route("/api/v1/jp/{id}/reject", post(reject_jp))
        .route("/api/v1/jp/compliance", get(compliance))
        .route(
            "/api/v1/enrolments/{id}/certificate",
            post(issue_certificate),
        )
        .route("/api/v1/training-needs", get(training_needs))
        .route("/api/v1/certificates/{id}", get(get_certificate))
        .route(
            "/api/v1/certificates/{id}/credential",
            get(certificate_credential),
        )
        .route("/api/v1/certificates/{id}/revoke", post(revoke_certificate))
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
    let mut report = import::import_csv(&app, &user, &body, params.commit).await?;
    crate::pages::translate(&mut report, &shell);
    let status = if report.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report)).into_response())
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct StartImportParams {
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
async fn start_employee_import(
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
async fn employee_import(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ImportRun>, WebError> {
    let mut run = import::get_import_run(&app, &user, &id).await?;
    crate::pages::translate_run(&mut run, &shell);
    Ok(Json(run))
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
    responses((status = 200, body = Recorded), (status = 403), (status = 409), (status = 422)))]
async fn record_attendance(
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
#[utoipa::path(post, path = "/api/v1/sessions/{id}/checkin", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = CheckinRequest,
    responses((status = 200, body = Recorded), (status = 409)))]
async fn check_in(
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
async fn set_post_test(
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
    params(("id" = String, Path)), responses((status = 200, body = Completion), (status = 403), (status = 409)))]
async fn complete_session(
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
async fn evaluate(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<EvaluationInput>,
) -> Result<StatusCode, WebError> {
    attendance::evaluate(&app, &user, &id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct MyJp {
    year: i64,
    /// Approved JP this year.
    total: i64,
    /// 20 for PNS; none for PPPK (their allowance follows their agreement).
    target: Option<i64>,
    entries: Vec<JpEntry>,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct YearParam {
    year: Option<i64>,
}

/// The signed-in ASN's JP ledger for a year (this year by default).
#[utoipa::path(get, path = "/api/v1/me/jp", tag = "capacity", security(("bearer" = [])), params(YearParam),
    responses((status = 200, body = MyJp), (status = 409)))]
async fn my_jp(
    State(app): State<AppState>,
    user: CurrentUser,
    Query(param): Query<YearParam>,
) -> Result<Json<MyJp>, WebError> {
    let employee = employees::employee_of(&app, &user)
        .await?
        .ok_or(crate::CapacityError::NoEmployeeRecord)?;
    let year = param
        .year
        .unwrap_or_else(|| i64::from(crate::today_wita().year()));
    let total = jp::total(&app, &employee.id, year).await?;
    let target = (employee.employment_type == "pns").then_some(jp::JP_RIGHT);
    let entries = jp::ledger(&app, &employee.id, year).await?;
    Ok(Json(MyJp {
        year,
        total,
        target,
        entries,
    }))
}

/// External development with its proof, base64-encoded.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ExternalRequest {
    #[serde(flatten)]
    entry: ExternalInput,
    proof_name: String,
    /// The proof file (PDF, JPEG or PNG), base64.
    proof_base64: String,
}

/// Record externally earned development with proof; it counts once an admin approves.
#[utoipa::path(post, path = "/api/v1/me/jp", tag = "capacity", security(("bearer" = [])), request_body = ExternalRequest,
    responses((status = 201, body = Created), (status = 409), (status = 422)))]
async fn submit_external(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(request): Json<ExternalRequest>,
) -> Result<Response, WebError> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(request.proof_base64.trim())
        .ok()
        .filter(|b| !b.is_empty());
    let proof = bytes.as_deref().map(|b| (request.proof_name.as_str(), b));
    let id = jp::submit_external(&app, &user, &request.entry, proof).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// Approve an external JP entry (competency admin).
#[utoipa::path(post, path = "/api/v1/jp/{id}/approve", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 204), (status = 403), (status = 409)))]
async fn approve_jp(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    jp::decide_external(&app, &user, &id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reject an external JP entry (competency admin).
#[utoipa::path(post, path = "/api/v1/jp/{id}/reject", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 204), (status = 403), (status = 409)))]
async fn reject_jp(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    jp::decide_external(&app, &user, &id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Share of PNS at or above 20 JP per agency (competency admin, leader).
#[utoipa::path(get, path = "/api/v1/jp/compliance", tag = "capacity", security(("bearer" = [])), params(YearParam),
    responses((status = 200, body = [AgencyCompliance]), (status = 403)))]
async fn compliance(
    State(app): State<AppState>,
    user: CurrentUser,
    Query(param): Query<YearParam>,
) -> Result<Json<Vec<AgencyCompliance>>, WebError> {
    let year = param
        .year
        .unwrap_or_else(|| i64::from(crate::today_wita().year()));
    Ok(Json(jp::compliance(&app, &user, year).await?))
}

/// The certificate of a completed enrolment: 201 when issued now, 200 with the same
/// certificate when asked again. 409 when the participant has not completed.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/certificate", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 201, body = Certificate), (status = 200, body = Certificate), (status = 403), (status = 409)))]
async fn issue_certificate(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (certificate, new) = certificates::issue(&app, &user, &id).await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(certificate)).into_response())
}

/// What anyone may check about a certificate (as on its verification page).
#[derive(Serialize, ToSchema)]
pub struct CertificateCheck {
    holder_name: String,
    training_title: String,
    jp: i64,
    starts_on: String,
    ends_on: String,
    agency_name: String,
    number: String,
    sha256: String,
    signature: String,
    public_key: String,
    signature_valid: bool,
    revoked: bool,
    revoked_reason: Option<String>,
}

/// Public verification of a certificate (no sign-in).
#[utoipa::path(get, path = "/api/v1/certificates/{id}", tag = "capacity",
    params(("id" = String, Path)), responses((status = 200, body = CertificateCheck), (status = 404)))]
async fn get_certificate(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CertificateCheck>, WebError> {
    let v = certificates::verify(&app, &id).await?;
    let c = v.certificate;
    Ok(Json(CertificateCheck {
        revoked: c.revoked_ms.is_some(),
        revoked_reason: c.revoked_reason,
        holder_name: c.holder_name,
        training_title: c.training_title,
        jp: c.jp,
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        agency_name: c.agency_name,
        number: c.number,
        sha256: c.sha256,
        signature: c.signature,
        public_key: v.public_key,
        signature_valid: v.signature_valid,
    }))
}

/// The certificate as an Open Badges 3.0 credential with an `eddsa-jcs-2022` Data Integrity
/// proof (holder or competency admin).
#[utoipa::path(get, path = "/api/v1/certificates/{id}/credential", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Object), (status = 403), (status = 404)))]
async fn certificate_credential(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, WebError> {
    Ok(Json(certificates::credential(&app, &user, &id).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct RevokeRequest {
    reason: String,
}

/// Revoke a certificate (competency admin); it stays on file and its page says so.
#[utoipa::path(post, path = "/api/v1/certificates/{id}/revoke", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = RevokeRequest,
    responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn revoke_certificate(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<RevokeRequest>,
) -> Result<StatusCode, WebError> {
    certificates::revoke(&app, &user, &id, &request.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct NeedsParams {
    /// `agency` (default), `unit` or `competency`.
    group: String,
    /// Only this agency (code); all when empty.
    agency: String,
}

/// Training needs: gaps (required − assessed) aggregated per agency, unit or competency, with
/// the open sessions that address each (competency admin, leader).
#[utoipa::path(get, path = "/api/v1/training-needs", tag = "capacity", security(("bearer" = [])), params(NeedsParams),
    responses((status = 200, body = [NeedRow]), (status = 403)))]
async fn training_needs(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(params): Query<NeedsParams>,
) -> Result<Json<Vec<NeedRow>>, WebError> {
    Ok(Json(
        needs::analyse(
            &app,
            &user,
            Grouping::parse(&params.group),
            &params.agency,
            shell.tr.lang,
        )
        .await?,
    ))
}

/// Change an employee's record (competency admin); the NIP in the path stays, `nip` in the
/// body is ignored.
#[utoipa::path(put, path = "/api/v1/employees/{nip}", tag = "capacity", security(("bearer" = [])),
    params(("nip" = String, Path)), request_body = EmployeeInput,
    responses((status = 200, body = Employee), (status = 403), (status = 404), (status = 422)))]
async fn update_employee(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(nip): Path<String>,
    Json(input): Json<EmployeeInput>,
) -> Result<Json<Employee>, WebError> {
    Ok(Json(
        employees::update_employee(&app, &user, &nip, &input).await?,
    ))
}
