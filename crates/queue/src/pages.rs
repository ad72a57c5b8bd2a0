//! The queue's pages: the office list, the TV display board, a ticket on the citizen's phone
//! (live place in the queue), booking and one's appointments, the kiosk (walk-in tickets and
//! check-in), the counter console, the figures, and the office settings.

use askama::Template;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use jiff::civil::Date;
use platform::{
    AppState,
    auth::{CurrentUser, MaybeUser},
    web::{
        Shell, WebError,
        error::FieldError,
        forms::{CsrfForm, field_errors},
        i18n::{Lang, Tr},
    },
};
use serde::Deserialize;

use crate::{
    board,
    booking::{self, BookingInput},
    error::QueueError,
    figures,
    office::{self, Office, local_now},
    store,
    tickets::{self, CounterStep, TicketView},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/queue", get(offices))
        .route("/queue/board.js", get(board_script))
        .route("/queue/{office}/board", get(board_page))
        .route("/queue/{office}/events", get(board::events))
        .route("/queue/{office}/book", get(book_page).post(book))
        .route("/queue/{office}/kiosk", get(kiosk))
        .route("/queue/{office}/tickets", post(issue_ticket))
        .route("/queue/{office}/check-in", post(check_in))
        .route("/queue/{office}/counters/{number}", get(console))
        .route(
            "/queue/{office}/counters/{number}/{action}",
            post(counter_action),
        )
        .route("/queue/{office}/figures", get(figures_page))
        .route(
            "/queue/{office}/settings",
            get(settings).post(save_settings),
        )
        .route("/queue/tickets/{id}", get(ticket_page))
        .route("/appointments", get(my_appointments))
        .route("/appointments/{id}/cancel", post(cancel))
        .route("/appointments/{id}/reschedule", post(reschedule))
}

use platform::web::page;

/// A QR code as inline SVG (dark modules as rectangles), for booking codes and tickets.
pub fn qr_svg(text: &str) -> String {
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
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" class=\"qr\" role=\"img\" aria-label=\"QR\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><g fill=\"#000\">{rects}</g></svg>"
    )
}

fn named(lang: Lang, id: &str, en: &str) -> String {
    if lang == Lang::En {
        en.into()
    } else {
        id.into()
    }
}

// ---------- offices and the board ----------

#[derive(Template)]
#[template(path = "queue_offices.html")]
struct OfficesPage {
    shell: Shell,
    offices: Vec<(String, String, String)>,
    /// An application the visit is for, carried on to the booking page.
    application_id: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ForApplication {
    application_id: String,
}

async fn offices(
    State(app): State<AppState>,
    shell: Shell,
    Query(query): Query<ForApplication>,
) -> Result<Response, WebError> {
    let offices = store::list_offices(&app.db)
        .await?
        .into_iter()
        .map(|o| {
            let name = named(shell.tr.lang, &o.name_id, &o.name_en);
            (o.code, name, o.address)
        })
        .collect();
    page(
        &OfficesPage {
            shell,
            offices,
            application_id: query.application_id,
        },
        StatusCode::OK,
    )
}

const BOARD_JS: &str = include_str!("../static/board.js");

async fn board_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        BOARD_JS,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "queue_board.html")]
struct BoardPage {
    shell: Shell,
    code: String,
    office: String,
    /// (counter number, current number or "—")
    counters: Vec<(i64, String)>,
    /// (call id, number, counter)
    recent: Vec<(i64, String, i64)>,
    last_id: i64,
}

async fn board_page(
    State(app): State<AppState>,
    shell: Shell,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let office = office::load(&app, &code).await?;
    let recent = store::recent_calls(&app.db, &office.row.id, board::today_start_ms(), 50).await?;
    let counters = office
        .counters
        .iter()
        .filter(|c| c.active)
        .map(|c| {
            let current = recent
                .iter()
                .find(|call| call.counter == c.number)
                .map(|call| call.number.clone())
                .unwrap_or_else(|| "—".into());
            (c.number, current)
        })
        .collect();
    let last_id = recent.first().map(|c| c.id).unwrap_or(0);
    page(
        &BoardPage {
            office: named(shell.tr.lang, &office.row.name_id, &office.row.name_en),
            code: office.row.code,
            counters,
            recent: recent
                .into_iter()
                .take(8)
                .map(|c| (c.id, c.number, c.counter))
                .collect(),
            last_id,
            shell,
        },
        StatusCode::OK,
    )
}

// ---------- a ticket ----------

#[derive(Template)]
#[template(path = "queue_ticket.html")]
struct TicketPage {
    shell: Shell,
    ticket: TicketView,
    group: String,
    status: String,
    qr: String,
    print: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TicketQuery {
    print: String,
}

fn ticket_page_view(app: &AppState, shell: Shell, ticket: TicketView, print: bool) -> TicketPage {
    let url = format!(
        "{}/queue/tickets/{}",
        app.settings.base_url.as_str().trim_end_matches('/'),
        ticket.id
    );
    TicketPage {
        group: named(shell.tr.lang, &ticket.group_name_id, &ticket.group_name_en),
        status: shell.tr.t(ticket.status.label_key()).to_string(),
        qr: qr_svg(&url),
        ticket,
        print,
        shell,
    }
}

/// A ticket's own page (its id is the secret printed as a QR code on the slip).
async fn ticket_page(
    State(app): State<AppState>,
    shell: Shell,
    Path(id): Path<String>,
    Query(query): Query<TicketQuery>,
) -> Result<Response, WebError> {
    let ticket = tickets::find(&app, &id).await?;
    let view = ticket_page_view(&app, shell, ticket, query.print == "1");
    page(&view, StatusCode::OK)
}

// ---------- kiosk ----------

#[derive(Template)]
#[template(path = "queue_kiosk.html")]
struct KioskPage {
    shell: Shell,
    code: String,
    office: String,
    groups: Vec<(String, String)>,
    errors: Vec<FieldError>,
    typed_code: String,
}

fn kiosk_view(shell: Shell, office: &Office, errors: Vec<FieldError>, typed: &str) -> KioskPage {
    KioskPage {
        code: office.row.code.clone(),
        office: named(shell.tr.lang, &office.row.name_id, &office.row.name_en),
        groups: office
            .groups
            .iter()
            .map(|g| {
                (
                    g.letter.clone(),
                    named(shell.tr.lang, &g.name_id, &g.name_en),
                )
            })
            .collect(),
        errors,
        typed_code: typed.to_string(),
        shell,
    }
}

async fn kiosk(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let office = office::load(&app, &code).await?;
    if !office::may_serve(&user, &office) {
        return Err(WebError::Forbidden);
    }
    page(&kiosk_view(shell, &office, Vec::new(), ""), StatusCode::OK)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GroupForm {
    group: String,
}

/// Shows a kiosk problem on the kiosk page itself, with what was typed.
async fn kiosk_problem(
    app: &AppState,
    shell: Shell,
    code: &str,
    error: QueueError,
    typed: &str,
) -> Result<Response, WebError> {
    match error {
        QueueError::Invalid(problems) => {
            let office = office::load(app, code).await?;
            let errors = field_errors(&shell.tr, &problems);
            page(
                &kiosk_view(shell, &office, errors, typed),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        other => Err(other.into()),
    }
}

async fn issue_ticket(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<GroupForm>,
) -> Result<Response, WebError> {
    match tickets::issue_walk_in(&app, &user, &code, &form.group).await {
        Ok(ticket) => {
            Ok(Redirect::to(&format!("/queue/tickets/{}?print=1", ticket.id)).into_response())
        }
        Err(error) => kiosk_problem(&app, shell, &code, error, "").await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeForm {
    code: String,
}

async fn check_in(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, WebError> {
    match tickets::check_in(&app, &user, &code, &form.code).await {
        Ok(ticket) => {
            Ok(Redirect::to(&format!("/queue/tickets/{}?print=1", ticket.id)).into_response())
        }
        Err(error) => kiosk_problem(&app, shell, &code, error, &form.code).await,
    }
}

// ---------- counter console ----------

#[derive(Template)]
#[template(path = "queue_console.html")]
struct ConsolePage {
    shell: Shell,
    code: String,
    office: String,
    number: i64,
    groups_served: String,
    current: Option<(String, String, i64)>,
    waiting: usize,
    notice: Option<String>,
    errors: Vec<FieldError>,
    transfer_to: Vec<(String, String)>,
}

async fn console_view(
    app: &AppState,
    user: &CurrentUser,
    shell: Shell,
    code: &str,
    number: i64,
    notice: Option<String>,
    errors: Vec<FieldError>,
) -> Result<ConsolePage, WebError> {
    let (office, counter, current, waiting) = tickets::console(app, user, code, number).await?;
    let lang = shell.tr.lang;
    Ok(ConsolePage {
        office: named(lang, &office.row.name_id, &office.row.name_en),
        code: office.row.code.clone(),
        number: counter.number,
        groups_served: counter.letters.join(", "),
        current: current.map(|t| {
            let since = t.issued_ms;
            (
                t.number,
                named(lang, &t.group_name_id, &t.group_name_en),
                since,
            )
        }),
        waiting,
        notice,
        errors,
        transfer_to: office
            .groups
            .iter()
            .map(|g| (g.letter.clone(), named(lang, &g.name_id, &g.name_en)))
            .collect(),
        shell,
    })
}

async fn console(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path((code, number)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let view = console_view(&app, &user, shell, &code, number, None, Vec::new()).await?;
    page(&view, StatusCode::OK)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CounterForm {
    /// For `transfer`: the target group's letter.
    group: String,
    /// For `finish`: the tracking number of the application served (optional).
    tracking_number: String,
}

async fn counter_action(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path((code, number, action)): Path<(String, i64, String)>,
    CsrfForm(form): CsrfForm<CounterForm>,
) -> Result<Response, WebError> {
    let step = CounterStep::parse(&action).ok_or(WebError::NotFound)?;
    let outcome = tickets::perform(
        &app,
        &user,
        &code,
        number,
        step,
        &form.group,
        &form.tracking_number,
    )
    .await;
    let back = format!("/queue/{code}/counters/{number}");
    match outcome {
        Ok(_) => Ok(Redirect::to(&back).into_response()),
        Err(QueueError::QueueEmpty) => {
            let notice = Some(shell.tr.t("queue.queue_empty").to_string());
            let view = console_view(&app, &user, shell, &code, number, notice, Vec::new()).await?;
            page(&view, StatusCode::OK)
        }
        Err(QueueError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            let view = console_view(&app, &user, shell, &code, number, None, errors).await?;
            page(&view, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(other) => Err(other.into()),
    }
}

// ---------- booking ----------

#[derive(Template)]
#[template(path = "queue_book.html")]
struct BookPage {
    shell: Shell,
    code: String,
    office: String,
    groups: Vec<(String, String)>,
    group: String,
    day: String,
    closed: Option<String>,
    slots: Vec<(String, i64)>,
    errors: Vec<FieldError>,
    application_id: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BookQuery {
    group: String,
    day: String,
    application_id: String,
}

async fn book_view(
    app: &AppState,
    shell: Shell,
    code: &str,
    query: &BookQuery,
    errors: Vec<FieldError>,
) -> Result<BookPage, WebError> {
    let office = office::load(app, code).await?;
    let lang = shell.tr.lang;
    let (today, _) = local_now();
    let group = office
        .group_by_letter(&query.group)
        .or(office.groups.first())
        .cloned();
    let day = query.day.trim().parse::<Date>().unwrap_or(today);
    let (closed, slots) = match &group {
        Some(group) => {
            let closed = office::closed_reason(app, &office, day)
                .await?
                .map(|k| shell.tr.t(k).to_string());
            let slots = office::free_slots(app, &office, group, day)
                .await?
                .into_iter()
                .map(|s| (s.start, s.free))
                .collect();
            (closed, slots)
        }
        None => (None, Vec::new()),
    };
    Ok(BookPage {
        code: office.row.code.clone(),
        office: named(lang, &office.row.name_id, &office.row.name_en),
        groups: office
            .groups
            .iter()
            .map(|g| (g.letter.clone(), named(lang, &g.name_id, &g.name_en)))
            .collect(),
        group: group.map(|g| g.letter).unwrap_or_default(),
        day: if query.day.trim().is_empty() {
            today.to_string()
        } else {
            query.day.clone()
        },
        closed,
        slots,
        errors,
        application_id: query.application_id.clone(),
        shell,
    })
}

async fn book_page(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
    Path(code): Path<String>,
    Query(query): Query<BookQuery>,
) -> Result<Response, WebError> {
    if user.is_none() {
        return Ok(Redirect::to(&format!("/login?next=%2Fqueue%2F{code}%2Fbook")).into_response());
    }
    page(
        &book_view(&app, shell, &code, &query, Vec::new()).await?,
        StatusCode::OK,
    )
}

async fn book(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(code): Path<String>,
    CsrfForm(input): CsrfForm<BookingInput>,
) -> Result<Response, WebError> {
    match booking::book(&app, &user, &code, &input).await {
        Ok(appointment) => {
            Ok(Redirect::to(&format!("/appointments?booked={}", appointment.id)).into_response())
        }
        Err(QueueError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            let query = BookQuery {
                group: input.group.clone(),
                day: input.day.clone(),
                application_id: input.application_id.clone(),
            };
            page(
                &book_view(&app, shell, &code, &query, errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

struct AppointmentView {
    id: String,
    code: String,
    office: String,
    office_code: String,
    group: String,
    day: String,
    slot: String,
    status: String,
    open: bool,
    qr: String,
}

#[derive(Template)]
#[template(path = "queue_appointments.html")]
struct AppointmentsPage {
    shell: Shell,
    appointments: Vec<AppointmentView>,
    booked: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BookedQuery {
    booked: String,
}

async fn my_appointments(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<BookedQuery>,
) -> Result<Response, WebError> {
    let lang = shell.tr.lang;
    let appointments = booking::list_mine(&app, &user)
        .await?
        .into_iter()
        .map(|a| AppointmentView {
            qr: qr_svg(&a.code),
            open: a.status == crate::model::AppointmentStatus::Booked,
            status: shell.tr.t(a.status.label_key()).to_string(),
            office: named(lang, &a.office_name_id, &a.office_name_en),
            group: format!(
                "{} — {}",
                a.group_letter,
                named(lang, &a.group_name_id, &a.group_name_en)
            ),
            office_code: a.office_code,
            id: a.id,
            code: a.code,
            day: a.day,
            slot: a.slot,
        })
        .collect();
    page(
        &AppointmentsPage {
            shell,
            appointments,
            booked: query.booked,
        },
        StatusCode::OK,
    )
}

async fn cancel(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    booking::cancel(&app, &user, &id).await?;
    Ok(Redirect::to("/appointments").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RescheduleForm {
    day: String,
    slot: String,
}

async fn reschedule(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RescheduleForm>,
) -> Result<Response, WebError> {
    match booking::reschedule(&app, &user, &id, &form.day, &form.slot).await {
        Ok(_) => Ok(Redirect::to("/appointments").into_response()),
        Err(QueueError::Invalid(problems)) => {
            let appointment = booking::get_own(&app, &user, &id).await?;
            let errors = field_errors(&shell.tr, &problems);
            let query = BookQuery {
                group: appointment.group_letter,
                day: form.day,
                application_id: String::new(),
            };
            page(
                &book_view(&app, shell, &appointment.office_code, &query, errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

// ---------- figures ----------

#[derive(Template)]
#[template(path = "queue_figures.html")]
struct FiguresPage {
    shell: Shell,
    code: String,
    from: String,
    to: String,
    errors: Vec<FieldError>,
    figures: Option<figures::Figures>,
    /// (title, rows): per group, counter, hour and day.
    tables: Vec<(String, Vec<figures::Breakdown>)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct PeriodQuery {
    pub from: String,
    pub to: String,
}

impl PeriodQuery {
    /// The days asked for; the last 30 days by default.
    pub fn days(&self) -> Result<(Date, Date), QueueError> {
        let (today, _) = local_now();
        let parse = |raw: &str, field: &'static str, default: Date| {
            if raw.trim().is_empty() {
                Ok(default)
            } else {
                raw.trim()
                    .parse::<Date>()
                    .map_err(|_| QueueError::Invalid(vec![(field, "queue.day_invalid")]))
            }
        };
        let first_default = today
            .checked_sub(jiff::Span::new().days(29))
            .unwrap_or(today);
        Ok((
            parse(&self.from, "from", first_default)?,
            parse(&self.to, "to", today)?,
        ))
    }
}

async fn figures_page(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let outcome = match query.days() {
        Ok((first, last)) => figures::compute(&app, &user, &code, first, last).await,
        Err(e) => Err(e),
    };
    let (status, figures, errors) = match outcome {
        Ok(f) => (StatusCode::OK, Some(f), Vec::new()),
        Err(QueueError::Invalid(problems)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            field_errors(&shell.tr, &problems),
        ),
        Err(other) => return Err(other.into()),
    };
    let tables = figures
        .as_ref()
        .map(|f| {
            vec![
                (shell.tr.t("queue.by_group").to_string(), f.by_group.clone()),
                (
                    shell.tr.t("queue.by_counter").to_string(),
                    f.by_counter.clone(),
                ),
                (shell.tr.t("queue.by_hour").to_string(), f.by_hour.clone()),
                (shell.tr.t("queue.by_day").to_string(), f.by_day.clone()),
            ]
        })
        .unwrap_or_default();
    page(
        &FiguresPage {
            tables,
            code,
            from: query.from,
            to: query.to,
            errors,
            figures,
            shell,
        },
        status,
    )
}

// ---------- settings ----------

#[derive(Template)]
#[template(path = "queue_settings.html")]
struct SettingsPage {
    shell: Shell,
    code: String,
    office: String,
    hours: Vec<DayHours>,
    counters: Vec<CounterSetting>,
    errors: Vec<FieldError>,
}

/// One weekday's line of the settings form.
struct DayHours {
    weekday: i64,
    name: String,
    opens: String,
    closes: String,
    opens_error: Option<String>,
    closes_error: Option<String>,
}

/// One counter's part of the settings form: (letter, served) per group.
struct CounterSetting {
    number: i64,
    name: String,
    active: bool,
    groups: Vec<(String, bool)>,
}

const WEEKDAYS: [&str; 7] = [
    "queue.monday",
    "queue.tuesday",
    "queue.wednesday",
    "queue.thursday",
    "queue.friday",
    "queue.saturday",
    "queue.sunday",
];

fn settings_view(
    shell: Shell,
    office: &Office,
    typed: Option<&[(String, String)]>,
    errors: Vec<FieldError>,
) -> SettingsPage {
    let tr: &Tr = &shell.tr;
    let error_of = |name: &str| {
        errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.clone())
    };
    let hours = (1..=7_i64)
        .map(|weekday| {
            let stored = office.hours.iter().find(|h| h.weekday == weekday);
            let typed_value = |name: String| {
                typed.and_then(|t| t.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()))
            };
            let opens = typed_value(format!("opens_{weekday}"))
                .unwrap_or_else(|| stored.map(|h| h.opens.clone()).unwrap_or_default());
            let closes = typed_value(format!("closes_{weekday}"))
                .unwrap_or_else(|| stored.map(|h| h.closes.clone()).unwrap_or_default());
            let name = usize::try_from(weekday - 1)
                .ok()
                .and_then(|i| WEEKDAYS.get(i))
                .map(|k| tr.t(k).to_string())
                .unwrap_or_default();
            DayHours {
                weekday,
                name,
                opens,
                closes,
                opens_error: error_of(&format!("opens_{weekday}")),
                closes_error: error_of(&format!("closes_{weekday}")),
            }
        })
        .collect();
    let counters = office
        .counters
        .iter()
        .map(|c| CounterSetting {
            number: c.number,
            name: c.name.clone(),
            active: c.active,
            groups: office
                .groups
                .iter()
                .map(|g| (g.letter.clone(), c.letters.contains(&g.letter)))
                .collect(),
        })
        .collect();
    SettingsPage {
        code: office.row.code.clone(),
        office: named(tr.lang, &office.row.name_id, &office.row.name_en),
        hours,
        counters,
        errors,
        shell,
    }
}

async fn settings(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let office = office::load(&app, &code).await?;
    if !office::may_configure(&user, &office) {
        return Err(WebError::Forbidden);
    }
    page(
        &settings_view(shell, &office, None, Vec::new()),
        StatusCode::OK,
    )
}

/// One form for the week's hours and every counter: `opens_N`/`closes_N` per weekday,
/// `active_C` and `group_C` (repeated) per counter number C.
async fn save_settings(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(code): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let office = office::load(&app, &code).await?;
    let value = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let hours: Vec<(i64, String, String)> = (1..=7)
        .map(|d| {
            (
                d,
                value(&format!("opens_{d}")),
                value(&format!("closes_{d}")),
            )
        })
        .collect();
    match office::set_hours(&app, &user, &office, &hours).await {
        Ok(()) => {}
        Err(QueueError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            return page(
                &settings_view(shell, &office, Some(&pairs), errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        Err(other) => return Err(other.into()),
    }
    for counter in &office.counters {
        let active = pairs
            .iter()
            .any(|(n, v)| *n == format!("active_{}", counter.number) && v == "1");
        let letters: Vec<String> = pairs
            .iter()
            .filter(|(n, _)| *n == format!("group_{}", counter.number))
            .map(|(_, v)| v.clone())
            .collect();
        office::set_counter(&app, &user, &office, counter.number, active, &letters).await?;
    }
    Ok(Redirect::to(&format!("/queue/{code}/settings?saved=1")).into_response())
}
