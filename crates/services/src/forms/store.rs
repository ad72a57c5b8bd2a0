//! SQL for `service_forms`: one row per version of a service's form.

use platform::db::Db;
use sqlx::AnyConnection;

/// (version, fields JSON) of the newest version.
pub async fn latest(db: &Db, service_id: &str) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT version, fields FROM service_forms WHERE service_id = $1 ORDER BY version DESC LIMIT 1",
    )
    .bind(service_id)
    .fetch_optional(&db.read)
    .await
}

/// The fields JSON of one version.
pub async fn version(
    db: &Db,
    service_id: &str,
    version: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT fields FROM service_forms WHERE service_id = $1 AND version = $2")
        .bind(service_id)
        .bind(version)
        .fetch_optional(&db.read)
        .await
}

/// Adds a version; a unique violation means someone else added the same version meanwhile.
pub async fn insert(
    conn: &mut AnyConnection,
    service_id: &str,
    version: i64,
    fields: &str,
    created_by: Option<&str>,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO service_forms (service_id, version, fields, created_ms, created_by) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(service_id)
    .bind(version)
    .bind(fields)
    .bind(now_ms)
    .bind(created_by)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VersionRow {
    pub version: i64,
    pub created_ms: i64,
    pub created_by_name: Option<String>,
    pub fields: String,
}

/// Every version, newest first, with who made it.
pub async fn history(db: &Db, service_id: &str) -> Result<Vec<VersionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT f.version, f.created_ms, u.full_name AS created_by_name, f.fields \
         FROM service_forms f LEFT JOIN users u ON u.id = f.created_by \
         WHERE f.service_id = $1 ORDER BY f.version DESC",
    )
    .bind(service_id)
    .fetch_all(&db.read)
    .await
}
