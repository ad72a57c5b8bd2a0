//! The anonymised applications export: one row per application submitted in the filter's
//! period (agency, service), with no personal data (see `services::anonymised`).
//!
//! Never the whole table in memory: the CSV is a response body fed by a stream that reads one
//! page of [`PAGE`] rows at a time (keyset pagination) and sends it before reading the next.
//! The XLSX (a zip, whose directory comes last) is written by the XLSX writer in constant-memory
//! mode to a temporary file, a page at a time on a blocking thread, and the file is then
//! streamed; one sheet holds at most 1,048,575 rows, so larger exports continue on a next sheet.

use std::collections::HashMap;

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{Query, State},
    response::Response,
    routing::get,
};
use futures_util::stream;
use platform::{
    AppState,
    auth::CurrentUser,
    web::{Shell, WebError, i18n::Lang},
};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use services::{
    anonymised::{self, AnonymisedApplication, Cursor},
    calendar::Calendar,
    stats::Scope,
};

use super::{Cell, XLSX, download, write_cell};
use crate::{
    error::DashboardError,
    filters::{self, FilterInput, Filters},
};

/// Rows read per query.
pub const PAGE: i64 = 1000;

/// The most data rows one XLSX sheet holds (the format's 1,048,576 rows, less the header).
const SHEET_ROWS: u32 = 1_048_575;

const COLUMNS: &[&str] = &[
    "service_code",
    "service_name",
    "agency_code",
    "agency_name",
    "kelurahan_code",
    "kelurahan_name",
    "submitted_day",
    "status",
    "completed_day",
    "working_days",
    "sla_met",
    "returned_for_revision",
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/applications.csv", get(applications_csv))
        .route("/dashboard/applications.xlsx", get(applications_xlsx))
}

/// Codes and names of services and agencies (and kelurahan, which are agencies), in the
/// reader's language: loaded once per export.
struct Names {
    services: HashMap<String, (String, String)>,
    agencies: HashMap<String, (String, String)>,
    by_code: HashMap<String, String>,
}

impl Names {
    fn cells(&self, row: &AnonymisedApplication) -> Vec<Cell> {
        let named = |map: &HashMap<String, (String, String)>, id: &str| {
            map.get(id).map_or_else(
                || (Cell::Text(id.to_string()), Cell::Empty),
                |(code, name)| (Cell::Text(code.clone()), Cell::Text(name.clone())),
            )
        };
        let (service_code, service_name) = named(&self.services, &row.service_id);
        let (agency_code, agency_name) = named(&self.agencies, &row.agency_id);
        let yes_no = |b: bool| Cell::Text(if b { "yes" } else { "no" }.to_string());
        vec![
            service_code,
            service_name,
            agency_code,
            agency_name,
            Cell::Text(row.kelurahan_code.clone()),
            self.by_code
                .get(&row.kelurahan_code)
                .map_or(Cell::Empty, |n| Cell::Text(n.clone())),
            Cell::Text(row.submitted_day.to_string()),
            Cell::Text(row.status.clone()),
            row.completed_day
                .map_or(Cell::Empty, |d| Cell::Text(d.to_string())),
            row.working_days.map_or(Cell::Empty, Cell::Integer),
            row.sla_met.map_or(Cell::Empty, yes_no),
            yes_no(row.returned_for_revision),
        ]
    }
}

/// Everything an export needs before its first row.
struct Export {
    app: AppState,
    scope: Scope,
    holidays: Calendar,
    names: Names,
    file_stem: String,
}

async fn prepare(
    app: &AppState,
    user: &CurrentUser,
    input: &FilterInput,
    shell: &Shell,
) -> Result<Result<Export, Response>, WebError> {
    let lang = shell.tr.lang;
    let visibility = filters::visibility(app, user).await?;
    let checked = filters::check(app, input, &visibility, crate::today_wita()).await;
    let back = super::dashboard_with(input);
    let filters: Filters = match super::checked(shell, &back, checked).await? {
        Ok(filters) => filters,
        Err(page) => return Ok(Err(page)),
    };
    let holidays = services::holidays::load_calendar(app)
        .await
        .map_err(|e| DashboardError::Internal(anyhow::anyhow!("holidays: {e}")))?;
    let pick = |id: &str, en: &str| {
        if lang == Lang::En {
            en.to_string()
        } else {
            id.to_string()
        }
    };
    let services = services::stats::service_names(app)
        .await?
        .into_iter()
        .map(|s| (s.id, (s.code, pick(&s.name_id, &s.name_en))))
        .collect();
    let agencies = visibility
        .agencies
        .iter()
        .map(|a| (a.id.clone(), (a.code.clone(), pick(&a.name_id, &a.name_en))))
        .collect();
    let by_code = visibility
        .agencies
        .iter()
        .map(|a| (a.code.clone(), pick(&a.name_id, &a.name_en)))
        .collect();
    let scope = Scope {
        first_day: filters.period.first,
        last_day: filters.period.last,
        agency_ids: filters.agency_ids.clone(),
        service_id: filters.service.as_ref().map(|s| s.id.clone()),
    };
    Ok(Ok(Export {
        app: app.clone(),
        file_stem: format!(
            "permohonan-anonim-{}-{}",
            filters.period.first, filters.period.last
        ),
        scope,
        holidays,
        names: Names {
            services,
            agencies,
            by_code,
        },
    }))
}

/// Where the CSV stream is.
enum Step {
    Header,
    Page(Option<Cursor>),
    Done,
}

async fn applications_csv(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(input): Query<FilterInput>,
) -> Result<Response, WebError> {
    let export = match prepare(&app, &user, &input, &shell).await? {
        Ok(export) => export,
        Err(page) => return Ok(page),
    };
    let file_name = format!("{}.csv", export.file_stem);
    let rows = stream::try_unfold((export, Step::Header), |(export, step)| async move {
        match step {
            Step::Header => {
                let header = format!("\u{feff}{}\r\n", COLUMNS.join(","));
                Ok(Some((Bytes::from(header), (export, Step::Page(None)))))
            }
            Step::Page(cursor) => {
                let (rows, next) = anonymised::page(
                    &export.app,
                    &export.scope,
                    &export.holidays,
                    cursor.as_ref(),
                    PAGE,
                )
                .await
                .inspect_err(|e| tracing::error!(error = %e, "applications export stopped"))?;
                let mut chunk = String::with_capacity(rows.len() * 160);
                for row in &rows {
                    let cells: Vec<String> =
                        export.names.cells(row).iter().map(Cell::csv).collect();
                    chunk.push_str(&cells.join(","));
                    chunk.push_str("\r\n");
                }
                let step = match next {
                    Some(cursor) => Step::Page(Some(cursor)),
                    None => Step::Done,
                };
                Ok(Some((Bytes::from(chunk), (export, step))))
            }
            Step::Done => Ok::<_, sqlx::Error>(None),
        }
    });
    Ok(download(
        "text/csv; charset=utf-8",
        file_name,
        Body::from_stream(rows),
    ))
}

/// Writes every page into a constant-memory workbook saved to an anonymous temporary file
/// (removed when closed); runs on a blocking thread, reading each page through `runtime`.
fn write_workbook(
    export: &Export,
    runtime: &tokio::runtime::Handle,
) -> Result<std::fs::File, anyhow::Error> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let mut sheets = 0;
    let mut row_in_sheet = SHEET_ROWS;
    let mut cursor: Option<Cursor> = None;
    loop {
        let (rows, next) = runtime.block_on(anonymised::page(
            &export.app,
            &export.scope,
            &export.holidays,
            cursor.as_ref(),
            PAGE,
        ))?;
        for row in &rows {
            if row_in_sheet == SHEET_ROWS {
                sheets += 1;
                let sheet = workbook.add_worksheet_with_constant_memory()?;
                sheet.set_name(format!("permohonan-{sheets}"))?;
                for (col, name) in COLUMNS.iter().enumerate() {
                    sheet.write_string_with_format(0, super::column(col), *name, &bold)?;
                }
                sheet.set_freeze_panes(1, 0)?;
                row_in_sheet = 0;
            }
            row_in_sheet += 1;
            let sheet = workbook.worksheet_from_index(sheets - 1)?;
            for (col, cell) in export.names.cells(row).iter().enumerate() {
                write_cell(sheet, row_in_sheet, super::column(col), cell)?;
            }
        }
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    if sheets == 0 {
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name("permohonan-1")?;
        for (col, name) in COLUMNS.iter().enumerate() {
            sheet.write_string_with_format(0, super::column(col), *name, &bold)?;
        }
    }
    let mut file = tempfile::tempfile()?;
    workbook
        .save_to_writer(&mut file)
        .map_err(|e: XlsxError| anyhow::anyhow!("saving the workbook: {e}"))?;
    use std::io::Seek as _;
    file.rewind()?;
    Ok(file)
}

async fn applications_xlsx(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(input): Query<FilterInput>,
) -> Result<Response, WebError> {
    let export = match prepare(&app, &user, &input, &shell).await? {
        Ok(export) => export,
        Err(page) => return Ok(page),
    };
    let file_name = format!("{}.xlsx", export.file_stem);
    let runtime = tokio::runtime::Handle::current();
    let file = tokio::task::spawn_blocking(move || write_workbook(&export, &runtime))
        .await
        .map_err(|e| DashboardError::Internal(anyhow::anyhow!("XLSX export task: {e}")))?
        .map_err(|e| DashboardError::Internal(e.context("XLSX export")))?;
    let file = tokio::fs::File::from_std(file);
    let chunks = stream::try_unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt as _;
        let mut buffer = vec![0_u8; 64 * 1024];
        let read = file.read(&mut buffer).await?;
        if read == 0 {
            return Ok::<_, std::io::Error>(None);
        }
        buffer.truncate(read);
        Ok(Some((Bytes::from(buffer), file)))
    });
    Ok(download(XLSX, file_name, Body::from_stream(chunks)))
}
