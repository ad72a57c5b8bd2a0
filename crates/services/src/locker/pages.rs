//! "Dokumen Saya": the citizen's locker page (list, add ahead of time, open, remove).

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
        forms::{CsrfForm, CsrfUpload, FieldView, UploadProblem, field_errors},
    },
};

use crate::{error::ServiceError, pages::page};

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/documents",
            get(locker_page)
                .post(add)
                .layer(DefaultBodyLimit::max(max_upload_bytes + 64 * 1024)),
        )
        .route("/documents/{id}/file", get(open))
        .route("/documents/{id}/remove", post(remove))
}

pub(crate) struct KeptView {
    pub id: String,
    pub label: String,
    pub file_name: String,
    pub kind: String,
    pub size: String,
    pub added: String,
}

#[derive(Template)]
#[template(path = "locker.html")]
struct LockerPage {
    shell: Shell,
    documents: Vec<KeptView>,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
    file_error: Option<String>,
    limit_mb: String,
}

pub(crate) fn size_text(bytes: i64) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

async fn view(
    app: &AppState,
    user: &CurrentUser,
    shell: Shell,
    label: &str,
    errors: Vec<FieldError>,
) -> Result<LockerPage, WebError> {
    let documents = super::list(app, user)
        .await?
        .into_iter()
        .map(|d| KeptView {
            added: clock::format_wita(d.created_ms, shell.tr.lang),
            size: size_text(d.size_bytes),
            kind: d.file_kind.to_uppercase(),
            id: d.id,
            label: d.label,
            file_name: d.file_name,
        })
        .collect();
    let tr = &shell.tr;
    // The file input is drawn by the template; its error shows in the summary and beside it.
    let fields = vec![
        FieldView::text(tr, "label", "services.locker_label", label, &errors)
            .hint(tr, "services.locker_label_hint"),
    ];
    Ok(LockerPage {
        file_error: errors
            .iter()
            .find(|e| e.field == "file")
            .map(|e| e.message.clone()),
        documents,
        fields,
        limit_mb: format!("{:.0}", app.settings.max_upload_bytes as f64 / 1_048_576.0),
        errors,
        shell,
    })
}

async fn locker_page(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    if !user.is_citizen() {
        return Err(WebError::Forbidden);
    }
    page(
        &view(&app, &user, shell, "", Vec::new()).await?,
        StatusCode::OK,
    )
}

async fn add(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfUpload(file, fields): CsrfUpload,
) -> Result<Response, WebError> {
    let label = fields
        .iter()
        .find(|(name, _)| name == "label")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    let outcome = match file {
        Ok(file) => super::add(&app, &user, &label, &file.file_name, &file.bytes)
            .await
            .map(|_| ()),
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
        Ok(()) => Ok(Redirect::to("/documents").into_response()),
        Err(ServiceError::Invalid(problems)) => {
            let limit = format!("{:.0}", app.settings.max_upload_bytes as f64 / 1_048_576.0);
            let mut errors = field_errors(&shell.tr, &problems);
            for error in &mut errors {
                error.message = shell.tr.f(&error.code, &[("limit", &limit)]);
            }
            let status = if problems
                .iter()
                .any(|(_, k)| *k == "services.file_too_large")
            {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            page(&view(&app, &user, shell, &label, errors).await?, status)
        }
        Err(other) => Err(other.into()),
    }
}

async fn open(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (document, bytes) = super::file(&app, &user, &id).await?;
    let kind = FileKind::parse(&document.file_kind).unwrap_or(FileKind::Pdf);
    Ok(platform::web::private_file(
        bytes,
        kind.content_type(),
        Some(&format!("dokumen.{}", kind.as_str())),
        false,
    ))
}

async fn remove(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    super::remove(&app, &user, &id).await?;
    Ok(Redirect::to("/documents").into_response())
}
