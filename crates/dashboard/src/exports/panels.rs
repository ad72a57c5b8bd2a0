//! CSV and XLSX of the queue panel's tables (per office, over time, per hour, the heat map) and
//! of the complaints, collaboration and information panel (its figures beside the previous
//! period, the joint events per agency pair), from the same table definitions for both formats.

use axum::{
    Router,
    extract::{Path, Query, State},
    response::Response,
    routing::get,
};
use platform::{
    AppState,
    auth::CurrentUser,
    web::{Shell, WebError},
};

use super::{Cell, Table, TableQuery, XLSX, checked, dashboard_with, download};
use crate::{
    collaboration_panel::{self, WorkTogetherPeriod},
    error::DashboardError,
    filters,
    queue_panel::{self, QueuePanel},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/queue.{format}", get(queue_export))
        .route(
            "/dashboard/collaboration.{format}",
            get(collaboration_export),
        )
}

fn minutes(d: &queue::figures::Durations) -> [Cell; 3] {
    if d.count == 0 {
        return [Cell::Integer(0), Cell::Empty, Cell::Empty];
    }
    [
        Cell::Integer(d.count),
        Cell::Decimal(d.mean_minutes, 1),
        Cell::Decimal(d.p90_minutes, 1),
    ]
}

/// The queue table by its `table` parameter: `office` (default), `series`, `hours` or `heat`.
pub fn queue_table(panel: &QueuePanel, table: &str) -> Table {
    match table {
        "series" | "hours" => Table {
            name: if table == "series" {
                "antrean-per-waktu"
            } else {
                "antrean-per-jam"
            },
            columns: &["period", "tickets", "no_shows", "mean_wait_minutes"],
            rows: (if table == "series" {
                &panel.series
            } else {
                &panel.by_hour
            })
            .iter()
            .map(|k| {
                vec![
                    Cell::Text(k.key.clone()),
                    Cell::Integer(k.tickets),
                    Cell::Integer(k.no_shows),
                    k.mean_wait_minutes
                        .map_or(Cell::Empty, |m| Cell::Decimal(m, 1)),
                ]
            })
            .collect(),
        },
        "heat" => Table {
            name: "antrean-jam-sibuk",
            columns: &["weekday", "hour", "tickets"],
            rows: panel
                .heat
                .iter()
                .map(|c| {
                    vec![
                        Cell::Integer(c.weekday),
                        Cell::Integer(c.hour),
                        Cell::Integer(c.tickets),
                    ]
                })
                .collect(),
        },
        _ => Table {
            name: "antrean-per-kantor",
            columns: &[
                "office_code",
                "office_name",
                "tickets",
                "no_shows",
                "no_show_rate_percent",
                "waited",
                "wait_mean_minutes",
                "wait_p90_minutes",
                "served",
                "service_mean_minutes",
                "service_p90_minutes",
            ],
            rows: panel
                .by_office
                .iter()
                .map(|o| {
                    let mut row = vec![
                        Cell::Text(o.code.clone()),
                        Cell::Text(o.name.clone()),
                        Cell::Integer(o.totals.tickets),
                        Cell::Integer(o.totals.no_shows),
                        o.totals
                            .no_show_rate
                            .map_or(Cell::Empty, |r| Cell::Decimal(r, 1)),
                    ];
                    row.extend(minutes(&o.totals.waiting));
                    row.extend(minutes(&o.totals.service));
                    row
                })
                .collect(),
        },
    }
}

/// The complaints, collaboration and information figures (`figures`, default) or the joint
/// events per agency pair (`pairs`).
pub fn collaboration_table(
    current: &WorkTogetherPeriod,
    previous: &WorkTogetherPeriod,
    table: &str,
) -> Table {
    if table == "pairs" {
        return Table {
            name: "kegiatan-bersama",
            columns: &["first_agency", "second_agency", "joint_events"],
            rows: current
                .collaboration
                .pairs
                .iter()
                .map(|p| {
                    vec![
                        Cell::Text(p.first.clone()),
                        Cell::Text(p.second.clone()),
                        Cell::Integer(p.events),
                    ]
                })
                .collect(),
        };
    }
    let figures = |p: &WorkTogetherPeriod| -> Vec<(String, i64)> {
        let mut all = vec![
            ("complaints_received".to_string(), p.complaints.received),
            ("complaints_answered".into(), p.complaints.answered),
            ("complaints_closed".into(), p.complaints.closed),
            ("complaints_open_now".into(), p.complaints.open_now),
            ("events".into(), p.collaboration.events),
            ("joint_events".into(), p.collaboration.joint_events),
            ("registrations".into(), p.collaboration.registrations),
            ("attended".into(), p.collaboration.attended),
            ("articles_written".into(), p.collaboration.articles_written),
            ("article_edits".into(), p.collaboration.article_edits),
            (
                "articles_shared_now".into(),
                p.collaboration.articles_shared_now,
            ),
            ("article_reads".into(), p.collaboration.reads),
            (
                "article_reads_by_other_agencies".into(),
                p.collaboration.reads_by_other_agencies,
            ),
            ("announcements_published".into(), p.information.published),
        ];
        all.extend(p.information.by_category.iter().map(|c| {
            (
                format!("announcements_published_{}", c.category),
                c.published,
            )
        }));
        all.push((
            "subscribers_reached".into(),
            p.information.subscribers_reached,
        ));
        all.push((
            "active_subscriptions_now".into(),
            p.information.active_subscriptions,
        ));
        all
    };
    let hours = |p: &WorkTogetherPeriod| {
        [
            p.complaints.response.median_hours,
            p.complaints.response.p90_hours,
        ]
    };
    let mut rows: Vec<Vec<Cell>> = figures(current)
        .into_iter()
        .zip(figures(previous))
        .map(|((name, now), (_, before))| {
            vec![Cell::Text(name), Cell::Integer(now), Cell::Integer(before)]
        })
        .collect();
    for (i, name) in [
        "complaint_response_median_hours",
        "complaint_response_p90_hours",
    ]
    .into_iter()
    .enumerate()
    {
        let cell = |v: Option<f64>| v.map_or(Cell::Empty, |h| Cell::Decimal(h, 1));
        rows.push(vec![
            Cell::Text(name.to_string()),
            cell(hours(current)[i]),
            cell(hours(previous)[i]),
        ]);
    }
    Table {
        name: "kolaborasi-informasi",
        columns: &["figure", "period", "previous_period"],
        rows,
    }
}

/// The file of `table` as `csv` or `xlsx`; any other extension is not found.
fn file(table: &Table, format: &str, first: &str, last: &str) -> Result<Response, WebError> {
    let name = format!("{}-{first}-{last}.{format}", table.name);
    match format {
        "csv" => Ok(download("text/csv; charset=utf-8", name, table.csv())),
        "xlsx" => {
            let bytes = table.xlsx().map_err(|e| {
                DashboardError::Internal(anyhow::anyhow!("XLSX of {}: {e}", table.name))
            })?;
            Ok(download(XLSX, name, bytes))
        }
        _ => Err(WebError::NotFound),
    }
}

async fn checked_filters(
    app: &AppState,
    shell: &Shell,
    user: &CurrentUser,
    query: &TableQuery,
) -> Result<Result<filters::Filters, Response>, WebError> {
    let visibility = filters::visibility(app, user).await?;
    let result = filters::check(app, &query.filters, &visibility, crate::today_wita()).await;
    checked(shell, &dashboard_with(&query.filters), result).await
}

async fn queue_export(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(format): Path<String>,
    Query(query): Query<TableQuery>,
) -> Result<Response, WebError> {
    if format != "csv" && format != "xlsx" {
        return Err(WebError::NotFound);
    }
    let filters = match checked_filters(&app, &shell, &user, &query).await? {
        Ok(filters) => filters,
        Err(page) => return Ok(page),
    };
    let panel = queue_panel::queue_panel(&app, &filters, shell.tr.lang).await?;
    file(
        &queue_table(&panel, &query.table),
        &format,
        &panel.current.first_day,
        &panel.current.last_day,
    )
}

async fn collaboration_export(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(format): Path<String>,
    Query(query): Query<TableQuery>,
) -> Result<Response, WebError> {
    if format != "csv" && format != "xlsx" {
        return Err(WebError::NotFound);
    }
    let filters = match checked_filters(&app, &shell, &user, &query).await? {
        Ok(filters) => filters,
        Err(page) => return Ok(page),
    };
    let panel = collaboration_panel::panel(&app, &filters).await?;
    file(
        &collaboration_table(&panel.current, &panel.previous, &query.table),
        &format,
        &panel.current.first_day,
        &panel.current.last_day,
    )
}
