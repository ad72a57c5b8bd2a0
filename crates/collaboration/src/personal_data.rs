//! Collaboration's part of a citizen's data export and deletion (UU 27/2022): event
//! registrations; on deletion the private calendar feed token goes.

use platform::{db::Db, personal::json_rows};
use serde_json::{Value, json};
use sqlx::AnyConnection;

/// Event registrations of `user_id`.
pub async fn export(db: &Db, user_id: &str) -> Result<Value, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT e.title AS event_title, r.status, r.registered_ms, r.waitlisted_ms, r.checked_in_ms \
         FROM event_registrations r JOIN events e ON e.id = r.event_id \
         WHERE r.user_id = $1 ORDER BY r.registered_ms",
    )
    .bind(user_id)
    .fetch_all(&db.read)
    .await?;
    Ok(json!(json_rows(
        &rows,
        &["event_title", "status"],
        &["registered_ms", "waitlisted_ms", "checked_in_ms"],
    )?))
}

/// Inside the caller's transaction: removes the person's calendar feed token.
pub async fn erase(conn: &mut AnyConnection, user_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM calendar_tokens WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}
