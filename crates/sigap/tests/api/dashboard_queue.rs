//! The queue panel of the dashboard and the public waiting times (issue #7): figures kept on
//! write equal a rebuild from the tickets and the office's own figures (a scan of its tickets);
//! over a generated data set every figure equals a brute-force count, for periods within a month,
//! of whole months and across months; who sees which offices; bad office filters named.

use std::collections::BTreeMap;

use jiff::civil::Date;
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::Row as _;

use crate::{
    dashboard::rows_as_text,
    queue::open_all_day,
    support::{Api, TestApp, on_both, send, signed_in},
};

const OFFICE: &str = "kantor-camat-alak";

async fn get_json(api: &Api, path: &str) -> (reqwest::StatusCode, Value) {
    let response = send(api, Method::GET, path, None).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Snapshot of the queue tables kept on write, to compare with a rebuild.
async fn kept(app: &TestApp) -> Vec<String> {
    rows_as_text(
        app,
        &[
            "SELECT day, hour, office_id, group_id, tickets, no_shows, waited, wait_ms, served, service_ms FROM queue_daily_stats ORDER BY day, hour, office_id, group_id",
            "SELECT span, bucket, office_id, kind, tenths, tickets FROM queue_time_stats ORDER BY span, bucket, office_id, kind, tenths",
            "SELECT month, office_id, weekday, hour, tickets, no_shows, waited, wait_ms, served, service_ms FROM queue_month_stats ORDER BY month, office_id, weekday, hour",
        ],
    )
    .await
}

#[tokio::test]
async fn queue_figures_kept_on_write_equal_a_rebuild_and_the_offices_own_figures() {
    on_both(async |app| {
        app.load_demo().await;
        open_all_day(app).await;
        let desk = signed_in(app, "loket.alak").await;
        for group in ["A", "A", "B", "A", "B"] {
            let issued = send(
                &desk,
                Method::POST,
                &format!("/api/v1/queue/offices/{OFFICE}/tickets"),
                Some(json!({ "group": group })),
            )
            .await;
            assert_eq!(issued.status(), 201);
        }
        let act = async |counter: i64, action: &str| {
            send(
                &desk,
                Method::POST,
                &format!("/api/v1/queue/offices/{OFFICE}/counters/{counter}/{action}"),
                None,
            )
            .await
            .status()
        };
        // Two served, one not there; one called and still at the counter; one waiting.
        assert_eq!(act(1, "next").await, 200);
        assert_eq!(act(1, "finish").await, 200);
        assert_eq!(act(3, "next").await, 200);
        assert_eq!(act(3, "no-show").await, 200, "no-show action");
        assert_eq!(act(2, "next").await, 200);
        assert_eq!(act(2, "finish").await, 200);
        assert_eq!(act(1, "next").await, 200);
        // A second finish at the same counter is refused (nobody called) and counts nothing.
        assert_eq!(act(2, "finish").await, 422);

        let before = kept(app).await;
        assert!(!before.is_empty(), "ended tickets are counted on write");
        queue::stats::rebuild(&app.state).await.expect("rebuild");
        assert_eq!(
            kept(app).await,
            before,
            "kept on write = rebuilt from tickets"
        );

        let leader = signed_in(app, "pimpinan.kota").await;
        let (status, panel) = get_json(&leader, "/api/v1/dashboard/queue").await;
        assert_eq!(status, 200, "{panel}");
        let (status, office) =
            get_json(&desk, &format!("/api/v1/queue/offices/{OFFICE}/figures")).await;
        assert_eq!(status, 200, "{office}");
        let current = &panel["current"];
        assert_eq!(current["tickets"], 3);
        assert_eq!(current["no_shows"], 1);
        assert_eq!(current["tickets"], office["tickets"]);
        assert_eq!(current["no_shows"], office["no_shows"]);
        for figure in ["waiting", "service"] {
            assert_eq!(current[figure], office[figure], "{figure}");
        }
        assert_eq!(current["service"]["count"], 2);
        assert_eq!(panel["offices"], json!([OFFICE]));
        assert_eq!(panel["by_office"][0]["tickets"], 3);
        // The public statistics show the same waiting times, without signing in.
        let (status, public) = get_json(&app.api(), "/api/v1/statistics/queue").await;
        assert_eq!(status, 200);
        assert_eq!(public["current"], panel["current"]);
        // And the pages show them, in both languages.
        let page = app.browser();
        let html = page.text("/statistics").await;
        assert!(html.contains("Waktu tunggu p90"), "statistics page");
        page.post("/lang", &[("lang", "en"), ("next", "/")]).await;
        let html = page.text("/statistics").await;
        assert!(
            html.contains("Waiting time p90"),
            "statistics page in English"
        );
    })
    .await;
}

/// Deterministic numbers for the generated data set.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

struct RawTicket {
    day: Date,
    hour: i64,
    no_show: bool,
    wait_ms: Option<i64>,
    service_ms: Option<i64>,
}

/// `count` tickets between 2026-01-05 and 2026-04-24 in the demo office, drawn 07:00–15:59
/// WITA, waiting up to 95 minutes and served up to 40 (to the millisecond, so half tenths
/// occur), some no-shows and some never called (not counted).
async fn generate(app: &TestApp, count: usize) -> Vec<RawTicket> {
    let db = &app.state.db.write;
    let office_id: String = sqlx::query("SELECT id FROM queue_offices WHERE code = $1")
        .bind(OFFICE)
        .fetch_one(db)
        .await
        .expect("office")
        .get("id");
    let groups: Vec<(String, String)> =
        sqlx::query("SELECT id, letter FROM queue_groups WHERE office_id = $1 ORDER BY letter")
            .bind(&office_id)
            .fetch_all(db)
            .await
            .expect("groups")
            .iter()
            .map(|r| (r.get("id"), r.get("letter")))
            .collect();
    let first = jiff::civil::date(2026, 1, 5);
    let mut rng = Lcg(20_261_202);
    let mut seq: BTreeMap<(Date, String), i64> = BTreeMap::new();
    let mut raw = Vec::new();
    for i in 0..count {
        let day = first
            .checked_add(jiff::Span::new().days(rng.next(110) as i64))
            .expect("day");
        let (group_id, letter) = &groups[rng.next(groups.len() as u64) as usize];
        let n = seq.entry((day, letter.clone())).or_default();
        *n += 1;
        let hour = 7 + rng.next(9) as i64;
        let issued_ms = day
            .at(hour as i8, rng.next(60) as i8, rng.next(60) as i8, 0)
            .to_zoned(platform::clock::wita().clone())
            .expect("zoned")
            .timestamp()
            .as_millisecond()
            + rng.next(1000) as i64;
        let roll = rng.next(10);
        let (status, wait, service) = match roll {
            0 => ("no_show", Some(rng.next(95 * 60_000) as i64), None),
            1 => ("waiting", None, None),
            // Exactly half a tenth of a minute: rounds up.
            2 => (
                "done",
                Some(3_000 + 6_000 * rng.next(300) as i64),
                Some(9_000),
            ),
            _ => (
                "done",
                Some(rng.next(95 * 60_000) as i64),
                Some(60_000 + rng.next(40 * 60_000) as i64),
            ),
        };
        let called_ms = wait.map(|w| issued_ms + w);
        let finished_ms = match (called_ms, service) {
            (Some(c), Some(s)) => Some(c + s),
            (Some(c), None) => Some(c + 30_000),
            _ => None,
        };
        sqlx::query(
            "INSERT INTO queue_tickets (id, office_id, group_id, day, seq, number, status, issued_ms, called_ms, finished_ms, recalls) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0)",
        )
        .bind(format!("gen-ticket-{i:06}"))
        .bind(&office_id)
        .bind(group_id)
        .bind(day.to_string())
        .bind(*n)
        .bind(format!("{letter}-{n:03}"))
        .bind(status)
        .bind(issued_ms)
        .bind(called_ms)
        .bind(finished_ms)
        .execute(db)
        .await
        .expect("ticket");
        if status != "waiting" {
            raw.push(RawTicket {
                day,
                hour,
                no_show: status == "no_show",
                wait_ms: wait,
                service_ms: service,
            });
        }
    }
    queue::stats::rebuild(&app.state).await.expect("rebuild");
    raw
}

/// Mean and nearest-rank p90 in minutes, to one decimal (half up), of a set of durations.
fn durations(mut ms: Vec<i64>) -> Value {
    if ms.is_empty() {
        return json!({"count": 0, "mean_minutes": 0.0, "p90_minutes": 0.0});
    }
    ms.sort_unstable();
    let n = ms.len();
    let rank = (n * 9).div_ceil(10).max(1);
    let tenths = |v: i64| ((v + 3_000) / 6_000) as f64 / 10.0;
    let mean = ms.iter().sum::<i64>() as f64 / n as f64 / 60_000.0;
    json!({
        "count": n,
        "mean_minutes": (mean * 10.0).round() / 10.0,
        "p90_minutes": tenths(ms[rank - 1]),
    })
}

/// The figures of a period by brute force.
fn expected(raw: &[RawTicket], first: Date, last: Date) -> Value {
    let chosen: Vec<&RawTicket> = raw
        .iter()
        .filter(|t| t.day >= first && t.day <= last)
        .collect();
    let tickets = chosen.len();
    let no_shows = chosen.iter().filter(|t| t.no_show).count();
    let mut hours: BTreeMap<String, i64> = BTreeMap::new();
    let mut heat: BTreeMap<(i64, i64), i64> = BTreeMap::new();
    let mut days: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut months: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for t in &chosen {
        let month = months
            .entry(t.day.strftime("%Y-%m").to_string())
            .or_default();
        month.0 += 1;
        month.1 += i64::from(t.no_show);
        *hours.entry(format!("{:02}", t.hour)).or_default() += 1;
        *heat
            .entry((i64::from(t.day.weekday().to_monday_one_offset()), t.hour))
            .or_default() += 1;
        let day = days.entry(t.day.to_string()).or_default();
        day.0 += 1;
        day.1 += i64::from(t.no_show);
    }
    json!({
        "tickets": tickets,
        "no_shows": no_shows,
        "no_show_rate": (tickets > 0).then(|| (1000.0 * no_shows as f64 / tickets as f64).round() / 10.0),
        "waiting": durations(chosen.iter().filter_map(|t| t.wait_ms).collect()),
        "service": durations(chosen.iter().filter_map(|t| t.service_ms).collect()),
        "hours": hours,
        "heat": heat.iter().map(|((w, h), n)| json!({"weekday": w, "hour": h, "tickets": n})).collect::<Vec<_>>(),
        "days": days.iter().map(|(d, (n, s))| json!([d, n, s])).collect::<Vec<_>>(),
        "months": months.iter().map(|(m, (n, s))| json!([m, n, s])).collect::<Vec<_>>(),
    })
}

#[tokio::test]
async fn every_queue_figure_equals_a_brute_force_count_over_a_generated_data_set() {
    on_both(async |app| {
        app.load_demo().await;
        let raw = generate(app, 2_500).await;
        let leader = signed_in(app, "pimpinan.kota").await;
        let d = jiff::civil::date;
        for (first, last) in [
            (d(2026, 1, 5), d(2026, 4, 24)),   // everything, across months
            (d(2026, 2, 1), d(2026, 3, 31)),   // whole months only
            (d(2026, 3, 3), d(2026, 3, 17)),   // inside one month
            (d(2026, 1, 20), d(2026, 3, 2)),   // days, a whole month, days
            (d(2025, 11, 1), d(2025, 11, 30)), // nothing
            (d(2025, 12, 20), d(2027, 1, 3)),  // days, a whole year, days
        ] {
            let want = expected(&raw, first, last);
            let (status, panel) = get_json(
                &leader,
                &format!("/api/v1/dashboard/queue?from={first}&to={last}&office={OFFICE}"),
            )
            .await;
            assert_eq!(status, 200, "{panel}");
            let got = &panel["current"];
            for figure in ["tickets", "no_shows", "no_show_rate", "waiting", "service"] {
                assert_eq!(got[figure], want[figure], "{figure} of {first}..{last}");
            }
            let hours: BTreeMap<String, i64> = panel["by_hour"]
                .as_array()
                .expect("hours")
                .iter()
                .map(|h| {
                    (
                        h["key"].as_str().unwrap_or_default().to_string(),
                        h["tickets"].as_i64().unwrap_or_default(),
                    )
                })
                .collect();
            assert_eq!(json!(hours), want["hours"], "hours of {first}..{last}");
            assert_eq!(panel["heat"], want["heat"], "heat map of {first}..{last}");
            if panel["series_unit"] == "day" {
                let days: Vec<Value> = panel["series"]
                    .as_array()
                    .expect("series")
                    .iter()
                    .map(|p| json!([p["key"], p["tickets"], p["no_shows"]]))
                    .collect();
                assert_eq!(json!(days), want["days"], "days of {first}..{last}");
            } else {
                let months: Vec<Value> = panel["series"]
                    .as_array()
                    .expect("series")
                    .iter()
                    .map(|p| json!([p["key"], p["tickets"], p["no_shows"]]))
                    .collect();
                assert_eq!(json!(months), want["months"], "months of {first}..{last}");
            }
            // The period before, of the same length.
            let before_last = first.yesterday().expect("day");
            let length = (last - first).get_days();
            let before_first = before_last
                .checked_sub(jiff::Span::new().days(length))
                .expect("day");
            let before = expected(&raw, before_first, before_last);
            assert_eq!(panel["previous"]["tickets"], before["tickets"]);
            assert_eq!(panel["previous"]["waiting"], before["waiting"]);
        }
        // The busiest hours are the hours with the most tickets.
        let (_, panel) = get_json(
            &leader,
            "/api/v1/dashboard/queue?from=2026-01-05&to=2026-04-24",
        )
        .await;
        let want = expected(&raw, d(2026, 1, 5), d(2026, 4, 24));
        let mut ranked: Vec<(&String, &Value)> =
            want["hours"].as_object().expect("hours").iter().collect();
        ranked.sort_by(|a, b| b.1.as_i64().cmp(&a.1.as_i64()).then(a.0.cmp(b.0)));
        let top: Vec<&str> = ranked.iter().take(3).map(|(h, _)| h.as_str()).collect();
        assert_eq!(panel["busiest_hours"], json!(top));
        // The page draws the heat map with a table of the same numbers.
        let web = app.browser();
        web.login_ok("pimpinan.kota", crate::support::DEMO_PASSWORD)
            .await;
        let html = web.text("/dashboard?from=2026-01-05&to=2026-04-24").await;
        assert!(html.contains("id=\"chart-heat-t\""), "heat map drawn");
        assert!(
            html.contains("data-testid=\"queue-heat\""),
            "heat map table"
        );
        assert!(html.contains("Jam tersibuk"), "busiest hours named");
    })
    .await;
}

#[tokio::test]
async fn an_agency_head_sees_only_their_offices_and_bad_office_filters_are_named() {
    on_both(async |app| {
        app.load_demo().await;
        generate(app, 200).await;
        let password = app
            .create_staff("Kepala Dinkes", "kepala.dinkes", "leader", "dinkes")
            .await;
        let mut head = app.api();
        head.sign_in("kepala.dinkes", &password).await;
        let all = "from=2026-01-05&to=2026-04-24";
        let (status, panel) = get_json(&head, &format!("/api/v1/dashboard/queue?{all}")).await;
        assert_eq!(status, 200);
        assert_eq!(panel["offices"], json!([]), "Dinkes runs no office");
        assert_eq!(panel["current"]["tickets"], 0);
        let (status, _) = get_json(
            &head,
            &format!("/api/v1/dashboard/queue?{all}&office={OFFICE}"),
        )
        .await;
        assert_eq!(status, 403, "another agency's office");
        let leader = signed_in(app, "pimpinan.kota").await;
        let (status, body) = get_json(
            &leader,
            &format!("/api/v1/dashboard/queue?{all}&office=kantor-entah"),
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.to_string().contains("office"), "{body}");
        let (status, body) = get_json(
            &leader,
            &format!("/api/v1/dashboard/queue?{all}&office={OFFICE}&agency=dinkes"),
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.to_string().contains("bukan milik"), "{body}");
        let (status, panel) = get_json(
            &leader,
            &format!("/api/v1/dashboard/queue?{all}&agency=kec-alak"),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(panel["offices"], json!([OFFICE]));
        assert_eq!(
            panel["current"]["tickets"].as_i64().map(|n| n > 0),
            Some(true)
        );
        // The page keeps the choice and names the problem.
        let web = app.browser();
        web.login_ok("pimpinan.kota", crate::support::DEMO_PASSWORD)
            .await;
        let html = web
            .text("/dashboard?office=kantor-entah&from=2026-01-05")
            .await;
        assert!(html.contains("Kantor layanan ini tidak dikenal"), "{html}");
        assert!(
            html.contains("value=\"2026-01-05\""),
            "the period typed is kept"
        );
    })
    .await;
}

#[tokio::test]
async fn the_queue_and_collaboration_tables_download_as_csv_and_xlsx_with_the_apis_figures() {
    use crate::dashboard_exports::{only_sheet, openpyxl, tool_available};
    let reader = tool_available(
        "python3",
        &["-c", "import openpyxl"],
        "python3 with openpyxl",
    );
    on_both(async |app| {
        app.load_demo().await;
        generate(app, 600).await;
        let leader = signed_in(app, "pimpinan.kota").await;
        let web = app.browser();
        web.login_ok("pimpinan.kota", crate::support::DEMO_PASSWORD)
            .await;
        let filters = "from=2026-01-05&to=2026-04-24";
        let (_, panel) = get_json(&leader, &format!("/api/v1/dashboard/queue?{filters}")).await;
        // Per office: the CSV rows are the API's lines.
        let csv = web
            .text(&format!("/dashboard/queue.csv?table=office&{filters}"))
            .await;
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert!(
            lines[0].starts_with("office_code,office_name,tickets,no_shows"),
            "{csv}"
        );
        let office = &panel["by_office"][0];
        let expected_start = format!(
            "{},{},{},{},",
            office["code"].as_str().unwrap_or_default(),
            office["name"].as_str().unwrap_or_default(),
            office["tickets"],
            office["no_shows"]
        );
        assert!(
            lines[1].starts_with(&expected_start),
            "{} / {expected_start}",
            lines[1]
        );
        assert!(
            lines[1].contains(&format!(
                "{:.1}",
                office["waiting"]["p90_minutes"].as_f64().unwrap_or(-1.0)
            )),
            "{}",
            lines[1]
        );
        // Over time and per hour: one row per point.
        for (table, key) in [("series", "series"), ("hours", "by_hour"), ("heat", "heat")] {
            let csv = web
                .text(&format!("/dashboard/queue.csv?table={table}&{filters}"))
                .await;
            assert_eq!(
                csv.trim_start_matches('\u{feff}').lines().count() - 1,
                panel[key].as_array().map_or(0, Vec::len),
                "{table}"
            );
        }
        if reader {
            let response = web
                .get(&format!("/dashboard/queue.xlsx?table=office&{filters}"))
                .await;
            assert_eq!(response.status(), 200);
            let rows = only_sheet(&openpyxl(&response.bytes().await.expect("bytes")));
            assert_eq!(rows[1][0], office["code"]);
            assert_eq!(rows[1][2].as_f64(), office["tickets"].as_f64());
            assert_eq!(
                rows[1][7].as_f64(),
                office["waiting"]["p90_minutes"].as_f64()
            );
            let response = web
                .get(&format!("/dashboard/collaboration.xlsx?{filters}"))
                .await;
            assert_eq!(response.status(), 200);
            let rows = only_sheet(&openpyxl(&response.bytes().await.expect("bytes")));
            assert_eq!(
                rows[0],
                json!(["figure", "period", "previous_period"])
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            );
            assert!(rows.len() > 15, "{rows:?}");
        }
        // Bad filters are named on a page; an unknown format is not found.
        let bad = web.get("/dashboard/queue.csv?office=kantor-entah").await;
        assert_eq!(bad.status(), 422);
        assert!(
            bad.text()
                .await
                .unwrap_or_default()
                .contains("Kantor layanan ini tidak dikenal")
        );
        assert_eq!(web.get("/dashboard/queue.pdf").await.status(), 404);
    })
    .await;
}
