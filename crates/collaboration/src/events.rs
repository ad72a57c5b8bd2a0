//! Joint events: an event co-organised by one or more agencies, open to the public, to all ASN
//! or to chosen agencies; place and/or online link, start and end (stored UTC, shown WITA),
//! capacity and the JP it grants to attending ASN. Organisers cancel it, upload materials and
//! write a summary once it is over. Owns `events`, `event_organisers`, `event_invited_agencies`
//! and `event_materials`; seats are moved only by `registrations`.

use jiff::{Timestamp, civil::DateTime};
use platform::{
    AppState, audit,
    auth::{CurrentUser, Role},
    blobs::FileKind,
    clock, ids,
};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row as _, any::AnyRow};
use utoipa::ToSchema;

use crate::{error::CollaborationError, files, manages_any, works_in_any};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Seminar,
    Workshop,
    Coordination,
}

impl EventKind {
    pub const ALL: [EventKind; 3] = [
        EventKind::Seminar,
        EventKind::Workshop,
        EventKind::Coordination,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Seminar => "seminar",
            EventKind::Workshop => "workshop",
            EventKind::Coordination => "coordination",
        }
    }
    pub fn parse(raw: &str) -> Option<EventKind> {
        EventKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
    }
    pub fn label_key(self) -> &'static str {
        match self {
            EventKind::Seminar => "collaboration.kind_seminar",
            EventKind::Workshop => "collaboration.kind_workshop",
            EventKind::Coordination => "collaboration.kind_coordination",
        }
    }
}

/// Who may see and register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Anyone: citizens, ASN, visitors without an account (they sign in to register).
    Public,
    /// Every civil servant (any staff account).
    AllAsn,
    /// Staff of the organising and the invited agencies.
    Agencies,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::Public, Audience::AllAsn, Audience::Agencies];
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::AllAsn => "all_asn",
            Audience::Agencies => "agencies",
        }
    }
    pub fn parse(raw: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.as_str() == raw.trim())
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Audience::Public => "collaboration.audience_public",
            Audience::AllAsn => "collaboration.audience_all_asn",
            Audience::Agencies => "collaboration.audience_agencies",
        }
    }
}

/// An agency as events and articles name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct AgencyRef {
    pub id: String,
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Event {
    pub id: String,
    pub title: String,
    pub kind: EventKind,
    pub description: String,
    pub audience: Audience,
    pub place: String,
    pub online_url: String,
    /// Milliseconds since the Unix epoch (UTC).
    pub starts_ms: i64,
    pub ends_ms: i64,
    pub capacity: i64,
    pub seats_taken: i64,
    /// JP granted to attending ASN (0: none).
    pub jp: i64,
    pub cancelled: bool,
    /// Written by the organisers after the event (Markdown).
    pub summary: String,
    /// Revision number of the event for calendar apps (RFC 5545 SEQUENCE: grows whenever
    /// something a calendar shows changes, and on cancellation).
    pub sequence: i64,
    /// Grows by one with every saved edit; an edit names the version it started from.
    pub version: i64,
    pub updated_ms: i64,
    pub organisers: Vec<AgencyRef>,
    pub invited: Vec<AgencyRef>,
}

impl Event {
    pub fn organiser_ids(&self) -> Vec<String> {
        self.organisers.iter().map(|a| a.id.clone()).collect()
    }

    /// Whether `user` (or a visitor without an account) may see the event.
    pub fn visible_to(&self, user: Option<&CurrentUser>) -> bool {
        match (self.audience, user) {
            (Audience::Public, _) => true,
            (_, None) => false,
            (_, Some(u)) if u.is_citizen() => false,
            (Audience::AllAsn, Some(_)) => true,
            (Audience::Agencies, Some(u)) => {
                let mut agencies = self.organiser_ids();
                agencies.extend(self.invited.iter().map(|a| a.id.clone()));
                u.has_role(Role::Superadmin) || works_in_any(u, &agencies)
            }
        }
    }

    pub fn managed_by(&self, user: &CurrentUser) -> bool {
        manages_any(user, &self.organiser_ids())
    }

    pub fn is_over(&self, now_ms: i64) -> bool {
        now_ms >= self.ends_ms
    }

    /// Names of the organising agencies, joined.
    pub fn organiser_names(&self) -> String {
        self.organisers
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What an organiser types (web form and JSON alike). Times are WITA, `YYYY-MM-DDTHH:MM`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct EventInput {
    pub title: String,
    /// `seminar`, `workshop` or `coordination`.
    pub kind: String,
    pub description: String,
    /// `public`, `all_asn` or `agencies`.
    pub audience: String,
    /// Agency codes separated by commas, e.g. `dikbud, dinkes`.
    pub organisers: String,
    /// With audience `agencies`: the invited agency codes, separated by commas.
    pub invited: String,
    pub place: String,
    pub online_url: String,
    /// Start in WITA, e.g. `2026-12-10T09:00`.
    pub starts_at: String,
    pub ends_at: String,
    pub capacity: String,
    /// JP for attending ASN; empty or 0 for none.
    pub jp: String,
    /// On edits: the version the edit started from (ignored on creation).
    pub base_version: String,
}

/// A checked event input.
pub(crate) struct EventDraft {
    pub title: String,
    pub kind: EventKind,
    pub description: String,
    pub audience: Audience,
    pub organisers: Vec<AgencyRef>,
    pub invited: Vec<AgencyRef>,
    pub place: String,
    pub online_url: String,
    pub starts_ms: i64,
    pub ends_ms: i64,
    pub capacity: i64,
    pub jp: i64,
}

/// `YYYY-MM-DDTHH:MM` (or with a space) in WITA as UTC milliseconds.
pub fn parse_wita(raw: &str) -> Option<i64> {
    let text = raw.trim().replace(' ', "T");
    let local: DateTime = text.parse().ok()?;
    let zoned = local.to_zoned(clock::wita().clone()).ok()?;
    Some(zoned.timestamp().as_millisecond())
}

/// UTC milliseconds as the `datetime-local` value in WITA (`YYYY-MM-DDTHH:MM`).
pub fn wita_input(ms: i64) -> String {
    Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(clock::wita().clone())
                .strftime("%Y-%m-%dT%H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// The agencies named by comma-separated codes; `None` when one is unknown.
pub(crate) async fn resolve_agencies(
    app: &AppState,
    codes: &str,
) -> Result<Option<Vec<AgencyRef>>, CollaborationError> {
    let mut found: Vec<AgencyRef> = Vec::new();
    for code in codes
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let Some(agency) = accounts::organisation::find_agency(app, code).await? else {
            return Ok(None);
        };
        if !found.iter().any(|a| a.id == agency.id) {
            found.push(AgencyRef {
                id: agency.id,
                code: agency.code,
                name: agency.name_id,
            });
        }
    }
    Ok(Some(found))
}

/// Checks every field at once. `organisers` given (an edit: they do not change) are taken as
/// they are; otherwise they come from `input.organisers` and must include one `user` manages.
pub(crate) async fn check(
    app: &AppState,
    user: &CurrentUser,
    input: &EventInput,
    organisers: Option<Vec<AgencyRef>>,
) -> Result<EventDraft, CollaborationError> {
    let mut problems: Vec<(String, &'static str)> = Vec::new();
    let mut problem = |field: &str, key: &'static str| problems.push((field.to_string(), key));
    let title = crate::one_line(&input.title);
    if title.chars().count() < 3 || title.chars().count() > 200 {
        problem("title", "collaboration.title_invalid");
    }
    let kind = EventKind::parse(&input.kind);
    if kind.is_none() {
        problem("kind", "collaboration.kind_invalid");
    }
    let audience = Audience::parse(&input.audience);
    if audience.is_none() {
        problem("audience", "collaboration.audience_invalid");
    }
    let description = crate::clean_text(&input.description);
    if description.chars().count() > 10_000 {
        problem("description", "collaboration.description_too_long");
    }
    let organisers = match organisers {
        Some(fixed) => Some(fixed),
        None => resolve_agencies(app, &input.organisers).await?,
    };
    match &organisers {
        None => problem("organisers", "collaboration.agency_unknown"),
        Some(list) if list.is_empty() => problem("organisers", "collaboration.organisers_missing"),
        Some(list) => {
            let ids: Vec<String> = list.iter().map(|a| a.id.clone()).collect();
            if !manages_any(user, &ids) {
                problem("organisers", "collaboration.organisers_not_yours");
            }
        }
    }
    let invited = resolve_agencies(app, &input.invited).await?;
    match (&invited, audience) {
        (None, _) => problem("invited", "collaboration.agency_unknown"),
        (Some(list), Some(Audience::Agencies)) if list.is_empty() => {
            problem("invited", "collaboration.invited_missing");
        }
        _ => {}
    }
    let place = crate::one_line(&input.place);
    let online_url = input.online_url.trim().to_string();
    if place.chars().count() > 300 {
        problem("place", "collaboration.place_invalid");
    }
    let url_ok = online_url.is_empty()
        || ((online_url.starts_with("https://") || online_url.starts_with("http://"))
            && online_url.len() <= 500
            && !online_url.contains(char::is_whitespace));
    if !url_ok {
        problem("online_url", "collaboration.online_url_invalid");
    }
    if place.is_empty() && online_url.is_empty() {
        problem("place", "collaboration.place_missing");
    }
    let starts = parse_wita(&input.starts_at);
    let ends = parse_wita(&input.ends_at);
    if starts.is_none() {
        problem("starts_at", "collaboration.time_invalid");
    }
    match (starts, ends) {
        (_, None) => problem("ends_at", "collaboration.time_invalid"),
        (Some(s), Some(e)) if e <= s => problem("ends_at", "collaboration.ends_before_start"),
        _ => {}
    }
    let capacity = input
        .capacity
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|c| (1..=100_000).contains(c));
    if capacity.is_none() {
        problem("capacity", "collaboration.capacity_invalid");
    }
    let jp = if input.jp.trim().is_empty() {
        Some(0)
    } else {
        input
            .jp
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|j| (0..=100).contains(j))
    };
    if jp.is_none() {
        problem("jp", "collaboration.jp_invalid");
    }
    match (
        kind, audience, organisers, invited, starts, ends, capacity, jp,
    ) {
        (
            Some(kind),
            Some(audience),
            Some(organisers),
            Some(invited),
            Some(starts_ms),
            Some(ends_ms),
            Some(capacity),
            Some(jp),
        ) if problems.is_empty() => Ok(EventDraft {
            title,
            kind,
            description,
            audience,
            organisers,
            invited: if audience == Audience::Agencies {
                invited
            } else {
                Vec::new()
            },
            place,
            online_url,
            starts_ms,
            ends_ms,
            capacity,
            jp,
        }),
        _ => Err(CollaborationError::Invalid(problems)),
    }
}

/// An organiser (communications or service admin of one of the organising agencies, or a
/// superadmin) creates an event.
pub async fn create_event(
    app: &AppState,
    user: &CurrentUser,
    input: &EventInput,
) -> Result<Event, CollaborationError> {
    if !crate::is_manager(user) {
        return Err(CollaborationError::Forbidden);
    }
    let draft = check(app, user, input, None).await?;
    let id = ids::new_id();
    let now = clock::now_ms();
    let mut tx = app.db.begin().await?;
    sqlx::query(
        "INSERT INTO events (id, title, kind, description, audience, place, online_url, starts_ms, ends_ms, capacity, \
         seats_taken, jp, status, summary, checkin_secret, sequence, created_by, created_ms, updated_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, 'scheduled', '', $12, 0, $13, $14, $14)",
    )
    .bind(&id)
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
    .bind(ids::random_secret())
    .bind(&user.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    for (table, list) in [
        ("event_organisers", &draft.organisers),
        ("event_invited_agencies", &draft.invited),
    ] {
        for agency in list {
            sqlx::query(&format!(
                "INSERT INTO {table} (event_id, agency_id) VALUES ($1, $2)"
            ))
            .bind(&id)
            .bind(&agency.id)
            .execute(&mut *tx)
            .await?;
        }
    }
    let organisers: Vec<&str> = draft.organisers.iter().map(|a| a.code.as_str()).collect();
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "event.created",
            subject: &format!("event:{id}"),
            detail: serde_json::json!({ "organisers": organisers, "audience": draft.audience.as_str(), "jp": draft.jp }),
        },
    )
    .await?;
    let event = load(&mut tx, &id)
        .await?
        .ok_or(CollaborationError::NotFound)?;
    tx.commit().await?;
    Ok(event)
}

const COLUMNS: &str = "id, title, kind, description, audience, place, online_url, starts_ms, ends_ms, \
     capacity, seats_taken, jp, status, summary, sequence, version, updated_ms";

fn event_row(row: &AnyRow) -> Result<Event, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let audience: String = row.try_get("audience")?;
    let status: String = row.try_get("status")?;
    Ok(Event {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        kind: EventKind::parse(&kind).unwrap_or(EventKind::Seminar),
        description: row.try_get("description")?,
        // An audience this build does not know is treated as the narrowest.
        audience: Audience::parse(&audience).unwrap_or(Audience::Agencies),
        place: row.try_get("place")?,
        online_url: row.try_get("online_url")?,
        starts_ms: row.try_get("starts_ms")?,
        ends_ms: row.try_get("ends_ms")?,
        capacity: row.try_get("capacity")?,
        seats_taken: row.try_get("seats_taken")?,
        jp: row.try_get("jp")?,
        cancelled: status == "cancelled",
        summary: row.try_get("summary")?,
        sequence: row.try_get("sequence")?,
        version: row.try_get("version")?,
        updated_ms: row.try_get("updated_ms")?,
        organisers: Vec::new(),
        invited: Vec::new(),
    })
}

pub(crate) async fn agencies_of(
    conn: &mut AnyConnection,
    table: &str,
    event_id: &str,
) -> Result<Vec<AgencyRef>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT a.id, a.code, a.name_id FROM {table} t JOIN agencies a ON a.id = t.agency_id \
         WHERE t.event_id = $1 ORDER BY a.code"
    ))
    .bind(event_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AgencyRef {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                name: r.try_get("name_id")?,
            })
        })
        .collect()
}

/// The event with its organisers and invited agencies, read on `conn`.
pub(crate) async fn load(conn: &mut AnyConnection, id: &str) -> Result<Option<Event>, sqlx::Error> {
    let Some(row) = sqlx::query(&format!("SELECT {COLUMNS} FROM events WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let mut event = event_row(&row)?;
    event.organisers = agencies_of(conn, "event_organisers", id).await?;
    event.invited = agencies_of(conn, "event_invited_agencies", id).await?;
    Ok(Some(event))
}

/// The event if `user` may see it (a hidden event is "not found", so its existence leaks not).
pub async fn get_event(
    app: &AppState,
    user: Option<&CurrentUser>,
    id: &str,
) -> Result<Event, CollaborationError> {
    let mut conn = app.db.read.acquire().await?;
    load(&mut conn, id)
        .await?
        .filter(|e| e.visible_to(user))
        .ok_or(CollaborationError::NotFound)
}

/// Events `user` may see (of one organising agency when `organiser_code` is given), soonest
/// first; at most the 500 latest. Three queries whatever the number of events: the events, then
/// the organisers and the invited agencies of all of them.
pub async fn list_events(
    app: &AppState,
    user: Option<&CurrentUser>,
    organiser_code: Option<&str>,
) -> Result<Vec<Event>, CollaborationError> {
    // `$1` is the organiser's code, or '' for every event.
    const LISTED: &str = "SELECT e.id FROM events e WHERE $1 = '' OR EXISTS (SELECT 1 FROM event_organisers o \
         JOIN agencies a ON a.id = o.agency_id WHERE o.event_id = e.id AND a.code = $1) \
         ORDER BY e.starts_ms DESC LIMIT 500";
    let code = organiser_code.unwrap_or("");
    let mut conn = app.db.read.acquire().await?;
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM events WHERE id IN (SELECT id FROM ({LISTED}) listed)"
    ))
    .bind(code)
    .fetch_all(&mut *conn)
    .await?;
    let mut events: Vec<Event> = rows.iter().map(event_row).collect::<Result<_, _>>()?;
    for table in ["event_organisers", "event_invited_agencies"] {
        let rows = sqlx::query(&format!(
            "SELECT t.event_id, a.id, a.code, a.name_id FROM {table} t JOIN agencies a ON a.id = t.agency_id \
             WHERE t.event_id IN (SELECT id FROM ({LISTED}) listed) ORDER BY a.code"
        ))
        .bind(code)
        .fetch_all(&mut *conn)
        .await?;
        let mut by_event: std::collections::HashMap<String, Vec<AgencyRef>> = Default::default();
        for r in &rows {
            by_event
                .entry(r.try_get("event_id")?)
                .or_default()
                .push(AgencyRef {
                    id: r.try_get("id")?,
                    code: r.try_get("code")?,
                    name: r.try_get("name_id")?,
                });
        }
        for event in &mut events {
            let agencies = by_event.remove(&event.id).unwrap_or_default();
            if table == "event_organisers" {
                event.organisers = agencies;
            } else {
                event.invited = agencies;
            }
        }
    }
    events.retain(|e| e.visible_to(user));
    events.sort_by(|a, b| a.starts_ms.cmp(&b.starts_ms).then_with(|| a.id.cmp(&b.id)));
    Ok(events)
}

/// An organiser cancels the event; everyone registered or waiting is told.
pub async fn cancel_event(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Event, CollaborationError> {
    let event = get_event(app, Some(user), id).await?;
    if !event.managed_by(user) {
        return Err(CollaborationError::Forbidden);
    }
    if event.cancelled || event.is_over(clock::now_ms()) {
        return Err(CollaborationError::EventClosed);
    }
    let people = crate::registrations::active_user_ids(app, id).await?;
    let mut tx = app.db.begin().await?;
    sqlx::query(
        "UPDATE events SET status = 'cancelled', sequence = sequence + 1, updated_ms = $2 WHERE id = $1",
    )
    .bind(id)
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await?;
    for person in &people {
        crate::registrations::notify(
            app,
            &mut tx,
            person,
            "collaboration.notice_event_cancelled",
            &event.title,
        )
        .await?;
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "event.cancelled",
            subject: &format!("event:{id}"),
            detail: serde_json::json!({ "told": people.len() }),
        },
    )
    .await?;
    let event = load(&mut tx, id)
        .await?
        .ok_or(CollaborationError::NotFound)?;
    tx.commit().await?;
    Ok(event)
}

/// An organiser writes the summary (Markdown) once the event is over.
pub async fn record_summary(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
    summary: &str,
) -> Result<Event, CollaborationError> {
    let event = get_event(app, Some(user), id).await?;
    if !event.managed_by(user) {
        return Err(CollaborationError::Forbidden);
    }
    let summary = crate::clean_text(summary);
    if summary.is_empty() || summary.chars().count() > 20_000 {
        return Err(CollaborationError::field(
            "summary",
            "collaboration.summary_invalid",
        ));
    }
    if !event.is_over(clock::now_ms()) {
        return Err(CollaborationError::EventNotOver);
    }
    let mut tx = app.db.begin().await?;
    sqlx::query("UPDATE events SET summary = $2, updated_ms = $3 WHERE id = $1")
        .bind(id)
        .bind(&summary)
        .bind(clock::now_ms())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "event.summary_recorded",
            subject: &format!("event:{id}"),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    let event = load(&mut tx, id)
        .await?
        .ok_or(CollaborationError::NotFound)?;
    tx.commit().await?;
    Ok(event)
}

/// A material of an event (slides, handouts), stored by content.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Material {
    pub id: String,
    pub file_name: String,
    pub kind: FileKind,
    pub size_bytes: i64,
    pub uploaded_ms: i64,
}

/// An organiser uploads a material (PDF, JPEG or PNG, checked by content; stored before its row).
pub async fn add_material(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<Material, CollaborationError> {
    let event = get_event(app, Some(user), id).await?;
    if !event.managed_by(user) {
        return Err(CollaborationError::Forbidden);
    }
    let stored = files::store(app, file_name, bytes).await?;
    let material_id = ids::new_id();
    let now = clock::now_ms();
    let mut tx = app.db.begin().await?;
    sqlx::query(
        "INSERT INTO event_materials (id, event_id, file_sha256, file_kind, file_name, size_bytes, uploaded_by, uploaded_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&material_id)
    .bind(id)
    .bind(&stored.sha256)
    .bind(stored.kind.as_str())
    .bind(&stored.file_name)
    .bind(stored.size)
    .bind(&user.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "event.material_added",
            subject: &format!("event:{id}"),
            detail: serde_json::json!({ "material_id": material_id, "sha256": stored.sha256 }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Material {
        id: material_id,
        file_name: stored.file_name,
        kind: stored.kind,
        size_bytes: stored.size,
        uploaded_ms: now,
    })
}

pub async fn list_materials(
    app: &AppState,
    event_id: &str,
) -> Result<Vec<Material>, CollaborationError> {
    let rows = sqlx::query(
        "SELECT id, file_name, file_kind, size_bytes, uploaded_ms FROM event_materials \
         WHERE event_id = $1 ORDER BY uploaded_ms, id",
    )
    .bind(event_id)
    .fetch_all(&app.db.read)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("file_kind")?;
            Ok(Material {
                id: r.try_get("id")?,
                file_name: r.try_get("file_name")?,
                kind: FileKind::parse(&kind).unwrap_or(FileKind::Pdf),
                size_bytes: r.try_get("size_bytes")?,
                uploaded_ms: r.try_get("uploaded_ms")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// The bytes of a material, for those who may see the event.
pub async fn material_file(
    app: &AppState,
    user: Option<&CurrentUser>,
    event_id: &str,
    material_id: &str,
) -> Result<(Vec<u8>, FileKind, String), CollaborationError> {
    get_event(app, user, event_id).await?;
    let row = sqlx::query(
        "SELECT file_sha256, file_kind, file_name FROM event_materials WHERE id = $1 AND event_id = $2",
    )
    .bind(material_id)
    .bind(event_id)
    .fetch_optional(&app.db.read)
    .await?
    .ok_or(CollaborationError::NotFound)?;
    let kind: String = row.try_get("file_kind")?;
    let bytes = files::read(app, &row.try_get::<String, _>("file_sha256")?).await?;
    Ok((
        bytes,
        FileKind::parse(&kind).unwrap_or(FileKind::Pdf),
        row.try_get("file_name")?,
    ))
}
