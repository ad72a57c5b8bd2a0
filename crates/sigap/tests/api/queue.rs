//! The service-office queue: booking rules and the last seat, kiosk tickets, check-in by code,
//! counters calling (each ticket once, also at the same moment), the live board with catch-up
//! after a lost connection, a call crossing from one node to another, and the figures.

use std::time::Duration;

use futures_util::StreamExt as _;
use jiff::civil::{Date, Weekday};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{
    Api, Backend, DEMO_PASSWORD, TestApp, field_errors, on_both, postgres_required, run_on, send,
    signed_in,
};

const OFFICE: &str = "kantor-camat-alak";
const YULIANA: &str = "5371014107900001";
const YOHANES: &str = "5371011508850002";

fn today() -> Date {
    services::calendar::wita_date(platform::clock::now_ms())
}

/// The first Monday–Thursday at least `days` days ahead that is no demo holiday.
fn weekday_ahead(days: i64) -> Date {
    let mut day = today()
        .checked_add(jiff::Span::new().days(days))
        .expect("a date");
    while !matches!(
        day.weekday(),
        Weekday::Monday | Weekday::Tuesday | Weekday::Wednesday | Weekday::Thursday
    ) || ["12-25", "01-01"].contains(&&day.to_string()[5..])
    {
        day = day.tomorrow().expect("a date");
    }
    day
}

fn problem_codes(body: &Value) -> Vec<String> {
    field_errors(body, "code")
}

async fn book(api: &Api, group: &str, day: &str, slot: &str) -> reqwest::Response {
    send(
        api,
        Method::POST,
        &format!("/api/v1/queue/offices/{OFFICE}/appointments"),
        Some(json!({"group": group, "day": day, "slot": slot})),
    )
    .await
}

/// Opens the demo office every day, all day, and lifts a holiday today, so that tests about
/// tickets and calls do not depend on the hour they run.
pub(crate) async fn open_all_day(app: &TestApp) {
    let admin = signed_in(app, "admin.layanan").await;
    let hours: Vec<Value> = (1..=7)
        .map(|d| json!({"weekday": d, "opens": "00:00", "closes": "23:59"}))
        .collect();
    let set = send(
        &admin,
        Method::PUT,
        &format!("/api/v1/queue/offices/{OFFICE}/hours"),
        Some(json!({ "hours": hours })),
    )
    .await;
    assert_eq!(set.status(), 204);
    let _ = send(
        &admin,
        Method::DELETE,
        &format!("/api/v1/holidays/{}", today()),
        None,
    )
    .await;
}

#[tokio::test]
async fn booking_refuses_the_past_holidays_closed_days_odd_times_and_a_second_booking() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = signed_in(app, YULIANA).await;
        let monday_ish = weekday_ahead(2);

        let past = book(&citizen, "A", &today().yesterday().expect("date").to_string(), "09:00").await;
        assert_eq!(past.status(), 422);
        assert_eq!(problem_codes(&past.json().await.expect("json")), vec!["queue.day_past"]);

        // A holiday the admins add is closed; so is a Saturday; so is 16:00 and 08:05.
        let holiday = weekday_ahead(9);
        let admin = signed_in(app, "admin.layanan").await;
        let added = send(&admin, Method::POST, "/api/v1/holidays", Some(json!({
            "day": holiday.to_string(), "name_id": "Cuti bersama", "name_en": "Collective leave", "kind": "collective_leave"
        }))).await;
        assert_eq!(added.status(), 201, "{:?}", added.text().await);
        let on_holiday = book(&citizen, "A", &holiday.to_string(), "09:00").await;
        assert_eq!(problem_codes(&on_holiday.json().await.expect("json")), vec!["queue.closed_holiday"]);
        let mut saturday = today().tomorrow().expect("date");
        while saturday.weekday() != Weekday::Saturday {
            saturday = saturday.tomorrow().expect("date");
        }
        let weekend = book(&citizen, "A", &saturday.to_string(), "09:00").await;
        assert_eq!(problem_codes(&weekend.json().await.expect("json")), vec!["queue.closed_weekday"]);
        for odd in ["16:00", "08:05"] {
            let outside = book(&citizen, "A", &monday_ish.to_string(), odd).await;
            assert_eq!(outside.status(), 422);
            assert_eq!(problem_codes(&outside.json().await.expect("json")), vec!["queue.slot_outside_hours"], "{odd}");
        }
        let far = today().checked_add(jiff::Span::new().days(45)).expect("date");
        let too_far = book(&citizen, "A", &far.to_string(), "09:00").await;
        assert_eq!(problem_codes(&too_far.json().await.expect("json")), vec!["queue.day_too_far"]);
        let everything = book(&citizen, "Z", "kemarin", "jam sembilan").await;
        assert_eq!(
            problem_codes(&everything.json().await.expect("json")),
            vec!["queue.group_unknown", "queue.day_invalid", "queue.slot_invalid"]
        );

        // A good booking, then the same service that day again: refused.
        let day = monday_ish.to_string();
        let booked = book(&citizen, "A", &day, "09:00").await;
        assert_eq!(booked.status(), 201);
        let appointment: Value = booked.json().await.expect("json");
        assert!(appointment["code"].as_str().is_some_and(|c| c.starts_with("BK-")));
        let again = book(&citizen, "A", &day, "10:00").await;
        assert_eq!(again.status(), 409);
        let slots: Value = send(&citizen, Method::GET, &format!("/api/v1/queue/offices/{OFFICE}/slots?group=A&day={day}"), None)
            .await
            .json()
            .await
            .expect("json");
        let nine = slots.as_array().and_then(|s| s.iter().find(|s| s["start"] == "09:00")).expect("09:00");
        assert_eq!(nine["free"], 1, "group A has two counters, one seat is taken");

        // Reschedule, then cancel; a cancelled booking cannot be cancelled again.
        let id = appointment["id"].as_str().expect("id");
        let moved = send(&citizen, Method::PUT, &format!("/api/v1/queue/appointments/{id}"), Some(json!({"day": day, "slot": "10:30"}))).await;
        assert_eq!(moved.status(), 200);
        assert_eq!(moved.json::<Value>().await.expect("json")["slot"], "10:30");
        let other = signed_in(app, YOHANES).await;
        assert_eq!(send(&other, Method::DELETE, &format!("/api/v1/queue/appointments/{id}"), None).await.status(), 404);
        assert_eq!(send(&citizen, Method::DELETE, &format!("/api/v1/queue/appointments/{id}"), None).await.status(), 204);
        assert_eq!(send(&citizen, Method::DELETE, &format!("/api/v1/queue/appointments/{id}"), None).await.status(), 409);
        assert_eq!(book(&citizen, "A", &day, "10:30").await.status(), 201, "cancelling freed the day");

        // The web form keeps the choice and names the problem.
        let web = app.browser();
        web.login_ok(YULIANA, DEMO_PASSWORD).await;
        let page = web.post(&format!("/queue/{OFFICE}/book"), &[("group", "B"), ("day", &day), ("slot", "16:00")]).await;
        assert_eq!(page.status(), 422);
        let body = page.text().await.expect("text");
        assert!(body.contains("Jam itu di luar jam buka") && body.contains(&format!("value=\"{day}\"")), "{body}");
    })
    .await;
}

#[tokio::test]
async fn two_citizens_racing_for_the_last_seat_exactly_one_gets_it() {
    on_both(async |app| {
        app.load_demo().await;
        // Group C is served by counter 3 alone: one seat per slot.
        let first = signed_in(app, YULIANA).await;
        let second = signed_in(app, YOHANES).await;
        let day = weekday_ahead(3).to_string();
        for round in 0..5 {
            let slot = format!("{:02}:00", 9 + round);
            let (a, b) = tokio::join!(
                book(&first, "C", &day, &slot),
                book(&second, "C", &day, &slot)
            );
            let mut statuses = [a.status().as_u16(), b.status().as_u16()];
            statuses.sort_unstable();
            assert_eq!(statuses, [201, 409], "round {round}");
            // Each keeps one booking per day and group: cancel the winner's to race again.
            for (api, response) in [(&first, a), (&second, b)] {
                if response.status() == 201 {
                    let id = response.json::<Value>().await.expect("json")["id"]
                        .as_str()
                        .expect("id")
                        .to_string();
                    assert_eq!(
                        send(
                            api,
                            Method::DELETE,
                            &format!("/api/v1/queue/appointments/{id}"),
                            None
                        )
                        .await
                        .status(),
                        204
                    );
                }
            }
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM queue_slot_seats").await,
            0,
            "cancelled bookings hold no seat"
        );
    })
    .await;
}

#[tokio::test]
async fn kiosk_tickets_are_numbered_per_group_and_day_and_each_is_called_once() {
    on_both(async |app| {
        app.load_demo().await;
        open_all_day(app).await;
        let desk = signed_in(app, "loket.alak").await;
        let ticket = async |group: &str| -> Value {
            let response = send(
                &desk,
                Method::POST,
                &format!("/api/v1/queue/offices/{OFFICE}/tickets"),
                Some(json!({"group": group})),
            )
            .await;
            assert_eq!(response.status(), 201);
            response.json().await.expect("json")
        };
        let numbers = [ticket("A").await, ticket("A").await, ticket("B").await];
        let numbers: Vec<&str> = numbers
            .iter()
            .map(|t| t["number"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(numbers, vec!["A-001", "A-002", "B-001"]);
        let citizen = signed_in(app, YULIANA).await;
        let refused = send(
            &citizen,
            Method::POST,
            &format!("/api/v1/queue/offices/{OFFICE}/tickets"),
            Some(json!({"group": "A"})),
        )
        .await;
        assert_eq!(refused.status(), 403, "the kiosk is run by staff");

        let call = async |counter: i64| {
            send(
                &desk,
                Method::POST,
                &format!("/api/v1/queue/offices/{OFFICE}/counters/{counter}/next"),
                None,
            )
            .await
        };
        assert_eq!(
            call(1).await.json::<Value>().await.expect("json")["number"],
            "A-001"
        );
        assert_eq!(
            call(3).await.json::<Value>().await.expect("json")["number"],
            "B-001"
        );
        let second = call(2).await.json::<Value>().await.expect("json");
        assert_eq!(second["number"], "A-002");
        assert_eq!(second["counter"], 2);
        // Counter 1 is still serving A-001: finish it, then nobody is left for it.
        assert_eq!(
            send(
                &desk,
                Method::POST,
                &format!("/api/v1/queue/offices/{OFFICE}/counters/1/finish"),
                None
            )
            .await
            .status(),
            200
        );
        let empty = call(1).await;
        assert_eq!(empty.status(), 409);
        let message = empty.json::<Value>().await.expect("json")["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(message.contains("Tidak ada yang menunggu"), "{message}");

        // Twelve more tickets; two counters calling at the same moment never share one.
        for _ in 0..12 {
            ticket("A").await;
        }
        for counter in [1, 2] {
            send(
                &desk,
                Method::POST,
                &format!("/api/v1/queue/offices/{OFFICE}/counters/{counter}/finish"),
                None,
            )
            .await;
        }
        let mut called = Vec::new();
        for _ in 0..6 {
            let (a, b) = tokio::join!(call(1), call(2));
            for response in [a, b] {
                assert_eq!(response.status(), 200);
                called.push(
                    response.json::<Value>().await.expect("json")["number"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                );
            }
            for counter in [1, 2] {
                send(
                    &desk,
                    Method::POST,
                    &format!("/api/v1/queue/offices/{OFFICE}/counters/{counter}/finish"),
                    None,
                )
                .await;
            }
        }
        let mut distinct = called.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 12, "{called:?}");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM queue_calls WHERE kind = 'call'")
                .await,
            15,
            "one call per ticket"
        );

        // The figures count them; a reversed period is refused.
        let figures: Value = send(
            &desk,
            Method::GET,
            &format!("/api/v1/queue/offices/{OFFICE}/figures"),
            None,
        )
        .await
        .json()
        .await
        .expect("json");
        assert_eq!(figures["tickets"], 14, "{figures}");
        assert_eq!(figures["no_shows"], 0);
        let reversed = send(
            &desk,
            Method::GET,
            &format!("/api/v1/queue/offices/{OFFICE}/figures?from=2026-12-31&to=2026-01-01"),
            None,
        )
        .await;
        assert_eq!(reversed.status(), 422);
        assert_eq!(
            send(
                &citizen,
                Method::GET,
                &format!("/api/v1/queue/offices/{OFFICE}/figures"),
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
async fn a_booked_citizen_checks_in_with_the_code_and_goes_ahead_of_walk_ins() {
    on_both(async |app| {
        app.load_demo().await;
        open_all_day(app).await;
        let desk = signed_in(app, "loket.alak").await;
        let walk_in = send(
            &desk,
            Method::POST,
            &format!("/api/v1/queue/offices/{OFFICE}/tickets"),
            Some(json!({"group": "A"})),
        )
        .await;
        assert_eq!(walk_in.status(), 201);

        // The next slot today (within ten minutes: group A has 10-minute slots).
        let citizen = signed_in(app, YULIANA).await;
        let slots: Value = send(
            &citizen,
            Method::GET,
            &format!(
                "/api/v1/queue/offices/{OFFICE}/slots?group=A&day={}",
                today()
            ),
            None,
        )
        .await
        .json()
        .await
        .expect("json");
        let Some(slot) = slots
            .as_array()
            .and_then(|s| s.first())
            .and_then(|s| s["start"].as_str())
            .map(str::to_string)
        else {
            eprintln!(
                "note: no slot left today (it is nearly midnight in WITA); check-in not exercised"
            );
            return;
        };
        let booked: Value = book(&citizen, "A", &today().to_string(), &slot)
            .await
            .json()
            .await
            .expect("json");
        let code = booked["code"].as_str().expect("code").to_string();

        let check_in = async |typed: &str| {
            send(
                &desk,
                Method::POST,
                &format!("/api/v1/queue/offices/{OFFICE}/check-in"),
                Some(json!({"code": typed})),
            )
            .await
        };
        let mut typo: Vec<char> = code.chars().collect();
        let last = typo.len() - 1;
        typo[last] = if typo[last] == 'Z' { 'Y' } else { 'Z' };
        let typo: String = typo.into_iter().collect();
        let wrong = check_in(&typo).await;
        assert_eq!(
            problem_codes(&wrong.json().await.expect("json")),
            vec!["queue.code_typo"]
        );
        let arrived = check_in(&code.to_lowercase()).await;
        assert_eq!(arrived.status(), 201);
        let ticket: Value = arrived.json().await.expect("json");
        assert_eq!(ticket["number"], "A-002");
        let reused = check_in(&code).await;
        assert_eq!(
            problem_codes(&reused.json().await.expect("json")),
            vec!["queue.code_used"]
        );

        // The appointment is due within its window, so counter 1 calls it before A-001.
        let called: Value = send(
            &desk,
            Method::POST,
            &format!("/api/v1/queue/offices/{OFFICE}/counters/1/next"),
            None,
        )
        .await
        .json()
        .await
        .expect("json");
        assert_eq!(called["number"], "A-002");
        let walk_in: Value = send(
            &desk,
            Method::GET,
            &format!(
                "/api/v1/queue/tickets/{}",
                ticket["id"].as_str().unwrap_or_default()
            ),
            None,
        )
        .await
        .json()
        .await
        .expect("json");
        assert_eq!(walk_in["status"], "called");

        // Recall, no-show, and a transfer to another group keep the books straight.
        assert_eq!(
            send(
                &desk,
                Method::POST,
                &format!("/api/v1/queue/offices/{OFFICE}/counters/1/recall"),
                None
            )
            .await
            .status(),
            200
        );
        assert_eq!(
            send(
                &desk,
                Method::POST,
                &format!("/api/v1/queue/offices/{OFFICE}/counters/1/no-show"),
                None
            )
            .await
            .status(),
            200
        );
        let next: Value = send(
            &desk,
            Method::POST,
            &format!("/api/v1/queue/offices/{OFFICE}/counters/1/next"),
            None,
        )
        .await
        .json()
        .await
        .expect("json");
        assert_eq!(next["number"], "A-001");
        let moved: Value = send(
            &desk,
            Method::POST,
            &format!("/api/v1/queue/offices/{OFFICE}/counters/1/transfer"),
            Some(json!({"group": "C"})),
        )
        .await
        .json()
        .await
        .expect("json");
        assert_eq!(moved["status"], "waiting");
        assert_eq!(moved["group_letter"], "C");
        // The group's own numbering goes on untouched by the newcomer.
        let c_ticket = send(
            &desk,
            Method::POST,
            &format!("/api/v1/queue/offices/{OFFICE}/tickets"),
            Some(json!({"group": "C"})),
        )
        .await;
        assert_eq!(c_ticket.status(), 201);
        assert_eq!(
            c_ticket.json::<Value>().await.expect("json")["number"],
            "C-001"
        );
        let at_three: Value = send(
            &desk,
            Method::POST,
            &format!("/api/v1/queue/offices/{OFFICE}/counters/3/next"),
            None,
        )
        .await
        .json()
        .await
        .expect("json");
        assert_eq!(
            at_three["number"], "A-001",
            "the transferred ticket keeps its number"
        );
        let finish_unknown = send(
            &desk,
            Method::POST,
            &format!("/api/v1/queue/offices/{OFFICE}/counters/3/finish"),
            Some(json!({"tracking_number": "ALK-0000-0000"})),
        )
        .await;
        assert_eq!(finish_unknown.status(), 422);
        assert_eq!(
            send(
                &desk,
                Method::POST,
                &format!("/api/v1/queue/offices/{OFFICE}/counters/3/finish"),
                None
            )
            .await
            .status(),
            200
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM queue_calls WHERE kind = 'recall'")
                .await,
            1
        );

        // A cancelled booking's code is refused at the kiosk with its reason.
        let other = signed_in(app, YOHANES).await;
        let later: Value = book(&other, "B", &weekday_ahead(2).to_string(), "09:00")
            .await
            .json()
            .await
            .expect("json");
        send(
            &other,
            Method::DELETE,
            &format!(
                "/api/v1/queue/appointments/{}",
                later["id"].as_str().unwrap_or_default()
            ),
            None,
        )
        .await;
        let stale = check_in(later["code"].as_str().unwrap_or_default()).await;
        assert_eq!(
            problem_codes(&stale.json().await.expect("json")),
            vec!["queue.code_cancelled"]
        );
    })
    .await;
}

/// Reads server-sent events from `response` until one carries `needle`; returns its id.
async fn read_until(response: reqwest::Response, needle: &str) -> i64 {
    let mut stream = response.bytes_stream();
    let mut text = String::new();
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(chunk) = stream.next().await {
            text.push_str(&String::from_utf8_lossy(&chunk.expect("chunk")));
            for event in text.split("\n\n") {
                if event.contains(needle) {
                    let id = event
                        .lines()
                        .find_map(|l| l.strip_prefix("id:"))
                        .and_then(|v| v.trim().parse::<i64>().ok())
                        .expect("an event id");
                    return id;
                }
            }
        }
        panic!("the stream ended before {needle}: {text}");
    })
    .await;
    found.unwrap_or_else(|_| panic!("no event with {needle} within 10 s"))
}

async fn board_stream(app: &TestApp, last_event_id: Option<i64>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{}/queue/{OFFICE}/events", app.base));
    if let Some(id) = last_event_id {
        request = request.header("Last-Event-ID", id.to_string());
    }
    let response = request.send().await.expect("stream opens");
    assert_eq!(response.status(), 200);
    assert!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"))
    );
    response
}

#[tokio::test]
async fn the_board_receives_calls_live_and_catches_up_after_a_lost_connection() {
    on_both(async |app| {
        app.load_demo().await;
        open_all_day(app).await;
        let desk = signed_in(app, "loket.alak").await;
        for _ in 0..3 {
            send(
                &desk,
                Method::POST,
                &format!("/api/v1/queue/offices/{OFFICE}/tickets"),
                Some(json!({"group": "A"})),
            )
            .await;
        }
        let live = board_stream(app, None).await;
        send(
            &desk,
            Method::POST,
            &format!("/api/v1/queue/offices/{OFFICE}/counters/1/next"),
            None,
        )
        .await;
        let first = read_until(live, "A-001").await;

        // The board is away while two more calls happen; on return it gets both.
        send(
            &desk,
            Method::POST,
            &format!("/api/v1/queue/offices/{OFFICE}/counters/2/next"),
            None,
        )
        .await;
        send(
            &desk,
            Method::POST,
            &format!("/api/v1/queue/offices/{OFFICE}/counters/1/recall"),
            None,
        )
        .await;
        let back = board_stream(app, Some(first)).await;
        let mut stream = back.bytes_stream();
        let mut text = String::new();
        tokio::time::timeout(Duration::from_secs(10), async {
            while !(text.contains("A-002") && text.contains("\"recall\"")) {
                let chunk = stream.next().await.expect("more").expect("chunk");
                text.push_str(&String::from_utf8_lossy(&chunk));
            }
        })
        .await
        .unwrap_or_else(|_| panic!("the missed calls never came: {text}"));
        // (Calls just before the last one seen may come again, since two nodes can commit out of
        // id order; the page ignores ids it has shown.)

        // The board page shows the current numbers server-side too.
        let page = app.browser().text(&format!("/queue/{OFFICE}/board")).await;
        assert!(
            page.contains("data-counter=\"1\">A-001") && page.contains("data-counter=\"2\">A-002"),
            "{page}"
        );
    })
    .await;
}

/// A second Sigap node as its own operating-system process (`sigap serve`) on the same
/// PostgreSQL database; killed when dropped.
struct NodeProcess {
    child: std::process::Child,
    base: String,
    data_dir: std::path::PathBuf,
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

async fn node_process(database_url: &str) -> NodeProcess {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let data_dir =
        std::env::temp_dir().join(format!("sigap-node-b-{}", uuid::Uuid::now_v7().simple()));
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_sigap"))
        .arg("serve")
        .env("SIGAP_DATABASE_URL", database_url)
        .env("SIGAP_DATA_DIR", &data_dir)
        .env("SIGAP_BIND", format!("127.0.0.1:{port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("sigap serve starts");
    let node = NodeProcess {
        child,
        base: format!("http://127.0.0.1:{port}"),
        data_dir,
    };
    for _ in 0..200 {
        if let Ok(response) = reqwest::get(format!("{}/readyz", node.base)).await
            && response.status() == 200
        {
            return node;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("node B did not become ready");
}

#[tokio::test]
async fn a_call_on_one_node_reaches_a_board_connected_to_another_process() {
    if !postgres_required().await {
        return;
    }
    run_on(Backend::Postgres, &async |app: &TestApp| {
        app.load_demo().await;
        open_all_day(app).await;
        // Node B is a separate `sigap serve` process; the only way between the nodes is
        // PostgreSQL's LISTEN/NOTIFY.
        let node_b = node_process(&app.database_url).await;
        let board = reqwest::Client::new()
            .get(format!("{}/queue/{OFFICE}/events", node_b.base))
            .send()
            .await
            .expect("stream opens on node B");
        assert_eq!(board.status(), 200);
        let desk = signed_in(app, "loket.alak").await;
        send(
            &desk,
            Method::POST,
            &format!("/api/v1/queue/offices/{OFFICE}/tickets"),
            Some(json!({"group": "B"})),
        )
        .await;
        let called = send(
            &desk,
            Method::POST,
            &format!("/api/v1/queue/offices/{OFFICE}/counters/3/next"),
            None,
        )
        .await;
        assert_eq!(called.status(), 200);
        read_until(board, "B-001").await;
        drop(node_b);
    })
    .await;
}

#[tokio::test]
async fn a_visit_for_an_application_is_reminded_the_day_before_once() {
    on_both(async |app| {
        app.load_demo().await;
        open_all_day(app).await;
        let web = app.browser();
        web.login_ok(YULIANA, DEMO_PASSWORD).await;
        let (application, _) = crate::applications::submitted_sktm(app, &web).await;
        let citizen = signed_in(app, YULIANA).await;
        let tomorrow = today().tomorrow().expect("date").to_string();
        let other = signed_in(app, YOHANES).await;
        let not_theirs = send(&other, Method::POST, &format!("/api/v1/queue/offices/{OFFICE}/appointments"),
            Some(json!({"group": "A", "day": tomorrow, "slot": "09:00", "application_id": application}))).await;
        assert_eq!(problem_codes(&not_theirs.json().await.expect("json")), vec!["queue.application_unknown"]);
        let booked = send(&citizen, Method::POST, &format!("/api/v1/queue/offices/{OFFICE}/appointments"),
            Some(json!({"group": "A", "day": tomorrow, "slot": "09:00", "application_id": application}))).await;
        assert_eq!(booked.status(), 201);
        assert_eq!(booked.json::<Value>().await.expect("json")["application_id"], application.as_str());

        // (The server's own reminder loop may get there first; either way it goes out once.)
        let sent = queue::booking::send_reminders(&app.state).await.expect("reminders");
        assert!(sent <= 1);
        assert_eq!(queue::booking::send_reminders(&app.state).await.expect("reminders"), 0, "once only");
        let email = app
            .wait_for_email(|m| m.to_string().contains("Pengingat jadwal kunjungan besok"))
            .await;
        assert!(email.to_string().contains("09:00"), "{email}");
        let reminders = app
            .sent_emails()
            .into_iter()
            .filter(|m| m.to_string().contains("Pengingat jadwal kunjungan besok"))
            .count();
        assert_eq!(reminders, 1);
    })
    .await;
}

#[tokio::test]
async fn closing_a_counter_in_the_settings_takes_its_seats_away_and_bad_hours_are_named() {
    on_both(async |app| {
        app.load_demo().await;
        let admin = app.browser();
        admin.login_ok("admin.layanan", DEMO_PASSWORD).await;
        let mut form: Vec<(String, String)> = Vec::new();
        for day in 1..=5 {
            form.push((format!("opens_{day}"), "08:00".into()));
            form.push((format!("closes_{day}"), "15:00".into()));
        }
        form.push(("opens_6".into(), "08:00".into()));
        form.push(("closes_6".into(), "07:00".into()));
        form.push(("opens_7".into(), "pagi".into()));
        form.push(("closes_7".into(), String::new()));
        // Counters 1 and 2 stay open with their groups; counter 3 (B, C) is closed.
        for (name, value) in [
            ("active_1", "1"),
            ("group_1", "A"),
            ("active_2", "1"),
            ("group_2", "A"),
            ("group_2", "B"),
            ("group_3", "B"),
            ("group_3", "C"),
        ] {
            form.push((name.into(), value.into()));
        }
        let borrowed: Vec<(&str, &str)> =
            form.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let refused = admin
            .post(&format!("/queue/{OFFICE}/settings"), &borrowed)
            .await;
        assert_eq!(refused.status(), 422);
        let body = refused.text().await.expect("text");
        assert!(
            body.contains("Jam tutup harus sesudah jam buka")
                && body.contains("Tulis jam sebagai JJ:MM")
                && body.contains("value=\"pagi\""),
            "{body}"
        );
        let fixed: Vec<(&str, &str)> = borrowed
            .iter()
            .map(|(n, v)| match *n {
                "closes_6" | "opens_6" | "opens_7" => (*n, ""),
                _ => (*n, *v),
            })
            .collect();
        let saved = admin
            .post(&format!("/queue/{OFFICE}/settings"), &fixed)
            .await;
        assert_eq!(saved.status(), 303);

        let citizen = signed_in(app, YULIANA).await;
        let day = weekday_ahead(2).to_string();
        let slots: Value = send(
            &citizen,
            Method::GET,
            &format!("/api/v1/queue/offices/{OFFICE}/slots?group=C&day={day}"),
            None,
        )
        .await
        .json()
        .await
        .expect("json");
        assert!(
            slots
                .as_array()
                .is_some_and(|s| !s.is_empty() && s.iter().all(|s| s["free"] == 0)),
            "{slots}"
        );
        let full = book(&citizen, "C", &day, "09:00").await;
        assert_eq!(full.status(), 409);
        let mut saturday = today().tomorrow().expect("date");
        while saturday.weekday() != Weekday::Saturday {
            saturday = saturday.tomorrow().expect("date");
        }
        let closed = book(&citizen, "A", &saturday.to_string(), "09:00").await;
        assert_eq!(
            problem_codes(&closed.json().await.expect("json")),
            vec!["queue.closed_weekday"]
        );
    })
    .await;
}
