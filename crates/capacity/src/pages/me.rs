//! The ASN's own page: their record, JP this year against the 20 JP right (a server-drawn
//! progress bar), external development with proof, competencies and gaps, recommended sessions,
//! trainings and certificates. Only the person's own data; nothing here needs JavaScript.

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, State},
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
        forms::{CsrfUpload, FieldView, UploadProblem, field_errors},
    },
};

use super::{page, trainings::EnrolmentView};
use crate::{
    competencies::{self, GapRow},
    employees::{self, Employee},
    enrolment,
    error::CapacityError,
    jp::{self, ExternalInput, JP_RIGHT, JpEntry},
    nip::EmploymentType,
    trainings::{self, Session},
};

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    Router::new().route(
        "/capacity/me",
        get(me)
            .post(submit_external)
            .layer(DefaultBodyLimit::max(max_upload_bytes + 64 * 1024)),
    )
}

/// The JP bar: total, target (none for PPPK), percent of the target (capped at 100 for the bar).
pub(crate) struct JpBar {
    pub total: i64,
    pub target: Option<i64>,
    pub bar: i64,
    pub reached: bool,
}

pub(crate) fn jp_bar(total: i64, kind: Option<EmploymentType>) -> JpBar {
    let target = (kind == Some(EmploymentType::Pns)).then_some(JP_RIGHT);
    JpBar {
        total,
        bar: target.map_or(0, |t| total.min(t)),
        reached: target.is_some_and(|t| total >= t),
        target,
    }
}

#[derive(Template)]
#[template(path = "capacity_me.html")]
struct MePage {
    shell: Shell,
    employee: Option<Employee>,
    year: i64,
    bar: JpBar,
    ledger: Vec<(JpEntry, String)>,
    gaps: Vec<GapRow>,
    recommended: Vec<Session>,
    trainings: Vec<EnrolmentView>,
    certificates: Vec<crate::certificates::Certificate>,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
    file_error: Option<String>,
}

async fn me_page(
    app: &AppState,
    user: &CurrentUser,
    shell: Shell,
    input: &ExternalInput,
    errors: Vec<FieldError>,
) -> Result<MePage, WebError> {
    let employee = employees::employee_of(app, user).await?;
    let today = crate::today_wita();
    let year = i64::from(today.year());
    let tr = &shell.tr;
    let fields = vec![
        FieldView::text(
            tr,
            "title",
            "capacity.external_title",
            &input.title,
            &errors,
        ),
        FieldView::text(tr, "jp", "capacity.jp", &input.jp, &errors).numeric(),
        FieldView::text(
            tr,
            "completed_on",
            "capacity.completed_on",
            &input.completed_on,
            &errors,
        )
        .kind("date"),
    ];
    let file_error = errors
        .iter()
        .find(|e| e.field == "file")
        .map(|e| e.message.clone());
    let Some(employee) = employee else {
        return Ok(MePage {
            shell,
            employee: None,
            year,
            bar: jp_bar(0, None),
            ledger: Vec::new(),
            gaps: Vec::new(),
            recommended: Vec::new(),
            trainings: Vec::new(),
            certificates: Vec::new(),
            errors,
            fields,
            file_error,
        });
    };
    let total = jp::total(app, &employee.id, year).await?;
    let bar = jp_bar(total, EmploymentType::parse(&employee.employment_type));
    let ledger = jp::ledger(app, &employee.id, year)
        .await?
        .into_iter()
        .map(|e| {
            let status = shell.t(jp_status_key(&e.status)).to_string();
            (e, status)
        })
        .collect();
    let gaps = competencies::gaps_of(app, &employee, shell.tr.lang).await?;
    let mut recommended: Vec<Session> = Vec::new();
    for gap in gaps.iter().filter(|g| g.gap > 0) {
        for session in trainings::sessions_addressing(
            app,
            &gap.competency_code,
            gap.assessed.unwrap_or(0),
            today,
        )
        .await?
        {
            if !recommended.iter().any(|s| s.id == session.id) {
                recommended.push(session);
            }
        }
    }
    let trainings = super::trainings::enrolment_views(
        enrolment::list_for_employee(app, &employee.id).await?,
        &shell,
    );
    let certificates = crate::certificates::list_for_employee(app, &employee.id).await?;
    Ok(MePage {
        shell,
        employee: Some(employee),
        year,
        bar,
        ledger,
        gaps,
        recommended,
        trainings,
        certificates,
        errors,
        fields,
        file_error,
    })
}

pub(crate) fn jp_status_key(status: &str) -> &'static str {
    match status {
        "approved" => "capacity.jp_approved",
        "rejected" => "capacity.jp_rejected",
        _ => "capacity.jp_pending",
    }
}

async fn me(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    // Citizens have no employee record to show (staff without one are told so on the page).
    if user.is_citizen() {
        return Err(WebError::Forbidden);
    }
    page(
        &me_page(&app, &user, shell, &ExternalInput::default(), Vec::new()).await?,
        StatusCode::OK,
    )
}

async fn submit_external(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfUpload(file, fields): CsrfUpload,
) -> Result<Response, WebError> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let input = ExternalInput {
        title: get("title"),
        jp: get("jp"),
        completed_on: get("completed_on"),
    };
    let outcome = match &file {
        Ok(file) => {
            jp::submit_external(&app, &user, &input, Some((&file.file_name, &file.bytes))).await
        }
        Err(UploadProblem::TooLarge) => {
            Err(CapacityError::field("file", "capacity.import_too_large"))
        }
        Err(UploadProblem::Missing) => jp::submit_external(&app, &user, &input, None).await,
    };
    match outcome {
        Ok(_) => Ok(Redirect::to("/capacity/me").into_response()),
        Err(CapacityError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &me_page(&app, &user, shell, &input, errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}
