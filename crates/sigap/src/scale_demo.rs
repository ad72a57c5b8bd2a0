//! `sigap demo --scale large`: a realistic large data set on top of the Alak demo, for
//! measuring the dashboards at the size issue #7 names: a million applications over the last
//! three years (with their history and SKM answers), a million queue tickets at the Alak office
//! and 50,000 civil servants with competency assessments and this year's JP. Written in
//! multi-row INSERTs a batch per transaction with a progress bar, then every figure kept on write
//! is rebuilt from the rows, so the dashboards read exactly what they would have counted.
//!
//! Deterministic (seeded): two runs give the same data. It adds to a demo database; run it on
//! a fresh one (it refuses when it finds its own rows).

use indicatif::{ProgressBar, ProgressStyle};
use jiff::{ToSpan as _, Zoned, civil::Date};
use platform::{
    AppState,
    db::{Value, insert_rows},
};
use rand::{Rng as _, SeedableRng as _, rngs::StdRng};
use sqlx::Row as _;

/// How much to generate.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub applications: u64,
    pub tickets: u64,
    pub employees: u64,
}

impl Scale {
    /// The size issue #7 names.
    pub const LARGE: Scale = Scale {
        applications: 1_000_000,
        tickets: 1_000_000,
        employees: 50_000,
    };
}

/// Rows per transaction: progress moves, and no transaction grows large.
const BATCH: u64 = 5_000;
/// Generated citizens who apply (each applies many times over three years).
const CITIZENS: u64 = 25_000;

fn bar(label: &'static str, total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:14} [{bar:40}] {human_pos}/{human_len} {per_sec} ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(label);
    bar
}

fn wita_ms(day: Date, hour: i8, minute: i8, second: i8) -> i64 {
    day.at(hour, minute, second, 0)
        .to_zoned(platform::clock::wita().clone())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or_default()
}

/// A working day (Monday–Friday) within the three years before `today`.
fn working_day(rng: &mut StdRng, today: Date) -> Date {
    loop {
        let day = today
            .checked_sub(rng.gen_range(1..3 * 365).days())
            .unwrap_or(today);
        if day.weekday().to_monday_one_offset() <= 5 {
            return day;
        }
    }
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

/// Generates `scale` on top of the demo data (which must be loaded), then rebuilds the figures.
pub async fn load(app: &AppState, scale: Scale) -> anyhow::Result<()> {
    let existing = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE id LIKE 'lg-%'")
        .fetch_one(&app.db.read)
        .await?
        .try_get::<i64, _>("n")?;
    anyhow::ensure!(
        existing == 0,
        "this database already holds a large data set; generate it on a fresh database"
    );
    let today = Zoned::now()
        .with_time_zone(platform::clock::wita().clone())
        .date();
    let mut rng = StdRng::seed_from_u64(20_261_202);
    citizens(app, &mut rng).await?;
    applications(app, &mut rng, scale.applications, today).await?;
    tickets(app, &mut rng, scale.tickets, today).await?;
    employees(app, &mut rng, scale.employees, today).await?;
    let spinner = ProgressBar::new_spinner();
    spinner.set_message("rebuilding the figures kept on write");
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    let counted = services::stats::rebuild(app).await?;
    let tickets = queue::stats::rebuild(app).await?;
    let gaps = capacity::gap_totals::rebuild_all(app).await?;
    let jp = capacity::jp_totals::rebuild_all(app).await?;
    spinner.finish_with_message(format!(
        "figures rebuilt: {counted} applications, {tickets} tickets, {gaps} competency gap rows, {jp} JP totals"
    ));
    Ok(())
}

const FIRST_NAMES: [&str; 12] = [
    "Yuliana",
    "Yohanes",
    "Agustina",
    "Maria",
    "Petrus",
    "Fransiska",
    "Daniel",
    "Elisabeth",
    "Markus",
    "Ester",
    "Yakobus",
    "Rambu",
];
const LAST_NAMES: [&str; 12] = [
    "Ndun", "Bria", "Lakapu", "Tefa", "Manafe", "Nalle", "Pello", "Taneo", "Kana", "Sine", "Lado",
    "Benu",
];

fn name(rng: &mut StdRng) -> String {
    format!(
        "{} {}",
        FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())],
        LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())]
    )
}

async fn citizens(app: &AppState, rng: &mut StdRng) -> anyhow::Result<()> {
    let bar = bar("citizens", CITIZENS);
    let now = platform::clock::now_ms();
    for start in (0..CITIZENS).step_by(BATCH as usize) {
        let rows: Vec<Vec<Value>> = (start..(start + BATCH).min(CITIZENS))
            .map(|n| {
                // NIK: Kota Kupang, Kecamatan Alak (537101), a birth date, a serial; the day
                // and serial come from `n`, so every NIK is different.
                let nik = format!(
                    "537101{:02}{:02}{:02}{:04}",
                    1 + n / 10_000,
                    rng.gen_range(1..13),
                    rng.gen_range(60..100),
                    n % 10_000
                );
                vec![
                    text(format!("lg-u-{n:06}")),
                    text("citizen"),
                    text(name(rng)),
                    Value::Null,
                    text(nik),
                    Value::Null,
                    Value::Null,
                    // No password: generated people cannot sign in.
                    text("!"),
                    text("id"),
                    Value::Int(0),
                    Value::Int(now),
                    Value::Int(now),
                ]
            })
            .collect();
        let mut tx = app.db.begin().await?;
        insert_rows(
            &mut tx,
            "users",
            &[
                "id",
                "kind",
                "full_name",
                "username",
                "nik",
                "email",
                "phone",
                "password_hash",
                "lang",
                "disabled",
                "created_ms",
                "updated_ms",
            ],
            &rows,
        )
        .await?;
        tx.commit().await?;
        bar.inc(rows.len() as u64);
    }
    bar.finish();
    Ok(())
}

async fn applications(
    app: &AppState,
    rng: &mut StdRng,
    total: u64,
    today: Date,
) -> anyhow::Result<()> {
    let services: Vec<(String, String, i64, i64)> = sqlx::query(
        "SELECT id, agency_id, version, completion_days FROM services WHERE published = 1 ORDER BY code",
    )
    .fetch_all(&app.db.read)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("id")?,
            r.try_get("agency_id")?,
            r.try_get("version")?,
            r.try_get("completion_days")?,
        ))
    })
    .collect::<Result<_, sqlx::Error>>()?;
    anyhow::ensure!(!services.is_empty(), "load the demo catalogue first");
    let kelurahan: Vec<String> = services::applications::journey::kelurahan_choices(app)
        .await
        .map_err(|e| anyhow::anyhow!("kelurahan: {e}"))?
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    anyhow::ensure!(!kelurahan.is_empty(), "load the demo organisation first");
    let bar = bar("applications", total);
    for start in (0..total).step_by(BATCH as usize) {
        let mut applications = Vec::new();
        let mut events = Vec::new();
        let mut skm = Vec::new();
        for n in start..(start + BATCH).min(total) {
            let (service, agency, version, days) = &services[rng.gen_range(0..services.len())];
            let submitted = working_day(rng, today);
            let submitted_ms = wita_ms(submitted, rng.gen_range(8..16), rng.gen_range(0..60), 0);
            let due = submitted
                .checked_add((days + 2).days())
                .unwrap_or(submitted);
            let id = format!("lg-a-{n:07}");
            let roll = rng.gen_range(0..100);
            let done_after = rng.gen_range(0..(days * 2).max(2));
            let done = submitted
                .checked_add(done_after.days())
                .unwrap_or(submitted);
            // Recent applications may still be in progress.
            let status = match roll {
                _ if done >= today => "in_verification",
                0..=3 => "withdrawn",
                4..=11 => "rejected",
                _ => "issued",
            };
            let mut event = |status: &str, at_ms: i64| {
                events.push(vec![
                    text(format!("{id}-e{}", events.len())),
                    text(&id),
                    Value::Int(at_ms),
                    Value::Null,
                    text(status),
                    text(""),
                ]);
            };
            event("submitted", submitted_ms);
            if rng.gen_range(0..6) == 0 {
                event("returned_for_revision", submitted_ms + 26 * 3_600_000);
            }
            if status != "in_verification" {
                let at = wita_ms(done, rng.gen_range(9..16), rng.gen_range(0..60), 0);
                event(status, at.max(submitted_ms));
                if status == "issued" && rng.gen_range(0..3) == 0 {
                    let answers: Vec<String> =
                        (0..9).map(|_| rng.gen_range(2..=4).to_string()).collect();
                    skm.push(vec![
                        text(format!("{id}-skm")),
                        text(&id),
                        text(service),
                        text(agency),
                        text(answers.join(",")),
                        text(""),
                        Value::Int(at.max(submitted_ms) + 3_600_000),
                    ]);
                }
            }
            applications.push(vec![
                text(&id),
                text(format!("LG{n:08}")),
                text(service),
                Value::Int(*version),
                text(agency),
                text(format!("lg-u-{:06}", rng.gen_range(0..CITIZENS))),
                text(status),
                text(&kelurahan[rng.gen_range(0..kelurahan.len())]),
                Value::Int(submitted_ms),
                text(due.to_string()),
                Value::Int(submitted_ms),
                Value::Int(submitted_ms),
            ]);
        }
        let mut tx = app.db.begin().await?;
        insert_rows(
            &mut tx,
            "applications",
            &[
                "id",
                "tracking_number",
                "service_id",
                "service_version",
                "agency_id",
                "applicant_id",
                "status",
                "kelurahan_code",
                "submitted_ms",
                "due_day",
                "created_ms",
                "updated_ms",
            ],
            &applications,
        )
        .await?;
        insert_rows(
            &mut tx,
            "application_events",
            &[
                "id",
                "application_id",
                "at_ms",
                "actor_id",
                "status",
                "note",
            ],
            &events,
        )
        .await?;
        insert_rows(
            &mut tx,
            "skm_responses",
            &[
                "id",
                "application_id",
                "service_id",
                "agency_id",
                "answers",
                "comment",
                "created_ms",
            ],
            &skm,
        )
        .await?;
        tx.commit().await?;
        bar.inc(applications.len() as u64);
    }
    bar.finish();
    Ok(())
}

async fn tickets(app: &AppState, rng: &mut StdRng, total: u64, today: Date) -> anyhow::Result<()> {
    let office: String = sqlx::query("SELECT id FROM queue_offices ORDER BY code LIMIT 1")
        .fetch_one(&app.db.read)
        .await?
        .try_get("id")?;
    let groups: Vec<(String, String)> =
        sqlx::query("SELECT id, letter FROM queue_groups WHERE office_id = $1 ORDER BY letter")
            .bind(&office)
            .fetch_all(&app.db.read)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("letter")?)))
            .collect::<Result<_, sqlx::Error>>()?;
    anyhow::ensure!(!groups.is_empty(), "load the demo queue office first");
    // Tickets are numbered per group and day: spread them over the working days in order.
    let days: Vec<Date> = (1..3 * 365)
        .rev()
        .filter_map(|back| today.checked_sub(back.days()).ok())
        .filter(|d| d.weekday().to_monday_one_offset() <= 5)
        .collect();
    let per_day = total.div_ceil(days.len() as u64).max(1);
    let bar = bar("queue tickets", total);
    let mut made = 0_u64;
    for chunk in days.chunks(8) {
        if made >= total {
            break;
        }
        let mut rows = Vec::new();
        for day in chunk {
            let mut seq = vec![0_i64; groups.len()];
            for _ in 0..per_day.min(total - made) {
                let g = rng.gen_range(0..groups.len());
                seq[g] += 1;
                // Mornings are busier.
                let hour = if rng.gen_range(0..3) == 0 {
                    rng.gen_range(8..16)
                } else {
                    rng.gen_range(8..11)
                };
                let issued = wita_ms(*day, hour, rng.gen_range(0..60), rng.gen_range(0..60));
                let wait = rng.gen_range(0..(25 + 10 * i64::from(hour - 7)) * 60_000);
                let no_show = rng.gen_range(0..100) < 6;
                let called = issued + wait;
                let finished = called
                    + if no_show {
                        60_000
                    } else {
                        rng.gen_range(2..25) * 60_000
                    };
                rows.push(vec![
                    text(format!("lg-t-{made:07}")),
                    text(&office),
                    text(&groups[g].0),
                    text(day.to_string()),
                    Value::Int(seq[g]),
                    text(format!("{}-{:03}", groups[g].1, seq[g])),
                    text(if no_show { "no_show" } else { "done" }),
                    Value::Int(issued),
                    Value::Int(called),
                    Value::Int(finished),
                    Value::Int(0),
                ]);
                made += 1;
            }
        }
        let mut tx = app.db.begin().await?;
        insert_rows(
            &mut tx,
            "queue_tickets",
            &[
                "id",
                "office_id",
                "group_id",
                "day",
                "seq",
                "number",
                "status",
                "issued_ms",
                "called_ms",
                "finished_ms",
                "recalls",
            ],
            &rows,
        )
        .await?;
        tx.commit().await?;
        bar.inc(rows.len() as u64);
    }
    bar.finish();
    Ok(())
}

async fn employees(
    app: &AppState,
    rng: &mut StdRng,
    total: u64,
    today: Date,
) -> anyhow::Result<()> {
    let agencies: Vec<String> =
        sqlx::query("SELECT id FROM agencies WHERE kind <> 'city' ORDER BY code")
            .fetch_all(&app.db.read)
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
    let mut positions: Vec<(String, Vec<(String, i64)>)> = Vec::new();
    for r in sqlx::query(
        "SELECT position, competency_id, level FROM position_requirements ORDER BY position, competency_id",
    )
    .fetch_all(&app.db.read)
    .await?
    {
        let position: String = r.try_get("position")?;
        let requirement = (r.try_get("competency_id")?, r.try_get("level")?);
        match positions.last_mut() {
            Some((p, reqs)) if *p == position => reqs.push(requirement),
            _ => positions.push((position, vec![requirement])),
        }
    }
    anyhow::ensure!(
        !positions.is_empty() && !agencies.is_empty(),
        "load the demo ASN capacity data first"
    );
    let year = i64::from(today.year());
    let now = platform::clock::now_ms();
    let bar = bar("civil servants", total);
    for start in (0..total).step_by(BATCH as usize) {
        let (mut people, mut assessments, mut jp) = (Vec::new(), Vec::new(), Vec::new());
        for n in start..(start + BATCH).min(total) {
            let id = format!("lg-e-{n:06}");
            let (position, requirements) = &positions[rng.gen_range(0..positions.len())];
            // NIP: birth date, appointment month (from `n`), sex, serial (from `n`): 18 digits,
            // every one different.
            let appointed = n / 1000;
            let nip = format!(
                "19{:02}{:02}{:02}20{:02}{:02}{}{:03}",
                rng.gen_range(65..99),
                rng.gen_range(1..13),
                rng.gen_range(1..29),
                5 + appointed / 12,
                1 + appointed % 12,
                rng.gen_range(1..3),
                n % 1000
            );
            people.push(vec![
                text(&id),
                text(&nip),
                text(name(rng)),
                text(&agencies[rng.gen_range(0..agencies.len())]),
                text(format!("Bidang {}", rng.gen_range(1..6))),
                text(position),
                text("III/b"),
                text(if rng.gen_range(0..10) < 8 {
                    "pns"
                } else {
                    "pppk"
                }),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Int(now),
                Value::Int(now),
            ]);
            for (c, (competency, required)) in requirements.iter().enumerate() {
                let level = (required + rng.gen_range(-2..=1)).clamp(1, 5);
                assessments.push(vec![
                    text(format!("{id}-c{c}")),
                    text(&id),
                    text(competency),
                    Value::Int(level),
                    text(today.to_string()),
                    text("supervisor"),
                    text("Penilaian atasan langsung"),
                    Value::Null,
                    Value::Int(1),
                    Value::Int(now),
                ]);
            }
            for k in 0..rng.gen_range(0..4) {
                jp.push(vec![
                    text(format!("{id}-jp{k}")),
                    text(&id),
                    Value::Int(year),
                    Value::Int(rng.gen_range(4..13)),
                    text("external"),
                    text("Pelatihan daring"),
                    text("approved"),
                    Value::Int(now),
                ]);
            }
        }
        let mut tx = app.db.begin().await?;
        insert_rows(
            &mut tx,
            "employees",
            &[
                "id",
                "nip",
                "full_name",
                "agency_id",
                "unit",
                "position",
                "rank",
                "employment_type",
                "email",
                "phone",
                "user_id",
                "supervisor_nip",
                "created_ms",
                "updated_ms",
            ],
            &people,
        )
        .await?;
        insert_rows(
            &mut tx,
            "assessments",
            &[
                "id",
                "employee_id",
                "competency_id",
                "level",
                "assessed_on",
                "method",
                "evidence",
                "assessor_id",
                "is_current",
                "created_ms",
            ],
            &assessments,
        )
        .await?;
        insert_rows(
            &mut tx,
            "jp_entries",
            &[
                "id",
                "employee_id",
                "year",
                "jp",
                "source",
                "title",
                "status",
                "created_ms",
            ],
            &jp,
        )
        .await?;
        tx.commit().await?;
        bar.inc(people.len() as u64);
    }
    bar.finish();
    Ok(())
}
