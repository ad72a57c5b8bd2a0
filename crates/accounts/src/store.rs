//! SQL for people and organisation: `users`, `role_grants`, `agencies`, `password_resets`.
//! (Failed-attempt counting lives in `platform::throttle`.) Functions take an executor or connection, so the caller owns the transaction.

use platform::{clock, db::Db, ids};
use sqlx::{AnyConnection, Row as _, any::AnyRow};

/// An account as the login and admin pages need it.
#[derive(Clone, Debug)]
pub struct UserRow {
    pub id: String,
    pub kind: String,
    pub full_name: String,
    pub username: Option<String>,
    pub nik: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: String,
    pub lang: String,
    pub disabled: bool,
    pub created_ms: i64,
}

const USER_COLUMNS: &str =
    "id, kind, full_name, username, nik, email, phone, password_hash, lang, disabled, created_ms";

fn user_row(row: &AnyRow) -> Result<UserRow, sqlx::Error> {
    Ok(UserRow {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        full_name: row.try_get("full_name")?,
        username: row.try_get("username")?,
        nik: row.try_get("nik")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        password_hash: row.try_get("password_hash")?,
        lang: row.try_get("lang")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        created_ms: row.try_get("created_ms")?,
    })
}

/// New account fields.
pub struct NewUser<'a> {
    pub kind: &'a str,
    pub full_name: &'a str,
    pub username: Option<&'a str>,
    pub nik: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub password_hash: &'a str,
    pub lang: &'a str,
}

const INSERT_USER: &str = "INSERT INTO users (id, kind, full_name, username, nik, email, phone, password_hash, lang, disabled, created_ms, updated_ms) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10)";

pub async fn insert_user(
    conn: &mut AnyConnection,
    user: &NewUser<'_>,
) -> Result<String, sqlx::Error> {
    let id = ids::new_id();
    sqlx::query(INSERT_USER)
        .bind(&id)
        .bind(user.kind)
        .bind(user.full_name)
        .bind(user.username)
        .bind(user.nik)
        .bind(user.email)
        .bind(user.phone)
        .bind(user.password_hash)
        .bind(user.lang)
        .bind(clock::now_ms())
        .execute(conn)
        .await?;
    Ok(id)
}

/// Which unique column a registration collides with.
pub async fn find_taken(
    db: &Db,
    nik: Option<&str>,
    email: Option<&str>,
    phone: Option<&str>,
    username: Option<&str>,
) -> Result<Vec<&'static str>, sqlx::Error> {
    let mut taken = Vec::new();
    for (field, column, value) in [
        ("nik", "nik", nik),
        ("email", "email", email),
        ("phone", "phone", phone),
        ("username", "username", username),
    ] {
        if let Some(value) = value {
            let sql = format!("SELECT COUNT(*) AS n FROM users WHERE {column} = $1");
            let n: i64 = sqlx::query(&sql)
                .bind(value)
                .fetch_one(&db.read)
                .await?
                .try_get("n")?;
            if n > 0 {
                taken.push(field);
            }
        }
    }
    Ok(taken)
}

/// The account a login identifier names: NIK, email, phone (any written form) or username.
pub async fn find_by_login(db: &Db, identifier: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let candidates = crate::model::login_candidates(identifier);
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users WHERE nik = $1 OR email = $2 OR phone = $3 OR username = $4"
    );
    let row = sqlx::query(&sql)
        .bind(candidates.nik.as_deref())
        .bind(candidates.email.as_deref())
        .bind(candidates.phone.as_deref())
        .bind(candidates.username.as_deref())
        .fetch_optional(&db.read)
        .await?;
    row.as_ref().map(user_row).transpose()
}

pub async fn find_user(db: &Db, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.read).await?;
    row.as_ref().map(user_row).transpose()
}

/// Staff accounts matching `query` (name or username), newest first.
pub async fn list_staff(db: &Db, query: &str, limit: i64) -> Result<Vec<UserRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users WHERE kind = 'staff' AND \
         (LOWER(full_name) LIKE LOWER($1) OR LOWER(COALESCE(username, '')) LIKE LOWER($1)) \
         ORDER BY full_name LIMIT $2"
    );
    let pattern = format!("%{}%", query.trim().replace(['%', '_'], ""));
    let rows = sqlx::query(&sql)
        .bind(pattern)
        .bind(limit)
        .fetch_all(&db.read)
        .await?;
    rows.iter().map(user_row).collect()
}

pub async fn update_password(
    conn: &mut AnyConnection,
    user_id: &str,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $2, updated_ms = $3 WHERE id = $1")
        .bind(user_id)
        .bind(hash)
        .bind(clock::now_ms())
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn update_disabled(
    conn: &mut AnyConnection,
    user_id: &str,
    disabled: bool,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET disabled = $2, updated_ms = $3 WHERE id = $1 AND kind = 'staff'",
    )
    .bind(user_id)
    .bind(i64::from(disabled))
    .bind(clock::now_ms())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub async fn update_lang(
    conn: &mut AnyConnection,
    user_id: &str,
    lang: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET lang = $2 WHERE id = $1")
        .bind(user_id)
        .bind(lang)
        .execute(conn)
        .await?;
    Ok(())
}

// ---- role grants ----

pub async fn insert_grant(
    conn: &mut AnyConnection,
    user_id: &str,
    role: &str,
    agency_id: &str,
    granted_by: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO role_grants (user_id, role, agency_id, granted_ms, granted_by) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (user_id, role, agency_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(role)
    .bind(agency_id)
    .bind(clock::now_ms())
    .bind(granted_by)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_grant(
    conn: &mut AnyConnection,
    user_id: &str,
    role: &str,
    agency_id: &str,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("DELETE FROM role_grants WHERE user_id = $1 AND role = $2 AND agency_id = $3")
            .bind(user_id)
            .bind(role)
            .bind(agency_id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count_grants(conn: &mut AnyConnection, role: &str) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM role_grants g JOIN users u ON u.id = g.user_id WHERE g.role = $1 AND u.disabled = 0")
        .bind(role)
        .fetch_one(conn)
        .await?
        .try_get("n")
}

// ---- agencies ----

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AgencyRow {
    pub id: String,
    pub code: String,
    pub name_id: String,
    pub name_en: String,
    pub kind: String,
    pub parent_id: Option<String>,
    pub region_code: Option<String>,
}

fn agency_row(row: &AnyRow) -> Result<AgencyRow, sqlx::Error> {
    Ok(AgencyRow {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        name_id: row.try_get("name_id")?,
        name_en: row.try_get("name_en")?,
        kind: row.try_get("kind")?,
        parent_id: row.try_get("parent_id")?,
        region_code: row.try_get("region_code")?,
    })
}

pub async fn list_agencies(db: &Db) -> Result<Vec<AgencyRow>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, code, name_id, name_en, kind, parent_id, region_code FROM agencies ORDER BY code")
        .fetch_all(&db.read)
        .await?;
    rows.iter().map(agency_row).collect()
}

pub async fn find_agency_by_code(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<AgencyRow>, sqlx::Error> {
    let row = sqlx::query("SELECT id, code, name_id, name_en, kind, parent_id, region_code FROM agencies WHERE code = $1")
        .bind(code)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(agency_row).transpose()
}

pub struct NewAgency<'a> {
    pub code: &'a str,
    pub name_id: &'a str,
    pub name_en: &'a str,
    pub kind: &'a str,
    pub parent_id: Option<&'a str>,
    pub region_code: Option<&'a str>,
}

pub async fn insert_agency(
    conn: &mut AnyConnection,
    agency: &NewAgency<'_>,
) -> Result<String, sqlx::Error> {
    let id = ids::new_id();
    sqlx::query(
        "INSERT INTO agencies (id, code, name_id, name_en, kind, parent_id, region_code, created_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(agency.code)
    .bind(agency.name_id)
    .bind(agency.name_en)
    .bind(agency.kind)
    .bind(agency.parent_id)
    .bind(agency.region_code)
    .bind(clock::now_ms())
    .execute(conn)
    .await?;
    Ok(id)
}

// ---- throttling and password resets ----

pub async fn insert_reset(
    conn: &mut AnyConnection,
    user_id: &str,
    code_hash: &str,
    expires_ms: i64,
) -> Result<(), sqlx::Error> {
    // A new code replaces any earlier one.
    sqlx::query("UPDATE password_resets SET used_ms = $2 WHERE user_id = $1 AND used_ms IS NULL")
        .bind(user_id)
        .bind(clock::now_ms())
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO password_resets (id, user_id, code_hash, created_ms, expires_ms, attempts) VALUES ($1, $2, $3, $4, $5, 0)")
        .bind(ids::new_id())
        .bind(user_id)
        .bind(code_hash)
        .bind(clock::now_ms())
        .bind(expires_ms)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn count_recent_resets(
    db: &Db,
    user_id: &str,
    since_ms: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM password_resets WHERE user_id = $1 AND created_ms > $2")
        .bind(user_id)
        .bind(since_ms)
        .fetch_one(&db.read)
        .await?
        .try_get("n")
}

/// The live reset of a user: (id, code hash, attempts).
pub async fn find_live_reset(
    conn: &mut AnyConnection,
    user_id: &str,
    now_ms: i64,
) -> Result<Option<(String, String, i64)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, code_hash, attempts FROM password_resets WHERE user_id = $1 AND used_ms IS NULL AND expires_ms > $2 \
         ORDER BY created_ms DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(now_ms)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("id")?,
            r.try_get("code_hash")?,
            r.try_get("attempts")?,
        ))
    })
    .transpose()
}

pub async fn update_reset_attempt(
    conn: &mut AnyConnection,
    reset_id: &str,
    give_up: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE password_resets SET attempts = attempts + 1, used_ms = CASE WHEN $2 = 1 THEN $3 ELSE used_ms END WHERE id = $1")
        .bind(reset_id)
        .bind(i64::from(give_up))
        .bind(clock::now_ms())
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn update_reset_used(
    conn: &mut AnyConnection,
    reset_id: &str,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE password_resets SET used_ms = $2 WHERE id = $1 AND used_ms IS NULL")
            .bind(reset_id)
            .bind(clock::now_ms())
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}
