//! Competency gap totals, kept up to date on write: for every (agency, unit, position) group and
//! every competency the position requires, how many employees the group has, how many of them
//! are below the required level, and the sum of their gaps (see [`crate::competencies::gap`]:
//! required − current assessed level, never assessed counts as 0). The training needs analysis
//! and the leaders' dashboard read these few thousand rows instead of joining 50,000 employees
//! with their assessments on every request.
//!
//! Exact by construction: a write never adjusts a total by a delta; it recomputes the totals of
//! each group it touched from the raw rows, in its own transaction. Writers of the same position
//! are serialised by a row lock on `competency_gap_locks` taken before the recomputation, so on
//! PostgreSQL (READ COMMITTED: every statement sees what committed before it) the later writer
//! recomputes with the earlier one's rows; SQLite has one writer anyway.
//!
//! Who must call what, in the transaction of the write:
//! - an employee added, moved (agency, unit, position) or imported: [`refresh_groups`] with the
//!   group before ([`lock_employee_group`]) and after;
//! - an assessment recorded: [`refresh_groups`] with the employee's group;
//! - a position requirement set: [`refresh_position`];
//! - rows written directly (demo loaders, benches, repairs): [`rebuild`], or `sigap
//!   rebuild-figures` from the command line.

use std::collections::BTreeSet;

use platform::{AppState, clock};
use sqlx::{AnyConnection, Row as _};

/// The employees whose gaps are summed together.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct GapGroup {
    pub position: String,
    pub agency_id: String,
    pub unit: String,
}

/// The gaps of the employees `filter` selects (a condition on `employees` aliased `x`, whose
/// placeholders start at `$1`), summed per group and competency: each (employee, required
/// competency) pair first counts as fully missing, then every current assessment of a required
/// competency takes back what it covers (min(assessed, required)) and, when it meets the level,
/// its employee from `with_gap`. Two grouped scans instead of a join of every pair. PostgreSQL
/// sums BIGINT as NUMERIC, which the Any driver cannot read: hence the casts.
fn recompute(filter: &str) -> String {
    format!(
        "INSERT INTO competency_gap_totals (agency_id, unit, position, competency_id, employees, with_gap, total_gap) \
         SELECT g.agency_id, g.unit, g.position, g.competency_id, CAST(SUM(g.employees) AS BIGINT), \
         CAST(SUM(g.with_gap) AS BIGINT), CAST(SUM(g.total_gap) AS BIGINT) FROM ( \
           SELECT p.agency_id, p.unit, p.position, r.competency_id, p.n AS employees, p.n AS with_gap, p.n * r.level AS total_gap \
           FROM (SELECT x.agency_id, x.unit, x.position, COUNT(*) AS n FROM employees x WHERE {filter} \
                 GROUP BY x.agency_id, x.unit, x.position) p \
           JOIN position_requirements r ON r.position = p.position \
           UNION ALL \
           SELECT x.agency_id, x.unit, x.position, r.competency_id, 0, \
           -SUM(CASE WHEN s.level >= r.level THEN 1 ELSE 0 END), \
           -SUM(CASE WHEN s.level >= r.level THEN r.level ELSE s.level END) \
           FROM assessments s JOIN employees x ON x.id = s.employee_id \
           JOIN position_requirements r ON r.position = x.position AND r.competency_id = s.competency_id \
           WHERE s.is_current = 1 AND {filter} \
           GROUP BY x.agency_id, x.unit, x.position, r.competency_id \
         ) g GROUP BY g.agency_id, g.unit, g.position, g.competency_id"
    )
}

/// Takes (and creates when new) the lock row of `position` until the transaction ends.
async fn lock_position(conn: &mut AnyConnection, position: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO competency_gap_locks (position, refreshed_ms) VALUES ($1, $2) \
         ON CONFLICT (position) DO UPDATE SET refreshed_ms = excluded.refreshed_ms",
    )
    .bind(position)
    .bind(clock::now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// The group an employee is in now, with the employee's row locked until the transaction ends
/// (a no-op update), so a concurrent move of the same employee cannot slip between this read
/// and the caller's write. `None` for an unknown NIP.
pub(crate) async fn lock_employee_group(
    conn: &mut AnyConnection,
    nip: &str,
) -> Result<Option<GapGroup>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE employees SET updated_ms = updated_ms WHERE nip = $1 RETURNING agency_id, unit, position",
    )
    .bind(nip)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(GapGroup {
            position: r.try_get("position")?,
            agency_id: r.try_get("agency_id")?,
            unit: r.try_get("unit")?,
        })
    })
    .transpose()
}

/// Recomputes the totals of `groups` (positions locked in order, so two writers never wait on
/// each other crosswise).
pub(crate) async fn refresh_groups(
    conn: &mut AnyConnection,
    groups: &BTreeSet<GapGroup>,
) -> Result<(), sqlx::Error> {
    let positions: BTreeSet<&str> = groups.iter().map(|g| g.position.as_str()).collect();
    for position in positions {
        lock_position(conn, position).await?;
    }
    let insert = recompute("x.agency_id = $1 AND x.unit = $2 AND x.position = $3");
    for group in groups {
        sqlx::query(
            "DELETE FROM competency_gap_totals WHERE agency_id = $1 AND unit = $2 AND position = $3",
        )
        .bind(&group.agency_id)
        .bind(&group.unit)
        .bind(&group.position)
        .execute(&mut *conn)
        .await?;
        sqlx::query(&insert)
            .bind(&group.agency_id)
            .bind(&group.unit)
            .bind(&group.position)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Recomputes every group of `position` (its requirements changed).
pub(crate) async fn refresh_position(
    conn: &mut AnyConnection,
    position: &str,
) -> Result<(), sqlx::Error> {
    lock_position(conn, position).await?;
    sqlx::query("DELETE FROM competency_gap_totals WHERE position = $1")
        .bind(position)
        .execute(&mut *conn)
        .await?;
    sqlx::query(&recompute("x.position = $1"))
        .bind(position)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Recomputes every total from the raw rows, inside the caller's transaction; returns the
/// number of total rows.
pub async fn rebuild(conn: &mut AnyConnection) -> Result<u64, sqlx::Error> {
    let positions: Vec<String> = sqlx::query(
        "SELECT DISTINCT position FROM employees UNION SELECT position FROM position_requirements",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get("position"))
    .collect::<Result<_, _>>()?;
    let positions: BTreeSet<String> = positions.into_iter().collect();
    for position in &positions {
        lock_position(conn, position).await?;
    }
    sqlx::query("DELETE FROM competency_gap_totals")
        .execute(&mut *conn)
        .await?;
    Ok(sqlx::query(&recompute("1 = 1"))
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// [`rebuild`] in a transaction of its own.
pub async fn rebuild_all(app: &AppState) -> Result<u64, sqlx::Error> {
    let mut tx = app.db.begin().await?;
    let rows = rebuild(&mut tx).await?;
    tx.commit().await?;
    Ok(rows)
}
