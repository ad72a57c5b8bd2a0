//! The citizen's pages: start → answers → documents → check → submit → confirmation, the list
//! of their applications with status and deadline, and public tracking. One small group of
//! questions per page; every page works without JavaScript.

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use platform::{
    AppState,
    auth::{CurrentUser, MaybeUser},
    clock,
    web::{
        Shell, WebError,
        context::ClientAddress,
        error::FieldError,
        forms::{CsrfForm, CsrfUpload, FieldView, UploadProblem, field_errors},
        i18n::{Lang, Tr},
    },
};
use serde::Deserialize;

use super::{
    journey::{self, DetailsInput},
    status::Status,
    store::ApplicationRow,
};
use crate::{error::ServiceError, forms};

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/services/{code}/apply", post(start))
        .route("/applications", get(list))
        .route("/applications/{id}", get(detail))
        .route(
            "/applications/{id}/details",
            get(details_form).post(save_details),
        )
        .route("/applications/{id}/documents", get(documents_page))
        .route(
            "/applications/{id}/documents/{position}",
            get(download)
                .post(upload)
                .layer(DefaultBodyLimit::max(max_upload_bytes + 64 * 1024)),
        )
        .route(
            "/applications/{id}/documents/{position}/from-locker",
            post(attach_from_locker),
        )
        .route("/applications/{id}/check", get(check_page))
        .route("/applications/{id}/submit", post(submit))
        .route("/applications/{id}/document", get(issued_pdf))
        .route("/applications/{id}/survey", get(survey_form).post(survey))
        .route("/track", get(track_form).post(track))
        .route("/verify/key", get(verification_key))
        .route("/verify/{id}", get(verify))
}

use crate::pages::page;

fn service_name(service: &crate::catalogue::Service, lang: Lang) -> String {
    if lang == Lang::En {
        service.name_en.clone()
    } else {
        service.name_id.clone()
    }
}

async fn start(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    let Some(user) = user else {
        return Ok(Redirect::to(&format!("/login?next=%2Fservices%2F{code}")).into_response());
    };
    if !user.is_citizen() {
        return Err(WebError::Forbidden);
    }
    let id = journey::start(&app, &user, &code).await?;
    Ok(Redirect::to(&format!("/applications/{id}/details")).into_response())
}

// ---------- answers ----------

#[derive(Template)]
#[template(path = "apply_details.html")]
struct DetailsPage {
    shell: Shell,
    id: String,
    service: String,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
    questions: Vec<FieldView>,
    revision: Option<RevisionView>,
}

async fn details_view(
    app: &AppState,
    shell: Shell,
    row: &ApplicationRow,
    input: &DetailsInput,
    errors: Vec<FieldError>,
) -> Result<DetailsPage, WebError> {
    let service = journey::service_of(app, row).await?;
    let form = journey::form_of(app, row).await?;
    let kelurahan = journey::kelurahan_choices(app).await?;
    let tr = &shell.tr;
    let fields = vec![
        FieldView::text(tr, "purpose", "services.purpose", &input.purpose, &errors)
            .kind("textarea")
            .hint(tr, "services.purpose_hint"),
        FieldView::text(
            tr,
            "kelurahan",
            "services.kelurahan",
            &input.kelurahan,
            &errors,
        )
        .select(tr, kelurahan.clone()),
        FieldView::text(tr, "address", "services.address", &input.address, &errors)
            .hint(tr, "services.address_hint")
            .autocomplete("street-address"),
    ];
    let questions = forms::pages::question_views(tr, &form, &input.answers, &errors, &kelurahan);
    let revision = revision_view(app, tr, row).await?;
    Ok(DetailsPage {
        revision,
        service: service_name(&service, tr.lang),
        id: row.id.clone(),
        shell,
        errors,
        fields,
        questions,
    })
}

/// Every answer of an application as (question, answer) in the reader's language: the base
/// questions, then the service's own form at the version the application was filed under.
pub(super) async fn answer_rows(
    app: &AppState,
    tr: &Tr,
    row: &ApplicationRow,
) -> Result<Vec<(String, String)>, WebError> {
    let kelurahan = journey::kelurahan_choices(app).await?;
    let name_of = |code: &str| {
        kelurahan
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, name)| name.clone())
            .unwrap_or_default()
    };
    let form = journey::form_of(app, row).await?;
    let mut rows = vec![
        (tr.t("services.purpose").to_string(), row.purpose.clone()),
        (
            tr.t("services.kelurahan").to_string(),
            name_of(&row.kelurahan_code),
        ),
        (tr.t("services.address").to_string(), row.address.clone()),
    ];
    rows.extend(forms::pages::answer_rows(
        tr,
        &form,
        &row.answers,
        &kelurahan,
    ));
    Ok(rows)
}

/// What the office asked to fix, for the citizen: the deadline and each item's note with the
/// item named as the citizen sees it. `None` unless the application is returned for revision.
pub(crate) struct RevisionView {
    pub by: String,
    pub reason: String,
    pub notes: Vec<(String, String)>,
}

/// The name a citizen knows an item by: the question, or the requirement of a document.
pub(super) async fn item_labels(
    app: &AppState,
    tr: &Tr,
    row: &ApplicationRow,
) -> Result<Vec<(String, String)>, WebError> {
    let english = tr.lang == Lang::En;
    let mut labels = vec![
        ("purpose".to_string(), tr.t("services.purpose").to_string()),
        (
            "kelurahan".to_string(),
            tr.t("services.kelurahan").to_string(),
        ),
        ("address".to_string(), tr.t("services.address").to_string()),
    ];
    let form = journey::form_of(app, row).await?;
    labels.extend(
        form.fields
            .iter()
            .map(|f| (f.input_name(), f.label(english).to_string())),
    );
    let service = journey::service_of(app, row).await?;
    labels.extend(service.requirements.iter().enumerate().map(|(p, r)| {
        (
            format!("document.{p}"),
            if english {
                r.name_en.clone()
            } else {
                r.name_id.clone()
            },
        )
    }));
    Ok(labels)
}

pub(crate) async fn revision_view(
    app: &AppState,
    tr: &Tr,
    row: &ApplicationRow,
) -> Result<Option<RevisionView>, WebError> {
    if row.status != Status::ReturnedForRevision {
        return Ok(None);
    }
    let labels = item_labels(app, tr, row).await?;
    let notes = journey::revision_notes(app, row)
        .await?
        .into_iter()
        .map(|n| {
            let label = labels
                .iter()
                .find(|(item, _)| *item == n.item)
                .map(|(_, l)| l.clone())
                .unwrap_or(n.item);
            (label, n.note)
        })
        .collect();
    let reason = journey::timeline(app, row)
        .await?
        .into_iter()
        .rev()
        .find(|(_, status, _)| *status == Status::ReturnedForRevision)
        .map(|(_, _, note)| note)
        .unwrap_or_default();
    Ok(Some(RevisionView {
        by: row.revise_by_day.clone().unwrap_or_default(),
        reason,
        notes,
    }))
}

/// The details form as posted: the base answers by name, the form's answers as `answers.<key>`.
fn details_from_form(pairs: Vec<(String, String)>) -> DetailsInput {
    let mut input = DetailsInput::default();
    for (name, value) in pairs {
        match name.as_str() {
            "purpose" => input.purpose = value,
            "kelurahan" => input.kelurahan = value,
            "address" => input.address = value,
            other => {
                if let Some(key) = other.strip_prefix("answers.") {
                    input.answers.insert(key.to_string(), value);
                }
            }
        }
    }
    input
}

fn must_be_editable(row: &ApplicationRow) -> Result<(), WebError> {
    if journey::is_editable(row.status) {
        Ok(())
    } else {
        Err(WebError::Conflict("services.not_editable"))
    }
}

async fn details_form(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let row = journey::get_own(&app, &user, &id).await?;
    must_be_editable(&row)?;
    page(
        &details_view(&app, shell, &row, &DetailsInput::of(&row), Vec::new()).await?,
        StatusCode::OK,
    )
}

async fn save_details(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let input = details_from_form(pairs);
    match journey::save_details(&app, &user, &id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/applications/{id}/documents")).into_response()),
        Err(ServiceError::InvalidFields(problems)) => {
            let row = journey::get_own(&app, &user, &id).await?;
            let errors = field_errors(&shell.tr, &problems);
            page(
                &details_view(&app, shell, &row, &input, errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

// ---------- documents ----------

struct RequirementView {
    position: usize,
    name: String,
    types: String,
    uploaded: Option<(String, String)>,
    error: Option<String>,
    /// Files in the applicant's locker this requirement accepts: (id, "label — file name").
    locker: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "apply_documents.html")]
struct DocumentsPage {
    shell: Shell,
    id: String,
    service: String,
    requirements: Vec<RequirementView>,
    errors: Vec<FieldError>,
    limit_mb: String,
    revision: Option<RevisionView>,
}

async fn documents_view(
    app: &AppState,
    shell: Shell,
    row: &ApplicationRow,
    failed: Option<(usize, String)>,
) -> Result<DocumentsPage, WebError> {
    let service = journey::service_of(app, row).await?;
    let documents = journey::documents(app, row).await?;
    let kept = crate::locker::list_for_owner(app, &row.applicant_id).await?;
    let tr = &shell.tr;
    let requirements: Vec<RequirementView> = service
        .requirements
        .iter()
        .enumerate()
        .map(|(position, r)| RequirementView {
            position,
            name: if tr.lang == Lang::En {
                r.name_en.clone()
            } else {
                r.name_id.clone()
            },
            types: r
                .accepted_types
                .iter()
                .map(|t| t.as_str().to_uppercase())
                .collect::<Vec<_>>()
                .join(", "),
            uploaded: documents
                .iter()
                .find(|d| d.position == i64::try_from(position).unwrap_or(-1))
                .map(|d| {
                    (
                        d.file_name.clone(),
                        format!("{:.1} KB", d.size_bytes as f64 / 1024.0),
                    )
                }),
            error: failed
                .as_ref()
                .filter(|(p, _)| *p == position)
                .map(|(_, m)| m.clone()),
            locker: kept
                .iter()
                .filter(|d| r.accepted_types.iter().any(|t| t.as_str() == d.file_kind))
                .map(|d| (d.id.clone(), format!("{} — {}", d.label, d.file_name)))
                .collect(),
        })
        .collect();
    let errors = failed
        .map(|(position, message)| {
            vec![FieldError {
                field: format!("file-{position}"),
                code: "services.upload".into(),
                message,
            }]
        })
        .unwrap_or_default();
    Ok(DocumentsPage {
        revision: revision_view(app, &shell.tr, row).await?,
        id: row.id.clone(),
        service: service_name(&service, tr.lang),
        requirements,
        errors,
        limit_mb: format!("{:.0}", app.settings.max_upload_bytes as f64 / 1_048_576.0),
        shell,
    })
}

async fn documents_page(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let row = journey::get_own(&app, &user, &id).await?;
    must_be_editable(&row)?;
    page(
        &documents_view(&app, shell, &row, None).await?,
        StatusCode::OK,
    )
}

async fn upload(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path((id, position)): Path<(String, usize)>,
    CsrfUpload(file, _): CsrfUpload,
) -> Result<Response, WebError> {
    let row = journey::get_own(&app, &user, &id).await?;
    must_be_editable(&row)?;
    let outcome = match file {
        Ok(file) => {
            let source = journey::DocumentSource::Upload {
                file_name: &file.file_name,
                bytes: &file.bytes,
            };
            journey::attach(&app, &user, &id, position, source).await
        }
        Err(UploadProblem::Missing) => Err(ServiceError::Invalid(vec![(
            "file",
            "services.file_missing",
        )])),
        Err(UploadProblem::TooLarge) => Err(ServiceError::Invalid(vec![(
            "file",
            "services.file_too_large",
        )])),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/applications/{id}/documents")).into_response()),
        Err(ServiceError::Invalid(problems)) => {
            let key = problems
                .first()
                .map(|(_, k)| *k)
                .unwrap_or("error.bad_request");
            let limit = format!("{:.0}", app.settings.max_upload_bytes as f64 / 1_048_576.0);
            let message = shell.tr.f(key, &[("limit", &limit)]);
            let status = if key == "services.file_too_large" {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            page(
                &documents_view(&app, shell, &row, Some((position, message))).await?,
                status,
            )
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FromLocker {
    locker_id: String,
}

async fn attach_from_locker(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path((id, position)): Path<(String, usize)>,
    CsrfForm(form): CsrfForm<FromLocker>,
) -> Result<Response, WebError> {
    let row = journey::get_own(&app, &user, &id).await?;
    must_be_editable(&row)?;
    let source = journey::DocumentSource::Locker {
        id: &form.locker_id,
    };
    match journey::attach(&app, &user, &id, position, source).await {
        Ok(()) => Ok(Redirect::to(&format!("/applications/{id}/documents")).into_response()),
        Err(ServiceError::Invalid(problems)) => {
            let key = problems
                .first()
                .map(|(_, k)| *k)
                .unwrap_or("error.bad_request");
            let message = shell.tr.t(key).to_string();
            page(
                &documents_view(&app, shell, &row, Some((position, message))).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

async fn download(
    State(app): State<AppState>,
    user: CurrentUser,
    Path((id, position)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let (document, bytes) = journey::document_file(&app, &user, &id, position).await?;
    let kind = platform::blobs::FileKind::parse(&document.file_kind)
        .unwrap_or(platform::blobs::FileKind::Pdf);
    let name = format!("dokumen-{position}.{}", kind.as_str());
    Ok(platform::web::private_file(
        bytes,
        kind.content_type(),
        Some(&name),
        false,
    ))
}

// ---------- check and submit ----------

#[derive(Template)]
#[template(path = "apply_check.html")]
struct CheckPage {
    shell: Shell,
    id: String,
    service: String,
    answers: Vec<(String, String, String)>,
    documents: Vec<(String, String)>,
    errors: Vec<FieldError>,
    completion: String,
}

async fn check_view(
    app: &AppState,
    shell: Shell,
    row: &ApplicationRow,
    errors: Vec<FieldError>,
) -> Result<CheckPage, WebError> {
    let service = journey::service_of(app, row).await?;
    let tr = &shell.tr;
    let details = format!("/applications/{}/details", row.id);
    let answers = answer_rows(app, tr, row)
        .await?
        .into_iter()
        .map(|(question, answer)| (question, answer, details.clone()))
        .collect();
    let uploaded = journey::documents(app, row).await?;
    let documents = service
        .requirements
        .iter()
        .enumerate()
        .map(|(p, r)| {
            let name = if tr.lang == Lang::En {
                r.name_en.clone()
            } else {
                r.name_id.clone()
            };
            let file = uploaded
                .iter()
                .find(|d| d.position == i64::try_from(p).unwrap_or(-1))
                .map(|d| d.file_name.clone())
                .unwrap_or_else(|| tr.t("services.not_uploaded").to_string());
            (name, file)
        })
        .collect();
    Ok(CheckPage {
        id: row.id.clone(),
        service: service_name(&service, tr.lang),
        completion: tr.f(
            "services.working_days",
            &[("days", &service.completion_days.to_string())],
        ),
        answers,
        documents,
        errors,
        shell,
    })
}

async fn check_page(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let row = journey::get_own(&app, &user, &id).await?;
    must_be_editable(&row)?;
    page(
        &check_view(&app, shell, &row, Vec::new()).await?,
        StatusCode::OK,
    )
}

async fn submit(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    match journey::submit(&app, &user, &id).await {
        Ok(_) => Ok(Redirect::to(&format!("/applications/{id}?submitted=1")).into_response()),
        Err(ServiceError::InvalidFields(problems)) => {
            let row = journey::get_own(&app, &user, &id).await?;
            let errors = field_errors(&shell.tr, &problems);
            page(
                &check_view(&app, shell, &row, errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

// ---------- my applications ----------

struct ApplicationLine {
    id: String,
    service: String,
    tracking: String,
    status: String,
    due: String,
    next_step: String,
}

async fn line(app: &AppState, tr: &Tr, row: &ApplicationRow) -> Result<ApplicationLine, WebError> {
    let service = journey::service_of(app, row).await?;
    let next_step = match row.status {
        Status::Draft => tr.t("services.next_finish_draft"),
        Status::ReturnedForRevision => tr.t("services.next_revise"),
        Status::Issued => tr.t("services.next_download"),
        _ => tr.t("services.next_wait"),
    };
    Ok(ApplicationLine {
        id: row.id.clone(),
        service: service_name(&service, tr.lang),
        tracking: row.tracking_number.clone().unwrap_or_else(|| "—".into()),
        status: tr.t(row.status.label_key()).to_string(),
        due: row.due_day.clone().unwrap_or_else(|| "—".into()),
        next_step: next_step.to_string(),
    })
}

#[derive(Template)]
#[template(path = "applications.html")]
struct ListPage {
    shell: Shell,
    lines: Vec<ApplicationLine>,
}

async fn list(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let mut lines = Vec::new();
    for row in journey::list_mine(&app, &user).await? {
        lines.push(line(&app, &shell.tr, &row).await?);
    }
    page(&ListPage { shell, lines }, StatusCode::OK)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DetailQuery {
    submitted: String,
}

#[derive(Template)]
#[template(path = "application.html")]
struct DetailPage {
    shell: Shell,
    line: ApplicationLine,
    just_submitted: bool,
    is_draft: bool,
    timeline: Vec<(String, String, String)>,
    /// (document number, verification path, revoked)
    issued: Option<(String, String, bool)>,
    survey_open: bool,
    revision: Option<RevisionView>,
}

async fn detail(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<DetailQuery>,
) -> Result<Response, WebError> {
    let row = journey::get_own(&app, &user, &id).await?;
    let timeline = journey::timeline(&app, &row)
        .await?
        .into_iter()
        .map(|(at, status, note)| {
            (
                clock::format_wita(at, shell.tr.lang),
                shell.t(status.label_key()).to_string(),
                note,
            )
        })
        .collect();
    let line = line(&app, &shell.tr, &row).await?;
    let issued = super::issuance::document_of(&app, &row.id).await?.map(|d| {
        (
            d.document_number,
            format!("/verify/{}", d.id),
            d.revoked_ms.is_some(),
        )
    });
    page(
        &DetailPage {
            revision: revision_view(&app, &shell.tr, &row).await?,
            line,
            just_submitted: query.submitted == "1" && row.status == Status::Submitted,
            is_draft: journey::is_editable(row.status),
            timeline,
            survey_open: super::survey::is_open(row.status)
                && !super::survey::already_answered(&app, &row.id).await?,
            issued,
            shell,
        },
        StatusCode::OK,
    )
}

// ---------- public tracking ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TrackForm {
    number: String,
    last_digits: String,
}

/// What a successful look-up shows, ready to print.
struct TrackResult {
    number: String,
    service: String,
    status: String,
    due: String,
    /// (time, status)
    timeline: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage {
    shell: Shell,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
    result: Option<TrackResult>,
}

fn track_page(
    shell: Shell,
    form: &TrackForm,
    errors: Vec<FieldError>,
    result: Option<TrackResult>,
) -> TrackPage {
    let tr = &shell.tr;
    let fields = vec![
        FieldView::text(
            tr,
            "number",
            "services.tracking_number",
            &form.number,
            &errors,
        )
        .hint(tr, "services.tracking_number_hint"),
        FieldView::text(tr, "last_digits", "services.last_digits", "", &errors)
            .numeric()
            .hint(tr, "services.last_digits_hint"),
    ];
    TrackPage {
        shell,
        errors,
        fields,
        result,
    }
}

async fn track_form(shell: Shell) -> Result<Response, WebError> {
    page(
        &track_page(shell, &TrackForm::default(), Vec::new(), None),
        StatusCode::OK,
    )
}

async fn track(
    State(app): State<AppState>,
    shell: Shell,
    ClientAddress(client): ClientAddress,
    CsrfForm(form): CsrfForm<TrackForm>,
) -> Result<Response, WebError> {
    match journey::track(&app, &form.number, &form.last_digits, &client).await {
        Ok(found) => {
            let tr = &shell.tr;
            let service = if tr.lang == Lang::En {
                found.service_name_en
            } else {
                found.service_name_id
            };
            let timeline = found
                .timeline
                .into_iter()
                .map(|(at, s)| {
                    (
                        clock::format_wita(at, tr.lang),
                        tr.t(s.label_key()).to_string(),
                    )
                })
                .collect();
            let result = TrackResult {
                number: found.tracking_number,
                service,
                status: tr.t(found.status.label_key()).to_string(),
                due: found.due_day.unwrap_or_default(),
                timeline,
            };
            page(
                &track_page(shell, &form, Vec::new(), Some(result)),
                StatusCode::OK,
            )
        }
        Err(ServiceError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &track_page(shell, &form, errors, None),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

// ---------- issued documents ----------

async fn issued_pdf(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (tracking, bytes) = journey::issued_pdf(&app, &user, &id).await?;
    let name = format!("{tracking}.pdf");
    Ok(platform::web::private_file(
        bytes,
        "application/pdf",
        Some(&name),
        true,
    ))
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    shell: Shell,
    number: String,
    service: String,
    agency: String,
    holder: String,
    issued: String,
    revoked: Option<(String, String)>,
    sha256: String,
    signature: String,
    public_key: String,
    signature_valid: bool,
}

/// "Yuliana Ndun" → "Y****** N***": enough to compare with the paper, not enough to learn a name.
fn masked(name: &str) -> String {
    name.split_whitespace()
        .map(|word| {
            let mut chars = word.chars();
            let first = chars.next().map(String::from).unwrap_or_default();
            format!("{first}{}", "*".repeat(chars.count()))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

async fn verify(
    State(app): State<AppState>,
    shell: Shell,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let document = super::issuance::find_document(&app, &id)
        .await?
        .ok_or(WebError::NotFound)?;
    let row = super::store::find(&app.db, &document.application_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let service = journey::service_of(&app, &row).await?;
    let holder = accounts::contact(&app, &row.applicant_id)
        .await?
        .map(|c| masked(&c.full_name))
        .unwrap_or_default();
    let agency = accounts::organisation::find_agency_by_id(&app, &row.agency_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let public_key = super::issuance::public_key(&app).await?;
    let digest = hex_digest(&document.sha256);
    let tr = &shell.tr;
    page(
        &VerifyPage {
            number: document.document_number.clone(),
            service: if tr.lang == Lang::En {
                service.product_en
            } else {
                service.product_id
            },
            agency: if tr.lang == Lang::En {
                agency.name_en
            } else {
                agency.name_id
            },
            holder,
            issued: clock::format_wita(document.issued_ms, tr.lang),
            revoked: document.revoked_ms.map(|at| {
                (
                    clock::format_wita(at, tr.lang),
                    document.revoked_reason.clone().unwrap_or_default(),
                )
            }),
            signature_valid: super::issuance::verify_signature(
                &public_key,
                &digest,
                &document.signature,
            ),
            sha256: document.sha256,
            signature: document.signature,
            public_key,
            shell,
        },
        StatusCode::OK,
    )
}

fn hex_digest(sha256: &str) -> Vec<u8> {
    (0..sha256.len() / 2)
        .filter_map(|i| u8::from_str_radix(sha256.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// The instance's Ed25519 public key (base64), for checking documents offline.
async fn verification_key(State(app): State<AppState>) -> Result<Response, WebError> {
    let key = super::issuance::public_key(&app).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("ed25519 {key}\n"),
    )
        .into_response())
}

// ---------- SKM survey ----------

#[derive(Template)]
#[template(path = "survey.html")]
struct SurveyPage {
    shell: Shell,
    id: String,
    service: String,
    /// (element, question, chosen answer, error)
    questions: Vec<(&'static str, String, String, Option<String>)>,
    comment: String,
    errors: Vec<FieldError>,
}

async fn survey_view(
    app: &AppState,
    shell: Shell,
    row: &ApplicationRow,
    chosen: &std::collections::HashMap<String, String>,
    errors: Vec<FieldError>,
) -> Result<SurveyPage, WebError> {
    let service = journey::service_of(app, row).await?;
    let questions = crate::skm::ELEMENTS
        .iter()
        .map(|element| {
            (
                *element,
                shell.t(&format!("services.skm_{element}")).to_string(),
                chosen.get(*element).cloned().unwrap_or_default(),
                errors
                    .iter()
                    .find(|e| e.field == *element)
                    .map(|e| e.message.clone()),
            )
        })
        .collect();
    Ok(SurveyPage {
        id: row.id.clone(),
        service: service_name(&service, shell.tr.lang),
        questions,
        comment: chosen.get("comment").cloned().unwrap_or_default(),
        errors,
        shell,
    })
}

async fn survey_form(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let row = journey::get_own(&app, &user, &id).await?;
    if !super::survey::is_open(row.status) || super::survey::already_answered(&app, &id).await? {
        return Err(WebError::Conflict("services.skm_closed"));
    }
    page(
        &survey_view(&app, shell, &row, &Default::default(), Vec::new()).await?,
        StatusCode::OK,
    )
}

async fn survey(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    let answers: Vec<String> = crate::skm::ELEMENTS
        .iter()
        .map(|e| form.get(*e).cloned().unwrap_or_default())
        .collect();
    let comment = form.get("comment").cloned().unwrap_or_default();
    match super::survey::respond(&app, &user, &id, &answers, &comment).await {
        Ok(()) => Ok(Redirect::to(&format!("/applications/{id}?thanks=1")).into_response()),
        Err(ServiceError::NotEditable { .. }) => Err(WebError::Conflict("services.skm_closed")),
        Err(ServiceError::Invalid(problems)) => {
            let row = journey::get_own(&app, &user, &id).await?;
            let errors = field_errors(&shell.tr, &problems);
            page(
                &survey_view(&app, shell, &row, &form, errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}
