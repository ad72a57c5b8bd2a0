//! The staff side: service admins of the responsible agency (and superadmins) see their inbox
//! with the verification deadline (SP4N-LAPOR!: 3 working days), then accept, mark not relevant,
//! forward to another agency, answer and close. Each step is one conditional update on the
//! version read, so when two people act at once exactly one succeeds; each writes its event,
//! its audit entry and the notification to the complainant in the same transaction.

use platform::{
    AppState, audit,
    auth::{CurrentUser, Role},
    clock,
};
use serde::Serialize;
use services::calendar;

use crate::{
    error::ComplaintError,
    filing::{audit_refused, notify_complainant},
    model::{Action, ComplaintNumber, Status},
    store::{self, Change, ComplaintRow},
};

/// Working days the responsible agency has to verify (triage) a complaint: SP4N-LAPOR!'s rule,
/// as DESIGN.md records it.
pub const VERIFY_WITHIN_WORKING_DAYS: u32 = 3;

/// May `who` handle complaints of `agency_id`?
pub fn may_handle(who: &CurrentUser, agency_id: &str) -> bool {
    who.has_role(Role::Superadmin) || who.has_role_in(Role::ServiceAdmin, agency_id)
}

/// Does `who` see a complaint inbox at all?
pub fn is_complaint_staff(who: &CurrentUser) -> bool {
    who.has_role(Role::Superadmin) || who.has_role(Role::ServiceAdmin)
}

/// Agencies whose complaints `who` handles; `None` means every agency.
fn agencies_of(who: &CurrentUser) -> Option<Vec<String>> {
    if who.has_role(Role::Superadmin) {
        return None;
    }
    let mut ids: Vec<String> = who
        .grants
        .iter()
        .filter(|g| g.role == Role::ServiceAdmin)
        .map(|g| g.agency_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    Some(ids)
}

/// How long a complaint has waited, against the verification deadline.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ComplaintTiming)]
pub struct Timing {
    /// Last day (WITA, YYYY-MM-DD) to verify: 3 working days after it arrived.
    pub verify_by: String,
    /// Working days since it arrived (until triage, if triaged).
    pub working_days_waited: i64,
    /// Still waiting for verification after the deadline.
    pub overdue: bool,
    /// Working days from arrival to the answer, once answered.
    pub working_days_to_answer: Option<i64>,
}

pub fn timing(calendar: &calendar::Calendar, row: &ComplaintRow) -> Timing {
    let arrived = calendar::wita_date(row.created_ms);
    let verify_by = calendar.add_working_days(arrived, VERIFY_WITHIN_WORKING_DAYS);
    let today = calendar::wita_date(clock::now_ms());
    let until = row.triaged_ms.map(calendar::wita_date).unwrap_or(today);
    Timing {
        verify_by: verify_by.to_string(),
        working_days_waited: calendar.working_days_between(arrived, until),
        overdue: row.status == Status::Received && today > verify_by,
        working_days_to_answer: row
            .responded_ms
            .map(|at| calendar.working_days_between(arrived, calendar::wita_date(at))),
    }
}

/// The complaints `who` handles, oldest first, with their timing: the open ones, or all with
/// `include_finished`.
pub async fn inbox(
    app: &AppState,
    who: &CurrentUser,
    include_finished: bool,
) -> Result<Vec<(ComplaintRow, Timing)>, ComplaintError> {
    if !is_complaint_staff(who) {
        return Err(ComplaintError::Forbidden);
    }
    let agencies = agencies_of(who);
    let rows = store::list_for_agencies(&app.db, agencies.as_deref(), include_finished).await?;
    let calendar = services::holidays::load_calendar(app).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let timing = timing(&calendar, &row);
            (row, timing)
        })
        .collect())
}

/// A complaint for the staff who handle it; anyone else gets "not found" (audited).
pub async fn get_for_staff(
    app: &AppState,
    who: &CurrentUser,
    number: &str,
) -> Result<ComplaintRow, ComplaintError> {
    let number = ComplaintNumber::parse(number).ok_or(ComplaintError::NotFound)?;
    let row = store::find_by_number(&app.db, number.as_str())
        .await?
        .ok_or(ComplaintError::NotFound)?;
    if may_handle(who, &row.agency_id) {
        Ok(row)
    } else {
        audit_refused(app, Some(&who.id), &row, "office").await?;
        Err(ComplaintError::NotFound)
    }
}

/// The actions the status allows now, in the order the page offers them.
pub fn available_actions(row: &ComplaintRow) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| row.status.next(*a).is_some())
        .collect()
}

/// Takes `action` on complaint `number` as `who`: `note` is the reason or the answer,
/// `forward_to` the code of the agency a forwarded complaint goes to. Returns the new status.
#[tracing::instrument(skip_all, fields(action = action.as_str()))]
pub async fn act(
    app: &AppState,
    who: &CurrentUser,
    number: &str,
    action: Action,
    note: &str,
    forward_to: &str,
) -> Result<Status, ComplaintError> {
    let row = get_for_staff(app, who, number).await?;
    let to = row
        .status
        .next(action)
        .ok_or(ComplaintError::NotAllowedNow {
            status: row.status.as_str(),
        })?;
    let note = note.trim();
    let mut problems = Vec::new();
    if let Some(key) = action.note_key() {
        let length = note.chars().count();
        if !(5..=2000).contains(&length) {
            problems.push(("note", key));
        }
    }
    let mut agency_id = row.agency_id.clone();
    if action == Action::Forward {
        match accounts::organisation::find_agency(app, forward_to.trim()).await? {
            Some(agency) if agency.id != row.agency_id => agency_id = agency.id,
            _ => problems.push(("agency", "complaints.agency_invalid")),
        }
    }
    if !problems.is_empty() {
        return Err(ComplaintError::Invalid(problems));
    }
    let now = clock::now_ms();
    let (status_note, response) = match action {
        Action::Respond => (String::new(), note.to_string()),
        Action::MarkNotRelevant | Action::Forward => (note.to_string(), row.response.clone()),
        Action::Accept | Action::Close => (row.status_note.clone(), row.response.clone()),
    };
    let change = Change {
        id: &row.id,
        version: row.version,
        to,
        agency_id: &agency_id,
        status_note: &status_note,
        response: &response,
        triaged_ms: match action {
            Action::Accept | Action::MarkNotRelevant => Some(now),
            // A forwarded complaint waits for verification at its new agency.
            Action::Forward => None,
            _ => row.triaged_ms,
        },
        responded_ms: if action == Action::Respond {
            Some(now)
        } else {
            row.responded_ms
        },
        closed_ms: if matches!(to, Status::Closed | Status::NotRelevant) {
            Some(now)
        } else {
            None
        },
    };
    let mut tx = app.db.begin().await?;
    if !store::update_status(&mut tx, &change, now).await? {
        // Someone else acted since this page was read.
        return Err(ComplaintError::NotAllowedNow { status: "changed" });
    }
    store::insert_event(&mut tx, &row.id, Some(&who.id), action.as_str(), to, note).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "complaint.status_changed",
            subject: &format!("complaint:{}", row.id),
            detail: serde_json::json!({
                "action": action.as_str(),
                "from": row.status.as_str(),
                "to": to.as_str(),
                "agency": agency_id,
            }),
        },
    )
    .await?;
    notify_complainant(app, &mut tx, &row, to, note).await?;
    tx.commit().await?;
    app.outbox_signal.notify_one();
    Ok(to)
}
