//! HTML pages of collaboration: events (list, form, one event with the organiser's panel,
//! check-in, "my events" with the personal feed) and the knowledge base (list and search, the
//! article and document forms, one article with comments, versions and diffs). Every page works
//! without JavaScript; forms re-show with each error beside its field and the typed values kept.

mod events;
mod knowledge;

use axum::Router;
use platform::AppState;

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    events::routes(max_upload_bytes).merge(knowledge::routes(max_upload_bytes))
}

/// A calendar file response.
pub(crate) fn calendar_file(body: String, file_name: &'static str) -> axum::response::Response {
    use axum::{http::header, response::IntoResponse as _};
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CONTENT_DISPOSITION, file_name),
        ],
        body,
    )
        .into_response()
}
