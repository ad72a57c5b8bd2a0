//! Collaboration (issue #6): joint events with registration, waitlist, check-in and JP,
//! iCalendar feeds; the knowledge base with sharing, versions, comments and search.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    applications::YULIANA,
    support::{Api, DEMO_PASSWORD, TestApp, field_errors, on_both, pdf, send, signed_in},
};

/// Demo citizens (see `accounts::demo::CITIZENS`).
pub(crate) const YOHANES: &str = "5371011508850002";
pub(crate) const AGUSTINA: &str = "5371015203950003";

fn minutes_from_now(minutes: i64) -> String {
    collaboration::events::wita_input(platform::clock::now_ms() + minutes * 60_000)
}

pub(crate) fn event(title: &str, organisers: &str, capacity: u32, jp: u32) -> Value {
    json!({"title": title, "kind": "seminar", "description": "Materi: UKS; gizi, dan \"sekolah sehat\".",
           "audience": "public", "organisers": organisers, "place": "Aula Kantor Camat Alak",
           "starts_at": minutes_from_now(60 * 24), "ends_at": minutes_from_now(60 * 27),
           "capacity": capacity.to_string(), "jp": jp.to_string()})
}

pub(crate) async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A communications officer (Humas) of `agency`, signed in to the API.
pub(crate) async fn humas(app: &TestApp, agency: &str) -> Api {
    let username = format!("humas.{agency}");
    let password = app
        .create_staff(
            &format!("Humas {agency}"),
            &username,
            "communications",
            agency,
        )
        .await;
    let mut api = app.api();
    api.sign_in(&username, &password).await;
    api
}

pub(crate) async fn create_event(api: &Api, body: Value) -> Value {
    let (status, created) =
        json_of(send(api, Method::POST, "/api/v1/events", Some(body)).await).await;
    assert_eq!(status, 201, "{created}");
    created
}

pub(crate) async fn register(api: &Api, id: &str) -> (StatusCode, Value) {
    json_of(
        send(
            api,
            Method::POST,
            &format!("/api/v1/events/{id}/registration"),
            None,
        )
        .await,
    )
    .await
}

#[tokio::test]
async fn only_organising_agencies_create_events_and_bad_input_is_named_per_field() {
    on_both(async |app| {
        app.load_demo().await;
        let dinkes = humas(app, "dinkes").await;
        let created = create_event(
            &dinkes,
            event("Seminar Sadar Sehat", "dikbud, dinkes", 50, 2),
        )
        .await;
        assert_eq!(created["organisers"].as_array().map(Vec::len), Some(2));
        assert_eq!(created["jp"], 2);
        // Kominfo's Humas cannot put an event on the name of Pendidikan and Kesehatan alone.
        let kominfo = signed_in(app, "humas.kominfo").await;
        let (status, body) = json_of(
            send(
                &kominfo,
                Method::POST,
                "/api/v1/events",
                Some(event("Seminar", "dikbud, dinkes", 10, 0)),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422);
        assert_eq!(
            field_errors(&body, "code"),
            ["collaboration.organisers_not_yours"]
        );
        // An ASN organises nothing.
        let asn = signed_in(app, "asn.alak").await;
        let (status, _) = json_of(
            send(
                &asn,
                Method::POST,
                "/api/v1/events",
                Some(event("X", "kec-alak", 1, 0)),
            )
            .await,
        )
        .await;
        assert_eq!(status, 403);
        // Every problem at once, each next to its field.
        let mut bad = event("S", "dinkes, nowhere", 0, 500);
        bad["ends_at"] = json!(minutes_from_now(-60));
        bad["online_url"] = json!("javascript:alert(1)");
        let (status, body) =
            json_of(send(&dinkes, Method::POST, "/api/v1/events", Some(bad)).await).await;
        assert_eq!(status, 422);
        assert_eq!(
            field_errors(&body, "field"),
            [
                "title",
                "organisers",
                "online_url",
                "ends_at",
                "capacity",
                "jp"
            ]
        );
        // The web form keeps what was typed.
        let password = app
            .create_staff("Humas Dikbud", "humas.dikbud", "communications", "dikbud")
            .await;
        let web = app.browser();
        web.login_ok("humas.dikbud", &password).await;
        let response = web
            .post(
                "/events/new",
                &[
                    ("title", "Lokakarya Guru UKS"),
                    ("kind", "workshop"),
                    ("audience", "public"),
                    ("organisers", "dikbud"),
                    ("place", "SD Inpres Alak"),
                    ("starts_at", "2026-13-40T09:00"),
                    ("ends_at", "2026-12-20T12:00"),
                    ("capacity", "40"),
                ],
            )
            .await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.expect("text");
        assert!(page.contains("value=\"Lokakarya Guru UKS\""));
        assert!(page.contains("Tulis tanggal dan jam"));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM events").await,
            1,
            "only the valid event was written"
        );
    })
    .await;
}

#[tokio::test]
async fn a_full_event_waitlists_and_a_cancelled_seat_goes_to_the_first_waiting() {
    on_both(async |app| {
        app.load_demo().await;
        let dinkes = humas(app, "dinkes").await;
        let created = create_event(&dinkes, event("Seminar Gizi", "dinkes", 2, 0)).await;
        let id = created["id"].as_str().expect("id").to_string();
        let yuliana = signed_in(app, YULIANA).await;
        let yohanes = signed_in(app, YOHANES).await;
        let agustina = signed_in(app, AGUSTINA).await;
        assert_eq!(register(&yuliana, &id).await.1["status"], "registered");
        assert_eq!(register(&yohanes, &id).await.1["status"], "registered");
        assert_eq!(register(&agustina, &id).await.1["status"], "waitlisted");
        let (status, body) = register(&yuliana, &id).await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "collaboration.already_registered");
        // Yuliana cancels: Agustina, the first waiting, gets the seat and is told.
        let cancelled = send(
            &yuliana,
            Method::DELETE,
            &format!("/api/v1/events/{id}/registration"),
            None,
        )
        .await;
        assert_eq!(cancelled.status(), 204);
        let (_, mine) = json_of(send(&agustina, Method::GET, "/api/v1/me/events", None).await).await;
        assert_eq!(mine[0]["status"], "registered", "{mine}");
        assert_eq!(
            app.count(&format!("SELECT seats_taken FROM events WHERE id = '{id}'")).await,
            2
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM outbox WHERE body LIKE '%Seminar Gizi%' AND subject = 'Kolaborasi instansi'")
                .await,
            1,
            "the promoted citizen is told"
        );
        // The organiser sees both participants in order; a citizen may not.
        let (_, list) = json_of(
            send(&dinkes, Method::GET, &format!("/api/v1/events/{id}/registrations"), None).await,
        )
        .await;
        let statuses: Vec<&str> = list
            .as_array()
            .expect("list")
            .iter()
            .map(|r| r["status"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(statuses, ["registered", "registered", "cancelled"]);
        let refused = send(&yohanes, Method::GET, &format!("/api/v1/events/{id}/registrations"), None).await;
        assert_eq!(refused.status(), 403);
        // Web: the page shows the status and cancelling works with the form.
        let web = app.browser();
        web.login_ok(YOHANES, DEMO_PASSWORD).await;
        let page = web.text(&format!("/events/{id}")).await;
        assert!(page.contains("data-testid=\"my-status\">Terdaftar"), "status shown");
        let response = web.post(&format!("/events/{id}/cancel-registration"), &[]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(
            app.count(&format!("SELECT seats_taken FROM events WHERE id = '{id}'")).await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn registrations_at_the_same_moment_never_overshoot_the_capacity() {
    on_both(async |app| {
        app.load_demo().await;
        let dinkes = humas(app, "dinkes").await;
        let created = create_event(&dinkes, event("Rapat Terbuka", "dinkes", 3, 0)).await;
        let id = created["id"].as_str().expect("id").to_string();
        let mut people = Vec::new();
        for n in 0..10u8 {
            let username = format!("asn.race{n}");
            let password = app
                .create_staff(
                    &format!("Peserta {}", char::from(b'A' + n)),
                    &username,
                    "asn",
                    "kec-alak",
                )
                .await;
            let mut api = app.api();
            api.sign_in(&username, &password).await;
            people.push(api);
        }
        let outcomes = futures_util::future::join_all(people.iter().map(|p| register(p, &id))).await;
        let mut registered = 0;
        let mut waitlisted = 0;
        for (status, body) in &outcomes {
            assert_eq!(*status, 201, "{body}");
            match body["status"].as_str() {
                Some("registered") => registered += 1,
                Some("waitlisted") => waitlisted += 1,
                other => panic!("unexpected status {other:?}"),
            }
        }
        assert_eq!((registered, waitlisted), (3, 7));
        assert_eq!(
            app.count(&format!("SELECT seats_taken FROM events WHERE id = '{id}'")).await,
            3
        );
        // The same person twice at once: one registration.
        let twice = futures_util::future::join_all([register(&people[0], &id), register(&people[0], &id)]).await;
        assert!(twice.iter().all(|(s, _)| *s == 409));
        // Two cancellations at once promote two people, still no overshoot.
        let registration = format!("/api/v1/events/{id}/registration");
        let cancels = futures_util::future::join_all(
            people
                .iter()
                .zip(&outcomes)
                .filter(|(_, (_, b))| b["status"] == "registered")
                .take(2)
                .map(|(p, _)| send(p, Method::DELETE, &registration, None)),
        )
        .await;
        assert!(cancels.iter().all(|r| r.status() == 204));
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM event_registrations WHERE event_id = '{id}' AND status = 'registered'"
            ))
            .await,
            3
        );
        assert_eq!(
            app.count(&format!("SELECT seats_taken FROM events WHERE id = '{id}'")).await,
            3
        );
    })
    .await;
}

/// Links the demo ASN `asn.alak` to an employee record (as the BKPPD would).
async fn link_asn(app: &TestApp) {
    let bkppd = signed_in(app, "admin.bkppd").await;
    let (status, body) = json_of(
        send(
            &bkppd,
            Method::POST,
            "/api/v1/employees",
            Some(json!({"nip": "199007012015032001", "full_name": "Theresia Bano", "agency_code": "kec-alak",
                        "unit": "Seksi Pelayanan", "position": "Analis Pelayanan", "rank": "III/a",
                        "employment_type": "pns", "username": "asn.alak"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

/// The check-in code shown on the organiser's page.
async fn checkin_code(app: &TestApp, organiser: (&str, &str), id: &str) -> String {
    let web = app.browser();
    web.login_ok(organiser.0, organiser.1).await;
    let page = web.text(&format!("/events/{id}")).await;
    let marker = "data-testid=\"checkin-code\">";
    let start = page.find(marker).expect("the organiser sees the code") + marker.len();
    page[start..start + 8].to_string()
}

#[tokio::test]
async fn checking_in_with_the_room_code_writes_the_events_jp_to_the_asn_ledger_once() {
    on_both(async |app| {
        app.load_demo().await;
        link_asn(app).await;
        let password = app
            .create_staff("Humas Dikbud", "humas.dikbud", "communications", "dikbud")
            .await;
        let mut organiser = app.api();
        organiser.sign_in("humas.dikbud", &password).await;
        let mut body = event("Seminar Sadar Sehat Lewat Sekolah", "dikbud, dinkes", 30, 2);
        body["starts_at"] = json!(minutes_from_now(-10));
        body["ends_at"] = json!(minutes_from_now(120));
        let created = create_event(&organiser, body).await;
        let id = created["id"].as_str().expect("id").to_string();
        let asn = signed_in(app, "asn.alak").await;
        let citizen = signed_in(app, YULIANA).await;
        assert_eq!(register(&asn, &id).await.0, 201);
        assert_eq!(register(&citizen, &id).await.0, 201);
        let code = checkin_code(app, ("humas.dikbud", &password), &id).await;
        let path = format!("/api/v1/events/{id}/checkin");
        let (status, wrong) =
            json_of(send(&asn, Method::POST, &path, Some(json!({"code": "00000000"}))).await).await;
        assert_eq!(status, 409);
        assert_eq!(wrong["error"]["code"], "collaboration.wrong_checkin_code");
        let (status, first) =
            json_of(send(&asn, Method::POST, &path, Some(json!({"code": code.to_lowercase()}))).await)
                .await;
        assert_eq!(status, 200, "{first}");
        assert_eq!(first, json!({"recorded": true, "jp_recorded": 2}));
        let (_, again) = json_of(send(&asn, Method::POST, &path, Some(json!({"code": code}))).await).await;
        assert_eq!(again, json!({"recorded": false, "jp_recorded": 0}));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM jp_entries WHERE source = 'event' AND jp = 2 AND status = 'approved'")
                .await,
            1
        );
        let (_, ledger) = json_of(send(&asn, Method::GET, "/api/v1/me/jp", None).await).await;
        assert!(ledger.to_string().contains("Seminar Sadar Sehat Lewat Sekolah"), "{ledger}");
        // A citizen attends but has no JP ledger.
        let (_, citizen_in) =
            json_of(send(&citizen, Method::POST, &path, Some(json!({"code": code}))).await).await;
        assert_eq!(citizen_in, json!({"recorded": true, "jp_recorded": 0}));
        // Someone not registered cannot check in.
        let other = signed_in(app, YOHANES).await;
        let (status, _) = json_of(send(&other, Method::POST, &path, Some(json!({"code": code}))).await).await;
        assert_eq!(status, 409);
        // The QR link opens a confirm page; the web check-in says so.
        let web = app.browser();
        web.login_ok("asn.alak", DEMO_PASSWORD).await;
        let page = web.text(&format!("/events/{id}/checkin?code={code}")).await;
        assert!(page.contains(&format!("value=\"{code}\"")));
        let done = web.post(&format!("/events/{id}/checkin"), &[("code", &code)]).await;
        assert_eq!(done.status(), 200);
        assert!(done.text().await.expect("text").contains("sudah tercatat sebelumnya"));
    })
    .await;
}

#[tokio::test]
async fn materials_are_checked_by_content_and_the_summary_comes_after_the_event_rendered_harmless()
{
    on_both(async |app| {
        app.load_demo().await;
        let password = app
            .create_staff("Humas Dinkes", "humas.dinkes", "communications", "dinkes")
            .await;
        let mut api = app.api();
        api.sign_in("humas.dinkes", &password).await;
        let created = create_event(&api, event("Lokakarya Gizi", "dinkes", 20, 0)).await;
        let id = created["id"].as_str().expect("id").to_string();
        let web = app.browser();
        web.login_ok("humas.dinkes", &password).await;
        let refused = web
            .upload(&format!("/events/{id}/materials"), "slides.pdf", b"MZ\x90\x00program".to_vec())
            .await;
        assert_eq!(refused.status(), 422);
        assert!(refused.text().await.expect("text").contains("PDF, JPEG, atau PNG"));
        let stored = web.upload(&format!("/events/{id}/materials"), "materi-gizi.pdf", pdf()).await;
        assert_eq!(stored.status(), 303);
        let page = app.browser().text(&format!("/events/{id}")).await;
        assert!(page.contains("materi-gizi.pdf"), "anyone who sees the event sees the material");
        let summary_path = format!("/events/{id}/summary");
        let early = web.post(&summary_path, &[("summary", "Ringkasan")]).await;
        assert_eq!(early.status(), 409, "not before the end");
        app.sql(&format!(
            "UPDATE events SET starts_ms = starts_ms - 172800000, ends_ms = ends_ms - 172800000 WHERE id = '{id}'"
        ))
        .await;
        let empty = web.post(&summary_path, &[("summary", "  ")]).await;
        assert_eq!(empty.status(), 422);
        let written = web
            .post(
                &summary_path,
                &[("summary", "**45 peserta** hadir.<script>alert('x')</script><img src=x onerror=alert(1)>")],
            )
            .await;
        assert_eq!(written.status(), 303);
        let page = app.browser().text(&format!("/events/{id}")).await;
        assert!(page.contains("<strong>45 peserta</strong>"));
        assert!(!page.contains("alert('x')") && !page.contains("onerror"), "script removed");
    })
    .await;
}

/// Runs Python's `icalendar` parser over `feed`; `None` when Python or the package is missing
/// (a failure under CI=true, where `.ci/run` installs it).
fn parse_with_python(feed: &str) -> Option<String> {
    use std::io::Write as _;
    let script = "import sys, icalendar\n\
                  cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())\n\
                  for e in cal.walk('VEVENT'):\n    \
                  print(e['UID'], e['DTSTART'].dt.isoformat(), e['SUMMARY'], e['DESCRIPTION'].replace('\\n', '|'), sep='\\t')\n";
    let child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let missing = |why: &str| {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "the icalendar check needs python3 with icalendar under CI=true: {why}"
        );
        eprintln!("note: {why}; the iCalendar feed was not parsed with Python's icalendar");
        None
    };
    let Ok(mut child) = child else {
        return missing("python3 is not installed");
    };
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(feed.as_bytes()).expect("write the feed");
    }
    let output = child.wait_with_output().expect("python3 runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("No module named") {
        return missing("the Python package icalendar is not installed");
    }
    assert!(
        output.status.success(),
        "icalendar refused the feed: {stderr}\n{feed}"
    );
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn assert_rfc5545_lines(feed: &str) {
    assert!(feed.starts_with("BEGIN:VCALENDAR\r\n") && feed.ends_with("END:VCALENDAR\r\n"));
    assert!(
        !feed.replace("\r\n", "").contains('\n'),
        "every line ends in CRLF"
    );
    for line in feed.split("\r\n") {
        assert!(line.len() <= 75, "a line longer than 75 octets: {line}");
    }
}

#[tokio::test]
async fn event_agency_and_personal_calendars_are_valid_icalendar() {
    on_both(async |app| {
        app.load_demo().await;
        let dinkes = humas(app, "dinkes").await;
        let long_title = "Seminar Bersama Dinas Pendidikan dan Kebudayaan dengan Dinas Kesehatan: Sadar Sehat, Gizi; Sekolah";
        let mut body = event(long_title, "dikbud, dinkes", 40, 2);
        body["starts_at"] = json!("2026-12-10T09:00");
        body["ends_at"] = json!("2026-12-10T12:00");
        let created = create_event(&dinkes, body).await;
        let id = created["id"].as_str().expect("id").to_string();
        let mut internal = event("Rapat Internal Dinkes", "dinkes", 10, 0);
        internal["audience"] = json!("agencies");
        internal["invited"] = json!("dikbud");
        create_event(&dinkes, internal).await;

        let response = app.browser().get(&format!("/events/{id}/calendar.ics")).await;
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap_or("")
                .starts_with("text/calendar")
        );
        let single = response.text().await.expect("text");
        assert_rfc5545_lines(&single);
        assert!(single.contains(&format!("UID:event-{id}@sigap.alak\r\n")));
        assert!(single.contains("DTSTART:20261210T010000Z\r\n"), "09:00 WITA is 01:00 UTC");
        assert!(single.contains("DTSTAMP:"));
        if let Some(parsed) = parse_with_python(&single) {
            assert!(parsed.contains("2026-12-10T01:00:00+00:00"), "{parsed}");
            assert!(parsed.contains(long_title), "escaped ; and , come back: {parsed}");
            assert!(parsed.contains("\"sekolah sehat\""), "{parsed}");
        }

        let agency = app.browser().text("/agencies/dikbud/events.ics").await;
        assert_rfc5545_lines(&agency);
        assert_eq!(agency.matches("BEGIN:VEVENT").count(), 1, "internal events stay out");
        parse_with_python(&agency);

        // The personal feed: a secret URL, shown once, that works without a cookie.
        let web = app.browser();
        web.login_ok(YULIANA, DEMO_PASSWORD).await;
        web.post(&format!("/events/{id}/register"), &[]).await;
        let page = web.post("/events/mine/feed", &[]).await.text().await.expect("text");
        let marker = "data-testid=\"feed-url\">";
        let start = page.find(marker).expect("the feed URL is shown") + marker.len();
        let url = &page[start..start + page[start..].find('<').expect("end")];
        let path = &url[url.find("/calendar/").expect("a feed path")..];
        let personal = app.browser().get(path).await;
        assert_eq!(personal.status(), 200);
        let personal = personal.text().await.expect("text");
        assert_rfc5545_lines(&personal);
        assert!(personal.contains(&format!("UID:event-{id}@sigap.alak")));
        parse_with_python(&personal);
        // A new link stops the old one; a guessed one finds nothing.
        web.post("/events/mine/feed", &[]).await;
        assert_eq!(app.browser().get(path).await.status(), 404);
        assert_eq!(
            app.browser().get("/calendar/guess/events.ics").await.status(),
            404
        );
    })
    .await;
}

#[tokio::test]
async fn internal_events_are_hidden_from_citizens_and_agencies_not_invited() {
    on_both(async |app| {
        app.load_demo().await;
        let dinkes = humas(app, "dinkes").await;
        let mut body = event("Rapat Koordinasi Sekolah Sehat", "dinkes", 10, 0);
        body["audience"] = json!("agencies");
        body["invited"] = json!("kec-alak");
        let id = create_event(&dinkes, body).await["id"]
            .as_str()
            .expect("id")
            .to_string();
        let path = format!("/api/v1/events/{id}");
        for login in [YULIANA, "admin.bkppd"] {
            let api = signed_in(app, login).await;
            assert_eq!(
                send(&api, Method::GET, &path, None).await.status(),
                404,
                "{login}"
            );
            assert_eq!(register(&api, &id).await.0, 404, "{login}");
        }
        assert_eq!(
            app.api()
                .request(Method::GET, &path)
                .send()
                .await
                .expect("send")
                .status(),
            404
        );
        let asn = signed_in(app, "asn.alak").await;
        assert_eq!(send(&asn, Method::GET, &path, None).await.status(), 200);
        assert_eq!(register(&asn, &id).await.0, 201);
        let list = app.browser().text("/events").await;
        assert!(!list.contains("Rapat Koordinasi Sekolah Sehat"));
    })
    .await;
}

pub(crate) fn article(
    agency: &str,
    title: &str,
    body: &str,
    sharing: &str,
    shared_with: &str,
) -> Value {
    json!({"agency_code": agency, "title": title, "body": body, "tags": "kesehatan, sekolah",
           "sharing": sharing, "shared_with": shared_with})
}

pub(crate) async fn create_article(api: &Api, body: Value) -> Value {
    let (status, created) =
        json_of(send(api, Method::POST, "/api/v1/knowledge/articles", Some(body)).await).await;
    assert_eq!(status, 201, "{created}");
    created
}

#[tokio::test]
async fn script_in_an_article_or_a_comment_is_shown_harmless() {
    on_both(async |app| {
        app.load_demo().await;
        let dinkes = humas(app, "dinkes").await;
        let created = create_article(
            &dinkes,
            article(
                "dinkes",
                "Panduan UKS",
                "# Panduan\n\n<script>alert('artikel')</script>\n\n[klik](javascript:alert(1)) <img src=x onerror=alert(2)> **penting**",
                "all",
                "",
            ),
        )
        .await;
        let id = created["id"].as_str().expect("id");
        let password = app
            .create_staff("Staf Dikbud", "staf.dikbud", "service_admin", "dikbud")
            .await;
        let web = app.browser();
        web.login_ok("staf.dikbud", &password).await;
        let response = web
            .post(
                &format!("/knowledge/{id}/comments"),
                &[("body", "Apakah berlaku untuk SMP? <script>alert('komentar')</script>")],
            )
            .await;
        assert_eq!(response.status(), 303);
        let page = web.text(&format!("/knowledge/{id}")).await;
        assert!(page.contains("<strong>penting</strong>"));
        assert!(!page.contains("<script>alert"), "no script runs");
        assert!(!page.contains("javascript:") && !page.contains("onerror"));
        assert!(
            page.contains("Apakah berlaku untuk SMP? &#60;script&#62;alert("),
            "the comment is shown as text"
        );
        // The author is told of the question; an empty comment keeps the form.
        assert_eq!(
            app.count("SELECT COUNT(*) FROM outbox WHERE body LIKE '%Panduan UKS%'").await,
            1
        );
        let empty = web.post(&format!("/knowledge/{id}/comments"), &[("body", " ")]).await;
        assert_eq!(empty.status(), 422);
        // Citizens have no access to the knowledge base.
        let citizen = signed_in(app, YULIANA).await;
        assert_eq!(
            send(&citizen, Method::GET, &format!("/api/v1/knowledge/articles/{id}"), None).await.status(),
            404
        );
    })
    .await;
}

#[tokio::test]
async fn search_ranks_prefix_matches_and_never_shows_what_an_agency_may_not_read() {
    on_both(async |app| {
        app.load_demo().await;
        let dinkes = humas(app, "dinkes").await;
        create_article(
            &dinkes,
            article(
                "dinkes",
                "Pendidikan Kesehatan di Sekolah",
                "Guru dan puskesmas bekerja sama.",
                "all",
                "",
            ),
        )
        .await;
        create_article(
            &dinkes,
            article(
                "dinkes",
                "Jadwal Posyandu",
                "Materi pendidikan gizi untuk orang tua di posyandu.",
                "all",
                "",
            ),
        )
        .await;
        create_article(
            &dinkes,
            article(
                "dinkes",
                "Catatan Sasaran Gizi",
                "Sasaran rahasiagizi kelurahan Naioni dan Manulai.",
                "agencies",
                "kec-alak",
            ),
        )
        .await;
        // Prefix matching on Indonesian words; the title match ranks first; words are marked.
        let bkppd = signed_in(app, "admin.bkppd").await;
        let (status, hits) = json_of(
            send(
                &bkppd,
                Method::GET,
                "/api/v1/knowledge/search?q=PENDIDIK",
                None,
            )
            .await,
        )
        .await;
        assert_eq!(status, 200);
        let titles: Vec<&str> = hits
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| h["title"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(
            titles,
            ["Pendidikan Kesehatan di Sekolah", "Jadwal Posyandu"]
        );
        assert!(
            hits[1]["snippet_html"]
                .as_str()
                .unwrap_or("")
                .contains("<mark>pendidikan</mark>"),
            "{hits}"
        );
        // BKPPD was not given the restricted article: nothing, not even a snippet.
        for q in ["rahasiagizi", "rahasia", "Naioni", "sasaran"] {
            let (_, hits) = json_of(
                send(
                    &bkppd,
                    Method::GET,
                    &format!("/api/v1/knowledge/search?q={q}"),
                    None,
                )
                .await,
            )
            .await;
            assert_eq!(hits, json!([]), "{q}");
        }
        let web = app.browser();
        web.login_ok("admin.bkppd", DEMO_PASSWORD).await;
        let page = web.text("/knowledge?q=rahasiagizi").await;
        assert!(page.contains("data-testid=\"no-hits\"") && !page.contains("Naioni"));
        // Kecamatan Alak, with whom it was shared, finds it highlighted.
        let asn = signed_in(app, "asn.alak").await;
        let (_, hits) = json_of(
            send(
                &asn,
                Method::GET,
                "/api/v1/knowledge/search?q=rahasia",
                None,
            )
            .await,
        )
        .await;
        assert_eq!(hits[0]["title"], "Catatan Sasaran Gizi");
        assert!(
            hits[0]["snippet_html"]
                .as_str()
                .unwrap_or("")
                .contains("<mark>rahasiagizi</mark>")
        );
        // Query syntax in the box is only words.
        let (status, _) = json_of(
            send(
                &asn,
                Method::GET,
                "/api/v1/knowledge/search?q=%22%29%20OR%20*%3A*%20--",
                None,
            )
            .await,
        )
        .await;
        assert_eq!(status, 200);
        // Citizens do not search the knowledge base.
        let citizen = signed_in(app, YULIANA).await;
        assert_eq!(
            send(
                &citizen,
                Method::GET,
                "/api/v1/knowledge/search?q=gizi",
                None
            )
            .await
            .status(),
            403
        );
    })
    .await;
}

#[tokio::test]
async fn an_edit_based_on_an_old_version_is_refused_and_nothing_is_overwritten() {
    on_both(async |app| {
        app.load_demo().await;
        let dinkes = humas(app, "dinkes").await;
        let created = create_article(
            &dinkes,
            article(
                "dinkes",
                "Panduan Imunisasi",
                "Baris satu.\nBaris dua.",
                "all",
                "",
            ),
        )
        .await;
        let id = created["id"].as_str().expect("id").to_string();
        let path = format!("/api/v1/knowledge/articles/{id}");
        let mut first = article(
            "dinkes",
            "Panduan Imunisasi",
            "Baris satu.\nBaris dua diperbarui.",
            "all",
            "",
        );
        first["base_version"] = json!("1");
        let (status, saved) = json_of(send(&dinkes, Method::PUT, &path, Some(first)).await).await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!(saved["version"], 2);
        // Someone else, who opened version 1, saves: refused, A's text stays.
        let password = app
            .create_staff("Admin Dinkes", "admin.dinkes", "service_admin", "dinkes")
            .await;
        let mut other = app.api();
        other.sign_in("admin.dinkes", &password).await;
        let mut stale = article(
            "dinkes",
            "Panduan Imunisasi",
            "Teks lain yang menimpa.",
            "all",
            "",
        );
        stale["base_version"] = json!("1");
        let (status, body) = json_of(send(&other, Method::PUT, &path, Some(stale)).await).await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "collaboration.edit_conflict");
        let (_, current) = json_of(send(&other, Method::GET, &path, None).await).await;
        assert_eq!(current["body"], "Baris satu.\nBaris dua diperbarui.");
        assert_eq!(current["version"], 2);
        // On the web the refused text is kept in the form with a clear message.
        let web = app.browser();
        web.login_ok("admin.dinkes", &password).await;
        let response = web
            .post(
                &format!("/knowledge/{id}/edit"),
                &[
                    ("title", "Panduan Imunisasi"),
                    ("body", "Teks saya yang belum tersimpan"),
                    ("sharing", "all"),
                    ("base_version", "1"),
                ],
            )
            .await;
        assert_eq!(response.status(), 409);
        let page = response.text().await.expect("text");
        assert!(page.contains("data-testid=\"edit-conflict\""));
        assert!(page.contains("Teks saya yang belum tersimpan"));
        assert_eq!(
            app.count(&format!("SELECT version FROM articles WHERE id = '{id}'"))
                .await,
            2
        );
        // Every version is kept; the diff shows what changed.
        let diff = web.text(&format!("/knowledge/{id}/versions/2")).await;
        assert!(diff.contains("class=\"diff-removed\">- Baris dua."));
        assert!(diff.contains("class=\"diff-added\">+ Baris dua diperbarui."));
        // An agency that may only read does not edit.
        let bkppd = signed_in(app, "admin.bkppd").await;
        let mut edit = article("dinkes", "X", "Y", "all", "");
        edit["base_version"] = json!("2");
        assert_eq!(
            send(&bkppd, Method::PUT, &path, Some(edit)).await.status(),
            403
        );
    })
    .await;
}

#[tokio::test]
async fn the_demo_loads_the_joint_seminar_the_meeting_and_articles_once() {
    on_both(async |app| {
        app.load_demo().await;
        let first = collaboration::demo::load(&app.state)
            .await
            .expect("demo loads");
        assert_eq!((first.events, first.articles), (2, 5));
        let second = collaboration::demo::load(&app.state)
            .await
            .expect("demo loads again");
        assert_eq!((second.events, second.articles), (0, 0));
        let (_, events) = json_of(
            app.api()
                .request(Method::GET, "/api/v1/events")
                .send()
                .await
                .expect("send"),
        )
        .await;
        let seminar = events
            .as_array()
            .expect("events")
            .iter()
            .find(|e| e["title"] == collaboration::demo::SEMINAR_TITLE)
            .expect("the public seminar is listed");
        assert_eq!(seminar["jp"], 2);
        assert_eq!(seminar["organisers"].as_array().map(Vec::len), Some(2));
        assert!(
            !events
                .to_string()
                .contains(collaboration::demo::MEETING_TITLE),
            "the coordination meeting is internal"
        );
        let kominfo = signed_in(app, "humas.kominfo").await;
        let (_, visible) =
            json_of(send(&kominfo, Method::GET, "/api/v1/knowledge/articles", None).await).await;
        assert_eq!(
            visible.as_array().map(Vec::len),
            Some(4),
            "the restricted one is not listed"
        );
        let asn = signed_in(app, "asn.alak").await;
        let (_, visible) =
            json_of(send(&asn, Method::GET, "/api/v1/knowledge/articles", None).await).await;
        assert_eq!(visible.as_array().map(Vec::len), Some(5));
    })
    .await;
}

#[tokio::test]
async fn the_openapi_document_lists_the_collaboration_routes() {
    on_both(async |app| {
        let (_, doc) = json_of(
            app.api()
                .request(Method::GET, "/api/v1/openapi.json")
                .send()
                .await
                .expect("send"),
        )
        .await;
        let paths = doc["paths"].as_object().expect("paths");
        for path in [
            "/api/v1/events",
            "/api/v1/events/{id}",
            "/api/v1/events/{id}/registration",
            "/api/v1/events/{id}/registrations",
            "/api/v1/events/{id}/checkin",
            "/api/v1/me/events",
            "/api/v1/knowledge/articles",
            "/api/v1/knowledge/articles/{id}",
            "/api/v1/knowledge/articles/{id}/comments",
            "/api/v1/knowledge/search",
            "/api/v1/knowledge/tags",
            "/api/v1/knowledge/tags/{tag}",
        ] {
            assert!(paths.contains_key(path), "{path} documented");
        }
        assert!(
            doc["paths"]["/api/v1/events/{id}"]["put"].is_object(),
            "editing an event is documented"
        );
    })
    .await;
}

/// In Chromium: the demo ASN opens the joint Pendidikan–Kesehatan seminar from the events list,
/// registers, and finds it under "my events".
#[tokio::test]
async fn journey_an_asn_registers_for_the_joint_seminar_and_sees_it_in_my_events() {
    use crate::browser::{click, journey, sign_in_as, wait_for_path, wait_for_text};
    use fantoccini::Locator;
    crate::support::run_on(crate::support::Backend::Sqlite, &async |app: &TestApp| {
        app.load_demo().await;
        collaboration::demo::load(&app.state)
            .await
            .expect("collaboration demo");
        journey(
            "collaboration_register_for_seminar",
            app,
            async |browser, base| {
                sign_in_as(browser, base, "asn.alak").await;
                browser.goto(&format!("{base}/events")).await.expect("open");
                browser
                    .find(Locator::LinkText(collaboration::demo::SEMINAR_TITLE))
                    .await
                    .expect("the seminar is listed")
                    .click()
                    .await
                    .expect("open the seminar");
                wait_for_text(browser, "Dinas Pendidikan dan Kebudayaan").await;
                wait_for_text(browser, "2 JP").await;
                click(browser, "[data-testid=register]").await;
                wait_for_text(browser, "Status Anda: Terdaftar").await;
                click(browser, "[data-testid=my-events-link]").await;
                wait_for_path(browser, "/events/mine").await;
                let text = wait_for_text(browser, collaboration::demo::SEMINAR_TITLE).await;
                assert!(text.contains("Terdaftar"), "{text}");
            },
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn a_document_is_checked_by_content_and_only_the_agencies_it_was_shared_with_open_it() {
    on_both(async |app| {
        app.load_demo().await;
        let password = app
            .create_staff("Humas Dinkes", "humas.dinkes", "communications", "dinkes")
            .await;
        let web = app.browser();
        web.login_ok("humas.dinkes", &password).await;
        let fields = [
            ("agency_code", "dinkes"),
            ("title", "Formulir Penjaringan Kesehatan"),
            ("body", "Formulir isian untuk sekolah."),
            ("tags", "formulir, uks"),
            ("sharing", "agencies"),
            ("shared_with", "dikbud"),
        ];
        let refused = web
            .upload_with(
                "/knowledge/new-document",
                &fields,
                "formulir.pdf",
                b"MZ\x90\x00".to_vec(),
            )
            .await;
        assert_eq!(refused.status(), 422);
        let page = refused.text().await.expect("text");
        assert!(
            page.contains("PDF, JPEG, atau PNG")
                && page.contains("value=\"Formulir Penjaringan Kesehatan\"")
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM articles").await, 0);
        let stored = web
            .upload_with("/knowledge/new-document", &fields, "formulir.pdf", pdf())
            .await;
        assert_eq!(stored.status(), 303);
        let location = crate::support::location(&stored);
        let file = format!("{location}/file");
        assert_eq!(
            web.get(&file).await.bytes().await.expect("bytes").to_vec(),
            pdf()
        );
        let dikbud_password = app
            .create_staff("Staf Dikbud", "staf.dikbud", "service_admin", "dikbud")
            .await;
        let dikbud = app.browser();
        dikbud.login_ok("staf.dikbud", &dikbud_password).await;
        assert_eq!(dikbud.get(&file).await.status(), 200);
        let bkppd = app.browser();
        bkppd.login_ok("admin.bkppd", DEMO_PASSWORD).await;
        assert_eq!(bkppd.get(&file).await.status(), 404);
        assert_eq!(bkppd.get(&location).await.status(), 404);
    })
    .await;
}

#[tokio::test]
async fn an_organiser_records_attendance_without_a_phone_and_cancelling_the_event_tells_everyone() {
    on_both(async |app| {
        app.load_demo().await;
        link_asn(app).await;
        let password = app
            .create_staff("Humas Dinkes", "humas.dinkes", "communications", "dinkes")
            .await;
        let mut organiser = app.api();
        organiser.sign_in("humas.dinkes", &password).await;
        let mut body = event("Lokakarya Kader Posyandu", "dinkes", 10, 3);
        body["starts_at"] = json!(minutes_from_now(30));
        let id = create_event(&organiser, body).await["id"]
            .as_str()
            .expect("id")
            .to_string();
        let asn = signed_in(app, "asn.alak").await;
        let citizen = signed_in(app, YULIANA).await;
        let registration = register(&asn, &id).await.1["id"]
            .as_str()
            .expect("id")
            .to_string();
        register(&citizen, &id).await;
        let web = app.browser();
        web.login_ok("humas.dinkes", &password).await;
        let marked = web
            .post(&format!("/events/{id}/attendance/{registration}"), &[])
            .await;
        assert_eq!(marked.status(), 303);
        assert_eq!(
            app.count(&format!(
                "SELECT jp FROM jp_entries WHERE event_registration_id = '{registration}'"
            ))
            .await,
            3
        );
        // Someone who is not an organiser cannot mark anyone.
        let other = app.browser();
        other.login_ok("asn.alak", DEMO_PASSWORD).await;
        assert_eq!(
            other
                .post(&format!("/events/{id}/attendance/{registration}"), &[])
                .await
                .status(),
            403
        );
        let before = app.count("SELECT COUNT(*) FROM outbox").await;
        assert_eq!(
            web.post(&format!("/events/{id}/cancel"), &[])
                .await
                .status(),
            303
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM outbox").await,
            before + 2,
            "both participants told"
        );
        let (status, _) = register(&signed_in(app, YOHANES).await, &id).await;
        assert_eq!(status, 409, "a cancelled event takes no registrations");
        let feed = app
            .browser()
            .text(&format!("/events/{id}/calendar.ics"))
            .await;
        assert!(feed.contains("STATUS:CANCELLED\r\n") && feed.contains("SEQUENCE:1\r\n"));
    })
    .await;
}
