//! JSON API of the queue under `/api/v1/queue`: offices and their free slots, booking, tickets
//! and check-in, counter calls, the board's calls, figures and office settings.

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post, put},
};
use jiff::civil::Date;
use platform::{AppState, auth::CurrentUser, web::WebError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::{
    board,
    booking::{self, Appointment, BookingInput},
    error::QueueError,
    figures::{self, Breakdown, Durations, Figures},
    model::{AppointmentStatus, TicketStatus},
    office::{self, SlotView},
    pages::PeriodQuery,
    store::{self, CallRow, CounterRow, GroupRow, HoursRow, OfficeRow},
    tickets::{self, CounterStep, TicketView},
};

#[derive(OpenApi)]
#[openapi(
    paths(list_offices, free_slots, book, my_appointments, cancel, reschedule, issue_ticket, check_in, ticket,
          counter_action, calls, office_figures, set_hours, set_counter),
    components(schemas(OfficeInfo, OfficeRow, GroupRow, CounterRow, HoursRow, SlotView, BookingInput, Appointment,
                       AppointmentStatus, RescheduleInput, GroupInput, CodeInput, TicketView, TicketStatus,
                       CounterInput, CallRow, Figures, Breakdown, Durations, HoursInput, CounterSettings)),
    tags((name = "queue", description = "Service-office queue: appointments, tickets, counters, boards, waiting times"))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/queue/offices", get(list_offices))
        .route("/api/v1/queue/offices/{code}/slots", get(free_slots))
        .route("/api/v1/queue/offices/{code}/appointments", post(book))
        .route("/api/v1/queue/appointments", get(my_appointments))
        .route(
            "/api/v1/queue/appointments/{id}",
            put(reschedule).delete(cancel),
        )
        .route("/api/v1/queue/offices/{code}/tickets", post(issue_ticket))
        .route("/api/v1/queue/offices/{code}/check-in", post(check_in))
        .route("/api/v1/queue/tickets/{id}", get(ticket))
        .route(
            "/api/v1/queue/offices/{code}/counters/{number}/{action}",
            post(counter_action),
        )
        .route("/api/v1/queue/offices/{code}/calls", get(calls))
        .route("/api/v1/queue/offices/{code}/figures", get(office_figures))
        .route("/api/v1/queue/offices/{code}/hours", put(set_hours))
        .route(
            "/api/v1/queue/offices/{code}/counters/{number}",
            put(set_counter),
        )
}

#[derive(Serialize, ToSchema)]
pub struct OfficeInfo {
    #[serde(flatten)]
    office: OfficeRow,
    groups: Vec<GroupRow>,
    counters: Vec<CounterRow>,
    hours: Vec<HoursRow>,
}

/// Offices with their service groups, counters and opening hours (WITA).
#[utoipa::path(get, path = "/api/v1/queue/offices", tag = "queue", responses((status = 200, body = [OfficeInfo])))]
async fn list_offices(State(app): State<AppState>) -> Result<Json<Vec<OfficeInfo>>, WebError> {
    let mut out = Vec::new();
    for row in store::list_offices(&app.db).await? {
        let office = office::load(&app, &row.code).await?;
        out.push(OfficeInfo {
            office: office.row,
            groups: office.groups,
            counters: office.counters,
            hours: office.hours,
        });
    }
    Ok(Json(out))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct SlotQuery {
    /// Group letter, e.g. `A`.
    group: String,
    /// YYYY-MM-DD (WITA).
    day: String,
}

/// The slots of a group's day with the seats still free; empty when the office is closed.
#[utoipa::path(get, path = "/api/v1/queue/offices/{code}/slots", tag = "queue", params(("code" = String, Path), SlotQuery),
    responses((status = 200, body = [SlotView]), (status = 404), (status = 422)))]
async fn free_slots(
    State(app): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<SlotQuery>,
) -> Result<Json<Vec<SlotView>>, WebError> {
    let office = office::load(&app, &code).await?;
    let group = office
        .group_by_letter(&query.group)
        .ok_or(QueueError::Invalid(vec![("group", "queue.group_unknown")]))?;
    let day = query
        .day
        .trim()
        .parse::<Date>()
        .map_err(|_| QueueError::Invalid(vec![("day", "queue.day_invalid")]))?;
    Ok(Json(office::free_slots(&app, &office, group, day).await?))
}

/// Book a slot (citizens). 409 when the slot is full or the person already booked this group
/// that day; 422 naming each problem (past, closed, outside hours, not a slot).
#[utoipa::path(post, path = "/api/v1/queue/offices/{code}/appointments", tag = "queue", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = BookingInput,
    responses((status = 201, body = Appointment), (status = 403), (status = 409), (status = 422), (status = 404)))]
async fn book(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Json(input): Json<BookingInput>,
) -> Result<Response, WebError> {
    let appointment = booking::book(&app, &user, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(appointment)).into_response())
}

/// The signed-in citizen's appointments, latest first.
#[utoipa::path(get, path = "/api/v1/queue/appointments", tag = "queue", security(("bearer" = [])),
    responses((status = 200, body = [Appointment])))]
async fn my_appointments(
    State(app): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<Appointment>>, WebError> {
    Ok(Json(booking::list_mine(&app, &user).await?))
}

/// Cancel one's booking; its seat is free again.
#[utoipa::path(delete, operation_id = "cancel_appointment", path = "/api/v1/queue/appointments/{id}", tag = "queue", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 204), (status = 404), (status = 409)))]
async fn cancel(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    booking::cancel(&app, &user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct RescheduleInput {
    day: String,
    slot: String,
}

/// Move one's booking to another day or slot of the same group.
#[utoipa::path(put, path = "/api/v1/queue/appointments/{id}", tag = "queue", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = RescheduleInput,
    responses((status = 200, body = Appointment), (status = 404), (status = 409), (status = 422)))]
async fn reschedule(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<RescheduleInput>,
) -> Result<Json<Appointment>, WebError> {
    Ok(Json(
        booking::reschedule(&app, &user, &id, &input.day, &input.slot).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct GroupInput {
    /// Group letter, e.g. `A`.
    group: String,
}

/// A walk-in ticket (front office, at the kiosk) while the office is open.
#[utoipa::path(post, path = "/api/v1/queue/offices/{code}/tickets", tag = "queue", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = GroupInput,
    responses((status = 201, body = TicketView), (status = 403), (status = 422), (status = 404)))]
async fn issue_ticket(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Json(input): Json<GroupInput>,
) -> Result<Response, WebError> {
    let ticket = tickets::issue_walk_in(&app, &user, &code, &input.group).await?;
    Ok((StatusCode::CREATED, Json(ticket)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct CodeInput {
    /// The booking code, e.g. `BK-4M9Q-2X`.
    code: String,
}

/// Check a booked citizen in with their code (front office): a ticket served by slot time.
#[utoipa::path(post, operation_id = "check_in_appointment", path = "/api/v1/queue/offices/{code}/check-in", tag = "queue", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = CodeInput,
    responses((status = 201, body = TicketView), (status = 403), (status = 422), (status = 404)))]
async fn check_in(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Json(input): Json<CodeInput>,
) -> Result<Response, WebError> {
    let ticket = tickets::check_in(&app, &user, &code, &input.code).await?;
    Ok((StatusCode::CREATED, Json(ticket)).into_response())
}

/// A ticket's status, place in the queue and estimated wait (its id is on the printed slip).
#[utoipa::path(get, path = "/api/v1/queue/tickets/{id}", tag = "queue", params(("id" = String, Path)),
    responses((status = 200, body = TicketView), (status = 404)))]
async fn ticket(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<TicketView>, WebError> {
    Ok(Json(tickets::find(&app, &id).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CounterInput {
    /// For `transfer`: the target group's letter.
    group: String,
    /// For `finish`: the tracking number of the application served (optional).
    tracking_number: String,
}

/// A counter's action: `next` (409 when nobody waits), `recall`, `no-show`, `finish`, `transfer`.
#[utoipa::path(post, path = "/api/v1/queue/offices/{code}/counters/{number}/{action}", tag = "queue",
    security(("bearer" = [])), params(("code" = String, Path), ("number" = i64, Path), ("action" = String, Path)),
    request_body = CounterInput,
    responses((status = 200, body = TicketView), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn counter_action(
    State(app): State<AppState>,
    user: CurrentUser,
    Path((code, number, action)): Path<(String, i64, String)>,
    body: Option<Json<CounterInput>>,
) -> Result<Json<TicketView>, WebError> {
    let input = body.map(|Json(b)| b).unwrap_or_default();
    let step = CounterStep::parse(&action).ok_or(WebError::NotFound)?;
    let ticket = tickets::perform(
        &app,
        &user,
        &code,
        number,
        step,
        &input.group,
        &input.tracking_number,
    )
    .await?;
    Ok(Json(ticket))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct CallsQuery {
    /// Only calls after this id (as a reconnecting board would ask).
    after: i64,
}

/// Today's calls of an office, oldest first (the live stream is `GET /queue/{code}/events`).
#[utoipa::path(get, path = "/api/v1/queue/offices/{code}/calls", tag = "queue", params(("code" = String, Path), CallsQuery),
    responses((status = 200, body = [CallRow]), (status = 404)))]
async fn calls(
    State(app): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<CallsQuery>,
) -> Result<Json<Vec<CallRow>>, WebError> {
    let office = office::load(&app, &code).await?;
    Ok(Json(
        store::calls_after(
            &app.db,
            &office.row.id,
            query.after,
            board::today_start_ms(),
            500,
        )
        .await?,
    ))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct FiguresQuery {
    /// First day, YYYY-MM-DD (default: 29 days ago).
    from: String,
    /// Last day, YYYY-MM-DD (default: today); at most 366 days after `from`.
    to: String,
}

/// Waiting and service times per group, counter, hour and day; no-show rate.
#[utoipa::path(get, path = "/api/v1/queue/offices/{code}/figures", tag = "queue", security(("bearer" = [])),
    params(("code" = String, Path), FiguresQuery),
    responses((status = 200, body = Figures), (status = 403), (status = 422), (status = 404)))]
async fn office_figures(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(query): Query<FiguresQuery>,
) -> Result<Json<Figures>, WebError> {
    let (first, last) = PeriodQuery {
        from: query.from,
        to: query.to,
    }
    .days()?;
    Ok(Json(
        figures::compute(&app, &user, &code, first, last).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct HoursInput {
    /// Per weekday (1 Monday … 7 Sunday): "HH:MM" opening and closing; empty both for closed.
    hours: Vec<HoursRow>,
}

/// Set the opening hours (service admins of the office's agency).
#[utoipa::path(put, path = "/api/v1/queue/offices/{code}/hours", tag = "queue", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = HoursInput,
    responses((status = 204), (status = 403), (status = 422), (status = 404)))]
async fn set_hours(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Json(input): Json<HoursInput>,
) -> Result<StatusCode, WebError> {
    let office = office::load(&app, &code).await?;
    let hours: Vec<(i64, String, String)> = input
        .hours
        .into_iter()
        .map(|h| (h.weekday, h.opens, h.closes))
        .collect();
    office::set_hours(&app, &user, &office, &hours).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct CounterSettings {
    active: bool,
    /// Letters of the groups served.
    groups: Vec<String>,
}

/// Open or close a counter and set the groups it serves.
#[utoipa::path(put, path = "/api/v1/queue/offices/{code}/counters/{number}", tag = "queue", security(("bearer" = [])),
    params(("code" = String, Path), ("number" = i64, Path)), request_body = CounterSettings,
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
async fn set_counter(
    State(app): State<AppState>,
    user: CurrentUser,
    Path((code, number)): Path<(String, i64)>,
    Json(input): Json<CounterSettings>,
) -> Result<StatusCode, WebError> {
    let office = office::load(&app, &code).await?;
    office::set_counter(&app, &user, &office, number, input.active, &input.groups).await?;
    Ok(StatusCode::NO_CONTENT)
}
