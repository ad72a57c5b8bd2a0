//! Service figures for the leaders' dashboard and the public statistics, kept on write so a
//! period over a million applications is summed from a few thousand rows. Owns
//! `service_daily_stats` (per WITA day, agency and service: received, returned for revision,
//! completed, completed by the deadline, issued, rejected, withdrawn), `service_duration_stats`
//! (completed applications per processing time in working days: exact medians and p90s) and
//! `skm_daily_stats` (respondents and the sum of each SKM element: the exact IKM). Each table
//! holds a row per day (`span` 'day') and, counted in the same transaction, per calendar month
//! (`span` 'month', `day` = `YYYY-MM`): a period reads its whole months from the month rows and
//! only the days around them from the day rows.
//!
//! Every counter is an event counted once, in the transaction that makes it happen
//! ([`on_submitted`], [`on_status`], [`on_skm`]): the increments commute, so concurrent writers
//! never lose one. Definitions (also shown on the dashboard):
//! - *received*: submitted on that day; *completed*: issued or rejected on that day;
//! - *processing time*: working days from the day of submission to the day of completion
//!   (including time with the applicant), with the holiday calendar of the day of completion;
//! - *by the deadline*: completed on or before the due day (which revisions extend).
//!
//! [`rebuild`] recomputes all of it from the raw rows (for data written directly).

use std::collections::BTreeMap;

use jiff::civil::Date;
use platform::AppState;
use serde::Serialize;
use sqlx::{AnyConnection, Row as _};
use utoipa::ToSchema;

use crate::{
    applications::status::Status,
    calendar::{self, Calendar},
    skm::{self, Ikm},
};

async fn calendar_in(conn: &mut AnyConnection) -> Result<Calendar, sqlx::Error> {
    let days: Vec<String> = sqlx::query("SELECT day FROM holidays")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get("day"))
        .collect::<Result<_, _>>()?;
    Ok(Calendar::new(
        days.iter().filter_map(|d| calendar::parse_date(d)),
    ))
}

/// Adds one to each of `columns` (and to `completed_on_time` when `on_time`) in the day's row
/// of an agency and service.
async fn add(
    conn: &mut AnyConnection,
    day: Date,
    agency_id: &str,
    service_id: &str,
    columns: &[&'static str],
    on_time: bool,
) -> Result<(), sqlx::Error> {
    // The column names are this module's own, never input.
    let names = columns.join(", ");
    let ones = vec!["1"; columns.len()].join(", ");
    let sets: Vec<String> = columns
        .iter()
        .map(|c| format!("{c} = service_daily_stats.{c} + 1"))
        .collect();
    let sql = format!(
        "INSERT INTO service_daily_stats (span, day, agency_id, service_id, {names}, completed_on_time) VALUES ($5, $1, $2, $3, {ones}, $4) \
         ON CONFLICT (day, agency_id, service_id) DO UPDATE SET {}, \
         completed_on_time = service_daily_stats.completed_on_time + $4",
        sets.join(", ")
    );
    for (span, bucket) in buckets(day) {
        sqlx::query(&sql)
            .bind(bucket)
            .bind(agency_id)
            .bind(service_id)
            .bind(i64::from(on_time))
            .bind(span)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The rows an event of `day` is counted in: the day's and its month's (`span`, `day` key).
fn buckets(day: Date) -> [(&'static str, String); 2] {
    [
        ("day", day.to_string()),
        ("month", month_of(&day.to_string())),
    ]
}

/// `YYYY-MM` of a `YYYY-MM-DD` (or `YYYY-MM`) key.
fn month_of(day: &str) -> String {
    day.get(..7).unwrap_or(day).to_string()
}

/// An application of `agency_id` and `service_id` was submitted at `at_ms` (the caller has the
/// two from its UPDATE … RETURNING: one round trip less inside the submission's transaction).
pub(crate) async fn on_submitted(
    conn: &mut AnyConnection,
    agency_id: &str,
    service_id: &str,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    add(
        conn,
        calendar::wita_date(at_ms),
        agency_id,
        service_id,
        &["received"],
        false,
    )
    .await
}

/// An application moved to `to` at `at_ms` (called after the move, in its transaction).
pub(crate) async fn on_status(
    conn: &mut AnyConnection,
    application_id: &str,
    to: Status,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    let column = match to {
        Status::ReturnedForRevision => "returned",
        Status::Issued => "issued",
        Status::Rejected => "rejected",
        Status::Withdrawn => "withdrawn",
        _ => return Ok(()),
    };
    let row = sqlx::query(
        "SELECT agency_id, service_id, submitted_ms, due_day FROM applications WHERE id = $1",
    )
    .bind(application_id)
    .fetch_one(&mut *conn)
    .await?;
    let Some(submitted_ms) = row.try_get::<Option<i64>, _>("submitted_ms")? else {
        return Ok(()); // a draft withdrawn: never received
    };
    let (agency, service): (String, String) =
        (row.try_get("agency_id")?, row.try_get("service_id")?);
    let day = calendar::wita_date(at_ms);
    if column != "issued" && column != "rejected" {
        return add(conn, day, &agency, &service, &[column], false).await;
    }
    let due = row
        .try_get::<Option<String>, _>("due_day")?
        .as_deref()
        .and_then(calendar::parse_date);
    let on_time = due.is_some_and(|due| day <= due);
    add(
        conn,
        day,
        &agency,
        &service,
        &["completed", column],
        on_time,
    )
    .await?;
    let calendar = calendar_in(conn).await?;
    let working_days = calendar.working_days_between(calendar::wita_date(submitted_ms), day);
    for (span, bucket) in buckets(day) {
        sqlx::query(
            "INSERT INTO service_duration_stats (span, day, agency_id, service_id, working_days, completed) VALUES ($5, $1, $2, $3, $4, 1) \
             ON CONFLICT (day, agency_id, service_id, working_days) DO UPDATE SET completed = service_duration_stats.completed + 1",
        )
        .bind(bucket)
        .bind(&agency)
        .bind(&service)
        .bind(working_days)
        .bind(span)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// An SKM response was given at `at_ms`.
pub(crate) async fn on_skm(
    conn: &mut AnyConnection,
    agency_id: &str,
    service_id: &str,
    answers: &skm::Answers,
    at_ms: i64,
) -> Result<(), sqlx::Error> {
    let columns: Vec<String> = (1..=9).map(|e| format!("e{e}")).collect();
    let updates: Vec<String> = columns
        .iter()
        .map(|c| format!("{c} = skm_daily_stats.{c} + excluded.{c}"))
        .collect();
    let marks: Vec<String> = (5..=13).map(|n| format!("${n}")).collect();
    let sql = format!(
        "INSERT INTO skm_daily_stats (span, day, agency_id, service_id, respondents, {}) VALUES ($14, $1, $2, $3, $4, {}) \
         ON CONFLICT (day, agency_id, service_id) DO UPDATE SET respondents = skm_daily_stats.respondents + 1, {}",
        columns.join(", "),
        marks.join(", "),
        updates.join(", ")
    );
    for (span, bucket) in buckets(calendar::wita_date(at_ms)) {
        let mut query = sqlx::query(&sql)
            .bind(bucket)
            .bind(agency_id)
            .bind(service_id)
            .bind(1_i64);
        for answer in answers {
            query = query.bind(i64::from(*answer));
        }
        query.bind(span).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Counts of one day, agency and service, as `service_daily_stats` keeps them.
#[derive(Default)]
struct DayCounts {
    received: i64,
    returned: i64,
    completed: i64,
    completed_on_time: i64,
    issued: i64,
    rejected: i64,
    withdrawn: i64,
}

/// Recomputes every service figure from the raw rows, in one transaction; returns the number
/// of applications counted. The rows are read a page at a time (keyset) and summed in memory
/// (a few thousand keys per year), so a million applications rebuild in one pass each over
/// applications, their counted events and the SKM answers, with the same definitions as the
/// counting on write ([`on_submitted`], [`on_status`], [`on_skm`]).
pub async fn rebuild(app: &AppState) -> Result<u64, sqlx::Error> {
    type Key = (String, String, String);
    let mut tx = app.db.begin().await?;
    for table in [
        "service_daily_stats",
        "service_duration_stats",
        "skm_daily_stats",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *tx)
            .await?;
    }
    let holidays = calendar_in(&mut tx).await?;
    let mut days: BTreeMap<Key, DayCounts> = BTreeMap::new();
    let mut durations: BTreeMap<(Key, i64), i64> = BTreeMap::new();
    let mut skm_sums: BTreeMap<Key, (i64, [i64; 9])> = BTreeMap::new();
    let mut applications = 0_u64;
    let mut after = String::new();
    loop {
        let rows = sqlx::query(
            "SELECT id, agency_id, service_id, submitted_ms FROM applications \
             WHERE submitted_ms IS NOT NULL AND id > $1 ORDER BY id LIMIT 10000",
        )
        .bind(&after)
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("id")?;
        for row in &rows {
            applications += 1;
            let day = calendar::wita_date(row.try_get("submitted_ms")?).to_string();
            days.entry((day, row.try_get("agency_id")?, row.try_get("service_id")?))
                .or_default()
                .received += 1;
        }
    }
    // Each counted event as the application's history recorded it.
    let mut after = String::new();
    loop {
        let rows = sqlx::query(
            "SELECT e.id, e.status, e.at_ms, a.agency_id, a.service_id, a.submitted_ms, a.due_day \
             FROM application_events e JOIN applications a ON a.id = e.application_id \
             WHERE a.submitted_ms IS NOT NULL AND e.id > $1 \
             AND e.status IN ('returned_for_revision', 'issued', 'rejected', 'withdrawn') \
             ORDER BY e.id LIMIT 10000",
        )
        .bind(&after)
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("id")?;
        for row in &rows {
            let status: String = row.try_get("status")?;
            let at = calendar::wita_date(row.try_get("at_ms")?);
            let key: Key = (
                at.to_string(),
                row.try_get("agency_id")?,
                row.try_get("service_id")?,
            );
            let counts = days.entry(key.clone()).or_default();
            match Status::parse(&status) {
                Some(Status::ReturnedForRevision) => counts.returned += 1,
                Some(Status::Withdrawn) => counts.withdrawn += 1,
                Some(done @ (Status::Issued | Status::Rejected)) => {
                    counts.completed += 1;
                    if done == Status::Issued {
                        counts.issued += 1;
                    } else {
                        counts.rejected += 1;
                    }
                    let due = row
                        .try_get::<Option<String>, _>("due_day")?
                        .as_deref()
                        .and_then(calendar::parse_date);
                    if due.is_some_and(|due| at <= due) {
                        counts.completed_on_time += 1;
                    }
                    let submitted = calendar::wita_date(row.try_get("submitted_ms")?);
                    let working_days = holidays.working_days_between(submitted, at);
                    *durations.entry((key, working_days)).or_default() += 1;
                }
                _ => {}
            }
        }
    }
    let mut after = String::new();
    loop {
        let rows = sqlx::query(
            "SELECT id, agency_id, service_id, answers, created_ms FROM skm_responses WHERE id > $1 ORDER BY id LIMIT 10000",
        )
        .bind(&after)
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("id")?;
        for row in &rows {
            let raw: String = row.try_get("answers")?;
            if let Some(answers) = skm::parse_answers(&raw) {
                let day = calendar::wita_date(row.try_get("created_ms")?).to_string();
                let sums = skm_sums
                    .entry((day, row.try_get("agency_id")?, row.try_get("service_id")?))
                    .or_default();
                sums.0 += 1;
                for (sum, answer) in sums.1.iter_mut().zip(answers.iter()) {
                    *sum += i64::from(*answer);
                }
            }
        }
    }
    use platform::db::{
        Value::{Int, Text},
        insert_rows,
    };
    // Each day's row is also summed into its month's row, as counting on write does.
    let mut months: BTreeMap<Key, DayCounts> = BTreeMap::new();
    for ((day, agency, service), c) in &days {
        let m = months
            .entry((month_of(day), agency.clone(), service.clone()))
            .or_default();
        m.received += c.received;
        m.returned += c.returned;
        m.completed += c.completed;
        m.completed_on_time += c.completed_on_time;
        m.issued += c.issued;
        m.rejected += c.rejected;
        m.withdrawn += c.withdrawn;
    }
    days.extend(months);
    let month_durations: Vec<((Key, i64), i64)> = durations
        .iter()
        .map(|(((day, agency, service), working_days), n)| {
            (
                (
                    (month_of(day), agency.clone(), service.clone()),
                    *working_days,
                ),
                *n,
            )
        })
        .collect();
    for (key, n) in month_durations {
        *durations.entry(key).or_default() += n;
    }
    let month_skm: Vec<(Key, (i64, [i64; 9]))> = skm_sums
        .iter()
        .map(|((day, agency, service), sums)| {
            ((month_of(day), agency.clone(), service.clone()), *sums)
        })
        .collect();
    for (key, (respondents, sums)) in month_skm {
        let m = skm_sums.entry(key).or_default();
        m.0 += respondents;
        for (total, add) in m.1.iter_mut().zip(sums) {
            *total += add;
        }
    }
    let span = |day: &str| Text(if day.len() == 7 { "month" } else { "day" }.to_string());
    let daily: Vec<Vec<platform::db::Value>> = days
        .into_iter()
        .map(|((day, agency, service), c)| {
            vec![
                span(&day),
                Text(day),
                Text(agency),
                Text(service),
                Int(c.received),
                Int(c.returned),
                Int(c.completed),
                Int(c.completed_on_time),
                Int(c.issued),
                Int(c.rejected),
                Int(c.withdrawn),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "service_daily_stats",
        &[
            "span",
            "day",
            "agency_id",
            "service_id",
            "received",
            "returned",
            "completed",
            "completed_on_time",
            "issued",
            "rejected",
            "withdrawn",
        ],
        &daily,
    )
    .await?;
    let duration_rows: Vec<Vec<platform::db::Value>> = durations
        .into_iter()
        .map(|(((day, agency, service), working_days), n)| {
            vec![
                span(&day),
                Text(day),
                Text(agency),
                Text(service),
                Int(working_days),
                Int(n),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "service_duration_stats",
        &[
            "span",
            "day",
            "agency_id",
            "service_id",
            "working_days",
            "completed",
        ],
        &duration_rows,
    )
    .await?;
    let skm_rows: Vec<Vec<platform::db::Value>> = skm_sums
        .into_iter()
        .map(|((day, agency, service), (respondents, sums))| {
            let mut row = vec![
                span(&day),
                Text(day),
                Text(agency),
                Text(service),
                Int(respondents),
            ];
            row.extend(sums.into_iter().map(Int));
            row
        })
        .collect();
    insert_rows(
        &mut tx,
        "skm_daily_stats",
        &[
            "span",
            "day",
            "agency_id",
            "service_id",
            "respondents",
            "e1",
            "e2",
            "e3",
            "e4",
            "e5",
            "e6",
            "e7",
            "e8",
            "e9",
        ],
        &skm_rows,
    )
    .await?;
    tx.commit().await?;
    Ok(applications)
}

/// Counts what is on file when nothing has been counted yet (a database from before these
/// tables): run by `sigap serve` at start. Returns whether it rebuilt.
pub async fn rebuild_if_uncounted(app: &AppState) -> Result<bool, sqlx::Error> {
    let counted = sqlx::query("SELECT 1 AS x FROM service_daily_stats LIMIT 1")
        .fetch_optional(&app.db.read)
        .await?
        .is_some();
    let received =
        sqlx::query("SELECT 1 AS x FROM applications WHERE submitted_ms IS NOT NULL LIMIT 1")
            .fetch_optional(&app.db.read)
            .await?
            .is_some();
    if counted || !received {
        return Ok(false);
    }
    let applications = rebuild(app).await?;
    tracing::info!(
        applications,
        "service statistics counted from the applications on file"
    );
    Ok(true)
}

// ---- Reading the figures ----

/// Which rows a figure covers: a period of WITA days (both ends included) and optionally
/// agencies (ids; empty for all) and one service.
#[derive(Clone, Debug)]
pub struct Scope {
    pub first_day: Date,
    pub last_day: Date,
    pub agency_ids: Vec<String>,
    pub service_id: Option<String>,
}

impl Scope {
    /// `WHERE` conditions for the stats tables and the values they bind, in order: the whole
    /// months of the period from their month rows and the days around them from the day rows
    /// (only day rows when `days_only`, for a breakdown per day).
    fn filter(&self, days_only: bool) -> (String, Vec<String>) {
        let cut = if days_only {
            platform::clock::MonthCut::days_only(self.first_day, self.last_day)
        } else {
            platform::clock::month_cut(self.first_day, self.last_day)
        };
        let mut ranges: Vec<(&str, String, String)> = Vec::new();
        if let Some((from, to)) = cut.months {
            ranges.push(("span = 'month'", from, to));
        }
        for (from, to) in cut.days {
            ranges.push(("span = 'day'", from.to_string(), to.to_string()));
        }
        let mut binds = Vec::new();
        let mut sql = format!("({})", platform::db::key_ranges("day", &ranges, &mut binds));
        if !self.agency_ids.is_empty() {
            let marks: Vec<String> = (0..self.agency_ids.len())
                .map(|i| format!("${}", binds.len() + i + 1))
                .collect();
            sql.push_str(&format!(" AND agency_id IN ({})", marks.join(", ")));
            binds.extend(self.agency_ids.iter().cloned());
        }
        if let Some(service) = &self.service_id {
            binds.push(service.clone());
            sql.push_str(&format!(" AND service_id = ${}", binds.len()));
        }
        (sql, binds)
    }
}

/// Counts over a scope.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Counts {
    pub received: i64,
    pub returned: i64,
    pub completed: i64,
    pub completed_on_time: i64,
    pub issued: i64,
    pub rejected: i64,
    pub withdrawn: i64,
}

impl Counts {
    /// Completed by the deadline, % of completed (`None` without completions).
    pub fn sla_compliance(&self) -> Option<f64> {
        percent(self.completed_on_time, self.completed)
    }
    /// Returned for revision at least once… counted per return, % of received.
    pub fn returned_rate(&self) -> Option<f64> {
        percent(self.returned, self.received)
    }
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// Processing times of the completed applications of a scope, in working days.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Durations {
    pub completed: i64,
    /// Nearest-rank median.
    pub median_days: Option<i64>,
    /// Nearest-rank 90th percentile.
    pub p90_days: Option<i64>,
}

impl Durations {
    /// From (working days, completed) pairs.
    pub fn of(histogram: &BTreeMap<i64, i64>) -> Durations {
        let completed: i64 = histogram.values().sum();
        let rank = |q: f64| -> Option<i64> {
            if completed == 0 {
                return None;
            }
            let wanted = ((q * completed as f64).ceil() as i64).clamp(1, completed);
            let mut seen = 0;
            histogram.iter().find_map(|(days, n)| {
                seen += n;
                (seen >= wanted).then_some(*days)
            })
        };
        Durations {
            completed,
            median_days: rank(0.5),
            p90_days: rank(0.9),
        }
    }
}

/// One row of a breakdown (per day or month, per service or per agency).
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct KeyedCounts {
    pub key: String,
    #[serde(flatten)]
    pub counts: Counts,
}

const SUMS: &str = "CAST(COALESCE(SUM(received), 0) AS BIGINT) AS received, CAST(COALESCE(SUM(returned), 0) AS BIGINT) AS returned, \
     CAST(COALESCE(SUM(completed), 0) AS BIGINT) AS completed, CAST(COALESCE(SUM(completed_on_time), 0) AS BIGINT) AS completed_on_time, \
     CAST(COALESCE(SUM(issued), 0) AS BIGINT) AS issued, CAST(COALESCE(SUM(rejected), 0) AS BIGINT) AS rejected, \
     CAST(COALESCE(SUM(withdrawn), 0) AS BIGINT) AS withdrawn";

fn counts_of(row: &sqlx::any::AnyRow) -> Result<Counts, sqlx::Error> {
    Ok(Counts {
        received: row.try_get("received")?,
        returned: row.try_get("returned")?,
        completed: row.try_get("completed")?,
        completed_on_time: row.try_get("completed_on_time")?,
        issued: row.try_get("issued")?,
        rejected: row.try_get("rejected")?,
        withdrawn: row.try_get("withdrawn")?,
    })
}

/// How a breakdown is keyed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Breakdown {
    Day,
    /// `YYYY-MM`.
    Month,
    Service,
    Agency,
}

impl Breakdown {
    fn key(self) -> &'static str {
        match self {
            Breakdown::Day => "day",
            Breakdown::Month => "SUBSTR(day, 1, 7)",
            Breakdown::Service => "service_id",
            Breakdown::Agency => "agency_id",
        }
    }
}

/// The counts of a scope.
pub async fn counts(app: &AppState, scope: &Scope) -> Result<Counts, sqlx::Error> {
    let (filter, binds) = scope.filter(false);
    let sql = format!("SELECT {SUMS} FROM service_daily_stats WHERE {filter}");
    let row = platform::db::bind_all(sqlx::query(&sql), &binds)
        .fetch_one(&app.db.read)
        .await?;
    counts_of(&row)
}

/// The counts of a scope per day, month, service or agency (keys ascending).
pub async fn breakdown(
    app: &AppState,
    scope: &Scope,
    by: Breakdown,
) -> Result<Vec<KeyedCounts>, sqlx::Error> {
    let (filter, binds) = scope.filter(by == Breakdown::Day);
    let key = by.key();
    let sql = format!(
        "SELECT {key} AS k, {SUMS} FROM service_daily_stats WHERE {filter} GROUP BY {key} ORDER BY {key}"
    );
    let rows = platform::db::bind_all(sqlx::query(&sql), &binds)
        .fetch_all(&app.db.read)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(KeyedCounts {
                key: r.try_get("k")?,
                counts: counts_of(r)?,
            })
        })
        .collect()
}

/// The processing times of a scope.
pub async fn durations(app: &AppState, scope: &Scope) -> Result<Durations, sqlx::Error> {
    let (filter, binds) = scope.filter(false);
    let sql = format!(
        "SELECT working_days, CAST(SUM(completed) AS BIGINT) AS n FROM service_duration_stats WHERE {filter} \
         GROUP BY working_days ORDER BY working_days"
    );
    let rows = platform::db::bind_all(sqlx::query(&sql), &binds)
        .fetch_all(&app.db.read)
        .await?;
    let histogram = rows
        .iter()
        .map(|r| Ok((r.try_get("working_days")?, r.try_get("n")?)))
        .collect::<Result<BTreeMap<i64, i64>, sqlx::Error>>()?;
    Ok(Durations::of(&histogram))
}

/// The IKM of a scope, per `by` (service or agency) or over all when `None`: (key, IKM).
pub async fn ikm(
    app: &AppState,
    scope: &Scope,
    by: Option<Breakdown>,
) -> Result<Vec<(String, Ikm)>, sqlx::Error> {
    let (filter, binds) = scope.filter(by == Some(Breakdown::Day));
    // PostgreSQL refuses a constant in GROUP BY: the overall figure has none.
    let (key, group) = match by {
        Some(by) => (by.key(), format!("GROUP BY {0} ORDER BY {0}", by.key())),
        None => ("''", String::new()),
    };
    let sums: Vec<String> = (1..=9)
        .map(|e| format!("CAST(COALESCE(SUM(e{e}), 0) AS BIGINT) AS e{e}"))
        .collect();
    let sql = format!(
        "SELECT {key} AS k, CAST(COALESCE(SUM(respondents), 0) AS BIGINT) AS respondents, {} FROM skm_daily_stats WHERE {filter} {group}",
        sums.join(", ")
    );
    let rows = platform::db::bind_all(sqlx::query(&sql), &binds)
        .fetch_all(&app.db.read)
        .await?;
    let mut out = Vec::new();
    for row in &rows {
        let mut element_sums = [0_i64; 9];
        for (e, sum) in element_sums.iter_mut().enumerate() {
            *sum = row.try_get(format!("e{}", e + 1).as_str())?;
        }
        let respondents: i64 = row.try_get("respondents")?;
        if let Some(ikm) = skm::from_sums(respondents, &element_sums) {
            out.push((row.try_get("k")?, ikm));
        }
    }
    Ok(out)
}

/// A service as figures name it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ServiceName {
    pub id: String,
    pub code: String,
    pub agency_id: String,
    pub name_id: String,
    pub name_en: String,
}

/// Every service of the catalogue (published or not: figures outlive publication), by code.
pub async fn service_names(app: &AppState) -> Result<Vec<ServiceName>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT id, code, agency_id, name_id, name_en FROM services ORDER BY code")
            .fetch_all(&app.db.read)
            .await?;
    rows.iter()
        .map(|r| {
            Ok(ServiceName {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                agency_id: r.try_get("agency_id")?,
                name_id: r.try_get("name_id")?,
                name_en: r.try_get("name_en")?,
            })
        })
        .collect()
}

/// Applications of the agencies (all when empty) that are being processed now.
pub async fn in_progress(app: &AppState, agency_ids: &[String]) -> Result<i64, sqlx::Error> {
    let statuses = Status::ALL
        .iter()
        .filter(|s| **s != Status::Draft && !s.is_final())
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut sql = format!("SELECT COUNT(*) AS n FROM applications WHERE status IN ({statuses})");
    if !agency_ids.is_empty() {
        let marks: Vec<String> = (1..=agency_ids.len()).map(|n| format!("${n}")).collect();
        sql.push_str(&format!(" AND agency_id IN ({})", marks.join(", ")));
    }
    let row = platform::db::bind_all(sqlx::query(&sql), agency_ids)
        .fetch_one(&app.db.read)
        .await?;
    row.try_get("n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_median_and_p90_from_a_histogram() {
        // 10 completions: 1,1,2,2,2,3,3,4,5,9 working days.
        let histogram = BTreeMap::from([(1, 2), (2, 3), (3, 2), (4, 1), (5, 1), (9, 1)]);
        let d = Durations::of(&histogram);
        assert_eq!(
            (d.completed, d.median_days, d.p90_days),
            (10, Some(2), Some(5))
        );
        assert_eq!(Durations::of(&BTreeMap::new()).median_days, None);
    }

    #[test]
    fn percentages_need_a_whole() {
        let counts = Counts {
            completed: 3,
            completed_on_time: 2,
            ..Counts::default()
        };
        assert_eq!(counts.sla_compliance(), Some(66.7));
        assert_eq!(counts.returned_rate(), None);
    }
}
