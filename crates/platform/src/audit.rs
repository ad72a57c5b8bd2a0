//! The audit log: every state change appends an entry in the same transaction as the change.
//! Entries form a hash chain: each stores the SHA-256 of the previous entry's hash and its own
//! fields, and `audit_head` holds the last sequence number and hash. Editing, removing or
//! reordering any row breaks the chain, and [`verify`] names the first broken entry.
//!
//! Appending locks the single `audit_head` row (`UPDATE … RETURNING`), so concurrent writers on
//! several nodes get consecutive sequence numbers. Entries hold ids, never personal data.

use serde::Serialize;
use sha2::{Digest as _, Sha256};
use sqlx::{AnyConnection, Row as _};

use crate::{clock, db::Db};

/// What happened, by whom, to what.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    /// The acting user's id; `None` for the system or an anonymous visitor.
    pub actor_id: Option<&'a str>,
    /// Dotted action name: `account.created`, `role.granted`, `login.failed`.
    pub action: &'a str,
    /// What was changed: `user:<id>`, `agency:<id>`.
    pub subject: &'a str,
    /// Extra facts as JSON (ids and codes only).
    pub detail: serde_json::Value,
}

const ADVANCE_HEAD: &str = "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash";
const SET_HEAD_HASH: &str = "UPDATE audit_head SET hash = $1 WHERE id = 1";
const INSERT_ENTRY: &str = "INSERT INTO audit_log (seq, at_ms, actor_id, action, subject, detail, prev_hash, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Appends `entry`; call inside the transaction that makes the change.
pub async fn record(conn: &mut AnyConnection, entry: Entry<'_>) -> Result<i64, sqlx::Error> {
    let head = sqlx::query(ADVANCE_HEAD).fetch_one(&mut *conn).await?;
    let seq: i64 = head.try_get("seq")?;
    let prev_hash: String = head.try_get("hash")?;
    let at_ms = clock::now_ms();
    let detail = entry.detail.to_string();
    let hash = entry_hash(
        &prev_hash,
        seq,
        at_ms,
        entry.actor_id,
        entry.action,
        entry.subject,
        &detail,
    );
    sqlx::query(INSERT_ENTRY)
        .bind(seq)
        .bind(at_ms)
        .bind(entry.actor_id)
        .bind(entry.action)
        .bind(entry.subject)
        .bind(&detail)
        .bind(&prev_hash)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    sqlx::query(SET_HEAD_HASH)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    Ok(seq)
}

/// The hash of one entry. Fields are separated by the unit separator so no two different
/// entries can produce the same input.
fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at_ms: i64,
    actor_id: Option<&str>,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let mut hasher = Sha256::new();
    for part in [
        prev_hash,
        &seq.to_string(),
        &at_ms.to_string(),
        actor_id.unwrap_or(""),
        action,
        subject,
        detail,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hex::encode(hasher.finalize())
}

/// A stored entry, for the audit page and the verifier.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StoredEntry {
    pub seq: i64,
    pub at_ms: i64,
    pub actor_id: Option<String>,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

const LIST_FROM: &str = "SELECT seq, at_ms, actor_id, action, subject, detail, prev_hash, hash \
     FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2";
const LIST_RECENT: &str = "SELECT seq, at_ms, actor_id, action, subject, detail, prev_hash, hash \
     FROM audit_log ORDER BY seq DESC LIMIT $1";

fn stored(row: &sqlx::any::AnyRow) -> Result<StoredEntry, sqlx::Error> {
    Ok(StoredEntry {
        seq: row.try_get("seq")?,
        at_ms: row.try_get("at_ms")?,
        actor_id: row.try_get("actor_id")?,
        action: row.try_get("action")?,
        subject: row.try_get("subject")?,
        detail: row.try_get("detail")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// The newest entries first.
pub async fn list_recent(db: &Db, limit: i64) -> Result<Vec<StoredEntry>, sqlx::Error> {
    let rows = sqlx::query(LIST_RECENT)
        .bind(limit)
        .fetch_all(&db.read)
        .await?;
    rows.iter().map(stored).collect()
}

/// Where the chain breaks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {seq}: its content does not match its hash (edited)")]
    Edited { seq: i64 },
    #[error("entry {seq}: does not follow entry {previous} (an entry was removed or reordered)")]
    Gap { seq: i64, previous: i64 },
    #[error("entry {seq}: its link to the previous entry is wrong")]
    BrokenLink { seq: i64 },
    #[error(
        "the chain ends at entry {last} but the head records entry {head} (entries removed at the end)"
    )]
    Truncated { last: i64, head: i64 },
}

/// Result of a full walk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyReport {
    pub entries: i64,
    pub head_hash: String,
}

/// Walks the whole chain in order, in pages; `progress` is told how many entries were checked.
pub async fn verify(
    db: &Db,
    mut progress: impl FnMut(i64),
) -> Result<Result<VerifyReport, ChainBreak>, sqlx::Error> {
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(&db.read)
        .await?;
    let head_seq: i64 = head.try_get("seq")?;
    let head_hash: String = head.try_get("hash")?;
    let mut previous_seq = 0_i64;
    let mut previous_hash = "0".repeat(64);
    loop {
        let rows = sqlx::query(LIST_FROM)
            .bind(previous_seq)
            .bind(1000_i64)
            .fetch_all(&db.read)
            .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let entry = stored(row)?;
            if entry.seq != previous_seq + 1 {
                return Ok(Err(ChainBreak::Gap {
                    seq: entry.seq,
                    previous: previous_seq,
                }));
            }
            if entry.prev_hash != previous_hash {
                return Ok(Err(ChainBreak::BrokenLink { seq: entry.seq }));
            }
            let expected = entry_hash(
                &entry.prev_hash,
                entry.seq,
                entry.at_ms,
                entry.actor_id.as_deref(),
                &entry.action,
                &entry.subject,
                &entry.detail,
            );
            if expected != entry.hash {
                return Ok(Err(ChainBreak::Edited { seq: entry.seq }));
            }
            previous_seq = entry.seq;
            previous_hash = entry.hash;
        }
        progress(previous_seq);
    }
    if previous_seq != head_seq || (head_seq > 0 && previous_hash != head_hash) {
        return Ok(Err(ChainBreak::Truncated {
            last: previous_seq,
            head: head_seq,
        }));
    }
    Ok(Ok(VerifyReport {
        entries: previous_seq,
        head_hash,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_on_every_field() {
        let base = entry_hash("p", 1, 2, Some("a"), "x", "s", "{}");
        assert_ne!(base, entry_hash("q", 1, 2, Some("a"), "x", "s", "{}"));
        assert_ne!(base, entry_hash("p", 2, 2, Some("a"), "x", "s", "{}"));
        assert_ne!(base, entry_hash("p", 1, 2, None, "x", "s", "{}"));
        assert_ne!(base, entry_hash("p", 1, 2, Some("a"), "xs", "", "{}"));
    }
}
