//! SQL for the catalogue (`services`, `service_requirements`, `service_steps`) and the
//! calendar (`holidays`).

use platform::{clock, db::Db, ids};
use sqlx::{AnyConnection, Row as _, any::AnyRow};

use crate::model::{Category, DocumentType, Requirement, ServiceDraft, Step};

/// A service as stored, without its lists.
#[derive(Clone, Debug)]
pub struct ServiceRow {
    pub id: String,
    pub code: String,
    pub agency_id: String,
    pub category: Category,
    pub name_id: String,
    pub name_en: String,
    pub summary_id: String,
    pub summary_en: String,
    pub completion_days: i64,
    pub cost_idr: i64,
    pub cost_note_id: String,
    pub cost_note_en: String,
    pub product_id: String,
    pub product_en: String,
    pub complaints_id: String,
    pub complaints_en: String,
    /// Legal basis, facilities, staff competence, internal supervision, number of staff,
    /// service guarantee, security and safety guarantee, performance evaluation.
    pub internal: [String; 8],
    pub published: bool,
    pub version: i64,
    pub updated_ms: i64,
}

const COLUMNS: &str = "id, code, agency_id, category, name_id, name_en, summary_id, summary_en, completion_days, cost_idr, \
     cost_note_id, cost_note_en, product_id, product_en, complaints_id, complaints_en, legal_basis, facilities, \
     staff_competence, internal_supervision, staff_count, service_guarantee, safety_guarantee, performance_evaluation, \
     published, version, updated_ms";

fn service_row(row: &AnyRow) -> Result<ServiceRow, sqlx::Error> {
    let category: String = row.try_get("category")?;
    Ok(ServiceRow {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        agency_id: row.try_get("agency_id")?,
        category: Category::parse(&category).unwrap_or(Category::NonLicensing),
        name_id: row.try_get("name_id")?,
        name_en: row.try_get("name_en")?,
        summary_id: row.try_get("summary_id")?,
        summary_en: row.try_get("summary_en")?,
        completion_days: row.try_get("completion_days")?,
        cost_idr: row.try_get("cost_idr")?,
        cost_note_id: row.try_get("cost_note_id")?,
        cost_note_en: row.try_get("cost_note_en")?,
        product_id: row.try_get("product_id")?,
        product_en: row.try_get("product_en")?,
        complaints_id: row.try_get("complaints_id")?,
        complaints_en: row.try_get("complaints_en")?,
        internal: [
            row.try_get("legal_basis")?,
            row.try_get("facilities")?,
            row.try_get("staff_competence")?,
            row.try_get("internal_supervision")?,
            row.try_get("staff_count")?,
            row.try_get("service_guarantee")?,
            row.try_get("safety_guarantee")?,
            row.try_get("performance_evaluation")?,
        ],
        published: row.try_get::<i64, _>("published")? != 0,
        version: row.try_get("version")?,
        updated_ms: row.try_get("updated_ms")?,
    })
}

const INSERT: &str = "INSERT INTO services (id, code, agency_id, category, name_id, name_en, summary_id, summary_en, completion_days, \
     cost_idr, cost_note_id, cost_note_en, product_id, product_en, complaints_id, complaints_en, legal_basis, facilities, \
     staff_competence, internal_supervision, staff_count, service_guarantee, safety_guarantee, performance_evaluation, \
     published, version, created_ms, updated_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, 1, $26, $26)";

const UPDATE: &str = "UPDATE services SET agency_id = $2, category = $3, name_id = $4, name_en = $5, summary_id = $6, summary_en = $7, \
     completion_days = $8, cost_idr = $9, cost_note_id = $10, cost_note_en = $11, product_id = $12, product_en = $13, \
     complaints_id = $14, complaints_en = $15, legal_basis = $16, facilities = $17, staff_competence = $18, \
     internal_supervision = $19, staff_count = $20, service_guarantee = $21, safety_guarantee = $22, \
     performance_evaluation = $23, published = $24, version = version + 1, updated_ms = $25 \
     WHERE id = $1 AND version = $26";

pub async fn insert_service(
    conn: &mut AnyConnection,
    draft: &ServiceDraft,
    agency_id: &str,
) -> Result<String, sqlx::Error> {
    let id = ids::new_id();
    let query = sqlx::query(INSERT).bind(&id).bind(&draft.code);
    bind_standard(query, draft, agency_id)
        .bind(clock::now_ms())
        .execute(&mut *conn)
        .await?;
    insert_lists(conn, &id, draft).await?;
    Ok(id)
}

/// Updates the service if nobody changed it since `expected_version`; false when someone did.
pub async fn update_service(
    conn: &mut AnyConnection,
    id: &str,
    expected_version: i64,
    draft: &ServiceDraft,
    agency_id: &str,
) -> Result<bool, sqlx::Error> {
    let query = sqlx::query(UPDATE).bind(id);
    let done = bind_standard(query, draft, agency_id)
        .bind(clock::now_ms())
        .bind(expected_version)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM service_requirements WHERE service_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM service_steps WHERE service_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    insert_lists(conn, id, draft).await?;
    Ok(true)
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds the standard's columns in the order both INSERT and UPDATE list them
/// (agency_id … published).
fn bind_standard<'q>(
    query: AnyQuery<'q>,
    draft: &'q ServiceDraft,
    agency_id: &'q str,
) -> AnyQuery<'q> {
    let mut query = query
        .bind(agency_id)
        .bind(draft.category.as_str())
        .bind(&draft.name_id)
        .bind(&draft.name_en)
        .bind(&draft.summary_id)
        .bind(&draft.summary_en)
        .bind(draft.completion_days)
        .bind(draft.cost_idr)
        .bind(&draft.cost_note_id)
        .bind(&draft.cost_note_en)
        .bind(&draft.product_id)
        .bind(&draft.product_en)
        .bind(&draft.complaints_id)
        .bind(&draft.complaints_en);
    for component in &draft.internal {
        query = query.bind(component);
    }
    query.bind(i64::from(draft.published))
}

async fn insert_lists(
    conn: &mut AnyConnection,
    service_id: &str,
    draft: &ServiceDraft,
) -> Result<(), sqlx::Error> {
    for (position, requirement) in draft.requirements.iter().enumerate() {
        sqlx::query("INSERT INTO service_requirements (id, service_id, position, name_id, name_en, accepted_types) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(ids::new_id())
            .bind(service_id)
            .bind(i64::try_from(position).unwrap_or(0))
            .bind(&requirement.name_id)
            .bind(&requirement.name_en)
            .bind(DocumentType::join(&requirement.accepted_types))
            .execute(&mut *conn)
            .await?;
    }
    for (position, step) in draft.steps.iter().enumerate() {
        sqlx::query("INSERT INTO service_steps (id, service_id, position, text_id, text_en) VALUES ($1, $2, $3, $4, $5)")
            .bind(ids::new_id())
            .bind(service_id)
            .bind(i64::try_from(position).unwrap_or(0))
            .bind(&step.text_id)
            .bind(&step.text_en)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn find_service(db: &Db, code: &str) -> Result<Option<ServiceRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM services WHERE code = $1");
    let row = sqlx::query(&sql)
        .bind(code)
        .fetch_optional(&db.read)
        .await?;
    row.as_ref().map(service_row).transpose()
}

pub async fn find_service_by_id(db: &Db, id: &str) -> Result<Option<ServiceRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM services WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.read).await?;
    row.as_ref().map(service_row).transpose()
}

/// Services matching the filters, by name. `query` matches names and summaries in either language.
pub async fn list_services(
    db: &Db,
    published_only: bool,
    query: &str,
    category: Option<Category>,
) -> Result<Vec<ServiceRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM services WHERE ($1 = 0 OR published = 1) AND ($2 = '' OR category = $2) \
         AND ($3 = '' OR LOWER(name_id) LIKE $4 OR LOWER(name_en) LIKE $4 OR LOWER(summary_id) LIKE $4 OR LOWER(summary_en) LIKE $4 OR LOWER(code) LIKE $4) \
         ORDER BY name_id"
    );
    let query = query.trim().to_lowercase().replace(['%', '_'], "");
    let rows = sqlx::query(&sql)
        .bind(i64::from(published_only))
        .bind(category.map(Category::as_str).unwrap_or(""))
        .bind(&query)
        .bind(format!("%{query}%"))
        .fetch_all(&db.read)
        .await?;
    rows.iter().map(service_row).collect()
}

pub async fn list_requirements(db: &Db, service_id: &str) -> Result<Vec<Requirement>, sqlx::Error> {
    let rows = sqlx::query("SELECT name_id, name_en, accepted_types FROM service_requirements WHERE service_id = $1 ORDER BY position")
        .bind(service_id)
        .fetch_all(&db.read)
        .await?;
    rows.iter()
        .map(|row| {
            let types: String = row.try_get("accepted_types")?;
            Ok(Requirement {
                name_id: row.try_get("name_id")?,
                name_en: row.try_get("name_en")?,
                accepted_types: DocumentType::parse_list(&types)
                    .unwrap_or_else(|| DocumentType::ALL.to_vec()),
            })
        })
        .collect()
}

pub async fn list_steps(db: &Db, service_id: &str) -> Result<Vec<Step>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT text_id, text_en FROM service_steps WHERE service_id = $1 ORDER BY position",
    )
    .bind(service_id)
    .fetch_all(&db.read)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Step {
                text_id: row.try_get("text_id")?,
                text_en: row.try_get("text_en")?,
            })
        })
        .collect()
}

// ---- holidays ----

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Holiday {
    /// YYYY-MM-DD
    pub day: String,
    pub name_id: String,
    pub name_en: String,
    /// `national` or `collective_leave`.
    pub kind: String,
}

pub async fn list_holidays(db: &Db, year: Option<i16>) -> Result<Vec<Holiday>, sqlx::Error> {
    let prefix = year
        .map(|y| format!("{y:04}-%"))
        .unwrap_or_else(|| "%".into());
    let rows = sqlx::query(
        "SELECT day, name_id, name_en, kind FROM holidays WHERE day LIKE $1 ORDER BY day",
    )
    .bind(prefix)
    .fetch_all(&db.read)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Holiday {
                day: row.try_get("day")?,
                name_id: row.try_get("name_id")?,
                name_en: row.try_get("name_en")?,
                kind: row.try_get("kind")?,
            })
        })
        .collect()
}

pub async fn insert_holiday(
    conn: &mut AnyConnection,
    holiday: &Holiday,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO holidays (day, name_id, name_en, kind, created_ms) VALUES ($1, $2, $3, $4, $5)")
        .bind(&holiday.day)
        .bind(&holiday.name_id)
        .bind(&holiday.name_en)
        .bind(&holiday.kind)
        .bind(clock::now_ms())
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete_holiday(conn: &mut AnyConnection, day: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM holidays WHERE day = $1")
        .bind(day)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
