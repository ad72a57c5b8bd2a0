//! The JSON API: bearer tokens, registration with field errors, roles, the OpenAPI document.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{DEMO_PASSWORD, nik, on_both};

#[tokio::test]
async fn api_register_sign_in_me_and_sign_out() {
    on_both(async |app| {
        let mut api = app.api();
        let response = api
            .request(Method::POST, "/api/v1/citizens")
            .json(&json!({"full_name": "Yohanes Bria", "nik": nik(2), "phone": "081234560002",
                          "password": "Kapal-Tenau-2026", "password_confirm": "Kapal-Tenau-2026", "consent": "yes"}))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 201);
        api.sign_in(&nik(2), "Kapal-Tenau-2026").await;
        let me: Value = api.request(Method::GET, "/api/v1/me").send().await.expect("send").json().await.expect("json");
        assert_eq!(me["full_name"], "Yohanes Bria");
        assert_eq!(me["kind"], "citizen");
        assert_eq!(api.request(Method::DELETE, "/api/v1/auth/token").send().await.expect("send").status(), 204);
        let after = api.request(Method::GET, "/api/v1/me").send().await.expect("send");
        assert_eq!(after.status(), 401);
        assert_eq!(after.headers()["www-authenticate"], "Bearer");
    })
    .await;
}

#[tokio::test]
async fn api_field_errors_come_all_at_once_in_the_asked_language() {
    on_both(async |app| {
        let api = app.api();
        let response = api
            .request(Method::POST, "/api/v1/citizens")
            .header("accept-language", "en-US,en;q=0.9")
            .json(&json!({"full_name": "", "nik": "5371017207900001", "password": "short"}))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 422);
        let body: Value = response.json().await.expect("json");
        let fields: Vec<&str> = body["error"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|f| f["field"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(fields, ["full_name", "nik", "email", "password", "consent"]);
        assert_eq!(
            body["error"]["fields"][1]["code"],
            "accounts.nik_birth_date"
        );
        assert!(
            body["error"]["fields"][1]["message"]
                .as_str()
                .expect("message")
                .starts_with("The birth date")
        );
        // Malformed JSON is a clear 4xx, not a crash.
        let response = api
            .request(Method::POST, "/api/v1/citizens")
            .header("content-type", "application/json")
            .body("{")
            .send()
            .await
            .expect("send");
        assert!(response.status().is_client_error());
        let body: Value = response.json().await.expect("json error body");
        assert!(body["error"]["code"].is_string());
    })
    .await;
}

#[tokio::test]
async fn api_staff_management_needs_a_superadmin() {
    on_both(async |app| {
        app.load_demo().await;
        let anonymous = app.api();
        assert_eq!(anonymous.request(Method::POST, "/api/v1/staff").json(&json!({})).send().await.expect("send").status(), 401);
        let mut verifier = app.api();
        verifier.sign_in("verifikator.alak", DEMO_PASSWORD).await;
        let staff = json!({"full_name": "Petrus Kase", "username": "petrus.kase", "role": "verifier", "agency_code": "kec-alak"});
        assert_eq!(verifier.request(Method::POST, "/api/v1/staff").json(&staff).send().await.expect("send").status(), 403);
        let mut admin = app.api();
        admin.sign_in("admin.sigap", DEMO_PASSWORD).await;
        let response = admin.request(Method::POST, "/api/v1/staff").json(&staff).send().await.expect("send");
        assert_eq!(response.status(), 201);
        let created: Value = response.json().await.expect("json");
        let id = created["user_id"].as_str().expect("id");
        let response = admin
            .request(Method::POST, &format!("/api/v1/staff/{id}/roles"))
            .json(&json!({"role": "signer", "agency_code": "kec-alak"}))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 204);
        let mut petrus = app.api();
        petrus.sign_in("petrus.kase", created["temporary_password"].as_str().expect("password")).await;
        let me: Value = petrus.request(Method::GET, "/api/v1/me").send().await.expect("send").json().await.expect("json");
        let roles: Vec<&str> = me["roles"].as_array().expect("roles").iter().map(|r| r["role"].as_str().unwrap_or("")).collect();
        assert_eq!(roles, ["signer", "verifier"]);
        let response = admin.request(Method::DELETE, &format!("/api/v1/staff/{id}/roles/signer/kec-alak")).send().await.expect("send");
        assert_eq!(response.status(), 204);
        let agencies: Value = anonymous.request(Method::GET, "/api/v1/agencies").send().await.expect("send").json().await.expect("json");
        assert_eq!(agencies.as_array().expect("list").len(), 20);
        assert_eq!(agencies[0]["code"], "pemkot-kupang");
        assert_eq!(agencies[0]["depth"], 0);
    })
    .await;
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_route() {
    on_both(async |app| {
        let doc: Value = app
            .api()
            .request(Method::GET, "/api/v1/openapi.json")
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
        let paths = doc["paths"].as_object().expect("paths");
        for path in [
            "/api/v1/auth/token",
            "/api/v1/me",
            "/api/v1/citizens",
            "/api/v1/password-resets",
            "/api/v1/password-resets/confirm",
            "/api/v1/agencies",
            "/api/v1/notifications",
            "/api/v1/staff",
            "/api/v1/staff/{id}/roles",
            "/api/v1/staff/{id}/roles/{role}/{agency_code}",
            "/api/v1/audit/verify",
        ] {
            assert!(paths.contains_key(path), "{path} documented");
        }
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    })
    .await;
}
