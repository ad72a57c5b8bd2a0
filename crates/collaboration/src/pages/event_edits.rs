//! The organiser's edit form of an event and its save: field errors and a refused stale save
//! both re-show the form with what was typed; a stale save also shows the event as it is now.

use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use platform::{
    AppState,
    auth::CurrentUser,
    clock,
    web::{
        Shell, WebError,
        forms::{CsrfForm, field_errors},
        page,
    },
};

use super::events::{event_form, view};
use crate::{
    error::CollaborationError,
    event_edits,
    events::{self, Event, EventInput, wita_input},
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/events/{id}/edit", get(edit_form).post(save))
}

/// The event as the form shows it.
fn input_of(event: &Event) -> EventInput {
    EventInput {
        title: event.title.clone(),
        kind: event.kind.as_str().into(),
        description: event.description.clone(),
        audience: event.audience.as_str().into(),
        organisers: event
            .organisers
            .iter()
            .map(|a| a.code.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        invited: event
            .invited
            .iter()
            .map(|a| a.code.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        place: event.place.clone(),
        online_url: event.online_url.clone(),
        starts_at: wita_input(event.starts_ms),
        ends_at: wita_input(event.ends_ms),
        capacity: event.capacity.to_string(),
        jp: event.jp.to_string(),
        base_version: event.version.to_string(),
    }
}

/// The event if `user` organises it and it may still be edited.
async fn editable(app: &AppState, user: &CurrentUser, id: &str) -> Result<Event, WebError> {
    let event = events::get_event(app, Some(user), id).await?;
    if !event.managed_by(user) {
        return Err(WebError::Forbidden);
    }
    if event.cancelled || event.is_over(clock::now_ms()) {
        return Err(CollaborationError::EventClosed.into());
    }
    Ok(event)
}

async fn edit_form(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let event = editable(&app, &user, &id).await?;
    let input = input_of(&event);
    let editing = view(event, &shell);
    page(
        &event_form(shell, &input, Vec::new(), Some(editing), None),
        StatusCode::OK,
    )
}

async fn save(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<EventInput>,
) -> Result<Response, WebError> {
    match event_edits::update_event(&app, &user, &id, &input).await {
        Ok(event) => Ok(Redirect::to(&format!("/events/{}", event.id)).into_response()),
        Err(CollaborationError::Invalid(problems)) => {
            let event = editable(&app, &user, &id).await?;
            let errors = field_errors(&shell.tr, &problems);
            let editing = view(event, &shell);
            page(
                &event_form(shell, &input, errors, Some(editing), None),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(CollaborationError::EventEditConflict { current }) => {
            // Nothing was written. The typed values stay in the form, now based on the current
            // version: having compared with the event as it is, the organiser may save again.
            let event = editable(&app, &user, &id).await?;
            let input = EventInput {
                base_version: current.to_string(),
                ..input
            };
            let editing = view(event.clone(), &shell);
            let conflict = view(event, &shell);
            page(
                &event_form(shell, &input, Vec::new(), Some(editing), Some(conflict)),
                StatusCode::CONFLICT,
            )
        }
        Err(other) => Err(other.into()),
    }
}
