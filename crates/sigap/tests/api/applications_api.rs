//! The application journey and the back office through the JSON API, and the document locker
//! on the web and the API: the same rules as the pages, on both backends.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Api, DEMO_PASSWORD, location, on_both, pdf, png, send, signed_in};

const YULIANA: &str = "5371014107900001"; // phone 081234560001
const YOHANES: &str = "5371011508850002";

async fn put_file(api: &Api, path: &str, bytes: Vec<u8>) -> reqwest::Response {
    api.request(Method::PUT, path)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .expect("send")
}

fn error_fields(body: &Value) -> Vec<String> {
    crate::support::field_errors(body, "field")
}

const GOOD_DETAILS: fn() -> Value = || {
    json!({
        "purpose": "Keringanan biaya sekolah anak",
        "kelurahan": "kel-namosain",
        "address": "Jl. Hati Mulia No. 5, RT 003/RW 001",
        "answers": {"household_members": "5", "monthly_income": "1.250.000", "used_for": "pendidikan"}
    })
};

/// A complete SKTM application submitted through the API; returns (id, tracking number).
pub async fn submitted_through_api(citizen: &Api) -> (String, String) {
    let started = send(
        citizen,
        Method::POST,
        "/api/v1/applications",
        Some(json!({"service_code": "sktm"})),
    )
    .await;
    assert_eq!(started.status(), 201);
    let id = started.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let saved = send(
        citizen,
        Method::PUT,
        &format!("/api/v1/applications/{id}/details"),
        Some(GOOD_DETAILS()),
    )
    .await;
    assert_eq!(saved.status(), 204);
    for position in 0..4 {
        let uploaded = put_file(
            citizen,
            &format!("/api/v1/applications/{id}/documents/{position}?file_name=berkas.pdf"),
            pdf(),
        )
        .await;
        assert_eq!(uploaded.status(), 204, "document {position}");
    }
    let submitted = send(
        citizen,
        Method::POST,
        &format!("/api/v1/applications/{id}/submit"),
        None,
    )
    .await;
    assert_eq!(submitted.status(), 200);
    let number = submitted.json::<Value>().await.expect("json")["tracking_number"]
        .as_str()
        .expect("number")
        .to_string();
    (id, number)
}

#[tokio::test]
async fn a_citizen_applies_through_the_api_reusing_a_document_from_the_locker() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = signed_in(app, YULIANA).await;

        // A KTP kept ahead of time.
        let kept = citizen
            .request(
                Method::POST,
                "/api/v1/me/documents?label=KTP&file_name=ktp.png",
            )
            .body(png())
            .send()
            .await
            .expect("send");
        assert_eq!(kept.status(), 201);
        let ktp = kept.json::<Value>().await.expect("json");
        let ktp_id = ktp["id"].as_str().expect("id").to_string();
        assert_eq!(ktp["file_kind"], "png");
        let refused = citizen
            .request(
                Method::POST,
                "/api/v1/me/documents?label=K&file_name=virus.pdf",
            )
            .body(b"MZ\x90\x00 not a pdf".to_vec())
            .send()
            .await
            .expect("send");
        assert_eq!(refused.status(), 422);
        let body = refused.json::<Value>().await.expect("json");
        assert_eq!(error_fields(&body), vec!["label", "file"], "{body}");

        let started = send(
            &citizen,
            Method::POST,
            "/api/v1/applications",
            Some(json!({"service_code": "sktm"})),
        )
        .await;
        assert_eq!(started.status(), 201);
        let id = started.json::<Value>().await.expect("json")["id"]
            .as_str()
            .expect("id")
            .to_string();

        // Every problem at once, base questions and the form's own.
        let bad = send(
            &citizen,
            Method::PUT,
            &format!("/api/v1/applications/{id}/details"),
            Some(json!({
                "purpose": "", "kelurahan": "kel-namosain", "address": "Jl. Hati Mulia",
                "answers": {"household_members": "tiga", "monthly_income": "-5"}
            })),
        )
        .await;
        assert_eq!(bad.status(), 422);
        let body = bad.json::<Value>().await.expect("json");
        assert_eq!(
            error_fields(&body),
            vec![
                "purpose",
                "answers.household_members",
                "answers.monthly_income",
                "answers.used_for"
            ],
            "{body}"
        );
        let saved = send(
            &citizen,
            Method::PUT,
            &format!("/api/v1/applications/{id}/details"),
            Some(GOOD_DETAILS()),
        )
        .await;
        assert_eq!(saved.status(), 204);

        // An .exe renamed .pdf is refused by content; the locker's KTP is attached without upload.
        let exe = put_file(
            &citizen,
            &format!("/api/v1/applications/{id}/documents/0?file_name=ktp.pdf"),
            b"MZ\x90\x00\x03\x00".to_vec(),
        )
        .await;
        assert_eq!(exe.status(), 422);
        let reused = send(
            &citizen,
            Method::POST,
            &format!("/api/v1/applications/{id}/documents/0/from-locker"),
            Some(json!({"locker_id": ktp_id})),
        )
        .await;
        assert_eq!(reused.status(), 204);
        for position in 1..4 {
            let uploaded = put_file(
                &citizen,
                &format!("/api/v1/applications/{id}/documents/{position}?file_name=kk.pdf"),
                pdf(),
            )
            .await;
            assert_eq!(uploaded.status(), 204);
        }
        // The uploads were kept too, once per content.
        let locker: Value = send(&citizen, Method::GET, "/api/v1/me/documents", None)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(locker.as_array().map(Vec::len), Some(2), "{locker}");

        let submitted = send(
            &citizen,
            Method::POST,
            &format!("/api/v1/applications/{id}/submit"),
            None,
        )
        .await;
        assert_eq!(submitted.status(), 200);
        let number = submitted.json::<Value>().await.expect("json")["tracking_number"]
            .as_str()
            .expect("n")
            .to_string();
        let detail: Value = send(
            &citizen,
            Method::GET,
            &format!("/api/v1/applications/{id}"),
            None,
        )
        .await
        .json()
        .await
        .expect("json");
        assert_eq!(detail["status"], "submitted");
        assert_eq!(detail["form_version"], 1);
        assert_eq!(detail["answers"]["monthly_income"], "1250000");
        assert_eq!(detail["documents"][0]["file_kind"], "png");
        assert_eq!(detail["documents"].as_array().map(Vec::len), Some(4));
        assert_eq!(detail["needs_you"], false);
        let again = send(
            &citizen,
            Method::POST,
            &format!("/api/v1/applications/{id}/submit"),
            None,
        )
        .await;
        assert_eq!(again.status(), 409);

        // Removing the KTP from the locker leaves the application's copy.
        let removed = send(
            &citizen,
            Method::DELETE,
            &format!("/api/v1/me/documents/{ktp_id}"),
            None,
        )
        .await;
        assert_eq!(removed.status(), 204);
        let file = send(
            &citizen,
            Method::GET,
            &format!("/api/v1/applications/{id}/documents/0"),
            None,
        )
        .await;
        assert_eq!(file.status(), 200);
        assert_eq!(file.bytes().await.expect("bytes").to_vec(), png());

        // Someone else sees none of it, and cannot attach another's locker file.
        let other = signed_in(app, YOHANES).await;
        assert_eq!(
            send(
                &other,
                Method::GET,
                &format!("/api/v1/applications/{id}"),
                None
            )
            .await
            .status(),
            404
        );
        assert_eq!(
            send(
                &other,
                Method::GET,
                &format!("/api/v1/applications/{id}/documents/1"),
                None
            )
            .await
            .status(),
            404
        );
        let others_id = locker[0]["id"].as_str().expect("id").to_string();
        assert_eq!(
            send(
                &other,
                Method::GET,
                &format!("/api/v1/me/documents/{others_id}"),
                None
            )
            .await
            .status(),
            404
        );
        let theirs = send(
            &other,
            Method::POST,
            "/api/v1/applications",
            Some(json!({"service_code": "sktm"})),
        )
        .await;
        let their_id = theirs.json::<Value>().await.expect("json")["id"]
            .as_str()
            .expect("id")
            .to_string();
        let stolen = send(
            &other,
            Method::POST,
            &format!("/api/v1/applications/{their_id}/documents/1/from-locker"),
            Some(json!({"locker_id": others_id})),
        )
        .await;
        assert_eq!(stolen.status(), 404);

        // Public tracking through the API: no personal data.
        let public = app.api();
        let tracked = send(
            &public,
            Method::POST,
            "/api/v1/track",
            Some(json!({"number": number, "last_digits": "0001"})),
        )
        .await;
        assert_eq!(tracked.status(), 200);
        let status: Value = tracked.json().await.expect("json");
        assert_eq!(status["status"], "submitted");
        assert!(
            !status.to_string().contains("Yuliana") && !status.to_string().contains("Hati Mulia")
        );
        let wrong = send(
            &public,
            Method::POST,
            "/api/v1/track",
            Some(json!({"number": number, "last_digits": "9999"})),
        )
        .await;
        assert_eq!(wrong.status(), 422);
    })
    .await;
}

#[tokio::test]
async fn the_office_takes_an_application_from_inbox_to_issue_through_the_api() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = signed_in(app, YULIANA).await;
        let (id, number) = submitted_through_api(&citizen).await;
        let office = format!("/api/v1/office/applications/{id}");

        let verifier = signed_in(app, "verifikator.alak").await;
        let inbox: Value = send(&verifier, Method::GET, "/api/v1/office/inbox", None).await.json().await.expect("json");
        let line = inbox.as_array().and_then(|l| l.iter().find(|l| l["id"] == id.as_str())).expect("in the inbox").clone();
        // Urgency depends on today's date against the working-day deadline; never overdue yet.
        assert!(
            line["urgency"] == "on_time" || line["urgency"] == "due_soon",
            "{line}"
        );
        assert_eq!(line["tracking_number"], number.as_str());
        let seen: Value = send(&verifier, Method::GET, &office, None).await.json().await.expect("json");
        assert_eq!(seen["actions"], json!(["claim"]));
        assert_eq!(seen["answers"]["used_for"], "pendidikan");

        // A reviewer of another agency sees nothing until it is routed to them.
        let reviewer = signed_in(app, "reviewer.dinkes").await;
        assert_eq!(send(&reviewer, Method::GET, &office, None).await.status(), 404);

        let unknown = send(&verifier, Method::POST, &format!("{office}/actions"), Some(json!({"action": "teleport"}))).await;
        assert_eq!(unknown.status(), 422);
        let claimed = send(&verifier, Method::POST, &format!("{office}/actions"), Some(json!({"action": "claim"}))).await;
        assert_eq!(claimed.json::<Value>().await.expect("json")["status"], "in_verification");
        let no_reason = send(&verifier, Method::POST, &format!("{office}/actions"), Some(json!({"action": "return_for_revision", "reason": ""}))).await;
        assert_eq!(no_reason.status(), 422);

        let routed = send(&verifier, Method::POST, &format!("{office}/route"), Some(json!({"agency_code": "dinkes", "question": "Mohon pertimbangan kondisi kesehatan keluarga.", "days": "3"}))).await;
        assert_eq!(routed.status(), 204);
        let for_reviewer: Value = send(&reviewer, Method::GET, &office, None).await.json().await.expect("json");
        assert_eq!(for_reviewer["status"], "awaiting_recommendation");
        let garbled = send(&reviewer, Method::POST, &format!("{office}/recommendation"), Some(json!({"verdict": "recommended", "answer": "Keluarga memenuhi kriteria.", "attachment_name": "surat.pdf", "attachment_base64": "%%%"}))).await;
        assert_eq!(garbled.status(), 422);
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(pdf());
        let answered = send(&reviewer, Method::POST, &format!("{office}/recommendation"), Some(json!({"verdict": "recommended", "answer": "Keluarga memenuhi kriteria.", "attachment_name": "surat.pdf", "attachment_base64": encoded}))).await;
        assert_eq!(answered.status(), 204);
        let seen: Value = send(&verifier, Method::GET, &office, None).await.json().await.expect("json");
        assert_eq!(seen["recommendations"][0]["attachment_kind"], "pdf");
        assert_eq!(seen["recommendations"][0]["attachment_name"], "surat.pdf");

        let verified = send(&verifier, Method::POST, &format!("{office}/actions"), Some(json!({"action": "verify"}))).await;
        assert_eq!(verified.json::<Value>().await.expect("json")["status"], "awaiting_signature");
        let camat = signed_in(app, "camat.alak").await;
        let approved = send(&camat, Method::POST, &format!("{office}/actions"), Some(json!({"action": "approve"}))).await;
        assert_eq!(approved.status(), 200);
        let twice = send(&camat, Method::POST, &format!("{office}/actions"), Some(json!({"action": "approve"}))).await;
        assert_eq!(twice.status(), 409);

        let pdf = send(&citizen, Method::GET, &format!("/api/v1/applications/{id}/document"), None).await;
        assert_eq!(pdf.status(), 200);
        assert!(pdf.bytes().await.expect("bytes").starts_with(b"%PDF"));
        let survey = json!({"answers": [4, 4, 3, 4, 4, 3, 4, 4, 3], "comment": "Cepat"});
        assert_eq!(send(&citizen, Method::POST, &format!("/api/v1/applications/{id}/survey"), Some(survey.clone())).await.status(), 204);
        assert_eq!(send(&citizen, Method::POST, &format!("/api/v1/applications/{id}/survey"), Some(survey)).await.status(), 409);

        // The IKM report by period and agency (the survey just given: 4,4,3,4,4,3,4,4,3).
        let today = services::calendar::wita_date(platform::clock::now_ms());
        let quarter = format!("{}-Q{}", today.year(), (today.month() - 1) / 3 + 1);
        let leader = signed_in(app, "admin.layanan").await;
        let report: Value = send(&leader, Method::GET, &format!("/api/v1/skm/report?period={quarter}&agency=kec-alak"), None).await.json().await.expect("json");
        assert_eq!(report["period"], quarter.as_str());
        assert_eq!(report["by_agency"][0]["code"], "kec-alak");
        assert_eq!(report["by_service"][0]["code"], "sktm");
        assert_eq!(report["overall"]["respondents"], 1);
        // (4·6 + 3·3)/9 = 3.6667 → 91.67, grade A.
        assert_eq!(report["overall"]["grade"], "A", "{report}");
        let other_agency: Value = send(&leader, Method::GET, &format!("/api/v1/skm/report?period={quarter}&agency=dinkes"), None).await.json().await.expect("json");
        assert!(other_agency["overall"].is_null() && other_agency["by_service"] == json!([]));
        let bad = send(&leader, Method::GET, "/api/v1/skm/report?period=2026-Q5", None).await;
        assert_eq!(bad.status(), 422);
        assert_eq!(error_fields(&bad.json().await.expect("json")), vec!["period"]);
        let unknown = send(&leader, Method::GET, "/api/v1/skm/report?agency=dinas-hantu", None).await;
        assert_eq!(unknown.status(), 422);
        assert_eq!(send(&citizen, Method::GET, "/api/v1/skm/report", None).await.status(), 403);
        let web = app.browser();
        web.login_ok("admin.layanan", DEMO_PASSWORD).await;
        let page = web.get("/admin/skm?period=kuartal-empat").await;
        assert_eq!(page.status(), 422);
        let body = page.text().await.expect("text");
        assert!(body.contains("value=\"kuartal-empat\"") && body.contains("Tulis periode sebagai tahun"));
        let page = web.text(&format!("/admin/skm?period={quarter}")).await;
        assert!(page.contains("data-testid=\"ikm-agencies\"") && page.contains("91.67"), "{page}");

        let revoked = send(&verifier, Method::POST, &format!("{office}/revoke"), Some(json!({"reason": "Data keliru"}))).await;
        assert_eq!(revoked.status(), 403, "only signers revoke");
        let revoked = send(&camat, Method::POST, &format!("{office}/revoke"), Some(json!({"reason": "Data penghasilan keliru"}))).await;
        assert_eq!(revoked.status(), 204);
    })
    .await;
}

#[tokio::test]
async fn the_locker_page_keeps_and_offers_documents_and_shows_bad_files_clearly() {
    on_both(async |app| {
        app.load_demo().await;
        let web = app.browser();
        web.login_ok(YULIANA, DEMO_PASSWORD).await;
        assert!(
            web.text("/documents")
                .await
                .contains("data-testid=\"locker-empty\"")
        );

        // A missing file keeps the typed name; a fake PDF is refused by content.
        let response = web
            .upload_with("/documents", &[("label", "Kartu Keluarga")], "", Vec::new())
            .await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.expect("text");
        assert!(
            body.contains("value=\"Kartu Keluarga\"") && body.contains("id=\"file-error\""),
            "{body}"
        );
        let response = web
            .upload_with(
                "/documents",
                &[("label", "Kartu Keluarga")],
                "kk.pdf",
                b"MZ\x90\x00".to_vec(),
            )
            .await;
        assert_eq!(response.status(), 422);
        let response = web
            .upload_with(
                "/documents",
                &[("label", "Kartu Keluarga")],
                "kk.pdf",
                pdf(),
            )
            .await;
        assert_eq!(response.status(), 303);
        let page = web.text("/documents").await;
        assert!(page.contains("Kartu Keluarga") && page.contains("kk.pdf"));

        // The documents step offers it for requirements that accept a PDF.
        let started = web.post("/services/sktm/apply", &[]).await;
        let id = location(&started)
            .trim_start_matches("/applications/")
            .trim_end_matches("/details")
            .to_string();
        let documents = web.text(&format!("/applications/{id}/documents")).await;
        assert!(
            documents.contains("data-testid=\"from-locker-0\"")
                && documents.contains("Kartu Keluarga — kk.pdf")
        );
        let locker_id = documents
            .split("<option value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("an offered file")
            .to_string();
        let attached = web
            .post(
                &format!("/applications/{id}/documents/1/from-locker"),
                &[("locker_id", &locker_id)],
            )
            .await;
        assert_eq!(attached.status(), 303);
        assert!(
            web.text(&format!("/applications/{id}/documents"))
                .await
                .contains("Sudah diunggah: <a href=\"/applications/")
        );

        // Other people cannot open it.
        let other = app.browser();
        other.login_ok(YOHANES, DEMO_PASSWORD).await;
        assert_eq!(
            other
                .get(&format!("/documents/{locker_id}/file"))
                .await
                .status(),
            404
        );
        assert_eq!(
            web.get(&format!("/documents/{locker_id}/file"))
                .await
                .status(),
            200
        );
        let removed = web
            .post(&format!("/documents/{locker_id}/remove"), &[])
            .await;
        assert_eq!(removed.status(), 303);
        assert!(
            web.text("/documents")
                .await
                .contains("data-testid=\"locker-empty\"")
        );
    })
    .await;
}

#[tokio::test]
async fn a_return_names_what_to_fix_and_a_resubmission_after_the_deadline_is_refused() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = signed_in(app, YULIANA).await;
        let (id, _) = submitted_through_api(&citizen).await;
        let office = format!("/api/v1/office/applications/{id}");
        let verifier = signed_in(app, "verifikator.alak").await;
        send(&verifier, Method::POST, &format!("{office}/actions"), Some(json!({"action": "claim"}))).await;

        // A note on an item the application does not have is refused; nothing changes.
        let bad = send(&verifier, Method::POST, &format!("{office}/actions"), Some(json!({
            "action": "return_for_revision", "reason": "Ada berkas yang perlu diganti.",
            "items": {"document.99": "Tidak ada"}
        }))).await;
        assert_eq!(bad.status(), 422);
        assert_eq!(error_fields(&bad.json().await.expect("json")), vec!["item.document.99"]);
        let returned = send(&verifier, Method::POST, &format!("{office}/actions"), Some(json!({
            "action": "return_for_revision", "reason": "Ada berkas yang perlu diganti.",
            "items": {"document.1": "Kartu Keluarga tidak terbaca, foto ulang.", "answers.monthly_income": "Sesuaikan dengan slip gaji.", "address": ""}
        }))).await;
        assert_eq!(returned.json::<Value>().await.expect("json")["status"], "returned_for_revision");

        // The citizen sees each note named as they know it, and the deadline.
        let detail: Value = send(&citizen, Method::GET, &format!("/api/v1/applications/{id}"), None).await.json().await.expect("json");
        assert_eq!(detail["revision"]["notes"].as_array().map(Vec::len), Some(2), "{detail}");
        assert!(detail["revision"]["revise_by_day"].as_str().is_some_and(|d| d.len() == 10));
        let web = app.browser();
        web.login_ok(YULIANA, DEMO_PASSWORD).await;
        let page = web.text(&format!("/applications/{id}")).await;
        assert!(
            page.contains("Yang perlu diperbaiki")
                && page.contains("Kartu Keluarga tidak terbaca, foto ulang.")
                && page.contains("<strong>Penghasilan keluarga per bulan (Rp)</strong>: Sesuaikan dengan slip gaji."),
            "{page}"
        );
        assert!(web.text(&format!("/applications/{id}/documents")).await.contains("Kartu Keluarga tidak terbaca"));

        // After the deadline the revision cannot be sent back; the daily job closes it.
        app.sql(&format!("UPDATE applications SET revise_by_day = '2020-01-06' WHERE id = '{id}'")).await;
        let late = send(&citizen, Method::POST, &format!("/api/v1/applications/{id}/submit"), None).await;
        assert_eq!(late.status(), 409);
        let message = late.json::<Value>().await.expect("json")["error"]["message"].as_str().unwrap_or_default().to_string();
        assert!(message.contains("Batas waktu perbaikan sudah lewat"), "{message}");
        let lapsed = services::applications::processing::lapse_overdue_revisions(&app.state).await.expect("job runs");
        assert_eq!(lapsed, 1);
        let closed: Value = send(&citizen, Method::GET, &format!("/api/v1/applications/{id}"), None).await.json().await.expect("json");
        assert_eq!(closed["status"], "withdrawn");
        assert_eq!(services::applications::processing::lapse_overdue_revisions(&app.state).await.expect("job runs"), 0);

        // Within the deadline, a fixed application goes back to the office.
        let (second, _) = submitted_through_api(&citizen).await;
        let office = format!("/office/applications/{second}");
        let desk = app.browser();
        desk.login_ok("verifikator.alak", DEMO_PASSWORD).await;
        assert_eq!(desk.post(&format!("{office}/actions"), &[("action", "claim")]).await.status(), 303);
        let form = desk.text(&office).await;
        assert!(form.contains("name=\"item.document.0\"") && form.contains("name=\"item.answers.used_for\""));
        let refused = desk.post(&format!("{office}/actions"), &[("action", "return_for_revision"), ("reason", ""), ("item.document.0", "KTP buram")]).await;
        assert_eq!(refused.status(), 422);
        assert!(refused.text().await.expect("text").contains(">KTP buram</textarea>"), "typed notes are kept");
        let back = desk.post(&format!("{office}/actions"), &[("action", "return_for_revision"), ("reason", "KTP perlu diganti."), ("item.document.0", "KTP buram")]).await;
        assert_eq!(back.status(), 303);
        let fixed = put_file(&citizen, &format!("/api/v1/applications/{second}/documents/0?file_name=ktp-baru.pdf"), pdf()).await;
        assert_eq!(fixed.status(), 204);
        let resent = send(&citizen, Method::POST, &format!("/api/v1/applications/{second}/submit"), None).await;
        assert_eq!(resent.status(), 200);
        let detail: Value = send(&citizen, Method::GET, &format!("/api/v1/applications/{second}"), None).await.json().await.expect("json");
        assert_eq!(detail["status"], "submitted");
        assert!(detail.get("revision").is_none());
    })
    .await;
}
