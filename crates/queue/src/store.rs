//! SQL for the queue's tables (`queue_*`).

use platform::{clock, db::Db, ids};
use sqlx::{AnyConnection, Row as _, any::AnyRow};

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OfficeRow {
    pub id: String,
    pub code: String,
    pub agency_id: String,
    pub name_id: String,
    pub name_en: String,
    pub address: String,
}

#[derive(Clone, Debug, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct GroupRow {
    pub id: String,
    #[serde(skip)]
    pub office_id: String,
    /// The ticket letter, e.g. `A`.
    pub letter: String,
    pub name_id: String,
    pub name_en: String,
    /// Length of an appointment slot in minutes.
    pub slot_minutes: i32,
    #[serde(skip)]
    pub position: i32,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CounterRow {
    pub id: String,
    #[serde(skip)]
    pub office_id: String,
    pub number: i64,
    pub name: String,
    pub active: bool,
    /// Letters of the groups this counter serves.
    pub letters: Vec<String>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct HoursRow {
    /// ISO weekday, 1 Monday … 7 Sunday.
    pub weekday: i64,
    pub opens: String,
    pub closes: String,
}

pub async fn find_office_by_id(db: &Db, id: &str) -> Result<Option<OfficeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, code, agency_id, name_id, name_en, address FROM queue_offices WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.read)
    .await
}

pub async fn find_office(db: &Db, code: &str) -> Result<Option<OfficeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, code, agency_id, name_id, name_en, address FROM queue_offices WHERE code = $1",
    )
    .bind(code)
    .fetch_optional(&db.read)
    .await
}

pub async fn list_offices(db: &Db) -> Result<Vec<OfficeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, code, agency_id, name_id, name_en, address FROM queue_offices ORDER BY name_id",
    )
    .fetch_all(&db.read)
    .await
}

pub async fn insert_office(
    conn: &mut AnyConnection,
    code: &str,
    agency_id: &str,
    names: (&str, &str),
    address: &str,
) -> Result<String, sqlx::Error> {
    let id = ids::new_id();
    sqlx::query(
        "INSERT INTO queue_offices (id, code, agency_id, name_id, name_en, address, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(code)
    .bind(agency_id)
    .bind(names.0)
    .bind(names.1)
    .bind(address)
    .bind(clock::now_ms())
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn list_groups(db: &Db, office_id: &str) -> Result<Vec<GroupRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, office_id, letter, name_id, name_en, slot_minutes, position FROM queue_groups \
         WHERE office_id = $1 ORDER BY position, letter",
    )
    .bind(office_id)
    .fetch_all(&db.read)
    .await
}

pub async fn insert_group(
    conn: &mut AnyConnection,
    office_id: &str,
    letter: &str,
    names: (&str, &str),
    slot_minutes: i32,
    position: i32,
) -> Result<String, sqlx::Error> {
    let id = ids::new_id();
    sqlx::query(
        "INSERT INTO queue_groups (id, office_id, letter, name_id, name_en, slot_minutes, position) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(office_id)
    .bind(letter)
    .bind(names.0)
    .bind(names.1)
    .bind(slot_minutes)
    .bind(position)
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn list_counters(db: &Db, office_id: &str) -> Result<Vec<CounterRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.id, c.office_id, c.number, c.name, c.active, g.letter FROM queue_counters c \
         LEFT JOIN queue_counter_groups cg ON cg.counter_id = c.id LEFT JOIN queue_groups g ON g.id = cg.group_id \
         WHERE c.office_id = $1 ORDER BY c.number, g.position",
    )
    .bind(office_id)
    .fetch_all(&db.read)
    .await?;
    let mut counters: Vec<CounterRow> = Vec::new();
    for row in rows {
        let id: String = row.try_get("id")?;
        let letter: Option<String> = row.try_get("letter")?;
        if counters.last().map(|c| c.id.as_str()) != Some(id.as_str()) {
            counters.push(CounterRow {
                id,
                office_id: row.try_get("office_id")?,
                number: row.try_get("number")?,
                name: row.try_get("name")?,
                active: row.try_get::<i64, _>("active")? == 1,
                letters: Vec::new(),
            });
        }
        if let (Some(letter), Some(counter)) = (letter, counters.last_mut()) {
            counter.letters.push(letter);
        }
    }
    Ok(counters)
}

pub async fn insert_counter(
    conn: &mut AnyConnection,
    office_id: &str,
    number: i64,
    name: &str,
) -> Result<String, sqlx::Error> {
    let id = ids::new_id();
    sqlx::query(
        "INSERT INTO queue_counters (id, office_id, number, name, active) VALUES ($1, $2, $3, $4, 1)",
    )
    .bind(&id)
    .bind(office_id)
    .bind(number)
    .bind(name)
    .execute(conn)
    .await?;
    Ok(id)
}

/// Replaces the groups a counter serves and whether it is open.
pub async fn set_counter(
    conn: &mut AnyConnection,
    counter_id: &str,
    active: bool,
    group_ids: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE queue_counters SET active = $2 WHERE id = $1")
        .bind(counter_id)
        .bind(i64::from(active))
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM queue_counter_groups WHERE counter_id = $1")
        .bind(counter_id)
        .execute(&mut *conn)
        .await?;
    for group_id in group_ids {
        sqlx::query("INSERT INTO queue_counter_groups (counter_id, group_id) VALUES ($1, $2)")
            .bind(counter_id)
            .bind(group_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn list_hours(db: &Db, office_id: &str) -> Result<Vec<HoursRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT weekday, opens, closes FROM queue_hours WHERE office_id = $1 ORDER BY weekday",
    )
    .bind(office_id)
    .fetch_all(&db.read)
    .await
}

/// Sets the hours of one weekday; `None` closes the office that day.
pub async fn set_hours(
    conn: &mut AnyConnection,
    office_id: &str,
    weekday: i64,
    hours: Option<(&str, &str)>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM queue_hours WHERE office_id = $1 AND weekday = $2")
        .bind(office_id)
        .bind(weekday)
        .execute(&mut *conn)
        .await?;
    if let Some((opens, closes)) = hours {
        sqlx::query(
            "INSERT INTO queue_hours (office_id, weekday, opens, closes) VALUES ($1, $2, $3, $4)",
        )
        .bind(office_id)
        .bind(weekday)
        .bind(opens)
        .bind(closes)
        .execute(conn)
        .await?;
    }
    Ok(())
}

// ---------- appointments ----------

#[derive(Clone, Debug)]
pub struct AppointmentRow {
    pub id: String,
    pub code: String,
    pub office_id: String,
    pub group_id: String,
    pub user_id: String,
    pub application_id: Option<String>,
    pub day: String,
    pub slot: String,
    pub status: String,
}

const APPOINTMENT_COLUMNS: &str =
    "id, code, office_id, group_id, user_id, application_id, day, slot, status";

fn appointment(row: &AnyRow) -> Result<AppointmentRow, sqlx::Error> {
    Ok(AppointmentRow {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        office_id: row.try_get("office_id")?,
        group_id: row.try_get("group_id")?,
        user_id: row.try_get("user_id")?,
        application_id: row.try_get("application_id")?,
        day: row.try_get("day")?,
        slot: row.try_get("slot")?,
        status: row.try_get("status")?,
    })
}

/// Seats taken per slot of a group's day.
pub async fn taken_seats(
    db: &Db,
    group_id: &str,
    day: &str,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT slot, COUNT(*) AS n FROM queue_slot_seats WHERE group_id = $1 AND day = $2 GROUP BY slot",
    )
    .bind(group_id)
    .bind(day)
    .fetch_all(&db.read)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("slot")?, r.try_get("n")?)))
        .collect()
}

pub async fn insert_appointment(
    conn: &mut AnyConnection,
    row: &AppointmentRow,
) -> Result<(), sqlx::Error> {
    let now = clock::now_ms();
    sqlx::query(
        "INSERT INTO queue_appointments (id, code, office_id, group_id, user_id, application_id, day, slot, status, created_ms, updated_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(&row.id)
    .bind(&row.code)
    .bind(&row.office_id)
    .bind(&row.group_id)
    .bind(&row.user_id)
    .bind(&row.application_id)
    .bind(&row.day)
    .bind(&row.slot)
    .bind(&row.status)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes seat `seat` of a slot; a unique violation means someone else holds it.
pub async fn take_seat(
    conn: &mut AnyConnection,
    group_id: &str,
    day: &str,
    slot: &str,
    seat: i64,
    appointment_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO queue_slot_seats (group_id, day, slot, seat, appointment_id) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(group_id)
    .bind(day)
    .bind(slot)
    .bind(seat)
    .bind(appointment_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn release_seat(
    conn: &mut AnyConnection,
    appointment_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM queue_slot_seats WHERE appointment_id = $1")
        .bind(appointment_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn find_appointment_by_code(
    db: &Db,
    code: &str,
) -> Result<Option<AppointmentRow>, sqlx::Error> {
    let sql = format!("SELECT {APPOINTMENT_COLUMNS} FROM queue_appointments WHERE code = $1");
    sqlx::query(&sql)
        .bind(code)
        .fetch_optional(&db.read)
        .await?
        .as_ref()
        .map(appointment)
        .transpose()
}

pub async fn find_appointment(db: &Db, id: &str) -> Result<Option<AppointmentRow>, sqlx::Error> {
    let sql = format!("SELECT {APPOINTMENT_COLUMNS} FROM queue_appointments WHERE id = $1");
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&db.read)
        .await?
        .as_ref()
        .map(appointment)
        .transpose()
}

pub async fn list_appointments_of(
    db: &Db,
    user_id: &str,
) -> Result<Vec<AppointmentRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {APPOINTMENT_COLUMNS} FROM queue_appointments WHERE user_id = $1 ORDER BY day DESC, slot DESC LIMIT 100"
    );
    let rows = sqlx::query(&sql).bind(user_id).fetch_all(&db.read).await?;
    rows.iter().map(appointment).collect()
}

/// Moves an appointment from `from` to `to`; false when it was no longer in `from`.
pub async fn set_appointment_status(
    conn: &mut AnyConnection,
    id: &str,
    from: &str,
    to: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE queue_appointments SET status = $3, updated_ms = $4 WHERE id = $1 AND status = $2",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(clock::now_ms())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn move_appointment(
    conn: &mut AnyConnection,
    id: &str,
    day: &str,
    slot: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE queue_appointments SET day = $2, slot = $3, reminded = 0, updated_ms = $4 WHERE id = $1 AND status = 'booked'",
    )
    .bind(id)
    .bind(day)
    .bind(slot)
    .bind(clock::now_ms())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Booked appointments on `day` not yet reminded.
pub async fn appointments_to_remind(
    db: &Db,
    day: &str,
) -> Result<Vec<AppointmentRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {APPOINTMENT_COLUMNS} FROM queue_appointments WHERE day = $1 AND status = 'booked' AND reminded = 0 LIMIT 1000"
    );
    let rows = sqlx::query(&sql).bind(day).fetch_all(&db.read).await?;
    rows.iter().map(appointment).collect()
}

pub async fn mark_reminded(conn: &mut AnyConnection, id: &str) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE queue_appointments SET reminded = 1 WHERE id = $1 AND reminded = 0")
            .bind(id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

// ---------- tickets ----------

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TicketRow {
    pub id: String,
    #[serde(skip)]
    pub office_id: String,
    #[serde(skip)]
    pub group_id: String,
    pub day: String,
    #[serde(skip)]
    pub seq: i64,
    /// `A-023`.
    pub number: String,
    #[serde(skip)]
    pub appointment_id: Option<String>,
    /// The appointment's slot ("HH:MM") for a checked-in booking.
    pub slot: Option<String>,
    pub status: String,
    pub issued_ms: i64,
    pub called_ms: Option<i64>,
    #[serde(skip)]
    pub counter_id: Option<String>,
    pub finished_ms: Option<i64>,
    pub recalls: i64,
}

const TICKET_COLUMNS: &str = "id, office_id, group_id, day, seq, number, appointment_id, slot, status, issued_ms, called_ms, counter_id, finished_ms, recalls";

fn ticket(row: &AnyRow) -> Result<TicketRow, sqlx::Error> {
    Ok(TicketRow {
        id: row.try_get("id")?,
        office_id: row.try_get("office_id")?,
        group_id: row.try_get("group_id")?,
        day: row.try_get("day")?,
        seq: row.try_get("seq")?,
        number: row.try_get("number")?,
        appointment_id: row.try_get("appointment_id")?,
        slot: row.try_get("slot")?,
        status: row.try_get("status")?,
        issued_ms: row.try_get("issued_ms")?,
        called_ms: row.try_get("called_ms")?,
        counter_id: row.try_get("counter_id")?,
        finished_ms: row.try_get("finished_ms")?,
        recalls: row.try_get("recalls")?,
    })
}

/// Draws the next ticket number of a group's day (1 for the first).
pub async fn next_seq(
    conn: &mut AnyConnection,
    group_id: &str,
    day: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO queue_ticket_numbers (group_id, day, last) VALUES ($1, $2, 1) \
         ON CONFLICT (group_id, day) DO UPDATE SET last = queue_ticket_numbers.last + 1 RETURNING last",
    )
    .bind(group_id)
    .bind(day)
    .fetch_one(conn)
    .await
}

pub async fn insert_ticket(conn: &mut AnyConnection, row: &TicketRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO queue_tickets (id, office_id, group_id, day, seq, number, appointment_id, slot, status, issued_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'waiting', $9)",
    )
    .bind(&row.id)
    .bind(&row.office_id)
    .bind(&row.group_id)
    .bind(&row.day)
    .bind(row.seq)
    .bind(&row.number)
    .bind(&row.appointment_id)
    .bind(&row.slot)
    .bind(row.issued_ms)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find_ticket(db: &Db, id: &str) -> Result<Option<TicketRow>, sqlx::Error> {
    let sql = format!("SELECT {TICKET_COLUMNS} FROM queue_tickets WHERE id = $1");
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&db.read)
        .await?
        .as_ref()
        .map(ticket)
        .transpose()
}

/// The next waiting tickets for a counter serving `group_ids` on `day`, in call order: checked-in
/// appointments whose slot is due (slot ≤ `due_until`, "HH:MM" compares as text) by slot, then
/// everyone by arrival. A few, so a counter that loses a race can take the next.
pub async fn next_for_counter(
    conn: &mut AnyConnection,
    office_id: &str,
    day: &str,
    group_ids: &[String],
    due_until: &str,
) -> Result<Vec<TicketRow>, sqlx::Error> {
    if group_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..group_ids.len())
        .map(|i| format!("${}", i + 4))
        .collect();
    let sql = format!(
        "SELECT {TICKET_COLUMNS} FROM queue_tickets WHERE office_id = $1 AND day = $2 AND status = 'waiting' \
         AND group_id IN ({}) \
         ORDER BY CASE WHEN slot IS NOT NULL AND slot <= $3 THEN 0 ELSE 1 END, \
         CASE WHEN slot IS NOT NULL AND slot <= $3 THEN slot ELSE '' END, issued_ms, seq LIMIT 5",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(office_id).bind(day).bind(due_until);
    for id in group_ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter().map(ticket).collect()
}

/// How many waiting tickets of a group are called before `ticket` (see `next_for_counter`).
pub async fn count_ahead(db: &Db, ticket: &TicketRow, due_until: &str) -> Result<i64, sqlx::Error> {
    let mine_due = ticket.slot.as_deref().is_some_and(|s| s <= due_until);
    let sql = if mine_due {
        // Only due appointments with an earlier slot (or the same slot, earlier arrival).
        "SELECT COUNT(*) FROM queue_tickets WHERE group_id = $1 AND day = $2 AND status = 'waiting' AND id <> $3 \
         AND slot IS NOT NULL AND slot <= $4 AND (slot < $5 OR (slot = $5 AND issued_ms < $6))"
    } else {
        // Every due appointment, and everyone else who came earlier.
        "SELECT COUNT(*) FROM queue_tickets WHERE group_id = $1 AND day = $2 AND status = 'waiting' AND id <> $3 \
         AND ((slot IS NOT NULL AND slot <= $4) OR issued_ms < $6) AND $5 = $5"
    };
    sqlx::query_scalar(sql)
        .bind(&ticket.group_id)
        .bind(&ticket.day)
        .bind(&ticket.id)
        .bind(due_until)
        .bind(ticket.slot.clone().unwrap_or_default())
        .bind(ticket.issued_ms)
        .fetch_one(&db.read)
        .await
}

/// Waiting tickets of an office on `day` for the groups `group_ids`.
pub async fn count_waiting(
    db: &Db,
    office_id: &str,
    day: &str,
    group_ids: &[String],
) -> Result<i64, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT group_id, COUNT(*) FROM queue_tickets WHERE office_id = $1 AND day = $2 AND status = 'waiting' GROUP BY group_id",
    )
    .bind(office_id)
    .bind(day)
    .fetch_all(&db.read)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(g, _)| group_ids.contains(g))
        .map(|(_, n)| n)
        .sum())
}

/// The ticket a counter is serving now (called, not finished), if any.
pub async fn current_at_counter(
    db: &Db,
    counter_id: &str,
) -> Result<Option<TicketRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {TICKET_COLUMNS} FROM queue_tickets WHERE counter_id = $1 AND status = 'called' ORDER BY called_ms DESC LIMIT 1"
    );
    sqlx::query(&sql)
        .bind(counter_id)
        .fetch_optional(&db.read)
        .await?
        .as_ref()
        .map(ticket)
        .transpose()
}

/// Calls a waiting ticket to a counter; false when someone else called it first.
pub async fn mark_called(
    conn: &mut AnyConnection,
    id: &str,
    counter_id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE queue_tickets SET status = 'called', counter_id = $2, called_ms = $3 WHERE id = $1 AND status = 'waiting'",
    )
    .bind(id)
    .bind(counter_id)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends a called ticket as `to` (`done` or `no_show`): the ended ticket, for the statistics;
/// `None` when it was not called.
pub(crate) async fn finish_ticket(
    conn: &mut AnyConnection,
    id: &str,
    to: &str,
    application_id: Option<&str>,
    now_ms: i64,
) -> Result<Option<crate::stats::Ended>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "UPDATE queue_tickets SET status = $2, finished_ms = $3, application_id = COALESCE($4, application_id) \
         WHERE id = $1 AND status = 'called' RETURNING {}",
        crate::stats::ENDED_COLUMNS
    ))
    .bind(id)
    .bind(to)
    .bind(now_ms)
    .bind(application_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(crate::stats::Ended::from_row).transpose()
}

pub async fn count_recall(conn: &mut AnyConnection, id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE queue_tickets SET recalls = recalls + 1 WHERE id = $1 AND status = 'called'",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts a called ticket back in the queue of another group (a transfer), keeping its number
/// and its place by issue time.
pub async fn transfer_ticket(
    conn: &mut AnyConnection,
    id: &str,
    group_id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE queue_tickets SET status = 'waiting', group_id = $2, counter_id = NULL, called_ms = NULL \
         WHERE id = $1 AND status = 'called'",
    )
    .bind(id)
    .bind(group_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

// ---------- calls (the boards' log) ----------

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct CallRow {
    pub id: i64,
    pub number: String,
    pub counter: i64,
    /// `call` or `recall`.
    pub kind: String,
    pub at_ms: i64,
}

pub async fn insert_call(
    conn: &mut AnyConnection,
    office_id: &str,
    ticket_id: &str,
    number: &str,
    counter: i64,
    kind: &str,
    at_ms: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO queue_calls (office_id, ticket_id, number, counter, kind, at_ms) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(office_id)
    .bind(ticket_id)
    .bind(number)
    .bind(counter)
    .bind(kind)
    .bind(at_ms)
    .fetch_one(conn)
    .await
}

fn calls(rows: Vec<(i64, String, i64, String, i64)>) -> Vec<CallRow> {
    rows.into_iter()
        .map(|(id, number, counter, kind, at_ms)| CallRow {
            id,
            number,
            counter,
            kind,
            at_ms,
        })
        .collect()
}

/// Calls of an office after id `after` (and since `since_ms`), oldest first.
pub async fn calls_after(
    db: &Db,
    office_id: &str,
    after: i64,
    since_ms: i64,
    limit: i64,
) -> Result<Vec<CallRow>, sqlx::Error> {
    sqlx::query_as::<_, (i64, String, i64, String, i64)>(
        "SELECT id, number, counter, kind, at_ms FROM queue_calls WHERE office_id = $1 AND id > $2 AND at_ms >= $3 \
         ORDER BY id LIMIT $4",
    )
    .bind(office_id)
    .bind(after)
    .bind(since_ms)
    .bind(limit)
    .fetch_all(&db.read)
    .await
    .map(calls)
}

/// The latest calls of an office since `since_ms`, newest first.
pub async fn recent_calls(
    db: &Db,
    office_id: &str,
    since_ms: i64,
    limit: i64,
) -> Result<Vec<CallRow>, sqlx::Error> {
    sqlx::query_as::<_, (i64, String, i64, String, i64)>(
        "SELECT id, number, counter, kind, at_ms FROM queue_calls WHERE office_id = $1 AND at_ms >= $2 ORDER BY id DESC LIMIT $3",
    )
    .bind(office_id)
    .bind(since_ms)
    .bind(limit)
    .fetch_all(&db.read)
    .await
    .map(calls)
}

// ---------- figures ----------

/// Finished or no-show tickets of an office between two days (inclusive), for the figures.
pub async fn served_between(
    db: &Db,
    office_id: &str,
    first_day: &str,
    last_day: &str,
) -> Result<Vec<TicketRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {TICKET_COLUMNS} FROM queue_tickets WHERE office_id = $1 AND day >= $2 AND day <= $3 \
         AND status IN ('done', 'no_show') ORDER BY issued_ms LIMIT 200000"
    );
    let rows = sqlx::query(&sql)
        .bind(office_id)
        .bind(first_day)
        .bind(last_day)
        .fetch_all(&db.read)
        .await?;
    rows.iter().map(ticket).collect()
}

/// Mean service time (call → finish) in ms of the group's last `n` served tickets.
pub async fn recent_service_ms(
    db: &Db,
    group_id: &str,
    n: i64,
) -> Result<Option<f64>, sqlx::Error> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT called_ms, finished_ms FROM queue_tickets WHERE group_id = $1 AND status = 'done' \
         AND called_ms IS NOT NULL AND finished_ms IS NOT NULL ORDER BY finished_ms DESC LIMIT $2",
    )
    .bind(group_id)
    .bind(n)
    .fetch_all(&db.read)
    .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let total: i64 = rows.iter().map(|(c, f)| (f - c).max(0)).sum();
    Ok(Some(total as f64 / rows.len() as f64))
}
