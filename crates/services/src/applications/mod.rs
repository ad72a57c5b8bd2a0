//! Applications for a service: the citizen's journey (draft, answers, documents, submission),
//! public tracking, tracking numbers and the status life cycle.

mod api;
pub mod issuance;
pub mod journey;
mod office;
mod pages;
pub mod processing;
pub mod recommendations;
pub mod reminders;
mod skm_pages;

pub mod status;
mod store;
pub mod survey;
pub mod tracking;

pub use api::ApiDoc;
use axum::Router;
use platform::AppState;

/// The citizen's and the office's routes; uploads up to `max_upload_bytes`.
pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    pages::routes(max_upload_bytes)
        .merge(office::routes(max_upload_bytes))
        .merge(skm_pages::routes())
        .merge(api::routes(max_upload_bytes))
}

/// Records that `who` tried to open an application that is not theirs to see; the caller then
/// answers "not found", so ids cannot be probed.
pub(crate) async fn audit_refused_access(
    app: &platform::AppState,
    who_id: &str,
    id: &str,
    desk: &str,
) -> Result<(), crate::ServiceError> {
    let mut tx = app.db.begin().await?;
    platform::audit::record(
        &mut tx,
        platform::audit::Entry {
            actor_id: Some(who_id),
            action: "application.access_refused",
            subject: &format!("application:{id}"),
            detail: serde_json::json!({ "desk": desk }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
