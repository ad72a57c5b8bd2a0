//! The shell: operations routes, language, errors, security headers, CSRF, limits.

use crate::support::{Backend, on_both, run_on};

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    on_both(async |app| {
        let web = app.browser();
        assert_eq!(web.get("/healthz").await.status(), 200);
        assert_eq!(web.text("/readyz").await, "ready");
        web.get("/login").await;
        let metrics = web.text("/metrics").await;
        assert!(metrics.contains("sigap_http_requests_total"), "{metrics}");
        assert!(
            metrics.contains("route=\"/login\""),
            "route templates are labelled"
        );
        assert!(metrics.contains("sigap_db_pool_connections"));
        assert!(metrics.contains("sigap_outbox_backlog"));
    })
    .await;
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_csrf_cookie() {
    on_both(async |app| {
        let response = app.browser().get("/").await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().expect("ascii");
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "same-origin");
        let cookie = headers["set-cookie"].to_str().expect("ascii");
        assert!(
            cookie.starts_with("sigap_csrf=")
                && cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
        );
        assert_eq!(
            headers["cache-control"], "private, no-store",
            "a response that sets a cookie is never cached"
        );
    })
    .await;
}

#[tokio::test]
async fn unknown_pages_get_a_404_page_in_the_chosen_language() {
    on_both(async |app| {
        let web = app.browser();
        let response = web.get("/no/such/page").await;
        assert_eq!(response.status(), 404);
        let body = response.text().await.expect("text");
        assert!(
            body.contains("Halaman tidak ditemukan"),
            "Indonesian by default"
        );
        let switched = web
            .post("/lang", &[("lang", "en"), ("next", "/no/such/page")])
            .await;
        assert_eq!(switched.status(), 303);
        assert_eq!(crate::support::location(&switched), "/no/such/page");
        let body = web.text("/no/such/page").await;
        assert!(
            body.contains("Page not found") && body.contains("lang=\"en\""),
            "English remembered"
        );
        // The API answers errors as JSON.
        let api = app
            .api()
            .request(reqwest::Method::GET, "/api/v1/nothing")
            .send()
            .await
            .expect("send");
        assert_eq!(api.status(), 404);
        let json: serde_json::Value = api.json().await.expect("json");
        assert_eq!(json["error"]["code"], "error.not_found");
    })
    .await;
}

#[tokio::test]
async fn a_form_without_or_with_a_stale_csrf_token_is_refused_but_its_values_are_kept() {
    on_both(async |app| {
        let web = app.browser();
        web.get("/register").await;
        let fields = [
            ("full_name", "Yakobus Laka"),
            ("nik", "5371011508850009"),
            ("email", "yakobus@example.id"),
            ("password", "Senja-di-Alak-2026"),
            ("password_confirm", "Senja-di-Alak-2026"),
            ("consent", "yes"),
        ];
        for token in [None, Some("stale-token-from-an-old-page")] {
            let mut form = fields.to_vec();
            if let Some(token) = token {
                form.push(("csrf_token", token));
            }
            let response = web.post_raw("/register", &form).await;
            assert_eq!(response.status(), 403);
            let body = response.text().await.expect("text");
            assert!(
                body.contains("Kirim ulang formulir"),
                "offers to send again"
            );
            assert!(
                body.contains("value=\"Yakobus Laka\"")
                    && body.contains("value=\"5371011508850009\""),
                "typed values kept"
            );
            assert!(
                !body.contains("Senja-di-Alak-2026"),
                "passwords are never echoed"
            );
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM users").await,
            0,
            "nothing was registered"
        );
        // Sending again from that page (with the fresh token) works once the password is typed.
        let response = web.post("/register", &fields).await;
        assert_eq!(response.status(), 303);
    })
    .await;
}

#[tokio::test]
async fn an_oversized_body_gets_a_413_page() {
    on_both(async |app| {
        let web = app.browser();
        let big = "x".repeat(2 * 1024 * 1024);
        let response = web.post("/register", &[("full_name", &big)]).await;
        assert_eq!(response.status(), 413);
        assert!(
            response
                .text()
                .await
                .expect("text")
                .contains("Data terlalu besar")
        );
        assert_eq!(
            web.get("/healthz").await.status(),
            200,
            "server stays healthy"
        );
    })
    .await;
}

#[tokio::test]
async fn static_assets_manifest_and_service_worker_are_served_with_etags() {
    on_both(async |app| {
        let web = app.browser();
        let css = web.get("/static/sigap.css").await;
        assert_eq!(css.status(), 200);
        let etag = css.headers()["etag"].to_str().expect("ascii").to_string();
        let again = web
            .client
            .get(web.url("/static/sigap.css"))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("send");
        assert_eq!(again.status(), 304);
        let manifest: serde_json::Value = web
            .get("/manifest.webmanifest")
            .await
            .json()
            .await
            .expect("manifest is JSON");
        assert_eq!(manifest["start_url"], "/");
        assert!(manifest["icons"].as_array().is_some_and(|i| i.len() >= 2));
        let sw = web.get("/sw.js").await;
        assert_eq!(sw.headers()["service-worker-allowed"], "/");
        assert!(
            web.text("/static/offline.html")
                .await
                .contains("You are offline")
        );
    })
    .await;
}

#[tokio::test]
async fn when_the_database_goes_away_pages_answer_503_and_readyz_turns_503() {
    // SQLite: the pools close (the embedded file cannot vanish from under open handles).
    run_on(Backend::Sqlite, &async |app: &crate::support::TestApp| {
        let web = app.browser();
        web.get("/").await;
        app.state.db.read.close().await;
        app.state.db.write.close().await;
        assert_eq!(web.get("/readyz").await.status(), 503);
        let page = web.get("/login").await;
        assert_eq!(
            web.get("/healthz").await.status(),
            200,
            "the process still answers"
        );
        let _ = page;
        let response = web
            .register(
                "Maria Tefa",
                &crate::support::nik(7),
                "maria@example.id",
                "",
                "Lontar-Rote-2026",
            )
            .await;
        assert_eq!(response.status(), 503);
        assert!(
            response
                .text()
                .await
                .expect("text")
                .contains("Basis data sedang tidak dapat dihubungi")
        );
    })
    .await;
}

#[tokio::test]
async fn when_postgresql_refuses_connections_requests_get_503_and_service_resumes_after() {
    use sqlx::Executor as _;
    if !crate::support::postgres_required().await {
        return;
    }
    run_on(Backend::Postgres, &async |app: &crate::support::TestApp| {
        let web = app.browser();
        web.get("/").await;
        let name = app.pg_database.clone().expect("a PostgreSQL test database");
        let mut admin = crate::support::postgres_admin().await.expect("admin connection");
        admin.execute(format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false").as_str()).await.expect("alter");
        admin
            .execute(format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'").as_str())
            .await
            .expect("terminate");
        assert_eq!(web.get("/readyz").await.status(), 503);
        let response = web.register("Maria Tefa", &crate::support::nik(8), "maria.t@example.id", "", "Lontar-Rote-2026").await;
        assert_eq!(response.status(), 503);
        assert!(response.text().await.expect("text").contains("tidak dapat dihubungi"));
        admin.execute(format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true").as_str()).await.expect("alter back");
        assert_eq!(web.get("/readyz").await.status(), 200, "the pool reconnects");
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0, "the failed registration left nothing behind");
    })
    .await;
}
