//! The complaints, collaboration and information panel of the dashboard (issue #7): every
//! figure equals a count from the raw rows of the demo data (joint seminar, coordination
//! meeting, articles, announcements, complaints), article reads are counted when articles are
//! opened, and an agency head sees only their agency's figures.

use std::collections::{BTreeMap, BTreeSet};

use jiff::{ToSpan as _, civil::Date};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::Row as _;

use crate::support::{Api, TestApp, on_both, send, signed_in};

fn today() -> Date {
    services::calendar::wita_date(platform::clock::now_ms())
}

fn start_ms(day: Date) -> i64 {
    day.to_zoned(platform::clock::wita().clone())
        .expect("zoned")
        .timestamp()
        .as_millisecond()
}

async fn panel(api: &Api, query: &str) -> (reqwest::StatusCode, Value) {
    let response = send(
        api,
        Method::GET,
        &format!("/api/v1/dashboard/collaboration?{query}"),
        None,
    )
    .await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The figures of `[first, last]` for the agencies `only` (codes; empty for all), counted
/// straight from the tables.
async fn expected(app: &TestApp, first: Date, last: Date, only: &[&str]) -> Value {
    let db = &app.state.db.read;
    let (from, to) = (start_ms(first), start_ms(last.tomorrow().expect("day")));
    let codes: BTreeMap<String, String> = sqlx::query("SELECT id, code FROM agencies")
        .fetch_all(db)
        .await
        .expect("agencies")
        .iter()
        .map(|r| (r.get("id"), r.get("code")))
        .collect();
    let mine = |agency_id: &str| only.is_empty() || only.contains(&codes[agency_id].as_str());
    let inside = |ms: Option<i64>| ms.is_some_and(|ms| ms >= from && ms < to);

    let mut received = 0;
    let mut closed = 0;
    let mut open = 0;
    let mut answered = 0;
    for r in
        sqlx::query("SELECT agency_id, status, created_ms, responded_ms, closed_ms FROM complaints")
            .fetch_all(db)
            .await
            .expect("complaints")
    {
        if !mine(&r.get::<String, _>("agency_id")) {
            continue;
        }
        received += i64::from(inside(Some(r.get("created_ms"))));
        closed += i64::from(inside(r.get("closed_ms")));
        answered += i64::from(inside(r.get("responded_ms")));
        open += i64::from(matches!(
            r.get::<String, _>("status").as_str(),
            "received" | "in_progress"
        ));
    }

    let mut organisers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in sqlx::query(
        "SELECT e.id, e.starts_ms, e.status, o.agency_id FROM events e JOIN event_organisers o ON o.event_id = e.id",
    )
    .fetch_all(db)
    .await
    .expect("events")
    {
        if inside(Some(r.get("starts_ms"))) && r.get::<String, _>("status") != "cancelled" {
            organisers
                .entry(r.get("id"))
                .or_default()
                .insert(r.get("agency_id"));
        }
    }
    organisers.retain(|_, orgs| orgs.iter().any(|a| mine(a)));
    let joint = organisers.values().filter(|o| o.len() > 1).count();

    let mut written = 0;
    let mut shared = 0;
    for r in sqlx::query("SELECT agency_id, created_ms, sharing FROM articles")
        .fetch_all(db)
        .await
        .expect("articles")
    {
        if mine(&r.get::<String, _>("agency_id")) {
            written += i64::from(inside(Some(r.get("created_ms"))));
            shared += i64::from(r.get::<String, _>("sharing") != "own");
        }
    }
    let mut reads = 0;
    let mut reads_other = 0;
    for r in
        sqlx::query("SELECT day, owner_agency_id, reader_agency_id, reads FROM article_daily_reads")
            .fetch_all(db)
            .await
            .expect("reads")
    {
        let day: Date = r.get::<String, _>("day").parse().expect("day");
        let owner: String = r.get("owner_agency_id");
        if day >= first && day <= last && mine(&owner) {
            let n: i64 = r.get("reads");
            reads += n;
            if r.get::<String, _>("reader_agency_id") != owner {
                reads_other += n;
            }
        }
    }
    let mut published = 0;
    for r in sqlx::query("SELECT owner_agency_id, published_ms FROM announcements")
        .fetch_all(db)
        .await
        .expect("announcements")
    {
        if mine(&r.get::<String, _>("owner_agency_id")) && inside(r.get("published_ms")) {
            published += 1;
        }
    }
    json!({
        "complaints": {"received": received, "answered": answered, "closed": closed, "open_now": open},
        "events": organisers.len(),
        "joint_events": joint,
        "articles_written": written,
        "articles_shared_now": shared,
        "reads": reads,
        "reads_by_other_agencies": reads_other,
        "published": published,
    })
}

fn compare(got: &Value, want: &Value, what: &str) {
    for key in ["received", "answered", "closed", "open_now"] {
        assert_eq!(
            got["complaints"][key], want["complaints"][key],
            "complaints {key} ({what})"
        );
    }
    for key in [
        "events",
        "joint_events",
        "articles_written",
        "articles_shared_now",
        "reads",
        "reads_by_other_agencies",
    ] {
        assert_eq!(got["collaboration"][key], want[key], "{key} ({what})");
    }
    assert_eq!(
        got["information"]["published"], want["published"],
        "published ({what})"
    );
}

#[tokio::test]
async fn collaboration_and_information_figures_equal_the_raw_rows_and_reads_are_counted() {
    on_both(async |app| {
        app.load_demo().await;
        app.load_complaints_demo().await;
        collaboration::demo::load(&app.state)
            .await
            .expect("collaboration demo loads");
        announcements::demo::load(&app.state)
            .await
            .expect("announcements demo loads");
        // Articles opened: by Kecamatan Alak staff (another agency than the writer's) and by
        // the writing agency itself.
        let alak = signed_in(app, "asn.alak").await;
        let (_, list) = {
            let r = send(&alak, Method::GET, "/api/v1/knowledge/articles", None).await;
            (r.status(), r.json::<Value>().await.expect("json"))
        };
        let items = list["items"]
            .as_array()
            .or(list.as_array())
            .cloned()
            .unwrap_or_default();
        assert!(!items.is_empty(), "{list}");
        for item in items.iter().take(3) {
            let id = item["id"].as_str().expect("id");
            let read = send(
                &alak,
                Method::GET,
                &format!("/api/v1/knowledge/articles/{id}"),
                None,
            )
            .await;
            assert_eq!(read.status(), 200);
        }
        let from = today().checked_sub(60.days()).expect("day");
        let to = today().checked_add(30.days()).expect("day");
        let query = format!("from={from}&to={to}");
        let leader = signed_in(app, "pimpinan.kota").await;
        let (status, got) = panel(&leader, &query).await;
        assert_eq!(status, 200, "{got}");
        let want = expected(app, from, to, &[]).await;
        compare(&got["current"], &want, "everything");
        assert_eq!(
            got["current"]["collaboration"]["reads"], 3,
            "three reads counted"
        );
        assert_eq!(
            got["current"]["collaboration"]["reads_by_other_agencies"],
            3
        );
        // The demo's joint seminar is organised by Dikbud with Dinkes (the coordination meeting
        // by Dinkes alone, with invited agencies: not joint).
        assert_eq!(got["current"]["collaboration"]["joint_events"], 1, "{got}");
        assert_eq!(
            got["current"]["collaboration"]["pairs"],
            json!([{"first": "dikbud", "second": "dinkes", "events": 1}])
        );
        // The period before is counted the same way.
        let days = (to - from).get_days();
        let before_last = from.yesterday().expect("day");
        let before_first = before_last.checked_sub(days.days()).expect("day");
        compare(
            &got["previous"],
            &expected(app, before_first, before_last, &[]).await,
            "previous",
        );

        // An agency head of Dinkes: Dinkes only.
        let password = app
            .create_staff("Kepala Dinkes", "kepala.dinkes", "leader", "dinkes")
            .await;
        let mut head = app.api();
        head.sign_in("kepala.dinkes", &password).await;
        let (status, got) = panel(&head, &query).await;
        assert_eq!(status, 200);
        compare(
            &got["current"],
            &expected(app, from, to, &["dinkes"]).await,
            "dinkes",
        );
        let (status, _) = panel(&head, &format!("{query}&agency=kec-alak")).await;
        assert_eq!(status, 403);

        // The page shows the panel, in Indonesian.
        let web = app.browser();
        web.login_ok("pimpinan.kota", crate::support::DEMO_PASSWORD)
            .await;
        let html = web.text(&format!("/dashboard?{query}")).await;
        assert!(
            html.contains("data-testid=\"work-together\""),
            "panel shown"
        );
        assert!(html.contains("Kegiatan bersama per pasangan instansi"));
    })
    .await;
}
