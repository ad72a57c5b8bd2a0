//! Tells account holders when something about their sign-in changed (ASVS 2.2.3, 2.5.5): a
//! completed reset, a password reset by a superadmin, a role granted or revoked. The notice goes
//! in the app and by email, or by SMS when the account has no email, so that someone who took
//! the account over is not the only one to see it. Queued in the caller's transaction.

use platform::{
    AppState,
    outbox::{self, Channel},
    web::i18n::{Lang, Tr},
};
use sqlx::AnyConnection;

use crate::store::UserRow;

/// The catalogue in `user`'s language.
pub fn tr_for(app: &AppState, user: &UserRow) -> Tr {
    Tr::new(
        Lang::parse(&user.lang).unwrap_or_default(),
        app.catalogue.clone(),
    )
}

/// Where `user` is reached outside the app: their email, or else their phone by SMS.
pub fn out_of_band(user: &UserRow) -> Option<(Channel, &str)> {
    match (&user.email, &user.phone) {
        (Some(email), _) => Some((Channel::Email, email.as_str())),
        (None, Some(phone)) => Some((Channel::Sms, phone.as_str())),
        (None, None) => None,
    }
}

/// Queues `subject` and `body` for `user`: in-app, plus email or else SMS.
pub async fn account_changed(
    conn: &mut AnyConnection,
    user: &UserRow,
    subject: &str,
    body: &str,
) -> Result<(), sqlx::Error> {
    let channels = std::iter::once((Channel::InApp, None))
        .chain(out_of_band(user).map(|(channel, address)| (channel, Some(address))));
    for (channel, address) in channels {
        outbox::enqueue(
            &mut *conn,
            outbox::Message {
                channel,
                user_id: Some(&user.id),
                address,
                subject,
                body,
            },
        )
        .await?;
    }
    Ok(())
}
