//! The JP ledger: JP (jam pelajaran) from completed trainings, and development earned elsewhere
//! that the ASN records with proof and a competency admin approves. Per ASN per year against the
//! right of 20 JP (PP 11/2017 Art. 203(4) as amended by PP 17/2020), the agency compliance
//! percentage, and the reminder from October to those still below. PPPK staff have their own,
//! smaller allowance set by their agreement: they are shown their JP but not measured against
//! 20 nor counted in the compliance percentage. Owns `jp_entries` and `jp_reminders`.
//! Events of the collaboration capability add entries through [`record_event_jp`] (source `event`).

use jiff::civil::Date;
use platform::{
    AppState, audit,
    auth::{CurrentUser, Role},
    blobs::{self, BlobStore},
    clock, ids, outbox,
    web::i18n::Lang,
};
use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use utoipa::ToSchema;

use crate::{employees, error::CapacityError, is_admin};

/// The yearly right of a PNS, in JP.
pub const JP_RIGHT: i64 = 20;

/// The reminder goes out from this month on.
pub const REMINDER_FROM_MONTH: i8 = 10;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct JpEntry {
    pub id: String,
    pub employee_id: String,
    pub year: i64,
    pub jp: i64,
    /// `training`, `external` or `event` (an attended collaboration event).
    pub source: String,
    pub title: String,
    /// `approved`, `pending` or `rejected`.
    pub status: String,
    pub proof_name: Option<String>,
    pub created_ms: i64,
}

const COLUMNS: &str = "id, employee_id, year, jp, source, title, status, proof_name, created_ms";

fn entry(row: &sqlx::any::AnyRow) -> Result<JpEntry, sqlx::Error> {
    Ok(JpEntry {
        id: row.try_get("id")?,
        employee_id: row.try_get("employee_id")?,
        year: row.try_get("year")?,
        jp: row.try_get("jp")?,
        source: row.try_get("source")?,
        title: row.try_get("title")?,
        status: row.try_get("status")?,
        proof_name: row.try_get("proof_name")?,
        created_ms: row.try_get("created_ms")?,
    })
}

/// Every entry of an employee in `year`, newest first.
pub async fn ledger(
    app: &AppState,
    employee_id: &str,
    year: i64,
) -> Result<Vec<JpEntry>, CapacityError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM jp_entries WHERE employee_id = $1 AND year = $2 ORDER BY created_ms DESC"
    ))
    .bind(employee_id)
    .bind(year)
    .fetch_all(&app.db.read)
    .await?;
    Ok(rows.iter().map(entry).collect::<Result<_, _>>()?)
}

/// Approved JP of an employee in `year`.
pub async fn total(app: &AppState, employee_id: &str, year: i64) -> Result<i64, CapacityError> {
    Ok(sqlx::query(
        "SELECT COALESCE(SUM(jp), 0) AS total FROM jp_entries WHERE employee_id = $1 AND year = $2 AND status = 'approved'",
    )
    .bind(employee_id)
    .bind(year)
    .fetch_one(&app.db.read)
    .await?
    .try_get("total")?)
}

/// Development earned outside Sigap's catalogue, as the ASN records it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ExternalInput {
    pub title: String,
    pub jp: String,
    /// YYYY-MM-DD, not in the future; its year is the ledger year.
    pub completed_on: String,
}

/// Records external development with its proof (PDF, JPEG or PNG, checked by content); it
/// counts once a competency admin approves it. The file is stored before the row.
pub async fn submit_external(
    app: &AppState,
    user: &CurrentUser,
    input: &ExternalInput,
    proof: Option<(&str, &[u8])>,
) -> Result<String, CapacityError> {
    let employee = employees::own_record(app, user).await?;
    let mut problems: Vec<(String, &'static str)> = Vec::new();
    let title = crate::collapse_spaces(&input.title);
    if title.is_empty() || title.chars().count() > 200 {
        problems.push(("title".into(), "capacity.title_invalid"));
    }
    let jp = input
        .jp
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|j| (1..=200).contains(j));
    if jp.is_none() {
        problems.push(("jp".into(), "capacity.external_jp_invalid"));
    }
    let completed = input
        .completed_on
        .trim()
        .parse::<Date>()
        .ok()
        .filter(|d| *d <= crate::today_wita());
    if completed.is_none() {
        problems.push(("completed_on".into(), "capacity.date_invalid"));
    }
    match proof {
        None => problems.push(("file".into(), "capacity.proof_missing")),
        Some((_, bytes)) if blobs::sniff(bytes).is_err() => {
            problems.push(("file".into(), "capacity.proof_type"));
        }
        Some(_) => {}
    }
    let (Some(jp), Some(completed), Some((name, bytes)), true) =
        (jp, completed, proof, problems.is_empty())
    else {
        return Err(CapacityError::Invalid(problems));
    };
    let blob = BlobStore::new(&app.settings.data_dir)
        .put(bytes)
        .await
        .map_err(|e| CapacityError::Internal(e.into()))?;
    let id = ids::new_id();
    let mut tx = app.db.begin().await?;
    sqlx::query(
        "INSERT INTO jp_entries (id, employee_id, year, jp, source, title, proof_sha256, proof_name, status, created_ms) \
         VALUES ($1, $2, $3, $4, 'external', $5, $6, $7, 'pending', $8)",
    )
    .bind(&id)
    .bind(&employee.id)
    .bind(i64::from(completed.year()))
    .bind(jp)
    .bind(&title)
    .bind(&blob.sha256)
    .bind(name.chars().take(200).collect::<String>())
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "jp.external_submitted",
            subject: &format!("jp_entry:{id}"),
            detail: serde_json::json!({ "jp": jp }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// What an attended event grants: written by the collaboration capability in its check-in
/// transaction.
#[derive(Clone, Debug)]
pub struct EventJp<'a> {
    /// The event registration that was attended: the ledger holds it once.
    pub registration_id: &'a str,
    pub employee_id: &'a str,
    /// The ledger year (the event's start in WITA).
    pub year: i64,
    pub jp: i64,
    pub title: &'a str,
}

/// Writes the JP of an attended event (approved: the organiser's check-in is the proof) in the
/// caller's transaction. Returns false when this registration was written already.
pub async fn record_event_jp(
    conn: &mut sqlx::AnyConnection,
    entry: EventJp<'_>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO jp_entries (id, employee_id, year, jp, source, title, status, event_registration_id, created_ms) \
         VALUES ($1, $2, $3, $4, 'event', $5, 'approved', $6, $7) ON CONFLICT (event_registration_id) DO NOTHING",
    )
    .bind(ids::new_id())
    .bind(entry.employee_id)
    .bind(entry.year)
    .bind(entry.jp)
    .bind(entry.title)
    .bind(entry.registration_id)
    .bind(clock::now_ms())
    .execute(&mut *conn)
    .await?;
    let written = done.rows_affected() == 1;
    if written {
        crate::jp_totals::on_approved(conn, entry.employee_id, entry.year).await?;
    }
    Ok(written)
}

/// The employee record id linked to the account `user_id`, if any (an ASN with a record).
pub async fn employee_id_of_user(
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT id FROM employees WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()
}

/// External entries awaiting a decision, with the employee's name (competency admin).
pub async fn pending_external(
    app: &AppState,
    user: &CurrentUser,
) -> Result<Vec<(JpEntry, String)>, CapacityError> {
    if !is_admin(user) {
        return Err(CapacityError::Forbidden);
    }
    let rows = sqlx::query(
        "SELECT j.id, j.employee_id, j.year, j.jp, j.source, j.title, j.status, j.proof_name, j.created_ms, e.full_name \
         FROM jp_entries j JOIN employees e ON e.id = j.employee_id WHERE j.status = 'pending' ORDER BY j.created_ms",
    )
    .fetch_all(&app.db.read)
    .await?;
    rows.iter()
        .map(|r| Ok((entry(r)?, r.try_get("full_name")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// The proof file of an entry: its owner or a competency admin.
pub async fn proof(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<(String, Vec<u8>), CapacityError> {
    let row = sqlx::query(
        "SELECT j.proof_sha256, j.proof_name, e.user_id FROM jp_entries j JOIN employees e ON e.id = j.employee_id WHERE j.id = $1",
    )
    .bind(id)
    .fetch_optional(&app.db.read)
    .await?
    .ok_or(CapacityError::NotFound)?;
    let owner: Option<String> = row.try_get("user_id")?;
    if !(is_admin(user) || owner.as_deref() == Some(user.id.as_str())) {
        return Err(CapacityError::Forbidden);
    }
    let sha: Option<String> = row.try_get("proof_sha256")?;
    let sha = sha.ok_or(CapacityError::NotFound)?;
    let name: Option<String> = row.try_get("proof_name")?;
    let bytes = BlobStore::new(&app.settings.data_dir)
        .get(&sha)
        .await
        .map_err(|e| CapacityError::Internal(e.into()))?;
    Ok((name.unwrap_or_default(), bytes))
}

/// A competency admin approves (it counts) or rejects an external entry; the ASN is told.
pub async fn decide_external(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
    approve: bool,
) -> Result<(), CapacityError> {
    if !is_admin(user) {
        return Err(CapacityError::Forbidden);
    }
    let status = if approve { "approved" } else { "rejected" };
    let mut tx = app.db.begin().await?;
    let row = sqlx::query(
        "UPDATE jp_entries SET status = $2, decided_by = $3, decided_ms = $4 WHERE id = $1 AND status = 'pending' RETURNING employee_id, year, title",
    )
    .bind(id)
    .bind(status)
    .bind(&user.id)
    .bind(clock::now_ms())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        let exists = sqlx::query("SELECT 1 AS x FROM jp_entries WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        return Err(if exists {
            CapacityError::AlreadyDecided
        } else {
            CapacityError::NotFound
        });
    };
    let employee_id: String = row.try_get("employee_id")?;
    let title: String = row.try_get("title")?;
    if approve {
        crate::jp_totals::on_approved(&mut tx, &employee_id, row.try_get("year")?).await?;
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: if approve {
                "jp.external_approved"
            } else {
                "jp.external_rejected"
            },
            subject: &format!("jp_entry:{id}"),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    if let Some(employee) = employees::find_employee_by_id(app, &employee_id).await?
        && let Some(user_id) = employee.user_id
    {
        let lang = accounts::contact(app, &user_id)
            .await?
            .map(|c| c.lang)
            .unwrap_or(Lang::Id);
        let key = if approve {
            "capacity.notice_jp_approved"
        } else {
            "capacity.notice_jp_rejected"
        };
        let body = app.catalogue.get(lang, key).replace("{title}", &title);
        outbox::enqueue(
            &mut tx,
            outbox::Message {
                channel: outbox::Channel::InApp,
                user_id: Some(&user_id),
                address: None,
                subject: app.catalogue.get(lang, "capacity.notice_subject"),
                body: &body,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// One agency's share of PNS at or above the 20 JP right in a year.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AgencyCompliance {
    pub agency_code: String,
    pub agency_name: String,
    /// PNS on file.
    pub employees: i64,
    /// PNS with at least 20 approved JP this year.
    pub compliant: i64,
    /// compliant / employees × 100, one decimal.
    pub percent: f64,
}

/// Compliance per agency in `year` (competency admin, leader); computed in one SQL query.
pub async fn compliance(
    app: &AppState,
    user: &CurrentUser,
    year: i64,
) -> Result<Vec<AgencyCompliance>, CapacityError> {
    if !(is_admin(user) || user.has_role(Role::Leader)) {
        return Err(CapacityError::Forbidden);
    }
    // The PNS are counted from an index; who of them is compliant is kept on write
    // (crate::jp_totals).
    let rows = sqlx::query(
        "SELECT a.code, a.name_id, n.employees, COALESCE(c.compliant, 0) AS compliant \
         FROM (SELECT agency_id, COUNT(*) AS employees FROM employees WHERE employment_type = 'pns' GROUP BY agency_id) n \
         JOIN agencies a ON a.id = n.agency_id \
         LEFT JOIN jp_compliance c ON c.agency_id = n.agency_id AND c.year = $1 ORDER BY a.code",
    )
    .bind(year)
    .fetch_all(&app.db.read)
    .await?;
    rows.iter()
        .map(|r| {
            let employees: i64 = r.try_get("employees")?;
            let compliant: i64 = r.try_get("compliant")?;
            Ok(AgencyCompliance {
                agency_code: r.try_get("code")?,
                agency_name: r.try_get("name_id")?,
                percent: if employees == 0 {
                    0.0
                } else {
                    (compliant as f64 * 1000.0 / employees as f64).round() / 10.0
                },
                employees,
                compliant,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// From October on, tells every PNS with an account who is below 20 JP this year, once a year,
/// through the outbox. Returns how many were told. Safe to run often and on several nodes: the
/// `jp_reminders` row is written with the message, and a second run finds it.
pub async fn send_reminders(app: &AppState, today: Date) -> Result<usize, CapacityError> {
    if today.month() < REMINDER_FROM_MONTH {
        return Ok(0);
    }
    let year = i64::from(today.year());
    let rows = sqlx::query(
        "SELECT e.id, e.user_id, COALESCE(j.total, 0) AS total FROM employees e \
         LEFT JOIN (SELECT employee_id, SUM(jp) AS total FROM jp_entries WHERE year = $1 AND status = 'approved' GROUP BY employee_id) j \
         ON j.employee_id = e.id \
         WHERE e.employment_type = 'pns' AND e.user_id IS NOT NULL AND COALESCE(j.total, 0) < $2 \
         AND NOT EXISTS (SELECT 1 FROM jp_reminders r WHERE r.employee_id = e.id AND r.year = $1)",
    )
    .bind(year)
    .bind(JP_RIGHT)
    .fetch_all(&app.db.read)
    .await?;
    let mut due = Vec::new();
    for row in &rows {
        let employee_id: String = row.try_get("id")?;
        let user_id: Option<String> = row.try_get("user_id")?;
        let total: i64 = row.try_get("total")?;
        if let Some(user_id) = user_id {
            let lang = accounts::contact(app, &user_id)
                .await?
                .map(|c| c.lang)
                .unwrap_or(Lang::Id);
            due.push((employee_id, user_id, total, lang));
        }
    }
    let mut tx = app.db.begin().await?;
    let mut sent = 0;
    for (employee_id, user_id, total, lang) in &due {
        let claimed = sqlx::query(
            "INSERT INTO jp_reminders (employee_id, year, sent_ms) VALUES ($1, $2, $3) ON CONFLICT (employee_id, year) DO NOTHING",
        )
        .bind(employee_id)
        .bind(year)
        .bind(clock::now_ms())
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            continue;
        }
        let body = app
            .catalogue
            .get(*lang, "capacity.notice_jp_reminder")
            .replace("{jp}", &total.to_string())
            .replace("{year}", &year.to_string());
        outbox::enqueue(
            &mut tx,
            outbox::Message {
                channel: outbox::Channel::InApp,
                user_id: Some(user_id),
                address: None,
                subject: app.catalogue.get(*lang, "capacity.notice_subject"),
                body: &body,
            },
        )
        .await?;
        sent += 1;
    }
    if sent > 0 {
        audit::record(
            &mut tx,
            audit::Entry {
                actor_id: None,
                action: "jp.reminders_sent",
                subject: "jp_reminders",
                detail: serde_json::json!({ "year": year, "sent": sent }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(sent)
}

/// Runs until `cancel` fires, sending the yearly reminders once an hour when due.
pub async fn run_reminders(app: AppState, cancel: tokio_util::sync::CancellationToken) {
    loop {
        match send_reminders(&app, crate::today_wita()).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(reminders.sent = sent, "JP reminders sent"),
            Err(error) => tracing::warn!(error = %error, "JP reminders failed; will retry"),
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(std::time::Duration::from_secs(3600)) => {}
        }
    }
}
