//! JSON API of collaboration under `/api/v1`; each handler calls the same domain function as
//! its page. Events may be read without an account when public; everything else needs a token.

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use platform::{
    AppState,
    auth::{CurrentUser, MaybeUser},
    web::WebError,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::{
    events::{self, AgencyRef, Audience, Event, EventInput, EventKind},
    knowledge::{self, Article, ArticleInput, Comment, Hit, Sharing},
    registrations::{self, CheckIn, Registration, RegistrationStatus},
    tags::{self, TagCount, TagPage},
};

#[derive(OpenApi)]
#[openapi(
    paths(list_events, create_event, get_event, update_event, register, cancel_registration, event_registrations,
          check_in, my_events, list_articles, create_article, get_article, update_article,
          list_comments, add_comment, search, list_tags, tagged_articles),
    components(schemas(Event, EventInput, EventKind, Audience, AgencyRef, Registration, RegistrationStatus,
                       CheckIn, CheckinRequest, MyEvent, Article, ArticleInput, Sharing, Comment, CommentRequest, Hit,
                       TagCount, TagPage)),
    tags((name = "collaboration", description = "Joint events between agencies and the shared knowledge base"))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/events", get(list_events).post(create_event))
        .route("/api/v1/events/{id}", get(get_event).put(update_event))
        .route(
            "/api/v1/events/{id}/registration",
            post(register).delete(cancel_registration),
        )
        .route(
            "/api/v1/events/{id}/registrations",
            get(event_registrations),
        )
        .route("/api/v1/events/{id}/checkin", post(check_in))
        .route("/api/v1/me/events", get(my_events))
        .route(
            "/api/v1/knowledge/articles",
            get(list_articles).post(create_article),
        )
        .route(
            "/api/v1/knowledge/articles/{id}",
            get(get_article).put(update_article),
        )
        .route(
            "/api/v1/knowledge/articles/{id}/comments",
            get(list_comments).post(add_comment),
        )
        .route("/api/v1/knowledge/search", get(search))
        .route("/api/v1/knowledge/tags", get(list_tags))
        .route("/api/v1/knowledge/tags/{tag}", get(tagged_articles))
}

/// Events the caller may see (public ones without a token), soonest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "collaboration",
    responses((status = 200, body = [Event])))]
async fn list_events(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
) -> Result<Json<Vec<Event>>, WebError> {
    Ok(Json(events::list_events(&app, user.as_ref(), None).await?))
}

/// Create an event (communications or service admin of an organising agency, or superadmin).
/// Times are WITA `YYYY-MM-DDTHH:MM`; 422 lists every field problem.
#[utoipa::path(post, path = "/api/v1/events", tag = "collaboration", security(("bearer" = [])),
    request_body = EventInput, responses((status = 201, body = Event), (status = 403), (status = 422)))]
async fn create_event(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(input): Json<EventInput>,
) -> Result<Response, WebError> {
    let event = events::create_event(&app, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(event)).into_response())
}

/// One event (404 when the caller may not see it).
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "collaboration",
    params(("id" = String, Path)), responses((status = 200, body = Event), (status = 404)))]
async fn get_event(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> Result<Json<Event>, WebError> {
    Ok(Json(events::get_event(&app, user.as_ref(), &id).await?))
}

/// Edit an event (its organisers' communications or service admins, or superadmin); the
/// organising agencies stay. `base_version` is the version the edit started from: 409
/// `collaboration.event_edit_conflict` (nothing written) when someone saved meanwhile, 409
/// `collaboration.event_closed` when the event is cancelled or over; 422 lists every field
/// problem, including a capacity below the seats already taken. A raised capacity promotes the
/// waitlist in order; a new time or place is told to everyone registered or waiting.
#[utoipa::path(put, path = "/api/v1/events/{id}", tag = "collaboration", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = EventInput,
    responses((status = 200, body = Event), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update_event(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<EventInput>,
) -> Result<Json<Event>, WebError> {
    Ok(Json(
        crate::event_edits::update_event(&app, &user, &id, &input).await?,
    ))
}

/// Register for an event: `registered` when a seat is free, else `waitlisted` (promoted
/// automatically when a seat frees). 409 when registered already or the event is closed.
#[utoipa::path(post, operation_id = "register_for_event", path = "/api/v1/events/{id}/registration", tag = "collaboration", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 201, body = Registration), (status = 404), (status = 409)))]
async fn register(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let registration = registrations::register(&app, &user, &id).await?;
    Ok((StatusCode::CREATED, Json(registration)).into_response())
}

/// Cancel one's registration; a freed seat goes to the first person waiting.
#[utoipa::path(delete, path = "/api/v1/events/{id}/registration", tag = "collaboration", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 204), (status = 404), (status = 409)))]
async fn cancel_registration(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    registrations::cancel(&app, &user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Participants of an event (organisers): registered first, then the waitlist in order.
#[utoipa::path(get, path = "/api/v1/events/{id}/registrations", tag = "collaboration", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = [Registration]), (status = 403), (status = 404)))]
async fn event_registrations(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<Registration>>, WebError> {
    let event = events::get_event(&app, Some(&user), &id).await?;
    Ok(Json(
        registrations::list_for_event(&app, &user, &event).await?,
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
#[schema(as = EventCheckinRequest)]
pub struct CheckinRequest {
    /// The code shown with the room's QR code.
    pub code: String,
}

/// Check in with the room's code (from an hour before the start until the end). For an event
/// with JP, an ASN's JP is written to their ledger once.
#[utoipa::path(post, operation_id = "check_in_event", path = "/api/v1/events/{id}/checkin", tag = "collaboration", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = CheckinRequest,
    responses((status = 200, body = CheckIn), (status = 404), (status = 409)))]
async fn check_in(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<CheckinRequest>,
) -> Result<Json<CheckIn>, WebError> {
    Ok(Json(
        registrations::check_in(&app, &user, &id, &request.code).await?,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyEvent {
    pub event: Event,
    pub status: RegistrationStatus,
}

/// The caller's registrations (registered or waiting), soonest first.
#[utoipa::path(get, path = "/api/v1/me/events", tag = "collaboration", security(("bearer" = [])),
    responses((status = 200, body = [MyEvent])))]
async fn my_events(
    State(app): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<MyEvent>>, WebError> {
    Ok(Json(
        registrations::my_events(&app, &user)
            .await?
            .into_iter()
            .map(|(event, status)| MyEvent { event, status })
            .collect(),
    ))
}

/// The newest articles the caller may read (staff only).
#[utoipa::path(get, path = "/api/v1/knowledge/articles", tag = "collaboration", security(("bearer" = [])),
    responses((status = 200, body = [Article]), (status = 403)))]
async fn list_articles(
    State(app): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<Article>>, WebError> {
    Ok(Json(knowledge::list_articles(&app, &user, 200).await?))
}

/// Write an article for an agency one manages (Markdown; raw HTML is shown harmless).
#[utoipa::path(post, path = "/api/v1/knowledge/articles", tag = "collaboration", security(("bearer" = [])),
    request_body = ArticleInput, responses((status = 201, body = Article), (status = 403), (status = 422)))]
async fn create_article(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(input): Json<ArticleInput>,
) -> Result<Response, WebError> {
    let article = knowledge::create_article(&app, &user, &input, None).await?;
    Ok((StatusCode::CREATED, Json(article)).into_response())
}

/// One article (404 when the caller's agency may not read it).
#[utoipa::path(get, path = "/api/v1/knowledge/articles/{id}", tag = "collaboration", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Article), (status = 404)))]
async fn get_article(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Article>, WebError> {
    let article = knowledge::get_article(&app, &user, &id).await?;
    crate::stats::count_read(&app, &user, &article).await;
    Ok(Json(article))
}

/// Save an edit; `base_version` is the version it started from. 409 (nothing written) when
/// someone saved meanwhile.
#[utoipa::path(put, path = "/api/v1/knowledge/articles/{id}", tag = "collaboration", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = ArticleInput,
    responses((status = 200, body = Article), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update_article(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<ArticleInput>,
) -> Result<Json<Article>, WebError> {
    Ok(Json(
        knowledge::update_article(&app, &user, &id, &input).await?,
    ))
}

/// Comments and questions on an article, oldest first.
#[utoipa::path(get, path = "/api/v1/knowledge/articles/{id}/comments", tag = "collaboration", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = [Comment]), (status = 404)))]
async fn list_comments(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<Comment>>, WebError> {
    Ok(Json(knowledge::comments(&app, &user, &id).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CommentRequest {
    /// Plain text (shown escaped).
    pub body: String,
}

/// Comment on, or ask about, an article one may read; its author is told.
#[utoipa::path(post, path = "/api/v1/knowledge/articles/{id}/comments", tag = "collaboration", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = CommentRequest,
    responses((status = 201, body = Comment), (status = 404), (status = 422)))]
async fn add_comment(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<CommentRequest>,
) -> Result<Response, WebError> {
    let comment = knowledge::add_comment(&app, &user, &id, &request.body).await?;
    Ok((StatusCode::CREATED, Json(comment)).into_response())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct SearchQuery {
    /// Words to find (each also as a prefix).
    pub q: String,
}

/// Ranked full-text search over the articles the caller may read, with highlighted snippets.
#[utoipa::path(get, path = "/api/v1/knowledge/search", tag = "collaboration", security(("bearer" = [])),
    params(SearchQuery), responses((status = 200, body = [Hit]), (status = 403)))]
async fn search(
    State(app): State<AppState>,
    user: CurrentUser,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Vec<Hit>>, WebError> {
    Ok(Json(knowledge::search(&app, &user, &query.q, 20).await?))
}

/// The tags of the articles the caller may read, with how many carry each, the most used first.
#[utoipa::path(get, path = "/api/v1/knowledge/tags", tag = "collaboration", security(("bearer" = [])),
    responses((status = 200, body = [TagCount]), (status = 403)))]
async fn list_tags(
    State(app): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<TagCount>>, WebError> {
    Ok(Json(tags::tag_counts(&app, &user).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct PageQuery {
    /// Page number from 1.
    pub page: Option<i64>,
}

/// The articles with a tag that the caller may read, newest first, 20 a page.
#[utoipa::path(get, path = "/api/v1/knowledge/tags/{tag}", tag = "collaboration", security(("bearer" = [])),
    params(("tag" = String, Path), PageQuery), responses((status = 200, body = TagPage), (status = 403)))]
async fn tagged_articles(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(tag): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Json<TagPage>, WebError> {
    Ok(Json(
        tags::articles_tagged(&app, &user, &tag, query.page.unwrap_or(1)).await?,
    ))
}
