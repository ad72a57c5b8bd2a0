//! Tickets: walk-in tickets from the kiosk (`A-023`, numbered per group and day), tickets for
//! checked-in appointments, a ticket's place in the queue and the estimated wait, and the calls
//! counters make (next, recall, no-show, transfer, finish), each announced to the boards.

use jiff::civil::Time;
use platform::{AppState, audit, auth::CurrentUser, bus, clock, db, ids};
use sqlx::AnyConnection;

use crate::{
    error::QueueError,
    model::{self, TicketStatus, parse_booking_code},
    office::{self, Office},
    store::{self, CallRow, TicketRow},
};

/// The bus topic of an office's board.
pub fn topic(office_id: &str) -> String {
    format!("queue:{office_id}")
}

/// A ticket as its holder's phone and the kiosk show it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TicketView {
    pub id: String,
    pub number: String,
    pub office_code: String,
    pub group_letter: String,
    pub group_name_id: String,
    pub group_name_en: String,
    pub status: TicketStatus,
    /// People ahead in the same group's queue (0 when called).
    pub ahead: i64,
    /// Estimated minutes until called, from recent service times and open counters.
    pub estimated_wait_minutes: Option<i64>,
    /// The counter it was called to.
    pub counter: Option<i64>,
    pub issued_ms: i64,
}

/// Minutes per person when there is no history yet: the group's slot length.
async fn minutes_per_person(
    app: &AppState,
    office: &Office,
    group_id: &str,
) -> Result<f64, QueueError> {
    let recent = store::recent_service_ms(&app.db, group_id, 20).await?;
    let fallback = office
        .group(group_id)
        .map(|g| f64::from(g.slot_minutes))
        .unwrap_or(10.0);
    Ok(recent.map(|ms| ms / 60_000.0).unwrap_or(fallback))
}

/// The latest slot ("HH:MM") that is due at `now`: appointments from their window onwards.
fn due_until(now: Time) -> String {
    let minutes =
        i32::from(now.hour()) * 60 + i32::from(now.minute()) + model::APPOINTMENT_WINDOW_MINUTES;
    let minutes = minutes.min(23 * 60 + 59);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub async fn view(app: &AppState, ticket: &TicketRow) -> Result<TicketView, QueueError> {
    let office = office::load_by_id(app, &ticket.office_id).await?;
    let group = office.group(&ticket.group_id).ok_or(QueueError::NotFound)?;
    let status = TicketStatus::parse(&ticket.status).unwrap_or(TicketStatus::Waiting);
    let (ahead, wait) = if status == TicketStatus::Waiting {
        let ahead = store::count_ahead(&app.db, ticket, &due_until(office::local_now().1)).await?;
        let counters = office.seats_for(group).max(1);
        let per_person = minutes_per_person(app, &office, &group.id).await?;
        let wait = (ahead as f64 * per_person / counters as f64).round() as i64;
        (ahead, Some(wait))
    } else {
        (0, None)
    };
    let counter = ticket
        .counter_id
        .as_ref()
        .and_then(|id| office.counters.iter().find(|c| c.id == *id))
        .map(|c| c.number);
    Ok(TicketView {
        id: ticket.id.clone(),
        number: ticket.number.clone(),
        office_code: office.row.code.clone(),
        group_letter: group.letter.clone(),
        group_name_id: group.name_id.clone(),
        group_name_en: group.name_en.clone(),
        status,
        ahead,
        estimated_wait_minutes: wait,
        counter,
        issued_ms: ticket.issued_ms,
    })
}

pub async fn find(app: &AppState, id: &str) -> Result<TicketView, QueueError> {
    let ticket = store::find_ticket(&app.db, id)
        .await?
        .ok_or(QueueError::NotFound)?;
    view(app, &ticket).await
}

/// Writes a new ticket of `group_id` today, drawing the next number (a clash with a ticket
/// drawn at the same moment is retried).
async fn draw(
    app: &AppState,
    office: &Office,
    group_id: &str,
    appointment: Option<(&str, &str)>,
    actor: Option<&str>,
) -> Result<TicketRow, QueueError> {
    let group = office.group(group_id).ok_or(QueueError::NotFound)?;
    let (today, _) = office::local_now();
    let day = today.to_string();
    for _ in 0..10 {
        let mut tx = app.db.begin().await?;
        let seq = store::next_seq(&mut tx, group_id, &day).await?;
        let row = TicketRow {
            id: ids::new_id(),
            office_id: office.row.id.clone(),
            group_id: group_id.to_string(),
            day: day.clone(),
            seq,
            number: model::ticket_number(&group.letter, seq),
            appointment_id: appointment.map(|(id, _)| id.to_string()),
            slot: appointment.map(|(_, slot)| slot.to_string()),
            status: TicketStatus::Waiting.as_str().into(),
            issued_ms: clock::now_ms(),
            called_ms: None,
            counter_id: None,
            finished_ms: None,
            recalls: 0,
        };
        match store::insert_ticket(&mut tx, &row).await {
            Ok(()) => {}
            Err(e) if db::is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
        if let Some((appointment_id, _)) = appointment
            && !store::set_appointment_status(&mut tx, appointment_id, "booked", "checked_in")
                .await?
        {
            return Err(QueueError::ChangedMeanwhile);
        }
        audit::record(
            &mut tx,
            audit::Entry {
                actor_id: actor,
                action: "ticket.issued",
                subject: &format!("ticket:{}", row.id),
                detail: serde_json::json!({ "number": row.number, "office": office.row.code }),
            },
        )
        .await?;
        tx.commit().await?;
        return Ok(row);
    }
    Err(QueueError::Internal(anyhow::anyhow!(
        "could not draw a ticket number"
    )))
}

/// A walk-in ticket from the kiosk (run by front-office staff), for group `letter`, while the
/// office is open.
pub async fn issue_walk_in(
    app: &AppState,
    who: &CurrentUser,
    office_code: &str,
    letter: &str,
) -> Result<TicketView, QueueError> {
    let office = office::load(app, office_code).await?;
    if !office::may_serve(who, &office) {
        return Err(QueueError::Forbidden);
    }
    let group = office
        .group_by_letter(letter)
        .ok_or(QueueError::Invalid(vec![("group", "queue.group_unknown")]))?
        .clone();
    let (today, now) = office::local_now();
    if let Some(reason) = office::closed_reason(app, &office, today).await? {
        return Err(QueueError::Invalid(vec![("group", reason)]));
    }
    if let Some((opens, closes)) = office.hours_on(today)
        && !(opens..closes).contains(&now)
    {
        return Err(QueueError::Invalid(vec![("group", "queue.closed_now")]));
    }
    let row = draw(app, &office, &group.id, None, Some(&who.id)).await?;
    view(app, &row).await
}

/// Checks in a booked citizen at the kiosk with their code: they get a ticket that counters
/// call by the booking's slot. A code of another day, a cancelled or an already used booking
/// is refused with its reason.
pub async fn check_in(
    app: &AppState,
    who: &CurrentUser,
    office_code: &str,
    raw_code: &str,
) -> Result<TicketView, QueueError> {
    let office = office::load(app, office_code).await?;
    if !office::may_serve(who, &office) {
        return Err(QueueError::Forbidden);
    }
    let code = parse_booking_code(raw_code).map_err(|e| {
        QueueError::Invalid(vec![(
            "code",
            match e {
                platform::refcode::CodeError::Malformed => "queue.code_malformed",
                platform::refcode::CodeError::CheckDigit => "queue.code_typo",
            },
        )])
    })?;
    let appointment = store::find_appointment_by_code(&app.db, &code)
        .await?
        .filter(|a| a.office_id == office.row.id)
        .ok_or(QueueError::Invalid(vec![("code", "queue.code_unknown")]))?;
    let (today, _) = office::local_now();
    let problem = match appointment.status.as_str() {
        "cancelled" => Some("queue.code_cancelled"),
        "checked_in" => Some("queue.code_used"),
        _ if appointment.day != today.to_string() => Some("queue.code_other_day"),
        _ => None,
    };
    if let Some(key) = problem {
        return Err(QueueError::Invalid(vec![("code", key)]));
    }
    let row = draw(
        app,
        &office,
        &appointment.group_id,
        Some((&appointment.id, &appointment.slot)),
        Some(&who.id),
    )
    .await?;
    view(app, &row).await
}

/// Stages a call for the boards in `tx`; the returned event is handed to the bus after commit.
async fn announce(
    app: &AppState,
    tx: &mut AnyConnection,
    office: &Office,
    ticket: &TicketRow,
    counter: i64,
    kind: &str,
    at_ms: i64,
) -> Result<bus::Event, QueueError> {
    let id = store::insert_call(
        tx,
        &office.row.id,
        &ticket.id,
        &ticket.number,
        counter,
        kind,
        at_ms,
    )
    .await?;
    let call = CallRow {
        id,
        number: ticket.number.clone(),
        counter,
        kind: kind.to_string(),
        at_ms,
    };
    let event = bus::Event {
        topic: topic(&office.row.id),
        payload: serde_json::to_string(&call).map_err(|e| QueueError::Internal(e.into()))?,
    };
    app.bus.stage(tx, &event).await?;
    Ok(event)
}

/// The counter `number` of office `office_code`, for one who may serve there.
async fn counter_of(
    app: &AppState,
    who: &CurrentUser,
    office_code: &str,
    number: i64,
) -> Result<(Office, store::CounterRow), QueueError> {
    let office = office::load(app, office_code).await?;
    if !office::may_serve(who, &office) {
        return Err(QueueError::Forbidden);
    }
    let counter = office.counter(number).ok_or(QueueError::NotFound)?.clone();
    Ok((office, counter))
}

/// Calls the next person for counter `number`: due appointments first (by slot), then
/// walk-ins in arrival order, among the groups the counter serves. Two counters calling at
/// the same moment never get the same ticket: the loser moves on to the next one.
pub async fn call_next(
    app: &AppState,
    who: &CurrentUser,
    office_code: &str,
    number: i64,
) -> Result<TicketView, QueueError> {
    let (office, counter) = counter_of(app, who, office_code, number).await?;
    if !counter.active {
        return Err(QueueError::Invalid(vec![(
            "counter",
            "queue.counter_closed",
        )]));
    }
    let served: Vec<String> = office
        .groups
        .iter()
        .filter(|g| counter.letters.contains(&g.letter))
        .map(|g| g.id.clone())
        .collect();
    let (today, now) = office::local_now();
    for _ in 0..20 {
        let mut tx = app.db.begin().await?;
        let candidates = store::next_for_counter(
            &mut tx,
            &office.row.id,
            &today.to_string(),
            &served,
            &due_until(now),
        )
        .await?;
        let Some(next) = candidates.into_iter().next() else {
            return Err(QueueError::QueueEmpty);
        };
        let at = clock::now_ms();
        if !store::mark_called(&mut tx, &next.id, &counter.id, at).await? {
            // Another counter took it a moment ago: look again.
            continue;
        }
        let event = announce(app, &mut tx, &office, &next, counter.number, "call", at).await?;
        audit::record(
            &mut tx,
            audit::Entry {
                actor_id: Some(&who.id),
                action: "ticket.called",
                subject: &format!("ticket:{}", next.id),
                detail: serde_json::json!({ "counter": counter.number }),
            },
        )
        .await?;
        tx.commit().await?;
        app.bus.committed(event);
        return find(app, &next.id).await;
    }
    Err(QueueError::ChangedMeanwhile)
}

/// A step at a counter console, as the page and the API name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CounterStep {
    Next,
    Recall,
    NoShow,
    Finish,
    Transfer,
}

impl CounterStep {
    pub fn parse(raw: &str) -> Option<CounterStep> {
        match raw {
            "next" => Some(CounterStep::Next),
            "recall" => Some(CounterStep::Recall),
            "no-show" => Some(CounterStep::NoShow),
            "finish" => Some(CounterStep::Finish),
            "transfer" => Some(CounterStep::Transfer),
            _ => None,
        }
    }
}

/// Takes a console step at counter `number`: `group` is the target of a transfer, and
/// `tracking_number` (optional) the application a finished visit was for.
pub async fn perform(
    app: &AppState,
    who: &CurrentUser,
    office_code: &str,
    number: i64,
    step: CounterStep,
    group: &str,
    tracking_number: &str,
) -> Result<TicketView, QueueError> {
    match step {
        CounterStep::Next => call_next(app, who, office_code, number).await,
        CounterStep::Recall => {
            act(app, who, office_code, number, CounterAction::Recall, None).await
        }
        CounterStep::NoShow => {
            act(app, who, office_code, number, CounterAction::NoShow, None).await
        }
        CounterStep::Finish => {
            let application = crate::application_by_tracking(app, tracking_number).await?;
            let application = application.as_deref();
            act(
                app,
                who,
                office_code,
                number,
                CounterAction::Finish,
                application,
            )
            .await
        }
        CounterStep::Transfer => transfer(app, who, office_code, number, group).await,
    }
}

/// What a counter can do with the ticket it called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CounterAction {
    /// Call the same number again (the boards announce it again).
    Recall,
    /// The person did not come.
    NoShow,
    /// Served; optionally linked to the application handled.
    Finish,
}

/// Acts on the ticket counter `number` is serving now.
pub async fn act(
    app: &AppState,
    who: &CurrentUser,
    office_code: &str,
    number: i64,
    action: CounterAction,
    application_id: Option<&str>,
) -> Result<TicketView, QueueError> {
    let (office, counter) = counter_of(app, who, office_code, number).await?;
    let current = store::current_at_counter(&app.db, &counter.id)
        .await?
        .ok_or(QueueError::Invalid(vec![(
            "counter",
            "queue.nothing_called",
        )]))?;
    let at = clock::now_ms();
    let mut tx = app.db.begin().await?;
    let mut event = None;
    let (changed, audit_action) = match action {
        CounterAction::Recall => {
            let ok = store::count_recall(&mut tx, &current.id).await?;
            if ok {
                event = Some(
                    announce(
                        app,
                        &mut tx,
                        &office,
                        &current,
                        counter.number,
                        "recall",
                        at,
                    )
                    .await?,
                );
            }
            (ok, "ticket.recalled")
        }
        CounterAction::NoShow => {
            let t = store::finish_ticket(&mut tx, &current.id, "no_show", None, at).await?;
            (ended(&mut tx, t).await?, "ticket.no_show")
        }
        CounterAction::Finish => {
            let t = store::finish_ticket(&mut tx, &current.id, "done", application_id, at).await?;
            (ended(&mut tx, t).await?, "ticket.finished")
        }
    };
    if !changed {
        return Err(QueueError::ChangedMeanwhile);
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: audit_action,
            subject: &format!("ticket:{}", current.id),
            detail: serde_json::json!({ "counter": counter.number, "application": application_id }),
        },
    )
    .await?;
    tx.commit().await?;
    if let Some(event) = event {
        app.bus.committed(event);
    }
    find(app, &current.id).await
}

/// Counts a ticket that just ended in the queue statistics (same transaction); whether one did.
async fn ended(
    conn: &mut AnyConnection,
    ticket: Option<crate::stats::Ended>,
) -> Result<bool, sqlx::Error> {
    match ticket {
        Some(t) => {
            crate::stats::on_ended(conn, &t).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Sends the ticket counter `number` is serving to another group's queue (another counter
/// or service); it keeps its number and its place by arrival.
pub async fn transfer(
    app: &AppState,
    who: &CurrentUser,
    office_code: &str,
    number: i64,
    letter: &str,
) -> Result<TicketView, QueueError> {
    let (office, counter) = counter_of(app, who, office_code, number).await?;
    let group = office
        .group_by_letter(letter)
        .ok_or(QueueError::Invalid(vec![("group", "queue.group_unknown")]))?;
    let current = store::current_at_counter(&app.db, &counter.id)
        .await?
        .ok_or(QueueError::Invalid(vec![(
            "counter",
            "queue.nothing_called",
        )]))?;
    let mut tx = app.db.begin().await?;
    if !store::transfer_ticket(&mut tx, &current.id, &group.id).await? {
        return Err(QueueError::ChangedMeanwhile);
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "ticket.transferred",
            subject: &format!("ticket:{}", current.id),
            detail: serde_json::json!({ "from_counter": counter.number, "to_group": group.letter }),
        },
    )
    .await?;
    tx.commit().await?;
    find(app, &current.id).await
}

/// What a counter's console shows: the ticket being served and how many wait for it.
pub async fn console(
    app: &AppState,
    who: &CurrentUser,
    office_code: &str,
    number: i64,
) -> Result<(Office, store::CounterRow, Option<TicketView>, usize), QueueError> {
    let (office, counter) = counter_of(app, who, office_code, number).await?;
    let current = match store::current_at_counter(&app.db, &counter.id).await? {
        Some(ticket) => Some(view(app, &ticket).await?),
        None => None,
    };
    let served: Vec<String> = office
        .groups
        .iter()
        .filter(|g| counter.letters.contains(&g.letter))
        .map(|g| g.id.clone())
        .collect();
    let (today, _) = office::local_now();
    let waiting = usize::try_from(
        store::count_waiting(&app.db, &office.row.id, &today.to_string(), &served).await?,
    )
    .unwrap_or(0);
    Ok((office, counter, current, waiting))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_clock;

    #[test]
    fn appointments_are_due_from_fifteen_minutes_before_their_slot() {
        let at = |raw: &str| due_until(parse_clock(raw).expect("time"));
        assert_eq!(at("09:20"), "09:35");
        assert!(*"09:30" <= *at("09:20") && *"09:40" > *at("09:20"));
        assert_eq!(at("23:50"), "23:59", "never past midnight");
    }
}
