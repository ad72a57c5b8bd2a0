//! An office as the queue sees it: its service groups, counters, opening hours and the holiday
//! calendar; which slots a day has and how many seats each; who may run its counters.

use jiff::civil::{Date, Time};
use platform::{
    AppState, audit,
    auth::{CurrentUser, Role},
    clock,
};

use crate::{
    error::QueueError,
    model::{self, format_clock, parse_clock},
    store::{self, CounterRow, GroupRow, HoursRow, OfficeRow},
};

#[derive(Clone, Debug)]
pub struct Office {
    pub row: OfficeRow,
    pub groups: Vec<GroupRow>,
    pub counters: Vec<CounterRow>,
    pub hours: Vec<HoursRow>,
}

impl Office {
    pub fn group_by_letter(&self, letter: &str) -> Option<&GroupRow> {
        self.groups
            .iter()
            .find(|g| g.letter.eq_ignore_ascii_case(letter.trim()))
    }
    pub fn group(&self, id: &str) -> Option<&GroupRow> {
        self.groups.iter().find(|g| g.id == id)
    }
    pub fn counter(&self, number: i64) -> Option<&CounterRow> {
        self.counters.iter().find(|c| c.number == number)
    }
    /// Opening and closing time on `day`'s weekday, if open that weekday.
    pub fn hours_on(&self, day: Date) -> Option<(Time, Time)> {
        let weekday = model::weekday(day);
        self.hours
            .iter()
            .find(|h| h.weekday == weekday)
            .and_then(|h| Some((parse_clock(&h.opens)?, parse_clock(&h.closes)?)))
    }
    /// Open counters serving a group: the seats of each of its slots.
    pub fn seats_for(&self, group: &GroupRow) -> i64 {
        let n = self
            .counters
            .iter()
            .filter(|c| c.active && c.letters.contains(&group.letter))
            .count();
        i64::try_from(n).unwrap_or(0)
    }
}

pub async fn load(app: &AppState, code: &str) -> Result<Office, QueueError> {
    let row = store::find_office(&app.db, code).await?;
    assemble(app, row).await
}

pub async fn load_by_id(app: &AppState, id: &str) -> Result<Office, QueueError> {
    let row = store::find_office_by_id(&app.db, id).await?;
    assemble(app, row).await
}

/// An office with its groups, counters and hours; `None` is "not found".
async fn assemble(app: &AppState, row: Option<OfficeRow>) -> Result<Office, QueueError> {
    let row = row.ok_or(QueueError::NotFound)?;
    Ok(Office {
        groups: store::list_groups(&app.db, &row.id).await?,
        counters: store::list_counters(&app.db, &row.id).await?,
        hours: store::list_hours(&app.db, &row.id).await?,
        row,
    })
}

/// Today and the current time in WITA.
pub fn local_now() -> (Date, Time) {
    let now = jiff::Timestamp::from_millisecond(clock::now_ms())
        .map(|t| t.to_zoned(clock::wita().clone()))
        .ok();
    match now {
        Some(z) => (z.date(), z.time()),
        None => (Date::default(), Time::midnight()),
    }
}

/// Why a day is closed, as a message key; `None` when the office is open that day.
pub async fn closed_reason(
    app: &AppState,
    office: &Office,
    day: Date,
) -> Result<Option<&'static str>, QueueError> {
    let calendar = services::holidays::load_calendar(app).await?;
    if calendar.is_holiday(day) {
        return Ok(Some("queue.closed_holiday"));
    }
    if office.hours_on(day).is_none() {
        return Ok(Some("queue.closed_weekday"));
    }
    Ok(None)
}

/// One slot of a day: its start and the seats still free.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SlotView {
    /// "HH:MM" (WITA).
    pub start: String,
    pub free: i64,
}

/// The bookable slots of a group on `day`: none when closed, none already begun.
pub async fn free_slots(
    app: &AppState,
    office: &Office,
    group: &GroupRow,
    day: Date,
) -> Result<Vec<SlotView>, QueueError> {
    if closed_reason(app, office, day).await?.is_some() {
        return Ok(Vec::new());
    }
    let Some((opens, closes)) = office.hours_on(day) else {
        return Ok(Vec::new());
    };
    let seats = office.seats_for(group);
    let taken = store::taken_seats(&app.db, &group.id, &day.to_string()).await?;
    let (today, now) = local_now();
    Ok(model::slots(opens, closes, group.slot_minutes)
        .into_iter()
        .filter(|slot| day > today || (day == today && *slot > now))
        .map(|slot| {
            let start = format_clock(slot);
            let used = taken
                .iter()
                .find(|(s, _)| *s == start)
                .map(|(_, n)| *n)
                .unwrap_or(0);
            SlotView {
                free: (seats - used).max(0),
                start,
            }
        })
        .collect())
}

/// May `who` run the counters and the kiosk of `office`?
pub fn may_serve(who: &CurrentUser, office: &Office) -> bool {
    who.has_role_in(Role::FrontOffice, &office.row.agency_id) || may_configure(who, office)
}

/// May `who` change the office's hours and counters?
pub fn may_configure(who: &CurrentUser, office: &Office) -> bool {
    who.has_role(Role::Superadmin) || who.has_role_in(Role::ServiceAdmin, &office.row.agency_id)
}

/// Sets the opening hours per weekday (`None`: closed). Every bad line is named at once.
pub async fn set_hours(
    app: &AppState,
    who: &CurrentUser,
    office: &Office,
    hours: &[(i64, String, String)],
) -> Result<(), QueueError> {
    if !may_configure(who, office) {
        return Err(QueueError::Forbidden);
    }
    const FIELDS: [(&str, &str); 7] = [
        ("opens_1", "closes_1"),
        ("opens_2", "closes_2"),
        ("opens_3", "closes_3"),
        ("opens_4", "closes_4"),
        ("opens_5", "closes_5"),
        ("opens_6", "closes_6"),
        ("opens_7", "closes_7"),
    ];
    let mut problems = Vec::new();
    let mut parsed = Vec::new();
    for (weekday, opens, closes) in hours {
        let Some((open_field, close_field)) = usize::try_from(*weekday - 1)
            .ok()
            .and_then(|i| FIELDS.get(i))
        else {
            continue;
        };
        if opens.trim().is_empty() && closes.trim().is_empty() {
            parsed.push((*weekday, None));
            continue;
        }
        match (parse_clock(opens), parse_clock(closes)) {
            (Some(o), Some(c)) if o < c => {
                parsed.push((*weekday, Some((format_clock(o), format_clock(c)))));
            }
            (Some(_), Some(_)) => problems.push((*close_field, "queue.hours_order")),
            (o, c) => {
                if o.is_none() {
                    problems.push((*open_field, "queue.hours_invalid"));
                }
                if c.is_none() {
                    problems.push((*close_field, "queue.hours_invalid"));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(QueueError::Invalid(problems));
    }
    let mut tx = app.db.begin().await?;
    for (weekday, hours) in &parsed {
        store::set_hours(
            &mut tx,
            &office.row.id,
            *weekday,
            hours.as_ref().map(|(o, c)| (o.as_str(), c.as_str())),
        )
        .await?;
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "queue_office.hours_changed",
            subject: &format!("office:{}", office.row.code),
            detail: serde_json::json!({ "weekdays": parsed.len() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Opens or closes a counter and sets the groups it serves (by letter).
pub async fn set_counter(
    app: &AppState,
    who: &CurrentUser,
    office: &Office,
    number: i64,
    active: bool,
    letters: &[String],
) -> Result<(), QueueError> {
    if !may_configure(who, office) {
        return Err(QueueError::Forbidden);
    }
    let counter = office.counter(number).ok_or(QueueError::NotFound)?;
    let mut group_ids = Vec::new();
    for letter in letters {
        match office.group_by_letter(letter) {
            Some(group) => group_ids.push(group.id.clone()),
            None => return Err(QueueError::Invalid(vec![("groups", "queue.group_unknown")])),
        }
    }
    let mut tx = app.db.begin().await?;
    store::set_counter(&mut tx, &counter.id, active, &group_ids).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "queue_office.counter_changed",
            subject: &format!("office:{}:counter:{number}", office.row.code),
            detail: serde_json::json!({ "active": active, "groups": letters }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
