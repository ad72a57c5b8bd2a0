//! Forgotten passwords: a 6-digit one-time code, valid 10 minutes, sent by email (or SMS when
//! the account has no email) through the outbox. The page never says whether an account exists.
//! Five wrong codes void the code; a client address with many failures is held back.

use platform::{
    AppState, audit,
    auth::{password, session},
    clock, ids, outbox,
};
use rand::Rng as _;

use crate::{error::AccountsError, model, notice, store};

/// ASVS 2.7.2: an out-of-band code lives at most 10 minutes.
const CODE_LIFETIME_MS: i64 = 10 * 60 * 1000;
const MAX_CODE_ATTEMPTS: i64 = 5;
const MAX_REQUESTS_PER_HOUR: i64 = 3;
const ADDRESS_LIMIT: i64 = 20;

fn code_hash(user_id: &str, code: &str) -> String {
    ids::sha256_hex(format!("reset:{user_id}:{}", code.trim()).as_bytes())
}

fn address_subject(address: &str) -> String {
    ids::sha256_hex(format!("reset-addr:{address}").as_bytes())
}

/// Sends a code if the identifier names an account with an email or phone; silent otherwise.
#[tracing::instrument(skip_all)]
pub async fn request_reset(app: &AppState, identifier: &str) -> Result<(), AccountsError> {
    if identifier.trim().is_empty() {
        return Err(AccountsError::Invalid(vec![(
            "login",
            "accounts.login_required",
        )]));
    }
    let Some(user) = store::find_by_login(&app.db, identifier).await? else {
        return Ok(());
    };
    let hour_ago = clock::now_ms() - 3_600_000;
    if user.disabled
        || store::count_recent_resets(&app.db, &user.id, hour_ago).await? >= MAX_REQUESTS_PER_HOUR
    {
        return Ok(());
    }
    let Some((channel, address)) = notice::out_of_band(&user) else {
        return Ok(());
    };
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000));
    let tr = notice::tr_for(app, &user);
    let body = tr.f("accounts.reset_code_body", &[("code", &code)]);

    let mut tx = app.db.begin().await?;
    store::insert_reset(
        &mut tx,
        &user.id,
        &code_hash(&user.id, &code),
        clock::now_ms() + CODE_LIFETIME_MS,
    )
    .await?;
    outbox::enqueue(
        &mut tx,
        outbox::Message {
            channel,
            user_id: Some(&user.id),
            address: Some(address),
            subject: tr.t("accounts.reset_code_subject"),
            body: &body,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: None,
            action: "password_reset.requested",
            subject: &format!("user:{}", user.id),
            detail: serde_json::json!({ "channel": channel.as_str() }),
        },
    )
    .await?;
    tx.commit().await?;
    app.outbox_signal.notify_one();
    Ok(())
}

/// What the person types on the reset page.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ResetInput {
    pub login: String,
    pub code: String,
    pub password: String,
    pub password_confirm: String,
}

/// Sets a new password when the code is right; ends every session of the account.
#[tracing::instrument(skip_all)]
pub async fn complete_reset(
    app: &AppState,
    input: &ResetInput,
    client_address: &str,
) -> Result<(), AccountsError> {
    let mut problems = Vec::new();
    if input.login.trim().is_empty() {
        problems.push(("login", "accounts.login_required"));
    }
    if input.code.trim().is_empty() {
        problems.push(("code", "accounts.reset_code_required"));
    }
    if input.password.is_empty() {
        problems.push(("password", "accounts.password_required"));
    } else if let Err(key) = model::check_password(&input.password, &[]) {
        problems.push(("password", key));
    } else if input.password != input.password_confirm {
        problems.push(("password_confirm", "accounts.password_mismatch"));
    }
    if !problems.is_empty() {
        return Err(AccountsError::Invalid(problems));
    }
    let address_key = address_subject(client_address);
    let (failures, oldest) =
        platform::throttle::count_failures(&app.db, &address_key, clock::now_ms() - 3_600_000)
            .await?;
    if failures >= ADDRESS_LIMIT {
        return Err(AccountsError::Locked {
            until_ms: oldest.unwrap_or_else(clock::now_ms) + 3_600_000,
        });
    }
    let user = store::find_by_login(&app.db, &input.login).await?;
    let hash = password::hash_password(input.password.clone()).await?;

    let mut tx = app.db.begin().await?;
    let live = match &user {
        Some(user) => store::find_live_reset(&mut tx, &user.id, clock::now_ms()).await?,
        None => None,
    };
    let (Some(user), Some((reset_id, stored_hash, attempts))) = (user, live) else {
        platform::throttle::record_failure(&mut tx, &address_key).await?;
        tx.commit().await?;
        return Err(AccountsError::ResetCodeInvalid);
    };
    if code_hash(&user.id, &input.code) != stored_hash {
        store::update_reset_attempt(&mut tx, &reset_id, attempts + 1 >= MAX_CODE_ATTEMPTS).await?;
        platform::throttle::record_failure(&mut tx, &address_key).await?;
        tx.commit().await?;
        return Err(AccountsError::ResetCodeInvalid);
    }
    // Exactly one use, even when the same code is sent twice at once.
    if !store::update_reset_used(&mut tx, &reset_id).await? {
        return Err(AccountsError::ResetCodeInvalid);
    }
    store::update_password(&mut tx, &user.id, &hash).await?;
    session::delete_user_sessions(&mut tx, &user.id).await?;
    // A new password ends a lock-out caused by guesses at the old one.
    platform::throttle::clear_failures(
        &mut tx,
        &crate::signin::login_subject(Some(&user.id), &input.login),
    )
    .await?;
    // In the app and by email or SMS: if someone else reset it, the owner still hears of it.
    let tr = notice::tr_for(app, &user);
    notice::account_changed(
        &mut tx,
        &user,
        tr.t("accounts.password_changed_subject"),
        tr.t("accounts.password_changed_body"),
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "password_reset.completed",
            subject: &format!("user:{}", user.id),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    app.outbox_signal.notify_one();
    Ok(())
}
