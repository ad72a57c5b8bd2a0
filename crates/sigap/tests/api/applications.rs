//! The citizen's application journey: start, answers, documents, check, submit, follow, and
//! public tracking with a second factor.

use crate::support::{Browser, DEMO_PASSWORD, TestApp, location, on_both, pdf, png};

pub const YULIANA: &str = "5371014107900001"; // phone 081234560001, email yuliana.ndun@example.id

/// Starts an application for `code` and returns its id.
async fn start(web: &Browser, code: &str) -> String {
    let response = web.post(&format!("/services/{code}/apply"), &[]).await;
    assert_eq!(response.status(), 303, "start {code}");
    let target = location(&response);
    target
        .trim_start_matches("/applications/")
        .trim_end_matches("/details")
        .to_string()
}

async fn fill_details(web: &Browser, id: &str) {
    let response = web
        .post(
            &format!("/applications/{id}/details"),
            &[
                ("purpose", "Keringanan biaya sekolah anak"),
                ("kelurahan", "kel-namosain"),
                ("address", "Jl. Hati Mulia No. 5, RT 003/RW 001"),
                ("answers.household_members", "5"),
                ("answers.monthly_income", "1.250.000"),
                ("answers.used_for", "pendidikan"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
}

/// A complete SKTM application (4 requirements), submitted; returns (id, tracking number).
pub async fn submitted_sktm(app: &TestApp, web: &Browser) -> (String, String) {
    let _ = app;
    let id = start(web, "sktm").await;
    fill_details(web, &id).await;
    for position in 0..4 {
        let response = web
            .upload(
                &format!("/applications/{id}/documents/{position}"),
                "berkas.pdf",
                pdf(),
            )
            .await;
        assert_eq!(response.status(), 303, "upload {position}");
    }
    let response = web.post(&format!("/applications/{id}/submit"), &[]).await;
    assert_eq!(response.status(), 303);
    let page = web.text(&location(&response)).await;
    let number = page
        .split("data-testid=\"tracking-number\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("tracking number shown")
        .to_string();
    (id, number)
}

#[tokio::test]
async fn a_citizen_applies_from_start_to_a_tracking_number() {
    on_both(async |app| {
        app.load_demo().await;
        let web = app.browser();
        web.login_ok(YULIANA, DEMO_PASSWORD).await;
        assert!(web.text("/services/sktm").await.contains("Ajukan online"));
        let id = start(&web, "sktm").await;
        assert_eq!(
            start(&web, "sktm").await,
            id,
            "an open draft is resumed, not duplicated"
        );

        // Answers: every problem at once, input kept.
        let response = web
            .post(
                &format!("/applications/{id}/details"),
                &[
                    ("purpose", ""),
                    ("kelurahan", "kel-luar-alak"),
                    ("address", "Jl. Timor Raya"),
                    ("answers.household_members", "0"),
                    ("answers.monthly_income", "1,5 juta"),
                ],
            )
            .await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.expect("text");
        // The base questions and the service's own form (data, version 1) are checked together.
        assert!(
            body.contains("Isi keperluan permohonan")
                && body.contains("Pilih kelurahan tempat tinggal")
                && body.contains("Angka lebih kecil dari batas pada petunjuk")
                && body.contains("Tulis angka bulat, misalnya 12 atau 1.500.000")
                && body.contains("href=\"#answers.used_for\"")
                && body.contains("Angka bulat dari 1 sampai 30."),
            "{body}"
        );
        assert!(body.contains("value=\"Jl. Timor Raya\"") && body.contains("value=\"1,5 juta\""));
        fill_details(&web, &id).await;

        // Submitting too early names what is missing.
        let response = web.post(&format!("/applications/{id}/submit"), &[]).await;
        assert_eq!(response.status(), 422);
        assert!(
            response
                .text()
                .await
                .expect("text")
                .contains("belum diunggah")
        );

        for position in 0..4 {
            let (name, bytes) = if position == 2 {
                ("pengantar.png", png())
            } else {
                ("ktp.pdf", pdf())
            };
            assert_eq!(
                web.upload(
                    &format!("/applications/{id}/documents/{position}"),
                    name,
                    bytes
                )
                .await
                .status(),
                303
            );
        }
        let documents = web.text(&format!("/applications/{id}/documents")).await;
        assert_eq!(documents.matches("Sudah diunggah").count(), 4);
        let check = web.text(&format!("/applications/{id}/check")).await;
        assert!(
            check.contains("Keringanan biaya sekolah anak")
                && check.contains("Kelurahan Namosain")
                && check.contains("pengantar.png")
                && check.contains("1.250.000")
                && check.contains("Beasiswa / keringanan biaya sekolah"),
            "{check}"
        );

        let response = web.post(&format!("/applications/{id}/submit"), &[]).await;
        assert_eq!(response.status(), 303);
        let page = web.text(&location(&response)).await;
        assert!(
            page.contains("Permohonan terkirim") && page.contains("Diterima, menunggu verifikasi")
        );
        let number = page
            .split("data-testid=\"tracking-number\">")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .expect("number");
        assert!(
            services::applications::tracking::TrackingNumber::parse(number).is_ok(),
            "{number} carries a valid check character"
        );

        // Sent once: a second submit changes nothing.
        let again = web.post(&format!("/applications/{id}/submit"), &[]).await;
        assert_eq!(again.status(), 409);
        assert!(again.text().await.expect("text").contains("sudah dikirim"));
        let list = web.text("/applications").await;
        assert!(list.contains(number) && list.contains("Surat Keterangan Tidak Mampu"));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'application.submitted'")
                .await,
            1
        );
        let due: String = {
            use sqlx::Row as _;
            sqlx::query("SELECT due_day FROM applications WHERE id = $1")
                .bind(&id)
                .fetch_one(&app.state.db.read)
                .await
                .expect("row")
                .get(0)
        };
        assert_eq!(due.len(), 10, "a deadline in working days: {due}");
        let mail = app
            .wait_for_email(|m| m["subject"].as_str().is_some_and(|s| s.contains(number)))
            .await;
        assert_eq!(mail["to"], "yuliana.ndun@example.id");
    })
    .await;
}

#[tokio::test]
async fn bad_uploads_are_refused_with_a_clear_reason_and_nothing_stored() {
    on_both(async |app| {
        app.load_demo().await;
        let web = app.browser();
        web.login_ok(YULIANA, DEMO_PASSWORD).await;
        let id = start(&web, "ahli-waris").await;
        let url = |p: usize| format!("/applications/{id}/documents/{p}");

        let exe = b"MZ\x90\x00\x03\x00\x00\x00 This program cannot be run in DOS mode".to_vec();
        let response = web.upload(&url(0), "ktp.pdf", exe).await;
        assert_eq!(response.status(), 422);
        assert!(
            response
                .text()
                .await
                .expect("text")
                .contains("diperiksa dari isinya")
        );

        let mut truncated = pdf();
        truncated.truncate(30);
        let response = web.upload(&url(0), "ktp.pdf", truncated).await;
        assert_eq!(response.status(), 422);
        assert!(response.text().await.expect("text").contains("tidak utuh"));

        // Requirement 3 (the heirs' statement) takes PDF only.
        let response = web.upload(&url(3), "pernyataan.png", png()).await;
        assert_eq!(response.status(), 422);
        assert!(
            response
                .text()
                .await
                .expect("text")
                .contains("tidak diterima untuk persyaratan")
        );

        let mut big = pdf();
        big.splice(9..9, std::iter::repeat_n(b' ', 6 * 1024 * 1024));
        let response = web.upload(&url(0), "besar.pdf", big).await;
        assert_eq!(response.status(), 413);
        assert!(
            response
                .text()
                .await
                .expect("text")
                .contains("paling besar 5 MB")
        );

        let response = web.upload(&url(99), "ktp.pdf", pdf()).await;
        assert_eq!(response.status(), 404, "no such requirement");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM application_documents")
                .await,
            0
        );
        assert_eq!(web.get("/healthz").await.status(), 200);
    })
    .await;
}

#[tokio::test]
async fn nobody_else_can_open_an_application_or_its_documents() {
    on_both(async |app| {
        app.load_demo().await;
        let owner = app.browser();
        owner.login_ok(YULIANA, DEMO_PASSWORD).await;
        let (id, _) = submitted_sktm(app, &owner).await;
        assert_eq!(
            owner
                .get(&format!("/applications/{id}/documents/0"))
                .await
                .status(),
            200
        );

        let other = app.browser();
        other.login_ok("5371011508850002", DEMO_PASSWORD).await;
        for path in [
            format!("/applications/{id}"),
            format!("/applications/{id}/documents/0"),
            format!("/applications/{id}/check"),
        ] {
            assert_eq!(other.get(&path).await.status(), 404, "{path}");
        }
        assert!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'application.access_refused'")
                .await
                >= 3
        );
        assert!(
            !other
                .text("/applications")
                .await
                .contains("Surat Keterangan Tidak Mampu")
        );
        // Staff do not apply as citizens.
        let staff = app.browser();
        staff.login_ok("verifikator.alak", DEMO_PASSWORD).await;
        assert_eq!(staff.post("/services/sktm/apply", &[]).await.status(), 403);
        // Anonymous visitors are sent to sign in first.
        let anonymous = app.browser();
        let response = anonymous.post("/services/sktm/apply", &[]).await;
        assert!(location(&response).starts_with("/login?next="));
    })
    .await;
}

#[tokio::test]
async fn public_tracking_needs_the_number_and_four_digits_and_catches_typos() {
    on_both(async |app| {
        app.load_demo().await;
        let owner = app.browser();
        owner.login_ok(YULIANA, DEMO_PASSWORD).await;
        let (_, number) = submitted_sktm(app, &owner).await;

        let visitor = app.browser();
        let response = visitor
            .post(
                "/track",
                &[("number", &number.to_lowercase()), ("last_digits", "0001")],
            )
            .await;
        assert_eq!(response.status(), 200);
        let body = response.text().await.expect("text");
        assert!(
            body.contains("data-testid=\"track-result\"")
                && body.contains("Diterima, menunggu verifikasi")
        );
        assert!(
            !body.contains("Yuliana") && !body.contains("Hati Mulia"),
            "no personal data"
        );

        // One mistyped character is caught by the check character.
        let mut chars: Vec<char> = number.chars().collect();
        let last = chars.len() - 2;
        chars[last] = if chars[last] == '7' { '8' } else { '7' };
        let typo: String = chars.into_iter().collect();
        let response = visitor
            .post("/track", &[("number", &typo), ("last_digits", "0001")])
            .await;
        assert_eq!(response.status(), 422);
        assert!(response.text().await.expect("text").contains("salah ketik"));

        let response = visitor
            .post("/track", &[("number", &number), ("last_digits", "9999")])
            .await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.expect("text");
        assert!(
            body.contains("Tidak ada permohonan dengan nomor lacak")
                && !body.contains("track-result")
        );
        for _ in 0..9 {
            visitor
                .post("/track", &[("number", &number), ("last_digits", "9999")])
                .await;
        }
        let response = visitor
            .post("/track", &[("number", &number), ("last_digits", "0001")])
            .await;
        assert_eq!(
            response.status(),
            429,
            "rate-limited even with the right digits"
        );
    })
    .await;
}
