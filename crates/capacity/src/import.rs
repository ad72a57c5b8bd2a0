//! The BKPPD's CSV import of employees. The file is read and its header checked at once; then
//! every row is checked (a dry run reports every problem, with its line and field) and, with
//! commit and no problem, all rows are written in one transaction — all or nothing.
//!
//! The API and `sigap import-employees` wait for the result. The web import runs in the
//! background so the admin watches a progress page: each run is a row of `employee_imports`
//! (owned here) holding its outcome, so any node can show a finished run; the live row count is
//! kept in the memory of the node doing the work, which also beats a heartbeat into the row so a
//! run whose node died is reported as interrupted instead of "running" for ever.

use std::{
    collections::{BTreeSet, HashMap, HashSet},
    sync::{LazyLock, Mutex, PoisonError},
    time::Duration,
};

use platform::{AppState, audit, auth::CurrentUser, clock, ids};
use serde::{Deserialize, Serialize};
use sqlx::Row as _;
use utoipa::ToSchema;

use crate::{
    csv::{self, CsvError, Record},
    employees::{CSV_HEADER, EmployeeInput, Lookups, UPSERT, check, require_admin, write_employee},
    error::CapacityError,
    gap_totals,
};

/// One problem of one row of an import file.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct RowProblem {
    /// Line in the file; the header is line 1.
    pub row: usize,
    /// Column name, or `row` for the whole line.
    pub field: String,
    /// Message key.
    pub code: String,
    /// The message in the reader's language (filled by the page or the API).
    #[serde(default)]
    pub message: String,
}

/// What an import found (dry run) or did (commit).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    /// Data rows read (blank lines skipped).
    pub rows: usize,
    /// Rows whose NIP is new.
    pub new: usize,
    /// Rows that update an employee already on file.
    pub updated: usize,
    /// True only when the rows were written; with any problem nothing is.
    pub committed: bool,
    pub problems: Vec<RowProblem>,
}

/// What an import is doing, for a progress display.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportStage {
    Checking,
    Writing,
}

/// A file whose encoding, quoting and header are right; its rows are not checked yet.
pub struct ImportFile {
    rows: Vec<Record>,
}

impl ImportFile {
    /// Data rows in the file.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Reads an import file: UTF-8, closed quotes, the header of [`CSV_HEADER`], at least one row.
pub fn read_file(bytes: &[u8]) -> Result<ImportFile, CapacityError> {
    let records = csv::parse(bytes).map_err(|e| match e {
        CsvError::NotUtf8 => CapacityError::ImportFile("capacity.import_not_utf8"),
        CsvError::Empty => CapacityError::ImportFile("capacity.import_empty"),
        CsvError::UnclosedQuote { .. } => CapacityError::ImportFile("capacity.import_quote"),
    })?;
    let mut records = records.into_iter();
    let header = records
        .next()
        .ok_or(CapacityError::ImportFile("capacity.import_empty"))?;
    let header_ok = header.fields.len() == CSV_HEADER.len()
        && header
            .fields
            .iter()
            .zip(CSV_HEADER)
            .all(|(found, wanted)| found.eq_ignore_ascii_case(wanted));
    if !header_ok {
        return Err(CapacityError::ImportFile("capacity.import_header"));
    }
    let rows: Vec<Record> = records.collect();
    if rows.is_empty() {
        return Err(CapacityError::ImportFile("capacity.import_empty"));
    }
    Ok(ImportFile { rows })
}

/// Reads an import file and checks every row (competency admin). With `commit` and no
/// problems, writes all rows in one transaction; with any problem, writes nothing and reports
/// every one.
pub async fn import_csv(
    app: &AppState,
    user: &CurrentUser,
    bytes: &[u8],
    commit: bool,
) -> Result<ImportReport, CapacityError> {
    require_admin(user)?;
    let file = read_file(bytes)?;
    import_rows(app, Some(&user.id), &file, commit, &mut |_, _, _| {}).await
}

/// The same import run by the operator on the server (`sigap import-employees`), telling
/// `progress` after every row checked and written.
pub async fn import_csv_by_operator(
    app: &AppState,
    bytes: &[u8],
    commit: bool,
    progress: &mut (dyn FnMut(ImportStage, usize, usize) + Send),
) -> Result<ImportReport, CapacityError> {
    let file = read_file(bytes)?;
    import_rows(app, None, &file, commit, progress).await
}

/// `sigap import-employees`: reads `path`, shows progress on stderr, prints every problem.
/// Returns whether the file was clean (and, with `commit`, written).
pub async fn import_file(
    app: &AppState,
    path: &std::path::Path,
    commit: bool,
) -> anyhow::Result<bool> {
    let bytes = std::fs::read(path)?;
    let mut progress = |stage: ImportStage, done: usize, total: usize| {
        if done.is_multiple_of(100) || done == total {
            let verb = match stage {
                ImportStage::Checking => "checked",
                ImportStage::Writing => "written",
            };
            eprint!("\r{verb} {done}/{total} rows");
            if done == total {
                eprintln!();
            }
        }
    };
    let report = match import_csv_by_operator(app, &bytes, commit, &mut progress).await {
        Ok(report) => report,
        Err(CapacityError::ImportFile(key)) => {
            eprintln!("{}", app.catalogue.get(platform::web::i18n::Lang::En, key));
            return Ok(false);
        }
        Err(other) => return Err(anyhow::anyhow!("import failed: {other}")),
    };
    for problem in &report.problems {
        println!(
            "line {}: {}: {}",
            problem.row,
            problem.field,
            app.catalogue
                .get(platform::web::i18n::Lang::En, &problem.code)
        );
    }
    println!(
        "{} rows: {} new, {} updated, {} problems; {}",
        report.rows,
        report.new,
        report.updated,
        report.problems.len(),
        if report.committed {
            "written"
        } else {
            "nothing written"
        }
    );
    Ok(report.problems.is_empty())
}

async fn import_rows(
    app: &AppState,
    actor: Option<&str>,
    file: &ImportFile,
    commit: bool,
    progress: &mut (dyn FnMut(ImportStage, usize, usize) + Send),
) -> Result<ImportReport, CapacityError> {
    let rows = &file.rows;
    let lookups = Lookups::load(app).await?;
    let existing: HashSet<String> = sqlx::query("SELECT nip FROM employees")
        .fetch_all(&app.db.read)
        .await?
        .iter()
        .map(|r| r.try_get("nip"))
        .collect::<Result<_, sqlx::Error>>()?;
    let mut problems = Vec::new();
    let mut seen_nips: HashMap<String, usize> = HashMap::new();
    let mut seen_users: HashMap<String, usize> = HashMap::new();
    let mut checked = Vec::with_capacity(rows.len());
    let mut report = ImportReport {
        rows: rows.len(),
        new: 0,
        updated: 0,
        committed: false,
        problems: Vec::new(),
    };
    let mut problem = |row: usize, field: &str, code: &str| {
        problems.push(RowProblem {
            row,
            field: field.to_string(),
            code: code.to_string(),
            message: String::new(),
        });
    };
    for (done, record) in rows.iter().enumerate() {
        progress(ImportStage::Checking, done + 1, rows.len());
        if record.fields.len() != CSV_HEADER.len() {
            problem(record.line, "row", "capacity.import_columns");
            continue;
        }
        let input = EmployeeInput::from_fields(&record.fields);
        match check(&input, &lookups) {
            Err(found) => {
                for (field, key) in found {
                    problem(record.line, field, key);
                }
            }
            Ok(employee) => {
                if seen_nips
                    .insert(employee.nip.clone(), record.line)
                    .is_some()
                {
                    problem(record.line, "nip", "capacity.import_duplicate_nip");
                    continue;
                }
                if let Some(user_id) = &employee.user_id
                    && seen_users.insert(user_id.clone(), record.line).is_some()
                {
                    problem(
                        record.line,
                        "username",
                        "capacity.import_duplicate_username",
                    );
                    continue;
                }
                if existing.contains(&employee.nip) {
                    report.updated += 1;
                } else {
                    report.new += 1;
                }
                checked.push(employee);
            }
        }
    }
    report.problems = problems;
    if !commit || !report.problems.is_empty() {
        return Ok(report);
    }
    let mut tx = app.db.begin().await?;
    // Every group an employee leaves or joins gets its gap totals recomputed once, at the end.
    let mut touched = BTreeSet::new();
    for (done, employee) in checked.iter().enumerate() {
        // Looked up in the transaction, not in `existing`: the NIP may have come meanwhile.
        if let Some(before) = gap_totals::lock_employee_group(&mut tx, &employee.nip).await? {
            touched.insert(before);
        }
        write_employee(&mut tx, UPSERT, employee).await?;
        touched.insert(employee.gap_group());
        progress(ImportStage::Writing, done + 1, checked.len());
    }
    gap_totals::refresh_groups(&mut tx, &touched).await?;
    crate::jp_totals::refresh_agencies(
        &mut tx,
        &touched.iter().map(|g| g.agency_id.clone()).collect(),
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: actor,
            action: "employees.imported",
            subject: "employees",
            detail: serde_json::json!({ "new": report.new, "updated": report.updated }),
        },
    )
    .await?;
    tx.commit().await?;
    report.committed = true;
    tracing::info!(
        employees.new = report.new,
        employees.updated = report.updated,
        "employees imported"
    );
    Ok(report)
}

// ---- Background runs (the web import) ----

/// How far a running import is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Progress {
    pub stage: ImportStage,
    /// Rows done in this stage.
    pub done: usize,
    /// Rows this stage goes through.
    pub total: usize,
}

/// Where a background import is.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RunState {
    /// Still working; `progress` is known on the node doing the work only.
    Running {
        progress: Option<Progress>,
    },
    Finished {
        report: ImportReport,
    },
    /// The node stopped or the database failed mid-run: nothing was written. `reason` is a
    /// message key, `message` its text in the reader's language (filled by the page or the API).
    Failed {
        reason: String,
        message: String,
    },
}

/// One background import, as its progress page and the API show it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ImportRun {
    pub id: String,
    /// Whether the rows are to be written (else a dry run).
    pub commit: bool,
    pub file_name: String,
    /// Data rows in the file.
    pub rows: usize,
    pub started_ms: i64,
    #[serde(flatten)]
    pub state: RunState,
}

/// Live progress of the runs this node is doing, by run id.
static LIVE: LazyLock<Mutex<HashMap<String, Progress>>> = LazyLock::new(Default::default);

fn live() -> std::sync::MutexGuard<'static, HashMap<String, Progress>> {
    // A panic while holding the lock leaves a plain map behind: still usable.
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How often the working node marks its run as alive, and how old a mark may get.
const HEARTBEAT: Duration = Duration::from_secs(5);
const STALE_AFTER_MS: i64 = 30_000;

const INSERT_RUN: &str = "INSERT INTO employee_imports (id, started_by, commit_rows, file_name, rows_in_file, status, heartbeat_ms, started_ms) \
     VALUES ($1, $2, $3, $4, $5, 'running', $6, $6)";
const FINISH_RUN: &str = "UPDATE employee_imports SET status = $1, report_json = $2, reason = $3, finished_ms = $4 \
     WHERE id = $5 AND status = 'running'";
const FIND_RUN: &str = "SELECT id, commit_rows, file_name, rows_in_file, status, report_json, reason, heartbeat_ms, started_ms \
     FROM employee_imports WHERE id = $1";

/// Starts a web import (competency admin): the file is read and its header checked now (a bad
/// file is refused at once); the rows are checked and written in the background. Returns the
/// run's id for its progress page.
pub async fn start_import(
    app: &AppState,
    user: &CurrentUser,
    file_name: &str,
    bytes: &[u8],
    commit: bool,
) -> Result<String, CapacityError> {
    require_admin(user)?;
    let file = read_file(bytes)?;
    let id = ids::new_id();
    let name: String = file_name.chars().take(200).collect();
    sqlx::query(INSERT_RUN)
        .bind(&id)
        .bind(&user.id)
        .bind(i64::from(commit))
        .bind(&name)
        .bind(file.len() as i64)
        .bind(clock::now_ms())
        .execute(&app.db.write)
        .await?;
    live().insert(
        id.clone(),
        Progress {
            stage: ImportStage::Checking,
            done: 0,
            total: file.len(),
        },
    );
    let (app, actor, run_id) = (app.clone(), user.id.clone(), id.clone());
    tokio::spawn(async move {
        let heartbeat = tokio::spawn(beat(app.clone(), run_id.clone()));
        let mut progress = |stage: ImportStage, done: usize, total: usize| {
            if let Some(live) = live().get_mut(&run_id) {
                *live = Progress { stage, done, total };
            }
        };
        let outcome = import_rows(&app, Some(&actor), &file, commit, &mut progress).await;
        heartbeat.abort();
        finish(&app, &run_id, outcome).await;
        live().remove(&run_id);
    });
    Ok(id)
}

/// Marks the run alive every few seconds until the import ends. While the import holds SQLite's
/// one writer for its transaction a beat cannot get through; it is skipped, and the node's own
/// memory vouches for the run meanwhile.
async fn beat(app: AppState, id: String) {
    let mut tick = tokio::time::interval(HEARTBEAT);
    tick.tick().await;
    loop {
        tick.tick().await;
        let update = sqlx::query(
            "UPDATE employee_imports SET heartbeat_ms = $1 WHERE id = $2 AND status = 'running'",
        )
        .bind(clock::now_ms())
        .bind(&id)
        .execute(&app.db.write);
        // A beat that times out (the writer is busy) or fails is simply skipped.
        if let Ok(Err(error)) = tokio::time::timeout(Duration::from_secs(1), update).await {
            tracing::debug!(import.id = %id, %error, "import heartbeat failed");
        }
    }
}

async fn finish(app: &AppState, id: &str, outcome: Result<ImportReport, CapacityError>) {
    let (status, report, reason) = match outcome {
        Ok(report) => match serde_json::to_string(&report) {
            Ok(json) => ("finished", Some(json), None),
            Err(error) => {
                tracing::error!(import.id = id, %error, "import report not serialisable");
                ("failed", None, Some("capacity.import_failed"))
            }
        },
        Err(error) => {
            tracing::error!(import.id = id, %error, "employee import failed");
            ("failed", None, Some("capacity.import_failed"))
        }
    };
    let written = sqlx::query(FINISH_RUN)
        .bind(status)
        .bind(report)
        .bind(reason)
        .bind(clock::now_ms())
        .bind(id)
        .execute(&app.db.write)
        .await;
    if let Err(error) = written {
        // The page will call the run interrupted once its heartbeat is old.
        tracing::error!(import.id = id, %error, "cannot record the end of an employee import");
    }
}

/// A background import (competency admin).
pub async fn get_import_run(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<ImportRun, CapacityError> {
    require_admin(user)?;
    let row = sqlx::query(FIND_RUN)
        .bind(id)
        .fetch_optional(&app.db.read)
        .await?
        .ok_or(CapacityError::NotFound)?;
    let status: String = row.try_get("status")?;
    let heartbeat_ms: i64 = row.try_get("heartbeat_ms")?;
    let state = match status.as_str() {
        "finished" => {
            let json: Option<String> = row.try_get("report_json")?;
            let report = json
                .as_deref()
                .and_then(|j| serde_json::from_str(j).ok())
                .ok_or_else(|| {
                    CapacityError::Db(sqlx::Error::Decode("employee_imports.report_json".into()))
                })?;
            RunState::Finished { report }
        }
        "running" => {
            let progress = live().get(id).copied();
            if progress.is_none() && clock::now_ms() - heartbeat_ms > STALE_AFTER_MS {
                interrupt(app, id).await?;
                RunState::Failed {
                    reason: "capacity.import_interrupted".into(),
                    message: String::new(),
                }
            } else {
                RunState::Running { progress }
            }
        }
        _ => RunState::Failed {
            reason: row
                .try_get::<Option<String>, _>("reason")?
                .unwrap_or_else(|| "capacity.import_interrupted".into()),
            message: String::new(),
        },
    };
    Ok(ImportRun {
        id: row.try_get("id")?,
        commit: row.try_get::<i64, _>("commit_rows")? == 1,
        file_name: row.try_get("file_name")?,
        rows: usize::try_from(row.try_get::<i64, _>("rows_in_file")?).unwrap_or(0),
        started_ms: row.try_get("started_ms")?,
        state,
    })
}

/// Records that a run whose node went silent ended without writing anything (its transaction
/// never committed).
async fn interrupt(app: &AppState, id: &str) -> Result<(), CapacityError> {
    sqlx::query(FINISH_RUN)
        .bind("failed")
        .bind(None::<String>)
        .bind(Some("capacity.import_interrupted"))
        .bind(clock::now_ms())
        .bind(id)
        .execute(&app.db.write)
        .await?;
    Ok(())
}
