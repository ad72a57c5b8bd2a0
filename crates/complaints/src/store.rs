//! SQL for `complaint_categories`, `complaints`, `complaint_events` and `open311_keys`.
//! Functions that change data take a connection, so the caller owns the transaction.

use platform::{clock, db::Db, ids};
use sqlx::{AnyConnection, Row as _, any::AnyRow};

use crate::model::Status;

#[derive(Clone, Debug)]
pub struct CategoryRow {
    pub code: String,
    /// `service` or `public`.
    pub kind: String,
    pub agency_code: String,
    pub name_id: String,
    pub name_en: String,
    pub description_id: String,
    pub description_en: String,
    pub keywords: String,
    pub group_name: String,
}

impl CategoryRow {
    pub fn about_a_service(&self) -> bool {
        self.kind == "service"
    }
}

fn category_row(row: &AnyRow) -> Result<CategoryRow, sqlx::Error> {
    Ok(CategoryRow {
        code: row.try_get("code")?,
        kind: row.try_get("kind")?,
        agency_code: row.try_get("agency_code")?,
        name_id: row.try_get("name_id")?,
        name_en: row.try_get("name_en")?,
        description_id: row.try_get("description_id")?,
        description_en: row.try_get("description_en")?,
        keywords: row.try_get("keywords")?,
        group_name: row.try_get("group_name")?,
    })
}

const CATEGORY_COLUMNS: &str = "code, kind, agency_code, name_id, name_en, description_id, description_en, keywords, group_name";

pub async fn list_categories(db: &Db) -> Result<Vec<CategoryRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {CATEGORY_COLUMNS} FROM complaint_categories WHERE active = 1 ORDER BY position"
    );
    sqlx::query(&sql)
        .fetch_all(&db.read)
        .await?
        .iter()
        .map(category_row)
        .collect()
}

pub async fn find_category(db: &Db, code: &str) -> Result<Option<CategoryRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {CATEGORY_COLUMNS} FROM complaint_categories WHERE code = $1 AND active = 1"
    );
    sqlx::query(&sql)
        .bind(code)
        .fetch_optional(&db.read)
        .await?
        .as_ref()
        .map(category_row)
        .transpose()
}

#[derive(Clone, Debug)]
pub struct ComplaintRow {
    pub id: String,
    pub number: String,
    pub category_code: String,
    pub service_code: String,
    pub agency_id: String,
    pub complainant_id: Option<String>,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub access_code_hash: Option<String>,
    pub lang: String,
    pub channel: String,
    pub description: String,
    pub photo_sha256: Option<String>,
    pub photo_kind: Option<String>,
    pub media_url: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: String,
    pub kelurahan_code: String,
    pub status: Status,
    pub status_note: String,
    pub response: String,
    pub version: i64,
    pub created_ms: i64,
    pub triaged_ms: Option<i64>,
    pub responded_ms: Option<i64>,
    pub closed_ms: Option<i64>,
    pub updated_ms: i64,
}

const COLUMNS: &str = "id, number, category_code, service_code, agency_id, complainant_id, contact_name, contact_email, \
     contact_phone, access_code_hash, lang, channel, description, photo_sha256, photo_kind, media_url, lat, lon, address, \
     kelurahan_code, status, status_note, response, version, created_ms, triaged_ms, responded_ms, closed_ms, updated_ms";

fn complaint_row(row: &AnyRow) -> Result<ComplaintRow, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(ComplaintRow {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        category_code: row.try_get("category_code")?,
        service_code: row.try_get("service_code")?,
        agency_id: row.try_get("agency_id")?,
        complainant_id: row.try_get("complainant_id")?,
        contact_name: row.try_get("contact_name")?,
        contact_email: row.try_get("contact_email")?,
        contact_phone: row.try_get("contact_phone")?,
        access_code_hash: row.try_get("access_code_hash")?,
        lang: row.try_get("lang")?,
        channel: row.try_get("channel")?,
        description: row.try_get("description")?,
        photo_sha256: row.try_get("photo_sha256")?,
        photo_kind: row.try_get("photo_kind")?,
        media_url: row.try_get("media_url")?,
        lat: row.try_get("lat")?,
        lon: row.try_get("lon")?,
        address: row.try_get("address")?,
        kelurahan_code: row.try_get("kelurahan_code")?,
        status: Status::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown status {status}").into()))?,
        status_note: row.try_get("status_note")?,
        response: row.try_get("response")?,
        version: row.try_get("version")?,
        created_ms: row.try_get("created_ms")?,
        triaged_ms: row.try_get("triaged_ms")?,
        responded_ms: row.try_get("responded_ms")?,
        closed_ms: row.try_get("closed_ms")?,
        updated_ms: row.try_get("updated_ms")?,
    })
}

/// A new complaint as it is written.
#[derive(Debug)]
pub struct NewComplaint<'a> {
    pub number: &'a str,
    pub category_code: &'a str,
    pub service_code: &'a str,
    pub agency_id: &'a str,
    pub complainant_id: Option<&'a str>,
    pub contact_name: &'a str,
    pub contact_email: &'a str,
    pub contact_phone: &'a str,
    pub access_code_hash: Option<&'a str>,
    pub lang: &'a str,
    pub channel: &'a str,
    pub api_key_id: Option<&'a str>,
    pub description: &'a str,
    pub photo: Option<(&'a str, &'a str)>,
    pub media_url: &'a str,
    pub location: Option<(f64, f64)>,
    pub address: &'a str,
    pub kelurahan_code: &'a str,
}

const INSERT: &str = "INSERT INTO complaints (id, number, category_code, service_code, agency_id, complainant_id, \
     contact_name, contact_email, contact_phone, access_code_hash, lang, channel, api_key_id, description, photo_sha256, \
     photo_kind, media_url, address, kelurahan_code, status, created_ms, updated_ms{location_columns}) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 'received', $20, $20{location_values})";

/// Writes a complaint; `false` when the number is already taken (the caller draws another).
/// Without a location the coordinates are left out rather than bound as NULL: sqlx 0.8.6's Any
/// driver binds a NULL `f64` as `f32` on PostgreSQL, and the prepared statement then refuses
/// the next real `f64` ("incorrect binary data format").
pub async fn insert_complaint(
    conn: &mut AnyConnection,
    id: &str,
    new: &NewComplaint<'_>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let (columns, values) = if new.location.is_some() {
        (", lat, lon", ", $21, $22")
    } else {
        ("", "")
    };
    let sql = INSERT
        .replace("{location_columns}", columns)
        .replace("{location_values}", values);
    let mut query = sqlx::query(&sql)
        .bind(id)
        .bind(new.number)
        .bind(new.category_code)
        .bind(new.service_code)
        .bind(new.agency_id)
        .bind(new.complainant_id)
        .bind(new.contact_name)
        .bind(new.contact_email)
        .bind(new.contact_phone)
        .bind(new.access_code_hash)
        .bind(new.lang)
        .bind(new.channel)
        .bind(new.api_key_id)
        .bind(new.description)
        .bind(new.photo.map(|p| p.0))
        .bind(new.photo.map(|p| p.1))
        .bind(new.media_url)
        .bind(new.address)
        .bind(new.kelurahan_code)
        .bind(now_ms);
    if let Some((lat, lon)) = new.location {
        query = query.bind(lat).bind(lon);
    }
    match query.execute(conn).await {
        Ok(_) => Ok(true),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e),
    }
}

pub async fn find_by_number(db: &Db, number: &str) -> Result<Option<ComplaintRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM complaints WHERE number = $1");
    sqlx::query(&sql)
        .bind(number)
        .fetch_optional(&db.read)
        .await?
        .as_ref()
        .map(complaint_row)
        .transpose()
}

pub async fn list_for_complainant(
    db: &Db,
    user_id: &str,
) -> Result<Vec<ComplaintRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM complaints WHERE complainant_id = $1 ORDER BY created_ms DESC"
    );
    sqlx::query(&sql)
        .bind(user_id)
        .fetch_all(&db.read)
        .await?
        .iter()
        .map(complaint_row)
        .collect()
}

/// Complaints of the given agencies (every agency when `None`), newest first; finished ones
/// only when `include_finished`.
pub async fn list_for_agencies(
    db: &Db,
    agencies: Option<&[String]>,
    include_finished: bool,
) -> Result<Vec<ComplaintRow>, sqlx::Error> {
    let mut sql = format!("SELECT {COLUMNS} FROM complaints WHERE 1 = 1");
    if let Some(agencies) = agencies {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let list = (1..=agencies.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        sql.push_str(&format!(" AND agency_id IN ({list})"));
    }
    if !include_finished {
        sql.push_str(" AND status NOT IN ('closed', 'not_relevant')");
    }
    sql.push_str(" ORDER BY created_ms");
    let mut query = sqlx::query(&sql);
    for agency in agencies.unwrap_or_default() {
        query = query.bind(agency);
    }
    query
        .fetch_all(&db.read)
        .await?
        .iter()
        .map(complaint_row)
        .collect()
}

/// Filters of Open311's `GET requests`.
#[derive(Debug, Default)]
pub struct PublicFilter {
    pub numbers: Vec<String>,
    pub categories: Vec<String>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub statuses: Vec<&'static str>,
    pub limit: i64,
}

pub async fn list_public(db: &Db, filter: &PublicFilter) -> Result<Vec<ComplaintRow>, sqlx::Error> {
    let mut sql = format!("SELECT {COLUMNS} FROM complaints WHERE 1 = 1");
    let mut binds: Vec<String> = Vec::new();
    let mut list = |values: &[String], column: &str, sql: &mut String| {
        if values.is_empty() {
            return;
        }
        let start = binds.len();
        let marks = (1..=values.len())
            .map(|i| format!("${}", start + i))
            .collect::<Vec<_>>()
            .join(", ");
        sql.push_str(&format!(" AND {column} IN ({marks})"));
        binds.extend(values.iter().cloned());
    };
    list(&filter.numbers, "number", &mut sql);
    list(&filter.categories, "category_code", &mut sql);
    let statuses: Vec<String> = filter.statuses.iter().map(|s| s.to_string()).collect();
    list(&statuses, "status", &mut sql);
    let mut position = binds.len();
    if filter.start_ms.is_some() {
        position += 1;
        sql.push_str(&format!(" AND created_ms >= ${position}"));
    }
    if filter.end_ms.is_some() {
        position += 1;
        sql.push_str(&format!(" AND created_ms <= ${position}"));
    }
    position += 1;
    sql.push_str(&format!(" ORDER BY created_ms DESC LIMIT ${position}"));
    let mut query = sqlx::query(&sql);
    for value in &binds {
        query = query.bind(value);
    }
    for instant in [filter.start_ms, filter.end_ms].into_iter().flatten() {
        query = query.bind(instant);
    }
    query
        .bind(filter.limit)
        .fetch_all(&db.read)
        .await?
        .iter()
        .map(complaint_row)
        .collect()
}

/// One status change, made only if nobody changed the complaint since `version` was read.
#[derive(Debug)]
pub struct Change<'a> {
    pub id: &'a str,
    pub version: i64,
    pub to: Status,
    pub agency_id: &'a str,
    pub status_note: &'a str,
    pub response: &'a str,
    pub triaged_ms: Option<i64>,
    pub responded_ms: Option<i64>,
    pub closed_ms: Option<i64>,
}

pub async fn update_status(
    conn: &mut AnyConnection,
    change: &Change<'_>,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE complaints SET status = $3, agency_id = $4, status_note = $5, response = $6, triaged_ms = $7, \
         responded_ms = $8, closed_ms = $9, updated_ms = $10, version = version + 1 \
         WHERE id = $1 AND version = $2",
    )
    .bind(change.id)
    .bind(change.version)
    .bind(change.to.as_str())
    .bind(change.agency_id)
    .bind(change.status_note)
    .bind(change.response)
    .bind(change.triaged_ms)
    .bind(change.responded_ms)
    .bind(change.closed_ms)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(Clone, Debug)]
pub struct EventRow {
    pub at_ms: i64,
    pub action: String,
    pub status: Status,
    pub note: String,
}

pub async fn insert_event(
    conn: &mut AnyConnection,
    complaint_id: &str,
    actor_id: Option<&str>,
    action: &str,
    status: Status,
    note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO complaint_events (id, complaint_id, at_ms, actor_id, action, status, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(ids::new_id())
    .bind(complaint_id)
    .bind(clock::now_ms())
    .bind(actor_id)
    .bind(action)
    .bind(status.as_str())
    .bind(note)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list_events(db: &Db, complaint_id: &str) -> Result<Vec<EventRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at_ms, action, status, note FROM complaint_events WHERE complaint_id = $1 ORDER BY at_ms, id",
    )
    .bind(complaint_id)
    .fetch_all(&db.read)
    .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("status")?;
            Ok(EventRow {
                at_ms: row.try_get("at_ms")?,
                action: row.try_get("action")?,
                status: Status::parse(&status).ok_or_else(|| {
                    sqlx::Error::Decode(format!("unknown status {status}").into())
                })?,
                note: row.try_get("note")?,
            })
        })
        .collect()
}

// ---------- Open311 API keys ----------

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
#[schema(as = Open311Key)]
pub struct KeyRow {
    pub id: String,
    pub label: String,
    pub created_ms: i64,
    pub revoked_ms: Option<i64>,
}

pub async fn insert_key(
    conn: &mut AnyConnection,
    id: &str,
    label: &str,
    key_hash: &str,
    created_by: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO open311_keys (id, label, key_hash, created_by, created_ms) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(label)
    .bind(key_hash)
    .bind(created_by)
    .bind(clock::now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list_keys(db: &Db) -> Result<Vec<KeyRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, label, created_ms, revoked_ms FROM open311_keys ORDER BY created_ms DESC",
    )
    .fetch_all(&db.read)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(KeyRow {
                id: row.try_get("id")?,
                label: row.try_get("label")?,
                created_ms: row.try_get("created_ms")?,
                revoked_ms: row.try_get("revoked_ms")?,
            })
        })
        .collect()
}

/// The id of the live key with this hash.
pub async fn find_live_key(db: &Db, key_hash: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT id FROM open311_keys WHERE key_hash = $1 AND revoked_ms IS NULL")
        .bind(key_hash)
        .fetch_optional(&db.read)
        .await?
        .map(|row| row.try_get("id"))
        .transpose()
}

pub async fn key_hash_exists(db: &Db, key_hash: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT id FROM open311_keys WHERE key_hash = $1")
            .bind(key_hash)
            .fetch_optional(&db.read)
            .await?
            .is_some(),
    )
}

pub async fn revoke_key(conn: &mut AnyConnection, id: &str) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE open311_keys SET revoked_ms = $2 WHERE id = $1 AND revoked_ms IS NULL")
            .bind(id)
            .bind(clock::now_ms())
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

// ---------- demo data ----------

/// Whether a complaint with exactly this text exists (keeps the demo idempotent).
pub async fn description_exists(db: &Db, description: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT id FROM complaints WHERE description = $1")
            .bind(description)
            .fetch_optional(&db.read)
            .await?
            .is_some(),
    )
}

/// Moves a demo complaint (and its first events) `by_ms` into the past.
pub async fn backdate(db: &Db, number: &str, by_ms: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.write.begin().await?;
    sqlx::query(
        "UPDATE complaint_events SET at_ms = at_ms - $2 \
         WHERE complaint_id = (SELECT id FROM complaints WHERE number = $1)",
    )
    .bind(number)
    .bind(by_ms)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE complaints SET created_ms = created_ms - $2, updated_ms = updated_ms - $2 WHERE number = $1",
    )
    .bind(number)
    .bind(by_ms)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
