//! Enrolment: self-enrolment that the supervisor (or the agency head) approves, nomination by a
//! competency admin or the agency head, the waitlist with automatic promotion when a seat frees,
//! and cancellation. Owns `enrolments` and the seat count of `training_sessions`.
//!
//! Concurrency: every transaction here that can change seats first writes the session row
//! (`UPDATE training_sessions … WHERE seats_taken < capacity`, or the decrement on cancel). On
//! PostgreSQL that row lock serialises enrolments of one session, and the condition is checked
//! again after the lock is granted, so two people enrolling at once can never overshoot; SQLite
//! has a single writer. A CHECK on the table is the last line of defence.

use platform::{
    AppState, audit,
    auth::{CurrentUser, Role},
    clock, ids, outbox,
    web::i18n::Lang,
};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row as _, any::AnyRow};
use utoipa::ToSchema;

use crate::{
    employees::{self, Employee},
    error::CapacityError,
    is_admin,
    trainings::{self, Session},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentStatus {
    AwaitingApproval,
    Enrolled,
    Waitlisted,
    Rejected,
    Cancelled,
    Completed,
    NotCompleted,
}

impl EnrolmentStatus {
    pub const ALL: [EnrolmentStatus; 7] = [
        EnrolmentStatus::AwaitingApproval,
        EnrolmentStatus::Enrolled,
        EnrolmentStatus::Waitlisted,
        EnrolmentStatus::Rejected,
        EnrolmentStatus::Cancelled,
        EnrolmentStatus::Completed,
        EnrolmentStatus::NotCompleted,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EnrolmentStatus::AwaitingApproval => "awaiting_approval",
            EnrolmentStatus::Enrolled => "enrolled",
            EnrolmentStatus::Waitlisted => "waitlisted",
            EnrolmentStatus::Rejected => "rejected",
            EnrolmentStatus::Cancelled => "cancelled",
            EnrolmentStatus::Completed => "completed",
            EnrolmentStatus::NotCompleted => "not_completed",
        }
    }
    pub fn parse(raw: &str) -> Option<EnrolmentStatus> {
        EnrolmentStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            EnrolmentStatus::AwaitingApproval => "capacity.status_awaiting_approval",
            EnrolmentStatus::Enrolled => "capacity.status_enrolled",
            EnrolmentStatus::Waitlisted => "capacity.status_waitlisted",
            EnrolmentStatus::Rejected => "capacity.status_rejected",
            EnrolmentStatus::Cancelled => "capacity.status_cancelled",
            EnrolmentStatus::Completed => "capacity.status_completed",
            EnrolmentStatus::NotCompleted => "capacity.status_not_completed",
        }
    }
    /// Still in the running for a seat (may be cancelled).
    pub fn active(self) -> bool {
        matches!(
            self,
            EnrolmentStatus::AwaitingApproval
                | EnrolmentStatus::Enrolled
                | EnrolmentStatus::Waitlisted
        )
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Enrolment {
    pub id: String,
    pub session_id: String,
    pub training_id: String,
    pub training_title: String,
    pub starts_on: String,
    pub ends_on: String,
    pub jp: i64,
    pub employee_id: String,
    pub nip: String,
    pub full_name: String,
    pub status: EnrolmentStatus,
    /// `self` or `nomination`.
    pub route: String,
    pub post_test_score: Option<i64>,
}

const COLUMNS: &str = "en.id, en.session_id, s.training_id, t.title, s.starts_on, s.ends_on, t.jp, en.employee_id, \
     e.nip, e.full_name, en.status, en.route, en.post_test_score";
const FROM: &str = "FROM enrolments en JOIN training_sessions s ON s.id = en.session_id \
     JOIN trainings t ON t.id = s.training_id JOIN employees e ON e.id = en.employee_id";

pub(crate) fn enrolment_row(row: &AnyRow) -> Result<Enrolment, sqlx::Error> {
    let status: String = row.try_get("status")?;
    Ok(Enrolment {
        id: row.try_get("id")?,
        session_id: row.try_get("session_id")?,
        training_id: row.try_get("training_id")?,
        training_title: row.try_get("title")?,
        starts_on: row.try_get("starts_on")?,
        ends_on: row.try_get("ends_on")?,
        jp: row.try_get("jp")?,
        employee_id: row.try_get("employee_id")?,
        nip: row.try_get("nip")?,
        full_name: row.try_get("full_name")?,
        status: EnrolmentStatus::parse(&status).unwrap_or(EnrolmentStatus::Cancelled),
        route: row.try_get("route")?,
        post_test_score: row.try_get("post_test_score")?,
    })
}

pub(crate) async fn find_enrolment(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<Enrolment>, sqlx::Error> {
    sqlx::query(&format!("SELECT {COLUMNS} {FROM} WHERE en.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(enrolment_row)
        .transpose()
}

pub(crate) async fn find_enrolment_of(
    conn: &mut AnyConnection,
    session_id: &str,
    employee_id: &str,
) -> Result<Option<Enrolment>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE en.session_id = $1 AND en.employee_id = $2"
    ))
    .bind(session_id)
    .bind(employee_id)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(enrolment_row)
    .transpose()
}

/// Participants of a session: enrolled first, then the waitlist in the order seats go to it
/// (time, then id, as [`promote`] takes them), then the rest.
pub async fn list_for_session(
    app: &AppState,
    session_id: &str,
) -> Result<Vec<Enrolment>, CapacityError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE en.session_id = $1 ORDER BY \
         CASE en.status WHEN 'completed' THEN 0 WHEN 'enrolled' THEN 0 WHEN 'not_completed' THEN 0 \
         WHEN 'waitlisted' THEN 1 WHEN 'awaiting_approval' THEN 2 ELSE 3 END, en.waitlisted_ms, \
         CASE WHEN en.status = 'waitlisted' THEN en.id ELSE e.full_name END"
    ))
    .bind(session_id)
    .fetch_all(&app.db.read)
    .await?;
    Ok(rows.iter().map(enrolment_row).collect::<Result<_, _>>()?)
}

/// An employee's enrolments, newest session first.
pub async fn list_for_employee(
    app: &AppState,
    employee_id: &str,
) -> Result<Vec<Enrolment>, CapacityError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE en.employee_id = $1 ORDER BY s.starts_on DESC"
    ))
    .bind(employee_id)
    .fetch_all(&app.db.read)
    .await?;
    Ok(rows.iter().map(enrolment_row).collect::<Result<_, _>>()?)
}

/// Takes a seat if one is free; the conditional UPDATE cannot overshoot the capacity.
async fn take_seat(conn: &mut AnyConnection, session_id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE training_sessions SET seats_taken = seats_taken + 1 WHERE id = $1 AND seats_taken < capacity",
    )
    .bind(session_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Writes (or reopens a cancelled or rejected) enrolment; `None` when one is already active.
async fn upsert_enrolment(
    conn: &mut AnyConnection,
    session_id: &str,
    employee_id: &str,
    status: EnrolmentStatus,
    route: &str,
    actor: &str,
) -> Result<Option<String>, sqlx::Error> {
    let now = clock::now_ms();
    let decided = (status != EnrolmentStatus::AwaitingApproval).then_some(now);
    let waitlisted = (status == EnrolmentStatus::Waitlisted).then_some(now);
    sqlx::query(
        "INSERT INTO enrolments (id, session_id, employee_id, status, route, requested_by, requested_ms, decided_by, decided_ms, waitlisted_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (session_id, employee_id) DO UPDATE SET status = excluded.status, route = excluded.route, \
         requested_by = excluded.requested_by, requested_ms = excluded.requested_ms, decided_by = excluded.decided_by, \
         decided_ms = excluded.decided_ms, waitlisted_ms = excluded.waitlisted_ms \
         WHERE enrolments.status IN ('cancelled', 'rejected') RETURNING id",
    )
    .bind(ids::new_id())
    .bind(session_id)
    .bind(employee_id)
    .bind(status.as_str())
    .bind(route)
    .bind(actor)
    .bind(now)
    .bind(decided.map(|_| actor))
    .bind(decided)
    .bind(waitlisted)
    .fetch_optional(conn)
    .await?
    .map(|r| r.try_get("id"))
    .transpose()
}

/// Tells the employee (in-app, in their language) what happened; nothing when no account is linked.
async fn notify(
    app: &AppState,
    conn: &mut AnyConnection,
    user_id: Option<&str>,
    key: &str,
    title: &str,
) -> Result<(), CapacityError> {
    let Some(user_id) = user_id else {
        return Ok(());
    };
    let lang = accounts::contact(app, user_id)
        .await?
        .map(|c| c.lang)
        .unwrap_or(Lang::Id);
    let body = app.catalogue.get(lang, key).replace("{title}", title);
    outbox::enqueue(
        conn,
        outbox::Message {
            channel: outbox::Channel::InApp,
            user_id: Some(user_id),
            address: None,
            subject: app.catalogue.get(lang, "capacity.notice_subject"),
            body: &body,
        },
    )
    .await?;
    Ok(())
}

fn audit_entry<'a>(
    actor: &'a str,
    action: &'a str,
    subject: &'a str,
    detail: serde_json::Value,
) -> audit::Entry<'a> {
    audit::Entry {
        actor_id: Some(actor),
        action,
        subject,
        detail,
    }
}

/// The signed-in ASN asks for a seat; their supervisor (or the agency head) approves.
pub async fn self_enrol(
    app: &AppState,
    user: &CurrentUser,
    session_id: &str,
) -> Result<Enrolment, CapacityError> {
    let employee = employees::own_record(app, user).await?;
    let session = trainings::get_session(app, session_id).await?;
    if !session.enrolment_open(crate::today_wita()) {
        return Err(CapacityError::EnrolmentClosed);
    }
    let approvers = approvers_of(app, &employee).await?;
    let mut tx = app.db.begin().await?;
    let id = upsert_enrolment(
        &mut tx,
        session_id,
        &employee.id,
        EnrolmentStatus::AwaitingApproval,
        "self",
        &user.id,
    )
    .await?
    .ok_or(CapacityError::AlreadyEnrolled)?;
    audit::record(
        &mut tx,
        audit_entry(
            &user.id,
            "enrolment.requested",
            &format!("enrolment:{id}"),
            serde_json::json!({ "session_id": session_id }),
        ),
    )
    .await?;
    for approver in &approvers {
        notify(
            app,
            &mut tx,
            Some(approver),
            "capacity.notice_approval_needed",
            &session.training_title,
        )
        .await?;
    }
    let enrolment = find_enrolment(&mut tx, &id)
        .await?
        .ok_or(CapacityError::NotFound)?;
    tx.commit().await?;
    Ok(enrolment)
}

/// The users who may approve `employee`'s self-enrolment: the supervisor's account, else the
/// agency heads (leaders of the employee's agency).
async fn approvers_of(app: &AppState, employee: &Employee) -> Result<Vec<String>, CapacityError> {
    if let Some(nip) = &employee.supervisor_nip
        && let Some(supervisor) = employees::find_employee(app, nip).await?
        && let Some(user_id) = supervisor.user_id
    {
        return Ok(vec![user_id]);
    }
    Ok(accounts::holders_of(app, Role::Leader, &employee.agency_id).await?)
}

/// Whether `user` may approve `employee`'s request: their supervisor, or a head (leader) of
/// their agency.
pub async fn may_approve(
    app: &AppState,
    user: &CurrentUser,
    employee: &Employee,
) -> Result<bool, CapacityError> {
    if user.has_role_in(Role::Leader, &employee.agency_id) {
        return Ok(true);
    }
    if let Some(nip) = &employee.supervisor_nip
        && let Some(supervisor) = employees::find_employee(app, nip).await?
    {
        return Ok(supervisor.user_id.as_deref() == Some(user.id.as_str()));
    }
    Ok(false)
}

/// A competency admin (any employee) or an agency head (their agency's employees) enrols
/// someone directly: a seat if one is free, else the waitlist.
pub async fn nominate(
    app: &AppState,
    user: &CurrentUser,
    session_id: &str,
    nip: &str,
) -> Result<Enrolment, CapacityError> {
    let employee = employees::find_employee(app, nip)
        .await?
        .ok_or_else(|| CapacityError::field("nip", "capacity.employee_unknown"))?;
    if !(is_admin(user) || user.has_role_in(Role::Leader, &employee.agency_id)) {
        return Err(CapacityError::Forbidden);
    }
    let session = trainings::get_session(app, session_id).await?;
    if session.completed {
        return Err(CapacityError::EnrolmentClosed);
    }
    let mut tx = app.db.begin().await?;
    let status = if take_seat(&mut tx, session_id).await? {
        EnrolmentStatus::Enrolled
    } else {
        EnrolmentStatus::Waitlisted
    };
    let id = upsert_enrolment(
        &mut tx,
        session_id,
        &employee.id,
        status,
        "nomination",
        &user.id,
    )
    .await?
    .ok_or(CapacityError::AlreadyEnrolled)?;
    audit::record(
        &mut tx,
        audit_entry(
            &user.id,
            "enrolment.nominated",
            &format!("enrolment:{id}"),
            serde_json::json!({ "session_id": session_id, "status": status.as_str() }),
        ),
    )
    .await?;
    let key = if status == EnrolmentStatus::Enrolled {
        "capacity.notice_enrolled"
    } else {
        "capacity.notice_waitlisted"
    };
    notify(
        app,
        &mut tx,
        employee.user_id.as_deref(),
        key,
        &session.training_title,
    )
    .await?;
    let enrolment = find_enrolment(&mut tx, &id)
        .await?
        .ok_or(CapacityError::NotFound)?;
    tx.commit().await?;
    Ok(enrolment)
}

async fn load(app: &AppState, id: &str) -> Result<(Enrolment, Employee, Session), CapacityError> {
    let mut conn = app.db.read.acquire().await?;
    let enrolment = find_enrolment(&mut conn, id)
        .await?
        .ok_or(CapacityError::NotFound)?;
    drop(conn);
    let employee = employees::find_employee_by_id(app, &enrolment.employee_id)
        .await?
        .ok_or(CapacityError::NotFound)?;
    let session = trainings::get_session(app, &enrolment.session_id).await?;
    Ok((enrolment, employee, session))
}

/// The supervisor (or agency head) approves: a seat if free, else the waitlist; or rejects.
pub async fn decide(
    app: &AppState,
    user: &CurrentUser,
    enrolment_id: &str,
    approve: bool,
) -> Result<Enrolment, CapacityError> {
    let (_, employee, session) = load(app, enrolment_id).await?;
    if !may_approve(app, user, &employee).await? {
        return Err(CapacityError::Forbidden);
    }
    let mut tx = app.db.begin().await?;
    let status = if !approve {
        EnrolmentStatus::Rejected
    } else if take_seat(&mut tx, &session.id).await? {
        EnrolmentStatus::Enrolled
    } else {
        EnrolmentStatus::Waitlisted
    };
    let now = clock::now_ms();
    let done = sqlx::query(
        "UPDATE enrolments SET status = $2, decided_by = $3, decided_ms = $4, waitlisted_ms = $5 \
         WHERE id = $1 AND status = 'awaiting_approval'",
    )
    .bind(enrolment_id)
    .bind(status.as_str())
    .bind(&user.id)
    .bind(now)
    .bind((status == EnrolmentStatus::Waitlisted).then_some(now))
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        // Dropping the transaction gives the seat back.
        let mut conn = app.db.read.acquire().await?;
        let current = find_enrolment(&mut conn, enrolment_id)
            .await?
            .ok_or(CapacityError::NotFound)?;
        return Err(CapacityError::WrongEnrolmentState {
            status: current.status.as_str().into(),
        });
    }
    audit::record(
        &mut tx,
        audit_entry(
            &user.id,
            if approve {
                "enrolment.approved"
            } else {
                "enrolment.rejected"
            },
            &format!("enrolment:{enrolment_id}"),
            serde_json::json!({ "status": status.as_str() }),
        ),
    )
    .await?;
    let key = match status {
        EnrolmentStatus::Enrolled => "capacity.notice_enrolled",
        EnrolmentStatus::Waitlisted => "capacity.notice_waitlisted",
        _ => "capacity.notice_rejected",
    };
    notify(
        app,
        &mut tx,
        employee.user_id.as_deref(),
        key,
        &session.training_title,
    )
    .await?;
    let enrolment = find_enrolment(&mut tx, enrolment_id)
        .await?
        .ok_or(CapacityError::NotFound)?;
    tx.commit().await?;
    Ok(enrolment)
}

/// The participant (or a competency admin) cancels. A freed seat goes at once to the first on
/// the waitlist, in the same transaction.
pub async fn cancel(
    app: &AppState,
    user: &CurrentUser,
    enrolment_id: &str,
) -> Result<Enrolment, CapacityError> {
    let (_, employee, session) = load(app, enrolment_id).await?;
    let own = employee.user_id.as_deref() == Some(user.id.as_str());
    if !(own || is_admin(user)) {
        return Err(CapacityError::Forbidden);
    }
    let mut tx = app.db.begin().await?;
    // Lock the session row first (see the module note), then re-read the status under it.
    sqlx::query("UPDATE training_sessions SET seats_taken = seats_taken WHERE id = $1")
        .bind(&session.id)
        .execute(&mut *tx)
        .await?;
    let current = find_enrolment(&mut tx, enrolment_id)
        .await?
        .ok_or(CapacityError::NotFound)?;
    if !current.status.active() {
        return Err(CapacityError::WrongEnrolmentState {
            status: current.status.as_str().into(),
        });
    }
    sqlx::query("UPDATE enrolments SET status = 'cancelled', decided_by = $2, decided_ms = $3 WHERE id = $1")
        .bind(enrolment_id)
        .bind(&user.id)
        .bind(clock::now_ms())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        audit_entry(
            &user.id,
            "enrolment.cancelled",
            &format!("enrolment:{enrolment_id}"),
            serde_json::json!({ "was": current.status.as_str() }),
        ),
    )
    .await?;
    if current.status == EnrolmentStatus::Enrolled {
        sqlx::query("UPDATE training_sessions SET seats_taken = seats_taken - 1 WHERE id = $1")
            .bind(&session.id)
            .execute(&mut *tx)
            .await?;
        promote(app, &mut tx, &session, &user.id).await?;
    }
    let enrolment = find_enrolment(&mut tx, enrolment_id)
        .await?
        .ok_or(CapacityError::NotFound)?;
    tx.commit().await?;
    Ok(enrolment)
}

/// Gives free seats to the waitlist, first come first served.
async fn promote(
    app: &AppState,
    conn: &mut AnyConnection,
    session: &Session,
    actor: &str,
) -> Result<(), CapacityError> {
    loop {
        let next = sqlx::query(
            "SELECT en.id, e.user_id FROM enrolments en JOIN employees e ON e.id = en.employee_id \
             WHERE en.session_id = $1 AND en.status = 'waitlisted' ORDER BY en.waitlisted_ms, en.id LIMIT 1",
        )
        .bind(&session.id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(next) = next else { return Ok(()) };
        if !take_seat(conn, &session.id).await? {
            return Ok(());
        }
        let id: String = next.try_get("id")?;
        let user_id: Option<String> = next.try_get("user_id")?;
        sqlx::query("UPDATE enrolments SET status = 'enrolled', decided_ms = $2 WHERE id = $1")
            .bind(&id)
            .bind(clock::now_ms())
            .execute(&mut *conn)
            .await?;
        audit::record(
            conn,
            audit_entry(
                actor,
                "enrolment.promoted",
                &format!("enrolment:{id}"),
                serde_json::json!({ "session_id": session.id }),
            ),
        )
        .await?;
        notify(
            app,
            conn,
            user_id.as_deref(),
            "capacity.notice_promoted",
            &session.training_title,
        )
        .await?;
    }
}

/// Requests waiting for `user`'s decision.
pub async fn pending_approvals(
    app: &AppState,
    user: &CurrentUser,
) -> Result<Vec<Enrolment>, CapacityError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS}, e.agency_id, sup.user_id AS supervisor_user {FROM} \
         LEFT JOIN employees sup ON sup.nip = e.supervisor_nip \
         WHERE en.status = 'awaiting_approval' ORDER BY en.requested_ms"
    ))
    .fetch_all(&app.db.read)
    .await?;
    let mut out = Vec::new();
    for row in &rows {
        let agency: String = row.try_get("agency_id")?;
        let supervisor: Option<String> = row.try_get("supervisor_user")?;
        if user.has_role_in(Role::Leader, &agency) || supervisor.as_deref() == Some(&user.id) {
            out.push(enrolment_row(row)?);
        }
    }
    Ok(out)
}
