//! Knowledge-base search bench: 100,000 articles of several agencies (most shared with all,
//! some with one agency, some kept in their own agency), 86 words each drawn roughly by Zipf's
//! law (100 common Indonesian words, then a tail of 20,000), then N clients search over HTTP
//! for T seconds with one or two words from the same distribution without the function words
//! (half of them as a prefix). A second scenario searches only the ten most common content
//! words (each in most articles): the worst case of ranking a very large match set. Prints req/s, p50 and p99
//! per backend. Target (issue #6): p99 under 50 ms.
//!
//!   cargo bench --bench knowledge
//!   SIGAP_BENCH_BACKEND=sqlite SIGAP_BENCH_ARTICLES=100000 SIGAP_BENCH_SECONDS=10 SIGAP_BENCH_CLIENTS=8 cargo bench --bench knowledge

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use platform::AppState;
use sqlx::Row as _;

mod support;
use support::{start, stop, token};

/// Function words: the most frequent in Indonesian text, in nearly every article, and not what
/// people search for.
const STOPWORDS: usize = 30;

/// Words of the generated articles by frequency: the function words first, then content words;
/// a tail of made-up words follows (see [`Lcg::word`]).
const WORDS: &[&str] = &[
    "yang",
    "dan",
    "di",
    "untuk",
    "dengan",
    "pada",
    "ini",
    "itu",
    "dalam",
    "dari",
    "ke",
    "akan",
    "tidak",
    "ada",
    "oleh",
    "juga",
    "atau",
    "sebagai",
    "bagi",
    "telah",
    "dapat",
    "para",
    "agar",
    "serta",
    "setiap",
    "karena",
    "tersebut",
    "lebih",
    "secara",
    "sudah",
    "pendidikan",
    "kesehatan",
    "sekolah",
    "guru",
    "murid",
    "puskesmas",
    "gizi",
    "imunisasi",
    "posyandu",
    "kelurahan",
    "kecamatan",
    "pelayanan",
    "masyarakat",
    "anak",
    "ibu",
    "remaja",
    "lingkungan",
    "kebersihan",
    "air",
    "bersih",
    "sanitasi",
    "stunting",
    "pemeriksaan",
    "jadwal",
    "rapat",
    "koordinasi",
    "laporan",
    "anggaran",
    "kegiatan",
    "program",
    "pelatihan",
    "kompetensi",
    "pegawai",
    "dinas",
    "badan",
    "kota",
    "kupang",
    "alak",
    "naioni",
    "manulai",
    "penkase",
    "oeleta",
    "namosain",
    "fatufeto",
    "mantasi",
    "nunhila",
    "batu",
    "plat",
    "data",
    "sasaran",
    "capaian",
    "target",
    "evaluasi",
    "monitoring",
    "sosialisasi",
    "penyuluhan",
    "vaksin",
    "obat",
    "klinik",
    "rujukan",
    "rumah",
    "sakit",
    "bidan",
    "perawat",
    "dokter",
    "kurikulum",
    "modul",
    "ajar",
    "projek",
    "profil",
    "pelajar",
    "pancasila",
    "literasi",
    "numerasi",
    "perpustakaan",
    "beasiswa",
    "seragam",
    "transportasi",
    "jalan",
    "hujan",
    "banjir",
    "kemarau",
    "pangan",
    "sayur",
    "ikan",
    "telur",
    "susu",
    "sarapan",
    "cuci",
    "tangan",
    "sabun",
    "toilet",
    "sampah",
    "daur",
    "ulang",
];

/// A tiny deterministic generator (no dependency): the same data on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    /// A word by a log-uniform rank (roughly Zipf's law): the real words above are the most
    /// common, then a long tail of 20,000 made-up words (as a real vocabulary has).
    fn word(&mut self) -> String {
        self.word_from(0)
    }

    /// A word of rank `from` or rarer, by the same law (queries skip the function words).
    fn word_from(&mut self, from: usize) -> String {
        const SYLLABLES: [&str; 16] = [
            "ka", "la", "ma", "na", "pa", "ra", "sa", "ta", "ba", "da", "ga", "wa", "ko", "lu",
            "mi", "se",
        ];
        let total = (WORDS.len() - from + 20_000) as f64;
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        let rank = from + (total.powf(u) as usize).saturating_sub(1);
        if let Some(word) = WORDS.get(rank) {
            return (*word).to_string();
        }
        let mut n = rank;
        let mut word = String::new();
        for _ in 0..4 {
            word.push_str(SYLLABLES[n % 16]);
            n /= 16;
        }
        word
    }
}

fn number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Writes `count` articles straight into the tables (portable SQL), then builds the search
/// index through the capability's own `reindex_all`.
async fn fill(state: &AppState, count: u64) -> anyhow::Result<()> {
    let agencies: Vec<String> = sqlx::query("SELECT id FROM agencies ORDER BY code")
        .fetch_all(&state.db.read)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    let author: String = sqlx::query("SELECT id FROM users WHERE username = 'admin.sigap'")
        .fetch_one(&state.db.read)
        .await?
        .try_get("id")?;
    let mut random = Lcg(2026);
    let began = Instant::now();
    let mut written = 0;
    while written < count {
        let mut tx = state.db.begin().await?;
        for _ in 0..2000.min(count - written) {
            let id = platform::ids::new_id();
            let owner = &agencies[usize::try_from(random.next()).unwrap_or(0) % agencies.len()];
            let title: Vec<String> = (0..6).map(|_| random.word()).collect();
            let body: Vec<String> = (0..80).map(|_| random.word()).collect();
            let tags = format!("{}, {}", random.word(), random.word());
            let sharing = match random.next() % 10 {
                0 => "own",
                1..=3 => "agencies",
                _ => "all",
            };
            sqlx::query(
                "INSERT INTO articles (id, agency_id, title, body, tags, sharing, version, created_by, created_ms, updated_by, updated_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $7, $8)",
            )
            .bind(&id)
            .bind(owner)
            .bind(title.join(" "))
            .bind(body.join(" "))
            .bind(&tags)
            .bind(sharing)
            .bind(&author)
            .bind(platform::clock::now_ms())
            .execute(&mut *tx)
            .await?;
            if sharing == "agencies" {
                let with = &agencies[usize::try_from(random.next()).unwrap_or(0) % agencies.len()];
                sqlx::query("INSERT INTO article_shares (article_id, agency_id) VALUES ($1, $2)")
                    .bind(&id)
                    .bind(with)
                    .execute(&mut *tx)
                    .await?;
            }
            written += 1;
        }
        tx.commit().await?;
    }
    eprintln!(
        "  {count} articles written in {:.1} s",
        began.elapsed().as_secs_f64()
    );
    let began = Instant::now();
    let indexed = collaboration::knowledge::reindex_all(state).await?;
    eprintln!(
        "  {indexed} search entries built in {:.1} s",
        began.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `clients` searchers for `seconds`; returns (req/s, p50 ms, p99 ms, errors).
async fn drive(
    base: &str,
    tokens: Arc<Vec<String>>,
    clients: usize,
    seconds: u64,
    common_only: bool,
) -> (f64, f64, f64, u64) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let (base, tokens) = (base.to_string(), tokens.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut random = Lcg(u64::try_from(client).unwrap_or(0) + 7);
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            while Instant::now() < deadline {
                let first = if common_only {
                    WORDS[STOPWORDS + usize::try_from(random.next()).unwrap_or(0) % 10].to_string()
                } else {
                    random.word_from(STOPWORDS)
                };
                // Half the queries use a prefix of the word (e.g. "pendid").
                let first = if random.next().is_multiple_of(2) && first.len() > 5 {
                    first[..5].to_string()
                } else {
                    first
                };
                let query = if random.next().is_multiple_of(3) {
                    format!("{first} {}", random.word_from(STOPWORDS))
                } else {
                    first
                };
                let token = &tokens[usize::try_from(random.next()).unwrap_or(0) % tokens.len()];
                let began = Instant::now();
                let ok = http
                    .get(format!("{base}/api/v1/knowledge/search"))
                    .query(&[("q", query.as_str())])
                    .bearer_auth(token)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                if ok {
                    latencies.push(u64::try_from(began.elapsed().as_micros()).unwrap_or(u64::MAX));
                } else {
                    errors += 1;
                }
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for task in tasks {
        if let Ok((latencies, e)) = task.await {
            all.extend(latencies);
            errors += e;
        }
    }
    all.sort_unstable();
    let pick = |q: f64| {
        if all.is_empty() {
            return 0.0;
        }
        let index = ((all.len() as f64 - 1.0) * q).round() as usize;
        all[index] as f64 / 1000.0
    };
    (
        all.len() as f64 / started.elapsed().as_secs_f64(),
        pick(0.5),
        pick(0.99),
        errors,
    )
}

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let articles = number("SIGAP_BENCH_ARTICLES", 100_000);
        let seconds = number("SIGAP_BENCH_SECONDS", 10);
        let clients = usize::try_from(number("SIGAP_BENCH_CLIENTS", 8)).unwrap_or(8);
        let backends: Vec<&str> = match std::env::var("SIGAP_BENCH_BACKEND").as_deref() {
            Ok("sqlite") => vec!["sqlite"],
            Ok("postgres") => vec!["postgres"],
            _ => vec!["sqlite", "postgres"],
        };
        println!(
            "Sigap knowledge search bench: {articles} articles, {clients} clients, {seconds} s, {} cores",
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        );
        for backend in backends {
            eprintln!("{backend}:");
            let running = match start(backend, async |_: &AppState| Ok(())).await {
                Ok(running) => running,
                Err(e) => {
                    println!("{backend:<9} skipped: {e}");
                    continue;
                }
            };
            fill(&running.state, articles).await?;
            // Staff of several agencies (what each sees differs by sharing).
            let tokens = Arc::new(vec![
                token(&running.base, "humas.kominfo").await?,
                token(&running.base, "asn.alak").await?,
                token(&running.base, "reviewer.dinkes").await?,
                token(&running.base, "admin.bkppd").await?,
            ]);
            for (name, common_only) in [("search", false), ("common words", true)] {
                let (per_second, p50, p99, errors) =
                    drive(&running.base, tokens.clone(), clients, seconds, common_only).await;
                println!(
                    "{backend:<9} {name:<13} {per_second:>8.1} req/s   p50 {p50:>7.1} ms   p99 {p99:>7.1} ms   errors {errors}   (target p99 < 50 ms)"
                );
            }
            stop(running).await;
        }
        Ok(())
    })
}
