//! Applications without the people in them, for the leaders' row-level export: one row per
//! submitted application with its service, agency, kelurahan, days and outcome, and nothing that
//! names or reaches a person (no applicant, NIK, contact, address, purpose, answers or notes;
//! not even the tracking number or id, which lead back to the applicant).
//!
//! Read a page at a time in submission order ([`page`], keyset-paginated on
//! `(submitted_ms, id)`, which the index `applications_submitted` serves), so an export of a
//! million applications never holds more than one page.

use jiff::civil::Date;
use platform::AppState;
use sqlx::Row as _;

use crate::{
    calendar::{self, Calendar},
    stats::Scope,
};

/// One application, anonymised. The definitions are the dashboard's (see [`crate::stats`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnonymisedApplication {
    pub service_id: String,
    pub agency_id: String,
    /// Kelurahan code (empty when the service asks for none).
    pub kelurahan_code: String,
    /// WITA day of submission.
    pub submitted_day: Date,
    /// Status now (`submitted`, `issued`, …).
    pub status: String,
    /// WITA day of completion (issued or rejected), if completed.
    pub completed_day: Option<Date>,
    /// Working days from submission to completion.
    pub working_days: Option<i64>,
    /// Completed on or before the due day.
    pub sla_met: Option<bool>,
    /// Returned for revision at least once.
    pub returned_for_revision: bool,
}

/// Where the next page starts (the last row's key); opaque to callers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    submitted_ms: i64,
    id: String,
}

/// Half-open range of instants `[start, end)` covering the WITA days of `scope`.
fn instants(scope: &Scope) -> Result<(i64, i64), sqlx::Error> {
    let start = |day: Date| -> Result<i64, sqlx::Error> {
        day.to_zoned(platform::clock::wita().clone())
            .map(|z| z.timestamp().as_millisecond())
            .map_err(|e| sqlx::Error::Protocol(format!("WITA day {day}: {e}")))
    };
    let after = scope
        .last_day
        .tomorrow()
        .map_err(|e| sqlx::Error::Protocol(format!("day after {}: {e}", scope.last_day)))?;
    Ok((start(scope.first_day)?, start(after)?))
}

const COLUMNS: &str = "SELECT a.id, a.service_id, a.agency_id, a.kelurahan_code, a.submitted_ms, a.status, a.due_day, \
     (SELECT MAX(e.at_ms) FROM application_events e WHERE e.application_id = a.id AND e.status IN ('issued', 'rejected')) AS completed_ms, \
     (SELECT COUNT(*) FROM application_events e WHERE e.application_id = a.id AND e.status = 'returned_for_revision') AS returns \
     FROM applications a";

/// Up to `limit` applications of `scope` submitted after `after`, in submission order, and the
/// cursor of the next page (`None` when this was the last). Holidays come from `holidays`, so
/// an export loads the calendar once.
pub async fn page(
    app: &AppState,
    scope: &Scope,
    holidays: &Calendar,
    after: Option<&Cursor>,
    limit: i64,
) -> Result<(Vec<AnonymisedApplication>, Option<Cursor>), sqlx::Error> {
    let (start, end) = instants(scope)?;
    let mut binds: Vec<Bind> = vec![Bind::Int(start), Bind::Int(end)];
    let mut sql = format!("{COLUMNS} WHERE a.submitted_ms >= $1 AND a.submitted_ms < $2");
    if let Some(cursor) = after {
        binds.push(Bind::Int(cursor.submitted_ms));
        binds.push(Bind::Text(cursor.id.clone()));
        // The first condition alone bounds the index range, so each page starts where the
        // last ended instead of scanning from the period's start again.
        sql.push_str(" AND a.submitted_ms >= $3 AND (a.submitted_ms > $3 OR a.id > $4)");
    }
    if !scope.agency_ids.is_empty() {
        let marks: Vec<String> = (0..scope.agency_ids.len())
            .map(|i| format!("${}", binds.len() + i + 1))
            .collect();
        sql.push_str(&format!(" AND a.agency_id IN ({})", marks.join(", ")));
        binds.extend(scope.agency_ids.iter().cloned().map(Bind::Text));
    }
    if let Some(service) = &scope.service_id {
        binds.push(Bind::Text(service.clone()));
        sql.push_str(&format!(" AND a.service_id = ${}", binds.len()));
    }
    binds.push(Bind::Int(limit));
    sql.push_str(&format!(
        " ORDER BY a.submitted_ms, a.id LIMIT ${}",
        binds.len()
    ));
    let mut query = sqlx::query(&sql);
    for bind in &binds {
        query = match bind {
            Bind::Int(n) => query.bind(*n),
            Bind::Text(t) => query.bind(t.as_str()),
        };
    }
    let rows = query.fetch_all(&app.db.read).await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut last = None;
    for row in &rows {
        let submitted_ms: i64 = row.try_get("submitted_ms")?;
        let submitted_day = calendar::wita_date(submitted_ms);
        let completed_day = row
            .try_get::<Option<i64>, _>("completed_ms")?
            .map(calendar::wita_date);
        let due = row
            .try_get::<Option<String>, _>("due_day")?
            .as_deref()
            .and_then(calendar::parse_date);
        out.push(AnonymisedApplication {
            service_id: row.try_get("service_id")?,
            agency_id: row.try_get("agency_id")?,
            kelurahan_code: row.try_get("kelurahan_code")?,
            submitted_day,
            status: row.try_get("status")?,
            working_days: completed_day.map(|d| holidays.working_days_between(submitted_day, d)),
            sla_met: completed_day.map(|d| due.is_some_and(|due| d <= due)),
            completed_day,
            returned_for_revision: row.try_get::<i64, _>("returns")? > 0,
        });
        last = Some(Cursor {
            submitted_ms,
            id: row.try_get("id")?,
        });
    }
    let full = i64::try_from(rows.len()).unwrap_or(i64::MAX) >= limit;
    Ok((out, if full { last } else { None }))
}

enum Bind {
    Int(i64),
    Text(String),
}
