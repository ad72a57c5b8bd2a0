//! Dashboard bench (issue #7): for each backend, a real server over a fresh database with the
//! Alak demo and the large generated data set (`sigap demo --scale large`: by default a million
//! applications, a million queue tickets, 50,000 civil servants), then each dashboard page and
//! API figure is requested one at a time, as a leader opening it, and p50/p99 are printed
//! (target: under 100 ms). Last, the largest table (the anonymised applications of three
//! years) is exported while the process's resident memory and heap are sampled: the heap's
//! peak beside its size before shows that the export streams.
//!
//!   cargo bench --bench dashboard
//!   SIGAP_BENCH_BACKEND=sqlite SIGAP_BENCH_APPLICATIONS=100000 SIGAP_BENCH_TICKETS=100000 \
//!     SIGAP_BENCH_EMPLOYEES=5000 SIGAP_BENCH_REPEAT=30 cargo bench --bench dashboard
//!
//! Baseline in the same run: `/healthz`, the server's plain text route.

use std::time::{Duration, Instant};

mod support;
use support::{start, stop, token};

fn number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Memory of this process (server and bench client) in MiB: `VmRSS`, all that is resident,
/// or `RssAnon`, its anonymous part (the heap). On SQLite the resident total also counts the
/// database file's pages that each connection reads through its memory map — the kernel's
/// page cache, counted once per mapping and reclaimable — so the heap is what shows whether the
/// export streams.
fn memory(field: &str) -> f64 {
    support::node::memory_mib(std::process::id(), field)
}

fn percentile(sorted: &[f64], share: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((share * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Who asks: anyone, the API with a bearer token, or a browser with its session cookie.
#[derive(Clone, Copy)]
enum Who<'a> {
    Anyone,
    Api(&'a str),
    Web(&'a str),
}

/// `repeat` requests of `path` one after another: (p50 ms, p99 ms).
async fn measure(
    client: &reqwest::Client,
    url: &str,
    who: Who<'_>,
    repeat: u64,
) -> anyhow::Result<(f64, f64)> {
    let mut times = Vec::new();
    for _ in 0..repeat {
        let started = Instant::now();
        let request = match who {
            Who::Anyone => client.get(url),
            Who::Api(token) => client.get(url).bearer_auth(token),
            Who::Web(cookie) => client.get(url).header(reqwest::header::COOKIE, cookie),
        };
        let response = request.send().await?;
        anyhow::ensure!(
            response.status().is_success(),
            "{url}: {}",
            response.status()
        );
        response.bytes().await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok((percentile(&times, 0.5), percentile(&times, 0.99)))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let scale = sigap::scale_demo::Scale {
        applications: number("SIGAP_BENCH_APPLICATIONS", 1_000_000),
        tickets: number("SIGAP_BENCH_TICKETS", 1_000_000),
        employees: number("SIGAP_BENCH_EMPLOYEES", 50_000),
    };
    let repeat = number("SIGAP_BENCH_REPEAT", 50);
    let backends: Vec<&str> = match std::env::var("SIGAP_BENCH_BACKEND").as_deref() {
        Ok("sqlite") => vec!["sqlite"],
        Ok("postgres") => vec!["postgres"],
        _ => vec!["sqlite", "postgres"],
    };
    for backend in backends {
        let generated = Instant::now();
        let running = start(backend, async |state| {
            services::demo::load(state).await?;
            queue::demo::load(state).await?;
            capacity::demo::load(state).await?;
            sigap::scale_demo::load(state, scale).await
        })
        .await?;
        println!(
            "{backend}: {} applications, {} tickets, {} civil servants generated and counted in {:.0} s",
            scale.applications,
            scale.tickets,
            scale.employees,
            generated.elapsed().as_secs_f64()
        );
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(600))
            .build()?;
        let base = running.base.clone();
        let leader = token(&base, "pimpinan.kota").await?;
        // The pages take the web session cookie (the API only bearer tokens).
        let user = accounts::signin::authenticate(
            &running.state,
            "pimpinan.kota",
            accounts::demo::DEMO_PASSWORD,
            "127.0.0.1",
        )
        .await
        .map_err(|e| anyhow::anyhow!("sign-in: {e}"))?;
        let web_session = accounts::signin::start_session(
            &running.state,
            &user,
            platform::auth::session::SessionKind::Web,
        )
        .await
        .map_err(|e| anyhow::anyhow!("session: {e}"))?;
        let cookie = format!("{}={web_session}", platform::web::context::SESSION_COOKIE);
        let today = services::calendar::wita_date(platform::clock::now_ms());
        let years_ago = |years: i64| {
            today
                .checked_sub(jiff::Span::new().days(years * 365))
                .unwrap_or(today)
        };
        let three = format!("from={}&to={today}", years_ago(3));
        let one = format!("from={}&to={today}", years_ago(1));
        let (web, api) = (Who::Web(&cookie), Who::Api(&leader));
        let pages: Vec<(&str, String, Who<'_>)> = vec![
            ("baseline /healthz", "/healthz".into(), Who::Anyone),
            ("dashboard page, 30 days", "/dashboard".into(), web),
            (
                "dashboard page, 3 years",
                format!("/dashboard?{three}"),
                web,
            ),
            (
                "api services, 3 years",
                format!("/api/v1/dashboard/services?{three}"),
                api,
            ),
            (
                "api services, agency 1 y",
                format!("/api/v1/dashboard/services?{one}&agency=kec-alak"),
                api,
            ),
            (
                "api queue, 1 year",
                format!("/api/v1/dashboard/queue?{one}"),
                api,
            ),
            (
                "api queue, 3 years",
                format!("/api/v1/dashboard/queue?{three}"),
                api,
            ),
            ("api capacity", "/api/v1/dashboard/capacity".into(), api),
            (
                "api collaboration, 1 y",
                format!("/api/v1/dashboard/collaboration?{one}"),
                api,
            ),
            (
                "statistics page, 1 year",
                format!("/statistics?{one}"),
                Who::Anyone,
            ),
        ];
        for (name, path, who) in &pages {
            let (p50, p99) = measure(&client, &format!("{base}{path}"), *who, repeat).await?;
            println!(
                "{backend:<9} {name:<28} p50 {p50:>7.1} ms   p99 {p99:>7.1} ms   (target < 100 ms)"
            );
        }
        // The largest table, streamed: peak resident memory while it downloads.
        let (before, before_heap) = (memory("VmRSS"), memory("RssAnon"));
        let started = Instant::now();
        let mut response = client
            .get(format!("{base}/dashboard/applications.csv?{three}"))
            .header(reqwest::header::COOKIE, &cookie)
            .send()
            .await?;
        anyhow::ensure!(
            response.status().is_success(),
            "export: {}",
            response.status()
        );
        let (mut bytes, mut peak, mut peak_heap) = (0_usize, before, before_heap);
        while let Some(chunk) = response.chunk().await? {
            bytes += chunk.len();
            peak = peak.max(memory("VmRSS"));
            peak_heap = peak_heap.max(memory("RssAnon"));
        }
        let mib = bytes as f64 / 1_048_576.0;
        println!(
            "{backend:<9} export applications.csv (3 years) {mib:.0} MiB in {:.1} s; resident {before:.0} MiB before, peak {peak:.0} MiB during; heap {before_heap:.0} MiB before, peak {peak_heap:.0} MiB during",
            started.elapsed().as_secs_f64()
        );
        stop(running).await;
    }
    Ok(())
}
