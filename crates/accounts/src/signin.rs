//! Signing in and out. Failed attempts are counted per login identifier and per client address
//! (hashed, never stored in clear); past the limit the account is locked for a while, its owner
//! is told through the outbox, and even the right password waits until the lock ends.

use platform::{
    AppState, audit,
    auth::{
        password,
        session::{self, SessionKind},
    },
    clock, ids,
    outbox::{self, Channel},
};

use crate::{
    error::AccountsError,
    store::{self, UserRow},
};

/// Failures within this window count towards a lock.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failed attempts on one identifier before it locks.
pub const ACCOUNT_LIMIT: i64 = 5;
/// Failed attempts from one client address before it is held back.
pub const ADDRESS_LIMIT: i64 = 30;

/// Failures count per account when the identifier names one (whatever form it was typed in:
/// NIK, email, phone in any notation), otherwise per typed identifier.
pub(crate) fn login_subject(user_id: Option<&str>, identifier: &str) -> String {
    match user_id {
        Some(id) => ids::sha256_hex(format!("user:{id}").as_bytes()),
        None => ids::sha256_hex(format!("login:{}", identifier.trim().to_lowercase()).as_bytes()),
    }
}

fn address_subject(address: &str) -> String {
    ids::sha256_hex(format!("addr:{address}").as_bytes())
}

/// Fails with `Locked` when `subject` has `limit` failures in the window.
async fn check_throttle(app: &AppState, subject: &str, limit: i64) -> Result<(), AccountsError> {
    let since = clock::now_ms() - WINDOW_MS;
    let (count, oldest) = platform::throttle::count_failures(&app.db, subject, since).await?;
    if count >= limit {
        return Err(AccountsError::Locked {
            until_ms: oldest.unwrap_or_else(clock::now_ms) + WINDOW_MS,
        });
    }
    Ok(())
}

/// Checks a login identifier (NIK, email, phone or username) and password.
#[tracing::instrument(skip_all)]
pub async fn authenticate(
    app: &AppState,
    identifier: &str,
    password_text: &str,
    client_address: &str,
) -> Result<UserRow, AccountsError> {
    if identifier.trim().is_empty() || password_text.is_empty() {
        let mut problems = Vec::new();
        if identifier.trim().is_empty() {
            problems.push(("login", "accounts.login_required"));
        }
        if password_text.is_empty() {
            problems.push(("password", "accounts.password_required"));
        }
        return Err(AccountsError::Invalid(problems));
    }
    let user = store::find_by_login(&app.db, identifier).await?;
    let login_key = login_subject(user.as_ref().map(|u| u.id.as_str()), identifier);
    let address_key = address_subject(client_address);
    check_throttle(app, &login_key, ACCOUNT_LIMIT).await?;
    check_throttle(app, &address_key, ADDRESS_LIMIT).await?;

    let hash = user.as_ref().map(|u| u.password_hash.clone());
    if password::verify_password(password_text.to_string(), hash).await {
        let user = user.ok_or(AccountsError::BadCredentials)?;
        if user.disabled {
            return Err(AccountsError::Invalid(vec![("login", "accounts.disabled")]));
        }
        let mut tx = app.db.begin().await?;
        platform::throttle::clear_failures(&mut tx, &login_key).await?;
        tx.commit().await?;
        return Ok(user);
    }

    // A failure: count it, audit it, and tell the owner when this one locks the account.
    let since = clock::now_ms() - WINDOW_MS;
    let (before, oldest) = platform::throttle::count_failures(&app.db, &login_key, since).await?;
    let locks_now = before + 1 >= ACCOUNT_LIMIT;
    let mut tx = app.db.begin().await?;
    platform::throttle::record_failure(&mut tx, &login_key).await?;
    platform::throttle::record_failure(&mut tx, &address_key).await?;
    let subject = user
        .as_ref()
        .map_or_else(|| "user:unknown".to_string(), |u| format!("user:{}", u.id));
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: None,
            action: "login.failed",
            subject: &subject,
            detail: serde_json::json!({ "locked": locks_now }),
        },
    )
    .await?;
    if locks_now && let Some(user) = &user {
        let tr = crate::notice::tr_for(app, user);
        let body = tr.t("accounts.lock_notice_body");
        let subject = tr.t("accounts.lock_notice_subject");
        outbox::enqueue(
            &mut tx,
            outbox::Message {
                channel: Channel::InApp,
                user_id: Some(&user.id),
                address: None,
                subject,
                body,
            },
        )
        .await?;
        if let Some(email) = &user.email {
            outbox::enqueue(
                &mut tx,
                outbox::Message {
                    channel: Channel::Email,
                    user_id: Some(&user.id),
                    address: Some(email),
                    subject,
                    body,
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    app.outbox_signal.notify_one();
    if locks_now {
        return Err(AccountsError::Locked {
            until_ms: oldest.unwrap_or_else(clock::now_ms) + WINDOW_MS,
        });
    }
    Err(AccountsError::BadCredentials)
}

/// Starts a session for `user` and returns its secret token.
pub async fn start_session(
    app: &AppState,
    user: &UserRow,
    kind: SessionKind,
) -> Result<String, AccountsError> {
    // Web sessions slide with use up to the absolute limit; API tokens last exactly that limit
    // (12 h by default), then the client signs in again.
    let lifetimes = session::Lifetimes::of(&app.settings);
    let mut tx = app.db.begin().await?;
    let token = session::create_session(&mut tx, &user.id, kind, lifetimes).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "login.succeeded",
            subject: &format!("user:{}", user.id),
            detail: serde_json::json!({ "session": if kind == SessionKind::Web { "web" } else { "api" } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Ends the session behind `token`.
pub async fn end_session(app: &AppState, user_id: &str, token: &str) -> Result<(), AccountsError> {
    let mut tx = app.db.begin().await?;
    session::delete_session(&mut tx, token).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(user_id),
            action: "logout",
            subject: &format!("user:{user_id}"),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
