//! Staff accounts, roles and agencies: what each role sees, and what only a superadmin may do.

use crate::support::{DEMO_PASSWORD, location, on_both};

#[tokio::test]
async fn each_staff_member_sees_the_navigation_of_their_role() {
    on_both(async |app| {
        app.load_demo().await;
        let admin = app.browser();
        admin.login_ok("admin.sigap", DEMO_PASSWORD).await;
        let page = admin.text("/account").await;
        for link in [
            "href=\"/admin/users\"",
            "href=\"/admin/agencies\"",
            "href=\"/admin/audit\"",
        ] {
            assert!(page.contains(link), "superadmin sees {link}");
        }
        assert!(page.contains("Superadmin") && page.contains("Pemerintah Kota Kupang"));

        let verifier = app.browser();
        verifier.login_ok("verifikator.alak", DEMO_PASSWORD).await;
        let page = verifier.text("/account").await;
        assert!(
            page.contains("Verifikator") && page.contains("Kecamatan Alak"),
            "role and agency shown"
        );
        assert!(
            !page.contains("href=\"/admin/users\""),
            "no admin links for a verifier"
        );
        assert!(
            !page.contains("href=\"/register\""),
            "signed-in people are not offered registration"
        );
    })
    .await;
}

#[tokio::test]
async fn admin_pages_are_refused_to_everyone_but_a_superadmin() {
    on_both(async |app| {
        app.load_demo().await;
        let anonymous = app.browser();
        let response = anonymous.get("/admin/users").await;
        assert_eq!(response.status(), 303);
        assert!(location(&response).starts_with("/login?next="));

        let citizen = app.browser();
        citizen.login_ok("5371014107900001", DEMO_PASSWORD).await;
        let leader = app.browser();
        leader.login_ok("pimpinan.kota", DEMO_PASSWORD).await;
        for who in [&citizen, &leader] {
            for path in [
                "/admin/users",
                "/admin/users/new",
                "/admin/agencies",
                "/admin/audit",
            ] {
                let response = who.get(path).await;
                assert_eq!(response.status(), 403, "{path}");
                assert!(
                    response
                        .text()
                        .await
                        .expect("text")
                        .contains("Akses ditolak")
                );
            }
            let response = who
                .post(
                    "/admin/users/new",
                    &[
                        ("full_name", "Penyusup"),
                        ("username", "penyusup"),
                        ("role", "superadmin"),
                        ("agency_code", "pemkot-kupang"),
                    ],
                )
                .await;
            assert_eq!(response.status(), 403);
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM users WHERE username = 'penyusup'")
                .await,
            0
        );
    })
    .await;
}

#[tokio::test]
async fn a_superadmin_creates_a_staff_account_that_can_sign_in_and_manages_its_roles() {
    on_both(async |app| {
        app.load_demo().await;
        let admin = app.browser();
        admin.login_ok("admin.sigap", DEMO_PASSWORD).await;

        // Bad input: every problem, values kept.
        let response = admin
            .post("/admin/users/new", &[("full_name", "Petrus Kase"), ("username", "P!"), ("email", "not-an-email"), ("role", "verifier"), ("agency_code", "kel-alak")])
            .await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.expect("text");
        assert!(body.contains("Nama pengguna 3–40 karakter") && body.contains("Tulis alamat email dengan benar"));
        assert!(body.contains("value=\"Petrus Kase\""));
        assert!(body.contains("<option value=\"kel-alak\" selected>"), "chosen agency kept");

        let response = admin
            .post("/admin/users/new", &[("full_name", "Petrus Kase"), ("username", "petrus.kase"), ("role", "verifier"), ("agency_code", "kel-alak")])
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["cache-control"], "no-store");
        let body = response.text().await.expect("text");
        let password = body
            .split("data-testid=\"temporary-password\">")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .expect("temporary password shown")
            .to_string();
        let staff = app.browser();
        staff.login_ok("petrus.kase", &password).await;
        assert!(staff.text("/account").await.contains("Kelurahan Alak"));

        let id: String = {
            use sqlx::Row as _;
            sqlx::query("SELECT id FROM users WHERE username = 'petrus.kase'")
                .fetch_one(&app.state.db.read)
                .await
                .expect("row")
                .get(0)
        };
        let response = admin.post(&format!("/admin/users/{id}/roles"), &[("role", "signer"), ("agency_code", "kel-alak")]).await;
        assert_eq!(response.status(), 303);
        assert!(staff.text("/account").await.contains("Penandatangan"), "a new role applies at once");
        let response = admin.post(&format!("/admin/users/{id}/roles/revoke"), &[("role", "signer"), ("agency_code", "kel-alak")]).await;
        assert_eq!(response.status(), 303);
        assert!(!staff.text("/account").await.contains("Penandatangan"));

        // Disabling ends the person's sessions at once.
        assert_eq!(admin.post(&format!("/admin/users/{id}/status"), &[("disabled", "1")]).await.status(), 303);
        assert_eq!(staff.get("/account").await.status(), 303);
        let response = app.browser().login("petrus.kase", &password).await;
        assert!(response.text().await.expect("text").contains("Akun ini dinonaktifkan"));
        for action in ["account.created", "role.granted", "role.revoked", "account.disabled"] {
            let n = app.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND subject = 'user:{id}'")).await;
            assert_eq!(n, 1, "{action} audited");
        }
    })
    .await;
}

#[tokio::test]
async fn the_last_superadmin_keeps_the_role() {
    on_both(async |app| {
        app.load_demo().await;
        let admin = app.browser();
        admin.login_ok("admin.sigap", DEMO_PASSWORD).await;
        let id: String = {
            use sqlx::Row as _;
            sqlx::query("SELECT id FROM users WHERE username = 'admin.sigap'")
                .fetch_one(&app.state.db.read)
                .await
                .expect("row")
                .get(0)
        };
        let response = admin
            .post(
                &format!("/admin/users/{id}/roles/revoke"),
                &[("role", "superadmin"), ("agency_code", "pemkot-kupang")],
            )
            .await;
        assert_eq!(response.status(), 409);
        assert!(
            response
                .text()
                .await
                .expect("text")
                .contains("Superadmin terakhir")
        );
        let response = admin
            .post(&format!("/admin/users/{id}/status"), &[("disabled", "1")])
            .await;
        assert_eq!(response.status(), 422);
        assert!(admin.text("/admin/users").await.contains("admin.sigap"));
    })
    .await;
}

#[tokio::test]
async fn a_superadmin_adds_an_agency_to_the_tree() {
    on_both(async |app| {
        app.load_demo().await;
        let admin = app.browser();
        admin.login_ok("admin.sigap", DEMO_PASSWORD).await;
        let tree = admin.text("/admin/agencies").await;
        assert!(
            tree.contains("53.71.01.1012") && tree.contains("Kelurahan Penkase Oeleta"),
            "Alak's 12 kelurahan"
        );
        let response = admin
            .post(
                "/admin/agencies",
                &[
                    ("code", "dinsos"),
                    ("name_id", "Dinas Sosial"),
                    ("kind", "dinas"),
                    ("parent_code", "pemkot-kupang"),
                ],
            )
            .await;
        assert_eq!(response.status(), 303);
        assert!(admin.text("/admin/agencies").await.contains("Dinas Sosial"));
        let response = admin
            .post(
                "/admin/agencies",
                &[
                    ("code", "dinsos"),
                    ("name_id", "Dinas Sosial Lagi"),
                    ("kind", "dinas"),
                ],
            )
            .await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.expect("text");
        assert!(
            body.contains("Kode ini sudah dipakai") && body.contains("value=\"Dinas Sosial Lagi\"")
        );
    })
    .await;
}

#[tokio::test]
async fn demo_data_loads_twice_without_duplicates() {
    on_both(async |app| {
        app.load_demo().await;
        let first = (
            app.count("SELECT COUNT(*) FROM agencies").await,
            app.count("SELECT COUNT(*) FROM users").await,
        );
        let report = accounts::demo::load(&app.state).await.expect("loads again");
        assert_eq!(
            (
                report.agencies_created,
                report.staff_created,
                report.citizens_created
            ),
            (0, 0, 0)
        );
        let second = (
            app.count("SELECT COUNT(*) FROM agencies").await,
            app.count("SELECT COUNT(*) FROM users").await,
        );
        assert_eq!(first, second);
        assert_eq!(first, (20, 13));
    })
    .await;
}
