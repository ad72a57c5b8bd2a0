//! JSON API of announcements under `/api/v1`: the announcements a caller may read, and for
//! Humas/Kominfo staff: create, edit (with the version the edit is based on), publish, cancel;
//! subscriptions. Every handler calls the same domain function as the HTML page.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse as _, Response},
    routing::{get, post},
};
use platform::{
    AppState,
    auth::{CurrentUser, MaybeUser},
    clock,
    web::{WebError, shell::Shell},
};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::{
    error::AnnouncementError,
    model::{AnnouncementInput, Audience, Category, Status},
    pages::{managed, visible_now},
    publishing, store,
    subscriptions::{self, SubscriptionInput},
};

#[derive(OpenApi)]
#[openapi(
    paths(list, read, create, edit, publish, cancel, subscribe, unsubscribe),
    components(schemas(Announcement, AnnouncementInput, AnnouncementEdit, Category, Audience, Status, SubscriptionInput, Subscribed, Created)),
    tags((name = "announcements", description = "Announcements (pengumuman). Feeds: /feeds/announcements.atom and \
/feeds/announcements/{category}.atom (Atom, RFC 4287); CAP 1.2 alerts: /cap/alerts.xml and /cap/alerts/{identifier}.xml."))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/announcements", get(list))
        .route("/api/v1/announcements/{id}", get(read))
        .route("/api/v1/office/announcements", post(create))
        .route(
            "/api/v1/office/announcements/{id}",
            axum::routing::put(edit),
        )
        .route("/api/v1/office/announcements/{id}/publish", post(publish))
        .route("/api/v1/office/announcements/{id}/cancel", post(cancel))
        .route("/api/v1/announcement-subscriptions", post(subscribe))
        .route(
            "/api/v1/announcement-subscriptions/{token}",
            axum::routing::delete(unsubscribe),
        )
}

/// An announcement as a reader gets it.
#[derive(Serialize, ToSchema)]
struct Announcement {
    id: String,
    category: Category,
    audience: Audience,
    status: Status,
    /// `draft`, `scheduled`, `active`, `expired` or `cancelled`.
    phase: &'static str,
    pinned: bool,
    urgent: bool,
    version: i64,
    title: String,
    /// Markdown as written.
    body: String,
    /// The same, as sanitised HTML.
    body_html: String,
    instruction: String,
    publish_at_ms: Option<i64>,
    expires_at_ms: Option<i64>,
    updated_ms: i64,
}

impl Announcement {
    fn new(row: store::AnnouncementRow) -> Announcement {
        let phase = publishing::phase(&row, clock::now_ms()).as_str();
        Announcement {
            phase,
            body_html: crate::render::markdown_html(&row.body),
            id: row.id,
            category: row.category,
            audience: row.audience,
            status: row.status,
            pinned: row.pinned,
            urgent: row.urgent,
            version: row.version,
            title: row.title,
            body: row.body,
            instruction: row.instruction,
            publish_at_ms: row.publish_at_ms,
            expires_at_ms: row.expires_at_ms,
            updated_ms: row.updated_ms,
        }
    }
}

/// Announcements showing now that the caller may read (public ones without a token).
#[utoipa::path(get, path = "/api/v1/announcements", tag = "announcements", responses((status = 200, body = [Announcement])))]
async fn list(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
) -> Result<Json<Vec<Announcement>>, WebError> {
    let rows = visible_now(&app, user.as_ref()).await?;
    Ok(Json(rows.into_iter().map(Announcement::new).collect()))
}

#[utoipa::path(get, path = "/api/v1/announcements/{id}", tag = "announcements",
    responses((status = 200, body = Announcement), (status = 404, description = "No such announcement, or not for this caller")))]
async fn read(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> Result<Json<Announcement>, WebError> {
    let row = store::find(&app.db, &id).await?.ok_or(WebError::NotFound)?;
    let audience = store::list_audience(&app.db, &id).await?;
    if !publishing::may_read(user.as_ref(), &row, &audience, clock::now_ms()) {
        return Err(WebError::NotFound);
    }
    Ok(Json(Announcement::new(row)))
}

#[derive(Serialize, ToSchema)]
struct Created {
    id: String,
    version: i64,
}

/// Writes a draft (Humas/Kominfo of the caller's agency, or a superadmin).
#[utoipa::path(post, path = "/api/v1/office/announcements", tag = "announcements", request_body = AnnouncementInput,
    security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 422, description = "Field errors"), (status = 403)))]
async fn create(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(input): Json<AnnouncementInput>,
) -> Result<Response, WebError> {
    // The door first: only authors learn what is wrong with their input.
    if !publishing::is_author(&user) {
        return Err(WebError::Forbidden);
    }
    let draft = input.check().map_err(AnnouncementError::Invalid)?;
    let id = publishing::create(&app, &user, &draft).await?;
    Ok((StatusCode::CREATED, Json(Created { id, version: 1 })).into_response())
}

/// An edit: the full content and the version it was based on.
#[derive(Deserialize, ToSchema)]
struct AnnouncementEdit {
    #[serde(flatten)]
    announcement: AnnouncementInput,
    /// The version the edit started from; a newer one on the server refuses the edit (409).
    based_on: i64,
}

#[utoipa::path(put, path = "/api/v1/office/announcements/{id}", tag = "announcements", request_body = AnnouncementEdit,
    security(("bearer" = [])),
    responses((status = 200, body = Created), (status = 409, description = "Edited by someone else meanwhile, or cancelled"), (status = 422)))]
async fn edit(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<AnnouncementEdit>,
) -> Result<Json<Created>, WebError> {
    managed(&app, &user, &id).await?;
    let draft = input
        .announcement
        .check()
        .map_err(AnnouncementError::Invalid)?;
    let version = publishing::edit(&app, &user, &id, input.based_on, &draft).await?;
    Ok(Json(Created { id, version }))
}

#[utoipa::path(post, path = "/api/v1/office/announcements/{id}/publish", tag = "announcements", security(("bearer" = [])),
    responses((status = 200, body = Announcement), (status = 409)))]
async fn publish(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Announcement>, WebError> {
    publishing::publish(&app, &user, &id).await?;
    let row = store::find(&app.db, &id).await?.ok_or(WebError::NotFound)?;
    Ok(Json(Announcement::new(row)))
}

#[utoipa::path(post, path = "/api/v1/office/announcements/{id}/cancel", tag = "announcements", security(("bearer" = [])),
    responses((status = 200, body = Announcement), (status = 409)))]
async fn cancel(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Announcement>, WebError> {
    publishing::cancel(&app, &user, &id).await?;
    let row = store::find(&app.db, &id).await?.ok_or(WebError::NotFound)?;
    Ok(Json(Announcement::new(row)))
}

#[derive(Serialize, ToSchema)]
struct Subscribed {
    /// Send it back (DELETE) to unsubscribe; also in the confirmation message.
    unsubscribe_token: String,
}

#[utoipa::path(post, path = "/api/v1/announcement-subscriptions", tag = "announcements", request_body = SubscriptionInput,
    responses((status = 201, body = Subscribed), (status = 422)))]
async fn subscribe(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
    Json(input): Json<SubscriptionInput>,
) -> Result<Response, WebError> {
    let subscription = input.check().map_err(AnnouncementError::Invalid)?;
    let token = subscriptions::subscribe(&app, user.as_ref(), &subscription, shell.tr.lang).await?;
    Ok((
        StatusCode::CREATED,
        Json(Subscribed {
            unsubscribe_token: token,
        }),
    )
        .into_response())
}

#[utoipa::path(delete, path = "/api/v1/announcement-subscriptions/{token}", tag = "announcements",
    responses((status = 204), (status = 404)))]
async fn unsubscribe(
    State(app): State<AppState>,
    Path(token): Path<String>,
) -> Result<StatusCode, WebError> {
    if subscriptions::unsubscribe(&app, &token).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(WebError::NotFound)
    }
}
