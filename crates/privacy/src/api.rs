//! JSON API of personal data rights: `GET /api/v1/me/data` (the export) and `DELETE /api/v1/me`
//! (the deletion, with the password). Both call the same functions as the page.

use axum::{
    Extension, Json, Router,
    extract::State,
    routing::{delete, get},
};
use platform::{
    AppState,
    auth::CurrentUser,
    web::{WebError, context::RequestContext},
};
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};

use crate::deletion::{self, Deleted};

#[derive(OpenApi)]
#[openapi(
    paths(my_data, delete_me),
    components(schemas(DeleteRequest, Deleted)),
    tags((name = "privacy", description = "Personal data rights (UU 27/2022): export and account deletion"))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me/data", get(my_data))
        .route("/api/v1/me", delete(delete_me))
}

/// Everything Sigap holds about the signed-in citizen, as one JSON document (profile,
/// applications with events, documents and issued numbers, complaints, queue appointments and
/// tickets, event registrations, subscriptions, notifications, and the legal-hold explanation).
#[utoipa::path(get, path = "/api/v1/me/data", tag = "privacy", security(("bearer" = [])),
    responses((status = 200, description = "The export", body = serde_json::Value),
              (status = 401), (status = 403, description = "Staff account")))]
async fn my_data(
    State(app): State<AppState>,
    user: CurrentUser,
    Extension(request): Extension<RequestContext>,
) -> Result<Json<serde_json::Value>, WebError> {
    let data = crate::export::export(&app, &user, request.lang).await?;
    Ok(Json(data.into_inner()))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct DeleteRequest {
    /// The account's current password.
    password: String,
}

/// Delete the signed-in citizen's account. Refused (409) while an application is in progress;
/// with issued documents, name and NIK stay under legal hold (`legal_hold: true`).
#[utoipa::path(delete, path = "/api/v1/me", tag = "privacy", security(("bearer" = [])),
    request_body = DeleteRequest,
    responses((status = 200, body = Deleted), (status = 401), (status = 403, description = "Staff account"),
              (status = 409, description = "An application is in progress"), (status = 422, description = "Wrong password")))]
async fn delete_me(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(request): Json<DeleteRequest>,
) -> Result<Json<Deleted>, WebError> {
    Ok(Json(
        deletion::delete_account(&app, &user, &request.password, None).await?,
    ))
}
