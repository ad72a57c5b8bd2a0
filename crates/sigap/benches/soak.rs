//! Soak (issue #8): every bench scenario at once for ten minutes against one `sigap serve --demo`
//! node started as its own process, so that its memory is measured alone. Citizens register,
//! apply with four uploads and submit, track; the kiosk issues tickets while the counters call
//! and finish them and live boards stay connected; ASN open their page, the BKPPD admin its
//! training needs, the public the announcements, feeds and statistics, the leader the
//! dashboard and its API, staff search the knowledge base.
//!
//! Printed: per scenario the count, rate, p50/p99 and errors; the node's resident memory
//! before the load, after the first minute, each minute, at the end, and its peak; the boards
//! still connected; the warnings and errors in the node's log. Exits non-zero when any request
//! failed, a board was dropped, the node logged an error or died.
//!
//!   cargo bench --bench soak                                            # SQLite, 10 minutes
//!   SIGAP_BENCH_BACKEND=postgres cargo bench --bench soak
//!   SIGAP_SOAK_SECONDS=60 SIGAP_BENCH_CLIENTS=16 SIGAP_SOAK_BOARDS=100 cargo bench --bench soak

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpStream,
    sync::Mutex,
};

#[allow(
    dead_code,
    reason = "this bench runs its node as a process, not in-process"
)]
mod support;
use support::{
    node::{Node, memory_mib, start_node},
    token,
    web::{
        citizen, client, feed_etag, get_ok, open_all_day, prepared_draft, register_and_login,
        staff_browser, submit, submitted_tracking_number, track,
    },
};

const OFFICE: &str = "kantor-camat-alak";
const COUNTERS: usize = 3;
/// Words of the demo knowledge articles (and one that finds nothing).
const SEARCHES: [&str; 6] = [
    "kesehatan",
    "pendidikan",
    "layanan",
    "protokol",
    "sekolah",
    "zzzyx",
];

fn number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Clone, Copy, PartialEq)]
enum Scenario {
    Health,
    PublicPages,
    Register,
    Apply,
    Track,
    Ticket,
    Counter,
    BoardPage,
    AsnPage,
    TrainingNeeds,
    Announcements,
    Feed,
    FeedConditional,
    Search,
    Dashboard,
    DashboardApi,
    Statistics,
}

const ALL: [Scenario; 17] = [
    Scenario::Health,
    Scenario::PublicPages,
    Scenario::Register,
    Scenario::Apply,
    Scenario::Track,
    Scenario::Ticket,
    Scenario::Counter,
    Scenario::BoardPage,
    Scenario::AsnPage,
    Scenario::TrainingNeeds,
    Scenario::Announcements,
    Scenario::Feed,
    Scenario::FeedConditional,
    Scenario::Search,
    Scenario::Dashboard,
    Scenario::DashboardApi,
    Scenario::Statistics,
];

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Health => "plain route /healthz",
            Scenario::PublicPages => "home + services + standard",
            Scenario::Register => "register + login",
            Scenario::Apply => "apply, 4 uploads, submit",
            Scenario::Track => "public tracking lookup",
            Scenario::Ticket => "ticket issue (kiosk)",
            Scenario::Counter => "counter next + finish",
            Scenario::BoardPage => "queue board page",
            Scenario::AsnPage => "ASN self-service page",
            Scenario::TrainingNeeds => "training needs CSV",
            Scenario::Announcements => "announcements page",
            Scenario::Feed => "Atom feed",
            Scenario::FeedConditional => "Atom feed If-None-Match",
            Scenario::Search => "knowledge search (API)",
            Scenario::Dashboard => "leader dashboard page",
            Scenario::DashboardApi => "dashboard API services",
            Scenario::Statistics => "public statistics page",
        }
    }
}

/// The signed-in browsers and tokens the scenarios use (made untimed before the load).
struct Actors {
    base: String,
    anyone: reqwest::Client,
    api: reqwest::Client,
    citizens: Vec<(reqwest::Client, String)>,
    tracked: String,
    asn: reqwest::Client,
    training_admin: reqwest::Client,
    leader: reqwest::Client,
    leader_token: String,
    desk_token: String,
    staff_token: String,
    feed_etag: String,
    /// One at a time per counter: "next" then "finish" of the same ticket.
    counters: Vec<Mutex<()>>,
    registrations: AtomicU64,
}

fn status_is(response: reqwest::Result<reqwest::Response>, wanted: &[u16]) -> Result<(), String> {
    match response {
        Ok(r) if wanted.contains(&r.status().as_u16()) => Ok(()),
        Ok(r) => Err(format!("{} answered {}", r.url().path(), r.status())),
        Err(e) => Err(format!("request failed: {e}")),
    }
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok { Ok(()) } else { Err(what.to_string()) }
}

impl Actors {
    /// One unit of `scenario` for client `client`: Ok(requests made) or what went wrong.
    async fn run(&self, scenario: Scenario, client: usize, n: u64) -> Result<u32, String> {
        let base = &self.base;
        match scenario {
            Scenario::Health => {
                check(
                    get_ok(&self.anyone, &format!("{base}/healthz")).await,
                    "/healthz",
                )?;
                Ok(1)
            }
            Scenario::PublicPages => {
                for path in ["/", "/services", "/services/sktm"] {
                    check(get_ok(&self.anyone, &format!("{base}{path}")).await, path)?;
                }
                Ok(3)
            }
            Scenario::Register => {
                let n = self.registrations.fetch_add(1, Ordering::Relaxed);
                check(register_and_login(base, n).await, "register + login")?;
                Ok(4)
            }
            Scenario::Apply => {
                let (web, token) = &self.citizens[client];
                let id = prepared_draft(base, web, token)
                    .await
                    .ok_or("a draft with its uploads")?;
                check(submit(base, web, token, &id).await, "submission")?;
                Ok(7)
            }
            Scenario::Track => {
                let (web, token) = &self.citizens[client];
                check(track(base, web, token, &self.tracked).await, "tracking")?;
                Ok(1)
            }
            Scenario::Ticket => {
                let group = ["A", "B", "C"][client % 3];
                status_is(
                    self.api
                        .post(format!("{base}/api/v1/queue/offices/{OFFICE}/tickets"))
                        .bearer_auth(&self.desk_token)
                        .json(&serde_json::json!({ "group": group }))
                        .send()
                        .await,
                    &[201],
                )?;
                Ok(1)
            }
            Scenario::Counter => {
                let counter = client % COUNTERS + 1;
                let _turn = self.counters[counter - 1].lock().await;
                let url = |action: &str| {
                    format!("{base}/api/v1/queue/offices/{OFFICE}/counters/{counter}/{action}")
                };
                let called = self
                    .api
                    .post(url("next"))
                    .bearer_auth(&self.desk_token)
                    .send()
                    .await
                    .map_err(|e| format!("next: {e}"))?;
                match called.status().as_u16() {
                    // Nobody waiting for this counter's groups: a correct answer.
                    409 => Ok(1),
                    200 => {
                        status_is(
                            self.api
                                .post(url("finish"))
                                .bearer_auth(&self.desk_token)
                                .send()
                                .await,
                            &[200],
                        )?;
                        Ok(2)
                    }
                    other => Err(format!("counter next answered {other}")),
                }
            }
            Scenario::BoardPage => {
                check(
                    get_ok(&self.anyone, &format!("{base}/queue/{OFFICE}/board")).await,
                    "board page",
                )?;
                Ok(1)
            }
            Scenario::AsnPage => {
                check(
                    get_ok(&self.asn, &format!("{base}/capacity/me")).await,
                    "/capacity/me",
                )?;
                Ok(1)
            }
            Scenario::TrainingNeeds => {
                check(
                    get_ok(
                        &self.training_admin,
                        &format!("{base}/capacity/needs.csv?group=agency"),
                    )
                    .await,
                    "training needs",
                )?;
                Ok(1)
            }
            Scenario::Announcements => {
                check(
                    get_ok(&self.anyone, &format!("{base}/announcements")).await,
                    "/announcements",
                )?;
                Ok(1)
            }
            Scenario::Feed => {
                check(
                    get_ok(&self.anyone, &format!("{base}/feeds/announcements.atom")).await,
                    "Atom feed",
                )?;
                Ok(1)
            }
            Scenario::FeedConditional => {
                // 304 while nothing changed; 200 (a new version) is right too.
                status_is(
                    self.anyone
                        .get(format!("{base}/feeds/announcements.atom"))
                        .header("If-None-Match", &self.feed_etag)
                        .send()
                        .await,
                    &[304, 200],
                )?;
                Ok(1)
            }
            Scenario::Search => {
                let word = SEARCHES[usize::try_from(n).unwrap_or(0) % SEARCHES.len()];
                status_is(
                    self.api
                        .get(format!("{base}/api/v1/knowledge/search"))
                        .query(&[("q", word)])
                        .bearer_auth(&self.staff_token)
                        .send()
                        .await,
                    &[200],
                )?;
                Ok(1)
            }
            Scenario::Dashboard => {
                check(
                    get_ok(&self.leader, &format!("{base}/dashboard")).await,
                    "/dashboard",
                )?;
                Ok(1)
            }
            Scenario::DashboardApi => {
                status_is(
                    self.api
                        .get(format!("{base}/api/v1/dashboard/services"))
                        .bearer_auth(&self.leader_token)
                        .send()
                        .await,
                    &[200],
                )?;
                Ok(1)
            }
            Scenario::Statistics => {
                check(
                    get_ok(&self.anyone, &format!("{base}/statistics")).await,
                    "/statistics",
                )?;
                Ok(1)
            }
        }
    }
}

async fn actors(node: &Node, clients: usize) -> anyhow::Result<Actors> {
    let base = node.base.clone();
    let api = client(false);
    let admin = token(&base, "admin.layanan").await?;
    open_all_day(&base, &admin, OFFICE).await?;
    let mut citizens = Vec::new();
    for n in 0..clients {
        citizens.push(
            citizen(&base, u64::try_from(n).unwrap_or(0))
                .await
                .ok_or_else(|| anyhow::anyhow!("soak citizen {n}"))?,
        );
    }
    let tracked = {
        let (web, token) = &citizens[0];
        submitted_tracking_number(&base, web, token)
            .await
            .ok_or_else(|| anyhow::anyhow!("a tracking number"))?
    };
    let feed_etag = feed_etag(&base).await?;
    Ok(Actors {
        anyone: client(false),
        citizens,
        tracked,
        asn: staff_browser(&base, "asn.alak").await?,
        training_admin: staff_browser(&base, "admin.bkppd").await?,
        leader: staff_browser(&base, "pimpinan.kota").await?,
        leader_token: token(&base, "pimpinan.kota").await?,
        desk_token: token(&base, "loket.alak").await?,
        staff_token: token(&base, "asn.alak").await?,
        feed_etag,
        counters: (0..COUNTERS).map(|_| Mutex::new(())).collect(),
        registrations: AtomicU64::new(0),
        api,
        base,
    })
}

/// A live board on a raw connection for the whole soak; counts the event bytes it receives.
/// Gives back whether it was still connected when the soak ended.
async fn board(port: u16, until: Instant, bytes: Arc<AtomicU64>, open: Arc<AtomicUsize>) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)).await else {
        return false;
    };
    let request = format!(
        "GET /queue/{OFFICE}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).await.is_err() {
        return false;
    }
    open.fetch_add(1, Ordering::Relaxed);
    let mut buffer = vec![0_u8; 4096];
    let connected = loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break true;
        }
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Err(_) => break true,
            Ok(Ok(0) | Err(_)) => break false,
            Ok(Ok(n)) => {
                bytes.fetch_add(u64::try_from(n).unwrap_or(0), Ordering::Relaxed);
            }
        }
    };
    open.fetch_sub(1, Ordering::Relaxed);
    connected
}

struct Tally {
    latencies_us: Vec<Vec<u64>>,
    errors: Vec<u64>,
    requests: u64,
    samples: Vec<String>,
}

fn percentile(sorted: &[u64], share: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((share * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1] as f64 / 1000.0
}

async fn soak(backend: &str) -> anyhow::Result<bool> {
    let seconds = number("SIGAP_SOAK_SECONDS", 600);
    let clients = usize::try_from(number("SIGAP_BENCH_CLIENTS", 16)).unwrap_or(16);
    let boards = usize::try_from(number("SIGAP_SOAK_BOARDS", 100)).unwrap_or(100);
    let mut node = start_node(backend, "soak").await?;
    let pid = node.pid();
    let actors = Arc::new(actors(&node, clients).await?);
    let idle_mib = memory_mib(pid, "VmRSS");
    let idle_anon_mib = memory_mib(pid, "RssAnon");
    println!(
        "Sigap soak on {backend}: {clients} clients over {} scenarios, {boards} live boards, {seconds} s, {} cores",
        ALL.len(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let board_bytes = Arc::new(AtomicU64::new(0));
    let boards_open = Arc::new(AtomicUsize::new(0));
    let board_tasks: Vec<_> = (0..boards)
        .map(|_| {
            tokio::spawn(board(
                node.port,
                until,
                board_bytes.clone(),
                boards_open.clone(),
            ))
        })
        .collect();
    let requests = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let counter = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..clients)
        .map(|client| {
            let (actors, requests, errors, counter) = (
                actors.clone(),
                requests.clone(),
                errors.clone(),
                counter.clone(),
            );
            tokio::spawn(async move {
                let mut tally = Tally {
                    latencies_us: vec![Vec::new(); ALL.len()],
                    errors: vec![0; ALL.len()],
                    requests: 0,
                    samples: Vec::new(),
                };
                let mut turn = client;
                while Instant::now() < until {
                    let index = turn % ALL.len();
                    turn += 1;
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let began = Instant::now();
                    match actors.run(ALL[index], client, n).await {
                        Ok(made) => {
                            tally.latencies_us[index]
                                .push(u64::try_from(began.elapsed().as_micros()).unwrap_or(0));
                            tally.requests += u64::from(made);
                            requests.fetch_add(u64::from(made), Ordering::Relaxed);
                        }
                        Err(what) => {
                            tally.errors[index] += 1;
                            errors.fetch_add(1, Ordering::Relaxed);
                            if tally.samples.len() < 3 {
                                tally.samples.push(format!("{}: {what}", ALL[index].name()));
                            }
                        }
                    }
                }
                tally
            })
        })
        .collect();

    // Memory each 10 s; a line each minute.
    // (seconds, VmRSS, RssAnon): the resident total, and its anonymous part (the heap; the
    // rest is file pages such as SQLite's memory-mapped database, the kernel's to reclaim).
    let mut memory = vec![(0_u64, idle_mib, idle_anon_mib)];
    while Instant::now() < until {
        tokio::time::sleep(
            Duration::from_secs(10).min(until.saturating_duration_since(Instant::now())),
        )
        .await;
        let at = started.elapsed().as_secs();
        let rss = memory_mib(pid, "VmRSS");
        memory.push((at, rss, memory_mib(pid, "RssAnon")));
        if at % 60 < 10 {
            eprintln!(
                "  {:>4} s: {} requests, {} errors, {} boards open, server RSS {rss:.1} MiB",
                at,
                requests.load(Ordering::Relaxed),
                errors.load(Ordering::Relaxed),
                boards_open.load(Ordering::Relaxed)
            );
        }
        if !node.alive() {
            break;
        }
    }
    let mut totals = Tally {
        latencies_us: vec![Vec::new(); ALL.len()],
        errors: vec![0; ALL.len()],
        requests: 0,
        samples: Vec::new(),
    };
    for worker in workers {
        let tally = worker.await?;
        for (index, latencies) in tally.latencies_us.into_iter().enumerate() {
            totals.latencies_us[index].extend(latencies);
            totals.errors[index] += tally.errors[index];
        }
        totals.requests += tally.requests;
        totals.samples.extend(tally.samples);
    }
    let mut boards_kept = 0;
    for task in board_tasks {
        boards_kept += usize::from(task.await.unwrap_or(false));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let alive = node.alive();
    let end_mib = memory_mib(pid, "VmRSS");
    let end_anon_mib = memory_mib(pid, "RssAnon");
    let peak_mib = memory_mib(pid, "VmHWM");
    // Allocators and caches settle in the first minute: flat memory is judged from there.
    let (after_first_minute, after_first_minute_anon) = memory
        .iter()
        .find(|(at, _, _)| *at >= 60)
        .map_or((end_mib, end_anon_mib), |(_, rss, anon)| (*rss, *anon));

    println!(
        "{:<28} {:>8} {:>8} {:>9} {:>9} {:>7}",
        "scenario", "count", "per s", "p50 ms", "p99 ms", "errors"
    );
    for (index, scenario) in ALL.iter().enumerate() {
        let latencies = &mut totals.latencies_us[index];
        latencies.sort_unstable();
        println!(
            "{:<28} {:>8} {:>8.1} {:>9.1} {:>9.1} {:>7}",
            scenario.name(),
            latencies.len(),
            latencies.len() as f64 / elapsed,
            percentile(latencies, 0.50),
            percentile(latencies, 0.99),
            totals.errors[index]
        );
    }
    let failed: u64 = totals.errors.iter().sum();
    println!(
        "all: {} HTTP requests in {elapsed:.0} s ({:.1}/s), {failed} failed units; {boards_kept} of {boards} boards still connected ({} event bytes)",
        totals.requests,
        totals.requests as f64 / elapsed,
        board_bytes.load(Ordering::Relaxed)
    );
    for sample in totals.samples.iter().take(10) {
        println!("  failure: {sample}");
    }
    let per_minute: Vec<String> = memory
        .iter()
        .filter(|(at, _, _)| at % 60 < 10)
        .map(|(at, rss, anon)| format!("{}m {rss:.0}/{anon:.0}", at / 60))
        .collect();
    println!(
        "server RSS (MiB): {idle_mib:.1} before the load, {after_first_minute:.1} after the first minute, {end_mib:.1} at the end ({:+.1} since the first minute), peak {peak_mib:.1}",
        end_mib - after_first_minute
    );
    // The range after the first minute: single samples swing with the argon2 hashes (19 MiB
    // each) of the sign-ins running at that moment.
    let settled: Vec<f64> = memory
        .iter()
        .filter(|(at, _, _)| *at >= 60)
        .map(|(_, _, anon)| *anon)
        .chain(std::iter::once(end_anon_mib))
        .collect();
    let (low, high) = settled
        .iter()
        .fold((f64::MAX, 0.0_f64), |(l, h), v| (l.min(*v), h.max(*v)));
    println!(
        "  of it anonymous (heap): {idle_anon_mib:.1} before, {after_first_minute_anon:.1} after the first minute, {end_anon_mib:.1} at the end ({:+.1}); {low:.1} to {high:.1} from the first minute on",
        end_anon_mib - after_first_minute_anon
    );
    println!("  per minute (total/anonymous): {}", per_minute.join(", "));
    let log = std::fs::read_to_string(node.log_path()).unwrap_or_default();
    let logged_errors: Vec<&str> = log.lines().filter(|l| l.contains("ERROR")).collect();
    let logged_warnings = log.lines().filter(|l| l.contains("WARN")).count();
    println!(
        "server log: {} error lines, {logged_warnings} warnings; the node {}",
        logged_errors.len(),
        if alive { "kept running" } else { "DIED" }
    );
    for line in logged_errors.iter().take(5) {
        println!("  {line}");
    }
    node.stop().await;
    Ok(alive && failed == 0 && boards_kept == boards && logged_errors.is_empty())
}

fn main() -> anyhow::Result<()> {
    let backends = match std::env::var("SIGAP_BENCH_BACKEND").as_deref() {
        Ok("postgres") => vec!["postgres"],
        Ok("both") => vec!["sqlite", "postgres"],
        _ => vec!["sqlite"],
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let mut clean = true;
    for backend in backends {
        clean &= runtime.block_on(soak(backend))?;
    }
    anyhow::ensure!(clean, "the soak saw failures (above)");
    Ok(())
}
