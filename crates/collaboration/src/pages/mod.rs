//! HTML pages of collaboration: events (list, form and edit form, one event with the
//! organiser's panel, check-in, "my events" with the personal feed) and the knowledge base
//! (list and search, the article and document forms, one article with comments, versions and
//! diffs, the tags and the articles of a tag). Every page works without JavaScript; forms
//! re-show with each error beside its field and the typed values kept.

mod event_edits;
mod events;
mod knowledge;
mod tags;

use axum::Router;
use platform::AppState;

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    events::routes(max_upload_bytes)
        .merge(event_edits::routes())
        .merge(knowledge::routes(max_upload_bytes))
        .merge(tags::routes())
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
