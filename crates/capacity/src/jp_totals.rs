//! JP compliance kept on write: approved JP per employee and year (`jp_year_totals`) and, per
//! agency and year, how many of its PNS reach the 20 JP right (`jp_compliance`). The leaders'
//! dashboard reads these few rows (and counts the PNS per agency from an index) instead of
//! summing the ledger of 50,000 civil servants on every request.
//!
//! Exact by construction, like [`crate::gap_totals`]: a write never adjusts by a delta; it
//! recomputes what it touched from the raw rows, in its own transaction. Writers are serialised
//! by row locks taken in one order: the employee's row first (a no-op update), then the
//! compliance rows of the agencies, sorted, so on PostgreSQL (READ COMMITTED) the later writer
//! counts with the earlier one's rows; SQLite has one writer anyway.
//!
//! Who must call what, in the transaction of the write:
//! - an approved JP entry written, or a pending one approved: [`on_approved`];
//! - an employee added, moved to another agency, or whose employment type changed (also by
//!   import): [`refresh_agencies`] with the agencies before and after;
//! - rows written directly (demo loaders, benches, repairs): [`rebuild`], or `sigap
//!   rebuild-figures` from the command line.

use std::collections::BTreeSet;

use platform::AppState;
use sqlx::{AnyConnection, Row as _};

use crate::jp::JP_RIGHT;

/// Takes (creating when new) the compliance row of an agency and year until the transaction
/// ends.
async fn lock(conn: &mut AnyConnection, agency_id: &str, year: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO jp_compliance (agency_id, year, compliant) VALUES ($1, $2, 0) \
         ON CONFLICT (agency_id, year) DO UPDATE SET compliant = jp_compliance.compliant",
    )
    .bind(agency_id)
    .bind(year)
    .execute(conn)
    .await?;
    Ok(())
}

/// Recounts the compliant PNS of a locked agency and year.
async fn recount(conn: &mut AnyConnection, agency_id: &str, year: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE jp_compliance SET compliant = (SELECT COUNT(*) FROM employees e \
         JOIN jp_year_totals t ON t.employee_id = e.id AND t.year = $2 \
         WHERE e.agency_id = $1 AND e.employment_type = 'pns' AND t.approved_jp >= $3) \
         WHERE agency_id = $1 AND year = $2",
    )
    .bind(agency_id)
    .bind(year)
    .bind(JP_RIGHT)
    .execute(conn)
    .await?;
    Ok(())
}

/// An approved entry of `employee_id` in ledger `year` was written: its total and its agency's
/// compliance that year are recomputed.
pub async fn on_approved(
    conn: &mut AnyConnection,
    employee_id: &str,
    year: i64,
) -> Result<(), sqlx::Error> {
    let Some(row) = sqlx::query(
        "UPDATE employees SET updated_ms = updated_ms WHERE id = $1 RETURNING agency_id",
    )
    .bind(employee_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(());
    };
    let agency_id: String = row.try_get("agency_id")?;
    lock(conn, &agency_id, year).await?;
    sqlx::query(
        "INSERT INTO jp_year_totals (employee_id, year, approved_jp) \
         SELECT $1, $2, CAST(COALESCE(SUM(jp), 0) AS BIGINT) FROM jp_entries \
         WHERE employee_id = $1 AND year = $2 AND status = 'approved' \
         ON CONFLICT (employee_id, year) DO UPDATE SET approved_jp = excluded.approved_jp",
    )
    .bind(employee_id)
    .bind(year)
    .execute(&mut *conn)
    .await?;
    recount(conn, &agency_id, year).await
}

/// Employees of `agencies` were added, moved or changed type: their compliance is recounted
/// for every ledger year on file.
pub async fn refresh_agencies(
    conn: &mut AnyConnection,
    agencies: &BTreeSet<String>,
) -> Result<(), sqlx::Error> {
    let years: Vec<i64> = sqlx::query("SELECT DISTINCT year FROM jp_year_totals ORDER BY year")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get("year"))
        .collect::<Result<_, _>>()?;
    // In (agency, year) order: two writers take the rows they share in the same order.
    for agency_id in agencies {
        for year in &years {
            lock(conn, agency_id, *year).await?;
            recount(conn, agency_id, *year).await?;
        }
    }
    Ok(())
}

/// Recomputes every total and every compliance row from the ledger; returns the number of
/// (employee, year) totals.
pub async fn rebuild(conn: &mut AnyConnection) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM jp_compliance")
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM jp_year_totals")
        .execute(&mut *conn)
        .await?;
    let totals = sqlx::query(
        "INSERT INTO jp_year_totals (employee_id, year, approved_jp) \
         SELECT employee_id, year, CAST(SUM(jp) AS BIGINT) FROM jp_entries WHERE status = 'approved' \
         GROUP BY employee_id, year",
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query(
        "INSERT INTO jp_compliance (agency_id, year, compliant) \
         SELECT e.agency_id, t.year, COUNT(*) FROM jp_year_totals t JOIN employees e ON e.id = t.employee_id \
         WHERE e.employment_type = 'pns' AND t.approved_jp >= $1 GROUP BY e.agency_id, t.year",
    )
    .bind(JP_RIGHT)
    .execute(&mut *conn)
    .await?;
    Ok(totals)
}

/// [`rebuild`] in a transaction of its own.
pub async fn rebuild_all(app: &AppState) -> Result<u64, sqlx::Error> {
    let mut tx = app.db.begin().await?;
    let rows = rebuild(&mut tx).await?;
    tx.commit().await?;
    Ok(rows)
}
