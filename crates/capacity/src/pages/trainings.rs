//! Training catalogue, sessions and enrolment pages: the list (with the admin's form), one
//! training with its sessions, one session (enrol, cancel, nominate, participants, calendar
//! file), and the supervisor's approvals.

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use platform::{
    AppState,
    auth::{CurrentUser, Role},
    web::{
        Shell, WebError,
        error::FieldError,
        forms::{CsrfForm, FieldView, field_errors},
    },
};
use serde::Deserialize;

use super::page;
use crate::{
    competencies::CompetencyKind,
    employees,
    enrolment::{self, Enrolment},
    error::CapacityError,
    is_admin,
    trainings::{self, Session, SessionInput, Training, TrainingForm, TrainingInput},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/capacity/trainings", get(catalogue).post(add_training))
        .route("/capacity/trainings/{id}", get(training))
        .route("/capacity/trainings/{id}/sessions", post(add_session))
        .route("/capacity/sessions/{id}", get(session))
        .route("/capacity/sessions/{id}/calendar.ics", get(calendar))
        .route("/capacity/sessions/{id}/enrol", post(enrol))
        .route("/capacity/sessions/{id}/nominate", post(nominate))
        .route("/capacity/enrolments/{id}/approve", post(approve))
        .route("/capacity/enrolments/{id}/reject", post(reject))
        .route("/capacity/enrolments/{id}/cancel", post(cancel))
        .route("/capacity/approvals", get(approvals))
}

fn staff(user: &CurrentUser) -> Result<(), WebError> {
    if user.is_citizen() {
        Err(WebError::Forbidden)
    } else {
        Ok(())
    }
}

pub(crate) struct TrainingView {
    pub training: Training,
    pub kind: String,
    pub form: String,
}

fn view(training: Training, shell: &Shell) -> TrainingView {
    TrainingView {
        kind: shell.t(training.kind.label_key()).to_string(),
        form: shell.t(training.form.label_key()).to_string(),
        training,
    }
}

#[derive(Template)]
#[template(path = "capacity_trainings.html")]
struct CataloguePage {
    shell: Shell,
    trainings: Vec<TrainingView>,
    admin: bool,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
}

async fn catalogue_page(
    app: &AppState,
    user: &CurrentUser,
    shell: Shell,
    input: &TrainingInput,
    errors: Vec<FieldError>,
) -> Result<CataloguePage, WebError> {
    let trainings = trainings::list_trainings(app, shell.tr.lang)
        .await?
        .into_iter()
        .map(|t| view(t, &shell))
        .collect();
    let tr = &shell.tr;
    let text = |name: &str, key: &str, value: &str| FieldView::text(tr, name, key, value, &errors);
    let kinds = CompetencyKind::ALL
        .into_iter()
        .map(|k| (k.as_str().to_string(), tr.t(k.label_key()).to_string()))
        .collect();
    let forms = TrainingForm::ALL
        .into_iter()
        .map(|f| (f.as_str().to_string(), tr.t(f.label_key()).to_string()))
        .collect();
    let agencies = accounts::organisation::agency_tree(app)
        .await
        .map_err(WebError::from)?
        .into_iter()
        .map(|node| (node.agency.code.clone(), node.indented_name(tr.lang)))
        .collect();
    let fields = vec![
        text("title", "capacity.training_title", &input.title),
        text("kind", "capacity.training_kind", &input.kind).select(tr, kinds),
        text("form", "capacity.training_form", &input.form).select(tr, forms),
        text("jp", "capacity.jp", &input.jp).numeric(),
        text(
            "organiser_agency_code",
            "capacity.organiser",
            &input.organiser_agency_code,
        )
        .select(tr, agencies),
        text(
            "co_organisers",
            "capacity.co_organisers",
            &input.co_organisers,
        )
        .optional(tr),
        text("provider", "capacity.provider", &input.provider),
        text(
            "description",
            "capacity.training_description",
            &input.description,
        )
        .kind("textarea")
        .optional(tr),
        text("competencies", "capacity.addressed", &input.competencies)
            .kind("textarea")
            .optional(tr)
            .hint(tr, "capacity.addressed_hint"),
    ];
    Ok(CataloguePage {
        trainings,
        admin: is_admin(user),
        errors,
        fields,
        shell,
    })
}

async fn catalogue(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    staff(&user)?;
    let input = TrainingInput {
        organiser_agency_code: "bkppd".into(),
        ..TrainingInput::default()
    };
    page(
        &catalogue_page(&app, &user, shell, &input, Vec::new()).await?,
        StatusCode::OK,
    )
}

async fn add_training(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfForm(input): CsrfForm<TrainingInput>,
) -> Result<Response, WebError> {
    match trainings::create_training(&app, &user, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/capacity/trainings/{id}")).into_response()),
        Err(CapacityError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &catalogue_page(&app, &user, shell, &input, errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "capacity_training.html")]
struct TrainingPage {
    shell: Shell,
    training: TrainingView,
    sessions: Vec<Session>,
    admin: bool,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
}

async fn training_page(
    app: &AppState,
    user: &CurrentUser,
    shell: Shell,
    id: &str,
    input: &SessionInput,
    errors: Vec<FieldError>,
) -> Result<TrainingPage, WebError> {
    staff(user)?;
    let training = view(
        trainings::get_training(app, id, shell.tr.lang).await?,
        &shell,
    );
    let sessions = trainings::list_sessions(app, id).await?;
    let tr = &shell.tr;
    let text = |name: &str, key: &str, value: &str| FieldView::text(tr, name, key, value, &errors);
    let fields = vec![
        text("starts_on", "capacity.starts_on", &input.starts_on).kind("date"),
        text("ends_on", "capacity.ends_on", &input.ends_on).kind("date"),
        text("place", "capacity.place", &input.place).optional(tr),
        text("online_url", "capacity.online_url", &input.online_url)
            .kind("url")
            .optional(tr),
        text("capacity", "capacity.seats", &input.capacity).numeric(),
        text("enrol_from", "capacity.enrol_from", &input.enrol_from).kind("date"),
        text("enrol_until", "capacity.enrol_until", &input.enrol_until).kind("date"),
        text(
            "min_attendance_pct",
            "capacity.min_attendance_pct",
            &input.min_attendance_pct,
        )
        .numeric(),
        text(
            "post_test_min",
            "capacity.post_test_min",
            &input.post_test_min,
        )
        .numeric()
        .optional(tr)
        .hint(tr, "capacity.post_test_hint"),
    ];
    Ok(TrainingPage {
        training,
        sessions,
        admin: is_admin(user),
        errors,
        fields,
        shell,
    })
}

async fn training(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let input = SessionInput {
        min_attendance_pct: "80".into(),
        ..SessionInput::default()
    };
    page(
        &training_page(&app, &user, shell, &id, &input, Vec::new()).await?,
        StatusCode::OK,
    )
}

async fn add_session(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<SessionInput>,
) -> Result<Response, WebError> {
    match trainings::create_session(&app, &user, &id, &input).await {
        Ok(session) => Ok(Redirect::to(&format!("/capacity/sessions/{session}")).into_response()),
        Err(CapacityError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &training_page(&app, &user, shell, &id, &input, errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

pub(crate) struct EnrolmentView {
    pub enrolment: Enrolment,
    pub status: String,
}

pub(crate) fn enrolment_views(list: Vec<Enrolment>, shell: &Shell) -> Vec<EnrolmentView> {
    list.into_iter()
        .map(|e| EnrolmentView {
            status: shell.t(e.status.label_key()).to_string(),
            enrolment: e,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "capacity_session.html")]
pub(crate) struct SessionPage {
    pub shell: Shell,
    pub session: Session,
    pub open: bool,
    pub mine: Option<EnrolmentView>,
    pub has_record: bool,
    /// The person holds an active enrolment (awaiting, enrolled or waitlisted).
    pub active: bool,
    /// The person's own enrolment is completed (a certificate may be asked for).
    pub completed_mine: bool,
    pub admin: bool,
    pub participants: Vec<EnrolmentView>,
    pub nominate_error: Option<String>,
    pub nip: String,
    pub extra: super::attendance::SessionExtras,
}

pub(crate) async fn session_page(
    app: &AppState,
    user: &CurrentUser,
    shell: Shell,
    id: &str,
    nominate_error: Option<&'static str>,
    nip: &str,
) -> Result<SessionPage, WebError> {
    staff(user)?;
    let session = trainings::get_session(app, id).await?;
    let me = employees::employee_of(app, user).await?;
    let mine = match &me {
        Some(employee) => {
            let mut conn = app.db.read.acquire().await.map_err(WebError::from)?;
            enrolment::find_enrolment_of(&mut conn, id, &employee.id)
                .await
                .map_err(WebError::from)?
                .map(|e| EnrolmentView {
                    status: shell.t(e.status.label_key()).to_string(),
                    enrolment: e,
                })
        }
        None => None,
    };
    let admin = is_admin(user);
    let leader = user.has_role(Role::Leader);
    let participants = if admin || leader {
        enrolment_views(enrolment::list_for_session(app, id).await?, &shell)
    } else {
        Vec::new()
    };
    let extra = super::attendance::extras(app, user, &session, mine.as_ref()).await?;
    Ok(SessionPage {
        open: session.enrolment_open(crate::today_wita()),
        nominate_error: nominate_error.map(|k| shell.t(k).to_string()),
        nip: nip.to_string(),
        has_record: me.is_some(),
        active: mine.as_ref().is_some_and(|m| m.enrolment.status.active()),
        completed_mine: mine
            .as_ref()
            .is_some_and(|m| m.enrolment.status == enrolment::EnrolmentStatus::Completed),
        session,
        mine,
        admin,
        participants,
        extra,
        shell,
    })
}

async fn session(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    page(
        &session_page(&app, &user, shell, &id, None, "").await?,
        StatusCode::OK,
    )
}

async fn calendar(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    staff(&user)?;
    let session = trainings::get_session(&app, &id).await?;
    let body = trainings::ics(&session, app.settings.base_url.as_str());
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"sesi-pelatihan.ics\"",
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Empty {}

async fn enrol(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    enrolment::self_enrol(&app, &user, &id).await?;
    Ok(Redirect::to(&format!("/capacity/sessions/{id}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NominateForm {
    nip: String,
}

async fn nominate(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<NominateForm>,
) -> Result<Response, WebError> {
    match enrolment::nominate(&app, &user, &id, &form.nip).await {
        Ok(_) => Ok(Redirect::to(&format!("/capacity/sessions/{id}")).into_response()),
        Err(CapacityError::Invalid(problems)) => {
            let key = problems.first().map(|(_, k)| *k);
            page(
                &session_page(&app, &user, shell, &id, key, &form.nip).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(CapacityError::AlreadyEnrolled) => page(
            &session_page(
                &app,
                &user,
                shell,
                &id,
                Some("capacity.already_nominated"),
                &form.nip,
            )
            .await?,
            StatusCode::CONFLICT,
        ),
        Err(other) => Err(other.into()),
    }
}

async fn approve(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    enrolment::decide(&app, &user, &id, true).await?;
    Ok(Redirect::to("/capacity/approvals").into_response())
}

async fn reject(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    enrolment::decide(&app, &user, &id, false).await?;
    Ok(Redirect::to("/capacity/approvals").into_response())
}

async fn cancel(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    let enrolment = enrolment::cancel(&app, &user, &id).await?;
    Ok(Redirect::to(&format!("/capacity/sessions/{}", enrolment.session_id)).into_response())
}

#[derive(Template)]
#[template(path = "capacity_approvals.html")]
struct ApprovalsPage {
    shell: Shell,
    pending: Vec<Enrolment>,
}

async fn approvals(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    staff(&user)?;
    let pending = enrolment::pending_approvals(&app, &user).await?;
    page(&ApprovalsPage { shell, pending }, StatusCode::OK)
}
