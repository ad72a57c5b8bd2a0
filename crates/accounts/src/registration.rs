//! Citizen self-registration: checks every field, refuses a NIK, email or phone already
//! registered, stores the account with an argon2id hash, and records it in the audit chain with
//! a welcome notification, all in one transaction.

use platform::{
    AppState, audit,
    auth::password,
    db,
    outbox::{self, Channel},
    web::i18n::{Lang, Tr},
};

use crate::{
    error::AccountsError,
    model::RegistrationInput,
    store::{self, NewUser},
};

/// Registers a citizen; returns the new account's id.
#[tracing::instrument(skip_all)]
pub async fn register_citizen(
    app: &AppState,
    input: &RegistrationInput,
    lang: Lang,
) -> Result<String, AccountsError> {
    let registration = input.check().map_err(AccountsError::Invalid)?;
    let nik = registration.nik.expose();
    let email = registration.email.as_ref().map(|e| e.expose());
    let phone = registration.phone.as_ref().map(|p| p.expose());
    let taken = store::find_taken(&app.db, Some(nik), email, phone, None).await?;
    if !taken.is_empty() {
        return Err(AccountsError::Taken(taken));
    }
    let hash = password::hash_password(registration.password.clone()).await?;
    let tr = Tr::new(lang, app.catalogue.clone());

    let mut tx = app.db.begin().await?;
    let inserted = store::insert_user(
        &mut tx,
        &NewUser {
            kind: "citizen",
            full_name: &registration.full_name,
            username: None,
            nik: Some(nik),
            email,
            phone,
            password_hash: &hash,
            lang: lang.code(),
        },
    )
    .await;
    let user_id = match inserted {
        Ok(id) => id,
        // Two registrations raced for the same NIK/email/phone: the later one learns which.
        Err(error) if db::is_unique_violation(&error) => {
            drop(tx);
            let taken = store::find_taken(&app.db, Some(nik), email, phone, None).await?;
            return Err(AccountsError::Taken(taken));
        }
        Err(error) => return Err(error.into()),
    };
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user_id),
            action: "account.registered",
            subject: &format!("user:{user_id}"),
            detail: serde_json::json!({ "kind": "citizen" }),
        },
    )
    .await?;
    outbox::enqueue(
        &mut tx,
        outbox::Message {
            channel: Channel::InApp,
            user_id: Some(&user_id),
            address: None,
            subject: tr.t("accounts.welcome_subject"),
            body: tr.t("accounts.welcome_body"),
        },
    )
    .await?;
    tx.commit().await?;
    app.outbox_signal.notify_one();
    tracing::info!(user.id = %user_id, "citizen registered");
    Ok(user_id)
}
