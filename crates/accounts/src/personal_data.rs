//! The account's own part of a citizen's data export and deletion (UU 27/2022): the profile and
//! notifications; on deletion, the user row is anonymised and every way in (sessions, API tokens,
//! reset codes) is removed. Other capabilities handle their own tables.

use platform::{auth::password::verify_password, clock, db::Db, personal::json_rows};
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row as _};

/// Profile and notifications of `user_id`, as shown to that person only.
pub async fn export(db: &Db, user_id: &str) -> Result<Value, sqlx::Error> {
    let profile = sqlx::query(
        "SELECT id, full_name, nik, email, phone, lang, created_ms FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_all(&db.read)
    .await?;
    let profile = json_rows(
        &profile,
        &["id", "full_name", "nik", "email", "phone", "lang"],
        &["created_ms"],
    )?;
    let notifications = sqlx::query(
        "SELECT subject, body, created_ms, read_ms FROM notifications WHERE user_id = $1 ORDER BY created_ms",
    )
    .bind(user_id)
    .fetch_all(&db.read)
    .await?;
    Ok(json!({
        "profile": profile.into_iter().next().unwrap_or(Value::Null),
        "notifications": json_rows(&notifications, &["subject", "body"], &["created_ms", "read_ms"])?,
    }))
}

/// Whether `password` is the account's current password.
pub async fn password_matches(db: &Db, user_id: &str, password: &str) -> Result<bool, sqlx::Error> {
    let hash: Option<String> = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.read)
        .await?
        .map(|row| row.try_get("password_hash"))
        .transpose()?;
    Ok(verify_password(password.to_string(), hash).await)
}

/// Anonymises the account inside the caller's transaction: email, phone, username and password
/// hash erased (nobody can sign in), the account disabled and marked deleted. Under `legal_hold`
/// the name and NIK stay, because issued documents carrying them must remain verifiable;
/// otherwise the name is replaced and the NIK erased too.
pub async fn erase(
    conn: &mut AnyConnection,
    user_id: &str,
    legal_hold: bool,
    replacement_name: &str,
) -> Result<(), sqlx::Error> {
    let now = clock::now_ms();
    let sql = if legal_hold {
        "UPDATE users SET email = NULL, phone = NULL, username = NULL, password_hash = '', disabled = 1, \
         deleted_ms = $2, legal_hold = 1, updated_ms = $2 WHERE id = $1"
    } else {
        "UPDATE users SET email = NULL, phone = NULL, username = NULL, password_hash = '', disabled = 1, \
         nik = NULL, full_name = $3, deleted_ms = $2, legal_hold = 0, updated_ms = $2 WHERE id = $1"
    };
    let query = sqlx::query(sql).bind(user_id).bind(now);
    let query = if legal_hold {
        query
    } else {
        query.bind(replacement_name)
    };
    query.execute(&mut *conn).await?;
    for statement in [
        "DELETE FROM sessions WHERE user_id = $1",
        "DELETE FROM password_resets WHERE user_id = $1",
        "DELETE FROM notifications WHERE user_id = $1",
    ] {
        sqlx::query(statement)
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
