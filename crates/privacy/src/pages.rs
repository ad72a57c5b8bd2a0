//! The page "My personal data" (`/account/data`): what Sigap holds, the download, and the
//! deletion form; and the confirmation shown after a deletion, once signed out.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use platform::{
    AppState,
    auth::CurrentUser,
    ids,
    web::{
        Shell, WebError, context,
        error::FieldError,
        forms::{CsrfForm, FieldView, field_errors},
        page,
    },
};
use serde::Deserialize;
use serde_json::Value;

use crate::{PrivacyError, deletion};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/data", get(data_page))
        .route("/account/data/export", get(download))
        .route("/account/data/delete", post(delete_account))
        .route("/account/deleted", get(deleted_page))
}

#[derive(Template)]
#[template(path = "data.html")]
struct DataPage {
    shell: Shell,
    /// (label, how many records).
    counts: Vec<(String, usize)>,
    issued_documents: Vec<String>,
    errors: Vec<FieldError>,
    /// A refusal that is not about one field (an application in progress).
    refusal: Option<String>,
    fields: Vec<FieldView>,
}

async fn render(
    app: &AppState,
    shell: Shell,
    user: &CurrentUser,
    errors: Vec<FieldError>,
    refusal: Option<String>,
    confirmation: &str,
    status: StatusCode,
) -> Result<Response, WebError> {
    let data = crate::export::export(app, user, shell.tr.lang).await?;
    let data = data.expose();
    let count = |key: &str| data[key].as_array().map_or(0, Vec::len);
    let tr = &shell.tr;
    let counts = [
        ("privacy.count_applications", "applications"),
        ("privacy.count_locker", "document_locker"),
        ("privacy.count_complaints", "complaints"),
        ("privacy.count_appointments", "queue_appointments"),
        ("privacy.count_events", "event_registrations"),
        ("privacy.count_subscriptions", "announcement_subscriptions"),
        ("privacy.count_notifications", "notifications"),
    ]
    .into_iter()
    .map(|(label, key)| (tr.t(label).to_string(), count(key)))
    .collect();
    let issued_documents = data["legal_hold"]["issued_documents"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    let fields = vec![
        FieldView::text(tr, "password", "privacy.password", "", &errors).kind("password"),
        FieldView::text(
            tr,
            "confirmation",
            "privacy.confirmation",
            confirmation,
            &errors,
        )
        .hint(tr, "privacy.confirmation_hint"),
    ];
    page(
        &DataPage {
            counts,
            issued_documents,
            errors,
            refusal,
            fields,
            shell,
        },
        status,
    )
}

async fn data_page(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    render(&app, shell, &user, Vec::new(), None, "", StatusCode::OK).await
}

/// The export as a file to save.
async fn download(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let data = crate::export::export(&app, &user, shell.tr.lang).await?;
    let body =
        serde_json::to_vec_pretty(data.expose()).map_err(|e| WebError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"sigap-data-pribadi.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DeleteForm {
    password: String,
    confirmation: String,
}

async fn delete_account(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> Result<Response, WebError> {
    let outcome =
        deletion::delete_account(&app, &user, &form.password, Some(&form.confirmation)).await;
    let problem = match outcome {
        Ok(done) => {
            let target = if done.legal_hold {
                "/account/deleted?legal_hold=1"
            } else {
                "/account/deleted"
            };
            return Ok(context::with_cookies(
                vec![
                    context::removal(context::SESSION_COOKIE),
                    context::csrf_cookie(ids::random_secret(), app.settings.secure_cookies),
                ],
                Redirect::to(target),
            ));
        }
        Err(PrivacyError::WrongPassword) => ("password", "privacy.wrong_password"),
        Err(PrivacyError::WrongConfirmation) => ("confirmation", "privacy.wrong_confirmation"),
        Err(PrivacyError::ApplicationsInProgress { count }) => {
            let refusal = shell.tr.f(
                "privacy.applications_in_progress_count",
                &[("count", count.to_string().as_str())],
            );
            return render(
                &app,
                shell,
                &user,
                Vec::new(),
                Some(refusal),
                &form.confirmation,
                StatusCode::CONFLICT,
            )
            .await;
        }
        Err(other) => return Err(other.into()),
    };
    let errors = field_errors(&shell.tr, &[problem]);
    render(
        &app,
        shell,
        &user,
        errors,
        None,
        &form.confirmation,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Template)]
#[template(path = "deleted.html")]
struct DeletedPage {
    shell: Shell,
    legal_hold: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DeletedQuery {
    legal_hold: Option<String>,
}

/// Shown after the deletion, signed out.
async fn deleted_page(
    shell: Shell,
    Query(query): Query<DeletedQuery>,
) -> Result<Response, WebError> {
    page(
        &DeletedPage {
            legal_hold: query.legal_hold.is_some(),
            shell,
        },
        StatusCode::OK,
    )
}
