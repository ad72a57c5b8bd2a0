//! The queue display board under load: N concurrent Server-Sent-Event clients (boards and
//! citizens' phones) on ONE `sigap serve` node, started as its own process so that its resident
//! memory is measured alone. Reports the node's RSS before and with the clients, and the delay
//! from a counter's call (its API request being sent) to its arrival at every client.
//!
//!   cargo bench --bench board                                   # 10,000 clients
//!   SIGAP_BENCH_SSE_CLIENTS=2000 cargo bench --bench board
//!
//! Targets (issue #4): under 300 MB resident and p99 under 1 s with 10,000 clients.
//! Needs `ulimit -n` above the client count (each side holds one descriptor per client).

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
};

#[allow(
    dead_code,
    reason = "this bench runs its node as a process, not in-process"
)]
mod support;
use support::{
    node::{memory_mib, start_node},
    token,
    web::open_all_day,
};

const OFFICE: &str = "kantor-camat-alak";
const CALLS: usize = 5;

/// One SSE client on a raw connection: records when each expected number arrives.
async fn listen(
    port: u16,
    index: usize,
    epoch: Instant,
    connected: Arc<AtomicUsize>,
    arrivals: Arc<Vec<AtomicU64>>,
) {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)).await else {
        return;
    };
    let request = format!(
        "GET /queue/{OFFICE}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).await.is_err() {
        return;
    }
    let mut buffer = vec![0_u8; 2048];
    let mut text = String::new();
    let mut headers_seen = false;
    let mut next = 0;
    while next < CALLS {
        let Ok(n) = stream.read(&mut buffer).await else {
            return;
        };
        if n == 0 {
            return;
        }
        text.push_str(&String::from_utf8_lossy(&buffer[..n]));
        if !headers_seen && text.contains("\r\n\r\n") {
            headers_seen = true;
            connected.fetch_add(1, Ordering::Relaxed);
        }
        while next < CALLS && text.contains(&format!("\"number\":\"A-{:03}\"", next + 1)) {
            let micros = u64::try_from(epoch.elapsed().as_micros()).unwrap_or(u64::MAX);
            arrivals[index * CALLS + next].store(micros, Ordering::Relaxed);
            next += 1;
        }
        if text.len() > 4096 {
            text = text.split_off(text.len() - 512);
        }
    }
}

fn main() -> anyhow::Result<()> {
    let clients: usize = std::env::var("SIGAP_BENCH_SSE_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let node = start_node("sqlite", "board-bench").await?;
        let pid = node.pid();
        let admin = token(&node.base, "admin.layanan").await?;
        let desk = token(&node.base, "loket.alak").await?;
        let http = reqwest::Client::new();
        // Open all day so the bench runs at any hour, then queue the numbers to call.
        open_all_day(&node.base, &admin, OFFICE).await?;
        for _ in 0..CALLS {
            http.post(format!("{}/api/v1/queue/offices/{OFFICE}/tickets", node.base))
                .bearer_auth(&desk)
                .json(&serde_json::json!({"group": "A"}))
                .send()
                .await?
                .error_for_status()?;
        }
        let idle = memory_mib(pid, "VmRSS");

        let epoch = Instant::now();
        let connected = Arc::new(AtomicUsize::new(0));
        let arrivals: Arc<Vec<AtomicU64>> =
            Arc::new((0..clients * CALLS).map(|_| AtomicU64::new(0)).collect());
        let mut tasks = Vec::with_capacity(clients);
        for index in 0..clients {
            tasks.push(tokio::spawn(listen(
                node.port,
                index,
                epoch,
                connected.clone(),
                arrivals.clone(),
            )));
            if index % 500 == 499 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        let wait_from = Instant::now();
        while connected.load(Ordering::Relaxed) < clients && wait_from.elapsed() < Duration::from_secs(60) {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let connected_now = connected.load(Ordering::Relaxed);
        tokio::time::sleep(Duration::from_secs(1)).await;
        let loaded = memory_mib(pid, "VmRSS");

        let mut sent_at = Vec::new();
        for _ in 0..CALLS {
            // Delays count from the moment the counter's request is sent (so they include
            // the call itself).
            sent_at.push(u64::try_from(epoch.elapsed().as_micros()).unwrap_or(0));
            http.post(format!("{}/api/v1/queue/offices/{OFFICE}/counters/1/next", node.base))
                .bearer_auth(&desk)
                .send()
                .await?
                .error_for_status()?;
            http.post(format!("{}/api/v1/queue/offices/{OFFICE}/counters/1/finish", node.base))
                .bearer_auth(&desk)
                .send()
                .await?
                .error_for_status()?;
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
        let peak = memory_mib(pid, "VmRSS");
        let mut delays_ms = Vec::new();
        let mut missing = 0;
        for index in 0..connected_now.min(clients) {
            for (call, sent) in sent_at.iter().enumerate() {
                match arrivals[index * CALLS + call].load(Ordering::Relaxed) {
                    0 => missing += 1,
                    at => delays_ms.push(at.saturating_sub(*sent) as f64 / 1000.0),
                }
            }
        }
        delays_ms.sort_by(|a, b| a.total_cmp(b));
        let pick = |q: f64| {
            if delays_ms.is_empty() {
                return f64::NAN;
            }
            delays_ms[((delays_ms.len() as f64 - 1.0) * q).round() as usize]
        };
        println!(
            "board fan-out: {clients} SSE clients asked, {connected_now} connected, {CALLS} calls, {} deliveries, {missing} missing",
            delays_ms.len()
        );
        println!(
            "node RSS: {idle:.1} MB idle, {loaded:.1} MB with the clients, {peak:.1} MB after the calls (target < 300 MB)"
        );
        println!(
            "call → client delay: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (target p99 < 1000 ms)",
            pick(0.5),
            pick(0.99),
            pick(1.0)
        );
        for task in tasks {
            task.abort();
        }
        node.stop().await;
        Ok(())
    })
}
