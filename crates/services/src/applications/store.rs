//! SQL for `applications`, `application_documents` and `application_events`.

use platform::{clock, db::Db, ids};
use sqlx::{AnyConnection, Row as _, any::AnyRow};

use super::status::Status;

#[derive(Clone, Debug)]
pub struct ApplicationRow {
    pub id: String,
    pub tracking_number: Option<String>,
    pub service_id: String,
    pub agency_id: String,
    pub applicant_id: String,
    pub status: Status,
    pub purpose: String,
    pub kelurahan_code: String,
    pub address: String,
    pub submitted_ms: Option<i64>,
    pub due_day: Option<String>,
    pub version: i64,
    pub created_ms: i64,
    pub claimed_by: Option<String>,
    pub paused_ms: Option<i64>,
    /// The version of the service's form the application was started under (0: base questions).
    pub form_version: i64,
    /// Answers to that form's questions, by field key.
    pub answers: std::collections::BTreeMap<String, String>,
    /// While returned for revision: the last day (WITA) to send it back.
    pub revise_by_day: Option<String>,
    /// Who last verified it (sent it for signature); they may not approve it too.
    pub verified_by: Option<String>,
}

const COLUMNS: &str = "id, tracking_number, service_id, agency_id, applicant_id, status, purpose, kelurahan_code, address, \
     submitted_ms, due_day, version, created_ms, claimed_by, paused_ms, form_version, answers, revise_by_day, \
     verified_by";

fn application_row(row: &AnyRow) -> Result<ApplicationRow, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(ApplicationRow {
        id: row.try_get("id")?,
        tracking_number: row.try_get("tracking_number")?,
        service_id: row.try_get("service_id")?,
        agency_id: row.try_get("agency_id")?,
        applicant_id: row.try_get("applicant_id")?,
        status: Status::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {status}").into()))?,
        purpose: row.try_get("purpose")?,
        kelurahan_code: row.try_get("kelurahan_code")?,
        address: row.try_get("address")?,
        submitted_ms: row.try_get("submitted_ms")?,
        due_day: row.try_get("due_day")?,
        version: row.try_get("version")?,
        created_ms: row.try_get("created_ms")?,
        claimed_by: row.try_get("claimed_by")?,
        paused_ms: row.try_get("paused_ms")?,
        form_version: row.try_get("form_version")?,
        answers: serde_json::from_str(&row.try_get::<String, _>("answers")?)
            .map_err(|e| sqlx::Error::Decode(e.into()))?,
        revise_by_day: row.try_get("revise_by_day")?,
        verified_by: row.try_get("verified_by")?,
    })
}

pub async fn insert_draft(
    conn: &mut AnyConnection,
    service_id: &str,
    service_version: i64,
    agency_id: &str,
    applicant_id: &str,
    form_version: i64,
) -> Result<String, sqlx::Error> {
    let id = ids::new_id();
    sqlx::query(
        "INSERT INTO applications (id, service_id, service_version, agency_id, applicant_id, status, created_ms, updated_ms, form_version) \
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $6, $7)",
    )
    .bind(&id)
    .bind(service_id)
    .bind(service_version)
    .bind(agency_id)
    .bind(applicant_id)
    .bind(clock::now_ms())
    .bind(form_version)
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn find(db: &Db, id: &str) -> Result<Option<ApplicationRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM applications WHERE id = $1");
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&db.read)
        .await?
        .as_ref()
        .map(application_row)
        .transpose()
}

pub async fn find_by_tracking(
    db: &Db,
    number: &str,
) -> Result<Option<ApplicationRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM applications WHERE tracking_number = $1");
    sqlx::query(&sql)
        .bind(number)
        .fetch_optional(&db.read)
        .await?
        .as_ref()
        .map(application_row)
        .transpose()
}

/// The applicant's open draft for a service, to resume instead of starting over.
pub async fn find_draft(
    db: &Db,
    applicant_id: &str,
    service_id: &str,
) -> Result<Option<ApplicationRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM applications WHERE applicant_id = $1 AND service_id = $2 AND status = 'draft' ORDER BY created_ms DESC LIMIT 1"
    );
    sqlx::query(&sql)
        .bind(applicant_id)
        .bind(service_id)
        .fetch_optional(&db.read)
        .await?
        .as_ref()
        .map(application_row)
        .transpose()
}

pub async fn list_for_applicant(
    db: &Db,
    applicant_id: &str,
) -> Result<Vec<ApplicationRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM applications WHERE applicant_id = $1 ORDER BY created_ms DESC LIMIT 200"
    );
    let rows = sqlx::query(&sql)
        .bind(applicant_id)
        .fetch_all(&db.read)
        .await?;
    rows.iter().map(application_row).collect()
}

/// Saves the answers of an application the citizen may still edit (a draft, or one returned for
/// revision); false when it has left those states meanwhile.
pub async fn update_details(
    conn: &mut AnyConnection,
    id: &str,
    purpose: &str,
    kelurahan: &str,
    address: &str,
    answers: &std::collections::BTreeMap<String, String>,
) -> Result<bool, sqlx::Error> {
    let answers = serde_json::to_string(answers).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let done = sqlx::query(
        "UPDATE applications SET purpose = $2, kelurahan_code = $3, address = $4, answers = $6, version = version + 1, updated_ms = $5 \
         WHERE id = $1 AND status IN ('draft', 'returned_for_revision')",
    )
    .bind(id)
    .bind(purpose)
    .bind(kelurahan)
    .bind(address)
    .bind(clock::now_ms())
    .bind(answers)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a draft to submitted; false when it is no longer a draft (submitted twice at once).
pub async fn update_submitted(
    conn: &mut AnyConnection,
    id: &str,
    tracking: &str,
    due_day: &str,
    at_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE applications SET status = 'submitted', tracking_number = $2, due_day = $3, submitted_ms = $4, \
         version = version + 1, updated_ms = $4 WHERE id = $1 AND status = 'draft' RETURNING agency_id, service_id",
    )
    .bind(id)
    .bind(tracking)
    .bind(due_day)
    .bind(at_ms)
    .fetch_optional(&mut *conn)
    .await?;
    let submitted = done.is_some();
    if let Some(row) = done {
        crate::stats::on_submitted(
            conn,
            &row.try_get::<String, _>("agency_id")?,
            &row.try_get::<String, _>("service_id")?,
            at_ms,
        )
        .await?;
    }
    Ok(submitted)
}

#[derive(Clone, Debug)]
pub struct DocumentRow {
    pub position: i64,
    pub requirement_name: String,
    pub blob_sha256: String,
    pub file_kind: String,
    pub file_name: String,
    pub size_bytes: i64,
}

pub async fn upsert_document(
    conn: &mut AnyConnection,
    application_id: &str,
    position: i64,
    document: &DocumentRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO application_documents (id, application_id, requirement_position, requirement_name, blob_sha256, file_kind, file_name, size_bytes, uploaded_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (application_id, requirement_position) DO UPDATE SET requirement_name = $4, blob_sha256 = $5, file_kind = $6, \
         file_name = $7, size_bytes = $8, uploaded_ms = $9",
    )
    .bind(ids::new_id())
    .bind(application_id)
    .bind(position)
    .bind(&document.requirement_name)
    .bind(&document.blob_sha256)
    .bind(&document.file_kind)
    .bind(&document.file_name)
    .bind(document.size_bytes)
    .bind(clock::now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list_documents(
    db: &Db,
    application_id: &str,
) -> Result<Vec<DocumentRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT requirement_position, requirement_name, blob_sha256, file_kind, file_name, size_bytes FROM application_documents \
         WHERE application_id = $1 ORDER BY requirement_position",
    )
    .bind(application_id)
    .fetch_all(&db.read)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(DocumentRow {
                position: row.try_get("requirement_position")?,
                requirement_name: row.try_get("requirement_name")?,
                blob_sha256: row.try_get("blob_sha256")?,
                file_kind: row.try_get("file_kind")?,
                file_name: row.try_get("file_name")?,
                size_bytes: row.try_get("size_bytes")?,
            })
        })
        .collect()
}

pub async fn insert_event(
    conn: &mut AnyConnection,
    application_id: &str,
    actor_id: Option<&str>,
    status: Status,
    note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO application_events (id, application_id, at_ms, actor_id, status, note) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(ids::new_id())
        .bind(application_id)
        .bind(clock::now_ms())
        .bind(actor_id)
        .bind(status.as_str())
        .bind(note)
        .execute(conn)
        .await?;
    Ok(())
}

/// (time, status, note), oldest first.
pub async fn list_events(
    db: &Db,
    application_id: &str,
) -> Result<Vec<(i64, Status, String)>, sqlx::Error> {
    let rows = sqlx::query("SELECT at_ms, status, note FROM application_events WHERE application_id = $1 ORDER BY at_ms, id")
        .bind(application_id)
        .fetch_all(&db.read)
        .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("status")?;
            Ok((
                row.try_get("at_ms")?,
                Status::parse(&status).unwrap_or(Status::Draft),
                row.try_get("note")?,
            ))
        })
        .collect()
}

/// Moves an application from `from` to `to` if it is still in `from`: of two people acting at
/// once, exactly one succeeds. Sets or clears the claim and the pause as the caller decides.
/// Records who verified an application (segregation of duties: see `processing::available_actions`).
pub async fn set_verified_by(
    conn: &mut AnyConnection,
    id: &str,
    user_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE applications SET verified_by = $2 WHERE id = $1")
        .bind(id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[expect(
    clippy::too_many_arguments,
    reason = "one conditional UPDATE with every column it sets"
)]
pub async fn update_status(
    conn: &mut AnyConnection,
    id: &str,
    from: Status,
    to: Status,
    claimed_by: Option<&str>,
    paused_ms: Option<i64>,
    due_day: Option<&str>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE applications SET status = $3, claimed_by = $4, paused_ms = $5, due_day = COALESCE($6, due_day), \
         version = version + 1, updated_ms = $7 WHERE id = $1 AND status = $2",
    )
    .bind(id)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(claimed_by)
    .bind(paused_ms)
    .bind(due_day)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    let moved = done.rows_affected() == 1;
    if moved {
        crate::stats::on_status(conn, id, to, now_ms).await?;
    }
    Ok(moved)
}

/// Applications of `agency_ids` in `statuses`, oldest deadline first.
pub async fn list_for_office(
    db: &Db,
    agency_ids: &[String],
    statuses: &[Status],
) -> Result<Vec<ApplicationRow>, sqlx::Error> {
    if agency_ids.is_empty() || statuses.is_empty() {
        return Ok(Vec::new());
    }
    // Placeholders are numbered; the lists are short (a person's agencies, a few statuses).
    let agency_marks: Vec<String> = (1..=agency_ids.len()).map(|n| format!("${n}")).collect();
    let status_marks: Vec<String> = (agency_ids.len() + 1..=agency_ids.len() + statuses.len())
        .map(|n| format!("${n}"))
        .collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM applications WHERE agency_id IN ({}) AND status IN ({}) ORDER BY due_day, submitted_ms LIMIT 500",
        agency_marks.join(", "),
        status_marks.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for agency in agency_ids {
        query = query.bind(agency);
    }
    for status in statuses {
        query = query.bind(status.as_str());
    }
    let rows = query.fetch_all(&db.read).await?;
    rows.iter().map(application_row).collect()
}

/// Sets (or clears) the last day to send a returned application back.
pub async fn set_revise_by(
    conn: &mut AnyConnection,
    id: &str,
    day: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE applications SET revise_by_day = $2 WHERE id = $1")
        .bind(id)
        .bind(day)
        .execute(conn)
        .await?;
    Ok(())
}

/// One thing to fix, named by item: `purpose`, `kelurahan`, `address`, `answers.<key>` or
/// `document.<position>`.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RevisionNote {
    pub item: String,
    pub note: String,
}

pub async fn insert_revision_notes(
    conn: &mut AnyConnection,
    application_id: &str,
    returned_ms: i64,
    notes: &[RevisionNote],
) -> Result<(), sqlx::Error> {
    for note in notes {
        sqlx::query(
            "INSERT INTO application_revision_notes (id, application_id, returned_ms, item, note) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(ids::new_id())
        .bind(application_id)
        .bind(returned_ms)
        .bind(&note.item)
        .bind(&note.note)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The notes of the latest return for revision.
pub async fn latest_revision_notes(
    db: &Db,
    application_id: &str,
) -> Result<Vec<RevisionNote>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT item, note FROM application_revision_notes WHERE application_id = $1 AND returned_ms = \
         (SELECT MAX(returned_ms) FROM application_revision_notes WHERE application_id = $1) ORDER BY item",
    )
    .bind(application_id)
    .fetch_all(&db.read)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RevisionNote {
                item: row.try_get("item")?,
                note: row.try_get("note")?,
            })
        })
        .collect()
}

/// Returned applications whose revision deadline is before `today` (YYYY-MM-DD).
pub async fn list_lapsed(db: &Db, today: &str) -> Result<Vec<ApplicationRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM applications WHERE status = 'returned_for_revision' AND revise_by_day < $1 LIMIT 500"
    );
    let rows = sqlx::query(&sql).bind(today).fetch_all(&db.read).await?;
    rows.iter().map(application_row).collect()
}
