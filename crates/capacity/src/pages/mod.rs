//! HTML pages of the capacity capability, one module per concept. Every page works without
//! JavaScript; forms re-show with each error beside its field and the typed values kept.

mod attendance;
mod certificates;
mod competencies;
mod employees;
mod jp;
pub(crate) use employees::translate;
mod me;
mod needs;
mod trainings;

use askama::Template;
use axum::{
    Router,
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use platform::{AppState, web::WebError};

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    employees::routes(max_upload_bytes)
        .merge(competencies::routes())
        .merge(trainings::routes())
        .merge(attendance::routes())
        .merge(jp::routes())
        .merge(certificates::routes())
        .merge(needs::routes())
        .merge(me::routes(max_upload_bytes))
}

/// Renders a page with `status`; a template failure is an internal error.
pub(crate) fn page(template: &impl Template, status: StatusCode) -> Result<Response, WebError> {
    let html = template
        .render()
        .map_err(|e| WebError::Internal(e.into()))?;
    Ok((status, Html(html)).into_response())
}
