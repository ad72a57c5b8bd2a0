//! `sigap`: the command line. Exit codes: 0 done, 1 failed, 2 bad configuration,
//! 3 the audit chain is broken.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use platform::{
    audit,
    config::{Backend, Config, ConfigError, redact_url},
};
use tracing_subscriber::{EnvFilter, fmt};

/// mimalloc instead of glibc's allocator: it hands memory back to the system after bursts (each
/// argon2 password hash takes 19 MiB for a moment) and keeps thousands of idle connections (the
/// live queue boards) small; measured with `cargo bench --bench board`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "sigap",
    version,
    about = "Sigap: public services, queues and civil-servant capacity for Kecamatan Alak, Kota Kupang."
)]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum DemoScale {
    /// The Alak demo: a few of everything, for trying Sigap out.
    Alak,
    /// The Alak demo plus the large generated data set.
    Large,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (applies pending migrations first).
    Serve {
        /// Load the Alak demo data set before serving (idempotent).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the Alak demo data set (agencies, one staff account per role, citizens). Idempotent.
    /// With `--scale large`, then also a large generated data set for measuring the dashboards
    /// (a million applications over three years, a million queue tickets, 50,000 civil
    /// servants; on a fresh database), with a progress bar.
    Demo {
        #[arg(long, value_enum, default_value_t = DemoScale::Alak)]
        scale: DemoScale,
        /// With `--scale large`: how many applications (default 1,000,000).
        #[arg(long)]
        applications: Option<u64>,
        /// With `--scale large`: how many queue tickets (default 1,000,000).
        #[arg(long)]
        tickets: Option<u64>,
        /// With `--scale large`: how many civil servants (default 50,000).
        #[arg(long)]
        employees: Option<u64>,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Audit log tools.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Import employees from a BKPPD CSV file (UTF-8), showing progress: a dry run that lists
    /// every bad line unless --commit; with --commit all rows or none. Exit code 2 on problems.
    ImportEmployees {
        file: PathBuf,
        #[arg(long)]
        commit: bool,
    },
    /// Recompute every figure kept on write from the raw rows: the service and queue statistics of the
    /// dashboard and the competency gap totals of the training needs analysis and the JP compliance (they follow every
    /// write by themselves; this is for data changed by hand in SQL).
    RebuildFigures,
    /// Copy the SQLite database while it runs (for PostgreSQL, prints the pg_dump command).
    Backup {
        /// Where to write the copy (default: <data dir>/backups/sigap-<UTC time>.db).
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create a staff account with one role; prints a temporary password.
    Create {
        #[arg(long)]
        username: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// Role: front_office, verifier, technical_reviewer, signer, service_admin, asn,
        /// competency_admin, communications, leader, superadmin.
        #[arg(long)]
        role: String,
        /// Agency code, e.g. kec-alak (see /admin/agencies).
        #[arg(long)]
        agency: String,
        #[arg(long, default_value = "")]
        email: String,
        #[arg(long, default_value = "")]
        phone: String,
    },
    /// Give the account a new temporary password and end its sessions.
    ResetPassword {
        #[arg(long)]
        username: String,
    },
    /// Disable the account and end its sessions.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled account.
    Enable {
        #[arg(long)]
        username: String,
    },
    /// Grant a role within an agency.
    Grant {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        agency: String,
    },
    /// Revoke a role within an agency.
    Revoke {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        agency: String,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Walk the hash chain; exit 3 naming the first broken entry if a row was edited or removed.
    Verify,
}

fn init_logging(json: bool) {
    let filter = EnvFilter::try_from_env("SIGAP_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    if json {
        fmt().with_env_filter(filter).json().init();
    } else {
        fmt().with_env_filter(filter).init();
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match cli.config.check() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("sigap: configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    init_logging(settings.log_json);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("sigap: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, settings)) {
        Ok(code) => code,
        Err(error) => {
            if let Some(config) = error.downcast_ref::<ConfigError>() {
                eprintln!("sigap: configuration error: {config}");
                return ExitCode::from(2);
            }
            eprintln!("sigap: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: platform::config::Settings) -> anyhow::Result<ExitCode> {
    let state = sigap::state(settings).await?;
    match command {
        Command::Serve { demo } => {
            if demo {
                load_demo(&state).await?;
            }
            services::stats::rebuild_if_uncounted(&state).await?;
            queue::stats::rebuild_if_uncounted(&state).await?;
            let server = sigap::Server::build(state).await?;
            let addr = server.local_addr();
            tracing::info!(%addr, "Sigap is listening");
            println!("Sigap is listening on http://{addr}");
            server.run(shutdown_signal()).await?;
        }
        Command::Migrate => println!("Migrations applied."),
        Command::Demo {
            scale,
            applications,
            tickets,
            employees,
        } => {
            load_demo(&state).await?;
            if let DemoScale::Large = scale {
                let large = sigap::scale_demo::Scale::LARGE;
                sigap::scale_demo::load(
                    &state,
                    sigap::scale_demo::Scale {
                        applications: applications.unwrap_or(large.applications),
                        tickets: tickets.unwrap_or(large.tickets),
                        employees: employees.unwrap_or(large.employees),
                    },
                )
                .await?;
            }
        }
        Command::User { action } => user_command(&state, action).await?,
        Command::ImportEmployees { file, commit } => {
            if !capacity::import::import_file(&state, &file, commit).await? {
                return Ok(ExitCode::from(2));
            }
        }
        Command::Audit {
            action: AuditAction::Verify,
        } => {
            let verdict =
                audit::verify(&state.db, |checked| eprint!("\rchecked {checked} entries")).await?;
            eprintln!();
            return Ok(match verdict {
                Ok(report) => {
                    println!(
                        "Audit chain intact: {} entries, head {}",
                        report.entries, report.head_hash
                    );
                    ExitCode::SUCCESS
                }
                Err(broken) => {
                    println!("Audit chain BROKEN at {broken}");
                    ExitCode::from(3)
                }
            });
        }
        Command::Backup { output } => backup(&state, output).await?,
        Command::RebuildFigures => {
            let applications = services::stats::rebuild(&state).await?;
            println!("Service statistics rebuilt from {applications} applications.");
            let tickets = queue::stats::rebuild(&state).await?;
            println!("Queue statistics rebuilt from {tickets} tickets.");
            let rows = capacity::gap_totals::rebuild_all(&state).await?;
            println!("Competency gap totals rebuilt: {rows} rows.");
            let totals = capacity::jp_totals::rebuild_all(&state).await?;
            println!("JP compliance rebuilt from {totals} employee-year totals.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn load_demo(state: &platform::AppState) -> anyhow::Result<()> {
    let report = accounts::demo::load(state).await?;
    let (services_added, holidays_added) = services::demo::load(state).await?;
    let (complaints_added, _) = complaints::demo::load(state).await?;
    let capacity = capacity::demo::load(state).await?;
    let collaboration = collaboration::demo::load(state).await?;
    let announcements_added = announcements::demo::load(state).await?;
    println!(
        "Demo data loaded: {} agencies, {} staff accounts, {} citizens added (existing records kept).",
        report.agencies_created, report.staff_created, report.citizens_created
    );
    println!("Demo catalogue: {services_added} services and {holidays_added} holidays added.");
    if queue::demo::load(state).await? {
        println!(
            "Demo queue: office {} with 3 counters added.",
            queue::demo::DEMO_OFFICE
        );
    }
    println!("Demo complaints: {complaints_added} added.");
    println!(
        "Demo announcements: {announcements_added} added (a health protocol with two versions, an expired emergency alert)."
    );
    println!(
        "Demo ASN capacity: {} employees, {} trainings, {} sessions, {} JP entries added.",
        capacity.employees, capacity.trainings, capacity.sessions, capacity.jp_entries
    );
    println!(
        "Demo collaboration: {} events and {} knowledge articles added.",
        collaboration.events, collaboration.articles
    );
    println!(
        "Every demo account uses the password: {}",
        accounts::demo::DEMO_PASSWORD
    );
    for (username, _, role, agency) in accounts::demo::STAFF {
        println!("  staff   {username:<18} {:<20} {agency}", role.as_str());
    }
    for (name, nik, _, _) in accounts::demo::CITIZENS {
        println!("  citizen NIK {nik} ({name})");
    }
    Ok(())
}

async fn user_command(state: &platform::AppState, action: UserAction) -> anyhow::Result<()> {
    use accounts::staff::{self, Actor, StaffInput};
    let fail = |e: accounts::AccountsError| anyhow::anyhow!("{}", describe(&e));
    match action {
        UserAction::Create {
            username,
            name,
            role,
            agency,
            email,
            phone,
        } => {
            let input = StaffInput {
                full_name: name,
                username,
                email,
                phone,
                role,
                agency_code: agency,
            };
            let created = staff::create_staff(state, Actor::Operator, &input)
                .await
                .map_err(fail)?;
            println!(
                "Created {} (id {}). Temporary password: {}",
                created.username, created.user_id, created.temporary_password
            );
        }
        UserAction::ResetPassword { username } => {
            let id = staff::find_staff_id(state, &username).await.map_err(fail)?;
            let password = staff::reset_staff_password(state, Actor::Operator, &id)
                .await
                .map_err(fail)?;
            println!("New temporary password for {username}: {password}");
        }
        UserAction::Disable { username } => {
            let id = staff::find_staff_id(state, &username).await.map_err(fail)?;
            staff::set_disabled(state, Actor::Operator, &id, true)
                .await
                .map_err(fail)?;
            println!("Disabled {username}; their sessions were ended.");
        }
        UserAction::Enable { username } => {
            let id = staff::find_staff_id(state, &username).await.map_err(fail)?;
            staff::set_disabled(state, Actor::Operator, &id, false)
                .await
                .map_err(fail)?;
            println!("Enabled {username}.");
        }
        UserAction::Grant {
            username,
            role,
            agency,
        } => {
            let id = staff::find_staff_id(state, &username).await.map_err(fail)?;
            staff::grant_role(state, Actor::Operator, &id, &role, &agency)
                .await
                .map_err(fail)?;
            println!("Granted {role} in {agency} to {username}.");
        }
        UserAction::Revoke {
            username,
            role,
            agency,
        } => {
            let id = staff::find_staff_id(state, &username).await.map_err(fail)?;
            staff::revoke_role(state, Actor::Operator, &id, &role, &agency)
                .await
                .map_err(fail)?;
            println!("Revoked {role} in {agency} from {username}.");
        }
    }
    Ok(())
}

/// An English one-liner for the operator.
fn describe(error: &accounts::AccountsError) -> String {
    let catalogue = sigap::catalogue().unwrap_or_default();
    match error.problems() {
        Some(problems) => problems
            .iter()
            .map(|(field, key)| {
                format!(
                    "{field}: {}",
                    catalogue.get(platform::web::i18n::Lang::En, key)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        None => error.to_string(),
    }
}

async fn backup(state: &platform::AppState, output: Option<PathBuf>) -> anyhow::Result<()> {
    let settings = &state.settings;
    match settings.backend {
        Backend::Sqlite => {
            let stamp = jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S").to_string();
            let target = output.unwrap_or_else(|| {
                settings
                    .data_dir
                    .join("backups")
                    .join(format!("sigap-{stamp}.db"))
            });
            if target.exists() {
                anyhow::bail!(
                    "{} exists already; choose another --output",
                    target.display()
                );
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            state
                .db
                .backup_sqlite(&target)
                .await
                .context("copying the database")?;
            println!("Backup written to {}", target.display());
        }
        Backend::Postgres => {
            println!("For PostgreSQL, use pg_dump (consistent while Sigap runs):");
            println!(
                "  pg_dump --format=custom --file=sigap-$(date -u +%Y%m%d-%H%M%S).dump '{}'",
                redact_url(&settings.database_url)
            );
            println!(
                "Then copy <data dir>/blobs/ (after the dump). Restore into a new, empty database:"
            );
            println!(
                "  pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname=<url> <file>"
            );
            println!("(docs/operations.md explains each flag and the SQLite procedure)");
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
