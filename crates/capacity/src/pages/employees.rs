//! The admin's employee pages: list and search, the new-employee form, one employee's record,
//! and the CSV import with its dry run.

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use platform::{
    AppState,
    auth::CurrentUser,
    web::{
        Shell, WebError,
        error::FieldError,
        forms::{CsrfForm, CsrfUpload, FieldView, UploadProblem, field_errors},
    },
};
use serde::Deserialize;

use super::page;
use crate::{
    competencies::{self, Assessment, AssessmentInput, GapRow},
    employees::{self, CSV_HEADER, Employee, EmployeeInput},
    error::CapacityError,
    import::{self, ImportReport, ImportRun, ImportStage, RunState},
    is_admin,
    nip::EmploymentType,
};

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/capacity/employees", get(list))
        .route("/capacity/employees/new", get(new_form).post(create))
        .route(
            "/capacity/employees/import",
            get(import_form)
                .post(import)
                .layer(DefaultBodyLimit::max(max_upload_bytes + 64 * 1024)),
        )
        .route("/capacity/employees/import/{run}", get(import_progress))
        .route("/capacity/employees/{nip}", get(detail))
        .route(
            "/capacity/employees/{nip}/edit",
            get(edit_form).post(update),
        )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    q: String,
    agency: String,
}

#[derive(Template)]
#[template(path = "capacity_employees.html")]
struct ListPage {
    shell: Shell,
    query: String,
    employees: Vec<Employee>,
    admin: bool,
}

async fn list(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let employees = employees::list_employees(&app, &user, &query.q, &query.agency, 200).await?;
    page(
        &ListPage {
            shell,
            query: query.q,
            employees,
            admin: is_admin(&user),
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "capacity_employee_form.html")]
struct FormPage {
    shell: Shell,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
    /// Where the form posts; the NIP being edited, if any.
    action: String,
    editing: Option<String>,
}

async fn form_page(
    app: &AppState,
    shell: Shell,
    input: &EmployeeInput,
    errors: Vec<FieldError>,
    editing: Option<&str>,
) -> Result<FormPage, WebError> {
    let tr = &shell.tr;
    let text = |name: &str, key: &str, value: &str| FieldView::text(tr, name, key, value, &errors);
    let agencies = accounts::organisation::agency_tree(app)
        .await
        .map_err(WebError::from)?
        .into_iter()
        .map(|node| (node.agency.code.clone(), node.indented_name(tr.lang)))
        .collect();
    let types = [EmploymentType::Pns, EmploymentType::Pppk]
        .into_iter()
        .map(|t| (t.as_str().to_string(), tr.t(t.label_key()).to_string()))
        .collect();
    let mut fields = vec![
        text(
            "employment_type",
            "capacity.employment_type",
            &input.employment_type,
        )
        .select(tr, types),
        text("nip", "capacity.nip", &input.nip)
            .numeric()
            .hint(tr, "capacity.nip_hint"),
        text("full_name", "capacity.full_name", &input.full_name).autocomplete("name"),
        text("agency_code", "capacity.agency", &input.agency_code).select(tr, agencies),
        text("unit", "capacity.unit", &input.unit).optional(tr),
        text("position", "capacity.position", &input.position),
        text("rank", "capacity.rank", &input.rank).hint(tr, "capacity.rank_hint"),
        text("email", "capacity.email", &input.email)
            .kind("email")
            .optional(tr),
        text("phone", "capacity.phone", &input.phone)
            .kind("tel")
            .optional(tr),
        text("username", "capacity.username", &input.username)
            .optional(tr)
            .hint(tr, "capacity.username_hint"),
        text(
            "supervisor_nip",
            "capacity.supervisor_nip",
            &input.supervisor_nip,
        )
        .numeric()
        .optional(tr)
        .hint(tr, "capacity.supervisor_hint"),
    ];
    if editing.is_some() {
        // The NIP identifies the record; it is shown in the heading, not edited.
        fields.retain(|f| f.name != "nip");
    }
    Ok(FormPage {
        shell,
        errors,
        fields,
        action: match editing {
            Some(nip) => format!("/capacity/employees/{nip}/edit"),
            None => "/capacity/employees/new".into(),
        },
        editing: editing.map(str::to_string),
    })
}

fn require_admin(user: &CurrentUser) -> Result<(), WebError> {
    if is_admin(user) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

async fn new_form(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    require_admin(&user)?;
    let input = EmployeeInput {
        employment_type: "pns".into(),
        ..EmployeeInput::default()
    };
    page(
        &form_page(&app, shell, &input, Vec::new(), None).await?,
        StatusCode::OK,
    )
}

async fn create(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfForm(input): CsrfForm<EmployeeInput>,
) -> Result<Response, WebError> {
    match employees::create_employee(&app, &user, &input).await {
        Ok(employee) => {
            Ok(Redirect::to(&format!("/capacity/employees/{}", employee.nip)).into_response())
        }
        Err(CapacityError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &form_page(&app, shell, &input, errors, None).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

async fn edit_form(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(nip): Path<String>,
) -> Result<Response, WebError> {
    require_admin(&user)?;
    let e = employees::get_employee(&app, &nip).await?;
    let username = match &e.user_id {
        Some(id) => username_of(&app, id).await?.unwrap_or_default(),
        None => String::new(),
    };
    let input = EmployeeInput {
        nip: e.nip.clone(),
        full_name: e.full_name,
        agency_code: e.agency_code,
        unit: e.unit,
        position: e.position,
        rank: e.rank,
        employment_type: e.employment_type,
        email: e.email.unwrap_or_default(),
        phone: e.phone.unwrap_or_default(),
        username,
        supervisor_nip: e.supervisor_nip.unwrap_or_default(),
    };
    page(
        &form_page(&app, shell, &input, Vec::new(), Some(&e.nip)).await?,
        StatusCode::OK,
    )
}

async fn username_of(app: &AppState, user_id: &str) -> Result<Option<String>, WebError> {
    use sqlx::Row as _;
    let row = sqlx::query("SELECT username FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&app.db.read)
        .await
        .map_err(WebError::from)?;
    match row {
        Some(row) => Ok(row.try_get("username").map_err(WebError::from)?),
        None => Ok(None),
    }
}

async fn update(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(nip): Path<String>,
    CsrfForm(input): CsrfForm<EmployeeInput>,
) -> Result<Response, WebError> {
    match employees::update_employee(&app, &user, &nip, &input).await {
        Ok(employee) => {
            Ok(Redirect::to(&format!("/capacity/employees/{}", employee.nip)).into_response())
        }
        Err(CapacityError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &form_page(&app, shell, &input, errors, Some(&nip)).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "capacity_employee.html")]
pub(crate) struct DetailPage {
    shell: Shell,
    employee: Employee,
    employment_type: String,
    admin: bool,
    gaps: Vec<GapRow>,
    assessments: Vec<(Assessment, String)>,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
}

pub(crate) async fn detail_page(
    app: &AppState,
    user: &CurrentUser,
    shell: Shell,
    nip: &str,
    input: &AssessmentInput,
    errors: Vec<FieldError>,
) -> Result<DetailPage, WebError> {
    if !(is_admin(user) || crate::is_reader(user)) {
        return Err(WebError::Forbidden);
    }
    let employee = employees::get_employee(app, nip).await?;
    let employment_type = EmploymentType::parse(&employee.employment_type)
        .map(|t| shell.t(t.label_key()).to_string())
        .unwrap_or_default();
    let lang = shell.tr.lang;
    let gaps = competencies::gaps_of(app, &employee, lang).await?;
    let assessments = competencies::list_assessments(app, &employee.id, lang)
        .await?
        .into_iter()
        .map(|a| {
            let method = shell.t(a.method.label_key()).to_string();
            (a, method)
        })
        .collect();
    let fields = super::competencies::assessment_fields(app, &shell, input, &errors).await?;
    Ok(DetailPage {
        admin: is_admin(user),
        shell,
        employee,
        employment_type,
        gaps,
        assessments,
        errors,
        fields,
    })
}

async fn detail(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(nip): Path<String>,
) -> Result<Response, WebError> {
    let input = AssessmentInput {
        assessed_on: crate::today_wita().to_string(),
        ..AssessmentInput::default()
    };
    page(
        &detail_page(&app, &user, shell, &nip, &input, Vec::new()).await?,
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "capacity_import.html")]
struct ImportPage {
    shell: Shell,
    header: String,
    file_error: Option<String>,
}

fn import_page(shell: Shell, file_error: Option<&str>) -> ImportPage {
    ImportPage {
        header: CSV_HEADER.join(","),
        file_error: file_error.map(|k| shell.t(k).to_string()),
        shell,
    }
}

async fn import_form(shell: Shell, user: CurrentUser) -> Result<Response, WebError> {
    require_admin(&user)?;
    page(&import_page(shell, None), StatusCode::OK)
}

/// Fills in each problem's message in the reader's language.
pub(crate) fn translate(report: &mut ImportReport, shell: &Shell) {
    for problem in &mut report.problems {
        problem.message = shell.t(&problem.code).to_string();
    }
}

/// Fills in a background run's messages in the reader's language.
pub(crate) fn translate_run(run: &mut ImportRun, shell: &Shell) {
    match &mut run.state {
        RunState::Finished { report } => translate(report, shell),
        RunState::Failed { reason, message } => *message = shell.t(reason).to_string(),
        RunState::Running { .. } => {}
    }
}

/// Checks the file at once (a wrong encoding or header is named on this page, nothing started);
/// the rows are checked and written in the background while the progress page follows them.
async fn import(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfUpload(file, fields): CsrfUpload,
) -> Result<Response, WebError> {
    require_admin(&user)?;
    let commit = fields.iter().any(|(k, v)| k == "mode" && v == "commit");
    let file = match file {
        Ok(file) => file,
        Err(UploadProblem::Missing) => {
            return page(
                &import_page(shell, Some("capacity.import_missing")),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        Err(UploadProblem::TooLarge) => {
            return page(
                &import_page(shell, Some("capacity.import_too_large")),
                StatusCode::PAYLOAD_TOO_LARGE,
            );
        }
    };
    match import::start_import(&app, &user, &file.file_name, &file.bytes, commit).await {
        Ok(run) => Ok(Redirect::to(&format!("/capacity/employees/import/{run}")).into_response()),
        Err(CapacityError::ImportFile(key)) => page(
            &import_page(shell, Some(key)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "capacity_import_run.html")]
struct ImportRunPage {
    shell: Shell,
    run: ImportRun,
    /// While running: (stage text, rows done, rows in the stage, percent).
    progress: Option<(String, usize, usize, usize)>,
    running: bool,
    failure: Option<String>,
    report: Option<ImportReport>,
}

/// The progress of a background import; while it runs the page reloads itself every two
/// seconds (a meta refresh: no JavaScript needed), then shows the report.
async fn import_progress(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(run): Path<String>,
) -> Result<Response, WebError> {
    let mut run = import::get_import_run(&app, &user, &run).await?;
    translate_run(&mut run, &shell);
    let (mut progress, mut running, mut failure, mut report) = (None, false, None, None);
    match &run.state {
        RunState::Running { progress: live } => {
            running = true;
            progress = live.map(|p| {
                let stage = match p.stage {
                    ImportStage::Checking => shell.t("capacity.import_stage_checking"),
                    ImportStage::Writing => shell.t("capacity.import_stage_writing"),
                };
                let percent = (p.done * 100).checked_div(p.total).unwrap_or(0);
                (stage.to_string(), p.done, p.total, percent)
            });
        }
        RunState::Finished { report: done } => report = Some(done.clone()),
        RunState::Failed { message, .. } => failure = Some(message.clone()),
    }
    page(
        &ImportRunPage {
            shell,
            run,
            progress,
            running,
            failure,
            report,
        },
        StatusCode::OK,
    )
}
