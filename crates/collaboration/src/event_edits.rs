//! Organisers edit a scheduled event: title, description, kind, times (WITA), place and online
//! link, capacity, audience (and its invited agencies) and JP; the organising agencies stay.
//! Edits are optimistic: the form carries the version it was based on, and a save based on an
//! older one is refused with nothing written. A cancelled or finished event is not edited.
//!
//! In the one transaction of a save: the event row is locked first (as every seat change is,
//! see `registrations`), so the seats, the waitlist and the version read are the ones the save
//! is checked against; a raised capacity gives the new seats to the waitlist in order; a new
//! time or place is told once to everyone registered or waiting; calendar apps see the change
//! through a raised SEQUENCE (RFC 5545 §3.8.7.4); the audit entry names what changed.

use platform::{AppState, audit, auth::CurrentUser, clock};

use crate::{
    error::CollaborationError,
    events::{self, Event, EventInput},
    registrations,
};

/// What an edit changed (audit names, and what decides who is told and SEQUENCE).
#[derive(Debug, Default, PartialEq, Eq)]
struct Changes {
    fields: Vec<&'static str>,
}

impl Changes {
    fn between(old: &Event, new: &events::EventDraft) -> Changes {
        let invited_old: Vec<&str> = old.invited.iter().map(|a| a.id.as_str()).collect();
        let invited_new: Vec<&str> = new.invited.iter().map(|a| a.id.as_str()).collect();
        let fields = [
            ("title", old.title != new.title),
            ("kind", old.kind != new.kind),
            ("description", old.description != new.description),
            ("audience", old.audience != new.audience),
            ("invited", invited_old != invited_new),
            ("place", old.place != new.place),
            ("online_url", old.online_url != new.online_url),
            ("starts_at", old.starts_ms != new.starts_ms),
            ("ends_at", old.ends_ms != new.ends_ms),
            ("capacity", old.capacity != new.capacity),
            ("jp", old.jp != new.jp),
        ]
        .into_iter()
        .filter_map(|(name, changed)| changed.then_some(name))
        .collect();
        Changes { fields }
    }

    fn any(&self, names: &[&str]) -> bool {
        self.fields.iter().any(|f| names.contains(f))
    }

    /// Participants are told when the time or the place (room or link) moves.
    fn time_or_place(&self) -> bool {
        self.any(&["starts_at", "ends_at", "place", "online_url"])
    }

    /// Everything an iCalendar entry shows (summary, description with JP, location, times).
    fn calendar(&self) -> bool {
        self.any(&[
            "title",
            "description",
            "place",
            "online_url",
            "starts_at",
            "ends_at",
            "jp",
        ])
    }
}

/// An organiser saves an edit made from `input.base_version`. Refused with
/// [`CollaborationError::EventEditConflict`] (nothing written) when someone saved after that
/// version, with [`CollaborationError::EventClosed`] when the event is cancelled or over, and
/// with a field error when the capacity is below the seats already taken.
pub async fn update_event(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
    input: &EventInput,
) -> Result<Event, CollaborationError> {
    let before = events::get_event(app, Some(user), id).await?;
    if !before.managed_by(user) {
        return Err(CollaborationError::Forbidden);
    }
    let base = input.base_version.trim().parse::<i64>().ok();
    let draft = events::check(app, user, input, Some(before.organisers.clone())).await?;
    let Some(base) = base else {
        return Err(CollaborationError::field(
            "base_version",
            "collaboration.base_version_missing",
        ));
    };
    let mut tx = app.db.begin().await?;
    registrations::lock_event(&mut tx, id).await?;
    let current = events::load(&mut tx, id)
        .await?
        .ok_or(CollaborationError::NotFound)?;
    let now = clock::now_ms();
    if current.cancelled || current.is_over(now) {
        return Err(CollaborationError::EventClosed);
    }
    if current.version != base {
        return Err(CollaborationError::EventEditConflict {
            current: current.version,
        });
    }
    if draft.capacity < current.seats_taken {
        return Err(CollaborationError::field(
            "capacity",
            "collaboration.capacity_below_taken",
        ));
    }
    let changes = Changes::between(&current, &draft);
    sqlx::query(
        "UPDATE events SET title = $3, kind = $4, description = $5, audience = $6, place = $7, online_url = $8, \
         starts_ms = $9, ends_ms = $10, capacity = $11, jp = $12, version = version + 1, \
         sequence = sequence + $13, updated_ms = $14 WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(base)
    .bind(&draft.title)
    .bind(draft.kind.as_str())
    .bind(&draft.description)
    .bind(draft.audience.as_str())
    .bind(&draft.place)
    .bind(&draft.online_url)
    .bind(draft.starts_ms)
    .bind(draft.ends_ms)
    .bind(draft.capacity)
    .bind(draft.jp)
    .bind(i64::from(changes.calendar()))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM event_invited_agencies WHERE event_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for agency in &draft.invited {
        sqlx::query("INSERT INTO event_invited_agencies (event_id, agency_id) VALUES ($1, $2)")
            .bind(id)
            .bind(&agency.id)
            .execute(&mut *tx)
            .await?;
    }
    let edited = events::load(&mut tx, id)
        .await?
        .ok_or(CollaborationError::NotFound)?;
    // New seats go to the waitlist in order, one promotion (and notice) each.
    let mut promoted = Vec::new();
    if draft.capacity > current.capacity {
        while let Some(registration) = registrations::promote(app, &mut tx, &edited).await? {
            promoted.push(registration);
        }
    }
    let mut told = 0;
    if changes.time_or_place() {
        let people = registrations::active_user_ids_on(&mut tx, id).await?;
        for person in &people {
            registrations::notify_with(
                app,
                &mut tx,
                person,
                "collaboration.notice_event_changed",
                |lang| {
                    vec![
                        ("{starts}", clock::format_wita(edited.starts_ms, lang)),
                        ("{ends}", clock::format_wita(edited.ends_ms, lang)),
                        ("{place}", place_text(&edited)),
                        ("{title}", edited.title.clone()),
                    ]
                },
            )
            .await?;
        }
        told = people.len();
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "event.edited",
            subject: &format!("event:{id}"),
            detail: serde_json::json!({
                "version": base + 1,
                "changed": changes.fields,
                "starts_ms": [current.starts_ms, edited.starts_ms],
                "ends_ms": [current.ends_ms, edited.ends_ms],
                "capacity": [current.capacity, edited.capacity],
                "promoted": promoted,
                "told": told,
            }),
        },
    )
    .await?;
    let saved = events::load(&mut tx, id)
        .await?
        .ok_or(CollaborationError::NotFound)?;
    tx.commit().await?;
    Ok(saved)
}

/// The place as a notice names it: the room, the link, or both.
fn place_text(event: &Event) -> String {
    match (event.place.is_empty(), event.online_url.is_empty()) {
        (false, false) => format!("{} ({})", event.place, event.online_url),
        (false, true) => event.place.clone(),
        _ => event.online_url.clone(),
    }
}
