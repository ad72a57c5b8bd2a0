//! Attendance on the session page: the admin's daily register, today's QR check-in code,
//! post-test scores, closing the session by its completion rule, the evaluation summary; and
//! for the participant the QR check-in and the reaction evaluation.

use std::collections::HashMap;

use axum::{
    Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use platform::{
    AppState,
    auth::CurrentUser,
    web::{Shell, WebError, forms::CsrfForm},
};
use serde::Deserialize;

use super::{page, trainings::EnrolmentView};
use crate::{
    attendance::{self, EvaluationInput, EvaluationSummary},
    enrolment::{self, EnrolmentStatus},
    error::CapacityError,
    is_admin,
    trainings::{self, Session},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/capacity/sessions/{id}/checkin",
            get(checkin_page).post(checkin),
        )
        .route("/capacity/sessions/{id}/attendance", post(register))
        .route("/capacity/sessions/{id}/complete", post(complete))
        .route("/capacity/enrolments/{id}/post-test", post(post_test))
        .route("/capacity/enrolments/{id}/evaluation", post(evaluate))
}

/// One participant's row in the admin's register.
pub(crate) struct RegisterRow {
    pub enrolment_id: String,
    pub nip: String,
    pub full_name: String,
    /// One mark per session day.
    pub marks: Vec<bool>,
    pub score: String,
}

/// What the session page shows about attendance and completion.
pub(crate) struct SessionExtras {
    pub days: Vec<String>,
    pub register: Vec<RegisterRow>,
    /// (day, code, check-in link, QR path data, QR size) for today, on a session day.
    pub today: Option<(String, String, String, String, usize)>,
    pub summary: Option<EvaluationSummary>,
    /// The participant's attended days.
    pub my_days: Vec<String>,
    /// The participant may still submit the evaluation.
    pub may_evaluate: bool,
}

/// SVG path data for a QR code, one unit square per dark module.
pub(crate) fn qr_path(text: &str) -> Option<(String, usize)> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let mut path = String::new();
    for (index, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            path.push_str(&format!(
                "M{} {}h1v1h-1z",
                index % width + 4,
                index / width + 4
            ));
        }
    }
    Some((path, width + 8))
}

pub(crate) async fn extras(
    app: &AppState,
    user: &CurrentUser,
    session: &Session,
    mine: Option<&EnrolmentView>,
) -> Result<SessionExtras, WebError> {
    let days: Vec<String> = session.days().iter().map(ToString::to_string).collect();
    let attended = attendance::attended_days(app, &session.id).await?;
    let admin = is_admin(user);
    let mut register = Vec::new();
    let mut today = None;
    let mut summary = None;
    if admin {
        for participant in enrolment::list_for_session(app, &session.id).await? {
            if !matches!(
                participant.status,
                EnrolmentStatus::Enrolled
                    | EnrolmentStatus::Completed
                    | EnrolmentStatus::NotCompleted
            ) {
                continue;
            }
            let own = attended.get(&participant.employee_id);
            register.push(RegisterRow {
                marks: days
                    .iter()
                    .map(|d| own.is_some_and(|list| list.contains(d)))
                    .collect(),
                score: participant
                    .post_test_score
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                enrolment_id: participant.id,
                nip: participant.nip,
                full_name: participant.full_name,
            });
        }
        if let Some((day, code)) = attendance::todays_code(app, user, session).await? {
            let link = format!(
                "{}/capacity/sessions/{}/checkin?code={code}",
                app.settings.base_url.as_str().trim_end_matches('/'),
                session.id
            );
            if let Some((path, size)) = qr_path(&link) {
                today = Some((day, code, link, path, size));
            }
        }
        summary = Some(attendance::evaluation_summary(app, &session.id).await?);
    }
    let (my_days, may_evaluate) = match mine {
        Some(view)
            if matches!(
                view.enrolment.status,
                EnrolmentStatus::Enrolled
                    | EnrolmentStatus::Completed
                    | EnrolmentStatus::NotCompleted
            ) =>
        {
            (
                attended
                    .get(&view.enrolment.employee_id)
                    .cloned()
                    .unwrap_or_default(),
                !attendance::has_evaluated(app, &view.enrolment.id).await?,
            )
        }
        _ => (Vec::new(), false),
    };
    Ok(SessionExtras {
        days,
        register,
        today,
        summary,
        my_days,
        may_evaluate,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeQuery {
    code: String,
}

#[derive(askama::Template)]
#[template(path = "capacity_checkin.html")]
struct CheckinPage {
    shell: Shell,
    session: Session,
    code: String,
}

async fn checkin_page(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<CodeQuery>,
) -> Result<Response, WebError> {
    // Sessions are for staff (as on the session page): a citizen sees none.
    if user.is_citizen() {
        return Err(WebError::Forbidden);
    }
    let session = trainings::get_session(&app, &id).await?;
    page(
        &CheckinPage {
            shell,
            session,
            code: query.code,
        },
        StatusCode::OK,
    )
}

async fn checkin(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CodeQuery>,
) -> Result<Response, WebError> {
    attendance::check_in(&app, &user, &id, &form.code).await?;
    Ok(Redirect::to(&format!("/capacity/sessions/{id}")).into_response())
}

/// The register form: `day` and one `present_<nip>` per participant present.
async fn register(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let day = form.get("day").cloned().unwrap_or_default();
    for nip in form.keys().filter_map(|k| k.strip_prefix("present_")) {
        attendance::record(&app, &user, &id, nip, &day).await?;
    }
    Ok(Redirect::to(&format!("/capacity/sessions/{id}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Empty {}

async fn complete(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    attendance::complete_session(&app, &user, &id).await?;
    Ok(Redirect::to(&format!("/capacity/sessions/{id}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ScoreForm {
    score: String,
}

async fn post_test(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ScoreForm>,
) -> Result<Response, WebError> {
    attendance::set_post_test(&app, &user, &id, &form.score).await?;
    let mut conn = app.db.read.acquire().await.map_err(WebError::from)?;
    let enrolment = enrolment::find_enrolment(&mut conn, &id)
        .await
        .map_err(WebError::from)?
        .ok_or(WebError::NotFound)?;
    Ok(Redirect::to(&format!("/capacity/sessions/{}", enrolment.session_id)).into_response())
}

async fn evaluate(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<EvaluationInput>,
) -> Result<Response, WebError> {
    match attendance::evaluate(&app, &user, &id, &input).await {
        Ok(()) | Err(CapacityError::AlreadyEvaluated) => {
            let mut conn = app.db.read.acquire().await.map_err(WebError::from)?;
            let enrolment = enrolment::find_enrolment(&mut conn, &id)
                .await
                .map_err(WebError::from)?
                .ok_or(WebError::NotFound)?;
            Ok(
                Redirect::to(&format!("/capacity/sessions/{}", enrolment.session_id))
                    .into_response(),
            )
        }
        Err(other) => Err(other.into()),
    }
}
