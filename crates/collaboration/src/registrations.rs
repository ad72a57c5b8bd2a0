//! Registration for events: citizens and ASN register for events they may see; when the seats
//! are taken they are waitlisted, and a cancelled seat goes at once to the first person waiting
//! (who is told). Check-in with the code of the QR shown in the room (or by an organiser)
//! records attendance, and for an event that grants JP writes them to the attending ASN's JP
//! ledger (`capacity::jp::record_event_jp`) in the same transaction. Owns `event_registrations`
//! and the seat count of `events`.
//!
//! Concurrency, as in `capacity::enrolment`: every transaction here that can change seats first
//! writes the event row (a no-op UPDATE), which on PostgreSQL locks it until commit, so the
//! registrations of one event are serialised; seats then move only through
//! `UPDATE … WHERE seats_taken < capacity`, which cannot overshoot. SQLite has a single writer.

use platform::{AppState, audit, auth::CurrentUser, clock, ids, outbox, web::i18n::Lang};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use sqlx::{AnyConnection, Row as _, any::AnyRow};
use utoipa::ToSchema;

use crate::{
    error::CollaborationError,
    events::{self, Event},
};

/// Check-in opens this long before the start.
pub const CHECKIN_OPENS_BEFORE_MS: i64 = 60 * 60 * 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    Registered,
    Waitlisted,
    Cancelled,
}

impl RegistrationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationStatus::Registered => "registered",
            RegistrationStatus::Waitlisted => "waitlisted",
            RegistrationStatus::Cancelled => "cancelled",
        }
    }
    pub fn parse(raw: &str) -> Option<RegistrationStatus> {
        [
            RegistrationStatus::Registered,
            RegistrationStatus::Waitlisted,
            RegistrationStatus::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            RegistrationStatus::Registered => "collaboration.status_registered",
            RegistrationStatus::Waitlisted => "collaboration.status_waitlisted",
            RegistrationStatus::Cancelled => "collaboration.status_cancelled",
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Registration {
    pub id: String,
    pub event_id: String,
    pub user_id: String,
    /// The participant's name (shown to organisers only).
    pub full_name: String,
    pub status: RegistrationStatus,
    pub registered_ms: i64,
    pub checked_in_ms: Option<i64>,
}

const COLUMNS: &str =
    "r.id, r.event_id, r.user_id, u.full_name, r.status, r.registered_ms, r.checked_in_ms";
const FROM: &str = "FROM event_registrations r JOIN users u ON u.id = r.user_id";

fn registration_row(row: &AnyRow) -> Result<Registration, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(Registration {
        id: row.try_get("id")?,
        event_id: row.try_get("event_id")?,
        user_id: row.try_get("user_id")?,
        full_name: row.try_get("full_name")?,
        status: RegistrationStatus::parse(&status).unwrap_or(RegistrationStatus::Cancelled),
        registered_ms: row.try_get("registered_ms")?,
        checked_in_ms: row.try_get("checked_in_ms")?,
    })
}

async fn find_of(
    conn: &mut AnyConnection,
    event_id: &str,
    user_id: &str,
) -> Result<Option<Registration>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE r.event_id = $1 AND r.user_id = $2"
    ))
    .bind(event_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(registration_row)
    .transpose()
}

/// The signed-in person's registration for an event, if any.
pub async fn registration_of(
    app: &AppState,
    user: &CurrentUser,
    event_id: &str,
) -> Result<Option<Registration>, CollaborationError> {
    let mut conn = app.db.read.acquire().await?;
    Ok(find_of(&mut conn, event_id, &user.id).await?)
}

/// Participants (organisers only): registered first, then the waitlist in promotion order.
pub async fn list_for_event(
    app: &AppState,
    user: &CurrentUser,
    event: &Event,
) -> Result<Vec<Registration>, CollaborationError> {
    if !event.managed_by(user) {
        return Err(CollaborationError::Forbidden);
    }
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE r.event_id = $1 ORDER BY \
         CASE r.status WHEN 'registered' THEN 0 WHEN 'waitlisted' THEN 1 ELSE 2 END, \
         r.waitlisted_ms, r.registered_ms, r.id"
    ))
    .bind(&event.id)
    .fetch_all(&app.db.read)
    .await?;
    Ok(rows
        .iter()
        .map(registration_row)
        .collect::<Result<_, _>>()?)
}

/// Ids of people registered or waiting (to tell them of a cancellation).
pub(crate) async fn active_user_ids(
    app: &AppState,
    event_id: &str,
) -> Result<Vec<String>, CollaborationError> {
    let mut conn = app.db.read.acquire().await?;
    active_user_ids_on(&mut conn, event_id).await
}

/// The same, read on `conn` (inside the transaction that locked the event, so nobody who
/// registers meanwhile is missed).
pub(crate) async fn active_user_ids_on(
    conn: &mut AnyConnection,
    event_id: &str,
) -> Result<Vec<String>, CollaborationError> {
    let rows = sqlx::query(
        "SELECT user_id FROM event_registrations WHERE event_id = $1 AND status IN ('registered', 'waitlisted') ORDER BY id",
    )
    .bind(event_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get("user_id"))
        .collect::<Result<_, _>>()?)
}

/// Events the person registered for or waits for, soonest first.
pub async fn my_events(
    app: &AppState,
    user: &CurrentUser,
) -> Result<Vec<(Event, RegistrationStatus)>, CollaborationError> {
    my_events_of(app, &user.id).await
}

pub(crate) async fn my_events_of(
    app: &AppState,
    user_id: &str,
) -> Result<Vec<(Event, RegistrationStatus)>, CollaborationError> {
    let rows = sqlx::query(
        "SELECT r.event_id, r.status FROM event_registrations r JOIN events e ON e.id = r.event_id \
         WHERE r.user_id = $1 AND r.status IN ('registered', 'waitlisted') ORDER BY e.starts_ms LIMIT 500",
    )
    .bind(user_id)
    .fetch_all(&app.db.read)
    .await?;
    let mut conn = app.db.read.acquire().await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get("event_id")?;
        let status: String = row.try_get("status")?;
        if let Some(event) = events::load(&mut conn, &id).await? {
            out.push((
                event,
                RegistrationStatus::parse(&status).unwrap_or(RegistrationStatus::Waitlisted),
            ));
        }
    }
    Ok(out)
}

/// Locks the event row until commit (PostgreSQL); SQLite has one writer anyway.
pub(crate) async fn lock_event(
    conn: &mut AnyConnection,
    event_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE events SET seats_taken = seats_taken WHERE id = $1")
        .bind(event_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes a seat if one is free; the conditional UPDATE cannot overshoot the capacity.
async fn take_seat(conn: &mut AnyConnection, event_id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE events SET seats_taken = seats_taken + 1 WHERE id = $1 AND seats_taken < capacity",
    )
    .bind(event_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Tells a person (in-app, in their language) what happened to `title`.
pub(crate) async fn notify(
    app: &AppState,
    conn: &mut AnyConnection,
    user_id: &str,
    key: &str,
    title: &str,
) -> Result<(), CollaborationError> {
    notify_with(app, conn, user_id, key, |_| {
        vec![("{title}", title.to_string())]
    })
    .await
}

/// Tells a person (in-app) the text of `key` in their language with each placeholder replaced
/// by what `values` gives for that language (times are shown in the reader's language).
pub(crate) async fn notify_with(
    app: &AppState,
    conn: &mut AnyConnection,
    user_id: &str,
    key: &str,
    values: impl Fn(Lang) -> Vec<(&'static str, String)>,
) -> Result<(), CollaborationError> {
    let lang = accounts::contact(app, user_id)
        .await?
        .map(|c| c.lang)
        .unwrap_or(Lang::Id);
    let mut body = app.catalogue.get(lang, key).to_string();
    for (placeholder, value) in values(lang) {
        body = body.replace(placeholder, &value);
    }
    outbox::enqueue(
        conn,
        outbox::Message {
            channel: outbox::Channel::InApp,
            user_id: Some(user_id),
            address: None,
            subject: app.catalogue.get(lang, "collaboration.notice_subject"),
            body: &body,
        },
    )
    .await?;
    Ok(())
}

/// The signed-in person registers: a seat if one is free, otherwise the waitlist.
pub async fn register(
    app: &AppState,
    user: &CurrentUser,
    event_id: &str,
) -> Result<Registration, CollaborationError> {
    let event = events::get_event(app, Some(user), event_id).await?;
    if event.cancelled || event.is_over(clock::now_ms()) {
        return Err(CollaborationError::EventClosed);
    }
    let mut tx = app.db.begin().await?;
    lock_event(&mut tx, event_id).await?;
    if find_of(&mut tx, event_id, &user.id)
        .await?
        .is_some_and(|r| r.status != RegistrationStatus::Cancelled)
    {
        return Err(CollaborationError::AlreadyRegistered);
    }
    let status = if take_seat(&mut tx, event_id).await? {
        RegistrationStatus::Registered
    } else {
        RegistrationStatus::Waitlisted
    };
    let now = clock::now_ms();
    let waitlisted = (status == RegistrationStatus::Waitlisted).then_some(now);
    let written = sqlx::query(
        "INSERT INTO event_registrations (id, event_id, user_id, status, registered_ms, waitlisted_ms, checked_in_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, NULL) \
         ON CONFLICT (event_id, user_id) DO UPDATE SET status = excluded.status, \
         registered_ms = excluded.registered_ms, waitlisted_ms = excluded.waitlisted_ms \
         WHERE event_registrations.status = 'cancelled' RETURNING id",
    )
    .bind(ids::new_id())
    .bind(event_id)
    .bind(&user.id)
    .bind(status.as_str())
    .bind(now)
    .bind(waitlisted)
    .fetch_optional(&mut *tx)
    .await;
    let id: String = match written {
        Ok(Some(row)) => row.try_get("id")?,
        // Registered meanwhile (the same person twice at once): the seat taken above rolls back.
        Ok(None) => return Err(CollaborationError::AlreadyRegistered),
        Err(e) if platform::db::is_unique_violation(&e) => {
            return Err(CollaborationError::AlreadyRegistered);
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "event.registered",
            subject: &format!("event_registration:{id}"),
            detail: serde_json::json!({ "event_id": event_id, "status": status.as_str() }),
        },
    )
    .await?;
    let registration = find_of(&mut tx, event_id, &user.id)
        .await?
        .ok_or(CollaborationError::NotFound)?;
    tx.commit().await?;
    Ok(registration)
}

/// The signed-in person cancels; a freed seat goes to the first person waiting.
pub async fn cancel(
    app: &AppState,
    user: &CurrentUser,
    event_id: &str,
) -> Result<(), CollaborationError> {
    let event = events::get_event(app, Some(user), event_id).await?;
    let mut tx = app.db.begin().await?;
    lock_event(&mut tx, event_id).await?;
    let registration = find_of(&mut tx, event_id, &user.id)
        .await?
        .filter(|r| r.status != RegistrationStatus::Cancelled)
        .ok_or(CollaborationError::NotRegistered)?;
    sqlx::query(
        "UPDATE event_registrations SET status = 'cancelled', waitlisted_ms = NULL WHERE id = $1",
    )
    .bind(&registration.id)
    .execute(&mut *tx)
    .await?;
    let mut promoted = None;
    if registration.status == RegistrationStatus::Registered {
        sqlx::query(
            "UPDATE events SET seats_taken = seats_taken - 1 WHERE id = $1 AND seats_taken > 0",
        )
        .bind(event_id)
        .execute(&mut *tx)
        .await?;
        if !event.cancelled && !event.is_over(clock::now_ms()) {
            promoted = promote(app, &mut tx, &event).await?;
        }
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "event.registration_cancelled",
            subject: &format!("event_registration:{}", registration.id),
            detail: serde_json::json!({ "event_id": event_id, "promoted": promoted }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a free seat to the first person waiting (time, then id); returns their registration id.
/// The caller has locked the event ([`lock_event`]).
pub(crate) async fn promote(
    app: &AppState,
    conn: &mut AnyConnection,
    event: &Event,
) -> Result<Option<String>, CollaborationError> {
    let Some(row) = sqlx::query(
        "SELECT id, user_id FROM event_registrations WHERE event_id = $1 AND status = 'waitlisted' \
         ORDER BY waitlisted_ms, id LIMIT 1",
    )
    .bind(&event.id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let id: String = row.try_get("id")?;
    let user_id: String = row.try_get("user_id")?;
    if !take_seat(conn, &event.id).await? {
        return Ok(None);
    }
    sqlx::query(
        "UPDATE event_registrations SET status = 'registered', waitlisted_ms = NULL WHERE id = $1",
    )
    .bind(&id)
    .execute(&mut *conn)
    .await?;
    notify(
        app,
        conn,
        &user_id,
        "collaboration.notice_promoted",
        &event.title,
    )
    .await?;
    audit::record(
        conn,
        audit::Entry {
            actor_id: None,
            action: "event.waitlist_promoted",
            subject: &format!("event_registration:{id}"),
            detail: serde_json::json!({ "event_id": event.id }),
        },
    )
    .await?;
    Ok(Some(id))
}

/// The check-in code of an event (shown as a QR code in the room), derived from its secret.
pub fn checkin_code(secret: &str, event_id: &str) -> String {
    let digest = Sha256::digest(format!("{secret}|{event_id}").as_bytes());
    hex::encode(&digest[..4]).to_uppercase()
}

/// The code for the organiser's page.
pub async fn organiser_code(
    app: &AppState,
    user: &CurrentUser,
    event: &Event,
) -> Result<String, CollaborationError> {
    if !event.managed_by(user) {
        return Err(CollaborationError::Forbidden);
    }
    let mut conn = app.db.read.acquire().await?;
    Ok(checkin_code(
        &secret_of(&mut conn, &event.id).await?,
        &event.id,
    ))
}

async fn secret_of(conn: &mut AnyConnection, event_id: &str) -> Result<String, CollaborationError> {
    Ok(
        sqlx::query("SELECT checkin_secret FROM events WHERE id = $1")
            .bind(event_id)
            .fetch_optional(conn)
            .await?
            .ok_or(CollaborationError::NotFound)?
            .try_get("checkin_secret")?,
    )
}

/// Compares in constant time, so the code cannot be found byte by byte from response times.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What a check-in did.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CheckIn {
    /// False when the person had checked in already.
    pub recorded: bool,
    /// JP written to the ledger by this check-in.
    pub jp_recorded: i64,
}

/// The participant checks in with the code from the room's QR code.
pub async fn check_in(
    app: &AppState,
    user: &CurrentUser,
    event_id: &str,
    code: &str,
) -> Result<CheckIn, CollaborationError> {
    let event = events::get_event(app, Some(user), event_id).await?;
    let mut tx = app.db.begin().await?;
    let expected = checkin_code(&secret_of(&mut tx, event_id).await?, event_id);
    if !same(code.trim().to_uppercase().as_bytes(), expected.as_bytes()) {
        return Err(CollaborationError::WrongCheckinCode);
    }
    let outcome = attend(&mut tx, &event, &user.id, &user.id).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// An organiser records that a registered person attended (no phone, no QR).
pub async fn mark_attended(
    app: &AppState,
    user: &CurrentUser,
    event_id: &str,
    registration_id: &str,
) -> Result<CheckIn, CollaborationError> {
    let event = events::get_event(app, Some(user), event_id).await?;
    if !event.managed_by(user) {
        return Err(CollaborationError::Forbidden);
    }
    let mut tx = app.db.begin().await?;
    let participant: String =
        sqlx::query("SELECT user_id FROM event_registrations WHERE id = $1 AND event_id = $2")
            .bind(registration_id)
            .bind(event_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(CollaborationError::NotFound)?
            .try_get("user_id")?;
    let outcome = attend(&mut tx, &event, &participant, &user.id).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Records attendance and, for an event with JP, the ASN's JP (once per registration).
async fn attend(
    conn: &mut AnyConnection,
    event: &Event,
    participant: &str,
    actor: &str,
) -> Result<CheckIn, CollaborationError> {
    let now = clock::now_ms();
    if event.cancelled || now < event.starts_ms - CHECKIN_OPENS_BEFORE_MS || now > event.ends_ms {
        return Err(CollaborationError::CheckInClosed);
    }
    let registration = find_of(conn, &event.id, participant)
        .await?
        .filter(|r| r.status == RegistrationStatus::Registered)
        .ok_or(CollaborationError::NotRegistered)?;
    let recorded = sqlx::query(
        "UPDATE event_registrations SET checked_in_ms = $2 WHERE id = $1 AND checked_in_ms IS NULL",
    )
    .bind(&registration.id)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    let mut jp_recorded = 0;
    if event.jp > 0
        && let Some(employee_id) = capacity::jp::employee_id_of_user(conn, participant).await?
    {
        let year = jiff::Timestamp::from_millisecond(event.starts_ms)
            .map(|t| i64::from(t.to_zoned(clock::wita().clone()).year()))
            .map_err(|e| CollaborationError::Internal(e.into()))?;
        let written = capacity::jp::record_event_jp(
            conn,
            capacity::jp::EventJp {
                registration_id: &registration.id,
                employee_id: &employee_id,
                year,
                jp: event.jp,
                title: &event.title,
            },
        )
        .await?;
        if written {
            jp_recorded = event.jp;
        }
    }
    if recorded {
        audit::record(
            conn,
            audit::Entry {
                actor_id: Some(actor),
                action: "event.checked_in",
                subject: &format!("event_registration:{}", registration.id),
                detail: serde_json::json!({ "event_id": event.id, "jp": jp_recorded }),
            },
        )
        .await?;
    }
    Ok(CheckIn {
        recorded,
        jp_recorded,
    })
}
