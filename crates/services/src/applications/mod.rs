//! Applications for a service: the citizen's journey (draft, answers, documents, submission),
//! public tracking, tracking numbers and the status life cycle.

pub mod issuance;
pub mod journey;
mod office;
mod pages;
pub mod processing;
pub mod recommendations;
pub mod reminders;

pub mod status;
mod store;
pub mod survey;
pub mod tracking;

use axum::Router;
use platform::AppState;

/// The citizen's and the office's routes; uploads up to `max_upload_bytes`.
pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    pages::routes(max_upload_bytes).merge(office::routes())
}
