//! Personal data rights (UU 27/2022): a citizen's export holds their own data and no one else's;
//! deletion is refused while an application is in progress, and otherwise anonymises the
//! account in one go, keeping name and NIK only under legal hold for issued documents.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    applications::{YULIANA, submitted_sktm},
    support::{Api, Browser, DEMO_PASSWORD, TestApp, location, nik, on_both, send, signed_in},
};

const YOHANES: &str = "5371011508850002";
const PASSWORD: &str = "Pantai-Namosain-2026";
const OFFICE: &str = "kantor-camat-alak";

/// A newly registered citizen, signed in on the web and the API.
async fn new_citizen(app: &TestApp, n: u32) -> (Browser, Api, String, String) {
    let web = app.browser();
    let email = format!("warga{n}@example.id");
    let phone = format!("0812999900{n:02}");
    let registered = web
        .register("Maria Fernandez", &nik(n), &email, &phone, PASSWORD)
        .await;
    assert_eq!(registered.status(), 303);
    web.login_ok(&email, PASSWORD).await;
    let mut api = app.api();
    api.sign_in(&email, PASSWORD).await;
    let me: Value = send(&api, Method::GET, "/api/v1/me", None)
        .await
        .json()
        .await
        .expect("json");
    let id = me["id"].as_str().expect("id").to_string();
    (web, api, email, id)
}

async fn export(api: &Api) -> Value {
    let response = send(api, Method::GET, "/api/v1/me/data", None).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

/// A working day (Monday–Thursday, no demo holiday) a few days ahead.
fn weekday_ahead() -> String {
    use jiff::civil::Weekday;
    let mut day = services::calendar::wita_date(platform::clock::now_ms())
        .checked_add(jiff::Span::new().days(3))
        .expect("a date");
    while !matches!(
        day.weekday(),
        Weekday::Monday | Weekday::Tuesday | Weekday::Wednesday | Weekday::Thursday
    ) || ["12-25", "01-01"].contains(&&day.to_string()[5..])
    {
        day = day.tomorrow().expect("a date");
    }
    day.to_string()
}

/// Drives a submitted application through verification and signing: a document is issued.
async fn issue(app: &TestApp, id: &str) {
    let verifier = app.browser();
    verifier.login_ok("verifikator.alak", DEMO_PASSWORD).await;
    let url = format!("/office/applications/{id}");
    for action in ["claim", "verify"] {
        let done = verifier
            .post(&format!("{url}/actions"), &[("action", action)])
            .await;
        assert_eq!(done.status(), 303, "{action}");
    }
    let signer = app.browser();
    signer.login_ok("camat.alak", DEMO_PASSWORD).await;
    let approved = signer
        .post(&format!("{url}/actions"), &[("action", "approve")])
        .await;
    assert_eq!(approved.status(), 303);
}

#[tokio::test]
async fn a_citizens_export_holds_their_own_data_and_none_of_another_citizens() {
    on_both(async |app| {
        app.load_demo().await;
        let web = app.browser();
        web.login_ok(YULIANA, DEMO_PASSWORD).await;
        let (_, number) = submitted_sktm(app, &web).await;
        let yuliana = signed_in(app, YULIANA).await;
        let data = export(&yuliana).await;
        assert_eq!(data["profile"]["nik"], YULIANA);
        assert_eq!(data["profile"]["email"], "yuliana.ndun@example.id");
        assert_eq!(data["profile"]["phone"], "+6281234560001");
        assert!(
            data["profile"]["full_name"]
                .as_str()
                .is_some_and(|n| n.contains("Yuliana"))
        );
        let application = data["applications"]
            .as_array()
            .and_then(|a| a.iter().find(|a| a["tracking_number"] == number.as_str()))
            .expect("the submitted application");
        assert_eq!(application["status"], "submitted");
        assert_eq!(application["documents"].as_array().map(Vec::len), Some(4));
        assert!(
            application["events"]
                .as_array()
                .is_some_and(|e| !e.is_empty())
        );
        assert_eq!(data["legal_hold"]["applies"], false);
        for key in [
            "complaints",
            "queue_appointments",
            "event_registrations",
            "announcement_subscriptions",
            "notifications",
        ] {
            assert!(data[key].is_array(), "{key}");
        }
        let text = data.to_string();
        assert!(
            !text.contains(YOHANES) && !text.contains("Yohanes"),
            "nobody else's data"
        );

        let yohanes = signed_in(app, YOHANES).await;
        let other = export(&yohanes).await;
        assert_eq!(other["profile"]["nik"], YOHANES);
        let other = other.to_string();
        assert!(!other.contains(YULIANA) && !other.contains(&number) && !other.contains("yuliana"));

        // The page, linked from the account page, and the same file to download.
        assert!(
            web.text("/account")
                .await
                .contains("href=\"/account/data\"")
        );
        let page = web.text("/account/data").await;
        assert!(page.contains("Data pribadi saya") && page.contains("HAPUS"));
        let file = web.get("/account/data/export").await;
        assert_eq!(file.status(), 200);
        assert!(
            file.headers()["content-disposition"]
                .to_str()
                .expect("header")
                .starts_with("attachment")
        );
        let file: Value = file.json().await.expect("json");
        assert_eq!(file["profile"]["nik"], YULIANA);
        // In English on request.
        let english = yuliana
            .request(Method::GET, "/api/v1/me/data")
            .header("accept-language", "en")
            .send()
            .await
            .expect("send");
        let english: Value = english.json().await.expect("json");
        assert!(
            english["explanation"]
                .as_str()
                .is_some_and(|e| e.contains("This file holds"))
        );
    })
    .await;
}

#[tokio::test]
async fn deletion_is_refused_while_an_application_is_in_progress_and_nothing_changes() {
    on_both(async |app| {
        app.load_demo().await;
        let (web, api, email, id) = new_citizen(app, 21).await;
        submitted_sktm(app, &web).await;
        let refused = send(&api, Method::DELETE, "/api/v1/me", Some(json!({"password": PASSWORD}))).await;
        assert_eq!(refused.status(), 409);
        let body: Value = refused.json().await.expect("json");
        assert_eq!(body["error"]["code"], "privacy.applications_in_progress");
        let page = web
            .post("/account/data/delete", &[("password", PASSWORD), ("confirmation", "HAPUS")])
            .await;
        assert_eq!(page.status(), 409);
        let page = page.text().await.expect("text");
        assert!(page.contains("masih ada 1 permohonan yang sedang diproses"), "{page}");
        assert!(!page.contains(PASSWORD));
        // Nothing changed: still signed in, same contacts, the application still there.
        assert_eq!(web.get("/account").await.status(), 200);
        assert_eq!(send(&api, Method::GET, "/api/v1/me/data", None).await.status(), 200);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM users WHERE id = '{id}' AND email = '{email}' AND nik = '{}' AND deleted_ms IS NULL",
                nik(21)
            ))
            .await,
            1
        );
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM applications WHERE applicant_id = '{id}'")).await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'account.deleted%'").await, 0);
    })
    .await;
}

#[tokio::test]
async fn deletion_without_issued_documents_erases_the_nik_cancels_bookings_and_signs_out() {
    on_both(async |app| {
        app.load_demo().await;
        let (web, api, email, id) = new_citizen(app, 22).await;
        // A draft, a booking and two subscriptions (by account, and by the account's email).
        assert_eq!(web.post("/services/sktm/apply", &[]).await.status(), 303);
        let booked = send(
            &api,
            Method::POST,
            &format!("/api/v1/queue/offices/{OFFICE}/appointments"),
            Some(json!({"group": "A", "day": weekday_ahead(), "slot": "09:00"})),
        )
        .await;
        assert_eq!(booked.status(), 201);
        let appointment: Value = booked.json().await.expect("json");
        let appointment = appointment["id"].as_str().expect("id").to_string();
        app.sql(&format!(
            "INSERT INTO announcement_subscriptions (id, channel, address, user_id, categories, lang, unsubscribe_token, active, created_ms, updated_ms) \
             VALUES ('sub-a', 'email', '{email}', NULL, 'policy', 'id', 'tok-a', 1, 0, 0), \
                    ('sub-b', 'sms', '081299990099', '{id}', 'emergency', 'id', 'tok-b', 1, 0, 0)"
        ))
        .await;
        let data = export(&api).await;
        assert_eq!(data["announcement_subscriptions"].as_array().map(Vec::len), Some(2));
        assert_eq!(data["queue_appointments"].as_array().map(Vec::len), Some(1));
        assert!(web.text("/account/data").await.contains("data-testid=\"no-legal-hold\""));

        // A wrong password or confirmation word: the page again, with the message, nothing kept
        // but the word.
        let wrong = web
            .post("/account/data/delete", &[("password", "Salah-Sekali-123"), ("confirmation", "HAPUS")])
            .await;
        assert_eq!(wrong.status(), 422);
        let wrong = wrong.text().await.expect("text");
        assert!(wrong.contains("Kata sandi salah.") && !wrong.contains("Salah-Sekali-123"));
        let wrong = web
            .post("/account/data/delete", &[("password", PASSWORD), ("confirmation", "hapus saja")])
            .await;
        assert_eq!(wrong.status(), 422);
        let wrong = wrong.text().await.expect("text");
        assert!(wrong.contains("Ketik kata HAPUS") && !wrong.contains(PASSWORD));
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM users WHERE id = '{id}' AND deleted_ms IS NULL")).await, 1);

        let deleted = web
            .post("/account/data/delete", &[("password", PASSWORD), ("confirmation", "HAPUS")])
            .await;
        assert_eq!(deleted.status(), 303);
        assert_eq!(location(&deleted), "/account/deleted");
        let confirmation = web.text("/account/deleted").await;
        assert!(confirmation.contains("data-testid=\"account-deleted\"") && !confirmation.contains("deleted-legal-hold"));
        // Signed out everywhere, and nobody can sign in again.
        assert_eq!(location(&web.get("/account").await), "/login?next=%2Faccount");
        assert_eq!(send(&api, Method::GET, "/api/v1/me/data", None).await.status(), 401);
        for login in [email.as_str(), nik(22).as_str(), "081299990022"] {
            let token = send(&app.api(), Method::POST, "/api/v1/auth/token", Some(json!({"login": login, "password": PASSWORD}))).await;
            assert_eq!(token.status(), 422, "{login}");
        }
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM users WHERE id = '{id}' AND email IS NULL AND phone IS NULL AND nik IS NULL \
                 AND password_hash = '' AND full_name = 'Pengguna terhapus' AND deleted_ms IS NOT NULL AND legal_hold = 0"
            ))
            .await,
            1
        );
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM sessions WHERE user_id = '{id}'")).await, 0);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM applications WHERE applicant_id = '{id}'")).await, 0);
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM queue_appointments WHERE id = '{appointment}' AND status = 'cancelled'")).await,
            1
        );
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM queue_slot_seats WHERE appointment_id = '{appointment}'")).await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM announcement_subscriptions WHERE id IN ('sub-a', 'sub-b')").await, 0);
        // The audit entry names the account, not the person.
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'account.deleted' AND subject = 'user:{id}' \
                 AND detail NOT LIKE '%{}%' AND detail NOT LIKE '%example.id%'",
                nik(22)
            ))
            .await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn deletion_with_issued_documents_keeps_name_and_nik_under_legal_hold() {
    on_both(async |app| {
        app.load_demo().await;
        let (web, api, email, id) = new_citizen(app, 23).await;
        let (application, _) = submitted_sktm(app, &web).await;
        issue(app, &application).await;
        let data = export(&api).await;
        assert_eq!(data["legal_hold"]["applies"], true);
        assert_eq!(data["legal_hold"]["kept_on_deletion"], json!(["full_name", "nik"]));
        let document_number = data["legal_hold"]["issued_documents"][0].as_str().expect("number").to_string();
        let page = web.text("/account/data").await;
        assert!(page.contains("data-testid=\"legal-hold\"") && page.contains(&document_number));
        let verify_path = web
            .text(&format!("/applications/{application}"))
            .await
            .split("href=\"/verify/")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .map(|id| format!("/verify/{id}"))
            .expect("verification link");

        let wrong = send(&api, Method::DELETE, "/api/v1/me", Some(json!({"password": "salah"}))).await;
        assert_eq!(wrong.status(), 422);
        let deleted = send(&api, Method::DELETE, "/api/v1/me", Some(json!({"password": PASSWORD}))).await;
        assert_eq!(deleted.status(), 200);
        let deleted: Value = deleted.json().await.expect("json");
        assert_eq!(deleted["legal_hold"], true);
        assert_eq!(send(&api, Method::GET, "/api/v1/me/data", None).await.status(), 401);
        assert_eq!(location(&web.get("/account").await), "/login?next=%2Faccount");
        let token = send(&app.api(), Method::POST, "/api/v1/auth/token", Some(json!({"login": nik(23), "password": PASSWORD}))).await;
        assert_eq!(token.status(), 422);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM users WHERE id = '{id}' AND email IS NULL AND phone IS NULL AND nik = '{}' \
                 AND full_name = 'Maria Fernandez' AND password_hash = '' AND legal_hold = 1 AND deleted_ms IS NOT NULL",
                nik(23)
            ))
            .await,
            1
        );
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM users WHERE email = '{email}'")).await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'account.deleted_with_hold'").await, 1);
        // The issued document still verifies.
        let verification = app.browser().text(&verify_path).await;
        assert!(verification.contains("Dokumen ini asli"), "{verification}");
    })
    .await;
}

#[tokio::test]
async fn staff_accounts_cannot_export_or_delete_through_the_citizen_self_service() {
    on_both(async |app| {
        app.load_demo().await;
        let web = app.browser();
        web.login_ok("verifikator.alak", DEMO_PASSWORD).await;
        assert!(!web.text("/account").await.contains("/account/data"));
        assert_eq!(web.get("/account/data").await.status(), 403);
        assert_eq!(web.get("/account/data/export").await.status(), 403);
        assert_eq!(
            web.post("/account/data/delete", &[("password", DEMO_PASSWORD), ("confirmation", "HAPUS")])
                .await
                .status(),
            403
        );
        let api = signed_in(app, "verifikator.alak").await;
        assert_eq!(send(&api, Method::GET, "/api/v1/me/data", None).await.status(), 403);
        assert_eq!(
            send(&api, Method::DELETE, "/api/v1/me", Some(json!({"password": DEMO_PASSWORD}))).await.status(),
            403
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM users WHERE username = 'verifikator.alak' AND deleted_ms IS NULL AND disabled = 0").await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn the_openapi_document_lists_the_personal_data_routes() {
    on_both(async |app| {
        let doc: Value = send(&app.api(), Method::GET, "/api/v1/openapi.json", None)
            .await
            .json()
            .await
            .expect("json");
        assert!(doc["paths"]["/api/v1/me/data"]["get"].is_object());
        // The deletion sits beside the accounts' own `GET /api/v1/me`.
        assert!(doc["paths"]["/api/v1/me"]["delete"].is_object());
        assert!(doc["paths"]["/api/v1/me"]["get"].is_object());
    })
    .await;
}

#[tokio::test]
async fn in_english_the_word_is_delete_and_the_messages_are_english() {
    on_both(async |app| {
        app.load_demo().await;
        let (web, _, _, id) = new_citizen(app, 24).await;
        assert_eq!(
            web.post("/lang", &[("lang", "en"), ("next", "/account/data")])
                .await
                .status(),
            303
        );
        let page = web.text("/account/data").await;
        assert!(page.contains("My personal data") && page.contains("Type DELETE to confirm."));
        let wrong = web
            .post(
                "/account/data/delete",
                &[("password", PASSWORD), ("confirmation", "REMOVE")],
            )
            .await;
        assert_eq!(wrong.status(), 422);
        let wrong = wrong.text().await.expect("text");
        assert!(
            wrong.contains("Type the word DELETE to confirm the deletion.")
                && wrong.contains("value=\"REMOVE\"")
        );
        let deleted = web
            .post(
                "/account/data/delete",
                &[("password", PASSWORD), ("confirmation", "DELETE")],
            )
            .await;
        assert_eq!(location(&deleted), "/account/deleted");
        assert!(
            web.text("/account/deleted")
                .await
                .contains("Your account has been deleted")
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM users WHERE id = '{id}' AND deleted_ms IS NOT NULL"
            ))
            .await,
            1
        );
    })
    .await;
}
