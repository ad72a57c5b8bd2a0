//! Queue figures for the leaders' dashboard and the public statistics, kept on write so a year
//! of a busy office is summed from a few thousand rows instead of a scan of its tickets. Owns
//! `queue_daily_stats` (per WITA day and hour of drawing, office and service group: tickets,
//! no-shows, the count and sum of waiting and of service times) and `queue_time_stats` (the
//! number of tickets per waiting or service time in tenths of a minute, per day, month and
//! year: exact p90s) and `queue_month_stats` (per month, office, weekday and hour: long periods
//! read their whole months from it, with the heat map still exact).
//!
//! Definitions, the same as the office figures of [`crate::figures`]:
//! - a ticket counts once it has ended (served, or a no-show), on the WITA day and hour it was
//!   drawn, for the group it ended in; it is counted in the transaction that ends it
//!   ([`on_ended`]), and the increments commute, so concurrent counters never lose one;
//! - *waiting*: drawn → (last) call, for every ticket called; *service*: call → finish, for the
//!   tickets served to the end;
//! - means and nearest-rank p90s in minutes to one decimal. Times are kept per tenth of a minute
//!   (rounded half up), the precision they are shown with, so the p90 of any period is exact.
//!   Beside each tenths histogram (kinds `wait`, `service`) a coarse one counts per whole minute
//!   (kinds `wait_min`, `service_min`, the `tenths` column holding the minute): the p90 is read
//!   as the minute that holds its rank, then the tenths of that minute only — exact, from about
//!   a tenth of the rows.
//!
//! [`rebuild`] recomputes all of it from the tickets (for data written directly).

use std::collections::BTreeMap;

use jiff::civil::Date;
use platform::AppState;
use serde::Serialize;
use sqlx::{AnyConnection, Row as _};
use utoipa::ToSchema;

use crate::figures::{Durations, tenths_of_minute};

/// A ticket that has just ended, as its UPDATE … RETURNING gave it.
#[derive(Clone, Debug)]
pub(crate) struct Ended {
    pub office_id: String,
    pub group_id: String,
    pub day: String,
    pub status: String,
    pub issued_ms: i64,
    pub called_ms: Option<i64>,
    pub finished_ms: Option<i64>,
}

impl Ended {
    pub(crate) fn from_row(row: &sqlx::any::AnyRow) -> Result<Ended, sqlx::Error> {
        Ok(Ended {
            office_id: row.try_get("office_id")?,
            group_id: row.try_get("group_id")?,
            day: row.try_get("day")?,
            status: row.try_get("status")?,
            issued_ms: row.try_get("issued_ms")?,
            called_ms: row.try_get("called_ms")?,
            finished_ms: row.try_get("finished_ms")?,
        })
    }

    /// The WITA hour (0–23) the ticket was drawn.
    fn hour(&self) -> i64 {
        jiff::Timestamp::from_millisecond(self.issued_ms)
            .map(|ts| i64::from(ts.to_zoned(platform::clock::wita().clone()).hour()))
            .unwrap_or_default()
    }

    fn month_key(&self) -> MonthKey {
        MonthKey {
            month: month_of(&self.day).to_string(),
            office_id: self.office_id.clone(),
            weekday: weekday_of(&self.day).unwrap_or_default(),
            hour: self.hour(),
        }
    }

    fn no_show(&self) -> bool {
        self.status == "no_show"
    }

    fn wait_ms(&self) -> Option<i64> {
        self.called_ms.map(|c| (c - self.issued_ms).max(0))
    }

    fn service_ms(&self) -> Option<i64> {
        match (self.called_ms, self.finished_ms) {
            (Some(c), Some(f)) if !self.no_show() => Some((f - c).max(0)),
            _ => None,
        }
    }
}

/// The columns [`Ended::from_row`] reads.
pub(crate) const ENDED_COLUMNS: &str =
    "office_id, group_id, day, status, issued_ms, called_ms, finished_ms";

/// Counts a ticket that ended (served or no-show) inside the transaction that ended it.
pub(crate) async fn on_ended(conn: &mut AnyConnection, t: &Ended) -> Result<(), sqlx::Error> {
    let mut sums = Sums::default();
    sums.add(t);
    add_daily(conn, &t.day, t.hour(), &t.office_id, &t.group_id, &sums).await?;
    add_month(conn, &t.month_key(), &sums).await?;
    for (kind, ms) in [("wait", t.wait_ms()), ("service", t.service_ms())] {
        if let Some(ms) = ms {
            for (kind, value) in time_values(kind, ms) {
                for (span, bucket) in time_buckets(&t.day) {
                    add_time(conn, span, bucket, &t.office_id, kind, value).await?;
                }
            }
        }
    }
    Ok(())
}

/// The histogram rows a time of `ms` of `kind` (`wait`, `service`) is counted in: its tenth of
/// a minute, and its whole minute in the coarse kind.
fn time_values(kind: &'static str, ms: i64) -> [(&'static str, i64); 2] {
    let tenths = tenths_of_minute(ms);
    [(kind, tenths), (coarse_kind(kind), tenths / 10)]
}

/// The whole-minute histogram kind beside a tenths kind.
fn coarse_kind(kind: &str) -> &'static str {
    if kind == "wait" {
        "wait_min"
    } else {
        "service_min"
    }
}

fn month_of(day: &str) -> &str {
    day.get(..7).unwrap_or(day)
}

/// The time histograms a ticket of `day` is counted in: its day's, month's and year's.
fn time_buckets(day: &str) -> [(&'static str, &str); 3] {
    [
        ("day", day),
        ("month", month_of(day)),
        ("year", day.get(..4).unwrap_or(day)),
    ]
}

/// The weekday (1 = Monday … 7 = Sunday) of a `YYYY-MM-DD` day.
fn weekday_of(day: &str) -> Option<i64> {
    day.parse::<Date>()
        .ok()
        .map(|d| i64::from(d.weekday().to_monday_one_offset()))
}

/// The key of a ticket's row in `queue_month_stats`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct MonthKey {
    month: String,
    office_id: String,
    weekday: i64,
    hour: i64,
}

/// Counts of a set of ended tickets.
#[derive(Clone, Debug, Default, PartialEq)]
struct Sums {
    tickets: i64,
    no_shows: i64,
    waited: i64,
    wait_ms: i64,
    served: i64,
    service_ms: i64,
}

impl Sums {
    fn merge(&mut self, other: &Sums) {
        self.tickets += other.tickets;
        self.no_shows += other.no_shows;
        self.waited += other.waited;
        self.wait_ms += other.wait_ms;
        self.served += other.served;
        self.service_ms += other.service_ms;
    }

    fn keyed(&self, key: String) -> KeyedCounts {
        KeyedCounts {
            key,
            tickets: self.tickets,
            no_shows: self.no_shows,
            mean_wait_minutes: Durations::from_parts(self.waited, self.wait_ms, None)
                .mean_minutes_if_any(),
        }
    }

    fn add(&mut self, t: &Ended) {
        self.tickets += 1;
        self.no_shows += i64::from(t.no_show());
        if let Some(w) = t.wait_ms() {
            self.waited += 1;
            self.wait_ms += w;
        }
        if let Some(s) = t.service_ms() {
            self.served += 1;
            self.service_ms += s;
        }
    }

    fn of(row: &sqlx::any::AnyRow) -> Result<Sums, sqlx::Error> {
        let get = |name: &str| {
            row.try_get::<Option<i64>, _>(name)
                .map(Option::unwrap_or_default)
        };
        Ok(Sums {
            tickets: get("tickets")?,
            no_shows: get("no_shows")?,
            waited: get("waited")?,
            wait_ms: get("wait_ms")?,
            served: get("served")?,
            service_ms: get("service_ms")?,
        })
    }
}

async fn add_daily(
    conn: &mut AnyConnection,
    day: &str,
    hour: i64,
    office_id: &str,
    group_id: &str,
    s: &Sums,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO queue_daily_stats (day, hour, office_id, group_id, tickets, no_shows, waited, wait_ms, served, service_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (day, office_id, group_id, hour) DO UPDATE SET \
         tickets = queue_daily_stats.tickets + excluded.tickets, \
         no_shows = queue_daily_stats.no_shows + excluded.no_shows, \
         waited = queue_daily_stats.waited + excluded.waited, \
         wait_ms = queue_daily_stats.wait_ms + excluded.wait_ms, \
         served = queue_daily_stats.served + excluded.served, \
         service_ms = queue_daily_stats.service_ms + excluded.service_ms",
    )
    .bind(day)
    .bind(hour)
    .bind(office_id)
    .bind(group_id)
    .bind(s.tickets)
    .bind(s.no_shows)
    .bind(s.waited)
    .bind(s.wait_ms)
    .bind(s.served)
    .bind(s.service_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn add_month(conn: &mut AnyConnection, k: &MonthKey, s: &Sums) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO queue_month_stats (month, office_id, weekday, hour, tickets, no_shows, waited, wait_ms, served, service_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (month, office_id, weekday, hour) DO UPDATE SET \
         tickets = queue_month_stats.tickets + excluded.tickets, \
         no_shows = queue_month_stats.no_shows + excluded.no_shows, \
         waited = queue_month_stats.waited + excluded.waited, \
         wait_ms = queue_month_stats.wait_ms + excluded.wait_ms, \
         served = queue_month_stats.served + excluded.served, \
         service_ms = queue_month_stats.service_ms + excluded.service_ms",
    )
    .bind(&k.month)
    .bind(&k.office_id)
    .bind(k.weekday)
    .bind(k.hour)
    .bind(s.tickets)
    .bind(s.no_shows)
    .bind(s.waited)
    .bind(s.wait_ms)
    .bind(s.served)
    .bind(s.service_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn add_time(
    conn: &mut AnyConnection,
    span: &str,
    bucket: &str,
    office_id: &str,
    kind: &str,
    tenths: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO queue_time_stats (span, bucket, office_id, kind, tenths, tickets) VALUES ($1, $2, $3, $4, $5, 1) \
         ON CONFLICT (span, kind, bucket, office_id, tenths) DO UPDATE SET tickets = queue_time_stats.tickets + excluded.tickets",
    )
    .bind(span)
    .bind(bucket)
    .bind(office_id)
    .bind(kind)
    .bind(tenths)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Recomputes every queue figure from the tickets, in one transaction (aggregated in memory
/// first: a few thousand rows per office and year, written with multi-row INSERTs); returns
/// the number of tickets counted.
pub async fn rebuild(app: &AppState) -> Result<u64, sqlx::Error> {
    let mut tx = app.db.begin().await?;
    for table in ["queue_daily_stats", "queue_month_stats", "queue_time_stats"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *tx)
            .await?;
    }
    type DailyKey = (String, i64, String, String);
    type TimeKey = (&'static str, String, String, &'static str, i64);
    let mut daily: BTreeMap<DailyKey, Sums> = BTreeMap::new();
    let mut monthly: BTreeMap<MonthKey, Sums> = BTreeMap::new();
    let mut times: BTreeMap<TimeKey, i64> = BTreeMap::new();
    let mut counted = 0_u64;
    // Keyset pages, so a million tickets never sit in memory at once.
    let mut after = String::new();
    loop {
        let rows = sqlx::query(&format!(
            "SELECT id, {ENDED_COLUMNS} FROM queue_tickets WHERE status IN ('done', 'no_show') AND id > $1 ORDER BY id LIMIT 10000"
        ))
        .bind(&after)
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("id")?;
        for row in &rows {
            let t = Ended::from_row(row)?;
            counted += 1;
            daily
                .entry((
                    t.day.clone(),
                    t.hour(),
                    t.office_id.clone(),
                    t.group_id.clone(),
                ))
                .or_default()
                .add(&t);
            monthly.entry(t.month_key()).or_default().add(&t);
            for (kind, ms) in [("wait", t.wait_ms()), ("service", t.service_ms())] {
                if let Some(ms) = ms {
                    for (kind, value) in time_values(kind, ms) {
                        for (span, bucket) in time_buckets(&t.day) {
                            *times
                                .entry((span, bucket.to_string(), t.office_id.clone(), kind, value))
                                .or_default() += 1;
                        }
                    }
                }
            }
        }
    }
    use platform::db::{
        Value::{Int, Text},
        insert_rows,
    };
    let daily: Vec<Vec<platform::db::Value>> = daily
        .into_iter()
        .map(|((day, hour, office, group), s)| {
            vec![
                Text(day),
                Int(hour),
                Text(office),
                Text(group),
                Int(s.tickets),
                Int(s.no_shows),
                Int(s.waited),
                Int(s.wait_ms),
                Int(s.served),
                Int(s.service_ms),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "queue_daily_stats",
        &[
            "day",
            "hour",
            "office_id",
            "group_id",
            "tickets",
            "no_shows",
            "waited",
            "wait_ms",
            "served",
            "service_ms",
        ],
        &daily,
    )
    .await?;
    let monthly: Vec<Vec<platform::db::Value>> = monthly
        .into_iter()
        .map(|(k, s)| {
            vec![
                Text(k.month),
                Text(k.office_id),
                Int(k.weekday),
                Int(k.hour),
                Int(s.tickets),
                Int(s.no_shows),
                Int(s.waited),
                Int(s.wait_ms),
                Int(s.served),
                Int(s.service_ms),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "queue_month_stats",
        &[
            "month",
            "office_id",
            "weekday",
            "hour",
            "tickets",
            "no_shows",
            "waited",
            "wait_ms",
            "served",
            "service_ms",
        ],
        &monthly,
    )
    .await?;
    let times: Vec<Vec<platform::db::Value>> = times
        .into_iter()
        .map(|((span, bucket, office, kind, tenths), tickets)| {
            vec![
                Text(span.to_string()),
                Text(bucket),
                Text(office),
                Text(kind.to_string()),
                Int(tenths),
                Int(tickets),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        "queue_time_stats",
        &["span", "bucket", "office_id", "kind", "tenths", "tickets"],
        &times,
    )
    .await?;
    tx.commit().await?;
    Ok(counted)
}

/// Counts what is on file when nothing has been counted yet (a database from before these
/// tables): run by `sigap serve` at start. Returns whether it rebuilt.
pub async fn rebuild_if_uncounted(app: &AppState) -> Result<bool, sqlx::Error> {
    // Both the day rows and the month rows (added later: a database counted before them is
    // counted again).
    let counted = sqlx::query(
        "SELECT 1 AS x FROM queue_month_stats WHERE EXISTS (SELECT 1 FROM queue_daily_stats) LIMIT 1",
    )
    .fetch_optional(&app.db.read)
    .await?
    .is_some();
    let ended =
        sqlx::query("SELECT 1 AS x FROM queue_tickets WHERE status IN ('done', 'no_show') LIMIT 1")
            .fetch_optional(&app.db.read)
            .await?
            .is_some();
    if counted || !ended {
        return Ok(false);
    }
    let tickets = rebuild(app).await?;
    tracing::info!(tickets, "queue statistics counted from the tickets on file");
    Ok(true)
}

// ---- Reading the figures ----

/// Which tickets a figure covers: a period of WITA days (both ends included) and the offices
/// (`None`: every office).
#[derive(Clone, Debug)]
pub struct Scope {
    pub first_day: Date,
    pub last_day: Date,
    pub office_ids: Option<Vec<String>>,
}

impl Scope {
    /// `AND office_id IN (…)` from placeholder `$next` on, and the values it binds.
    fn offices(&self, next: usize) -> (String, Vec<String>) {
        match &self.office_ids {
            None => (String::new(), Vec::new()),
            // No office at all: a condition nothing meets.
            Some(ids) if ids.is_empty() => (" AND 1 = 0".to_string(), Vec::new()),
            Some(ids) => {
                let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", next + i)).collect();
                (
                    format!(" AND office_id IN ({})", marks.join(", ")),
                    ids.clone(),
                )
            }
        }
    }

    /// `WHERE` conditions for `queue_time_stats` (the tenths kinds, or the whole-minute kinds
    /// when `coarse`): the whole years inside the period from the yearly rows, the whole
    /// months around them from the monthly rows, the days around those from the daily rows.
    fn times(&self, coarse: bool) -> (String, Vec<String>) {
        let kinds = if coarse {
            "kind IN ('wait_min', 'service_min')"
        } else {
            "kind IN ('wait', 'service')"
        };
        let (year, month, day) = (
            format!("span = 'year' AND {kinds}"),
            format!("span = 'month' AND {kinds}"),
            format!("span = 'day' AND {kinds}"),
        );
        let cut = platform::clock::month_cut(self.first_day, self.last_day);
        let mut ranges: Vec<(&str, String, String)> = Vec::new();
        if let Some((from, to)) = cut.months {
            let (years, months) = year_cut(&from, &to);
            if let Some((from, to)) = years {
                ranges.push((year.as_str(), from, to));
            }
            for (from, to) in months {
                ranges.push((month.as_str(), from, to));
            }
        }
        for (from, to) in cut.days {
            ranges.push((day.as_str(), from.to_string(), to.to_string()));
        }
        let mut binds = Vec::new();
        let ranges = platform::db::key_ranges("bucket", &ranges, &mut binds);
        let (offices, mut ids) = self.offices(binds.len() + 1);
        binds.append(&mut ids);
        (format!("({ranges}){offices}"), binds)
    }

    /// `WHERE` conditions for the day rows of `days` (runs of days) and their values.
    fn days(&self, days: &[(Date, Date)]) -> (String, Vec<String>) {
        let ranges: Vec<(&str, String, String)> = days
            .iter()
            .map(|(from, to)| ("", from.to_string(), to.to_string()))
            .collect();
        let mut binds = Vec::new();
        let ranges = platform::db::key_ranges("day", &ranges, &mut binds);
        let (offices, mut ids) = self.offices(binds.len() + 1);
        binds.append(&mut ids);
        (format!("({ranges}){offices}"), binds)
    }
}

/// A first and last key (`YYYY` or `YYYY-MM`), both included.
type KeyRange = (String, String);

/// Cuts the months `from..=to` (`YYYY-MM`) into whole calendar years (`YYYY`, first and
/// last) and the runs of months before and after them.
fn year_cut(from: &str, to: &str) -> (Option<KeyRange>, Vec<KeyRange>) {
    let parse = |m: &str| -> Option<(i32, i32)> {
        Some((m.get(..4)?.parse().ok()?, m.get(5..7)?.parse().ok()?))
    };
    let (Some((fy, fm)), Some((ty, tm))) = (parse(from), parse(to)) else {
        return (None, vec![(from.to_string(), to.to_string())]);
    };
    let first_year = if fm == 1 { fy } else { fy + 1 };
    let last_year = if tm == 12 { ty } else { ty - 1 };
    if first_year > last_year {
        return (None, vec![(from.to_string(), to.to_string())]);
    }
    let mut months = Vec::new();
    if fm != 1 {
        months.push((from.to_string(), format!("{fy:04}-12")));
    }
    if tm != 12 {
        months.push((format!("{ty:04}-01"), to.to_string()));
    }
    (
        Some((format!("{first_year:04}"), format!("{last_year:04}"))),
        months,
    )
}

const SUMS: &str = "CAST(SUM(tickets) AS BIGINT) AS tickets, CAST(SUM(no_shows) AS BIGINT) AS no_shows, \
     CAST(SUM(waited) AS BIGINT) AS waited, CAST(SUM(wait_ms) AS BIGINT) AS wait_ms, \
     CAST(SUM(served) AS BIGINT) AS served, CAST(SUM(service_ms) AS BIGINT) AS service_ms";

/// The figures of a set of tickets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Totals {
    /// Tickets ended (served or no-show).
    pub tickets: i64,
    pub no_shows: i64,
    /// No-shows per 100 tickets ended (`None` without tickets).
    pub no_show_rate: Option<f64>,
    pub waiting: Durations,
    pub service: Durations,
}

impl Totals {
    fn of(sums: &Sums, wait_p90_tenths: Option<i64>, service_p90_tenths: Option<i64>) -> Totals {
        Totals {
            tickets: sums.tickets,
            no_shows: sums.no_shows,
            no_show_rate: (sums.tickets > 0)
                .then(|| (1000.0 * sums.no_shows as f64 / sums.tickets as f64).round() / 10.0),
            waiting: Durations::from_parts(sums.waited, sums.wait_ms, wait_p90_tenths),
            service: Durations::from_parts(sums.served, sums.service_ms, service_p90_tenths),
        }
    }
}

/// The rank of the nearest-rank p90 among `total` values (`None` without values).
fn p90_rank(total: i64) -> Option<i64> {
    (total > 0).then(|| ((0.9 * total as f64).ceil() as i64).clamp(1, total))
}

/// The key holding the `rank`-th value of a histogram (keys ascending → counts), and how many
/// values lie below that key.
fn holding(histogram: &BTreeMap<i64, i64>, rank: i64) -> Option<(i64, i64)> {
    let mut below = 0;
    for (key, n) in histogram {
        if below + n >= rank {
            return Some((*key, below));
        }
        below += n;
    }
    None
}

/// The nearest-rank p90 of a histogram (tenths ascending → tickets).
#[cfg(test)]
fn p90(histogram: &BTreeMap<i64, i64>) -> Option<i64> {
    let rank = p90_rank(histogram.values().sum())?;
    holding(histogram, rank).map(|(key, _)| key)
}

/// The figures of a scope, everything the panel shows, from two grouped reads: the day rows
/// (per day, hour and office) give the totals, the offices, the series, the hours and the heat
/// map; the time rows (per kind, office and tenth) give every p90.
#[derive(Clone, Debug, Default)]
pub struct Figures {
    pub totals: Totals,
    /// Office id → figures (offices with tickets only).
    pub by_office: BTreeMap<String, Totals>,
    /// Per day or month (keys ascending).
    pub series: Vec<KeyedCounts>,
    /// Per hour of drawing (hours with tickets only).
    pub by_hour: Vec<KeyedCounts>,
    pub heat: Vec<HeatCell>,
}

/// Histograms per kind and office: kind → office → value → tickets.
type Histograms = BTreeMap<String, BTreeMap<String, BTreeMap<i64, i64>>>;

async fn read_histograms(
    app: &AppState,
    filter: &str,
    binds: &[String],
) -> Result<Histograms, sqlx::Error> {
    let sql = format!(
        "SELECT kind, office_id, tenths, CAST(SUM(tickets) AS BIGINT) AS n FROM queue_time_stats WHERE {filter} \
         GROUP BY kind, office_id, tenths"
    );
    let rows = platform::db::bind_all(sqlx::query(&sql), binds)
        .fetch_all(&app.db.read)
        .await?;
    let mut out = Histograms::new();
    for r in &rows {
        *out.entry(r.try_get("kind")?)
            .or_default()
            .entry(r.try_get("office_id")?)
            .or_default()
            .entry(r.try_get("tenths")?)
            .or_default() += r.try_get::<i64, _>("n")?;
    }
    Ok(out)
}

/// One office's histogram, or (`None`) every office's merged.
fn histogram_of(
    per_office: Option<&BTreeMap<String, BTreeMap<i64, i64>>>,
    office: Option<&str>,
) -> BTreeMap<i64, i64> {
    let Some(per_office) = per_office else {
        return BTreeMap::new();
    };
    match office {
        Some(office) => per_office.get(office).cloned().unwrap_or_default(),
        None => {
            let mut merged = BTreeMap::new();
            for histogram in per_office.values() {
                for (value, n) in histogram {
                    *merged.entry(*value).or_default() += n;
                }
            }
            merged
        }
    }
}

/// Waiting (`wait`) and service (`service`) p90s in tenths of a minute, per office and for
/// all offices (`None`): (kind, office) → p90.
type P90s = BTreeMap<(&'static str, Option<String>), i64>;

/// Every p90 of a scope from two reads: the whole-minute histograms locate the minute holding
/// each p90's rank; the tenths of those minutes alone then give the exact value.
async fn p90s(app: &AppState, scope: &Scope) -> Result<P90s, sqlx::Error> {
    let (filter, binds) = scope.times(true);
    let coarse = read_histograms(app, &filter, &binds).await?;
    // (kind, office) → (the minute holding the rank, the rank within that minute).
    let mut wanted: BTreeMap<(&'static str, Option<String>), (i64, i64)> = BTreeMap::new();
    for kind in ["wait", "service"] {
        let per_office = coarse.get(coarse_kind(kind));
        let offices = per_office.map(|p| p.keys().cloned().collect::<Vec<_>>());
        for office in std::iter::once(None).chain(offices.unwrap_or_default().into_iter().map(Some))
        {
            let minutes = histogram_of(per_office, office.as_deref());
            if let Some(rank) = p90_rank(minutes.values().sum())
                && let Some((minute, below)) = holding(&minutes, rank)
            {
                wanted.insert((kind, office), (minute, rank - below));
            }
        }
    }
    if wanted.is_empty() {
        return Ok(P90s::new());
    }
    // The tenths of the wanted minutes (values the code computed, not input: written inline).
    let mut minutes: Vec<(&str, i64)> = wanted
        .iter()
        .map(|((kind, _), (m, _))| (*kind, *m))
        .collect();
    minutes.sort_unstable();
    minutes.dedup();
    let only: Vec<String> = minutes
        .iter()
        .map(|(kind, minute)| {
            format!(
                "(kind = '{kind}' AND tenths >= {} AND tenths <= {})",
                minute * 10,
                minute * 10 + 9
            )
        })
        .collect();
    let (filter, binds) = scope.times(false);
    let fine = read_histograms(
        app,
        &format!("{filter} AND ({})", only.join(" OR ")),
        &binds,
    )
    .await?;
    let mut out = P90s::new();
    for ((kind, office), (minute, rank)) in wanted {
        let tenths: BTreeMap<i64, i64> = histogram_of(fine.get(kind), office.as_deref())
            .into_iter()
            .filter(|(t, _)| t / 10 == minute)
            .collect();
        if let Some((value, _)) = holding(&tenths, rank) {
            out.insert((kind, office), value);
        }
    }
    Ok(out)
}

/// The figures of a scope, its series per day or per month.
pub async fn figures(
    app: &AppState,
    scope: &Scope,
    series_by: Breakdown,
) -> Result<Figures, sqlx::Error> {
    // A series per month reads the whole months from the month rows and only the days
    // around them from the day rows; a series per day (periods up to 92 days) the day rows.
    let cut = match series_by {
        Breakdown::Month => platform::clock::month_cut(scope.first_day, scope.last_day),
        Breakdown::Day => platform::clock::MonthCut::days_only(scope.first_day, scope.last_day),
    };
    // (series key, office, weekday, hour, sums) of every row read.
    let mut read: Vec<(String, String, i64, i64, Sums)> = Vec::new();
    if let Some((from, to)) = &cut.months {
        let (offices, ids) = scope.offices(3);
        let mut binds = vec![from.clone(), to.clone()];
        binds.extend(ids);
        let sql = format!(
            "SELECT month, office_id, weekday, hour, {SUMS} FROM queue_month_stats \
             WHERE month >= $1 AND month <= $2{offices} GROUP BY month, office_id, weekday, hour"
        );
        for r in platform::db::bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&app.db.read)
            .await?
        {
            read.push((
                r.try_get("month")?,
                r.try_get("office_id")?,
                r.try_get("weekday")?,
                r.try_get("hour")?,
                Sums::of(&r)?,
            ));
        }
    }
    if !cut.days.is_empty() {
        let (filter, binds) = scope.days(&cut.days);
        let sql = format!(
            "SELECT day, hour, office_id, {SUMS} FROM queue_daily_stats WHERE {filter} GROUP BY day, hour, office_id"
        );
        for r in platform::db::bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&app.db.read)
            .await?
        {
            let day: String = r.try_get("day")?;
            let key = match series_by {
                Breakdown::Month => month_of(&day).to_string(),
                Breakdown::Day => day.clone(),
            };
            read.push((
                key,
                r.try_get("office_id")?,
                weekday_of(&day).unwrap_or_default(),
                r.try_get("hour")?,
                Sums::of(&r)?,
            ));
        }
    }
    let mut all = Sums::default();
    let mut offices: BTreeMap<String, Sums> = BTreeMap::new();
    let mut series: BTreeMap<String, Sums> = BTreeMap::new();
    let mut hours: BTreeMap<i64, Sums> = BTreeMap::new();
    let mut cells: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    for (key, office, weekday, hour, sums) in read {
        all.merge(&sums);
        offices.entry(office).or_default().merge(&sums);
        series.entry(key).or_default().merge(&sums);
        hours.entry(hour).or_default().merge(&sums);
        *cells.entry((weekday, hour)).or_default() += sums.tickets;
    }
    let p90s = p90s(app, scope).await?;
    let p90_of = |kind: &'static str, office: Option<&str>| -> Option<i64> {
        p90s.get(&(kind, office.map(str::to_string))).copied()
    };
    Ok(Figures {
        totals: Totals::of(&all, p90_of("wait", None), p90_of("service", None)),
        by_office: offices
            .iter()
            .map(|(office, sums)| {
                (
                    office.clone(),
                    Totals::of(
                        sums,
                        p90_of("wait", Some(office)),
                        p90_of("service", Some(office)),
                    ),
                )
            })
            .collect(),
        series: series.into_iter().map(|(k, s)| s.keyed(k)).collect(),
        by_hour: hours
            .into_iter()
            .map(|(h, s)| s.keyed(format!("{h:02}")))
            .collect(),
        heat: cells
            .into_iter()
            .map(|((weekday, hour), tickets)| HeatCell {
                weekday,
                hour,
                tickets,
            })
            .collect(),
    })
}

/// Tickets ended, no-shows and the mean wait of one key of a breakdown.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[schema(as = QueueKeyedCounts)]
pub struct KeyedCounts {
    /// A day (`YYYY-MM-DD`), a month (`YYYY-MM`) or an hour (`08`).
    pub key: String,
    pub tickets: i64,
    pub no_shows: i64,
    /// Mean waiting time in minutes (`None` when nobody was called).
    pub mean_wait_minutes: Option<f64>,
}

/// How a series is keyed.
#[derive(Clone, Copy, Debug)]
pub enum Breakdown {
    Day,
    Month,
}

/// Tickets per weekday (1 = Monday … 7 = Sunday) and hour of drawing: the heat map of busy
/// hours. Only cells with tickets.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct HeatCell {
    pub weekday: i64,
    pub hour: i64,
    pub tickets: i64,
}

/// An office, for names and agency scoping.
#[derive(Clone, Debug)]
pub struct OfficeName {
    pub id: String,
    pub code: String,
    pub agency_id: String,
    pub name_id: String,
    pub name_en: String,
}

/// Every office, by code.
pub async fn offices(app: &AppState) -> Result<Vec<OfficeName>, sqlx::Error> {
    Ok(crate::store::list_offices(&app.db)
        .await?
        .into_iter()
        .map(|o| OfficeName {
            id: o.id,
            code: o.code,
            agency_id: o.agency_id,
            name_id: o.name_id,
            name_en: o.name_en,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(first: Date, last: Date) -> Scope {
        Scope {
            first_day: first,
            last_day: last,
            office_ids: None,
        }
    }

    #[test]
    fn whole_months_come_from_the_monthly_rows_and_the_days_around_them_from_the_daily_rows() {
        let d = jiff::civil::date;
        let (sql, binds) = scope(d(2026, 1, 15), d(2026, 4, 10)).times(false);
        assert!(sql.contains("span = 'month'"), "{sql}");
        assert_eq!(
            binds,
            [
                "2026-02",
                "2026-03",
                "2026-01-15",
                "2026-01-31",
                "2026-04-01",
                "2026-04-10"
            ]
        );
        // Exactly whole months: no daily rows.
        let (_, binds) = scope(d(2026, 2, 1), d(2026, 3, 31)).times(false);
        assert_eq!(binds, ["2026-02", "2026-03"]);
        // Inside one month: daily rows only.
        let (sql, binds) = scope(d(2026, 2, 3), d(2026, 2, 20)).times(false);
        assert!(!sql.contains("month"), "{sql}");
        assert_eq!(binds, ["2026-02-03", "2026-02-20"]);
    }

    #[test]
    fn whole_years_come_from_the_yearly_histograms() {
        let d = jiff::civil::date;
        let (_, binds) = scope(d(2023, 12, 3), d(2026, 12, 2)).times(false);
        assert_eq!(
            binds,
            [
                "2024",
                "2025",
                "2026-01",
                "2026-11",
                "2023-12-03",
                "2023-12-31",
                "2026-12-01",
                "2026-12-02"
            ]
        );
        assert_eq!(
            year_cut("2025-03", "2026-02"),
            (None, vec![("2025-03".into(), "2026-02".into())])
        );
        assert_eq!(
            year_cut("2025-03", "2026-12"),
            (
                Some(("2026".into(), "2026".into())),
                vec![("2025-03".into(), "2025-12".into())]
            )
        );
    }

    #[test]
    fn the_p90_located_by_whole_minutes_then_read_from_their_tenths_is_the_p90_of_the_tenths() {
        let mut seed: u64 = 7;
        let mut next = |below: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            i64::try_from((seed >> 33) % below).unwrap_or(0)
        };
        for _ in 0..500 {
            let mut tenths: BTreeMap<i64, i64> = BTreeMap::new();
            for _ in 0..(1 + next(40)) {
                *tenths.entry(next(600)).or_default() += 1 + next(5);
            }
            let mut minutes: BTreeMap<i64, i64> = BTreeMap::new();
            for (t, n) in &tenths {
                *minutes.entry(t / 10).or_default() += n;
            }
            let rank = p90_rank(minutes.values().sum()).expect("values");
            let (minute, below) = holding(&minutes, rank).expect("a minute");
            let within: BTreeMap<i64, i64> = tenths
                .iter()
                .filter(|(t, _)| *t / 10 == minute)
                .map(|(t, n)| (*t, *n))
                .collect();
            let located = holding(&within, rank - below).map(|(t, _)| t);
            assert_eq!(located, p90(&tenths), "{tenths:?}");
        }
    }

    #[test]
    fn the_p90_is_the_nearest_rank_of_the_histogram() {
        let h: BTreeMap<i64, i64> = [(10, 5), (20, 4), (30, 1)].into_iter().collect();
        assert_eq!(p90(&h), Some(20));
        assert_eq!(p90(&BTreeMap::new()), None);
        let one: BTreeMap<i64, i64> = [(7, 1)].into_iter().collect();
        assert_eq!(p90(&one), Some(7));
    }
}
