//! HTML pages: the complaint form (with an optional photo, so the form is multipart; a plain
//! url-encoded post is accepted too), the confirmation with the number and access code, the
//! citizen's list and complaint, the anonymous look-up, the office inbox and complaint page, and
//! the Open311 key administration.

mod citizen;
mod form;
mod keys;
mod office;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};
use platform::{AppState, web::error::FieldError};

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/complaints", get(citizen::landing))
        .route(
            "/complaints/new",
            get(form::new_form)
                .post(form::file_complaint)
                .layer(DefaultBodyLimit::max(max_upload_bytes + 64 * 1024)),
        )
        .route(
            "/complaints/lookup",
            get(citizen::lookup_form).post(citizen::lookup),
        )
        .route("/complaints/{number}", get(citizen::own_complaint))
        .route("/complaints/{number}/photo", get(citizen::photo))
        .route("/office/complaints", get(office::inbox))
        .route("/office/complaints/{number}", get(office::office_complaint))
        .route("/office/complaints/{number}/actions", post(office::act))
        .route(
            "/admin/open311-keys",
            get(keys::keys_page).post(keys::issue_key),
        )
        .route("/admin/open311-keys/{id}/revoke", post(keys::revoke_key))
}

pub(super) use platform::web::page;

pub(super) fn error_for(errors: &[FieldError], name: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == name)
        .map(|e| e.message.clone())
}
