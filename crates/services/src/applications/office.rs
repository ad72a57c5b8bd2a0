//! The back-office pages: the inbox with deadlines, one application with its answers,
//! documents and history, and the actions the person may take on it.

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use platform::{
    AppState,
    auth::CurrentUser,
    blobs::FileKind,
    clock,
    web::{
        Shell, WebError,
        error::FieldError,
        forms::{CsrfForm, CsrfUpload, UploadProblem, field_errors},
        i18n::Lang,
    },
};
use serde::Deserialize;

use super::{
    journey,
    processing::{self, Urgency},
    store::ApplicationRow,
};
use crate::error::ServiceError;

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/office", get(inbox))
        .route("/office/applications/{id}", get(application))
        .route("/office/applications/{id}/actions", post(act))
        .route(
            "/office/applications/{id}/documents/{position}",
            get(document),
        )
        .route("/office/applications/{id}/revoke", post(revoke))
        .route("/office/applications/{id}/route", post(route))
        .route(
            "/office/applications/{id}/recommendation",
            post(recommend).layer(DefaultBodyLimit::max(max_upload_bytes + 64 * 1024)),
        )
        .route(
            "/office/applications/{id}/recommendations/{recommendation}/attachment",
            get(recommendation_attachment),
        )
}

use crate::pages::page;

struct InboxView {
    id: String,
    tracking: String,
    service: String,
    status: String,
    due: String,
    days_left: String,
    urgency: &'static str,
    mine: bool,
}

#[derive(Template)]
#[template(path = "office_inbox.html")]
struct InboxPage {
    shell: Shell,
    lines: Vec<InboxView>,
}

async fn inbox(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    if !crate::office_staff(Some(&user)) {
        return Err(WebError::Forbidden);
    }
    let tr = &shell.tr;
    let lines = processing::inbox(&app, &user)
        .await?
        .into_iter()
        .map(|l| InboxView {
            id: l.id,
            tracking: l.tracking_number,
            service: if tr.lang == Lang::En {
                l.service_name_en
            } else {
                l.service_name_id
            },
            status: tr.t(l.status.label_key()).to_string(),
            due: l.due_day,
            days_left: tr.f("services.days_left", &[("days", &l.days_left.to_string())]),
            urgency: match l.urgency {
                Urgency::Overdue => "overdue",
                Urgency::DueSoon => "due-soon",
                Urgency::OnTime => "on-time",
            },
            mine: l.claimed_by_me,
        })
        .collect();
    page(&InboxPage { shell, lines }, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "office_application.html")]
struct ApplicationPage {
    shell: Shell,
    id: String,
    tracking: String,
    service: String,
    status: String,
    due: String,
    answers: Vec<(String, String)>,
    documents: Vec<(i64, String, String, bool)>,
    timeline: Vec<(String, String, String)>,
    actions: Vec<(String, String, bool)>,
    errors: Vec<FieldError>,
    reason: String,
    /// (document number, verification path, revoked) when a document was issued.
    issued: Option<(String, String, bool)>,
    can_revoke: bool,
    /// (agency, question, due, verdict label, answer, attachment path)
    recommendations: Vec<(String, String, String, String, String, Option<String>)>,
    /// (item, label, typed note) for per-item notes when returning for revision is possible.
    revision_items: Vec<(String, String, String)>,
    /// Agencies the verifier may route to (code, name); empty when routing is not possible now.
    route_targets: Vec<(String, String)>,
    can_answer: bool,
}

async fn application_view(
    app: &AppState,
    shell: Shell,
    user: &CurrentUser,
    row: &ApplicationRow,
    errors: Vec<FieldError>,
    reason: &str,
    kept_items: &[(String, String)],
) -> Result<ApplicationPage, WebError> {
    let tr = &shell.tr;
    let service = journey::service_of(app, row).await?;
    let answers = super::pages::answer_rows(app, tr, row).await?;
    let documents = journey::documents(app, row)
        .await?
        .into_iter()
        .map(|d| {
            (
                d.position,
                d.requirement_name,
                d.file_name,
                d.file_kind != "pdf",
            )
        })
        .collect();
    let timeline = journey::timeline(app, row)
        .await?
        .into_iter()
        .map(|(at, status, note)| {
            (
                clock::format_wita(at, tr.lang),
                tr.t(status.label_key()).to_string(),
                note,
            )
        })
        .collect();
    let actions = processing::available_actions(user, row)
        .into_iter()
        .map(|a| {
            let value = serde_json::to_value(a)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            (
                value,
                tr.t(processing::action_key(a)).to_string(),
                processing::needs_reason(a),
            )
        })
        .collect();
    let issued = super::issuance::document_of(app, &row.id).await?;
    let can_revoke = issued.as_ref().is_some_and(|d| d.revoked_ms.is_none())
        && user.has_role_in(platform::auth::Role::Signer, &row.agency_id);
    let agencies = accounts::organisation::agency_tree(app)
        .await
        .map_err(|e| WebError::Internal(anyhow::anyhow!("{e}")))?;
    let agency_name = |id: &str| {
        agencies
            .iter()
            .find(|n| n.agency.id == id)
            .map(|n| n.name(tr.lang).to_string())
            .unwrap_or_default()
    };
    let requests = super::recommendations::for_application(app, &row.id).await?;
    let can_answer = requests.iter().any(|r| {
        r.answered_ms.is_none()
            && user.has_role_in(platform::auth::Role::TechnicalReviewer, &r.agency_id)
    });
    let recommendations = requests
        .iter()
        .map(|r| {
            let verdict = match r.verdict.as_deref() {
                Some("recommended") => tr.t("services.verdict_recommended").to_string(),
                Some(_) => tr.t("services.verdict_not_recommended").to_string(),
                None => tr.t("services.verdict_pending").to_string(),
            };
            (
                agency_name(&r.agency_id),
                r.question.clone(),
                r.due_day.clone(),
                verdict,
                r.answer.clone().unwrap_or_default(),
                r.attachment_name.as_ref().map(|_| {
                    format!(
                        "/office/applications/{}/recommendations/{}/attachment",
                        row.id, r.id
                    )
                }),
            )
        })
        .collect();
    let route_targets = if processing::available_actions(user, row)
        .contains(&super::status::Action::Verify)
    {
        agencies
            .iter()
            .filter(|n| {
                n.agency.id != row.agency_id && matches!(n.agency.kind.as_str(), "dinas" | "badan")
            })
            .map(|n| (n.agency.code.clone(), n.name(tr.lang).to_string()))
            .collect()
    } else {
        Vec::new()
    };
    let revision_items = if processing::available_actions(user, row)
        .contains(&super::status::Action::ReturnForRevision)
    {
        super::pages::item_labels(app, tr, row)
            .await?
            .into_iter()
            .map(|(item, label)| {
                let typed = kept_items
                    .iter()
                    .find(|(i, _)| *i == item)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                (item, label, typed)
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(ApplicationPage {
        revision_items,
        recommendations,
        route_targets,
        can_answer,
        issued: issued.map(|d| {
            (
                d.document_number,
                format!("/verify/{}", d.id),
                d.revoked_ms.is_some(),
            )
        }),
        can_revoke,
        id: row.id.clone(),
        tracking: row.tracking_number.clone().unwrap_or_default(),
        service: if tr.lang == Lang::En {
            service.name_en
        } else {
            service.name_id
        },
        status: tr.t(row.status.label_key()).to_string(),
        due: row.due_day.clone().unwrap_or_default(),
        answers,
        documents,
        timeline,
        actions,
        errors,
        reason: reason.to_string(),
        shell,
    })
}

async fn application(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let row = processing::get_for_office(&app, &user, &id).await?;
    page(
        &application_view(&app, shell, &user, &row, Vec::new(), "", &[]).await?,
        StatusCode::OK,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ActionForm {
    action: String,
    reason: String,
}

async fn act(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let form = ActionForm {
        action: value("action"),
        reason: value("reason"),
    };
    // Per-item notes arrive as `item.<item>` (e.g. `item.document.1`).
    let items: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|(n, v)| n.strip_prefix("item.").map(|i| (i.to_string(), v.clone())))
        .collect();
    let action =
        processing::parse_action(&form.action).ok_or(WebError::BadRequest("error.bad_form"))?;
    let outcome = processing::act(&app, &user, &id, action, &form.reason, &items)
        .await
        .map(|_| ());
    after_action(
        &app,
        shell,
        &user,
        &id,
        outcome,
        &format!("/office/applications/{id}"),
        Typed {
            text: &form.reason,
            items: &items,
        },
    )
    .await
}

async fn recommendation_attachment(
    State(app): State<AppState>,
    user: CurrentUser,
    Path((id, recommendation)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (kind, bytes) =
        super::recommendations::attachment_file(&app, &user, &id, &recommendation).await?;
    let kind = FileKind::parse(&kind).unwrap_or(FileKind::Pdf);
    Ok(platform::web::private_file(
        bytes,
        kind.content_type(),
        None,
        false,
    ))
}

async fn document(
    State(app): State<AppState>,
    user: CurrentUser,
    Path((id, position)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let (document, bytes) = processing::office_document_file(&app, &user, &id, position).await?;
    let kind = FileKind::parse(&document.file_kind).unwrap_or(FileKind::Pdf);
    Ok(platform::web::private_file(
        bytes,
        kind.content_type(),
        None,
        false,
    ))
}

async fn revoke(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> Result<Response, WebError> {
    let outcome = processing::revoke_document(&app, &user, &id, &form.reason)
        .await
        .map(|_| ());
    after_action(
        &app,
        shell,
        &user,
        &id,
        outcome,
        &format!("/office/applications/{id}"),
        Typed::text(&form.reason),
    )
    .await
}

async fn route(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<super::recommendations::RouteInput>,
) -> Result<Response, WebError> {
    let outcome = super::recommendations::route(&app, &user, &id, &input)
        .await
        .map(|_| ());
    after_action(
        &app,
        shell,
        &user,
        &id,
        outcome,
        &format!("/office/applications/{id}"),
        Typed::text(&input.question),
    )
    .await
}

async fn recommend(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfUpload(file, fields): CsrfUpload,
) -> Result<Response, WebError> {
    let value = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let input = super::recommendations::AnswerInput {
        verdict: value("verdict"),
        answer: value("answer"),
        ..Default::default()
    };
    // The attachment is optional: no file chosen is no attachment.
    let outcome = match &file {
        Err(UploadProblem::TooLarge) => Err(ServiceError::Invalid(vec![(
            "file",
            "services.file_too_large_plain",
        )])),
        Err(UploadProblem::Missing) => {
            super::recommendations::answer(&app, &user, &id, &input, None).await
        }
        Ok(upload) => {
            let attachment = super::recommendations::Attachment {
                file_name: &upload.file_name,
                bytes: &upload.bytes,
            };
            super::recommendations::answer(&app, &user, &id, &input, Some(attachment)).await
        }
    };
    after_action(
        &app,
        shell,
        &user,
        &id,
        outcome,
        "/office",
        Typed::text(&input.answer),
    )
    .await
}

/// What the person typed into the form that failed, to show again.
struct Typed<'a> {
    text: &'a str,
    items: &'a [(String, String)],
}

impl<'a> Typed<'a> {
    fn text(text: &'a str) -> Self {
        Typed { text, items: &[] }
    }
}

/// Where an office form lands: `success` on success; on field problems, the application page
/// again with the problems and the typed text kept.
async fn after_action(
    app: &AppState,
    shell: Shell,
    user: &CurrentUser,
    id: &str,
    outcome: Result<(), ServiceError>,
    success: &str,
    kept: Typed<'_>,
) -> Result<Response, WebError> {
    let problems: Vec<(String, &'static str)> = match outcome {
        Ok(()) => return Ok(Redirect::to(success).into_response()),
        Err(ServiceError::Invalid(problems)) => problems
            .into_iter()
            .map(|(field, key)| (field.to_string(), key))
            .collect(),
        Err(ServiceError::InvalidFields(problems)) => problems,
        Err(other) => return Err(other.into()),
    };
    let row = processing::get_for_office(app, user, id).await?;
    let errors = field_errors(&shell.tr, &problems);
    page(
        &application_view(app, shell, user, &row, errors, kept.text, kept.items).await?,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}
