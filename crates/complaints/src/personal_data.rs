//! The complaints' part of a citizen's data export (UU 27/2022): the complaints they filed while
//! signed in. They stay after deletion as the office's record, linked only to the anonymised
//! account.

use platform::{db::Db, personal::json_rows};
use serde_json::{Value, json};

/// Complaints filed by `user_id`.
pub async fn export(db: &Db, user_id: &str) -> Result<Value, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT number, category_code, service_code, channel, description, address, kelurahan_code, \
         status, status_note, response, created_ms, responded_ms, closed_ms \
         FROM complaints WHERE complainant_id = $1 ORDER BY created_ms",
    )
    .bind(user_id)
    .fetch_all(&db.read)
    .await?;
    Ok(json!(json_rows(
        &rows,
        &[
            "number",
            "category_code",
            "service_code",
            "channel",
            "description",
            "address",
            "kelurahan_code",
            "status",
            "status_note",
            "response",
        ],
        &["created_ms", "responded_ms", "closed_ms"],
    )?))
}
