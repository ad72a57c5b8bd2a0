//! Application forms as data: service admins add, reorder and remove questions (each change a
//! new version); an application keeps the version it started under; the API reads and publishes.

use reqwest::Method;
use serde_json::json;

use crate::support::{DEMO_PASSWORD, location, on_both};

const YULIANA: &str = "5371014107900001";

#[tokio::test]
async fn an_admin_adds_a_question_and_a_bad_one_is_refused_with_everything_kept() {
    on_both(async |app| {
        app.load_demo().await;
        let admin = app.browser();
        admin.login_ok("admin.layanan", DEMO_PASSWORD).await;
        let editor = admin.text("/admin/services/domisili/form").await;
        assert!(editor.contains("data-testid=\"no-questions\""), "{editor}");

        // Every problem at once; what was typed stays.
        let response = admin
            .post(
                "/admin/services/domisili/form",
                &[
                    ("base_version", "0"),
                    ("key", "Lama Tinggal"),
                    ("kind", "number"),
                    ("label_id", "L"),
                    ("label_en", "Years at the address"),
                    ("min", "10"),
                    ("max", "2"),
                    ("required", "1"),
                ],
            )
            .await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.expect("text");
        assert!(
            body.contains("Kode isian hanya huruf kecil")
                && body.contains("Tulis pertanyaan 2–120 karakter")
                && body.contains("Batas atas harus sama dengan atau lebih besar"),
            "{body}"
        );
        assert!(
            body.contains("value=\"Lama Tinggal\"")
                && body.contains("value=\"Years at the address\"")
        );

        let response = admin
            .post(
                "/admin/services/domisili/form",
                &[
                    ("base_version", "0"),
                    ("key", "years_here"),
                    ("kind", "number"),
                    ("label_id", "Lama tinggal di alamat ini (tahun)"),
                    ("label_en", "Years at this address"),
                    ("min", "0"),
                    ("max", "100"),
                    ("required", "1"),
                ],
            )
            .await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), "/admin/services/domisili/form");
        let editor = admin.text("/admin/services/domisili/form").await;
        assert!(editor.contains("years_here") && editor.contains("Angka bulat dari 0 sampai 100."));
        assert!(editor.contains("name=\"base_version\" value=\"1\""));

        // A second tab still on version 0 cannot overwrite version 1.
        let stale = admin
            .post(
                "/admin/services/domisili/form",
                &[
                    ("base_version", "0"),
                    ("key", "other"),
                    ("kind", "text"),
                    ("label_id", "Lainnya"),
                    ("label_en", "Other"),
                ],
            )
            .await;
        assert_eq!(stale.status(), 409);
        assert!(
            stale
                .text()
                .await
                .expect("text")
                .contains("baru saja diubah oleh orang lain")
        );

        // The public question page and the citizen's form ask it.
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        let started = citizen.post("/services/domisili/apply", &[]).await;
        let details = location(&started);
        let page = citizen.text(&details).await;
        assert!(
            page.contains("name=\"answers.years_here\"")
                && page.contains("Lama tinggal di alamat ini"),
            "{page}"
        );

        // Other roles and other agencies' admins cannot edit the form.
        let password = app
            .create_staff("Admin Dinkes", "admin.dinkes", "service_admin", "dinkes")
            .await;
        let other = app.browser();
        other.login_ok("admin.dinkes", &password).await;
        assert_eq!(
            other.get("/admin/services/domisili/form").await.status(),
            403
        );
        let refused = other
            .post(
                "/admin/services/domisili/form/remove",
                &[("base_version", "1"), ("key", "years_here")],
            )
            .await;
        assert_eq!(refused.status(), 403);
        assert_eq!(
            citizen.get("/admin/services/domisili/form").await.status(),
            403
        );
    })
    .await;
}

#[tokio::test]
async fn an_application_keeps_the_form_version_it_was_started_under() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        let details = location(&citizen.post("/services/sktm/apply", &[]).await);
        assert!(citizen.text(&details).await.contains("name=\"answers.used_for\""));

        // The admin removes a question and adds another: version 2 then 3.
        let admin = app.browser();
        admin.login_ok("admin.layanan", DEMO_PASSWORD).await;
        let removed = admin
            .post(
                "/admin/services/sktm/form/remove",
                &[("base_version", "1"), ("key", "used_for")],
            )
            .await;
        assert_eq!(removed.status(), 303);
        let added = admin
            .post(
                "/admin/services/sktm/form",
                &[
                    ("base_version", "2"),
                    ("key", "school_name"),
                    ("kind", "text"),
                    ("label_id", "Nama sekolah anak"),
                    ("label_en", "Child's school"),
                    ("required", "1"),
                ],
            )
            .await;
        assert_eq!(added.status(), 303);
        let history = admin.text("/admin/services/sktm/form").await;
        assert!(history.contains("data-testid=\"form-history\""));
        assert_eq!(history.matches("<td>Oktovianus Tefa</td>").count(), 2, "{history}");

        // The draft started under version 1 still asks version 1's questions.
        let page = citizen.text(&details).await;
        assert!(page.contains("name=\"answers.used_for\"") && !page.contains("school_name"));
        let response = citizen
            .post(
                &details,
                &[
                    ("purpose", "Keringanan biaya sekolah anak"),
                    ("kelurahan", "kel-namosain"),
                    ("address", "Jl. Hati Mulia No. 5"),
                    ("answers.household_members", "5"),
                    ("answers.monthly_income", "900000"),
                    ("answers.used_for", "pendidikan"),
                ],
            )
            .await;
        assert_eq!(response.status(), 303);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM applications WHERE form_version = 1 AND answers LIKE '%\"monthly_income\":\"900000\"%'")
                .await,
            1
        );

        // A new application gets version 3.
        let other = app.browser();
        other.login_ok("5371011508850002", DEMO_PASSWORD).await;
        let fresh = location(&other.post("/services/sktm/apply", &[]).await);
        let page = other.text(&fresh).await;
        assert!(page.contains("name=\"answers.school_name\"") && !page.contains("answers.used_for"));
    })
    .await;
}

#[tokio::test]
async fn the_api_reads_and_publishes_forms_with_version_checks() {
    on_both(async |app| {
        app.load_demo().await;
        let public = app.api();
        let form: serde_json::Value = public
            .request(Method::GET, "/api/v1/services/izin-keramaian/form")
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        assert_eq!(form["version"], 1);
        assert_eq!(form["fields"][1]["key"], "event_day");
        assert_eq!(form["fields"][1]["date_rule"], "today_or_future");

        let mut admin = app.api();
        admin.sign_in("admin.layanan", DEMO_PASSWORD).await;
        let bad = admin
            .request(Method::PUT, "/api/v1/services/izin-keramaian/form")
            .json(&json!({"base_version": 1, "fields": [
                {"key": "address", "kind": "text", "label_id": "Alamat", "label_en": "Address"},
                {"key": "tipe", "kind": "choice", "label_id": "Tipe", "label_en": "Type", "choices": []}
            ]}))
            .send()
            .await
            .expect("send");
        assert_eq!(bad.status(), 422);
        let body: serde_json::Value = bad.json().await.expect("json");
        let fields: Vec<&str> = body["error"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|f| f["field"].as_str())
            .collect();
        assert_eq!(fields, vec!["fields.0.key", "fields.1.choices"], "{body}");

        let good = json!({"base_version": 1, "fields": [
            {"key": "event_name", "kind": "text", "label_id": "Nama kegiatan", "label_en": "Event", "required": true}
        ]});
        let published = admin
            .request(Method::PUT, "/api/v1/services/izin-keramaian/form")
            .json(&good)
            .send()
            .await
            .expect("send");
        assert_eq!(published.status(), 200);
        let again = admin
            .request(Method::PUT, "/api/v1/services/izin-keramaian/form")
            .json(&good)
            .send()
            .await
            .expect("send");
        assert_eq!(again.status(), 409, "version 1 is no longer the newest");
        let old: serde_json::Value = public
            .request(Method::GET, "/api/v1/services/izin-keramaian/form/versions/1")
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        assert_eq!(old["fields"].as_array().map(Vec::len), Some(5));
        let history: serde_json::Value = admin
            .request(Method::GET, "/api/v1/services/izin-keramaian/form/history")
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        assert_eq!(history[0]["version"], 2);
        assert_eq!(history[1]["version"], 1);

        let mut citizen = app.api();
        citizen.sign_in(YULIANA, DEMO_PASSWORD).await;
        let refused = citizen
            .request(Method::PUT, "/api/v1/services/izin-keramaian/form")
            .json(&json!({"base_version": 2, "fields": []}))
            .send()
            .await
            .expect("send");
        assert_eq!(refused.status(), 403);
        assert_eq!(
            public
                .request(Method::GET, "/api/v1/services/tidak-ada/form")
                .send()
                .await
                .expect("send")
                .status(),
            404
        );
    })
    .await;
}
