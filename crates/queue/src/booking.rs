//! Appointments: a citizen books a slot of a service group (on its own, or for an application
//! that needs a visit), gets a booking code, may reschedule or cancel, is reminded the day before,
//! and checks in at the kiosk with the code on the day. A slot never takes more people than it
//! has seats: each booking takes a numbered seat whose key two bookings cannot share.

use jiff::civil::Date;
use platform::{
    AppState, audit,
    auth::CurrentUser,
    db, ids,
    outbox::{self, Channel},
    web::i18n::{Lang, Tr},
};
use sqlx::AnyConnection;

use crate::{
    error::QueueError,
    model::{self, AppointmentStatus, BOOKING_CODE, parse_clock},
    office::{self, Office},
    store::{self, AppointmentRow},
};

/// An appointment as its holder and the API see it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Appointment {
    pub id: String,
    /// Shown at the kiosk to check in, e.g. `BK-4M9Q-2X`.
    pub code: String,
    pub office_code: String,
    pub office_name_id: String,
    pub office_name_en: String,
    pub group_letter: String,
    pub group_name_id: String,
    pub group_name_en: String,
    /// YYYY-MM-DD and "HH:MM", WITA.
    pub day: String,
    pub slot: String,
    pub status: AppointmentStatus,
    pub application_id: Option<String>,
}

async fn view(app: &AppState, row: &AppointmentRow) -> Result<Appointment, QueueError> {
    let office = office::load_by_id(app, &row.office_id).await?;
    view_in(&office, row)
}

/// Appointments as views, loading each office once however many appointments it has.
async fn views(app: &AppState, rows: &[AppointmentRow]) -> Result<Vec<Appointment>, QueueError> {
    let mut offices: Vec<Office> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if !offices.iter().any(|o| o.row.id == row.office_id) {
            offices.push(office::load_by_id(app, &row.office_id).await?);
        }
        let office = offices
            .iter()
            .find(|o| o.row.id == row.office_id)
            .ok_or(QueueError::NotFound)?;
        out.push(view_in(office, row)?);
    }
    Ok(out)
}

fn view_in(office: &Office, row: &AppointmentRow) -> Result<Appointment, QueueError> {
    let group = office.group(&row.group_id).ok_or(QueueError::NotFound)?;
    Ok(Appointment {
        id: row.id.clone(),
        code: row.code.clone(),
        office_code: office.row.code.clone(),
        office_name_id: office.row.name_id.clone(),
        office_name_en: office.row.name_en.clone(),
        group_letter: group.letter.clone(),
        group_name_id: group.name_id.clone(),
        group_name_en: group.name_en.clone(),
        day: row.day.clone(),
        slot: row.slot.clone(),
        status: AppointmentStatus::parse(&row.status).unwrap_or(AppointmentStatus::Cancelled),
        application_id: row.application_id.clone(),
    })
}

/// What a booking asks for, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct BookingInput {
    /// The service group's letter, e.g. `A`.
    pub group: String,
    /// YYYY-MM-DD.
    pub day: String,
    /// "HH:MM", one of the day's slots.
    pub slot: String,
    /// An application of the person's that needs this visit (optional).
    pub application_id: String,
}

/// Checks a requested day and slot: not past, not too far, open, a real slot. Every problem
/// at once.
async fn check_slot(
    app: &AppState,
    office: &Office,
    input: &BookingInput,
) -> Result<(Date, String, String), QueueError> {
    let mut problems = Vec::new();
    let group = office.group_by_letter(&input.group);
    if group.is_none() {
        problems.push(("group", "queue.group_unknown"));
    }
    let day = input.day.trim().parse::<Date>().ok();
    let (today, now) = office::local_now();
    match day {
        None => problems.push(("day", "queue.day_invalid")),
        Some(d) if d < today => problems.push(("day", "queue.day_past")),
        Some(d)
            if (d - today).get_days()
                > i32::try_from(model::BOOKING_HORIZON_DAYS).unwrap_or(30) =>
        {
            problems.push(("day", "queue.day_too_far"));
        }
        Some(d) => {
            if let Some(reason) = office::closed_reason(app, office, d).await? {
                problems.push(("day", reason));
            }
        }
    }
    let slot = parse_clock(&input.slot);
    if slot.is_none() {
        problems.push(("slot", "queue.slot_invalid"));
    }
    if !problems.is_empty() {
        return Err(QueueError::Invalid(problems));
    }
    let (Some(group), Some(day), Some(slot)) = (group, day, slot) else {
        return Err(QueueError::Invalid(vec![("slot", "queue.slot_invalid")]));
    };
    let Some((opens, closes)) = office.hours_on(day) else {
        return Err(QueueError::Invalid(vec![("day", "queue.closed_weekday")]));
    };
    if !model::slots(opens, closes, group.slot_minutes).contains(&slot) {
        return Err(QueueError::Invalid(vec![(
            "slot",
            "queue.slot_outside_hours",
        )]));
    }
    if day == today && slot <= now {
        return Err(QueueError::Invalid(vec![("slot", "queue.slot_past")]));
    }
    Ok((day, group.id.clone(), model::format_clock(slot)))
}

/// Takes a free seat of the slot inside `tx`: tries each seat number; the primary key lets
/// only one booking hold a seat, so two people racing for the last one cannot both win.
async fn take_a_seat(
    tx: &mut AnyConnection,
    seats: i64,
    group_id: &str,
    day: &str,
    slot: &str,
    appointment_id: &str,
) -> Result<(), QueueError> {
    for seat in 1..=seats {
        // A savepoint per attempt: a failed INSERT must not abort the whole transaction on
        // PostgreSQL.
        sqlx::query("SAVEPOINT seat").execute(&mut *tx).await?;
        match store::take_seat(tx, group_id, day, slot, seat, appointment_id).await {
            Ok(()) => {
                sqlx::query("RELEASE SAVEPOINT seat")
                    .execute(&mut *tx)
                    .await?;
                return Ok(());
            }
            Err(e) if db::is_unique_violation(&e) => {
                sqlx::query("ROLLBACK TO SAVEPOINT seat")
                    .execute(&mut *tx)
                    .await?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(QueueError::SlotFull)
}

pub async fn book(
    app: &AppState,
    who: &CurrentUser,
    office_code: &str,
    input: &BookingInput,
) -> Result<Appointment, QueueError> {
    if !who.is_citizen() {
        return Err(QueueError::Forbidden);
    }
    let office = office::load(app, office_code).await?;
    let (day, group_id, slot) = check_slot(app, &office, input).await?;
    let group = office.group(&group_id).ok_or(QueueError::NotFound)?;
    let application_id = match input.application_id.trim() {
        "" => None,
        id => {
            // Only one's own application can be linked; anyone else's is "not found".
            services::applications::journey::get_own(app, who, id)
                .await
                .map_err(|_| {
                    QueueError::Invalid(vec![("application_id", "queue.application_unknown")])
                })?;
            Some(id.to_string())
        }
    };
    let row = AppointmentRow {
        id: ids::new_id(),
        code: BOOKING_CODE.generate(),
        office_id: office.row.id.clone(),
        group_id: group_id.clone(),
        user_id: who.id.clone(),
        application_id,
        day: day.to_string(),
        slot: slot.clone(),
        status: AppointmentStatus::Booked.as_str().into(),
    };
    let mut tx = app.db.begin().await?;
    match store::insert_appointment(&mut tx, &row).await {
        Ok(()) => {}
        Err(e) if db::is_unique_violation(&e) => return Err(QueueError::AlreadyBooked),
        Err(e) => return Err(e.into()),
    }
    take_a_seat(
        &mut tx,
        office.seats_for(group),
        &group_id,
        &row.day,
        &slot,
        &row.id,
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "appointment.booked",
            subject: &format!("appointment:{}", row.id),
            detail: serde_json::json!({ "office": office.row.code, "group": group.letter, "day": row.day, "slot": slot }),
        },
    )
    .await?;
    tx.commit().await?;
    view(app, &row).await
}

/// The stored appointment `id` if it is `who`'s; anyone else's is "not found".
async fn own_row(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
) -> Result<AppointmentRow, QueueError> {
    store::find_appointment(&app.db, id)
        .await?
        .filter(|a| a.user_id == who.id)
        .ok_or(QueueError::NotFound)
}

/// The person's own appointment by id; anyone else's is "not found".
pub async fn get_own(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
) -> Result<Appointment, QueueError> {
    let row = own_row(app, who, id).await?;
    view(app, &row).await
}

pub async fn list_mine(app: &AppState, who: &CurrentUser) -> Result<Vec<Appointment>, QueueError> {
    views(app, &store::list_appointments_of(&app.db, &who.id).await?).await
}

pub async fn cancel(app: &AppState, who: &CurrentUser, id: &str) -> Result<(), QueueError> {
    let row = own_row(app, who, id).await?;
    let mut tx = app.db.begin().await?;
    if !store::set_appointment_status(&mut tx, &row.id, "booked", "cancelled").await? {
        return Err(QueueError::AppointmentClosed);
    }
    store::release_seat(&mut tx, &row.id).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "appointment.cancelled",
            subject: &format!("appointment:{}", row.id),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a booking to another day or slot of the same group; the old seat is freed only if the
/// new one is taken.
pub async fn reschedule(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
    day: &str,
    slot: &str,
) -> Result<Appointment, QueueError> {
    let row = own_row(app, who, id).await?;
    if row.status != "booked" {
        return Err(QueueError::AppointmentClosed);
    }
    let office = office::load_by_id(app, &row.office_id).await?;
    let group = office.group(&row.group_id).ok_or(QueueError::NotFound)?;
    let input = BookingInput {
        group: group.letter.clone(),
        day: day.to_string(),
        slot: slot.to_string(),
        application_id: String::new(),
    };
    let (day, group_id, slot) = check_slot(app, &office, &input).await?;
    let mut tx = app.db.begin().await?;
    store::release_seat(&mut tx, &row.id).await?;
    let day_text = day.to_string();
    if !store::move_appointment(&mut tx, &row.id, &day_text, &slot).await? {
        return Err(QueueError::AppointmentClosed);
    }
    take_a_seat(
        &mut tx,
        office.seats_for(group),
        &group_id,
        &day_text,
        &slot,
        &row.id,
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "appointment.rescheduled",
            subject: &format!("appointment:{}", row.id),
            detail: serde_json::json!({ "day": day_text, "slot": slot }),
        },
    )
    .await?;
    tx.commit().await?;
    let moved = store::find_appointment(&app.db, &row.id)
        .await?
        .ok_or(QueueError::NotFound)?;
    view(app, &moved).await
}

/// Reminds everyone booked for tomorrow (WITA) once, through the outbox, in their language.
pub async fn send_reminders(app: &AppState) -> Result<usize, QueueError> {
    let (today, _) = office::local_now();
    let Ok(tomorrow) = today.tomorrow() else {
        return Ok(0);
    };
    let mut sent = 0;
    let rows = store::appointments_to_remind(&app.db, &tomorrow.to_string()).await?;
    for (row, appointment) in rows.iter().zip(views(app, &rows).await?) {
        let contact = accounts::contact(app, &row.user_id)
            .await
            .map_err(|e| QueueError::Internal(anyhow::anyhow!("{e}")))?;
        let lang = contact.as_ref().map(|c| c.lang).unwrap_or_default();
        let tr = Tr::new(lang, app.catalogue.clone());
        let (office_name, group_name) = if lang == Lang::En {
            (&appointment.office_name_en, &appointment.group_name_en)
        } else {
            (&appointment.office_name_id, &appointment.group_name_id)
        };
        let subject = tr.t("queue.reminder_subject").to_string();
        let body = tr.f(
            "queue.reminder_body",
            &[
                ("office", office_name),
                ("group", group_name),
                ("day", &appointment.day),
                ("slot", &appointment.slot),
                ("code", &appointment.code),
            ],
        );
        let mut tx = app.db.begin().await?;
        if !store::mark_reminded(&mut tx, &row.id).await? {
            continue;
        }
        let mut messages = vec![(Channel::InApp, None)];
        if let Some(email) = contact.as_ref().and_then(|c| c.email.clone()) {
            messages.push((Channel::Email, Some(email)));
        } else if let Some(phone) = contact.as_ref().and_then(|c| c.phone.clone()) {
            messages.push((Channel::Sms, Some(phone)));
        }
        for (channel, address) in &messages {
            outbox::enqueue(
                &mut tx,
                outbox::Message {
                    channel: *channel,
                    user_id: Some(&row.user_id),
                    address: address.as_deref(),
                    subject: &subject,
                    body: &body,
                },
            )
            .await?;
        }
        tx.commit().await?;
        sent += 1;
    }
    if sent > 0 {
        app.outbox_signal.notify_one();
    }
    Ok(sent)
}

/// Reminders go out from 09:00 WITA the day before a visit.
const REMIND_FROM_HOUR_WITA: i8 = 9;

/// Runs until `cancel`, every ten minutes sending the reminders that are due. Safe on every
/// node at once: each appointment is marked reminded in the transaction that writes its message.
pub async fn run_reminders(app: AppState, cancel: tokio_util::sync::CancellationToken) {
    loop {
        if office::local_now().1.hour() >= REMIND_FROM_HOUR_WITA
            && let Err(error) = send_reminders(&app).await
        {
            tracing::warn!(%error, "appointment reminders failed; will retry");
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(std::time::Duration::from_secs(600)) => {}
        }
    }
}
