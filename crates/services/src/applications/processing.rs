//! The back office: verifiers and signing officials of the owning agency see their inbox with
//! deadlines, claim an application, return it for revision with reasons (the SLA clock pauses),
//! verify, approve or reject. Each step is one conditional status change, so when two people act
//! at once exactly one succeeds; each is audited and told to the applicant.

use platform::{
    AppState, audit,
    auth::{CurrentUser, Role},
    clock,
    outbox::{self, Channel},
    web::i18n::{Lang, Tr},
};
use serde::Serialize;

use super::{
    status::{Action, Status},
    store::{self, ApplicationRow},
};
use crate::{calendar, error::ServiceError, holidays, store as catalogue_store};

/// How close an application is to its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    OnTime,
    /// One working day or less left.
    DueSoon,
    /// Past the deadline.
    Overdue,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct InboxLine {
    pub id: String,
    pub tracking_number: String,
    pub service_name_id: String,
    pub service_name_en: String,
    pub status: Status,
    pub due_day: String,
    /// Working days left until the deadline (negative when overdue).
    pub days_left: i64,
    pub urgency: Urgency,
    pub claimed_by_me: bool,
}

fn agencies_with(who: &CurrentUser, roles: &[Role]) -> Vec<String> {
    let mut ids: Vec<String> = who
        .grants
        .iter()
        .filter(|g| roles.contains(&g.role))
        .map(|g| g.agency_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// May `who` work on applications of `agency_id` at all?
fn is_office_of(who: &CurrentUser, agency_id: &str) -> bool {
    who.has_role_in(Role::Verifier, agency_id) || who.has_role_in(Role::Signer, agency_id)
}

/// Working days left, with today in WITA.
fn days_left(calendar: &calendar::Calendar, due_day: &str) -> i64 {
    let today = calendar::wita_date(clock::now_ms());
    match calendar::parse_date(due_day) {
        Some(due) if due >= today => calendar.working_days_between(today, due),
        Some(due) => -calendar.working_days_between(due, today),
        None => 0,
    }
}

/// The person's inbox: for verifiers what waits for verification, for signers what waits for a
/// signature, in the agencies where they hold those roles; earliest deadline first.
pub async fn inbox(app: &AppState, who: &CurrentUser) -> Result<Vec<InboxLine>, ServiceError> {
    if !crate::office_staff(Some(who)) {
        return Err(ServiceError::NotYourAgency);
    }
    let mut rows = store::list_for_office(
        &app.db,
        &agencies_with(who, &[Role::Verifier]),
        &[Status::Submitted, Status::InVerification],
    )
    .await?;
    rows.extend(
        store::list_for_office(
            &app.db,
            &agencies_with(who, &[Role::Signer]),
            &[Status::AwaitingSignature],
        )
        .await?,
    );
    // Technical reviewers: what was routed to their agency, with the request's own deadline.
    let mut routed_due = std::collections::HashMap::new();
    for request in super::recommendations::open_for_reviewer(app, who).await? {
        if let Some(row) = store::find(&app.db, &request.application_id).await? {
            routed_due.insert(row.id.clone(), request.due_day.clone());
            rows.push(row);
        }
    }
    let calendar = holidays::load_calendar(app).await?;
    let mut lines = Vec::with_capacity(rows.len());
    for row in rows {
        let service = catalogue_store::find_service_by_id(&app.db, &row.service_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let due_day = routed_due
            .get(&row.id)
            .cloned()
            .or_else(|| row.due_day.clone())
            .unwrap_or_default();
        let left = days_left(&calendar, &due_day);
        lines.push(InboxLine {
            tracking_number: row.tracking_number.clone().unwrap_or_default(),
            service_name_id: service.name_id,
            service_name_en: service.name_en,
            status: row.status,
            urgency: if left < 0 {
                Urgency::Overdue
            } else if left <= 1 {
                Urgency::DueSoon
            } else {
                Urgency::OnTime
            },
            days_left: left,
            due_day,
            claimed_by_me: row.claimed_by.as_deref() == Some(who.id.as_str()),
            id: row.id,
        });
    }
    lines.sort_by(|a, b| a.due_day.cmp(&b.due_day));
    Ok(lines)
}

/// An application for staff of its agency; others get "not found" (audited).
pub async fn get_for_office(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
) -> Result<ApplicationRow, ServiceError> {
    match store::find(&app.db, id).await? {
        Some(row)
            if row.status != Status::Draft
                && (is_office_of(who, &row.agency_id)
                    || super::recommendations::is_reviewer_of(app, who, &row.id).await?) =>
        {
            Ok(row)
        }
        found => {
            if found.is_some() {
                super::audit_refused_access(app, &who.id, id, "office").await?;
            }
            Err(ServiceError::NotFound)
        }
    }
}

/// A document of application `id` for the office (its agency, or a reviewer it was routed to):
/// the row and the file's bytes.
pub async fn office_document_file(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
    position: i64,
) -> Result<(super::store::DocumentRow, Vec<u8>), ServiceError> {
    let row = get_for_office(app, who, id).await?;
    let document = store::list_documents(&app.db, &row.id)
        .await?
        .into_iter()
        .find(|d| d.position == position)
        .ok_or(ServiceError::NotFound)?;
    let bytes = platform::blobs::BlobStore::new(&app.settings.data_dir)
        .get(&document.blob_sha256)
        .await
        .map_err(|e| ServiceError::Internal(e.into()))?;
    Ok((document, bytes))
}

/// The actions `who` may take on `row` now, in the order the page offers them.
pub fn available_actions(who: &CurrentUser, row: &ApplicationRow) -> Vec<Action> {
    let verifier = who.has_role_in(Role::Verifier, &row.agency_id);
    let signer = who.has_role_in(Role::Signer, &row.agency_id);
    let holds_it = row.claimed_by.is_none() || row.claimed_by.as_deref() == Some(who.id.as_str());
    match row.status {
        Status::Submitted if verifier => vec![Action::Claim],
        Status::InVerification if verifier && holds_it => {
            vec![Action::Verify, Action::ReturnForRevision, Action::Reject]
        }
        // Segregation of duties (ASVS 4.3.3): whoever verified it may send it back or reject
        // it, but a second person signs.
        Status::AwaitingSignature
            if signer && row.verified_by.as_deref() == Some(who.id.as_str()) =>
        {
            vec![Action::SendBack, Action::Reject]
        }
        Status::AwaitingSignature if signer => {
            vec![Action::Approve, Action::SendBack, Action::Reject]
        }
        _ => Vec::new(),
    }
}

/// Actions whose reason the citizen must read.
pub fn needs_reason(action: Action) -> bool {
    matches!(
        action,
        Action::ReturnForRevision | Action::Reject | Action::SendBack
    )
}

pub fn action_key(action: Action) -> &'static str {
    match action {
        Action::Claim => "services.action_claim",
        Action::Verify => "services.action_verify",
        Action::ReturnForRevision => "services.action_return",
        Action::Reject => "services.action_reject",
        Action::Approve => "services.action_approve",
        Action::SendBack => "services.action_send_back",
        _ => "services.action_other",
    }
}

pub fn parse_action(raw: &str) -> Option<Action> {
    [
        Action::Claim,
        Action::Verify,
        Action::ReturnForRevision,
        Action::Reject,
        Action::Approve,
        Action::SendBack,
    ]
    .into_iter()
    .find(|a| {
        serde_json::to_value(a)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .as_deref()
            == Some(raw)
    })
}

/// Working days a citizen has to send a returned application back before it lapses.
pub const REVISION_WORKING_DAYS: u32 = 10;

/// The items a revision note may name on `row`: the base answers, the form's answers and each
/// requirement's document.
pub async fn revision_items(
    app: &AppState,
    row: &ApplicationRow,
) -> Result<Vec<String>, ServiceError> {
    let mut items: Vec<String> = ["purpose", "kelurahan", "address"]
        .into_iter()
        .map(str::to_string)
        .collect();
    let form = super::journey::form_of(app, row).await?;
    items.extend(form.fields.iter().map(|f| f.input_name()));
    let requirements = super::journey::requirements(app, row).await?;
    items.extend((0..requirements.len()).map(|p| format!("document.{p}")));
    Ok(items)
}

/// Takes `action` on application `id` as `who`. Returns the new status. Returning for revision
/// may name what to fix per item (`items`: item → note); other actions ignore them.
pub async fn act(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
    action: Action,
    reason: &str,
    items: &[(String, String)],
) -> Result<Status, ServiceError> {
    let row = get_for_office(app, who, id).await?;
    if !available_actions(who, &row).contains(&action) {
        // Either not this person's to do, or someone else did something first.
        return Err(if row.status.next(action).is_none() {
            ServiceError::NotEditable {
                status: row.status.as_str(),
            }
        } else {
            ServiceError::NotYourAgency
        });
    }
    let reason = reason.trim();
    if needs_reason(action) && reason.chars().count() < 5 {
        return Err(ServiceError::Invalid(vec![(
            "reason",
            "services.reason_required",
        )]));
    }
    let to = row.status.next(action).ok_or(ServiceError::NotEditable {
        status: row.status.as_str(),
    })?;
    let mut notes = Vec::new();
    if action == Action::ReturnForRevision {
        let known = revision_items(app, &row).await?;
        let mut problems = Vec::new();
        for (item, note) in items {
            let note = note.trim();
            if note.is_empty() {
                continue;
            }
            if !known.contains(item) {
                problems.push((format!("item.{item}"), "services.revision_item_unknown"));
            } else if note.chars().count() > 500 {
                problems.push((format!("item.{item}"), "services.revision_note_too_long"));
            } else {
                notes.push(super::store::RevisionNote {
                    item: item.clone(),
                    note: note.to_string(),
                });
            }
        }
        if !problems.is_empty() {
            return Err(ServiceError::InvalidFields(problems));
        }
    }
    let now = clock::now_ms();
    let (claimed_by, paused_ms) = match action {
        Action::Claim => (Some(who.id.as_str()), None),
        Action::ReturnForRevision => (None, Some(now)),
        Action::Verify | Action::Approve | Action::Reject => (None, None),
        _ => (row.claimed_by.as_deref(), row.paused_ms),
    };
    // Read before the transaction takes the write connection: the revision deadline's calendar
    // and the signing key.
    let revise_by = if action == Action::ReturnForRevision {
        let calendar = holidays::load_calendar(app).await?;
        Some(
            calendar
                .add_working_days(calendar::wita_date(now), REVISION_WORKING_DAYS)
                .to_string(),
        )
    } else {
        None
    };
    let key = if to == Status::Approved {
        Some(super::issuance::signing_key(app).await?)
    } else {
        None
    };
    let mut tx = app.db.begin().await?;
    if !store::update_status(
        &mut tx, id, row.status, to, claimed_by, paused_ms, None, now,
    )
    .await?
    {
        return Err(ServiceError::NotEditable { status: "changed" });
    }
    store::insert_event(&mut tx, id, Some(&who.id), to, reason).await?;
    if action == Action::Verify {
        store::set_verified_by(&mut tx, id, &who.id).await?;
    }
    if let Some(by) = &revise_by {
        store::set_revise_by(&mut tx, id, Some(by)).await?;
        store::insert_revision_notes(&mut tx, id, now, &notes).await?;
    }
    // Approval issues the signed document at once, in the same transaction.
    let to = if let Some(key) = &key {
        let document = super::issuance::issue(app, &mut tx, key, &row, &who.id).await?;
        if !store::update_status(
            &mut tx,
            id,
            Status::Approved,
            Status::Issued,
            None,
            None,
            None,
            now,
        )
        .await?
        {
            return Err(ServiceError::NotEditable { status: "changed" });
        }
        store::insert_event(
            &mut tx,
            id,
            Some(&who.id),
            Status::Issued,
            &document.document_number,
        )
        .await?;
        Status::Issued
    } else {
        to
    };
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "application.status_changed",
            subject: &format!("application:{id}"),
            detail: serde_json::json!({ "from": row.status.as_str(), "to": to.as_str() }),
        },
    )
    .await?;
    notify_applicant(app, &mut tx, &row, to, reason).await?;
    tx.commit().await?;
    app.outbox_signal.notify_one();
    Ok(to)
}

/// Closes applications whose revision deadline passed without a resubmission (as withdrawn,
/// with a note), and tells each applicant. Run by the daily job; returns how many lapsed.
pub async fn lapse_overdue_revisions(app: &AppState) -> Result<usize, ServiceError> {
    let today = calendar::wita_date(clock::now_ms()).to_string();
    let mut lapsed = 0;
    for row in store::list_lapsed(&app.db, &today).await? {
        let note = "Batas waktu perbaikan terlewati / The revision deadline passed";
        let now = clock::now_ms();
        let mut tx = app.db.begin().await?;
        if !store::update_status(
            &mut tx,
            &row.id,
            Status::ReturnedForRevision,
            Status::Withdrawn,
            None,
            row.paused_ms,
            None,
            now,
        )
        .await?
        {
            // Resubmitted meanwhile.
            continue;
        }
        store::insert_event(&mut tx, &row.id, None, Status::Withdrawn, note).await?;
        audit::record(
            &mut tx,
            audit::Entry {
                actor_id: None,
                action: "application.revision_lapsed",
                subject: &format!("application:{}", row.id),
                detail: serde_json::json!({ "revise_by": row.revise_by_day }),
            },
        )
        .await?;
        notify_applicant(app, &mut tx, &row, Status::Withdrawn, note).await?;
        tx.commit().await?;
        lapsed += 1;
    }
    if lapsed > 0 {
        app.outbox_signal.notify_one();
    }
    Ok(lapsed)
}

/// Tells the applicant of a status change, in their language, in-app and by email or SMS.
pub async fn notify_applicant(
    app: &AppState,
    conn: &mut sqlx::AnyConnection,
    row: &ApplicationRow,
    status: Status,
    reason: &str,
) -> Result<(), ServiceError> {
    let contact = accounts::contact(app, &row.applicant_id).await?;
    let lang = contact.as_ref().map(|c| c.lang).unwrap_or(Lang::Id);
    let tr = Tr::new(lang, app.catalogue.clone());
    let number = row.tracking_number.clone().unwrap_or_default();
    let subject = tr.f("services.status_subject", &[("number", &number)]);
    let mut body = tr.f(
        "services.status_body",
        &[("number", &number), ("status", tr.t(status.label_key()))],
    );
    if !reason.is_empty() {
        body.push_str(&format!("\n{}: {reason}", tr.t("services.reason")));
    }
    outbox::enqueue(
        conn,
        outbox::Message {
            channel: Channel::InApp,
            user_id: Some(&row.applicant_id),
            address: None,
            subject: &subject,
            body: &body,
        },
    )
    .await?;
    if let Some(contact) = contact {
        if let Some(email) = contact.email.as_deref() {
            outbox::enqueue(
                conn,
                outbox::Message {
                    channel: Channel::Email,
                    user_id: Some(&row.applicant_id),
                    address: Some(email),
                    subject: &subject,
                    body: &body,
                },
            )
            .await?;
        } else if let Some(phone) = contact.phone.as_deref() {
            outbox::enqueue(
                conn,
                outbox::Message {
                    channel: Channel::Sms,
                    user_id: Some(&row.applicant_id),
                    address: Some(phone),
                    subject: &subject,
                    body: &body,
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// Revokes the issued document of application `id` (signing officials of its agency). The
/// document stays on record; its verification page says it is revoked and why.
pub async fn revoke_document(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
    reason: &str,
) -> Result<(), ServiceError> {
    let row = get_for_office(app, who, id).await?;
    if !who.has_role_in(Role::Signer, &row.agency_id) {
        return Err(ServiceError::NotYourAgency);
    }
    let document = super::issuance::document_of(app, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if reason.trim().chars().count() < 5 {
        return Err(ServiceError::Invalid(vec![(
            "reason",
            "services.reason_required",
        )]));
    }
    let mut tx = app.db.begin().await?;
    if !super::issuance::revoke(&mut tx, &document.id, reason.trim()).await? {
        return Err(ServiceError::NotEditable { status: "revoked" });
    }
    store::insert_event(
        &mut tx,
        id,
        Some(&who.id),
        row.status,
        &format!("{}: {}", "revoked", reason.trim()),
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "document.revoked",
            subject: &format!("document:{}", document.id),
            detail: serde_json::json!({ "application": id }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
