//! Collaboration (issue #6), the second round: organisers edit events (optimistic concurrency,
//! participants told of a new time or place, calendars updated through SEQUENCE, the waitlist
//! promoted when seats are added), and the knowledge base browsed by tag without showing
//! anything a reader may not read.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    applications::YULIANA,
    collaboration::{
        AGUSTINA, YOHANES, article, create_article, create_event, event, humas, json_of, register,
    },
    support::{Api, DEMO_PASSWORD, TestApp, field_errors, on_both, send, signed_in},
};

/// The event as an edit sends it back: every field as the form has it, based on `version`.
fn edit_of(event: &Value, version: i64) -> Value {
    let codes = |list: &Value| {
        list.as_array()
            .map(|all| {
                all.iter()
                    .filter_map(|a| a["code"].as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    let wita = |ms: &Value| collaboration::events::wita_input(ms.as_i64().expect("an instant"));
    json!({"title": event["title"], "kind": event["kind"], "description": event["description"],
           "audience": event["audience"], "invited": codes(&event["invited"]), "place": event["place"],
           "online_url": event["online_url"], "starts_at": wita(&event["starts_ms"]),
           "ends_at": wita(&event["ends_ms"]), "capacity": event["capacity"].to_string(),
           "jp": event["jp"].to_string(), "base_version": version.to_string()})
}

async fn put(api: &Api, id: &str, body: Value) -> (reqwest::StatusCode, Value) {
    json_of(
        send(
            api,
            Method::PUT,
            &format!("/api/v1/events/{id}"),
            Some(body),
        )
        .await,
    )
    .await
}

async fn count_notices(app: &TestApp, like: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM outbox WHERE body LIKE '%{like}%'"
    ))
    .await
}

#[tokio::test]
async fn an_organiser_edits_an_event_and_a_save_based_on_an_old_version_overwrites_nothing() {
    on_both(async |app| {
        app.load_demo().await;
        let dinkes = humas(app, "dinkes").await;
        let mut body = event("Seminar Gizi Anak", "dikbud, dinkes", 2, 2);
        body["starts_at"] = json!("2030-03-10T09:00");
        body["ends_at"] = json!("2030-03-10T12:00");
        let created = create_event(&dinkes, body).await;
        let id = created["id"].as_str().expect("id").to_string();
        assert_eq!((created["version"].as_i64(), created["sequence"].as_i64()), (Some(1), Some(0)));
        for person in [YULIANA, YOHANES, AGUSTINA] {
            register(&signed_in(app, person).await, &id).await;
        }
        // A new title: saved as version 2; calendars see it (SEQUENCE 1); nobody is told,
        // because neither the time nor the place moved.
        let mut first = edit_of(&created, 1);
        first["title"] = json!("Seminar Gizi Anak Sekolah");
        let (status, saved) = put(&dinkes, &id, first).await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!((saved["version"].as_i64(), saved["sequence"].as_i64()), (Some(2), Some(1)));
        assert_eq!(count_notices(app, "berubah waktu").await, 0);
        // A colleague who opened version 1 saves: refused, the first save stays.
        let stale_title = {
            let mut stale = edit_of(&created, 1);
            stale["title"] = json!("Judul yang menimpa");
            stale
        };
        let (status, refused) = put(&dinkes, &id, stale_title).await;
        assert_eq!(status, 409);
        assert_eq!(refused["error"]["code"], "collaboration.event_edit_conflict");
        let (_, now) = json_of(send(&dinkes, Method::GET, &format!("/api/v1/events/{id}"), None).await).await;
        assert_eq!(now["title"], "Seminar Gizi Anak Sekolah");
        assert_eq!(now["version"], 2);

        // New time and room: everyone registered or waiting (3) is told once, in their language,
        // and the calendar shows the new time with a raised SEQUENCE.
        let mut moved = edit_of(&now, 2);
        moved["starts_at"] = json!("2030-03-11T13:00");
        moved["ends_at"] = json!("2030-03-11T15:30");
        moved["place"] = json!("Aula Puskesmas Alak");
        let (status, saved) = put(&dinkes, &id, moved).await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!((saved["version"].as_i64(), saved["sequence"].as_i64()), (Some(3), Some(2)));
        assert_eq!(count_notices(app, "Aula Puskesmas Alak").await, 3, "each participant once");
        // Told in their language (the demo citizens read Indonesian), with the new time.
        let starts = platform::clock::format_wita(
            saved["starts_ms"].as_i64().expect("starts"),
            platform::web::i18n::Lang::Id,
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM outbox WHERE body LIKE '%Seminar Gizi Anak Sekolah%' AND body LIKE '%{starts}%'"
            ))
            .await,
            3,
            "the notice names the event and its new time ({starts})"
        );
        let feed = app.browser().text(&format!("/events/{id}/calendar.ics")).await;
        assert!(feed.contains("DTSTART:20300311T050000Z\r\n"), "13:00 WITA is 05:00 UTC: {feed}");
        assert!(feed.contains("DTEND:20300311T073000Z\r\n"));
        assert!(feed.contains("SEQUENCE:2\r\n"));
        assert!(feed.contains("LOCATION:Aula Puskesmas Alak\r\n"));
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'event.edited' AND subject = 'event:{id}'"
            ))
            .await,
            2,
            "every saved edit is audited, the refused one not"
        );

        // Capacity below the two seats taken: refused by field, nothing changes.
        let mut smaller = edit_of(&saved, 3);
        smaller["capacity"] = json!("1");
        let (status, body) = put(&dinkes, &id, smaller).await;
        assert_eq!(status, 422);
        assert_eq!(field_errors(&body, "code"), ["collaboration.capacity_below_taken"]);
        assert_eq!(app.count(&format!("SELECT version FROM events WHERE id = '{id}'")).await, 3);
        // More seats: Agustina, who waited, is registered and told.
        let mut larger = edit_of(&saved, 3);
        larger["capacity"] = json!("5");
        let (status, saved) = put(&dinkes, &id, larger).await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!((saved["capacity"].as_i64(), saved["seats_taken"].as_i64()), (Some(5), Some(3)));
        assert_eq!(saved["sequence"], 2, "capacity is not in the calendar entry");
        let (_, mine) = json_of(send(&signed_in(app, AGUSTINA).await, Method::GET, "/api/v1/me/events", None).await).await;
        assert_eq!(mine[0]["status"], "registered", "{mine}");
        assert_eq!(count_notices(app, "Kursi tersedia").await, 1);

        // Only the organisers' managing staff edit.
        for login in ["humas.kominfo", "asn.alak", YULIANA] {
            let api = signed_in(app, login).await;
            let (status, _) = put(&api, &id, edit_of(&saved, 4)).await;
            assert_eq!(status, 403, "{login}");
        }
        let anonymous = app.api();
        assert_eq!(put(&anonymous, &id, edit_of(&saved, 4)).await.0, 401);
        assert_eq!(app.count(&format!("SELECT version FROM events WHERE id = '{id}'")).await, 4);
    })
    .await;
}

#[tokio::test]
async fn the_edit_page_keeps_what_was_typed_when_refused_in_both_languages() {
    on_both(async |app| {
        app.load_demo().await;
        let password = app
            .create_staff("Humas Dinkes", "humas.dinkes", "communications", "dinkes")
            .await;
        let mut api = app.api();
        api.sign_in("humas.dinkes", &password).await;
        let created = create_event(&api, event("Lokakarya Kader", "dinkes", 1, 0)).await;
        let id = created["id"].as_str().expect("id").to_string();
        register(&signed_in(app, YULIANA).await, &id).await;
        let web = app.browser();
        web.login_ok("humas.dinkes", &password).await;
        let page = web.text(&format!("/events/{id}")).await;
        assert!(page.contains(&format!("href=\"/events/{id}/edit\"")), "the organiser sees the edit link");
        let form = web.text(&format!("/events/{id}/edit")).await;
        assert!(form.contains("name=\"base_version\" value=\"1\""));
        assert!(form.contains("value=\"Lokakarya Kader\""));
        assert!(!form.contains("name=\"organisers\""), "the organisers stay");
        let fields = |title: &'static str, capacity: &'static str, base: &'static str| {
            vec![
                ("title", title),
                ("kind", "workshop"),
                ("audience", "public"),
                ("place", "Aula Kantor Camat Alak"),
                ("starts_at", "2030-05-02T08:00"),
                ("ends_at", "2030-05-02T11:00"),
                ("capacity", capacity),
                ("jp", "0"),
                ("description", "Materi baru"),
                ("base_version", base),
            ]
        };
        // No capacity: the message beside the field, the typed values kept.
        let response = web
            .post(&format!("/events/{id}/edit"), &fields("Lokakarya Kader Posyandu", "0", "1"))
            .await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.expect("text");
        assert!(page.contains("value=\"Lokakarya Kader Posyandu\""));
        assert!(page.contains("Kapasitas harus bilangan"), "0 is no capacity");
        // Someone saves meanwhile (through the API) ...
        let mut other = edit_of(&created, 1);
        other["title"] = json!("Lokakarya Kader (diubah rekan)");
        assert_eq!(put(&api, &id, other).await.0, 200);
        // ... so this save, based on version 1, is refused: nothing overwritten, text kept,
        // the event as it is now shown, and the form now based on version 2.
        let response = web
            .post(&format!("/events/{id}/edit"), &fields("Judul yang saya ketik", "3", "1"))
            .await;
        assert_eq!(response.status(), 409);
        let page = response.text().await.expect("text");
        assert!(page.contains("data-testid=\"event-edit-conflict\""));
        assert!(page.contains("diubah orang lain"));
        assert!(page.contains("value=\"Judul yang saya ketik\""));
        assert!(page.contains("Lokakarya Kader (diubah rekan)"), "the current event is shown");
        assert!(page.contains("name=\"base_version\" value=\"2\""));
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM events WHERE id = '{id}' AND title = 'Lokakarya Kader (diubah rekan)'")).await,
            1
        );
        // In English the same refusals read in English.
        web.post("/lang", &[("lang", "en"), ("next", "/")]).await;
        let response = web
            .post(&format!("/events/{id}/edit"), &fields("Kader workshop", "3", "1"))
            .await;
        assert_eq!(response.status(), 409);
        assert!(response.text().await.expect("text").contains("Someone else changed this event"));
        let mut fewer = fields("Kader workshop", "3", "2");
        fewer[6] = ("capacity", "0");
        let response = web.post(&format!("/events/{id}/edit"), &fewer).await;
        assert_eq!(response.status(), 422);
        assert!(response.text().await.expect("text").contains("Capacity must be a number"));
        // Saved from the page: back to the event, which shows the new values.
        let response = web
            .post(&format!("/events/{id}/edit"), &fields("Kader workshop", "3", "2"))
            .await;
        assert_eq!(response.status(), 303);
        let page = web.text(&format!("/events/{id}")).await;
        assert!(page.contains("Kader workshop") && page.contains("1 / 3"));
    })
    .await;
}

#[tokio::test]
async fn a_capacity_below_the_seats_taken_is_refused_and_closed_events_are_not_edited() {
    on_both(async |app| {
        app.load_demo().await;
        let dinkes = humas(app, "dinkes").await;
        let created = create_event(&dinkes, event("Rapat Posyandu", "dinkes", 3, 0)).await;
        let id = created["id"].as_str().expect("id").to_string();
        register(&signed_in(app, YULIANA).await, &id).await;
        register(&signed_in(app, YOHANES).await, &id).await;
        let mut two = edit_of(&created, 1);
        two["capacity"] = json!("2");
        let (status, saved) = put(&dinkes, &id, two).await;
        assert_eq!(status, 200, "as many seats as taken is fine: {saved}");
        let mut one = edit_of(&saved, 2);
        one["capacity"] = json!("1");
        let (status, body) = put(&dinkes, &id, one).await;
        assert_eq!(status, 422);
        assert_eq!(field_errors(&body, "field"), ["capacity"]);
        // Over: refused.
        app.sql(&format!(
            "UPDATE events SET starts_ms = starts_ms - 259200000, ends_ms = ends_ms - 259200000 WHERE id = '{id}'"
        ))
        .await;
        let (status, body) = put(&dinkes, &id, edit_of(&saved, 2)).await;
        assert_eq!(status, 409);
        assert_eq!(body["error"]["code"], "collaboration.event_closed");
        // Cancelled: refused, on the page too.
        let other = create_event(&dinkes, event("Rapat Dibatalkan", "dinkes", 3, 0)).await;
        let other_id = other["id"].as_str().expect("id").to_string();
        let password = app
            .create_staff("Admin Dinkes", "admin.dinkes", "service_admin", "dinkes")
            .await;
        let web = app.browser();
        web.login_ok("admin.dinkes", &password).await;
        assert_eq!(web.post(&format!("/events/{other_id}/cancel"), &[]).await.status(), 303);
        let (status, body) = put(&dinkes, &other_id, edit_of(&other, 1)).await;
        assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (409, Some("collaboration.event_closed")));
        assert_eq!(web.get(&format!("/events/{other_id}/edit")).await.status(), 409);
        assert!(!web.text(&format!("/events/{other_id}")).await.contains("data-testid=\"edit-event\""));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'event.edited'").await,
            1,
            "only the one accepted save"
        );
    })
    .await;
}

#[tokio::test]
async fn a_waitlist_is_promoted_in_order_when_seats_are_added() {
    on_both(async |app| {
        app.load_demo().await;
        let dinkes = humas(app, "dinkes").await;
        let created = create_event(&dinkes, event("Kelas Ibu Hamil", "dinkes", 1, 0)).await;
        let id = created["id"].as_str().expect("id").to_string();
        // Registered in this order: Yuliana takes the seat, then Yohanes, Agustina and an ASN wait.
        for person in [YULIANA, YOHANES, AGUSTINA, "asn.alak"] {
            register(&signed_in(app, person).await, &id).await;
        }
        let mut more = edit_of(&created, 1);
        more["capacity"] = json!("3");
        let (status, saved) = put(&dinkes, &id, more).await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM event_registrations r JOIN users u ON u.id = r.user_id \
                 WHERE r.event_id = '{id}' AND r.status = 'waitlisted' AND u.username = 'asn.alak'"
            ))
            .await,
            1,
            "the last to register still waits"
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM event_registrations WHERE event_id = '{id}' AND status = 'registered'"
            ))
            .await,
            3
        );
        assert_eq!(count_notices(app, "Kursi tersedia").await, 2, "each promoted person is told");
        assert_eq!(app.count(&format!("SELECT seats_taken FROM events WHERE id = '{id}'")).await, 3);
    })
    .await;
}

// ---------------------------------------------------------------- tags

async fn tag_counts(api: &Api) -> Vec<(String, i64)> {
    let (status, body) =
        json_of(send(api, Method::GET, "/api/v1/knowledge/tags", None).await).await;
    assert_eq!(status, 200, "{body}");
    body.as_array()
        .expect("tags")
        .iter()
        .map(|t| {
            (
                t["tag"].as_str().unwrap_or("").to_string(),
                t["count"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

fn tagged(agency: &str, title: &str, tags: &str, sharing: &str, shared_with: &str) -> Value {
    let mut body = article(agency, title, "Isi artikel.", sharing, shared_with);
    body["tags"] = json!(tags);
    body
}

#[tokio::test]
async fn tags_are_counted_and_listed_only_over_what_the_reader_may_read() {
    on_both(async |app| {
        app.load_demo().await;
        let dinkes = humas(app, "dinkes").await;
        let open = create_article(
            &dinkes,
            tagged("dinkes", "Gizi di Sekolah", "Gizi, sekolah", "all", ""),
        )
        .await;
        create_article(
            &dinkes,
            tagged(
                "dinkes",
                "Sasaran Gizi Naioni",
                "gizi, rahasia",
                "agencies",
                "kec-alak",
            ),
        )
        .await;
        create_article(
            &dinkes,
            tagged(
                "dinkes",
                "Catatan Internal",
                "gizi, internal dinkes",
                "own",
                "",
            ),
        )
        .await;
        let pairs = |list: &[(&str, i64)]| {
            list.iter()
                .map(|(t, n)| (t.to_string(), *n))
                .collect::<Vec<_>>()
        };
        // BKPPD reads only the open article: "rahasia" and "internal dinkes" are not even listed.
        let bkppd = signed_in(app, "admin.bkppd").await;
        assert_eq!(
            tag_counts(&bkppd).await,
            pairs(&[("gizi", 1), ("sekolah", 1)])
        );
        // Kecamatan Alak was given the restricted one.
        let alak = signed_in(app, "asn.alak").await;
        assert_eq!(
            tag_counts(&alak).await,
            pairs(&[("gizi", 2), ("rahasia", 1), ("sekolah", 1)])
        );
        assert_eq!(
            tag_counts(&dinkes).await,
            pairs(&[
                ("gizi", 3),
                ("internal dinkes", 1),
                ("rahasia", 1),
                ("sekolah", 1)
            ])
        );
        // A tag's page: only what the reader may read, and nothing at all for a hidden tag.
        let (_, page) =
            json_of(send(&bkppd, Method::GET, "/api/v1/knowledge/tags/gizi", None).await).await;
        assert_eq!(
            (
                page["total"].as_i64(),
                page["articles"].as_array().map(Vec::len)
            ),
            (Some(1), Some(1))
        );
        assert_eq!(page["articles"][0]["title"], "Gizi di Sekolah");
        let (status, page) =
            json_of(send(&bkppd, Method::GET, "/api/v1/knowledge/tags/rahasia", None).await).await;
        assert_eq!(status, 200);
        assert_eq!(
            (
                page["total"].as_i64(),
                page["articles"].as_array().map(Vec::len)
            ),
            (Some(0), Some(0))
        );
        let (_, page) = json_of(
            send(
                &dinkes,
                Method::GET,
                "/api/v1/knowledge/tags/internal%20dinkes",
                None,
            )
            .await,
        )
        .await;
        assert_eq!(page["articles"][0]["title"], "Catatan Internal");
        // The web pages: counts, links from the article to the tag, the restricted one absent.
        let web = app.browser();
        web.login_ok("admin.bkppd", DEMO_PASSWORD).await;
        let list = web.text("/knowledge/tags").await;
        assert!(list.contains("href=\"/knowledge/tags/gizi\""), "{list}");
        assert!(!list.contains("rahasia") && !list.contains("internal"));
        let hidden = web.text("/knowledge/tags/rahasia").await;
        assert!(hidden.contains("data-testid=\"no-articles\"") && !hidden.contains("Naioni"));
        let id = open["id"].as_str().expect("id");
        let article_page = web.text(&format!("/knowledge/{id}")).await;
        assert!(article_page.contains("href=\"/knowledge/tags/sekolah\""));
        assert!(
            web.text("/knowledge")
                .await
                .contains("href=\"/knowledge/tags\"")
        );
        let own = app.browser();
        let password = app
            .create_staff("Admin Dinkes", "admin.dinkes", "service_admin", "dinkes")
            .await;
        own.login_ok("admin.dinkes", &password).await;
        let list = own.text("/knowledge/tags").await;
        assert!(
            list.contains("href=\"/knowledge/tags/internal%20dinkes\""),
            "a space travels encoded"
        );
        assert!(
            own.text("/knowledge/tags/internal%20dinkes")
                .await
                .contains("Catatan Internal")
        );
        own.post("/lang", &[("lang", "en"), ("next", "/")]).await;
        let english = own.text("/knowledge/tags/gizi").await;
        assert!(
            english.contains("Tag: <span data-testid=\"tag\">gizi</span>")
                && english.contains("3</span> articles"),
            "{english}"
        );
        // Citizens do not browse the knowledge base.
        let citizen = signed_in(app, YULIANA).await;
        for path in ["/api/v1/knowledge/tags", "/api/v1/knowledge/tags/gizi"] {
            assert_eq!(
                send(&citizen, Method::GET, path, None).await.status(),
                403,
                "{path}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_tags_page_lists_the_newest_first_a_page_at_a_time_and_follows_edits() {
    on_both(async |app| {
        app.load_demo().await;
        let dinkes = humas(app, "dinkes").await;
        let mut first = Value::Null;
        for n in 1..=22 {
            let created = create_article(&dinkes, tagged("dinkes", &format!("Panduan nomor {n:02}"), "panduan", "all", "")).await;
            if n == 1 {
                first = created;
            }
        }
        // Distinct save times (several saves may share a millisecond), so "newest first" has
        // one answer: number n was saved n seconds after the first.
        app.sql(
            "UPDATE articles SET updated_ms = 1800000000000 + CAST(SUBSTR(title, 15, 2) AS INTEGER) * 1000 WHERE title LIKE 'Panduan nomor %'",
        )
        .await;
        let bkppd = signed_in(app, "admin.bkppd").await;
        let titles = |page: &Value| -> Vec<String> {
            page["articles"]
                .as_array()
                .expect("articles")
                .iter()
                .map(|a| a["title"].as_str().unwrap_or("").to_string())
                .collect()
        };
        let (_, one) = json_of(send(&bkppd, Method::GET, "/api/v1/knowledge/tags/panduan", None).await).await;
        assert_eq!((one["total"].as_i64(), one["page"].as_i64(), one["per_page"].as_i64()), (Some(22), Some(1), Some(20)));
        let one = titles(&one);
        assert_eq!(one.len(), 20);
        assert_eq!((one[0].as_str(), one[19].as_str()), ("Panduan nomor 22", "Panduan nomor 03"));
        let (_, two) = json_of(send(&bkppd, Method::GET, "/api/v1/knowledge/tags/panduan?page=2", None).await).await;
        assert_eq!(titles(&two), ["Panduan nomor 02", "Panduan nomor 01"]);
        let web = app.browser();
        web.login_ok("admin.bkppd", DEMO_PASSWORD).await;
        let page = web.text("/knowledge/tags/panduan").await;
        assert!(page.contains("href=\"/knowledge/tags/panduan?page=2\"") && !page.contains("data-testid=\"previous-page\""));
        let page = web.text("/knowledge/tags/panduan?page=2").await;
        assert!(page.contains("Panduan nomor 01") && page.contains("href=\"/knowledge/tags/panduan?page=1\""));
        assert!(!page.contains("data-testid=\"next-page\""));
        // An edit moves the article to its new tags in the same save.
        let id = first["id"].as_str().expect("id");
        let mut edit = tagged("dinkes", "Panduan nomor 01", "Imunisasi, Panduan Baru", "all", "");
        edit["base_version"] = json!("1");
        let (status, saved) = json_of(
            send(&dinkes, Method::PUT, &format!("/api/v1/knowledge/articles/{id}"), Some(edit)).await,
        )
        .await;
        assert_eq!(status, 200, "{saved}");
        let counts = tag_counts(&bkppd).await;
        assert!(counts.contains(&("panduan".to_string(), 21)), "{counts:?}");
        assert!(counts.contains(&("imunisasi".to_string(), 1)) && counts.contains(&("panduan baru".to_string(), 1)));
        // A refused (stale) edit changes no tag.
        let mut stale = tagged("dinkes", "Panduan nomor 01", "lain", "all", "");
        stale["base_version"] = json!("1");
        let refused = send(&dinkes, Method::PUT, &format!("/api/v1/knowledge/articles/{id}"), Some(stale)).await;
        assert_eq!(refused.status(), 409);
        assert!(!tag_counts(&bkppd).await.iter().any(|(t, _)| t == "lain"));
    })
    .await;
}

#[tokio::test]
async fn the_migration_fills_the_tag_rows_from_the_existing_articles() {
    on_both(async |app| {
        app.load_demo().await;
        collaboration::demo::load(&app.state)
            .await
            .expect("collaboration demo");
        let asn = signed_in(app, "asn.alak").await;
        let before = tag_counts(&asn).await;
        assert!(!before.is_empty());
        // Rows as they were before the table existed; then the migration's fill, as shipped.
        app.sql("DELETE FROM article_tags").await;
        assert!(tag_counts(&asn).await.is_empty());
        let migration = match app.state.db.backend {
            platform::config::Backend::Sqlite => {
                include_str!(
                    "../../../../migrations/sqlite/202612021040_collaboration_article_tags.sql"
                )
            }
            platform::config::Backend::Postgres => {
                include_str!(
                    "../../../../migrations/postgres/202612021040_collaboration_article_tags.sql"
                )
            }
        };
        let fill = &migration[migration
            .find("INSERT INTO article_tags")
            .expect("the fill")..];
        app.sql(fill.trim().trim_end_matches(';')).await;
        assert_eq!(tag_counts(&asn).await, before);
    })
    .await;
}
