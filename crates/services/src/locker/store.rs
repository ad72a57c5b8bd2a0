//! SQL for `locker_documents`.

use platform::{clock, db::Db, ids};
use sqlx::AnyConnection;

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct LockerDocument {
    pub id: String,
    #[serde(skip)]
    pub owner_id: String,
    /// What the file is, e.g. "KTP" or the requirement it was first uploaded for.
    pub label: String,
    pub blob_sha256: String,
    /// `pdf`, `jpeg` or `png`, as read from the content.
    pub file_kind: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub created_ms: i64,
}

pub struct NewDocument<'a> {
    pub blob_sha256: &'a str,
    pub file_kind: &'a str,
    pub file_name: &'a str,
    pub size_bytes: i64,
}

const COLUMNS: &str =
    "id, owner_id, label, blob_sha256, file_kind, file_name, size_bytes, created_ms";

pub async fn insert_if_new(
    conn: &mut AnyConnection,
    owner_id: &str,
    label: &str,
    document: &NewDocument<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO locker_documents (id, owner_id, label, blob_sha256, file_kind, file_name, size_bytes, created_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (owner_id, blob_sha256) DO NOTHING",
    )
    .bind(ids::new_id())
    .bind(owner_id)
    .bind(label)
    .bind(document.blob_sha256)
    .bind(document.file_kind)
    .bind(document.file_name)
    .bind(document.size_bytes)
    .bind(clock::now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list(db: &Db, owner_id: &str) -> Result<Vec<LockerDocument>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM locker_documents WHERE owner_id = $1 ORDER BY created_ms DESC, id"
    );
    sqlx::query_as(&sql)
        .bind(owner_id)
        .fetch_all(&db.read)
        .await
}

pub async fn count(db: &Db, owner_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM locker_documents WHERE owner_id = $1")
        .bind(owner_id)
        .fetch_one(&db.read)
        .await
}

pub async fn find(db: &Db, id: &str) -> Result<Option<LockerDocument>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM locker_documents WHERE id = $1");
    sqlx::query_as(&sql).bind(id).fetch_optional(&db.read).await
}

pub async fn find_by_blob(
    db: &Db,
    owner_id: &str,
    sha256: &str,
) -> Result<Option<LockerDocument>, sqlx::Error> {
    let sql =
        format!("SELECT {COLUMNS} FROM locker_documents WHERE owner_id = $1 AND blob_sha256 = $2");
    sqlx::query_as(&sql)
        .bind(owner_id)
        .bind(sha256)
        .fetch_optional(&db.read)
        .await
}

pub async fn delete(conn: &mut AnyConnection, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM locker_documents WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
