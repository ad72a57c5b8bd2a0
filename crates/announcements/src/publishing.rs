//! The deciding functions of announcements: who may author, read and change one; create, edit
//! (every edit a new version, refused when the form was based on an older one), publish and
//! cancel. Each change writes its audit entry, its CAP message (urgent public announcements)
//! and its record in one transaction; subscribers are told by `subscriptions::dispatch`.

use platform::{
    AppState, audit,
    auth::{CurrentUser, Role},
    clock, ids,
};
use serde_json::json;

use crate::{
    error::AnnouncementError,
    model::{Action, Audience, Draft, Phase, Status},
    store::{self, AnnouncementRow, CapMessageRow},
    subscriptions,
};

/// The agency an author writes for: their Humas/Kominfo agency, else (superadmin) their first.
pub fn author_agency(user: &CurrentUser) -> Option<String> {
    user.grants
        .iter()
        .find(|g| g.role == Role::Communications)
        .or_else(|| {
            user.has_role(Role::Superadmin)
                .then(|| user.grants.first())
                .flatten()
        })
        .map(|g| g.agency_id.clone())
}

pub fn is_author(user: &CurrentUser) -> bool {
    user.has_role(Role::Communications) || user.has_role(Role::Superadmin)
}

/// May change this announcement: Humas/Kominfo of the owning agency, or a superadmin.
pub fn may_manage(user: &CurrentUser, row: &AnnouncementRow) -> bool {
    user.has_role(Role::Superadmin) || user.has_role_in(Role::Communications, &row.owner_agency_id)
}

/// May read it: the audience once it has started (cancelled ones stay readable with their
/// notice); drafts and scheduled ones only to those who manage it.
pub fn may_read(
    user: Option<&CurrentUser>,
    row: &AnnouncementRow,
    audience_agencies: &[String],
    now_ms: i64,
) -> bool {
    if user.is_some_and(|u| may_manage(u, row)) {
        return true;
    }
    let started = row.published_ms.is_some() && row.shown_from_ms() <= now_ms;
    if !started || row.status == Status::Draft {
        return false;
    }
    match row.audience {
        Audience::Public => true,
        Audience::AllAsn => user.is_some_and(|u| !u.is_citizen()),
        Audience::Agencies => user.is_some_and(|u| {
            !u.is_citizen()
                && u.grants
                    .iter()
                    .any(|g| audience_agencies.contains(&g.agency_id))
        }),
    }
}

pub fn phase(row: &AnnouncementRow, now_ms: i64) -> Phase {
    Phase::of(
        row.status,
        Some(row.shown_from_ms()).filter(|_| row.status == Status::Published),
        row.expires_at_ms,
        now_ms,
    )
}

/// Whether CAP messages go out for it: urgent (emergencies always are) and public.
pub fn is_cap_alert(row_urgent: bool, audience: Audience) -> bool {
    row_urgent && audience == Audience::Public
}

/// Agency ids for the codes of a chosen-agencies audience; unknown codes are a field problem.
async fn audience_ids(app: &AppState, draft: &Draft) -> Result<Vec<String>, AnnouncementError> {
    if draft.audience != Audience::Agencies {
        return Ok(Vec::new());
    }
    let mut ids = Vec::new();
    for code in &draft.agency_codes {
        match accounts::organisation::find_agency(app, code).await? {
            Some(agency) => ids.push(agency.id),
            None => {
                return Err(AnnouncementError::Invalid(vec![(
                    "agencies",
                    "announcements.agency_unknown",
                )]));
            }
        }
    }
    Ok(ids)
}

/// Creates a draft (version 1); returns its id.
#[tracing::instrument(skip_all)]
pub async fn create(
    app: &AppState,
    user: &CurrentUser,
    draft: &Draft,
) -> Result<String, AnnouncementError> {
    let owner = author_agency(user)
        .filter(|_| is_author(user))
        .ok_or(AnnouncementError::Forbidden)?;
    let audience = audience_ids(app, draft).await?;
    let id = ids::new_id();
    let now = clock::now_ms();
    let mut tx = app.db.begin().await?;
    store::insert_announcement(
        &mut tx,
        &store::NewAnnouncement {
            id: &id,
            owner_agency_id: &owner,
            category: draft.category,
            audience: draft.audience,
            pinned: draft.pinned,
            urgent: draft.urgent,
            publish_at_ms: draft.publish_at_ms,
            expires_at_ms: draft.expires_at_ms,
            created_by: &user.id,
            now_ms: now,
        },
    )
    .await?;
    store::insert_version(
        &mut tx,
        &store::NewVersion {
            announcement_id: &id,
            version: 1,
            title: &draft.title,
            body: &draft.body,
            instruction: &draft.instruction,
            summary: &draft.summary,
            english: &draft.english,
            edited_by: &user.id,
            now_ms: now,
        },
    )
    .await?;
    store::replace_audience(&mut tx, &id, &audience).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "announcement.created",
            subject: &format!("announcement:{id}"),
            detail: json!({"category": draft.category.as_str(), "audience": draft.audience.as_str(), "agency": owner}),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(announcement.id = %id, "announcement drafted");
    Ok(id)
}

/// Saves `draft` as the next version, if the announcement is still at `based_on`.
/// Returns the new version number.
#[tracing::instrument(skip_all, fields(announcement.id = %id))]
pub async fn edit(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
    based_on: i64,
    draft: &Draft,
) -> Result<i64, AnnouncementError> {
    let audience = audience_ids(app, draft).await?;
    let now = clock::now_ms();
    let mut tx = app.db.begin().await?;
    let row = store::find_in(&mut tx, id)
        .await?
        .ok_or(AnnouncementError::NotFound)?;
    if !may_manage(user, &row) {
        return Err(AnnouncementError::Forbidden);
    }
    if row.status.after(Action::Edit).is_none() {
        return Err(AnnouncementError::NotAllowedNow {
            status: row.status.as_str(),
        });
    }
    let saved = store::update_if_version(
        &mut tx,
        id,
        based_on,
        draft.category,
        draft.audience,
        draft.pinned,
        draft.urgent,
        draft.publish_at_ms,
        draft.expires_at_ms,
        now,
    )
    .await?;
    if !saved {
        return Err(AnnouncementError::EditedMeanwhile {
            based_on,
            current: row.version,
        });
    }
    let version = based_on + 1;
    store::insert_version(
        &mut tx,
        &store::NewVersion {
            announcement_id: id,
            version,
            title: &draft.title,
            body: &draft.body,
            instruction: &draft.instruction,
            summary: &draft.summary,
            english: &draft.english,
            edited_by: &user.id,
            now_ms: now,
        },
    )
    .await?;
    store::replace_audience(&mut tx, id, &audience).await?;
    // An expiry moved to the past of something showing ends it early, like the end action.
    let ends_now = phase(&row, now) == Phase::Active
        && draft.expires_at_ms.is_some_and(|expires| expires <= now);
    if ends_now {
        sqlx::query("UPDATE announcements SET ended_ms = $2 WHERE id = $1 AND ended_ms IS NULL")
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    if row.status == Status::Published {
        let publish_at = draft.publish_at_ms.or(row.published_ms).unwrap_or(now);
        let alert = is_cap_alert(draft.urgent, draft.audience);
        record_cap_step(&mut tx, id, version, alert, false, publish_at, now).await?;
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "announcement.edited",
            subject: &format!("announcement:{id}"),
            detail: json!({"version": version}),
        },
    )
    .await?;
    tx.commit().await?;
    after_change(app);
    Ok(version)
}

/// Publishes a draft: at once, or at its scheduled time.
#[tracing::instrument(skip_all, fields(announcement.id = %id))]
pub async fn publish(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<(), AnnouncementError> {
    let now = clock::now_ms();
    let mut tx = app.db.begin().await?;
    let row = store::find_in(&mut tx, id)
        .await?
        .ok_or(AnnouncementError::NotFound)?;
    if !may_manage(user, &row) {
        return Err(AnnouncementError::Forbidden);
    }
    if row.status.after(Action::Publish).is_none()
        || !store::update_published(&mut tx, id, now).await?
    {
        return Err(AnnouncementError::NotAllowedNow {
            status: row.status.as_str(),
        });
    }
    if row
        .expires_at_ms
        .is_some_and(|e| e <= now.max(row.publish_at_ms.unwrap_or(now)))
    {
        return Err(AnnouncementError::Invalid(vec![(
            "expires_at",
            "announcements.expired_before_publish",
        )]));
    }
    let publish_at = row.publish_at_ms.unwrap_or(now);
    let alert = is_cap_alert(row.urgent, row.audience);
    record_cap_step(&mut tx, id, row.version, alert, false, publish_at, now).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "announcement.published",
            subject: &format!("announcement:{id}"),
            detail: json!({"version": row.version, "publish_at_ms": publish_at}),
        },
    )
    .await?;
    tx.commit().await?;
    after_change(app);
    Ok(())
}

/// Withdraws it; an alert already sent gets its CAP Cancel, and those who received it are told.
#[tracing::instrument(skip_all, fields(announcement.id = %id))]
pub async fn cancel(app: &AppState, user: &CurrentUser, id: &str) -> Result<(), AnnouncementError> {
    let now = clock::now_ms();
    let mut tx = app.db.begin().await?;
    let row = store::find_in(&mut tx, id)
        .await?
        .ok_or(AnnouncementError::NotFound)?;
    if !may_manage(user, &row) {
        return Err(AnnouncementError::Forbidden);
    }
    if row.status.after(Action::Cancel).is_none()
        || !store::update_cancelled(&mut tx, id, now).await?
    {
        return Err(AnnouncementError::NotAllowedNow {
            status: row.status.as_str(),
        });
    }
    record_cap_step(&mut tx, id, row.version, false, true, now, now).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "announcement.cancelled",
            subject: &format!("announcement:{id}"),
            detail: json!({"version": row.version}),
        },
    )
    .await?;
    tx.commit().await?;
    after_change(app);
    Ok(())
}

/// Ends a published announcement now, before its expiry (an emergency that is over): it
/// expires at once, an alert gets its CAP Cancel, and those who received it are told.
#[tracing::instrument(skip_all, fields(announcement.id = %id))]
pub async fn end(app: &AppState, user: &CurrentUser, id: &str) -> Result<(), AnnouncementError> {
    let now = clock::now_ms();
    let mut tx = app.db.begin().await?;
    let row = store::find_in(&mut tx, id)
        .await?
        .ok_or(AnnouncementError::NotFound)?;
    if !may_manage(user, &row) {
        return Err(AnnouncementError::Forbidden);
    }
    if !may_end(&row, now) || !store::update_ended(&mut tx, id, now).await? {
        return Err(AnnouncementError::NotAllowedNow {
            status: row.status.as_str(),
        });
    }
    record_cap_step(&mut tx, id, row.version, false, true, now, now).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "announcement.ended",
            subject: &format!("announcement:{id}"),
            detail: json!({"version": row.version}),
        },
    )
    .await?;
    tx.commit().await?;
    after_change(app);
    Ok(())
}

/// Whether it can be ended early now: published, showing, not ended before.
pub fn may_end(row: &AnnouncementRow, now_ms: i64) -> bool {
    row.ended_ms.is_none() && phase(row, now_ms) == Phase::Active
}

/// The CAP message a change needs, if any: a first Alert, an Update of what was sent, or a
/// Cancel (withdrawn, or no longer an urgent public announcement).
pub fn cap_step(already_sent: bool, alert_now: bool, cancelling: bool) -> Option<&'static str> {
    match (already_sent, alert_now && !cancelling) {
        (false, true) => Some("Alert"),
        (true, true) => Some("Update"),
        (true, false) => Some("Cancel"),
        (false, false) => None,
    }
}

async fn record_cap_step(
    conn: &mut sqlx::AnyConnection,
    id: &str,
    version: i64,
    alert_now: bool,
    cancelling: bool,
    publish_at_ms: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    // A message scheduled for later was never seen: the new one replaces it.
    sqlx::query(
        "DELETE FROM announcement_cap_messages WHERE announcement_id = $1 AND sent_ms > $2",
    )
    .bind(id)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    let sent = store::list_cap_messages_in(conn, id).await?;
    let already_sent = sent.last().is_some_and(|m| m.msg_type != "Cancel");
    if let Some(msg_type) = cap_step(already_sent, alert_now, cancelling) {
        store::insert_cap_message(
            conn,
            &CapMessageRow {
                identifier: ids::new_id(),
                announcement_id: id.to_string(),
                version,
                msg_type: msg_type.to_string(),
                sent_ms: if msg_type == "Alert" {
                    publish_at_ms.max(now_ms)
                } else {
                    now_ms
                },
            },
        )
        .await?;
    }
    Ok(())
}

/// After a commit: this node's banner shows the change at the next page, and subscribers are
/// told without waiting for the next round of the dispatcher.
fn after_change(app: &AppState) {
    app.banners.invalidate();
    let app = app.clone();
    tokio::spawn(async move {
        if let Err(error) = subscriptions::dispatch_due(&app).await {
            tracing::warn!(%error, "announcement dispatch failed; the next round retries");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::cap_step;

    #[test]
    fn cap_messages_follow_alert_update_cancel() {
        assert_eq!(cap_step(false, true, false), Some("Alert"));
        assert_eq!(cap_step(true, true, false), Some("Update"));
        assert_eq!(cap_step(true, false, false), Some("Cancel"));
        assert_eq!(cap_step(true, true, true), Some("Cancel"));
        assert_eq!(cap_step(false, false, false), None);
        assert_eq!(cap_step(false, true, true), None);
    }
}
