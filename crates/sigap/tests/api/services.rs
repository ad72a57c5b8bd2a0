//! The service catalogue and its standards, the service admin's editor, the holiday calendar.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{DEMO_PASSWORD, location, on_both};

#[tokio::test]
async fn the_public_catalogue_lists_searches_and_filters_services_in_both_languages() {
    on_both(async |app| {
        app.load_demo().await;
        let web = app.browser();
        let page = web.text("/services").await;
        assert_eq!(
            page.matches("class=\"card\"").count(),
            8,
            "the eight demo services"
        );
        assert!(page.contains("Surat Keterangan Ahli Waris") && page.contains("Gratis"));
        let page = web.text("/services?q=waris").await;
        assert_eq!(page.matches("class=\"card\"").count(), 1);
        assert!(page.contains("Surat Keterangan Ahli Waris"));
        let page = web.text("/services?category=licensing").await;
        assert_eq!(page.matches("class=\"card\"").count(), 2);
        let page = web.text("/services?q=tidak-ada-layanan-ini").await;
        assert!(page.contains("Tidak ada layanan yang cocok"));
        web.post("/lang", &[("lang", "en"), ("next", "/services")])
            .await;
        let page = web.text("/services?q=heirs").await;
        assert!(
            page.contains("Certificate of Heirs") && page.contains("5 working days"),
            "English names and search"
        );
    })
    .await;
}

#[tokio::test]
async fn a_service_page_shows_the_six_public_components_and_keeps_the_internal_ones_for_its_managers()
 {
    on_both(async |app| {
        app.load_demo().await;
        let public = app.browser();
        let page = public.text("/services/ahli-waris").await;
        for part in [
            "Persyaratan",
            "Prosedur",
            "Waktu penyelesaian",
            "5 hari kerja",
            "Biaya / tarif",
            "Gratis",
            "Produk layanan",
            "Penanganan pengaduan",
            "Akta kematian pewaris",
            "SP4N-LAPOR!",
        ] {
            assert!(page.contains(part), "public page shows «{part}»");
        }
        assert!(
            !page.contains("data-testid=\"internal-standard\"") && !page.contains("Dasar hukum"),
            "internal components hidden"
        );
        let board = public.text("/services/ahli-waris/maklumat").await;
        assert!(
            board.contains("Standar Pelayanan")
                && board.contains("sanggup menyelenggarakan pelayanan")
        );
        assert_eq!(public.get("/services/tidak-ada").await.status(), 404);

        let citizen = app.browser();
        citizen.login_ok("5371014107900001", DEMO_PASSWORD).await;
        assert!(
            !citizen
                .text("/services/ahli-waris")
                .await
                .contains("Dasar hukum")
        );

        let admin = app.browser();
        admin.login_ok("admin.layanan", DEMO_PASSWORD).await;
        let page = admin.text("/services/ahli-waris").await;
        assert!(
            page.contains("data-testid=\"internal-standard\"")
                && page.contains("Dasar hukum")
                && page.contains("Permendagri 4/2010")
        );
    })
    .await;
}

fn service_form<'a>(code: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("code", code),
        ("agency_code", "kec-alak"),
        ("category", "non_licensing"),
        ("name_id", name),
        ("summary_id", "Surat keterangan untuk pelaku usaha kecil."),
        ("requirements_id", "KTP pemohon | pdf, jpeg\nKartu Keluarga"),
        (
            "steps_id",
            "Ajukan permohonan\nVerifikasi berkas\nPenandatanganan",
        ),
        ("completion_days", "2"),
        ("cost_idr", "0"),
        ("product_id", "Surat keterangan"),
        ("complaints_id", "Melalui Sigap"),
        ("legal_basis", "UU 25/2009"),
        ("published", "yes"),
    ]
}

#[tokio::test]
async fn a_service_admin_adds_a_service_after_fixing_every_problem_at_once() {
    on_both(async |app| {
        app.load_demo().await;
        let admin = app.browser();
        admin.login_ok("admin.layanan", DEMO_PASSWORD).await;
        let mut bad = service_form("SK Usaha!", "Surat Keterangan Usaha");
        bad.retain(|(k, _)| *k != "legal_basis");
        bad.push(("requirements_en", "only one line"));
        bad.iter_mut().for_each(|(k, v)| {
            if *k == "completion_days" {
                *v = "nol"
            }
        });
        let response = admin.post("/admin/services/new", &bad).await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.expect("text");
        for message in [
            "Kode layanan 3–40 karakter",
            "Isi dasar hukum",
            "Jumlah baris versi Inggris",
            "Waktu penyelesaian berupa angka",
        ] {
            assert!(body.contains(message), "«{message}»");
        }
        assert!(
            body.contains("value=\"Surat Keterangan Usaha\""),
            "typed name kept"
        );
        assert!(body.contains("Verifikasi berkas"), "typed textarea kept");

        let response = admin
            .post(
                "/admin/services/new",
                &service_form("sk-usaha", "Surat Keterangan Usaha"),
            )
            .await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), "/services/sk-usaha");
        let page = app.browser().text("/services/sk-usaha").await;
        assert!(
            page.contains("Surat Keterangan Usaha")
                && page.contains("2 hari kerja")
                && page.contains("PDF, JPEG")
        );
        let response = admin
            .post("/admin/services/new", &service_form("sk-usaha", "Lagi"))
            .await;
        assert_eq!(response.status(), 422);
        assert!(
            response
                .text()
                .await
                .expect("text")
                .contains("Kode ini sudah dipakai")
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'service.created'")
                .await,
            9
        );
    })
    .await;
}

#[tokio::test]
async fn only_service_admins_of_the_owning_agency_manage_its_services() {
    on_both(async |app| {
        app.load_demo().await;
        for login in ["5371014107900001", "reviewer.dinkes", "verifikator.alak"] {
            let web = app.browser();
            web.login_ok(login, DEMO_PASSWORD).await;
            assert_eq!(web.get("/admin/services").await.status(), 403, "{login}");
            assert_eq!(
                web.post("/admin/services/new", &service_form("curang", "Curang"))
                    .await
                    .status(),
                403,
                "{login}"
            );
        }
        // A service admin of Dinas Kesehatan may not touch the district's services.
        let password = app
            .create_staff("Admin Dinkes", "admin.dinkes", "service_admin", "dinkes")
            .await;
        let other = app.browser();
        other.login_ok("admin.dinkes", &password).await;
        assert_eq!(other.get("/admin/services/skdu/edit").await.status(), 403);
        let mut form = service_form("skdu", "Dibajak");
        form.push(("version", "1"));
        assert_eq!(
            other
                .post("/admin/services/skdu/edit", &form)
                .await
                .status(),
            403
        );
        assert_eq!(
            other
                .post(
                    "/admin/services/new",
                    &service_form("dinkes-x", "Layanan X")
                )
                .await
                .status(),
            403,
            "kec-alak is not theirs"
        );
        assert!(
            !app.browser()
                .text("/services/skdu")
                .await
                .contains("Dibajak")
        );
    })
    .await;
}

#[tokio::test]
async fn a_later_save_of_a_service_someone_changed_meanwhile_is_refused() {
    on_both(async |app| {
        app.load_demo().await;
        let first = app.browser();
        first.login_ok("admin.layanan", DEMO_PASSWORD).await;
        let second = app.browser();
        second.login_ok("admin.sigap", DEMO_PASSWORD).await;
        let form = first.text("/admin/services/sktm/edit").await;
        assert!(form.contains("name=\"version\" value=\"1\""));
        let mut edit = service_form("sktm", "Surat Keterangan Tidak Mampu (baru)");
        edit.push(("version", "1"));
        assert_eq!(
            first
                .post("/admin/services/sktm/edit", &edit)
                .await
                .status(),
            303
        );
        let mut late = service_form("sktm", "Versi yang terlambat");
        late.push(("version", "1"));
        let response = second.post("/admin/services/sktm/edit", &late).await;
        assert_eq!(response.status(), 409);
        let body = response.text().await.expect("text");
        assert!(
            body.contains("baru saja diubah oleh orang lain")
                && body.contains("value=\"Versi yang terlambat\"")
        );
        let page = app.browser().text("/services/sktm").await;
        assert!(
            page.contains("(baru)") && !page.contains("terlambat"),
            "nothing overwritten"
        );
    })
    .await;
}

#[tokio::test]
async fn holidays_shift_deadlines_counted_in_working_days() {
    on_both(async |app| {
        app.load_demo().await;
        let api = app.api();
        let deadline = async |from: &str, days: &str| -> Value {
            api.request(
                Method::GET,
                &format!("/api/v1/working-days/deadline?from={from}&days={days}"),
            )
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json")
        };
        // Wednesday 23 December 2026 + 2 working days: Thu 24, (Fri 25 Christmas), Mon 28.
        assert_eq!(deadline("2026-12-23", "2").await["deadline"], "2026-12-28");
        let admin = app.browser();
        admin.login_ok("admin.layanan", DEMO_PASSWORD).await;
        let response = admin
            .post(
                "/admin/holidays",
                &[
                    ("day", "2026-12-24"),
                    ("name_id", "Cuti bersama Natal"),
                    ("kind", "collective_leave"),
                ],
            )
            .await;
        assert_eq!(response.status(), 303);
        assert!(
            admin
                .text("/admin/holidays?year=2026")
                .await
                .contains("Cuti bersama Natal")
        );
        assert_eq!(
            deadline("2026-12-23", "2").await["deadline"],
            "2026-12-29",
            "the collective leave day counts too"
        );
        let response = admin
            .post(
                "/admin/holidays",
                &[
                    ("day", "2026-12-24"),
                    ("name_id", "Lagi"),
                    ("kind", "collective_leave"),
                ],
            )
            .await;
        assert_eq!(response.status(), 422);
        assert!(
            response
                .text()
                .await
                .expect("text")
                .contains("sudah tercatat")
        );
        let response = admin
            .post(
                "/admin/holidays",
                &[
                    ("day", "24/12/2026"),
                    ("name_id", "Salah"),
                    ("kind", "national"),
                ],
            )
            .await;
        assert_eq!(response.status(), 422);
        assert!(response.text().await.expect("text").contains("TTTT-BB-HH"));
        let bad = api
            .request(
                Method::GET,
                "/api/v1/working-days/deadline?from=kemarin&days=-1",
            )
            .send()
            .await
            .expect("send");
        assert_eq!(bad.status(), 422);
        assert_eq!(
            admin
                .post("/admin/holidays/2026-12-24/delete", &[])
                .await
                .status(),
            303
        );
        assert_eq!(deadline("2026-12-23", "2").await["deadline"], "2026-12-28");
        let citizen = app.browser();
        citizen.login_ok("5371014107900001", DEMO_PASSWORD).await;
        assert_eq!(citizen.get("/admin/holidays").await.status(), 403);
    })
    .await;
}

#[tokio::test]
async fn the_catalogue_api_serves_standards_and_refuses_stale_updates() {
    on_both(async |app| {
        app.load_demo().await;
        let public = app.api();
        let list: Value = public.request(Method::GET, "/api/v1/services?category=non_licensing").send().await.expect("send").json().await.expect("json");
        assert_eq!(list.as_array().expect("list").len(), 6);
        let one: Value = public.request(Method::GET, "/api/v1/services/rek-pbg").send().await.expect("send").json().await.expect("json");
        assert_eq!(one["completion_days"], 7);
        assert_eq!(one["requirements"][2]["accepted_types"], json!(["pdf"]));
        assert!(one.get("internal").is_none(), "no internal standard for the public");
        let mut admin = app.api();
        admin.sign_in("admin.layanan", DEMO_PASSWORD).await;
        let mine: Value = admin.request(Method::GET, "/api/v1/services/rek-pbg").send().await.expect("send").json().await.expect("json");
        assert!(mine["internal"]["legal_basis"].as_str().expect("legal basis").contains("UU 25/2009"));
        let mut update = json!({
            "version": 1, "agency_code": "kec-alak", "category": "licensing", "name_id": "Rekomendasi PBG",
            "summary_id": "Ringkas.", "requirements_id": "KTP", "steps_id": "Ajukan", "completion_days": "6", "cost_idr": "0",
            "product_id": "Surat", "complaints_id": "Sigap", "legal_basis": "UU 25/2009", "published": "yes"
        });
        assert_eq!(admin.request(Method::PUT, "/api/v1/services/rek-pbg").json(&update).send().await.expect("send").status(), 204);
        update["name_id"] = json!("Terlambat");
        let stale = admin.request(Method::PUT, "/api/v1/services/rek-pbg").json(&update).send().await.expect("send");
        assert_eq!(stale.status(), 409);
        let body: Value = stale.json().await.expect("json");
        assert_eq!(body["error"]["code"], "services.changed_meanwhile");
        let now: Value = public.request(Method::GET, "/api/v1/services/rek-pbg").send().await.expect("send").json().await.expect("json");
        assert_eq!(now["name_id"], "Rekomendasi PBG");
        assert_eq!(now["version"], 2);
    })
    .await;
}
