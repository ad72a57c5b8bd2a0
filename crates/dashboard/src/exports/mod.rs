//! Downloads of the dashboard's tables, each as CSV and as XLSX from one table definition (so
//! the two always have the same columns and values), and the streamed anonymised applications
//! export ([`applications`]). Same doors and filters as the dashboard: a leader sees all, an
//! agency head their agencies, a foreign agency is refused (403), bad filters are named (422).
//!
//! Cells are written as text or numbers, never as formulas: CSV text goes through
//! [`csv_cell`] (quoting and formula neutralising), XLSX text is a string cell, which a
//! spreadsheet shows and never evaluates.

pub mod applications;
pub mod panels;

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::header,
    response::{IntoResponse as _, Response},
    routing::get,
};
use platform::{
    AppState,
    auth::CurrentUser,
    web::{Shell, WebError, error::FieldError, forms::field_errors, page, text::csv_cell},
};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Deserialize;

use crate::{
    error::DashboardError,
    figures::{self, CapacityPanel, ServiceLine, ServicePanel},
    filters::{self, FilterInput},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/services.xlsx", get(services_xlsx))
        .route("/dashboard/capacity.csv", get(capacity_csv))
        .route("/dashboard/capacity.xlsx", get(capacity_xlsx))
        .merge(applications::routes())
        .merge(panels::routes())
}

/// One cell of an exported table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Integer(i64),
    /// A number shown with this many decimals in CSV (XLSX keeps the number itself).
    Decimal(f64, usize),
    Empty,
}

impl Cell {
    fn csv(&self) -> String {
        match self {
            Cell::Text(text) => csv_cell(text),
            Cell::Integer(n) => n.to_string(),
            Cell::Decimal(v, places) => format!("{v:.places$}"),
            Cell::Empty => String::new(),
        }
    }
}

/// A table as exported: a name (file and sheet), machine column names, rows.
#[derive(Clone, Debug)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<Cell>>,
}

/// XLSX media type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

impl Table {
    /// UTF-8 CSV with a byte-order mark (so spreadsheets read it as UTF-8), CRLF lines.
    pub fn csv(&self) -> String {
        let mut out = String::from("\u{feff}");
        out.push_str(&self.columns.join(","));
        out.push_str("\r\n");
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(Cell::csv).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        out
    }

    /// One worksheet named after the table, a bold header row, then the rows.
    pub fn xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(self.name)?;
        let bold = Format::new().set_bold();
        for (col, name) in self.columns.iter().enumerate() {
            sheet.write_string_with_format(0, column(col), *name, &bold)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (c, cell) in row.iter().enumerate() {
                write_cell(sheet, r, column(c), cell)?;
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        workbook.save_to_buffer()
    }
}

/// Column index as the XLSX writer counts (tables here have a few dozen columns at most).
fn column(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

/// Writes one cell as a string or a number (never a formula).
pub(crate) fn write_cell(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(text) => sheet.write_string(row, col, text.as_str()).map(|_| ()),
        Cell::Integer(n) => sheet.write_number(row, col, *n as f64).map(|_| ()),
        Cell::Decimal(v, _) => sheet.write_number(row, col, *v).map(|_| ()),
        Cell::Empty => Ok(()),
    }
}

fn optional(value: Option<f64>, places: usize) -> Cell {
    value.map_or(Cell::Empty, |v| Cell::Decimal(v, places))
}

/// The per-service or per-agency lines (same columns as the services CSV).
pub fn lines_table(name: &'static str, lines: &[ServiceLine]) -> Table {
    Table {
        name,
        columns: &[
            "code",
            "name",
            "received",
            "completed",
            "completed_on_time",
            "sla_compliance_percent",
            "issued",
            "rejected",
            "withdrawn",
            "returned",
            "ikm",
            "ikm_grade",
            "ikm_respondents",
        ],
        rows: lines
            .iter()
            .map(|l| {
                let ikm = l.ikm.as_ref();
                vec![
                    Cell::Text(l.code.clone()),
                    Cell::Text(l.name.clone()),
                    Cell::Integer(l.counts.received),
                    Cell::Integer(l.counts.completed),
                    Cell::Integer(l.counts.completed_on_time),
                    optional(l.sla_compliance, 1),
                    Cell::Integer(l.counts.issued),
                    Cell::Integer(l.counts.rejected),
                    Cell::Integer(l.counts.withdrawn),
                    Cell::Integer(l.counts.returned),
                    optional(ikm.map(|i| i.value), 2),
                    ikm.map_or(Cell::Empty, |i| Cell::Text(i.grade.clone())),
                    ikm.map_or(Cell::Empty, |i| Cell::Integer(i.respondents)),
                ]
            })
            .collect(),
    }
}

/// The time series (per day or month).
pub fn series_table(panel: &ServicePanel) -> Table {
    Table {
        name: "layanan-per-waktu",
        columns: &["period", "received", "completed"],
        rows: panel
            .series
            .iter()
            .map(|p| {
                vec![
                    Cell::Text(p.key.clone()),
                    Cell::Integer(p.received),
                    Cell::Integer(p.completed),
                ]
            })
            .collect(),
    }
}

/// A services table by its `table` parameter: `service` (default), `agency` or `series`.
pub fn services_table(panel: &ServicePanel, table: &str) -> Table {
    match table {
        "agency" => lines_table("layanan-per-instansi", &panel.by_agency),
        "series" => series_table(panel),
        _ => lines_table("layanan-per-jenis", &panel.by_service),
    }
}

/// JP compliance per agency.
pub fn compliance_table(capacity: &CapacityPanel) -> Table {
    Table {
        name: "kepatuhan-jp",
        columns: &[
            "agency_code",
            "agency_name",
            "year",
            "employees",
            "compliant",
            "percent",
        ],
        rows: capacity
            .compliance
            .iter()
            .map(|c| {
                vec![
                    Cell::Text(c.agency_code.clone()),
                    Cell::Text(c.agency_name.clone()),
                    Cell::Integer(capacity.year),
                    Cell::Integer(c.employees),
                    Cell::Integer(c.compliant),
                    Cell::Decimal(c.percent, 1),
                ]
            })
            .collect(),
    }
}

/// The largest competency gaps.
pub fn gaps_table(capacity: &CapacityPanel) -> Table {
    Table {
        name: "kesenjangan-kompetensi",
        columns: &[
            "competency_code",
            "competency_name",
            "agency_code",
            "agency_name",
            "employees",
            "with_gap",
            "total_gap",
        ],
        rows: capacity
            .top_gaps
            .iter()
            .map(|g| {
                vec![
                    Cell::Text(g.competency_code.clone()),
                    Cell::Text(g.competency_name.clone()),
                    Cell::Text(g.agency_code.clone()),
                    Cell::Text(g.agency_name.clone()),
                    Cell::Integer(g.employees),
                    Cell::Integer(g.with_gap),
                    Cell::Integer(g.total_gap),
                ]
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "export_invalid.html")]
struct InvalidPage {
    shell: Shell,
    errors: Vec<FieldError>,
    back: String,
}

/// Checks the filters of a download; bad filters get a page (422) that names each problem in
/// the reader's language and leads back to the page they came from.
pub(crate) async fn checked<T>(
    shell: &Shell,
    back: &str,
    result: Result<T, DashboardError>,
) -> Result<Result<T, Response>, WebError> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(DashboardError::Invalid(problems)) => Ok(Err(page(
            &InvalidPage {
                errors: field_errors(&shell.tr, &problems),
                back: back.to_string(),
                shell: shell.clone(),
            },
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        )?)),
        Err(other) => Err(other.into()),
    }
}

/// The dashboard with these filters (which names the problems beside the fields, input kept).
pub(crate) fn dashboard_with(input: &FilterInput) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("from", &input.from),
        ("to", &input.to),
        ("agency", &input.agency),
        ("service", &input.service),
        ("office", &input.office),
    ] {
        if !value.trim().is_empty() {
            query.append_pair(name, value.trim());
        }
    }
    format!("/dashboard?{}", query.finish())
}

/// The export's query: which table, and the dashboard's filters.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct TableQuery {
    table: String,
    #[serde(flatten)]
    filters: FilterInput,
}

/// A file download named `<name>-<first day>-<last day>.<extension>`.
pub(crate) fn download(
    content_type: &str,
    file_name: String,
    body: impl axum::response::IntoResponse,
) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

fn xlsx_response(table: &Table, first: &str, last: &str) -> Result<Response, WebError> {
    let bytes = table
        .xlsx()
        .map_err(|e| DashboardError::Internal(anyhow::anyhow!("XLSX of {}: {e}", table.name)))?;
    Ok(download(
        XLSX,
        format!("{}-{first}-{last}.xlsx", table.name),
        bytes,
    ))
}

async fn services_xlsx(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<TableQuery>,
) -> Result<Response, WebError> {
    let visibility = filters::visibility(&app, &user).await?;
    let checked_filters =
        filters::check(&app, &query.filters, &visibility, crate::today_wita()).await;
    let back = dashboard_with(&query.filters);
    let filters = match checked(&shell, &back, checked_filters).await? {
        Ok(filters) => filters,
        Err(page) => return Ok(page),
    };
    let panel = figures::services_panel(&app, &filters, shell.tr.lang).await?;
    xlsx_response(
        &services_table(&panel, &query.table),
        &panel.current.first_day,
        &panel.current.last_day,
    )
}

/// The capacity table by its `table` parameter: `compliance` (default) or `gaps`.
async fn capacity_table(
    app: &AppState,
    shell: &Shell,
    user: &CurrentUser,
    query: &TableQuery,
) -> Result<Result<(Table, String), Response>, WebError> {
    let visibility = filters::visibility(app, user).await?;
    let checked_filters =
        filters::check(app, &query.filters, &visibility, crate::today_wita()).await;
    let back = dashboard_with(&query.filters);
    let filters = match checked(shell, &back, checked_filters).await? {
        Ok(filters) => filters,
        Err(page) => return Ok(Err(page)),
    };
    let capacity = figures::capacity_panel(app, user, &filters, &visibility, shell.tr.lang).await?;
    let table = match query.table.as_str() {
        "gaps" => gaps_table(&capacity),
        _ => compliance_table(&capacity),
    };
    Ok(Ok((table, capacity.year.to_string())))
}

async fn capacity_csv(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<TableQuery>,
) -> Result<Response, WebError> {
    let (table, year) = match capacity_table(&app, &shell, &user, &query).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    Ok(download(
        "text/csv; charset=utf-8",
        format!("{}-{year}.csv", table.name),
        table.csv(),
    ))
}

async fn capacity_xlsx(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<TableQuery>,
) -> Result<Response, WebError> {
    let (table, year) = match capacity_table(&app, &shell, &user, &query).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let bytes = table
        .xlsx()
        .map_err(|e| DashboardError::Internal(anyhow::anyhow!("XLSX of {}: {e}", table.name)))?;
    Ok(download(XLSX, format!("{}-{year}.xlsx", table.name), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_text_is_quoted_and_neutralised_and_numbers_keep_their_places() {
        let table = Table {
            name: "t",
            columns: &["a", "b", "c", "d"],
            rows: vec![vec![
                Cell::Text("=HYPERLINK(\"x\")".into()),
                Cell::Integer(3),
                Cell::Decimal(87.5, 2),
                Cell::Empty,
            ]],
        };
        assert_eq!(
            table.csv(),
            "\u{feff}a,b,c,d\r\n\"'=HYPERLINK(\"\"x\"\")\",3,87.50,\r\n"
        );
        let xlsx = table.xlsx().expect("xlsx");
        assert_eq!(&xlsx[..2], b"PK", "a zip container");
    }
}
