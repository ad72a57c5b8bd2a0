//! Announcements' part of a citizen's data export and deletion (UU 27/2022): the person's
//! subscriptions (by account or by their account's email or phone). On deletion they are
//! deleted with their delivery records, so nothing is sent to the address again.

use platform::{db::Db, personal::json_rows};
use serde_json::{Value, json};
use sqlx::AnyConnection;

const OWN: &str =
    "(user_id = $1 OR (channel = 'email' AND address = $2) OR (channel = 'sms' AND address = $3))";

/// Subscriptions of `user_id` (or to the given email or phone).
pub async fn export(
    db: &Db,
    user_id: &str,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<Value, sqlx::Error> {
    let sql = format!(
        "SELECT channel, address, categories, lang, active, created_ms FROM announcement_subscriptions \
         WHERE {OWN} ORDER BY created_ms"
    );
    let rows = sqlx::query(&sql)
        .bind(user_id)
        .bind(email.unwrap_or(""))
        .bind(phone.unwrap_or(""))
        .fetch_all(&db.read)
        .await?;
    Ok(json!(json_rows(
        &rows,
        &["channel", "address", "categories", "lang"],
        &["active", "created_ms"],
    )?))
}

/// Inside the caller's transaction: deletes the subscriptions and their delivery records.
pub async fn erase(
    conn: &mut AnyConnection,
    user_id: &str,
    email: Option<&str>,
    phone: Option<&str>,
) -> Result<(), sqlx::Error> {
    let deliveries = format!(
        "DELETE FROM announcement_deliveries WHERE subscription_id IN \
         (SELECT id FROM announcement_subscriptions WHERE {OWN})"
    );
    let subscriptions = format!("DELETE FROM announcement_subscriptions WHERE {OWN}");
    for statement in [deliveries, subscriptions] {
        sqlx::query(&statement)
            .bind(user_id)
            .bind(email.unwrap_or(""))
            .bind(phone.unwrap_or(""))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
