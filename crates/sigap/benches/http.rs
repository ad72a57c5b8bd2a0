//! Sigap's load bench. For each backend it starts a real server on a random port over a fresh
//! database, measures the raw baselines in the same run, drives N concurrent clients for T
//! seconds per scenario, and prints req/s and p50/p99 with the ratio to the baseline.
//!
//!   cargo bench --bench http                       # both backends (PostgreSQL if reachable)
//!   SIGAP_BENCH_BACKEND=sqlite SIGAP_BENCH_SECONDS=10 SIGAP_BENCH_CLIENTS=64 cargo bench --bench http
//!
//! Baselines: "raw insert" is single-row durable insert transactions/s through sqlx on the same
//! pools Sigap uses; "plain route" is the server's `/healthz` text route.
//! Later capabilities add their scenarios to `scenarios()`; ASN capacity adds its own after the
//! services' (`capacity_scenarios`).

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use platform::AppState;
use sqlx::{AnyConnection, Connection as _, Row as _};

mod support;
use support::{
    Running, postgres_admin_url, start, stop, token as bearer_token,
    web::{
        PDF, bench_nik, citizen, client, feed_etag, get_ok, open_all_day, register_and_login,
        staff_browser, submitted_tracking_number, track,
    },
};

struct Options {
    seconds: u64,
    clients: usize,
    backends: Vec<&'static str>,
}

fn options() -> Options {
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let backends = match std::env::var("SIGAP_BENCH_BACKEND").as_deref() {
        Ok("sqlite") => vec!["sqlite"],
        Ok("postgres") => vec!["postgres"],
        _ => vec!["sqlite", "postgres"],
    };
    Options {
        seconds: number("SIGAP_BENCH_SECONDS", 5),
        clients: usize::try_from(number("SIGAP_BENCH_CLIENTS", 32)).unwrap_or(32),
        backends,
    }
}

/// A measured scenario.
struct Figure {
    name: &'static str,
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

fn summarise(
    name: &'static str,
    mut latencies_us: Vec<u64>,
    elapsed: Duration,
    errors: u64,
) -> Figure {
    latencies_us.sort_unstable();
    let pick = |q: f64| {
        if latencies_us.is_empty() {
            return 0.0;
        }
        let index = ((latencies_us.len() as f64 - 1.0) * q).round() as usize;
        latencies_us[index] as f64 / 1000.0
    };
    Figure {
        name,
        per_second: latencies_us.len() as f64 / elapsed.as_secs_f64(),
        p50_ms: pick(0.50),
        p99_ms: pick(0.99),
        errors,
    }
}

/// Runs `clients` copies of `iteration` until the time is up; each call is one measured unit.
async fn drive<F, Fut>(name: &'static str, options: &Options, iteration: F) -> Figure
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    drive_timed(name, options, move |client, n| {
        let call = iteration(client, n);
        async move {
            let began = Instant::now();
            call.await.then(|| began.elapsed())
        }
    })
    .await
}

/// Like `drive`, for iterations that prepare untimed and report the duration of the measured
/// part themselves (`None` when it failed).
async fn drive_timed<F, Fut>(name: &'static str, options: &Options, iteration: F) -> Figure
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Option<Duration>> + Send,
{
    let iteration = Arc::new(iteration);
    let counter = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let mut tasks = Vec::new();
    for client in 0..options.clients {
        let (iteration, counter, errors) = (iteration.clone(), counter.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                match iteration(client, n).await {
                    Some(took) => {
                        latencies.push(u64::try_from(took.as_micros()).unwrap_or(u64::MAX))
                    }
                    None => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap_or_default());
    }
    summarise(name, all, started.elapsed(), errors.load(Ordering::Relaxed))
}

/// Baseline: single-row durable insert transactions through sqlx on Sigap's own write pool.
async fn raw_insert(state: &AppState, options: &Options) -> Figure {
    let db = state.db.clone();
    let _ = sqlx::query("CREATE TABLE bench_raw (id TEXT PRIMARY KEY, payload TEXT NOT NULL, at_ms BIGINT NOT NULL)")
        .execute(&db.write)
        .await;
    drive("raw insert tx (baseline)", options, move |_, n| {
        let db = db.clone();
        async move {
            let Ok(mut tx) = db.begin().await else {
                return false;
            };
            let inserted =
                sqlx::query("INSERT INTO bench_raw (id, payload, at_ms) VALUES ($1, $2, $3)")
                    .bind(uuid::Uuid::now_v7().to_string())
                    .bind(format!("payload {n}"))
                    .bind(i64::try_from(n).unwrap_or(0))
                    .execute(&mut *tx)
                    .await
                    .is_ok();
            inserted && tx.commit().await.is_ok()
        }
    })
    .await
}

/// `per_client` complete SKTM drafts for each bench citizen, inserted directly.
async fn insert_drafts(
    state: &AppState,
    clients: usize,
    per_client: usize,
) -> anyhow::Result<Vec<Vec<String>>> {
    let service = sqlx::query("SELECT id, version, agency_id FROM services WHERE code = 'sktm'")
        .fetch_one(&state.db.read)
        .await?;
    let (service_id, version, agency_id): (String, i64, String) = (
        service.try_get(0)?,
        service.try_get(1)?,
        service.try_get(2)?,
    );
    let blob = platform::blobs::BlobStore::new(&state.settings.data_dir)
        .put(PDF)
        .await?;
    let now = platform::clock::now_ms();
    let mut all = Vec::new();
    for client in 0..clients {
        let nik = bench_nik(900_000 + u64::try_from(client).unwrap_or(0));
        let applicant: String = sqlx::query("SELECT id FROM users WHERE nik = $1")
            .bind(&nik)
            .fetch_one(&state.db.read)
            .await?
            .try_get(0)?;
        let mut tx = state.db.begin().await?;
        let mut ids = Vec::with_capacity(per_client);
        for _ in 0..per_client {
            let id = platform::ids::new_id();
            sqlx::query(
                "INSERT INTO applications (id, service_id, service_version, agency_id, applicant_id, status, purpose, kelurahan_code, address, created_ms, updated_ms) \
                 VALUES ($1, $2, $3, $4, $5, 'draft', 'Keringanan biaya sekolah', 'kel-alak', 'Jl. Alak Raya 1', $6, $6)",
            )
            .bind(&id)
            .bind(&service_id)
            .bind(version)
            .bind(&agency_id)
            .bind(&applicant)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            for position in 0..4_i64 {
                sqlx::query(
                    "INSERT INTO application_documents (id, application_id, requirement_position, requirement_name, blob_sha256, file_kind, file_name, size_bytes, uploaded_ms) \
                     VALUES ($1, $2, $3, 'berkas', $4, 'pdf', 'berkas.pdf', $5, $6)",
                )
                .bind(platform::ids::new_id())
                .bind(&id)
                .bind(position)
                .bind(&blob.sha256)
                .bind(blob.size)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            ids.push(id);
        }
        tx.commit().await?;
        all.push(ids);
    }
    Ok(all)
}

fn print_row(backend: &str, figure: &Figure, baseline: Option<&Figure>) {
    let ratio = baseline
        .map(|b| {
            format!(
                "{:>6.2} of {}",
                figure.per_second / b.per_second.max(f64::MIN_POSITIVE),
                b.name
            )
        })
        .unwrap_or_default();
    println!(
        "{backend:<9} {:<28} {:>10.1} {:>9.2} {:>9.2} {:>7}  {ratio}",
        figure.name, figure.per_second, figure.p50_ms, figure.p99_ms, figure.errors
    );
}

async fn bench_backend(backend: &'static str, options: &Options) -> anyhow::Result<()> {
    let running = start(backend, async |state: &AppState| {
        services::demo::load(state).await?;
        complaints::demo::load(state).await?;
        queue::demo::load(state).await?;
        capacity::demo::load(state).await?;
        announcements::demo::load(state).await?;
        Ok(())
    })
    .await?;
    let base = running.base.clone();

    let raw = raw_insert(&running.state, options).await;
    let plain = {
        let (web, url) = (client(false), format!("{base}/healthz"));
        drive("plain route /healthz (baseline)", options, move |_, _| {
            let (web, url) = (web.clone(), url.clone());
            async move { get_ok(&web, &url).await }
        })
        .await
    };
    let login_page = {
        let (web, url) = (client(false), format!("{base}/login"));
        drive("login page", options, move |_, _| {
            let (web, url) = (web.clone(), url.clone());
            async move { get_ok(&web, &url).await }
        })
        .await
    };
    let register = {
        let base = base.clone();
        drive("register + login", options, move |_, n| {
            let base = base.clone();
            async move { register_and_login(&base, n).await }
        })
        .await
    };
    // Services: one signed-in citizen per client (set up untimed).
    let mut citizens = Vec::new();
    for n in 0..options.clients {
        citizens.push(
            citizen(&base, u64::try_from(n).unwrap_or(0))
                .await
                .ok_or_else(|| anyhow::anyhow!("bench citizen"))?,
        );
    }
    let citizens = Arc::new(citizens);
    // Submissions: a citizen keeps one open draft per service, so the complete drafts to submit
    // are written straight into the database beforehand (untimed fixtures, the same rows the
    // pages would write); then only the submissions are measured.
    let per_client = 400;
    let prepared = insert_drafts(&running.state, options.clients, per_client).await?;
    let prepared = Arc::new(
        prepared
            .into_iter()
            .map(std::sync::Mutex::new)
            .collect::<Vec<_>>(),
    );
    let submit = {
        let (base, citizens, prepared) = (base.clone(), citizens.clone(), prepared.clone());
        drive_timed("submit application", options, move |client, _| {
            let (base, citizens, prepared) = (base.clone(), citizens.clone(), prepared.clone());
            async move {
                let id = prepared[client].lock().ok()?.pop()?;
                let (web, token) = &citizens[client];
                let began = Instant::now();
                let submitted = web
                    .post(format!("{base}/applications/{id}/submit"))
                    .form(&[("csrf_token", token.as_str())])
                    .send()
                    .await
                    .ok()?;
                (submitted.status() == 303).then(|| began.elapsed())
            }
        })
        .await
    };
    // One submitted application to look up.
    let (web, token) = &citizens[0];
    let tracked = submitted_tracking_number(&base, web, token)
        .await
        .ok_or_else(|| anyhow::anyhow!("tracking number"))?;
    let tracking = {
        let (base, web, token, tracked) =
            (base.clone(), web.clone(), token.clone(), tracked.clone());
        drive("public tracking lookup", options, move |_, _| {
            let (base, web, token, tracked) =
                (base.clone(), web.clone(), token.clone(), tracked.clone());
            async move { track(&base, &web, &token, &tracked).await }
        })
        .await
    };
    // Queue: walk-in tickets from the kiosk (the office opened all day so any hour works).
    let admin = bearer_token(&base, "admin.layanan").await?;
    let desk = bearer_token(&base, "loket.alak").await?;
    open_all_day(&base, &admin, "kantor-camat-alak").await?;
    let tickets = {
        let (web, url, desk) = (
            client(false),
            format!("{base}/api/v1/queue/offices/kantor-camat-alak/tickets"),
            desk.clone(),
        );
        drive("ticket issue (kiosk)", options, move |client, _| {
            let (web, url, desk) = (web.clone(), url.clone(), desk.clone());
            let group = ["A", "B", "C"][client % 3];
            async move {
                matches!(
                    web.post(&url)
                        .bearer_auth(&desk)
                        .json(&serde_json::json!({ "group": group }))
                        .send()
                        .await,
                    Ok(r) if r.status() == 201
                )
            }
        })
        .await
    };
    print_row(backend, &raw, None);
    print_row(backend, &plain, None);
    print_row(backend, &login_page, Some(&plain));
    print_row(backend, &register, Some(&raw));
    print_row(backend, &submit, Some(&raw));
    print_row(backend, &tracking, Some(&plain));
    print_row(backend, &tickets, Some(&raw));
    let (asn_page, needs, assessment) = capacity_scenarios(&running, options).await?;
    print_row(backend, &asn_page, Some(&plain));
    print_row(backend, &needs, None);
    print_row(backend, &assessment, None);
    for figure in announcement_scenarios(&running, options).await? {
        print_row(backend, &figure, Some(&plain));
    }
    stop(running).await;
    Ok(())
}

/// ASN capacity: the ASN's self-service page (req/s), then the training needs analysis over
/// 50,000 employees × 10 required competencies (450,000 current assessments), timed one request
/// at a time (target: under 1 s). The employees are written straight into the database
/// (untimed fixtures).
async fn capacity_scenarios(
    running: &Running,
    options: &Options,
) -> anyhow::Result<(Figure, Figure, Figure)> {
    let base = running.base.clone();
    let asn = staff_browser(&base, "asn.alak").await?;
    let asn_page = {
        let url = format!("{base}/capacity/me");
        drive("ASN self-service page", options, move |_, _| {
            let (web, url) = (asn.clone(), url.clone());
            async move { get_ok(&web, &url).await }
        })
        .await
    };
    let db = &running.state.db.write;
    sqlx::query(
        "INSERT INTO position_requirements (position, competency_id, level, updated_ms) \
         SELECT 'Analis Bench', id, 3, 0 FROM competencies ORDER BY code LIMIT 10",
    )
    .execute(db)
    .await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) \
         INSERT INTO employees (id, nip, full_name, agency_id, unit, position, rank, employment_type, created_ms, updated_ms) \
         SELECT 'bench-' || i, 'bench-' || i, 'Pegawai Bench', \
         (SELECT id FROM agencies WHERE code = CASE WHEN i % 4 = 0 THEN 'kec-alak' WHEN i % 4 = 1 THEN 'dinkes' WHEN i % 4 = 2 THEN 'dukcapil' ELSE 'bkppd' END), \
         'Unit ' || (i % 7), 'Analis Bench', 'III/a', 'pns', 0, 0 FROM n",
    )
    .execute(db)
    .await?;
    sqlx::query(
        "INSERT INTO assessments (id, employee_id, competency_id, level, assessed_on, method, evidence, is_current, created_ms) \
         SELECT e.id || '-' || r.competency_id, e.id, r.competency_id, 1 + (LENGTH(e.id) % 4), '2026-01-01', 'supervisor', '', 1, 0 \
         FROM employees e JOIN position_requirements r ON r.position = e.position \
         WHERE e.position = 'Analis Bench' AND r.competency_id <> (SELECT MIN(competency_id) FROM position_requirements WHERE position = 'Analis Bench')",
    )
    .execute(db)
    .await?;
    // Written directly, so the gap totals the analysis reads are recomputed once (as
    // `sigap rebuild-figures` does); its time is printed, not part of the figure.
    let began = Instant::now();
    capacity::gap_totals::rebuild_all(&running.state).await?;
    capacity::jp_totals::rebuild_all(&running.state).await?;
    eprintln!(
        "  gap totals of 50,000 x 10 rebuilt in {} ms",
        began.elapsed().as_millis()
    );
    let admin = staff_browser(&base, "admin.bkppd").await?;
    let mut latencies = Vec::new();
    let mut errors = 0;
    let started = Instant::now();
    for group in [
        "agency",
        "unit",
        "competency",
        "agency",
        "unit",
        "competency",
    ] {
        let began = Instant::now();
        if get_ok(&admin, &format!("{base}/capacity/needs.csv?group={group}")).await {
            latencies.push(u64::try_from(began.elapsed().as_micros()).unwrap_or(u64::MAX));
        } else {
            errors += 1;
        }
    }
    let needs = summarise(
        "training needs 50,000 x 10 (one at a time)",
        latencies,
        started.elapsed(),
        errors,
    );
    // What keeping the totals costs a write: an assessment recomputes its employee's group
    // (about 1,800 of the 50,000 here).
    let token = bearer_token(&base, "admin.bkppd").await?;
    let competency: String = sqlx::query(
        "SELECT c.code FROM competencies c JOIN position_requirements r ON r.competency_id = c.id \
                     WHERE r.position = 'Analis Bench' ORDER BY c.code LIMIT 1",
    )
    .fetch_one(db)
    .await?
    .try_get("code")?;
    let api = client(false);
    let mut latencies = Vec::new();
    let mut errors = 0;
    let started = Instant::now();
    for i in 1..=30 {
        let began = Instant::now();
        let recorded = api
            .post(format!("{base}/api/v1/employees/bench-{i}/assessments"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"competency_code": competency, "level": "4", "assessed_on": "2026-06-01",
                                      "method": "supervisor", "evidence": "Bench"}))
            .send()
            .await
            .is_ok_and(|r| r.status() == 201);
        if recorded {
            latencies.push(u64::try_from(began.elapsed().as_micros()).unwrap_or(u64::MAX));
        } else {
            errors += 1;
        }
    }
    let assessment = summarise(
        "assessment at 50,000 x 10 (one at a time)",
        latencies,
        started.elapsed(),
        errors,
    );
    Ok((asn_page, needs, assessment))
}

/// Announcements: the public list page, the Atom feed, and the feed again as a conditional GET
/// that a feed reader repeats (If-None-Match: 304 without a body). Every page view also reads the
/// banner slot, which comes from the per-node cache.
async fn announcement_scenarios(
    running: &Running,
    options: &Options,
) -> anyhow::Result<Vec<Figure>> {
    let base = running.base.clone();
    let page = {
        let (web, url) = (client(false), format!("{base}/announcements"));
        drive("announcements page", options, move |_, _| {
            let (web, url) = (web.clone(), url.clone());
            async move { get_ok(&web, &url).await }
        })
        .await
    };
    let feed_url = format!("{base}/feeds/announcements.atom");
    let feed = {
        let (web, url) = (client(false), feed_url.clone());
        drive("Atom feed", options, move |_, _| {
            let (web, url) = (web.clone(), url.clone());
            async move { get_ok(&web, &url).await }
        })
        .await
    };
    let etag = feed_etag(&base).await?;
    let conditional = {
        let (web, url) = (client(false), feed_url);
        drive("Atom feed, If-None-Match (304)", options, move |_, _| {
            let (web, url, etag) = (web.clone(), url.clone(), etag.clone());
            async move {
                matches!(
                    web.get(&url).header("If-None-Match", etag).send().await,
                    Ok(r) if r.status() == 304
                )
            }
        })
        .await
    };
    Ok(vec![page, feed, conditional])
}

fn main() -> anyhow::Result<()> {
    let options = options();
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        println!(
            "Sigap bench: {} clients, {} s per scenario, {} cores",
            options.clients,
            options.seconds,
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        );
        println!(
            "{:<9} {:<28} {:>10} {:>9} {:>9} {:>7}  ratio",
            "backend", "scenario", "per s", "p50 ms", "p99 ms", "errors"
        );
        for backend in &options.backends {
            if *backend == "postgres"
                && AnyConnection::connect(&postgres_admin_url()).await.is_err()
            {
                println!(
                    "postgres  skipped: not reachable at {}",
                    postgres_admin_url()
                );
                continue;
            }
            bench_backend(backend, &options).await?;
        }
        Ok(())
    })
}
