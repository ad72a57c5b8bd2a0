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
    web::{WebError, i18n::Lang, shell::Shell},
};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::{
    error::AnnouncementError,
    model::{AnnouncementInput, Audience, Category, Status},
    pages::{managed, visible_now},
    publishing, store,
    subscriptions::{self, Subscribed, SubscriptionInput},
};

#[derive(OpenApi)]
#[openapi(
    paths(list, read, create, edit, publish, cancel, end, subscribe, confirm, unsubscribe),
    components(schemas(Announcement, AnnouncementTexts, AnnouncementInput, AnnouncementEdit, Category, Audience, Status,
        SubscriptionInput, SubscribeOutcome, SubscriptionState, ConfirmInput, Created)),
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
        .route("/api/v1/office/announcements/{id}/end", post(end))
        .route("/api/v1/announcement-subscriptions/confirm", post(confirm))
        .route("/api/v1/announcement-subscriptions", post(subscribe))
        .route(
            "/api/v1/announcement-subscriptions/{token}",
            axum::routing::delete(unsubscribe),
        )
}

/// One language's text as written.
#[derive(Serialize, ToSchema)]
struct AnnouncementTexts {
    title: String,
    /// Empty: none written (readers get the start of the body).
    summary: String,
    body: String,
    instruction: String,
}

impl From<crate::model::Texts> for AnnouncementTexts {
    fn from(t: crate::model::Texts) -> Self {
        AnnouncementTexts {
            title: t.title,
            summary: t.summary,
            body: t.body,
            instruction: t.instruction,
        }
    }
}

/// An announcement as a reader gets it: `title`, `summary`, `body` and `instruction` in the
/// caller's language (Accept-Language or the account's choice) when written in it, else in
/// Indonesian; `language` says which.
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
    /// `id` or `en`: the language of the texts below.
    language: &'static str,
    /// The caller reads English but this announcement is only in Indonesian.
    only_in_indonesian: bool,
    title: String,
    /// The summary written, else the start of the body.
    summary: String,
    /// Markdown as written.
    body: String,
    /// The same, as sanitised HTML.
    body_html: String,
    instruction: String,
    /// The Indonesian text as written.
    indonesian: AnnouncementTexts,
    /// The English text as written, if any.
    english: Option<AnnouncementTexts>,
    /// When it was ended before its expiry.
    ended_ms: Option<i64>,
    publish_at_ms: Option<i64>,
    expires_at_ms: Option<i64>,
    updated_ms: i64,
}

impl Announcement {
    fn new(row: store::AnnouncementRow, lang: Lang) -> Announcement {
        let phase = publishing::phase(&row, clock::now_ms()).as_str();
        let shown = row.shown(lang);
        Announcement {
            phase,
            body_html: crate::render::markdown_html(&shown.texts.body),
            language: shown.lang.code(),
            only_in_indonesian: shown.only_indonesian,
            summary: shown.summary(),
            title: shown.texts.title,
            body: shown.texts.body,
            instruction: shown.texts.instruction,
            indonesian: row.indonesian().into(),
            english: (!row.english.is_empty()).then(|| row.english.clone().into()),
            ended_ms: row.ended_ms,
            id: row.id,
            category: row.category,
            audience: row.audience,
            status: row.status,
            pinned: row.pinned,
            urgent: row.urgent,
            version: row.version,
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
    shell: Shell,
    MaybeUser(user): MaybeUser,
) -> Result<Json<Vec<Announcement>>, WebError> {
    let rows = visible_now(&app, user.as_ref()).await?;
    let lang = shell.tr.lang;
    Ok(Json(
        rows.into_iter()
            .map(|row| Announcement::new(row, lang))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/announcements/{id}", tag = "announcements",
    responses((status = 200, body = Announcement), (status = 404, description = "No such announcement, or not for this caller")))]
async fn read(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> Result<Json<Announcement>, WebError> {
    let row = store::find(&app.db, &id).await?.ok_or(WebError::NotFound)?;
    let audience = store::list_audience(&app.db, &id).await?;
    if !publishing::may_read(user.as_ref(), &row, &audience, clock::now_ms()) {
        return Err(WebError::NotFound);
    }
    Ok(Json(Announcement::new(row, shell.tr.lang)))
}

#[derive(Serialize, ToSchema)]
#[schema(as = CreatedAnnouncement)]
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
    responses((status = 200, body = Created), (status = 409, description = "Edited by someone else meanwhile, or cancelled"), (status = 422), (status = 403), (status = 404)))]
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
    responses((status = 200, body = Announcement), (status = 409), (status = 403), (status = 404)))]
async fn publish(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Announcement>, WebError> {
    publishing::publish(&app, &user, &id).await?;
    let row = store::find(&app.db, &id).await?.ok_or(WebError::NotFound)?;
    Ok(Json(Announcement::new(row, shell.tr.lang)))
}

#[utoipa::path(post, operation_id = "cancel_announcement", path = "/api/v1/office/announcements/{id}/cancel", tag = "announcements", security(("bearer" = [])),
    responses((status = 200, body = Announcement), (status = 409), (status = 403), (status = 404)))]
async fn cancel(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Announcement>, WebError> {
    publishing::cancel(&app, &user, &id).await?;
    let row = store::find(&app.db, &id).await?.ok_or(WebError::NotFound)?;
    Ok(Json(Announcement::new(row, shell.tr.lang)))
}

/// Ends a published announcement now, before its expiry (an emergency that is over); those
/// who received it are told once, and an alert gets its CAP Cancel.
#[utoipa::path(post, path = "/api/v1/office/announcements/{id}/end", tag = "announcements", security(("bearer" = [])),
    responses((status = 200, body = Announcement), (status = 409, description = "Not showing now, or ended already"), (status = 403), (status = 404)))]
async fn end(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Announcement>, WebError> {
    publishing::end(&app, &user, &id).await?;
    let row = store::find(&app.db, &id).await?.ok_or(WebError::NotFound)?;
    Ok(Json(Announcement::new(row, shell.tr.lang)))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum SubscriptionState {
    /// Receiving now (the caller's own account address).
    Active,
    /// A one-time confirmation link went to the address; nothing arrives until it is
    /// opened, within 48 hours.
    ConfirmationSent,
}

#[derive(Serialize, ToSchema)]
struct SubscribeOutcome {
    state: SubscriptionState,
    /// For an active subscription of the caller's own address: send it back (DELETE) to
    /// unsubscribe. Otherwise absent: it is only in the messages to the address.
    unsubscribe_token: Option<String>,
}

/// Subscribes. Signed in with a bearer token and using the account's own email or number, it
/// is active at once (and `internal: true` adds the announcements for civil servants or the
/// caller's agencies); any other address gets a confirmation link first.
#[utoipa::path(post, path = "/api/v1/announcement-subscriptions", tag = "announcements", request_body = SubscriptionInput,
    responses((status = 201, body = SubscribeOutcome), (status = 422)))]
async fn subscribe(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
    Json(input): Json<SubscriptionInput>,
) -> Result<Response, WebError> {
    let subscription = input.check().map_err(AnnouncementError::Invalid)?;
    let outcome =
        match subscriptions::subscribe(&app, user.as_ref(), &subscription, shell.tr.lang).await? {
            Subscribed::Active { unsubscribe_token } => SubscribeOutcome {
                state: SubscriptionState::Active,
                unsubscribe_token: Some(unsubscribe_token),
            },
            Subscribed::ConfirmationSent => SubscribeOutcome {
                state: SubscriptionState::ConfirmationSent,
                unsubscribe_token: None,
            },
        };
    Ok((StatusCode::CREATED, Json(outcome)).into_response())
}

#[derive(Deserialize, ToSchema)]
struct ConfirmInput {
    /// The `token` of the confirmation link.
    token: String,
}

/// Confirms a subscription with the token of its confirmation link (one time, within 48 h).
#[utoipa::path(post, path = "/api/v1/announcement-subscriptions/confirm", tag = "announcements", request_body = ConfirmInput,
    responses((status = 204), (status = 404, description = "Unknown, used or expired")))]
async fn confirm(
    State(app): State<AppState>,
    Json(input): Json<ConfirmInput>,
) -> Result<StatusCode, WebError> {
    if subscriptions::confirm(&app, &input.token).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(WebError::NotFound)
    }
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
