//! JSON API of people and organisation under `/api/v1`. Clients authenticate with a bearer token
//! from `POST /api/v1/auth/token`. Every handler calls the same domain function as its page.

use axum::{
    Extension, Json, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use platform::{
    AppState, audit,
    auth::{
        CurrentUser, Role, RoleGrant, UserKind,
        session::{self, SessionKind},
    },
    outbox::{self, Notification},
    web::{
        WebError,
        context::{ClientAddress, RequestContext},
        error::FieldError,
    },
};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::{
    model::RegistrationInput,
    organisation::{self, AgencyInput, AgencyNode},
    registration, reset, signin,
    staff::{self, Actor, CreatedStaff, StaffInput},
};

#[derive(OpenApi)]
#[openapi(
    paths(create_token, delete_token, me, register, request_reset, confirm_reset, list_agencies, create_agency,
          list_notifications, create_staff, grant_role, revoke_role, verify_audit),
    components(schemas(TokenRequest, TokenResponse, Me, Created, ResetRequest, GrantRequest, AuditVerdict,
                       RegistrationInput, reset::ResetInput, AgencyInput, AgencyNode, StaffInput, CreatedStaff,
                       RoleGrant, Role, UserKind, Notification, FieldError)),
    tags((name = "accounts", description = "Accounts, sessions, agencies and roles"))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/auth/token",
            post(create_token).delete(delete_token),
        )
        .route("/api/v1/me", get(me))
        .route("/api/v1/citizens", post(register))
        .route("/api/v1/password-resets", post(request_reset))
        .route("/api/v1/password-resets/confirm", post(confirm_reset))
        .route("/api/v1/agencies", get(list_agencies).post(create_agency))
        .route("/api/v1/notifications", get(list_notifications))
        .route("/api/v1/staff", post(create_staff))
        .route("/api/v1/staff/{id}/roles", post(grant_role))
        .route(
            "/api/v1/staff/{id}/roles/{role}/{agency_code}",
            delete(revoke_role),
        )
        .route("/api/v1/audit/verify", get(verify_audit))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct TokenRequest {
    /// NIK, email, mobile number or username.
    login: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    token: String,
    token_type: &'static str,
    /// Seconds until the token expires.
    expires_in: i64,
    user: Me,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    id: String,
    full_name: String,
    kind: UserKind,
    lang: String,
    roles: Vec<RoleGrant>,
}

impl From<&CurrentUser> for Me {
    fn from(user: &CurrentUser) -> Me {
        Me {
            id: user.id.clone(),
            full_name: user.display_name.clone(),
            kind: user.kind,
            lang: user.lang.code().to_string(),
            roles: user.grants.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    id: String,
}

/// Sign in and receive a bearer token (valid `expires_in` seconds: 12 hours unless configured).
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "accounts", request_body = TokenRequest,
    responses((status = 201, body = TokenResponse), (status = 422, description = "Wrong login or password"),
              (status = 429, description = "Locked after too many failures")))]
async fn create_token(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    Json(request): Json<TokenRequest>,
) -> Result<Response, WebError> {
    let user = signin::authenticate(&app, &request.login, &request.password, &client).await?;
    let token = signin::start_session(&app, &user, SessionKind::Api).await?;
    let lifetimes = session::Lifetimes::of(&app.settings);
    let current = session::find_session_user(&app.db, &token, SessionKind::Api, lifetimes)
        .await?
        .ok_or(WebError::Internal(anyhow::anyhow!("new session not found")))?;
    let body = TokenResponse {
        token,
        token_type: "Bearer",
        // The token lasts exactly the absolute session limit (`session::create_session`).
        expires_in: lifetimes.max_ms / 1000,
        user: Me::from(&current),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Sign out: the bearer token stops working.
#[utoipa::path(delete, path = "/api/v1/auth/token", tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 401)))]
async fn delete_token(
    State(app): State<AppState>,
    user: CurrentUser,
    headers: axum::http::HeaderMap,
) -> Result<StatusCode, WebError> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .trim()
        .to_string();
    signin::end_session(&app, &user.id, &token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in person and their roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401)))]
async fn me(user: CurrentUser) -> Json<Me> {
    Json(Me::from(&user))
}

/// Register a citizen account.
#[utoipa::path(post, path = "/api/v1/citizens", tag = "accounts", request_body = RegistrationInput,
    responses((status = 201, body = Created), (status = 422, description = "Field problems, all at once")))]
async fn register(
    State(app): State<AppState>,
    Extension(context): Extension<RequestContext>,
    Json(input): Json<RegistrationInput>,
) -> Result<Response, WebError> {
    let id = registration::register_citizen(&app, &input, context.lang).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ResetRequest {
    login: String,
}

/// Ask for a password code. Always 202, whether or not the account exists.
#[utoipa::path(post, path = "/api/v1/password-resets", tag = "accounts", request_body = ResetRequest,
    responses((status = 202), (status = 422)))]
async fn request_reset(
    State(app): State<AppState>,
    Json(request): Json<ResetRequest>,
) -> Result<StatusCode, WebError> {
    reset::request_reset(&app, &request.login).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Set a new password with the code.
#[utoipa::path(post, path = "/api/v1/password-resets/confirm", tag = "accounts", request_body = reset::ResetInput,
    responses((status = 204), (status = 422), (status = 429)))]
async fn confirm_reset(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    Json(input): Json<reset::ResetInput>,
) -> Result<StatusCode, WebError> {
    reset::complete_reset(&app, &input, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organisation tree, parents first.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "accounts", responses((status = 200, body = [AgencyNode])))]
async fn list_agencies(State(app): State<AppState>) -> Result<Json<Vec<AgencyNode>>, WebError> {
    Ok(Json(organisation::agency_tree(&app).await?))
}

/// Add an agency or unit (superadmin).
#[utoipa::path(post, path = "/api/v1/agencies", tag = "accounts", security(("bearer" = [])), request_body = AgencyInput,
    responses((status = 201, body = Created), (status = 403), (status = 422)))]
async fn create_agency(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(input): Json<AgencyInput>,
) -> Result<Response, WebError> {
    let id = organisation::create_agency(&app, Actor::User(&user), &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// The signed-in person's in-app notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = [Notification]), (status = 401)))]
async fn list_notifications(
    State(app): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<Notification>>, WebError> {
    Ok(Json(
        outbox::list_notifications(&app.db, &user.id, 100).await?,
    ))
}

/// Create a staff account with one role; the answer holds its temporary password (superadmin).
#[utoipa::path(post, path = "/api/v1/staff", tag = "accounts", security(("bearer" = [])), request_body = StaffInput,
    responses((status = 201, body = CreatedStaff), (status = 403), (status = 422)))]
async fn create_staff(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(input): Json<StaffInput>,
) -> Result<Response, WebError> {
    let created = staff::create_staff(&app, Actor::User(&user), &input).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct GrantRequest {
    role: String,
    agency_code: String,
}

/// Grant a role within an agency (superadmin).
#[utoipa::path(post, path = "/api/v1/staff/{id}/roles", tag = "accounts", security(("bearer" = [])), request_body = GrantRequest,
    params(("id" = String, Path, description = "Staff account id")),
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
async fn grant_role(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<GrantRequest>,
) -> Result<StatusCode, WebError> {
    staff::grant_role(
        &app,
        Actor::User(&user),
        &id,
        &request.role,
        &request.agency_code,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Revoke a role (superadmin). The last superadmin keeps the role (409).
#[utoipa::path(delete, path = "/api/v1/staff/{id}/roles/{role}/{agency_code}", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path), ("role" = String, Path), ("agency_code" = String, Path)),
    responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn revoke_role(
    State(app): State<AppState>,
    user: CurrentUser,
    Path((id, role, agency_code)): Path<(String, String, String)>,
) -> Result<StatusCode, WebError> {
    staff::revoke_role(&app, Actor::User(&user), &id, &role, &agency_code).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct AuditVerdict {
    intact: bool,
    entries: i64,
    /// Why the chain is broken, naming the first broken entry.
    problem: Option<String>,
}

/// Walk the audit hash chain (superadmin).
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = AuditVerdict), (status = 403)))]
async fn verify_audit(
    State(app): State<AppState>,
    user: CurrentUser,
) -> Result<Json<AuditVerdict>, WebError> {
    user.require(Role::Superadmin)?;
    let verdict = match audit::verify(&app.db, |_| {}).await? {
        Ok(report) => AuditVerdict {
            intact: true,
            entries: report.entries,
            problem: None,
        },
        Err(broken) => AuditVerdict {
            intact: false,
            entries: 0,
            problem: Some(broken.to_string()),
        },
    };
    Ok(Json(verdict))
}
