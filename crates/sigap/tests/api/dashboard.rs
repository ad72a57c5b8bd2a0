//! The leaders' dashboard and the public statistics (issue #7): every figure compared with a
//! brute-force count from the raw rows, the figures kept on write equal to a rebuild from those
//! rows, who sees which agencies, and bad filters answered clearly.

use std::collections::HashMap;

use jiff::civil::Date;
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::Row as _;

use crate::{
    applications_api::submitted_through_api,
    support::{Api, DEMO_PASSWORD, TestApp, on_both, send, signed_in},
};

const YULIANA: &str = "5371014107900001";

struct RawApplication {
    agency_id: String,
    service_id: String,
    submitted: Date,
    due: Option<Date>,
}

/// Everything the figures are made of, read straight from the tables.
struct Raw {
    applications: HashMap<String, RawApplication>,
    /// (application id, status, WITA day)
    events: Vec<(String, String, Date)>,
    calendar: services::calendar::Calendar,
    /// (agency id, service id, answers, WITA day)
    skm: Vec<(String, String, services::skm::Answers, Date)>,
    agency_codes: HashMap<String, String>,
}

fn day_of(ms: i64) -> Date {
    services::calendar::wita_date(ms)
}

async fn raw(app: &TestApp) -> Raw {
    let db = &app.state.db.read;
    let mut applications = HashMap::new();
    for r in sqlx::query("SELECT id, agency_id, service_id, submitted_ms, due_day FROM applications WHERE submitted_ms IS NOT NULL")
        .fetch_all(db).await.expect("applications")
    {
        applications.insert(r.get::<String, _>("id"), RawApplication {
            agency_id: r.get("agency_id"),
            service_id: r.get("service_id"),
            submitted: day_of(r.get("submitted_ms")),
            due: r.get::<Option<String>, _>("due_day").and_then(|d| d.parse().ok()),
        });
    }
    let events = sqlx::query("SELECT application_id, status, at_ms FROM application_events")
        .fetch_all(db)
        .await
        .expect("events")
        .iter()
        .map(|r| {
            (
                r.get("application_id"),
                r.get("status"),
                day_of(r.get("at_ms")),
            )
        })
        .collect();
    let holidays: Vec<Date> = sqlx::query("SELECT day FROM holidays")
        .fetch_all(db)
        .await
        .expect("holidays")
        .iter()
        .filter_map(|r| r.get::<String, _>("day").parse().ok())
        .collect();
    let skm = sqlx::query("SELECT agency_id, service_id, answers, created_ms FROM skm_responses")
        .fetch_all(db)
        .await
        .expect("skm")
        .iter()
        .map(|r| {
            let answers: Vec<u8> = r
                .get::<String, _>("answers")
                .split(',')
                .map(|a| a.parse().expect("1-4"))
                .collect();
            (
                r.get("agency_id"),
                r.get("service_id"),
                answers.try_into().expect("nine"),
                day_of(r.get("created_ms")),
            )
        })
        .collect();
    let agency_codes = sqlx::query("SELECT id, code FROM agencies")
        .fetch_all(db)
        .await
        .expect("agencies")
        .iter()
        .map(|r| (r.get("code"), r.get("id")))
        .collect();
    Raw {
        applications,
        events,
        calendar: services::calendar::Calendar::new(holidays),
        skm,
        agency_codes,
    }
}

/// The figures of a period by brute force, with the dashboard's definitions: received on the
/// day of submission; completed (issued or rejected) on the day of the event; on time when that
/// day is not after the due day; processing time in working days from submission to
/// completion; nearest-rank median and p90; IKM over the period's answers.
fn expected(
    raw: &Raw,
    first: Date,
    last: Date,
    agencies: &[String],
    service: Option<&str>,
) -> Value {
    let chosen = |a: &RawApplication| {
        (agencies.is_empty() || agencies.contains(&a.agency_id))
            && service.is_none_or(|s| s == a.service_id)
    };
    let within = |d: Date| d >= first && d <= last;
    let received = raw
        .applications
        .values()
        .filter(|a| chosen(a) && within(a.submitted))
        .count();
    let (mut completed, mut on_time, mut issued, mut rejected, mut withdrawn, mut returned) =
        (0, 0, 0, 0, 0, 0);
    let mut durations = Vec::new();
    for (id, status, day) in &raw.events {
        let Some(a) = raw.applications.get(id) else {
            continue;
        };
        if !chosen(a) || !within(*day) {
            continue;
        }
        match status.as_str() {
            "issued" | "rejected" => {
                completed += 1;
                if status == "issued" {
                    issued += 1
                } else {
                    rejected += 1
                }
                if a.due.is_some_and(|due| *day <= due) {
                    on_time += 1
                }
                durations.push(raw.calendar.working_days_between(a.submitted, *day));
            }
            "withdrawn" => withdrawn += 1,
            "returned_for_revision" => returned += 1,
            _ => {}
        }
    }
    durations.sort_unstable();
    let rank = |q: f64| -> Value {
        if durations.is_empty() {
            return Value::Null;
        }
        let k = ((q * durations.len() as f64).ceil() as usize).clamp(1, durations.len());
        json!(durations[k - 1])
    };
    let answers: Vec<services::skm::Answers> = raw
        .skm
        .iter()
        .filter(|(agency, svc, _, day)| {
            within(*day)
                && (agencies.is_empty() || agencies.contains(agency))
                && service.is_none_or(|s| s == svc)
        })
        .map(|(_, _, a, _)| *a)
        .collect();
    let ikm = services::skm::compute(&answers).map(|i| i.converted);
    json!({"received": received, "completed": completed, "completed_on_time": on_time, "issued": issued,
           "rejected": rejected, "withdrawn": withdrawn, "returned": returned,
           "median_days": rank(0.5), "p90_days": rank(0.9), "ikm": ikm})
}

/// The same figures as the dashboard API reports them.
fn reported(period: &Value) -> Value {
    json!({"received": period["received"], "completed": period["completed"], "completed_on_time": period["completed_on_time"],
           "issued": period["issued"], "rejected": period["rejected"], "withdrawn": period["withdrawn"], "returned": period["returned"],
           "median_days": period["processing"]["median_days"], "p90_days": period["processing"]["p90_days"],
           "ikm": period["ikm"]["value"]})
}

async fn panel(api: &Api, query: &str) -> (reqwest::StatusCode, Value) {
    let response = send(
        api,
        Method::GET,
        &format!("/api/v1/dashboard/services?{query}"),
        None,
    )
    .await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The rows of `queries` as text lines (`a|b|c`), to compare tables before and after a rebuild.
pub(crate) async fn rows_as_text(app: &TestApp, queries: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for sql in queries {
        for row in sqlx::query(sql)
            .fetch_all(&app.state.db.read)
            .await
            .expect("stats")
        {
            let cells: Vec<String> = (0..row.len())
                .map(|i| {
                    row.try_get::<String, _>(i)
                        .or_else(|_| row.try_get::<i64, _>(i).map(|n| n.to_string()))
                        .expect("cell")
                })
                .collect();
            out.push(cells.join("|"));
        }
    }
    out
}

/// Snapshot of the tables kept on write, to compare with a rebuild.
async fn kept(app: &TestApp) -> Vec<String> {
    rows_as_text(
        app,
        &[
            "SELECT day, agency_id, service_id, received, returned, completed, completed_on_time, issued, rejected, withdrawn FROM service_daily_stats ORDER BY day, agency_id, service_id",
            "SELECT day, agency_id, service_id, working_days, completed FROM service_duration_stats ORDER BY day, agency_id, service_id, working_days",
            "SELECT day, agency_id, service_id, respondents, e1, e2, e3, e4, e5, e6, e7, e8, e9 FROM skm_daily_stats ORDER BY day, agency_id, service_id",
        ],
    )
    .await
}

#[tokio::test]
async fn figures_kept_on_write_follow_the_office_and_equal_a_brute_force_count_and_a_rebuild() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = signed_in(app, YULIANA).await;
        let verifier = signed_in(app, "verifikator.alak").await;
        let camat = signed_in(app, "camat.alak").await;
        let act = async |who: &Api, id: &str, body: Value| {
            let response = send(who, Method::POST, &format!("/api/v1/office/applications/{id}/actions"), Some(body.clone())).await;
            assert!(response.status().is_success(), "{body}: {}", response.status());
        };
        // One issued after a revision, with an SKM answer; one rejected; one withdrawn; one waiting.
        let (issued, _) = submitted_through_api(&citizen).await;
        act(&verifier, &issued, json!({"action": "claim"})).await;
        act(&verifier, &issued, json!({"action": "return_for_revision", "reason": "Foto KTP buram, mohon unggah ulang."})).await;
        assert!(send(&citizen, Method::POST, &format!("/api/v1/applications/{issued}/submit"), None).await.status().is_success());
        act(&verifier, &issued, json!({"action": "claim"})).await;
        act(&verifier, &issued, json!({"action": "verify"})).await;
        act(&camat, &issued, json!({"action": "approve"})).await;
        let survey = json!({"answers": [4, 4, 3, 4, 4, 3, 4, 4, 3], "comment": "Cepat"});
        assert_eq!(send(&citizen, Method::POST, &format!("/api/v1/applications/{issued}/survey"), Some(survey)).await.status(), 204);
        let (rejected, _) = submitted_through_api(&citizen).await;
        act(&verifier, &rejected, json!({"action": "claim"})).await;
        act(&verifier, &rejected, json!({"action": "verify"})).await;
        act(&camat, &rejected, json!({"action": "reject", "reason": "Bukan warga Kecamatan Alak."})).await;
        // Withdrawn: returned, and its revision deadline passed (the daily job closes it).
        let (withdrawn, _) = submitted_through_api(&citizen).await;
        act(&verifier, &withdrawn, json!({"action": "claim"})).await;
        act(&verifier, &withdrawn, json!({"action": "return_for_revision", "reason": "Kartu Keluarga tidak terbaca."})).await;
        app.sql(&format!("UPDATE applications SET revise_by_day = '2020-01-06' WHERE id = '{withdrawn}'")).await;
        assert_eq!(services::applications::processing::lapse_overdue_revisions(&app.state).await.expect("job"), 1);
        let _waiting = submitted_through_api(&citizen).await;

        let leader = signed_in(app, "pimpinan.kota").await;
        let today = day_of(platform::clock::now_ms());
        let (status, body) = panel(&leader, "").await;
        assert_eq!(status, 200, "{body}");
        let raw = raw(app).await;
        let first = today.checked_sub(jiff::Span::new().days(29)).expect("date");
        assert_eq!(reported(&body["current"]), expected(&raw, first, today, &[], None));
        assert_eq!((body["current"]["received"].as_i64(), body["current"]["issued"].as_i64(), body["current"]["rejected"].as_i64(),
                    body["current"]["withdrawn"].as_i64(), body["current"]["returned"].as_i64()), (Some(4), Some(1), Some(1), Some(1), Some(2)));
        assert!(body["in_progress_now"].as_i64().is_some_and(|n| n >= 1), "the one waiting");
        assert_eq!(body["current"]["ikm"]["respondents"], 1);
        // What was kept on write is exactly what a rebuild from the raw rows gives.
        let before = kept(app).await;
        assert!(!before.is_empty());
        services::stats::rebuild(&app.state).await.expect("rebuild");
        assert_eq!(kept(app).await, before);
    })
    .await;
}

/// Writes `count` applications over two years straight into the tables, each submitted on a
/// pseudo-random day, most completed some days later (some after their deadline), some
/// returned once, some withdrawn, a third of the issued with an SKM answer; then rebuilds.
pub(crate) async fn generate(app: &TestApp, count: usize) {
    let db = &app.state.db.write;
    let services: Vec<(String, String, i64)> =
        sqlx::query("SELECT id, agency_id, version FROM services ORDER BY code")
            .fetch_all(&app.state.db.read)
            .await
            .expect("services")
            .iter()
            .map(|r| (r.get("id"), r.get("agency_id"), r.get("version")))
            .collect();
    let applicant: String = sqlx::query("SELECT id FROM users WHERE nik = $1")
        .bind(YULIANA)
        .fetch_one(&app.state.db.read)
        .await
        .expect("citizen")
        .get("id");
    let start = jiff::civil::date(2024, 12, 1);
    let mut seed: u64 = 7;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let ms_of = |day: Date, hour: i8| -> i64 {
        day.at(hour, 0, 0, 0)
            .to_zoned(platform::clock::wita().clone())
            .expect("time")
            .timestamp()
            .as_millisecond()
    };
    let mut tx = db.begin().await.expect("tx");
    for i in 0..count {
        let (service, agency, version) =
            &services[usize::try_from(next(services.len() as u64)).expect("index")];
        let submitted = start
            .checked_add(jiff::Span::new().days(i64::try_from(next(730)).expect("days")))
            .expect("day");
        let due = submitted
            .checked_add(jiff::Span::new().days(5))
            .expect("due");
        let id = format!("gen-{i:05}");
        let outcome = next(10);
        let status = match outcome {
            0 => "submitted",
            1 => "withdrawn",
            2..=3 => "rejected",
            _ => "issued",
        };
        sqlx::query("INSERT INTO applications (id, tracking_number, service_id, service_version, agency_id, applicant_id, status, submitted_ms, due_day, created_ms, updated_ms) \
                     VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $7, $7)")
            .bind(&id).bind(service).bind(version).bind(agency).bind(&applicant).bind(status)
            .bind(ms_of(submitted, 9)).bind(due.to_string())
            .execute(&mut *tx).await.expect("application");
        let event = |status: &'static str, day: Date, n: usize| {
            (format!("{id}-{n}"), id.clone(), status, ms_of(day, 14))
        };
        let mut events = Vec::new();
        if next(4) == 0 {
            events.push(event(
                "returned_for_revision",
                submitted
                    .checked_add(jiff::Span::new().days(1))
                    .expect("day"),
                0,
            ));
        }
        if status != "submitted" {
            let done = submitted
                .checked_add(jiff::Span::new().days(i64::try_from(next(12)).expect("days")))
                .expect("day");
            events.push(event(status, done, 1));
            if status == "issued" && next(3) == 0 {
                let answers: Vec<String> = (0..9).map(|_| (1 + next(4)).to_string()).collect();
                sqlx::query("INSERT INTO skm_responses (id, application_id, service_id, agency_id, answers, comment, created_ms) VALUES ($1, $2, $3, $4, $5, '', $6)")
                    .bind(format!("skm-{i}")).bind(&id).bind(service).bind(agency).bind(answers.join(",")).bind(ms_of(done, 16))
                    .execute(&mut *tx).await.expect("skm");
            }
        }
        for (event_id, application, status, at) in events {
            sqlx::query("INSERT INTO application_events (id, application_id, at_ms, actor_id, status, note) VALUES ($1, $2, $3, NULL, $4, '')")
                .bind(event_id).bind(application).bind(at).bind(status)
                .execute(&mut *tx).await.expect("event");
        }
    }
    tx.commit().await.expect("commit");
    services::stats::rebuild(&app.state).await.expect("rebuild");
}

#[tokio::test]
async fn every_dashboard_figure_equals_a_brute_force_count_over_a_generated_data_set() {
    on_both(async |app| {
        app.load_demo().await;
        generate(app, 1500).await;
        let raw = raw(app).await;
        let leader = signed_in(app, "pimpinan.kota").await;
        let d = |s: &str| s.parse::<Date>().expect("date");
        let alak = raw.agency_codes["kec-alak"].clone();
        let dukcapil = raw.agency_codes["dukcapil"].clone();
        let sktm: String = sqlx::query("SELECT id FROM services WHERE code = 'sktm'")
            .fetch_one(&app.state.db.read)
            .await
            .expect("sktm")
            .get("id");
        for (query, first, last, agencies, service) in [
            (
                "from=2025-01-01&to=2025-12-31",
                "2025-01-01",
                "2025-12-31",
                vec![],
                None,
            ),
            (
                "from=2025-03-10&to=2025-03-30",
                "2025-03-10",
                "2025-03-30",
                vec![],
                None,
            ),
            (
                "from=2024-12-01&to=2026-12-31&agency=kec-alak",
                "2024-12-01",
                "2026-12-31",
                vec![alak.clone()],
                None,
            ),
            (
                "from=2025-06-01&to=2026-05-31&agency=dukcapil",
                "2025-06-01",
                "2026-05-31",
                vec![dukcapil.clone()],
                None,
            ),
            (
                "from=2025-01-01&to=2026-06-30&service=sktm",
                "2025-01-01",
                "2026-06-30",
                vec![],
                Some(sktm.as_str()),
            ),
        ] {
            let (status, body) = panel(&leader, query).await;
            assert_eq!(status, 200, "{query}: {body}");
            assert_eq!(
                reported(&body["current"]),
                expected(&raw, d(first), d(last), &agencies, service),
                "{query}"
            );
            // The previous period: the same length, ending the day before.
            let previous_first = d(body["previous"]["first_day"].as_str().expect("day"));
            let previous_last = d(body["previous"]["last_day"].as_str().expect("day"));
            assert_eq!(previous_last.tomorrow().expect("day"), d(first), "{query}");
            assert_eq!(
                (previous_last - previous_first).get_days(),
                (d(last) - d(first)).get_days(),
                "{query}"
            );
            assert_eq!(
                reported(&body["previous"]),
                expected(&raw, previous_first, previous_last, &agencies, service),
                "{query} before"
            );
            // The breakdowns add up to the whole.
            let sum = |rows: &Value, field: &str| {
                rows.as_array()
                    .expect("rows")
                    .iter()
                    .map(|r| r[field].as_i64().unwrap_or(0))
                    .sum::<i64>()
            };
            assert_eq!(
                sum(&body["by_service"], "received"),
                body["current"]["received"].as_i64().unwrap_or(-1),
                "{query}"
            );
            assert_eq!(
                sum(&body["by_agency"], "completed"),
                body["current"]["completed"].as_i64().unwrap_or(-1),
                "{query}"
            );
            assert_eq!(
                sum(&body["series"], "received"),
                body["current"]["received"].as_i64().unwrap_or(-1),
                "{query}"
            );
        }
        // A year is shown per month; a month per day.
        let (_, year) = panel(&leader, "from=2025-01-01&to=2025-12-31").await;
        assert_eq!(
            (
                year["series_unit"].as_str(),
                year["series"].as_array().map(Vec::len)
            ),
            (Some("month"), Some(12))
        );
        // The public statistics give the same figures for everyone, without signing in.
        let visitor = app.api();
        let public: Value = send(
            &visitor,
            Method::GET,
            "/api/v1/statistics/services?from=2025-01-01&to=2025-12-31",
            None,
        )
        .await
        .json()
        .await
        .expect("json");
        assert_eq!(reported(&public["current"]), reported(&year["current"]));
        let page = app
            .browser()
            .text("/statistics?from=2025-01-01&to=2025-12-31")
            .await;
        assert!(
            page.contains("data-testid=\"kpis\"") && page.contains("<svg class=\"chart\""),
            "{page}"
        );
    })
    .await;
}

#[tokio::test]
async fn bad_filters_are_named_and_an_agency_head_sees_only_their_agency() {
    on_both(async |app| {
        app.load_demo().await;
        let leader = signed_in(app, "pimpinan.kota").await;
        for (query, field, message) in [
            ("from=2026-05-01&to=2026-04-01", "to", "tidak boleh sebelum"),
            ("from=2000-01-01&to=2020-12-31", "from", "paling lama 5 tahun"),
            ("from=kemarin", "from", "TTTT-BB-HH"),
            ("agency=dinas-tidak-ada", "agency", "tidak dikenal"),
            ("service=tidak-ada", "service", "tidak dikenal"),
        ] {
            let (status, body) = panel(&leader, query).await;
            assert_eq!(status, 422, "{query}: {body}");
            let text = body.to_string();
            assert!(text.contains(field) && text.contains(message), "{query}: {text}");
        }
        // The page keeps what was typed and names the field, in the reader's language.
        let web = app.browser();
        web.login_ok("pimpinan.kota", DEMO_PASSWORD).await;
        let response = web.get("/dashboard?from=2026-05-01&to=2026-04-01").await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.expect("text");
        assert!(page.contains("value=\"2026-05-01\"") && page.contains("id=\"to-error\""), "{page}");
        let english = app.browser();
        english.login_ok("pimpinan.kota", DEMO_PASSWORD).await;
        english.post("/lang", &[("lang", "en"), ("next", "/")]).await;
        let page = english.get("/dashboard?from=2026-05-01&to=2026-04-01").await.text().await.expect("text");
        assert!(page.contains("The end date cannot be before the start date."), "{page}");
        // Only leaders and superadmins read it.
        let verifier = signed_in(app, "verifikator.alak").await;
        assert_eq!(panel(&verifier, "").await.0, 403);
        assert_eq!(send(&app.api(), Method::GET, "/api/v1/dashboard/services", None).await.status(), 401);
        // An agency head (leader of Kecamatan Alak) sees Alak and its kelurahan, not Dukcapil.
        app.sql("INSERT INTO role_grants (user_id, role, agency_id, granted_ms) SELECT u.id, 'leader', a.id, 0 \
                 FROM users u, agencies a WHERE u.username = 'verifikator.alak' AND a.code = 'kec-alak'").await;
        let head = signed_in(app, "verifikator.alak").await;
        assert_eq!(panel(&head, "agency=kec-alak").await.0, 200);
        assert_eq!(panel(&head, "agency=dukcapil").await.0, 403);
        assert_eq!(panel(&head, "").await.0, 200, "their agencies when none is chosen");
        // The CSV export of the per-service table.
        let response = web.get("/dashboard/services.csv?table=service&from=2026-01-01&to=2026-12-31").await;
        assert_eq!(response.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("text/csv; charset=utf-8"));
        assert!(response.text().await.expect("text").starts_with("\u{feff}code,name,received,completed"));
    })
    .await;
}

#[tokio::test]
async fn the_capacity_panel_shows_jp_compliance_and_the_largest_gaps_of_the_readers_agencies() {
    on_both(async |app| {
        app.load_demo().await;
        capacity::demo::load(&app.state).await.expect("capacity demo");
        let leader = signed_in(app, "pimpinan.kota").await;
        let body: Value = send(&leader, Method::GET, "/api/v1/dashboard/capacity", None).await.json().await.expect("json");
        let year = i64::from(day_of(platform::clock::now_ms()).year());
        assert_eq!(body["year"], year);
        // The same figures as the capacity part's own reports.
        let compliance: Value = send(&leader, Method::GET, &format!("/api/v1/jp/compliance?year={year}"), None).await.json().await.expect("json");
        assert_eq!(body["compliance"], compliance);
        let needs: Value = send(&leader, Method::GET, "/api/v1/training-needs?group=competency", None).await.json().await.expect("json");
        let top: Vec<Value> = needs.as_array().expect("rows").iter().take(10).cloned().collect();
        assert!(!top.is_empty());
        assert_eq!(body["top_gaps"], Value::Array(top));
        let web = app.browser();
        web.login_ok("pimpinan.kota", DEMO_PASSWORD).await;
        let page = web.text("/dashboard").await;
        assert!(page.contains("data-testid=\"jp-compliance\"") && page.contains("data-testid=\"top-gaps\"") && page.contains("chart-gaps-t"), "{page}");
        // An agency head sees the compliance of their agencies only.
        app.sql("INSERT INTO role_grants (user_id, role, agency_id, granted_ms) SELECT u.id, 'leader', a.id, 0 \
                 FROM users u, agencies a WHERE u.username = 'verifikator.alak' AND a.code = 'kec-alak'").await;
        let head = signed_in(app, "verifikator.alak").await;
        let body: Value = send(&head, Method::GET, "/api/v1/dashboard/capacity", None).await.json().await.expect("json");
        let codes: Vec<&str> = body["compliance"].as_array().expect("rows").iter().filter_map(|r| r["agency_code"].as_str()).collect();
        assert!(codes.contains(&"kec-alak") && !codes.contains(&"dinkes") && !codes.contains(&"bkppd"), "{codes:?}");
        assert!(body["top_gaps"].as_array().expect("rows").iter().all(|g| g["agency_code"] == "kec-alak" || g["agency_code"].as_str().is_some_and(|c| c.starts_with("kel-"))), "{body}");
    })
    .await;
}

/// `sigap demo --scale large` at a small size: the generated data set is consistent (every
/// service figure the dashboard shows over it equals the brute-force count from its rows, the
/// queue and ASN parts are there and counted), on both backends.
#[tokio::test]
async fn the_large_demo_generator_writes_a_consistent_data_set_the_dashboard_counts_exactly() {
    on_both(async |app| {
        app.load_demo().await;
        capacity::demo::load(&app.state)
            .await
            .expect("capacity demo");
        let scale = sigap::scale_demo::Scale {
            applications: 6_000,
            tickets: 4_000,
            employees: 700,
        };
        sigap::scale_demo::load(&app.state, scale)
            .await
            .expect("large demo");
        // A second run on the same database is refused, nothing added.
        assert!(sigap::scale_demo::load(&app.state, scale).await.is_err());
        assert_eq!(
            app.count("SELECT COUNT(*) FROM applications WHERE id LIKE 'lg-%'")
                .await,
            6_000
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM queue_tickets WHERE id LIKE 'lg-%'")
                .await,
            4_000
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM employees WHERE id LIKE 'lg-%'")
                .await,
            700
        );
        let raw = raw(app).await;
        let leader = signed_in(app, "pimpinan.kota").await;
        let today = services::calendar::wita_date(platform::clock::now_ms());
        let first = today
            .checked_sub(jiff::Span::new().days(3 * 365))
            .expect("day");
        let (status, body) = panel(&leader, &format!("from={first}&to={today}")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            reported(&body["current"]),
            expected(&raw, first, today, &[], None),
            "three years"
        );
        assert_eq!(body["current"]["received"], 6_000);
        // Every ended ticket is counted in the queue figures.
        let (status, queue) = {
            let r = send(
                &leader,
                Method::GET,
                &format!("/api/v1/dashboard/queue?from={first}&to={today}"),
                None,
            )
            .await;
            (r.status(), r.json::<Value>().await.expect("json"))
        };
        assert_eq!(status, 200);
        assert_eq!(queue["current"]["tickets"], 4_000);
        // The civil servants are in the JP compliance.
        let (status, capacity) = {
            let r = send(&leader, Method::GET, "/api/v1/dashboard/capacity", None).await;
            (r.status(), r.json::<Value>().await.expect("json"))
        };
        assert_eq!(status, 200);
        let counted: i64 = capacity["compliance"]
            .as_array()
            .expect("compliance")
            .iter()
            .map(|a| a["employees"].as_i64().unwrap_or(0))
            .sum();
        assert_eq!(
            counted,
            app.count("SELECT COUNT(*) FROM employees WHERE employment_type = 'pns'")
                .await
        );
    })
    .await;
}
