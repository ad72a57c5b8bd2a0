//! Database-backed sessions: they survive a restart and work on every node. The cookie or bearer
//! token is a random secret; the table keeps only its SHA-256, so a leaked database grants no login.

use axum::{extract::FromRequestParts, http::request::Parts};
use serde::Serialize;
use sqlx::{AnyConnection, Row as _};

use super::roles::{Role, RoleGrant};
use crate::{
    AppState, clock,
    config::Settings,
    db::Db,
    ids,
    web::{context::RequestContext, error::WebError, i18n::Lang},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserKind {
    Citizen,
    Staff,
}

impl UserKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UserKind::Citizen => "citizen",
            UserKind::Staff => "staff",
        }
    }
    pub fn parse(raw: &str) -> Option<UserKind> {
        match raw {
            "citizen" => Some(UserKind::Citizen),
            "staff" => Some(UserKind::Staff),
            _ => None,
        }
    }
}

/// Where a session came from: a browser cookie or an API bearer token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionKind {
    Web,
    Api,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

/// The signed-in person of a request, with every role they hold.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: String,
    pub display_name: String,
    pub kind: UserKind,
    pub lang: Lang,
    pub grants: Vec<RoleGrant>,
}

impl CurrentUser {
    pub fn is_citizen(&self) -> bool {
        self.kind == UserKind::Citizen
    }
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }
    pub fn has_role_in(&self, role: Role, agency_id: &str) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == role && g.agency_id == agency_id)
    }
    /// Distinct roles, in the order of [`Role::ALL`].
    pub fn roles(&self) -> Vec<Role> {
        Role::ALL
            .into_iter()
            .filter(|r| self.has_role(*r))
            .collect()
    }
    /// Fails with 403 unless the person holds `role` in some agency.
    pub fn require(&self, role: Role) -> Result<(), WebError> {
        if self.has_role(role) {
            Ok(())
        } else {
            Err(WebError::Forbidden)
        }
    }
}

/// Extracting `CurrentUser` requires a signed-in person: a browser is sent to the login page,
/// an API client gets 401.
impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = WebError;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestContext>()
            .and_then(|c| c.user.clone())
            .ok_or(WebError::LoginRequired)
    }
}

/// The signed-in person if there is one.
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(
            parts
                .extensions
                .get::<RequestContext>()
                .and_then(|c| c.user.clone()),
        ))
    }
}

const INSERT_SESSION: &str = "INSERT INTO sessions (token_hash, user_id, kind, created_ms, last_seen_ms, expires_ms) \
     VALUES ($1, $2, $3, $4, $4, $5)";

/// Starts a session and returns its secret token (shown once: cookie or bearer token). A web
/// session starts with the idle limit and slides with use; an API token lasts the absolute limit.
pub async fn create_session(
    conn: &mut AnyConnection,
    user_id: &str,
    kind: SessionKind,
    lifetimes: Lifetimes,
) -> Result<String, sqlx::Error> {
    let token = ids::random_secret();
    let now = clock::now_ms();
    let expires_ms = match kind {
        SessionKind::Web => lifetimes.web_expiry(now, now),
        SessionKind::Api => now.saturating_add(lifetimes.max_ms),
    };
    sqlx::query(INSERT_SESSION)
        .bind(ids::sha256_hex(token.as_bytes()))
        .bind(user_id)
        .bind(kind.as_str())
        .bind(now)
        .bind(expires_ms)
        .execute(conn)
        .await?;
    Ok(token)
}

/// How long sessions live (ASVS 3.3.2): a web session ends after `idle_ms` without a request,
/// and every session, web or API, ends `max_ms` after sign-in however busy it is.
#[derive(Clone, Copy, Debug)]
pub struct Lifetimes {
    pub idle_ms: i64,
    pub max_ms: i64,
}

impl Lifetimes {
    pub fn of(settings: &Settings) -> Lifetimes {
        let ms = |d: std::time::Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        Lifetimes {
            idle_ms: ms(settings.session_idle),
            max_ms: ms(settings.session_max),
        }
    }

    /// The expiry a web session gets when it is created or used at `now`.
    fn web_expiry(self, created_ms: i64, now: i64) -> i64 {
        now.saturating_add(self.idle_ms)
            .min(created_ms.saturating_add(self.max_ms))
    }
}

const FIND_SESSION: &str = "SELECT s.user_id, s.created_ms, s.last_seen_ms, u.full_name, u.kind, u.lang \
     FROM sessions s JOIN users u ON u.id = s.user_id \
     WHERE s.token_hash = $1 AND s.kind = $2 AND s.expires_ms > $3 AND s.created_ms > $4 \
     AND u.disabled = 0";

const LIST_GRANTS: &str = "SELECT g.role, g.agency_id, a.code FROM role_grants g \
     JOIN agencies a ON a.id = g.agency_id WHERE g.user_id = $1 ORDER BY a.code, g.role";

const TOUCH_SESSION: &str =
    "UPDATE sessions SET last_seen_ms = $2, expires_ms = $3 WHERE token_hash = $1";

/// Refreshing the sliding expiry on every request would turn each read into a write; once a
/// minute keeps a 30-minute idle limit within a minute of exact.
const TOUCH_EVERY_MS: i64 = 60 * 1000;

/// The person behind a token, if the session is live (within both the idle and the absolute
/// limit) and the account enabled.
pub async fn find_session_user(
    db: &Db,
    token: &str,
    kind: SessionKind,
    lifetimes: Lifetimes,
) -> Result<Option<CurrentUser>, sqlx::Error> {
    let token_hash = ids::sha256_hex(token.as_bytes());
    let now = clock::now_ms();
    let Some(row) = sqlx::query(FIND_SESSION)
        .bind(&token_hash)
        .bind(kind.as_str())
        .bind(now)
        .bind(now.saturating_sub(lifetimes.max_ms))
        .fetch_optional(&db.read)
        .await?
    else {
        return Ok(None);
    };
    let user_id: String = row.try_get("user_id")?;
    let created: i64 = row.try_get("created_ms")?;
    let last_seen: i64 = row.try_get("last_seen_ms")?;
    let user = CurrentUser {
        grants: list_grants(db, &user_id).await?,
        display_name: row.try_get("full_name")?,
        kind: UserKind::parse(&row.try_get::<String, _>("kind")?).unwrap_or(UserKind::Citizen),
        lang: Lang::parse(&row.try_get::<String, _>("lang")?).unwrap_or_default(),
        id: user_id,
    };
    if kind == SessionKind::Web && now - last_seen > TOUCH_EVERY_MS {
        sqlx::query(TOUCH_SESSION)
            .bind(&token_hash)
            .bind(now)
            .bind(lifetimes.web_expiry(created, now))
            .execute(&db.write)
            .await?;
    }
    Ok(Some(user))
}

pub async fn list_grants(db: &Db, user_id: &str) -> Result<Vec<RoleGrant>, sqlx::Error> {
    let rows = sqlx::query(LIST_GRANTS)
        .bind(user_id)
        .fetch_all(&db.read)
        .await?;
    let mut grants = Vec::with_capacity(rows.len());
    for row in rows {
        // A role name this build does not know (written by a newer node) grants nothing here.
        if let Some(role) = Role::parse(&row.try_get::<String, _>("role")?) {
            grants.push(RoleGrant {
                role,
                agency_id: row.try_get("agency_id")?,
                agency_code: row.try_get("code")?,
            });
        }
    }
    Ok(grants)
}

/// Ends one session (logout).
pub async fn delete_session(conn: &mut AnyConnection, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(ids::sha256_hex(token.as_bytes()))
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of a person (password reset, admin password reset, account disabled).
/// Role changes need none: grants are read afresh on every request (`find_session_user` →
/// `list_grants`), so a grant or revocation applies to the very next request.
pub async fn delete_user_sessions(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}
