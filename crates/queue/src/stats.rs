//! Queue figures for the leaders' dashboard and the public statistics, kept on write so a year
//! of a busy office is summed from a few thousand rows instead of a scan of its tickets. Owns
//! `queue_daily_stats` (per WITA day and hour of drawing, office and service group: tickets,
//! no-shows, the count and sum of waiting and of service times) and `queue_time_stats` (the
//! number of tickets per waiting or service time in tenths of a minute, per day and per month:
//! exact p90s).
//!
//! Definitions, the same as the office figures of [`crate::figures`]:
//! - a ticket counts once it has ended (served, or a no-show), on the WITA day and hour it was
//!   drawn, for the group it ended in; it is counted in the transaction that ends it
//!   ([`on_ended`]), and the increments commute, so concurrent counters never lose one;
//! - *waiting*: drawn → (last) call, for every ticket called; *service*: call → finish, for the
//!   tickets served to the end;
//! - means and nearest-rank p90s in minutes to one decimal. Times are kept per tenth of a minute
//!   (rounded half up), the precision they are shown with, so the p90 of any period is exact.
//!
//! [`rebuild`] recomputes all of it from the tickets (for data written directly).

use std::collections::BTreeMap;

use jiff::{ToSpan as _, civil::Date};
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
    for (kind, ms) in [("wait", t.wait_ms()), ("service", t.service_ms())] {
        if let Some(ms) = ms {
            let tenths = tenths_of_minute(ms);
            add_time(conn, "day", &t.day, &t.office_id, kind, tenths).await?;
            add_time(conn, "month", month_of(&t.day), &t.office_id, kind, tenths).await?;
        }
    }
    Ok(())
}

fn month_of(day: &str) -> &str {
    day.get(..7).unwrap_or(day)
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
    for table in ["queue_daily_stats", "queue_time_stats"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *tx)
            .await?;
    }
    type DailyKey = (String, i64, String, String);
    type TimeKey = (&'static str, String, String, &'static str, i64);
    let mut daily: BTreeMap<DailyKey, Sums> = BTreeMap::new();
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
            for (kind, ms) in [("wait", t.wait_ms()), ("service", t.service_ms())] {
                if let Some(ms) = ms {
                    let tenths = tenths_of_minute(ms);
                    for (span, bucket) in [("day", t.day.as_str()), ("month", month_of(&t.day))] {
                        *times
                            .entry((span, bucket.to_string(), t.office_id.clone(), kind, tenths))
                            .or_default() += 1;
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
    let counted = sqlx::query("SELECT 1 AS x FROM queue_daily_stats LIMIT 1")
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

    /// `WHERE` conditions for `queue_daily_stats` and their values.
    fn daily(&self) -> (String, Vec<String>) {
        let (offices, mut ids) = self.offices(3);
        let mut binds = vec![self.first_day.to_string(), self.last_day.to_string()];
        binds.append(&mut ids);
        (format!("day >= $1 AND day <= $2{offices}"), binds)
    }

    /// `WHERE` conditions for `queue_time_stats` of `kind`: the whole months inside the period
    /// from the monthly rows, the days around them from the daily rows.
    fn times(&self, kind: &str) -> (String, Vec<String>) {
        let mut binds = vec![kind.to_string()];
        let mut ranges = Vec::new();
        let mut range = |span: &str, from: String, to: String, binds: &mut Vec<String>| {
            binds.push(from);
            binds.push(to);
            ranges.push(format!(
                "(span = '{span}' AND bucket >= ${} AND bucket <= ${})",
                binds.len() - 1,
                binds.len()
            ));
        };
        let (first, last) = (self.first_day, self.last_day);
        // The first whole month starts on `first` or on the first of the next month.
        let whole_from = if first.day() == 1 {
            Some(first)
        } else {
            first.last_of_month().tomorrow().ok()
        };
        let whole_to = if last.tomorrow().is_ok_and(|d| d.day() == 1) {
            Some(last.first_of_month())
        } else {
            last.first_of_month().checked_sub(1.month()).ok()
        };
        match (whole_from, whole_to) {
            (Some(from), Some(to)) if from <= to => {
                let month = |d: Date| d.strftime("%Y-%m").to_string();
                range("month", month(from), month(to), &mut binds);
                if first < from {
                    let before = from.yesterday().unwrap_or(from);
                    range("day", first.to_string(), before.to_string(), &mut binds);
                }
                let after_last = to.last_of_month();
                if after_last < last {
                    let after = after_last.tomorrow().unwrap_or(last);
                    range("day", after.to_string(), last.to_string(), &mut binds);
                }
            }
            _ => range("day", first.to_string(), last.to_string(), &mut binds),
        }
        let (offices, mut ids) = self.offices(binds.len() + 1);
        binds.append(&mut ids);
        (
            format!("kind = $1 AND ({}){offices}", ranges.join(" OR ")),
            binds,
        )
    }
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

/// The nearest-rank p90 of a histogram (tenths ascending → tickets).
fn p90(histogram: &BTreeMap<i64, i64>) -> Option<i64> {
    let total: i64 = histogram.values().sum();
    if total == 0 {
        return None;
    }
    let rank = ((0.9 * total as f64).ceil() as i64).clamp(1, total);
    let mut seen = 0;
    for (tenths, n) in histogram {
        seen += n;
        if seen >= rank {
            return Some(*tenths);
        }
    }
    None
}

/// Time histograms of `kind` per office (`""` when not split by office).
async fn histograms(
    app: &AppState,
    scope: &Scope,
    kind: &str,
    per_office: bool,
) -> Result<BTreeMap<String, BTreeMap<i64, i64>>, sqlx::Error> {
    let (filter, binds) = scope.times(kind);
    // PostgreSQL refuses a constant in GROUP BY: the unsplit form groups by tenths alone.
    let (key, group) = if per_office {
        ("office_id", "office_id, tenths")
    } else {
        ("''", "tenths")
    };
    let sql = format!(
        "SELECT {key} AS k, tenths, CAST(SUM(tickets) AS BIGINT) AS n FROM queue_time_stats WHERE {filter} GROUP BY {group}"
    );
    let rows = platform::db::bind_all(sqlx::query(&sql), &binds)
        .fetch_all(&app.db.read)
        .await?;
    let mut out: BTreeMap<String, BTreeMap<i64, i64>> = BTreeMap::new();
    for r in &rows {
        *out.entry(r.try_get("k")?)
            .or_default()
            .entry(r.try_get("tenths")?)
            .or_default() += r.try_get::<i64, _>("n")?;
    }
    Ok(out)
}

/// The figures of a scope.
pub async fn totals(app: &AppState, scope: &Scope) -> Result<Totals, sqlx::Error> {
    let (filter, binds) = scope.daily();
    let sql = format!("SELECT {SUMS} FROM queue_daily_stats WHERE {filter}");
    let row = platform::db::bind_all(sqlx::query(&sql), &binds)
        .fetch_one(&app.db.read)
        .await?;
    let waits = histograms(app, scope, "wait", false).await?;
    let services = histograms(app, scope, "service", false).await?;
    Ok(Totals::of(
        &Sums::of(&row)?,
        waits.get("").and_then(p90),
        services.get("").and_then(p90),
    ))
}

/// The figures of a scope per office (office id → figures).
pub async fn by_office(
    app: &AppState,
    scope: &Scope,
) -> Result<BTreeMap<String, Totals>, sqlx::Error> {
    let (filter, binds) = scope.daily();
    let sql = format!(
        "SELECT office_id, {SUMS} FROM queue_daily_stats WHERE {filter} GROUP BY office_id"
    );
    let rows = platform::db::bind_all(sqlx::query(&sql), &binds)
        .fetch_all(&app.db.read)
        .await?;
    let waits = histograms(app, scope, "wait", true).await?;
    let services = histograms(app, scope, "service", true).await?;
    rows.iter()
        .map(|r| {
            let office: String = r.try_get("office_id")?;
            let totals = Totals::of(
                &Sums::of(r)?,
                waits.get(&office).and_then(p90),
                services.get(&office).and_then(p90),
            );
            Ok((office, totals))
        })
        .collect()
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

/// What [`breakdown`] splits by.
#[derive(Clone, Copy, Debug)]
pub enum Breakdown {
    Day,
    Month,
    Hour,
}

/// The counts of a scope per day, month or hour of drawing (keys ascending).
pub async fn breakdown(
    app: &AppState,
    scope: &Scope,
    by: Breakdown,
) -> Result<Vec<KeyedCounts>, sqlx::Error> {
    let (filter, binds) = scope.daily();
    let key = match by {
        Breakdown::Day => "day",
        Breakdown::Month => "SUBSTR(day, 1, 7)",
        Breakdown::Hour => "hour",
    };
    let sql = format!(
        "SELECT {key} AS k, {SUMS} FROM queue_daily_stats WHERE {filter} GROUP BY {key} ORDER BY {key}"
    );
    let rows = platform::db::bind_all(sqlx::query(&sql), &binds)
        .fetch_all(&app.db.read)
        .await?;
    rows.iter()
        .map(|r| {
            let key = match by {
                Breakdown::Hour => format!("{:02}", r.try_get::<i64, _>("k")?),
                _ => r.try_get("k")?,
            };
            let sums = Sums::of(r)?;
            Ok(KeyedCounts {
                key,
                tickets: sums.tickets,
                no_shows: sums.no_shows,
                mean_wait_minutes: Durations::from_parts(sums.waited, sums.wait_ms, None)
                    .mean_minutes_if_any(),
            })
        })
        .collect()
}

/// Tickets per weekday (1 = Monday … 7 = Sunday) and hour of drawing: the heat map of busy
/// hours. Only cells with tickets.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct HeatCell {
    pub weekday: i64,
    pub hour: i64,
    pub tickets: i64,
}

pub async fn heat(app: &AppState, scope: &Scope) -> Result<Vec<HeatCell>, sqlx::Error> {
    let (filter, binds) = scope.daily();
    let sql = format!(
        "SELECT day, hour, CAST(SUM(tickets) AS BIGINT) AS n FROM queue_daily_stats WHERE {filter} GROUP BY day, hour"
    );
    let rows = platform::db::bind_all(sqlx::query(&sql), &binds)
        .fetch_all(&app.db.read)
        .await?;
    let mut cells: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    for r in &rows {
        let day: String = r.try_get("day")?;
        let Ok(day) = day.parse::<Date>() else {
            continue;
        };
        let weekday = i64::from(day.weekday().to_monday_one_offset());
        *cells.entry((weekday, r.try_get("hour")?)).or_default() += r.try_get::<i64, _>("n")?;
    }
    Ok(cells
        .into_iter()
        .map(|((weekday, hour), tickets)| HeatCell {
            weekday,
            hour,
            tickets,
        })
        .collect())
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
        let (sql, binds) = scope(d(2026, 1, 15), d(2026, 4, 10)).times("wait");
        assert!(sql.contains("span = 'month'"), "{sql}");
        assert_eq!(
            binds,
            [
                "wait",
                "2026-02",
                "2026-03",
                "2026-01-15",
                "2026-01-31",
                "2026-04-01",
                "2026-04-10"
            ]
        );
        // Exactly whole months: no daily rows.
        let (_, binds) = scope(d(2026, 2, 1), d(2026, 3, 31)).times("wait");
        assert_eq!(binds, ["wait", "2026-02", "2026-03"]);
        // Inside one month: daily rows only.
        let (sql, binds) = scope(d(2026, 2, 3), d(2026, 2, 20)).times("service");
        assert!(!sql.contains("month"), "{sql}");
        assert_eq!(binds, ["service", "2026-02-03", "2026-02-20"]);
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
