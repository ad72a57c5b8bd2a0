//! Open311 partner keys: issue (shown once), list, revoke.

use askama::Template;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use platform::{
    AppState,
    auth::CurrentUser,
    clock,
    web::{
        Shell, WebError,
        error::FieldError,
        forms::{CsrfForm, FieldView, field_errors},
    },
};
use serde::Deserialize;

use super::page;
use crate::{error::ComplaintError, keys};

// ---------- Open311 keys ----------

struct KeyLine {
    id: String,
    label: String,
    created: String,
    revoked: String,
}

#[derive(Template)]
#[template(path = "admin_open311_keys.html")]
struct KeysPage {
    shell: Shell,
    errors: Vec<FieldError>,
    label: FieldView,
    new_key: Option<String>,
    keys: Vec<KeyLine>,
}

async fn keys_view(
    app: &AppState,
    shell: Shell,
    user: &CurrentUser,
    label: &str,
    errors: Vec<FieldError>,
    new_key: Option<String>,
) -> Result<KeysPage, WebError> {
    let lang = shell.tr.lang;
    let keys = keys::list(app, user)
        .await?
        .into_iter()
        .map(|k| KeyLine {
            id: k.id,
            label: k.label,
            created: clock::format_wita(k.created_ms, lang),
            revoked: k
                .revoked_ms
                .map(|ms| clock::format_wita(ms, lang))
                .unwrap_or_default(),
        })
        .collect();
    Ok(KeysPage {
        label: FieldView::text(&shell.tr, "label", "complaints.key_label", label, &errors),
        errors,
        new_key,
        keys,
        shell,
    })
}

pub(super) async fn keys_page(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    page(
        &keys_view(&app, shell, &user, "", Vec::new(), None).await?,
        StatusCode::OK,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct KeyInput {
    label: String,
}

pub(super) async fn issue_key(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfForm(input): CsrfForm<KeyInput>,
) -> Result<Response, WebError> {
    match keys::issue(&app, &user, &input.label).await {
        Ok((_, key)) => page(
            &keys_view(&app, shell, &user, "", Vec::new(), Some(key)).await?,
            StatusCode::OK,
        ),
        Err(ComplaintError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &keys_view(&app, shell, &user, &input.label, errors, None).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

pub(super) async fn revoke_key(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<KeyInput>,
) -> Result<Response, WebError> {
    keys::revoke(&app, &user, &id).await?;
    Ok(Redirect::to("/admin/open311-keys").into_response())
}
