//! Event pages: the list, the organiser's form, one event (register or cancel, materials,
//! summary; for organisers the participants, the check-in QR code, uploads, the summary form
//! and cancelling), the participant's check-in, "my events" and the iCalendar feeds.

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use platform::{
    AppState,
    auth::{CurrentUser, MaybeUser},
    clock,
    web::{
        Shell, WebError,
        error::FieldError,
        forms::{CsrfForm, CsrfUpload, FieldView, UploadProblem, field_errors},
        page, private_file,
    },
};
use serde::Deserialize;

use super::calendar_file;
use crate::{
    error::CollaborationError,
    events::{self, Audience, Event, EventInput, EventKind, Material},
    ical, is_manager, markdown,
    registrations::{self, CheckIn, Registration, RegistrationStatus},
};

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/events", get(list))
        .route("/events/new", get(new_form).post(create))
        .route("/events/mine", get(mine))
        .route("/events/mine/feed", post(new_feed))
        .route("/events/{id}", get(show))
        .route("/events/{id}/register", post(register))
        .route(
            "/events/{id}/cancel-registration",
            post(cancel_registration),
        )
        .route("/events/{id}/checkin", get(checkin_form).post(check_in))
        .route(
            "/events/{id}/attendance/{registration}",
            post(mark_attended),
        )
        .route("/events/{id}/summary", post(summary))
        .route("/events/{id}/cancel", post(cancel_event))
        .route(
            "/events/{id}/materials",
            post(upload_material).layer(DefaultBodyLimit::max(max_upload_bytes + 64 * 1024)),
        )
        .route("/events/{id}/materials/{material}", get(material))
        .route("/events/{id}/calendar.ics", get(event_calendar))
        .route("/agencies/{code}/events.ics", get(agency_calendar))
        .route("/calendar/{token}/events.ics", get(personal_calendar))
}

/// An event ready to show.
pub(crate) struct EventView {
    pub event: Event,
    pub kind: String,
    pub audience: String,
    pub starts: String,
    pub ends: String,
    pub seats_left: i64,
}

pub(super) fn view(event: Event, shell: &Shell) -> EventView {
    EventView {
        kind: shell.t(event.kind.label_key()).to_string(),
        audience: shell.t(event.audience.label_key()).to_string(),
        starts: clock::format_wita(event.starts_ms, shell.tr.lang),
        ends: clock::format_wita(event.ends_ms, shell.tr.lang),
        seats_left: (event.capacity - event.seats_taken).max(0),
        event,
    }
}

#[derive(Template)]
#[template(path = "collaboration_events.html")]
struct ListPage {
    shell: Shell,
    upcoming: Vec<EventView>,
    past: Vec<EventView>,
    manager: bool,
    signed_in: bool,
}

async fn list(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
) -> Result<Response, WebError> {
    let now = clock::now_ms();
    let (past, upcoming): (Vec<Event>, Vec<Event>) = events::list_events(&app, user.as_ref(), None)
        .await?
        .into_iter()
        .partition(|e| e.is_over(now));
    let upcoming = upcoming.into_iter().map(|e| view(e, &shell)).collect();
    let past = past
        .into_iter()
        .rev()
        .take(20)
        .map(|e| view(e, &shell))
        .collect();
    page(
        &ListPage {
            upcoming,
            past,
            manager: user.as_ref().is_some_and(is_manager),
            signed_in: user.is_some(),
            shell,
        },
        StatusCode::OK,
    )
}

/// The event form: a new event, or an edit of `editing` (whose organisers stay, so they are
/// shown rather than asked; the version the edit is based on travels in a hidden field).
#[derive(Template)]
#[template(path = "collaboration_event_form.html")]
pub(super) struct FormPage {
    pub shell: Shell,
    pub errors: Vec<FieldError>,
    pub fields: Vec<FieldView>,
    pub action: String,
    pub editing: Option<EventView>,
    pub base_version: String,
    /// The event as saved meanwhile by someone else, when a save was refused for it.
    pub conflict: Option<EventView>,
}

fn form_page(shell: Shell, input: &EventInput, errors: Vec<FieldError>) -> FormPage {
    event_form(shell, input, errors, None, None)
}

pub(super) fn event_form(
    shell: Shell,
    input: &EventInput,
    errors: Vec<FieldError>,
    editing: Option<EventView>,
    conflict: Option<EventView>,
) -> FormPage {
    let tr = &shell.tr;
    let text = |name: &str, key: &str, value: &str| FieldView::text(tr, name, key, value, &errors);
    let kinds = EventKind::ALL
        .into_iter()
        .map(|k| (k.as_str().to_string(), tr.t(k.label_key()).to_string()))
        .collect();
    let audiences = Audience::ALL
        .into_iter()
        .map(|a| (a.as_str().to_string(), tr.t(a.label_key()).to_string()))
        .collect();
    let mut fields = vec![
        text("title", "collaboration.event_title", &input.title),
        text("kind", "collaboration.event_kind", &input.kind).select(tr, kinds),
        text("organisers", "collaboration.organisers", &input.organisers)
            .hint(tr, "collaboration.agency_codes_hint"),
        text("audience", "collaboration.audience", &input.audience).select(tr, audiences),
        text("invited", "collaboration.invited", &input.invited)
            .optional(tr)
            .hint(tr, "collaboration.invited_hint"),
        text("starts_at", "collaboration.starts_at", &input.starts_at).kind("datetime-local"),
        text("ends_at", "collaboration.ends_at", &input.ends_at).kind("datetime-local"),
        text("place", "collaboration.place", &input.place).optional(tr),
        text("online_url", "collaboration.online_url", &input.online_url)
            .kind("url")
            .optional(tr),
        text("capacity", "collaboration.capacity", &input.capacity).numeric(),
        text("jp", "collaboration.jp", &input.jp)
            .numeric()
            .optional(tr)
            .hint(tr, "collaboration.jp_hint"),
        text(
            "description",
            "collaboration.description",
            &input.description,
        )
        .kind("textarea")
        .optional(tr),
    ];
    if editing.is_some() {
        fields.retain(|f| f.name != "organisers");
    }
    FormPage {
        action: editing.as_ref().map_or_else(
            || "/events/new".to_string(),
            |e| format!("/events/{}/edit", e.event.id),
        ),
        base_version: input.base_version.clone(),
        shell,
        errors,
        fields,
        editing,
        conflict,
    }
}

async fn new_form(shell: Shell, user: CurrentUser) -> Result<Response, WebError> {
    if !is_manager(&user) {
        return Err(WebError::Forbidden);
    }
    let input = EventInput {
        audience: "public".into(),
        organisers: crate::knowledge::writable_agencies(&user).join(", "),
        ..EventInput::default()
    };
    page(&form_page(shell, &input, Vec::new()), StatusCode::OK)
}

async fn create(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfForm(input): CsrfForm<EventInput>,
) -> Result<Response, WebError> {
    match events::create_event(&app, &user, &input).await {
        Ok(event) => Ok(Redirect::to(&format!("/events/{}", event.id)).into_response()),
        Err(CollaborationError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &form_page(shell, &input, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

pub(crate) struct ParticipantView {
    pub registration: Registration,
    pub status: String,
    pub checked_in: String,
}

#[derive(Template)]
#[template(path = "collaboration_event.html")]
struct EventPage {
    shell: Shell,
    event: EventView,
    description_html: String,
    summary_html: String,
    signed_in: bool,
    /// The visitor's own registration status, if any.
    mine: Option<String>,
    can_register: bool,
    materials: Vec<Material>,
    organiser: bool,
    participants: Vec<ParticipantView>,
    checkin_code: String,
    checkin_qr: String,
    checkin_url: String,
    errors: Vec<FieldError>,
    summary_field: FieldView,
    over: bool,
    /// An organiser may still edit (neither cancelled nor over).
    editable: bool,
}

async fn event_page(
    app: &AppState,
    shell: Shell,
    user: Option<&CurrentUser>,
    id: &str,
    summary_input: Option<&str>,
    errors: Vec<FieldError>,
) -> Result<EventPage, WebError> {
    let event = events::get_event(app, user, id).await?;
    let now = clock::now_ms();
    let mine = match user {
        Some(u) => registrations::registration_of(app, u, id)
            .await?
            .filter(|r| r.status != RegistrationStatus::Cancelled),
        None => None,
    };
    let organiser = user.is_some_and(|u| event.managed_by(u));
    let (participants, checkin_code) = match user {
        Some(u) if organiser => (
            registrations::list_for_event(app, u, &event)
                .await?
                .into_iter()
                .map(|r| ParticipantView {
                    status: shell.t(r.status.label_key()).to_string(),
                    checked_in: r
                        .checked_in_ms
                        .map(|ms| clock::format_wita(ms, shell.tr.lang))
                        .unwrap_or_default(),
                    registration: r,
                })
                .collect(),
            registrations::organiser_code(app, u, &event).await?,
        ),
        _ => (Vec::new(), String::new()),
    };
    let checkin_url = if checkin_code.is_empty() {
        String::new()
    } else {
        format!(
            "{}/events/{}/checkin?code={checkin_code}",
            app.settings.base_url.as_str().trim_end_matches('/'),
            event.id
        )
    };
    let summary_field = FieldView::text(
        &shell.tr,
        "summary",
        "collaboration.summary",
        summary_input.unwrap_or(&event.summary),
        &errors,
    )
    .kind("textarea")
    .hint(&shell.tr, "collaboration.markdown_hint");
    Ok(EventPage {
        description_html: markdown::to_safe_html(&event.description),
        summary_html: markdown::to_safe_html(&event.summary),
        signed_in: user.is_some(),
        mine: mine.map(|r| shell.t(r.status.label_key()).to_string()),
        can_register: !event.cancelled && !event.is_over(now),
        materials: events::list_materials(app, id).await?,
        organiser,
        participants,
        checkin_qr: if checkin_url.is_empty() {
            String::new()
        } else {
            qr_svg(&checkin_url)
        },
        checkin_url,
        checkin_code,
        errors,
        summary_field,
        over: event.is_over(now),
        editable: organiser && !event.cancelled && !event.is_over(now),
        event: view(event, &shell),
        shell,
    })
}

/// A QR code as inline SVG (dark modules as rectangles).
fn qr_svg(text: &str) -> String {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        return String::new();
    };
    let width = code.width();
    let mut rects = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            rects.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"1\" height=\"1\"/>",
                i % width + 4,
                i / width + 4
            ));
        }
    }
    let size = width + 8;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"240\" height=\"240\" role=\"img\" aria-label=\"QR\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><g fill=\"#000\">{rects}</g></svg>"
    )
}

async fn show(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    page(
        &event_page(&app, shell, user.as_ref(), &id, None, Vec::new()).await?,
        StatusCode::OK,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Empty {}

async fn register(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Redirect, WebError> {
    registrations::register(&app, &user, &id).await?;
    Ok(Redirect::to(&format!("/events/{id}")))
}

async fn cancel_registration(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Redirect, WebError> {
    registrations::cancel(&app, &user, &id).await?;
    Ok(Redirect::to(&format!("/events/{id}")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeForm {
    code: String,
}

#[derive(Template)]
#[template(path = "collaboration_checkin.html")]
struct CheckinPage {
    shell: Shell,
    event: EventView,
    code: String,
    done: Option<CheckIn>,
}

async fn checkin_form(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(form): Query<CodeForm>,
) -> Result<Response, WebError> {
    let event = events::get_event(&app, Some(&user), &id).await?;
    page(
        &CheckinPage {
            event: view(event, &shell),
            code: form.code.trim().chars().take(16).collect(),
            done: None,
            shell,
        },
        StatusCode::OK,
    )
}

async fn check_in(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, WebError> {
    let done = registrations::check_in(&app, &user, &id, &form.code).await?;
    let event = events::get_event(&app, Some(&user), &id).await?;
    page(
        &CheckinPage {
            event: view(event, &shell),
            code: String::new(),
            done: Some(done),
            shell,
        },
        StatusCode::OK,
    )
}

async fn mark_attended(
    State(app): State<AppState>,
    user: CurrentUser,
    Path((id, registration)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Redirect, WebError> {
    registrations::mark_attended(&app, &user, &id, &registration).await?;
    Ok(Redirect::to(&format!("/events/{id}")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SummaryForm {
    summary: String,
}

async fn summary(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<SummaryForm>,
) -> Result<Response, WebError> {
    match events::record_summary(&app, &user, &id, &form.summary).await {
        Ok(_) => Ok(Redirect::to(&format!("/events/{id}")).into_response()),
        Err(CollaborationError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &event_page(&app, shell, Some(&user), &id, Some(&form.summary), errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

async fn cancel_event(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Redirect, WebError> {
    events::cancel_event(&app, &user, &id).await?;
    Ok(Redirect::to(&format!("/events/{id}")))
}

async fn upload_material(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfUpload(file, _): CsrfUpload,
) -> Result<Response, WebError> {
    let outcome = match &file {
        Ok(file) => events::add_material(&app, &user, &id, &file.file_name, &file.bytes)
            .await
            .map(|_| ()),
        Err(UploadProblem::TooLarge) => Err(CollaborationError::field(
            "file",
            "collaboration.file_too_large",
        )),
        Err(UploadProblem::Missing) => Err(CollaborationError::field(
            "file",
            "collaboration.file_missing",
        )),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/events/{id}")).into_response()),
        Err(CollaborationError::Invalid(problems)) => {
            // Only an organiser gets this far with a file problem: others are refused first.
            let event = events::get_event(&app, Some(&user), &id).await?;
            if !event.managed_by(&user) {
                return Err(WebError::Forbidden);
            }
            let errors = field_errors(&shell.tr, &problems);
            page(
                &event_page(&app, shell, Some(&user), &id, None, errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

async fn material(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path((id, material)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (bytes, kind, name) = events::material_file(&app, user.as_ref(), &id, &material).await?;
    Ok(private_file(bytes, kind.content_type(), Some(&name), false))
}

async fn event_calendar(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let event = events::get_event(&app, user.as_ref(), &id).await?;
    let name = event.title.clone();
    Ok(calendar_file(
        ical::calendar(&name, &[event], app.settings.base_url.as_str()),
        "attachment; filename=\"acara.ics\"",
    ))
}

/// An agency's public events (subscribable without an account).
async fn agency_calendar(
    State(app): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let agency = accounts::organisation::find_agency(&app, &code)
        .await?
        .ok_or(WebError::NotFound)?;
    let events = events::list_events(&app, None, Some(&agency.code)).await?;
    Ok(calendar_file(
        ical::calendar(
            &format!("Sigap: {}", agency.name_id),
            &events,
            app.settings.base_url.as_str(),
        ),
        "inline; filename=\"acara-instansi.ics\"",
    ))
}

async fn personal_calendar(
    State(app): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    Ok(calendar_file(
        ical::personal_feed(&app, &token).await?,
        "inline; filename=\"acara-saya.ics\"",
    ))
}

#[derive(Template)]
#[template(path = "collaboration_my_events.html")]
struct MinePage {
    shell: Shell,
    events: Vec<(EventView, String)>,
    has_feed: bool,
    feed_url: String,
}

async fn mine_page(
    app: &AppState,
    shell: Shell,
    user: &CurrentUser,
    feed_url: String,
) -> Result<MinePage, WebError> {
    let events = registrations::my_events(app, user)
        .await?
        .into_iter()
        .map(|(e, status)| {
            let label = shell.t(status.label_key()).to_string();
            (view(e, &shell), label)
        })
        .collect();
    Ok(MinePage {
        events,
        has_feed: ical::has_feed_token(app, user).await?,
        feed_url,
        shell,
    })
}

async fn mine(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    page(
        &mine_page(&app, shell, &user, String::new()).await?,
        StatusCode::OK,
    )
}

/// Creates a new feed link and shows it once (the old link stops working).
async fn new_feed(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    let token = ical::new_feed_token(&app, &user).await?;
    let url = format!(
        "{}/calendar/{token}/events.ics",
        app.settings.base_url.as_str().trim_end_matches('/')
    );
    let mut response = page(&mine_page(&app, shell, &user, url).await?, StatusCode::OK)?;
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}
