//! Deleting a citizen's account on request. Refused, with nothing changed, while an application
//! is in progress. Otherwise, in one transaction: drafts and locker entries deleted, booked
//! appointments cancelled (seats released), subscriptions and the calendar token deleted, every
//! session and API token ended, and the account anonymised. Documents already issued must stay
//! verifiable and are archived, so under legal hold the name and NIK stay on the account row
//! that those documents point to; without issued documents the NIK is erased as well.
//! The audit entry carries ids and counts only.

use platform::{AppState, audit, auth::CurrentUser};
use serde::Serialize;

use crate::PrivacyError;

/// The words that confirm a deletion: Indonesian and English.
pub const CONFIRMATION_WORDS: [&str; 2] = ["HAPUS", "DELETE"];

/// What stays after a deletion's anonymisation: this name replaces the person's.
const REPLACEMENT_NAME: &str = "Pengguna terhapus";

/// What the deletion did.
#[derive(Clone, Copy, Debug, Serialize, utoipa::ToSchema)]
pub struct Deleted {
    /// True when documents had been issued: name and NIK are kept for them.
    pub legal_hold: bool,
    /// Booked appointments that were cancelled.
    pub appointments_cancelled: u64,
}

/// Deletes the account of `who` after checking the password and (from the web form) the
/// confirmation word.
#[tracing::instrument(skip_all, fields(user.id = %who.id))]
pub async fn delete_account(
    app: &AppState,
    who: &CurrentUser,
    password: &str,
    confirmation: Option<&str>,
) -> Result<Deleted, PrivacyError> {
    if !who.is_citizen() {
        return Err(PrivacyError::StaffAccount);
    }
    if !accounts::personal_data::password_matches(&app.db, &who.id, password).await? {
        return Err(PrivacyError::WrongPassword);
    }
    if let Some(word) = confirmation {
        let word = word.trim();
        if !CONFIRMATION_WORDS
            .iter()
            .any(|w| w.eq_ignore_ascii_case(word))
        {
            return Err(PrivacyError::WrongConfirmation);
        }
    }
    let contacts = accounts::personal_data::export(&app.db, &who.id).await?;
    let email = contacts["profile"]["email"].as_str().map(str::to_string);
    let phone = contacts["profile"]["phone"].as_str().map(str::to_string);
    let mut tx = app.db.begin().await?;
    let count = services::personal_data::in_progress_count(&mut tx, &who.id).await?;
    if count > 0 {
        // Dropping the transaction rolls it back: nothing was changed.
        return Err(PrivacyError::ApplicationsInProgress { count });
    }
    let legal_hold = services::personal_data::has_issued_documents(&mut tx, &who.id).await?;
    services::personal_data::erase(&mut tx, &who.id).await?;
    let appointments_cancelled = queue::personal_data::erase(&mut tx, &who.id).await?;
    announcements::personal_data::erase(&mut tx, &who.id, email.as_deref(), phone.as_deref())
        .await?;
    collaboration::personal_data::erase(&mut tx, &who.id).await?;
    accounts::personal_data::erase(&mut tx, &who.id, legal_hold, REPLACEMENT_NAME).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: if legal_hold {
                "account.deleted_with_hold"
            } else {
                "account.deleted"
            },
            subject: &format!("user:{}", who.id),
            detail: serde_json::json!({
                "legal_hold": legal_hold,
                "appointments_cancelled": appointments_cancelled,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        legal_hold,
        appointments_cancelled,
        "account deleted on request"
    );
    Ok(Deleted {
        legal_hold,
        appointments_cancelled,
    })
}
