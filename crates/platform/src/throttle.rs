//! Counting failed attempts (logins, reset codes, tracking look-ups) per subject, in the
//! database so that every node sees the same count. Subjects are hashed: the table never holds
//! a login name, a tracking number or an address in clear.

use sqlx::{AnyConnection, Row as _};

use crate::{clock, db::Db, ids};

/// The stored form of a subject such as `"track-addr:10.1.2.3"`.
pub fn subject(raw: &str) -> String {
    ids::sha256_hex(raw.as_bytes())
}

pub async fn record_failure(
    conn: &mut AnyConnection,
    subject_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_failures (id, subject_hash, at_ms) VALUES ($1, $2, $3)")
        .bind(ids::new_id())
        .bind(subject_hash)
        .bind(clock::now_ms())
        .execute(conn)
        .await?;
    Ok(())
}

/// Failures since `since_ms`, and the time of the oldest of them.
pub async fn count_failures(
    db: &Db,
    subject_hash: &str,
    since_ms: i64,
) -> Result<(i64, Option<i64>), sqlx::Error> {
    let row = sqlx::query("SELECT COUNT(*) AS n, MIN(at_ms) AS oldest FROM login_failures WHERE subject_hash = $1 AND at_ms > $2")
        .bind(subject_hash)
        .bind(since_ms)
        .fetch_one(&db.read)
        .await?;
    Ok((row.try_get("n")?, row.try_get("oldest")?))
}

pub async fn clear_failures(
    conn: &mut AnyConnection,
    subject_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE subject_hash = $1")
        .bind(subject_hash)
        .execute(conn)
        .await?;
    Ok(())
}
