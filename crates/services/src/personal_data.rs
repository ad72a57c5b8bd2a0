//! The services' part of a citizen's data export and deletion (UU 27/2022): applications with
//! their events, document metadata and issued document numbers, and the document locker. Issued
//! documents are archived and must stay verifiable, so they are never erased here; drafts are.

use platform::{db::Db, personal::json_rows};
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row as _};

/// Statuses after which an application is finished; a draft was never submitted.
const FINISHED: &str = "('draft', 'issued', 'rejected', 'withdrawn')";

/// Applications of `user_id` with their history, document metadata (not the files) and the
/// number of any issued document; and the locker's document metadata.
pub async fn export(db: &Db, user_id: &str) -> Result<Value, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT a.id, a.tracking_number, s.code AS service_code, a.status, a.purpose, a.address, \
         a.kelurahan_code, a.answers, a.submitted_ms, a.created_ms, a.updated_ms \
         FROM applications a JOIN services s ON s.id = a.service_id \
         WHERE a.applicant_id = $1 ORDER BY a.created_ms",
    )
    .bind(user_id)
    .fetch_all(&db.read)
    .await?;
    let mut applications = json_rows(
        &rows,
        &[
            "id",
            "tracking_number",
            "service_code",
            "status",
            "purpose",
            "address",
            "kelurahan_code",
            "answers",
        ],
        &["submitted_ms", "created_ms", "updated_ms"],
    )?;
    for application in &mut applications {
        let id = application["id"].as_str().unwrap_or_default().to_string();
        // The form's answers are stored as JSON text; give them back as JSON.
        if let Some(answers) = application["answers"].as_str() {
            let parsed = serde_json::from_str(answers).unwrap_or_else(|_| json!(answers));
            application["answers"] = parsed;
        }
        let events = sqlx::query(
            "SELECT at_ms, status, note FROM application_events WHERE application_id = $1 ORDER BY at_ms",
        )
        .bind(&id)
        .fetch_all(&db.read)
        .await?;
        let documents = sqlx::query(
            "SELECT requirement_name, file_name, file_kind, blob_sha256, size_bytes, uploaded_ms \
             FROM application_documents WHERE application_id = $1 ORDER BY requirement_position",
        )
        .bind(&id)
        .fetch_all(&db.read)
        .await?;
        let issued = sqlx::query(
            "SELECT document_number, issued_ms, revoked_ms FROM issued_documents WHERE application_id = $1",
        )
        .bind(&id)
        .fetch_all(&db.read)
        .await?;
        application["events"] = json!(json_rows(&events, &["status", "note"], &["at_ms"])?);
        application["documents"] = json!(json_rows(
            &documents,
            &["requirement_name", "file_name", "file_kind", "blob_sha256"],
            &["size_bytes", "uploaded_ms"],
        )?);
        application["issued_document"] =
            json_rows(&issued, &["document_number"], &["issued_ms", "revoked_ms"])?
                .into_iter()
                .next()
                .unwrap_or(Value::Null);
    }
    let locker = sqlx::query(
        "SELECT label, file_name, file_kind, blob_sha256, size_bytes, created_ms \
         FROM locker_documents WHERE owner_id = $1 ORDER BY created_ms",
    )
    .bind(user_id)
    .fetch_all(&db.read)
    .await?;
    Ok(json!({
        "applications": applications,
        "document_locker": json_rows(
            &locker,
            &["label", "file_name", "file_kind", "blob_sha256"],
            &["size_bytes", "created_ms"],
        )?,
    }))
}

/// How many of the person's applications are still in progress (submitted, not yet issued,
/// rejected or withdrawn): deletion waits until these are finished.
pub async fn in_progress_count(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<i64, sqlx::Error> {
    let sql = format!(
        "SELECT COUNT(*) AS n FROM applications WHERE applicant_id = $1 AND status NOT IN {FINISHED}"
    );
    sqlx::query(&sql)
        .bind(user_id)
        .fetch_one(conn)
        .await?
        .try_get("n")
}

/// Whether documents were issued to the person (they put the account under legal hold).
pub async fn has_issued_documents(
    conn: &mut AnyConnection,
    user_id: &str,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM issued_documents d JOIN applications a ON a.id = d.application_id \
         WHERE a.applicant_id = $1",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await?
    .try_get("n")?;
    Ok(n > 0)
}

/// Inside the caller's transaction: deletes the person's drafts (with their uploads' metadata)
/// and their document locker entries. Submitted applications stay as the office's record.
pub async fn erase(conn: &mut AnyConnection, user_id: &str) -> Result<(), sqlx::Error> {
    const DRAFTS: &str =
        "(SELECT id FROM applications WHERE applicant_id = $1 AND status = 'draft')";
    for statement in [
        format!("DELETE FROM application_documents WHERE application_id IN {DRAFTS}"),
        format!("DELETE FROM application_events WHERE application_id IN {DRAFTS}"),
        "DELETE FROM applications WHERE applicant_id = $1 AND status = 'draft'".to_string(),
        "DELETE FROM locker_documents WHERE owner_id = $1".to_string(),
    ] {
        sqlx::query(&statement)
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
