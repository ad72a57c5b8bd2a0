//! Employees (pegawai ASN): their record, its checks and the admin's form (the BKPPD's CSV import
//! is `crate::import`). Owns the table `employees`; reads `agencies` and `users` only to resolve
//! codes and usernames.

use std::collections::{BTreeSet, HashMap};

use accounts::model::{Email, Phone};
use platform::{AppState, audit, auth::CurrentUser, clock, ids};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row as _, any::AnyRow};
use utoipa::ToSchema;

use crate::{
    error::CapacityError,
    gap_totals::{self, GapGroup},
    is_admin,
    nip::{self, EmploymentType},
};

/// What an admin types or a CSV row holds; every field as text.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct EmployeeInput {
    /// NIP (PNS, 18 digits, checked) or NI PPPK (18 digits).
    pub nip: String,
    pub full_name: String,
    /// Agency code, e.g. `kec-alak`.
    pub agency_code: String,
    /// Unit within the agency (bidang / seksi / kelurahan office).
    pub unit: String,
    pub position: String,
    /// Golongan/ruang: `III/a` for PNS, `IX` for PPPK.
    pub rank: String,
    /// `pns` or `pppk`.
    pub employment_type: String,
    pub email: String,
    pub phone: String,
    /// Username of the person's Sigap account, for self-service (optional).
    pub username: String,
    /// NIP of the direct supervisor, who approves self-enrolment (optional).
    pub supervisor_nip: String,
}

/// The columns of an import file, in this order.
pub const CSV_HEADER: [&str; 11] = [
    "nip",
    "full_name",
    "agency_code",
    "unit",
    "position",
    "rank",
    "employment_type",
    "email",
    "phone",
    "username",
    "supervisor_nip",
];

impl EmployeeInput {
    pub(crate) fn from_fields(fields: &[String]) -> EmployeeInput {
        let get = |i: usize| fields.get(i).cloned().unwrap_or_default();
        EmployeeInput {
            nip: get(0),
            full_name: get(1),
            agency_code: get(2),
            unit: get(3),
            position: get(4),
            rank: get(5),
            employment_type: get(6),
            email: get(7),
            phone: get(8),
            username: get(9),
            supervisor_nip: get(10),
        }
    }
}

/// A checked record, ready to store.
#[derive(Clone, Debug)]
pub struct Checked {
    pub nip: String,
    pub full_name: String,
    pub agency_id: String,
    pub unit: String,
    pub position: String,
    pub rank: String,
    pub employment_type: EmploymentType,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub user_id: Option<String>,
    pub supervisor_nip: Option<String>,
}

impl Checked {
    /// The group whose competency gap totals this employee counts in.
    pub(crate) fn gap_group(&self) -> GapGroup {
        GapGroup {
            position: self.position.clone(),
            agency_id: self.agency_id.clone(),
            unit: self.unit.clone(),
        }
    }
}

/// Codes and usernames the checks resolve, loaded once per request or import.
pub struct Lookups {
    agencies: HashMap<String, String>,
    /// username → (user id, NIP of the employee already linked to it)
    users: HashMap<String, (String, Option<String>)>,
}

impl Lookups {
    pub async fn load(app: &AppState) -> Result<Lookups, sqlx::Error> {
        let agencies = sqlx::query("SELECT id, code FROM agencies")
            .fetch_all(&app.db.read)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("code")?, r.try_get("id")?)))
            .collect::<Result<_, sqlx::Error>>()?;
        let users = sqlx::query(
            "SELECT u.id, u.username, e.nip FROM users u LEFT JOIN employees e ON e.user_id = u.id \
             WHERE u.username IS NOT NULL",
        )
        .fetch_all(&app.db.read)
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get::<String, _>("username")?,
                (r.try_get("id")?, r.try_get("nip")?),
            ))
        })
        .collect::<Result<_, sqlx::Error>>()?;
        Ok(Lookups { agencies, users })
    }
}

fn text(raw: &str, max: usize) -> Option<String> {
    let value = crate::collapse_spaces(raw);
    (!value.is_empty() && value.chars().count() <= max).then_some(value)
}

/// Checks every field; returns every problem at once as (field, message key).
pub fn check(
    input: &EmployeeInput,
    lookups: &Lookups,
) -> Result<Checked, Vec<(&'static str, &'static str)>> {
    let mut problems = Vec::new();
    let employment_type = EmploymentType::parse(&input.employment_type);
    if employment_type.is_none() {
        problems.push(("employment_type", "capacity.employment_type_invalid"));
    }
    let kind = employment_type.unwrap_or(EmploymentType::Pns);
    let nip = nip::parse_employee_number(&input.nip, kind)
        .map_err(|e| problems.push(("nip", e.key())))
        .ok();
    let full_name = text(&input.full_name, 150);
    if full_name.is_none() {
        problems.push(("full_name", "capacity.name_invalid"));
    }
    let agency_id = lookups.agencies.get(input.agency_code.trim()).cloned();
    if agency_id.is_none() {
        problems.push(("agency_code", "capacity.agency_unknown"));
    }
    let unit = crate::collapse_spaces(&input.unit);
    let position = text(&input.position, 150);
    if position.is_none() {
        problems.push(("position", "capacity.position_invalid"));
    }
    let rank = nip::parse_rank(&input.rank, kind);
    if rank.is_none() && employment_type.is_some() {
        problems.push(("rank", "capacity.rank_invalid"));
    }
    let email = match input.email.trim() {
        "" => None,
        raw => Email::parse(raw)
            .map(|e| e.expose().to_string())
            .or_else(|| {
                problems.push(("email", "capacity.email_invalid"));
                None
            }),
    };
    let phone = match input.phone.trim() {
        "" => None,
        raw => Phone::parse(raw)
            .map(|p| p.expose().to_string())
            .or_else(|| {
                problems.push(("phone", "capacity.phone_invalid"));
                None
            }),
    };
    let user_id = match input.username.trim() {
        "" => None,
        name => match lookups.users.get(&name.to_lowercase()) {
            None => {
                problems.push(("username", "capacity.username_unknown"));
                None
            }
            Some((_, Some(linked))) if Some(linked) != nip.as_ref() => {
                problems.push(("username", "capacity.username_linked"));
                None
            }
            Some((id, _)) => Some(id.clone()),
        },
    };
    let supervisor_nip = match input.supervisor_nip.trim() {
        "" => None,
        raw => match nip::Nip::parse(raw) {
            Ok(n) if Some(n.as_str()) == nip.as_deref() => {
                problems.push(("supervisor_nip", "capacity.supervisor_self"));
                None
            }
            Ok(n) => Some(n.as_str().to_string()),
            Err(_) => {
                problems.push(("supervisor_nip", "capacity.supervisor_invalid"));
                None
            }
        },
    };
    match (nip, full_name, agency_id, position, rank, employment_type) {
        (Some(nip), Some(full_name), Some(agency_id), Some(position), Some(rank), Some(kind))
            if problems.is_empty() =>
        {
            Ok(Checked {
                nip,
                full_name,
                agency_id,
                unit,
                position,
                rank,
                employment_type: kind,
                email,
                phone,
                user_id,
                supervisor_nip,
            })
        }
        _ => Err(problems),
    }
}

/// An employee as shown and served.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Employee {
    pub id: String,
    pub nip: String,
    pub full_name: String,
    pub agency_id: String,
    pub agency_code: String,
    pub agency_name: String,
    pub unit: String,
    pub position: String,
    pub rank: String,
    pub employment_type: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub user_id: Option<String>,
    pub supervisor_nip: Option<String>,
}

const COLUMNS: &str = "e.id, e.nip, e.full_name, e.agency_id, a.code AS agency_code, a.name_id AS agency_name, \
     e.unit, e.position, e.rank, e.employment_type, e.email, e.phone, e.user_id, e.supervisor_nip";

fn employee_row(row: &AnyRow) -> Result<Employee, sqlx::Error> {
    Ok(Employee {
        id: row.try_get("id")?,
        nip: row.try_get("nip")?,
        full_name: row.try_get("full_name")?,
        agency_id: row.try_get("agency_id")?,
        agency_code: row.try_get("agency_code")?,
        agency_name: row.try_get("agency_name")?,
        unit: row.try_get("unit")?,
        position: row.try_get("position")?,
        rank: row.try_get("rank")?,
        employment_type: row.try_get("employment_type")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        user_id: row.try_get("user_id")?,
        supervisor_nip: row.try_get("supervisor_nip")?,
    })
}

pub(crate) const UPSERT: &str = "INSERT INTO employees (id, nip, full_name, agency_id, unit, position, rank, employment_type, email, phone, user_id, supervisor_nip, created_ms, updated_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) \
     ON CONFLICT (nip) DO UPDATE SET full_name = $3, agency_id = $4, unit = $5, position = $6, rank = $7, \
     employment_type = $8, email = $9, phone = $10, user_id = $11, supervisor_nip = $12, updated_ms = $13 \
     RETURNING id";
const INSERT: &str = "INSERT INTO employees (id, nip, full_name, agency_id, unit, position, rank, employment_type, email, phone, user_id, supervisor_nip, created_ms, updated_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id";

pub(crate) async fn write_employee(
    conn: &mut AnyConnection,
    sql: &str,
    record: &Checked,
) -> Result<String, sqlx::Error> {
    sqlx::query(sql)
        .bind(ids::new_id())
        .bind(&record.nip)
        .bind(&record.full_name)
        .bind(&record.agency_id)
        .bind(&record.unit)
        .bind(&record.position)
        .bind(&record.rank)
        .bind(record.employment_type.as_str())
        .bind(&record.email)
        .bind(&record.phone)
        .bind(&record.user_id)
        .bind(&record.supervisor_nip)
        .bind(clock::now_ms())
        .fetch_one(conn)
        .await?
        .try_get("id")
}

pub(crate) fn require_admin(user: &CurrentUser) -> Result<(), CapacityError> {
    if is_admin(user) {
        Ok(())
    } else {
        Err(CapacityError::Forbidden)
    }
}

fn owned(problems: Vec<(&'static str, &'static str)>) -> CapacityError {
    CapacityError::Invalid(
        problems
            .into_iter()
            .map(|(f, k)| (f.to_string(), k))
            .collect(),
    )
}

/// Adds one employee (competency admin); a NIP already on file is refused.
pub async fn create_employee(
    app: &AppState,
    user: &CurrentUser,
    input: &EmployeeInput,
) -> Result<Employee, CapacityError> {
    require_admin(user)?;
    let lookups = Lookups::load(app).await?;
    let record = check(input, &lookups).map_err(owned)?;
    let mut tx = app.db.begin().await?;
    let id = match write_employee(&mut tx, INSERT, &record).await {
        Ok(id) => id,
        Err(e) if platform::db::is_unique_violation(&e) => {
            return Err(CapacityError::field("nip", "capacity.nip_taken"));
        }
        Err(e) => return Err(e.into()),
    };
    gap_totals::refresh_groups(&mut tx, &BTreeSet::from([record.gap_group()])).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "employee.created",
            subject: &format!("employee:{id}"),
            detail: serde_json::json!({ "agency_id": record.agency_id }),
        },
    )
    .await?;
    tx.commit().await?;
    get_employee(app, &record.nip).await
}

/// Changes an employee's record (competency admin); the NIP stays.
pub async fn update_employee(
    app: &AppState,
    user: &CurrentUser,
    nip: &str,
    input: &EmployeeInput,
) -> Result<Employee, CapacityError> {
    require_admin(user)?;
    let current = get_employee(app, nip).await?;
    let input = EmployeeInput {
        nip: current.nip.clone(),
        ..input.clone()
    };
    let lookups = Lookups::load(app).await?;
    let record = check(&input, &lookups).map_err(owned)?;
    let mut tx = app.db.begin().await?;
    // The group before the move, read under the row's lock (see gap_totals).
    let before = gap_totals::lock_employee_group(&mut tx, &record.nip).await?;
    let updated = sqlx::query(
        "UPDATE employees SET full_name = $2, agency_id = $3, unit = $4, position = $5, rank = $6, employment_type = $7, \
         email = $8, phone = $9, user_id = $10, supervisor_nip = $11, updated_ms = $12 WHERE nip = $1",
    )
    .bind(&record.nip)
    .bind(&record.full_name)
    .bind(&record.agency_id)
    .bind(&record.unit)
    .bind(&record.position)
    .bind(&record.rank)
    .bind(record.employment_type.as_str())
    .bind(&record.email)
    .bind(&record.phone)
    .bind(&record.user_id)
    .bind(&record.supervisor_nip)
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await;
    match updated {
        Err(e) if platform::db::is_unique_violation(&e) => {
            return Err(CapacityError::field("username", "capacity.username_linked"));
        }
        other => {
            other?;
        }
    }
    let touched: BTreeSet<GapGroup> = before.into_iter().chain([record.gap_group()]).collect();
    gap_totals::refresh_groups(&mut tx, &touched).await?;
    // A move or a change of employment type moves the employee's JP compliance.
    crate::jp_totals::refresh_agencies(
        &mut tx,
        &touched.iter().map(|g| g.agency_id.clone()).collect(),
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "employee.updated",
            subject: &format!("employee:{}", current.id),
            detail: serde_json::json!({ "agency_id": record.agency_id }),
        },
    )
    .await?;
    tx.commit().await?;
    get_employee(app, nip).await
}

pub async fn find_employee(app: &AppState, nip: &str) -> Result<Option<Employee>, CapacityError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM employees e JOIN agencies a ON a.id = e.agency_id WHERE e.nip = $1"
    );
    Ok(sqlx::query(&sql)
        .bind(nip.trim())
        .fetch_optional(&app.db.read)
        .await?
        .as_ref()
        .map(employee_row)
        .transpose()?)
}

pub async fn get_employee(app: &AppState, nip: &str) -> Result<Employee, CapacityError> {
    find_employee(app, nip)
        .await?
        .ok_or(CapacityError::NotFound)
}

pub async fn find_employee_by_id(
    app: &AppState,
    id: &str,
) -> Result<Option<Employee>, CapacityError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM employees e JOIN agencies a ON a.id = e.agency_id WHERE e.id = $1"
    );
    Ok(sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&app.db.read)
        .await?
        .as_ref()
        .map(employee_row)
        .transpose()?)
}

/// The employee record linked to a signed-in person.
pub async fn employee_of(
    app: &AppState,
    user: &CurrentUser,
) -> Result<Option<Employee>, CapacityError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM employees e JOIN agencies a ON a.id = e.agency_id WHERE e.user_id = $1"
    );
    Ok(sqlx::query(&sql)
        .bind(&user.id)
        .fetch_optional(&app.db.read)
        .await?
        .as_ref()
        .map(employee_row)
        .transpose()?)
}

/// The signed-in person's own employee record, for the ASN's own pages and requests: a citizen
/// has none and is refused; a staff member whose account is not linked yet is told so.
pub async fn own_record(app: &AppState, user: &CurrentUser) -> Result<Employee, CapacityError> {
    if user.is_citizen() {
        return Err(CapacityError::Forbidden);
    }
    employee_of(app, user)
        .await?
        .ok_or(CapacityError::NoEmployeeRecord)
}

/// Employees matching `query` (name, NIP, position) in `agency_code` (all if empty).
pub async fn list_employees(
    app: &AppState,
    user: &CurrentUser,
    query: &str,
    agency_code: &str,
    limit: i64,
) -> Result<Vec<Employee>, CapacityError> {
    if !(is_admin(user) || crate::is_reader(user)) {
        return Err(CapacityError::Forbidden);
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM employees e JOIN agencies a ON a.id = e.agency_id \
         WHERE (LOWER(e.full_name) LIKE LOWER($1) OR e.nip LIKE $1 OR LOWER(e.position) LIKE LOWER($1)) \
         AND ($2 = '' OR a.code = $2) ORDER BY e.full_name LIMIT $3"
    );
    let pattern = format!("%{}%", query.trim());
    let rows = sqlx::query(&sql)
        .bind(pattern)
        .bind(agency_code.trim())
        .bind(limit)
        .fetch_all(&app.db.read)
        .await?;
    Ok(rows
        .iter()
        .map(employee_row)
        .collect::<Result<_, sqlx::Error>>()?)
}
