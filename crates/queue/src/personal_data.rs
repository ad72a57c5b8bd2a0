//! The queue's part of a citizen's data export and deletion (UU 27/2022): appointments and the
//! tickets issued for them. On deletion, booked appointments from today on are cancelled and
//! their seats released exactly as a cancellation by the citizen does.

use platform::{db::Db, personal::json_rows};
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row as _};

use crate::{office, store};

/// Appointments of `user_id` with the tickets issued for them.
pub async fn export(db: &Db, user_id: &str) -> Result<Value, sqlx::Error> {
    let appointments = sqlx::query(
        "SELECT a.code, o.code AS office_code, a.day, a.slot, a.status, a.application_id, a.created_ms \
         FROM queue_appointments a JOIN queue_offices o ON o.id = a.office_id \
         WHERE a.user_id = $1 ORDER BY a.day, a.slot",
    )
    .bind(user_id)
    .fetch_all(&db.read)
    .await?;
    let tickets = sqlx::query(
        "SELECT t.number, t.day, t.status, a.code AS appointment_code, t.issued_ms, t.finished_ms \
         FROM queue_tickets t JOIN queue_appointments a ON a.id = t.appointment_id \
         WHERE a.user_id = $1 ORDER BY t.issued_ms",
    )
    .bind(user_id)
    .fetch_all(&db.read)
    .await?;
    Ok(json!({
        "appointments": json_rows(
            &appointments,
            &["code", "office_code", "day", "slot", "status", "application_id"],
            &["created_ms"],
        )?,
        "tickets": json_rows(
            &tickets,
            &["number", "day", "status", "appointment_code"],
            &["issued_ms", "finished_ms"],
        )?,
    }))
}

/// Inside the caller's transaction: cancels the person's booked appointments from today on and
/// releases their seats; returns how many were cancelled.
pub async fn erase(conn: &mut AnyConnection, user_id: &str) -> Result<u64, sqlx::Error> {
    let (today, _) = office::local_now();
    let rows = sqlx::query(
        "SELECT id FROM queue_appointments WHERE user_id = $1 AND status = 'booked' AND day >= $2",
    )
    .bind(user_id)
    .bind(today.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let mut cancelled = 0;
    for row in rows {
        let id: String = row.try_get("id")?;
        if store::set_appointment_status(&mut *conn, &id, "booked", "cancelled").await? {
            store::release_seat(&mut *conn, &id).await?;
            cancelled += 1;
        }
    }
    Ok(cancelled)
}
