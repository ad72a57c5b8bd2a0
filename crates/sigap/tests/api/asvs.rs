//! Gaps the ASVS level 2 review (docs/security/asvs-l2.md) found, closed and kept closed: no
//! open redirect after signing in, no login identifier in a URL after "forgot password", no
//! forged fields in the log through a client's request id, sessions that end on time.
//!
//! Time limits are tested without waiting: the test moves a session's instants back in the
//! database, then the next request shows whether the server still honours it.

use reqwest::Method;

use crate::support::{DEMO_PASSWORD, location, on_both, reset_code, send};

const YULIANA: &str = "5371014107900001";

#[tokio::test]
async fn signing_in_never_sends_the_browser_to_another_site() {
    on_both(async |app| {
        app.load_demo().await;
        // A tab or newline inside the path is dropped by browsers: "/\t/evil" is "//evil".
        for next in [
            "/\t/evil.example",
            "/\n/evil.example",
            "//evil.example",
            "/account\r\nX: y",
        ] {
            let web = app.browser();
            let response = web
                .post(
                    "/login",
                    &[
                        ("login", YULIANA),
                        ("password", DEMO_PASSWORD),
                        ("next", next),
                    ],
                )
                .await;
            assert_eq!(response.status(), 303, "{next:?}");
            assert_eq!(location(&response), "/account", "{next:?} is not followed");
        }
        let web = app.browser();
        let response = web
            .post(
                "/login",
                &[
                    ("login", YULIANA),
                    ("password", DEMO_PASSWORD),
                    ("next", "/applications"),
                ],
            )
            .await;
        assert_eq!(
            location(&response),
            "/applications",
            "a local path is followed"
        );
    })
    .await;
}

#[tokio::test]
async fn asking_for_a_reset_code_keeps_the_login_out_of_every_url() {
    on_both(async |app| {
        app.load_demo().await;
        let web = app.browser();
        let response = web.post("/password/forgot", &[("login", YULIANA)]).await;
        assert_eq!(
            response.status(),
            200,
            "the reset page is the answer, no redirect"
        );
        assert!(response.headers().get("location").is_none());
        let html = response.text().await.expect("page");
        assert!(
            html.contains("action=\"/password/reset\""),
            "the reset form"
        );
        assert!(
            html.contains(&format!("value=\"{YULIANA}\"")),
            "the login is filled in"
        );
    })
    .await;
}

#[tokio::test]
async fn a_clients_request_id_is_kept_only_when_it_is_plain() {
    on_both(async |app| {
        let client = reqwest::Client::new();
        let id_of = async |sent: &str| {
            client
                .get(format!("{}/healthz", app.base))
                .header("x-request-id", sent)
                .send()
                .await
                .expect("request")
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(id_of("trace-2026.12_02").await, "trace-2026.12_02");
        for forged in ["x level=ERROR msg=\"forged\"", &"a".repeat(65), "id;drop"] {
            let answered = id_of(forged).await;
            assert_ne!(answered, forged);
            assert_eq!(
                answered.len(),
                36,
                "a fresh UUID instead of {forged:?}: {answered}"
            );
        }
    })
    .await;
}

#[test]
fn help_never_prints_the_passwords_in_the_environment() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sigap"))
        .args(["serve", "--help"])
        .env(
            "SIGAP_DATABASE_URL",
            "postgres://sigap:Rahasia-DB-1@db.internal/sigap",
        )
        .env(
            "SIGAP_SMTP_URL",
            "smtps://sigap:Rahasia-Mail-2@mail.internal:465",
        )
        .env(
            "SIGAP_SMS_GATEWAY_URL",
            "https://gw.internal/send?key=Rahasia-SMS-3",
        )
        .env("SIGAP_SMS_GATEWAY_TOKEN", "Rahasia-Token-4")
        .output()
        .expect("runs");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("SIGAP_DATABASE_URL"), "{help}");
    for secret in [
        "Rahasia-DB-1",
        "Rahasia-Mail-2",
        "Rahasia-SMS-3",
        "Rahasia-Token-4",
    ] {
        assert!(!help.contains(secret), "{secret} printed by --help");
    }
}

const MINUTE_MS: i64 = 60 * 1000;
const HOUR_MS: i64 = 60 * MINUTE_MS;

#[tokio::test]
async fn a_web_session_ends_after_30_idle_minutes_and_every_session_12_hours_after_sign_in() {
    on_both(async |app| {
        app.load_demo().await;
        let signed_in = async |web: &crate::support::Browser| {
            let response = web.get("/account").await;
            match response.status().as_u16() {
                200 => true,
                303 => {
                    assert!(location(&response).starts_with("/login"));
                    false
                }
                other => panic!("/account answered {other}"),
            }
        };
        let idle_for = async |minutes: i64| {
            let ms = minutes * MINUTE_MS;
            app.sql(&format!(
                "UPDATE sessions SET last_seen_ms = last_seen_ms - {ms}, expires_ms = expires_ms - {ms} \
                 WHERE kind = 'web'"
            ))
            .await;
        };

        // Idle limit: 29 quiet minutes keep the session (and the request slides it on),
        // 31 end it.
        let web = app.browser();
        web.login_ok(YULIANA, DEMO_PASSWORD).await;
        assert!(signed_in(&web).await);
        idle_for(29).await;
        assert!(signed_in(&web).await, "29 idle minutes keep the session");
        idle_for(29).await;
        assert!(signed_in(&web).await, "the last request slid the idle limit");
        idle_for(31).await;
        assert!(!signed_in(&web).await, "31 idle minutes end the session");

        // Absolute limit: however busy, a session ends 12 hours after sign-in, and using it
        // never pushes its expiry past that.
        app.sql("DELETE FROM sessions").await;
        let web = app.browser();
        web.login_ok(YULIANA, DEMO_PASSWORD).await;
        let signed_in_ago = (12 * HOUR_MS) - (2 * MINUTE_MS);
        app.sql(&format!(
            "UPDATE sessions SET created_ms = created_ms - {signed_in_ago}, \
             last_seen_ms = last_seen_ms - {}",
            2 * MINUTE_MS
        ))
        .await;
        assert!(signed_in(&web).await, "11 h 58 min after sign-in");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM sessions WHERE expires_ms > created_ms + {}",
                12 * HOUR_MS
            ))
            .await,
            0,
            "a request never extends a session beyond 12 hours"
        );
        app.sql(&format!(
            "UPDATE sessions SET created_ms = created_ms - {}",
            3 * MINUTE_MS
        ))
        .await;
        assert!(!signed_in(&web).await, "12 h 1 min after sign-in");

        // API tokens: 12 hours, and the answer says so.
        let api = app.api();
        let response = send(
            &api,
            Method::POST,
            "/api/v1/auth/token",
            Some(serde_json::json!({"login": YULIANA, "password": DEMO_PASSWORD})),
        )
        .await;
        assert_eq!(response.status(), 201);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["expires_in"], 12 * 3600, "{body}");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM sessions WHERE kind = 'api' AND expires_ms = created_ms + {}",
                12 * HOUR_MS
            ))
            .await,
            1,
            "the stored expiry matches expires_in"
        );
        let mut api = app.api();
        api.token = Some(body["token"].as_str().expect("token").to_string());
        assert_eq!(send(&api, Method::GET, "/api/v1/me", None).await.status(), 200);
        app.sql(&format!(
            "UPDATE sessions SET created_ms = created_ms - {} WHERE kind = 'api'",
            12 * HOUR_MS + MINUTE_MS
        ))
        .await;
        assert_eq!(
            send(&api, Method::GET, "/api/v1/me", None).await.status(),
            401,
            "a token older than 12 hours is refused"
        );
    })
    .await;
}

#[tokio::test]
async fn passwords_need_12_characters_and_common_ones_are_refused_even_with_digits_added() {
    on_both(async |app| {
        let web = app.browser();
        assert!(web.text("/register").await.contains("Minimal 12 karakter"));
        let register = async |password: &str| {
            web.post(
                "/register",
                &[
                    ("full_name", "Yohanes Bria"),
                    ("nik", &crate::support::nik(31)),
                    ("phone", "081234567831"),
                    ("password", password),
                    ("password_confirm", password),
                    ("consent", "yes"),
                ],
            )
            .await
        };
        let response = register("Sabu-Raijua").await;
        assert_eq!(response.status(), 422, "11 characters");
        assert!(
            response
                .text()
                .await
                .expect("page")
                .contains("Kata sandi minimal 12 karakter")
        );
        // From the embedded top-10,000 list, and a listed word with digits or punctuation added.
        for common in [
            "1q2w3e4r5t6y",
            "qazwsxedcrfv",
            "Sunshine2026!",
            "Rahasia12345",
        ] {
            let response = register(common).await;
            assert_eq!(response.status(), 422, "{common}");
            assert!(
                response
                    .text()
                    .await
                    .expect("page")
                    .contains("terlalu mudah ditebak"),
                "{common}"
            );
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
        assert_eq!(
            register("Sabu-Raijua!").await.status(),
            303,
            "12 characters"
        );

        let english = app.browser();
        english
            .post("/lang", &[("lang", "en"), ("next", "/register")])
            .await;
        assert!(
            english
                .text("/register")
                .await
                .contains("At least 12 characters")
        );
    })
    .await;
}

#[tokio::test]
async fn reset_codes_live_10_minutes_and_a_sent_or_abandoned_message_keeps_no_text() {
    on_both(async |app| {
        app.load_demo().await;
        let web = app.browser();
        let response = web.post("/password/forgot", &[("login", YULIANA)]).await;
        assert!(
            response
                .text()
                .await
                .expect("page")
                .contains("Kode berlaku 10 menit")
        );
        let mail = app
            .wait_for_email(|m| m["to"] == "yuliana.ndun@example.id")
            .await;
        let body = mail["body"].as_str().expect("body");
        assert!(body.contains("Berlaku 10 menit"), "{body}");
        let code = reset_code(&mail);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM password_resets \
                 WHERE expires_ms - created_ms BETWEEN {} AND {}",
                10 * MINUTE_MS - 5_000,
                10 * MINUTE_MS
            ))
            .await,
            1,
            "the code is stored to expire 10 minutes after it was made"
        );

        // Once handed over, the email's text (with the code) is gone from the outbox.
        let delivered =
            "SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND status = 'delivered'";
        assert!(app.wait_for_count(delivered, |n| n > 0).await > 0);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM outbox WHERE body LIKE '%{code}%' OR (channel <> 'in_app' \
                 AND status IN ('delivered', 'dead') AND body <> '')"
            ))
            .await,
            0
        );
        // The code still works: only its hash was needed.
        let password = "Sasando-Rote-2026";
        let done = web.reset_password(YULIANA, &code, password).await;
        assert_eq!(done.status(), 303);

        // A message given up after the last attempt keeps no text either.
        let mut tx = app.state.db.begin().await.expect("tx");
        platform::outbox::enqueue(
            &mut tx,
            platform::outbox::Message {
                channel: platform::outbox::Channel::Sms,
                user_id: None,
                address: None,
                subject: "Tak terkirim",
                body: "Kode rahasia 424242",
            },
        )
        .await
        .expect("enqueue");
        sqlx::query("UPDATE outbox SET attempts = 7 WHERE subject = 'Tak terkirim'")
            .execute(&mut *tx)
            .await
            .expect("last attempt next");
        tx.commit().await.expect("commit");
        app.state.outbox_signal.notify_one();
        let dead = "SELECT COUNT(*) FROM outbox WHERE subject = 'Tak terkirim' AND status = 'dead'";
        assert_eq!(
            app.wait_for_count(dead, |n| n == 1).await,
            1,
            "given up after the last attempt"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM outbox WHERE subject = 'Tak terkirim' AND body = ''")
                .await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn whoever_verified_an_application_cannot_also_approve_it() {
    on_both(async |app| {
        app.load_demo().await;
        // The verifier also becomes a signer of the same agency.
        let mut admin = app.api();
        admin.sign_in("admin.sigap", DEMO_PASSWORD).await;
        let verifier_id: String =
            sqlx::query_scalar("SELECT id FROM users WHERE username = 'verifikator.alak'")
                .fetch_one(&app.state.db.read)
                .await
                .expect("verifier");
        let granted = send(
            &admin,
            Method::POST,
            &format!("/api/v1/staff/{verifier_id}/roles"),
            Some(serde_json::json!({"role": "signer", "agency_code": "kec-alak"})),
        )
        .await;
        assert_eq!(granted.status(), 204);

        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        let (id, _) = crate::applications::submitted_sktm(app, &citizen).await;
        let verifier = app.browser();
        verifier
            .login_ok("verifikator.alak", DEMO_PASSWORD)
            .await;
        let url = format!("/office/applications/{id}");
        for action in ["claim", "verify"] {
            let response = verifier
                .post(&format!("{url}/actions"), &[("action", action)])
                .await;
            assert_eq!(response.status(), 303, "{action}");
        }
        let page = verifier.text(&url).await;
        assert!(
            !page.contains("value=\"approve\""),
            "no approve button for the verifier"
        );
        assert!(
            page.contains("value=\"send_back\""),
            "sending back stays possible"
        );
        let refused = verifier
            .post(&format!("{url}/actions"), &[("action", "approve")])
            .await;
        assert_eq!(refused.status(), 403);
        let mut api = app.api();
        api.sign_in("verifikator.alak", DEMO_PASSWORD).await;
        let detail: serde_json::Value =
            send(&api, Method::GET, &format!("/api/v1/office/applications/{id}"), None)
                .await
                .json()
                .await
                .expect("json");
        assert!(
            detail["actions"]
                .as_array()
                .is_some_and(|a| !a.contains(&serde_json::json!("approve"))),
            "{detail}"
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM applications WHERE id = '{id}' AND status = 'awaiting_signature'"
            ))
            .await,
            1,
            "nothing changed"
        );

        // A second person signs.
        let signer = app.browser();
        signer.login_ok("camat.alak", DEMO_PASSWORD).await;
        let approved = signer
            .post(&format!("{url}/actions"), &[("action", "approve")])
            .await;
        assert_eq!(approved.status(), 303);
    })
    .await;
}

#[tokio::test]
async fn personal_pages_are_never_cached_but_public_ones_keep_their_caching() {
    on_both(async |app| {
        app.load_demo().await;
        let cache_control = |response: &reqwest::Response| {
            response
                .headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let web = app.browser();
        let first = web.get("/").await;
        assert!(
            first.headers().get("set-cookie").is_some(),
            "the CSRF cookie"
        );
        assert_eq!(
            cache_control(&first),
            "private, no-store",
            "a response that sets a cookie"
        );
        web.login_ok(YULIANA, DEMO_PASSWORD).await;
        for path in ["/account", "/applications", "/"] {
            let response = web.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(cache_control(&response), "private, no-store", "{path}");
        }
        let mut api = app.api();
        api.sign_in(YULIANA, DEMO_PASSWORD).await;
        let me = send(&api, Method::GET, "/api/v1/me", None).await;
        assert_eq!(me.status(), 200);
        assert_eq!(cache_control(&me), "private, no-store", "the API too");

        // What chose its own caching keeps it, signed in or not.
        let css = web.get("/static/sigap.css").await;
        assert_eq!(cache_control(&css), "public, max-age=86400");
        let feed = web.get("/feeds/announcements.atom").await;
        assert_eq!(feed.status(), 200);
        let feed_caching = cache_control(&feed);
        assert!(
            feed_caching.contains("public") && !feed_caching.contains("no-store"),
            "{feed_caching}"
        );

        let logout = web.post("/logout", &[]).await;
        assert_eq!(logout.status(), 303);
        assert_eq!(cache_control(&logout), "private, no-store");
    })
    .await;
}

#[tokio::test]
async fn a_revoked_role_stops_working_on_the_next_request_of_the_same_session() {
    on_both(async |app| {
        app.load_demo().await;
        let verifier = app.browser();
        verifier.login_ok("verifikator.alak", DEMO_PASSWORD).await;
        assert_eq!(verifier.get("/office").await.status(), 200);
        let mut admin = app.api();
        admin.sign_in("admin.sigap", DEMO_PASSWORD).await;
        let id: String =
            sqlx::query_scalar("SELECT id FROM users WHERE username = 'verifikator.alak'")
                .fetch_one(&app.state.db.read)
                .await
                .expect("verifier");
        let revoked = send(
            &admin,
            Method::DELETE,
            &format!("/api/v1/staff/{id}/roles/verifier/kec-alak"),
            None,
        )
        .await;
        assert_eq!(revoked.status(), 204);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM sessions WHERE user_id = '{id}'"
            ))
            .await,
            1,
            "the session lives on"
        );
        assert_eq!(
            verifier.get("/office").await.status(),
            403,
            "but grants are read per request"
        );
    })
    .await;
}

#[tokio::test]
async fn account_holders_are_told_by_email_of_a_reset_an_admin_reset_and_role_changes() {
    on_both(async |app| {
        app.load_demo().await;
        let mail_to = async |to: &str, subject: &str| {
            app.wait_for_email(|m| m["to"] == to && m["subject"] == subject)
                .await
        };
        // A completed reset: by email, not only in the app the person may no longer reach.
        let web = app.browser();
        web.post("/password/forgot", &[("login", YULIANA)]).await;
        let mail = mail_to("yuliana.ndun@example.id", "Kode ganti kata sandi Sigap").await;
        let code = reset_code(&mail);
        let password = "Sasando-Rote-2026";
        let done = web.reset_password(YULIANA, &code, password).await;
        assert_eq!(done.status(), 303);
        mail_to("yuliana.ndun@example.id", "Kata sandi Anda telah diganti").await;

        // A staff account with an email: role granted, revoked, password reset by an admin.
        let mut admin = app.api();
        admin.sign_in("admin.sigap", DEMO_PASSWORD).await;
        let created = send(
            &admin,
            Method::POST,
            "/api/v1/staff",
            Some(
                serde_json::json!({"full_name": "Petrus Kase", "username": "petrus.kase",
                "email": "petrus@example.id", "role": "verifier", "agency_code": "kec-alak"}),
            ),
        )
        .await;
        assert_eq!(created.status(), 201);
        let created: serde_json::Value = created.json().await.expect("json");
        let id = created["user_id"].as_str().expect("id");
        let grant = send(
            &admin,
            Method::POST,
            &format!("/api/v1/staff/{id}/roles"),
            Some(serde_json::json!({"role": "signer", "agency_code": "kec-alak"})),
        )
        .await;
        assert_eq!(grant.status(), 204);
        let granted = mail_to("petrus@example.id", "Peran baru di akun Anda").await;
        assert!(
            granted["body"]
                .as_str()
                .is_some_and(|b| b.contains("Penandatangan") && b.contains("kec-alak")),
            "{granted}"
        );
        let revoke = send(
            &admin,
            Method::DELETE,
            &format!("/api/v1/staff/{id}/roles/signer/kec-alak"),
            None,
        )
        .await;
        assert_eq!(revoke.status(), 204);
        mail_to("petrus@example.id", "Peran dicabut dari akun Anda").await;
        let superadmin = app.browser();
        superadmin.login_ok("admin.sigap", DEMO_PASSWORD).await;
        let reset = superadmin
            .post(&format!("/admin/users/{id}/password"), &[])
            .await;
        assert_eq!(reset.status(), 200);
        let told = mail_to("petrus@example.id", "Kata sandi Anda diganti oleh admin").await;
        let page = reset.text().await.expect("page");
        let temporary = page
            .split("data-testid=\"temporary-password\">")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .expect("temporary password shown");
        assert!(
            told["body"]
                .as_str()
                .is_some_and(|b| !b.is_empty() && !b.contains(temporary)),
            "the notice never carries the temporary password"
        );
        // Each also in the app.
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM outbox WHERE user_id = '{id}' AND channel = 'in_app'"
            ))
            .await,
            3
        );
    })
    .await;
}

#[test]
fn release_builds_check_arithmetic_for_overflow() {
    let manifest = include_str!("../../../../Cargo.toml");
    let release = manifest
        .split("[profile.release]")
        .nth(1)
        .expect("a [profile.release] section");
    let section = release.split("\n[").next().unwrap_or_default();
    assert!(
        section
            .lines()
            .any(|l| l.replace(' ', "") == "overflow-checks=true"),
        "{section}"
    );
}
