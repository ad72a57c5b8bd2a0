//! API keys of partner apps that file complaints through Open311. A key is shown once when it is
//! issued; only its SHA-256 is stored. Superadmins and service admins issue and revoke keys;
//! every issue and revocation is audited.

use platform::{AppState, audit, auth::CurrentUser, ids};

use crate::{error::ComplaintError, office, store};

pub use crate::store::KeyRow;

fn require_admin(who: &CurrentUser) -> Result<(), ComplaintError> {
    if office::is_complaint_staff(who) {
        Ok(())
    } else {
        Err(ComplaintError::Forbidden)
    }
}

fn hash(key: &str) -> String {
    ids::sha256_hex(key.trim().as_bytes())
}

/// Every key, newest first (never the key itself).
pub async fn list(app: &AppState, who: &CurrentUser) -> Result<Vec<KeyRow>, ComplaintError> {
    require_admin(who)?;
    Ok(store::list_keys(&app.db).await?)
}

/// Issues a key for the partner app `label`; returns (id, key). The key is never shown again.
pub async fn issue(
    app: &AppState,
    who: &CurrentUser,
    label: &str,
) -> Result<(String, String), ComplaintError> {
    require_admin(who)?;
    let label = label.trim();
    if !(3..=100).contains(&label.chars().count()) {
        return Err(ComplaintError::Invalid(vec![(
            "label",
            "complaints.key_label_required",
        )]));
    }
    let key = format!("o311_{}", ids::random_secret());
    let id = ids::new_id();
    let mut tx = app.db.begin().await?;
    store::insert_key(&mut tx, &id, label, &hash(&key), Some(&who.id)).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "open311_key.issued",
            subject: &format!("open311_key:{id}"),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((id, key))
}

/// Revokes key `id`; a key already revoked (or unknown) is "not found".
pub async fn revoke(app: &AppState, who: &CurrentUser, id: &str) -> Result<(), ComplaintError> {
    require_admin(who)?;
    let mut tx = app.db.begin().await?;
    if !store::revoke_key(&mut tx, id).await? {
        return Err(ComplaintError::NotFound);
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "open311_key.revoked",
            subject: &format!("open311_key:{id}"),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The id of the live key `key`, if it is one.
pub async fn verify(app: &AppState, key: &str) -> Result<Option<String>, ComplaintError> {
    if key.trim().is_empty() {
        return Ok(None);
    }
    Ok(store::find_live_key(&app.db, &hash(key)).await?)
}

/// Stores a key chosen by the operator (the demo's documented key); nothing when it exists.
pub async fn ensure_fixed_key(
    app: &AppState,
    label: &str,
    key: &str,
) -> Result<bool, ComplaintError> {
    if store::key_hash_exists(&app.db, &hash(key)).await? {
        return Ok(false);
    }
    let id = ids::new_id();
    let mut tx = app.db.begin().await?;
    store::insert_key(&mut tx, &id, label, &hash(key), None).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: None,
            action: "open311_key.issued",
            subject: &format!("open311_key:{id}"),
            detail: serde_json::json!({ "demo": true }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
