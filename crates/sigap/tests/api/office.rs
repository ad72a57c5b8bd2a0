//! The back office: inbox with deadlines, claim, return for revision (the citizen fixes and
//! sends again), verify, approve or reject; only staff of the owning agency, one winner at a time.

use crate::{
    applications::{YULIANA, submitted_sktm},
    support::{DEMO_PASSWORD, location, on_both, pdf},
};

#[tokio::test]
async fn a_verifier_returns_an_application_the_citizen_fixes_it_and_the_signer_approves() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        let (id, number) = submitted_sktm(app, &citizen).await;

        let verifier = app.browser();
        verifier.login_ok("verifikator.alak", DEMO_PASSWORD).await;
        let inbox = verifier.text("/office").await;
        assert!(
            inbox.contains(&number) && inbox.contains("sisa 1 hari kerja"),
            "the inbox shows the deadline"
        );
        let url = format!("/office/applications/{id}");
        assert_eq!(
            verifier
                .post(&format!("{url}/actions"), &[("action", "claim")])
                .await
                .status(),
            303
        );
        assert!(verifier.text(&url).await.contains("Sedang diverifikasi"));

        // Returning needs a reason the citizen can act on.
        let response = verifier
            .post(
                &format!("{url}/actions"),
                &[("action", "return_for_revision"), ("reason", "")],
            )
            .await;
        assert_eq!(response.status(), 422);
        assert!(
            response
                .text()
                .await
                .expect("text")
                .contains("Tulis alasan yang jelas")
        );
        let reason = "Foto KTP buram, mohon unggah ulang yang jelas.";
        assert_eq!(
            verifier
                .post(
                    &format!("{url}/actions"),
                    &[("action", "return_for_revision"), ("reason", reason)]
                )
                .await
                .status(),
            303
        );

        let page = citizen.text(&format!("/applications/{id}")).await;
        assert!(page.contains("Dikembalikan untuk diperbaiki") && page.contains(reason));
        assert_eq!(
            citizen
                .upload(
                    &format!("/applications/{id}/documents/0"),
                    "ktp-jelas.pdf",
                    pdf()
                )
                .await
                .status(),
            303
        );
        let response = citizen
            .post(&format!("/applications/{id}/submit"), &[])
            .await;
        assert_eq!(response.status(), 303);
        assert!(
            citizen
                .text(&location(&response))
                .await
                .contains("Diterima, menunggu verifikasi")
        );

        assert_eq!(
            verifier
                .post(&format!("{url}/actions"), &[("action", "claim")])
                .await
                .status(),
            303
        );
        assert_eq!(
            verifier
                .post(&format!("{url}/actions"), &[("action", "verify")])
                .await
                .status(),
            303
        );
        let signer = app.browser();
        signer.login_ok("camat.alak", DEMO_PASSWORD).await;
        assert!(signer.text("/office").await.contains(&number));
        assert_eq!(
            signer
                .post(&format!("{url}/actions"), &[("action", "approve")])
                .await
                .status(),
            303
        );
        assert!(
            citizen
                .text(&format!("/applications/{id}"))
                .await
                .contains("Dokumen terbit")
        );
        // The history keeps every step; the citizen was told of each.
        let steps = app
            .count(&format!(
                "SELECT COUNT(*) FROM application_events WHERE application_id = '{id}'"
            ))
            .await;
        assert_eq!(
            steps, 9,
            "draft, submitted, claimed, returned, resubmitted, claimed, verified, approved, issued"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'application.status_changed'")
                .await,
            5
        );
        let mail = app
            .wait_for_email(|m| {
                m["body"]
                    .as_str()
                    .is_some_and(|b| b.contains("Dokumen terbit"))
            })
            .await;
        assert_eq!(mail["to"], "yuliana.ndun@example.id");
    })
    .await;
}

#[tokio::test]
async fn two_verifiers_claiming_at_once_leave_exactly_one_owner() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        let (id, _) = submitted_sktm(app, &citizen).await;
        // A second verifier of the same agency.
        let password = app
            .create_staff("Verifikator Dua", "verifikator.dua", "verifier", "kec-alak")
            .await;
        let first = app.browser();
        first.login_ok("verifikator.alak", DEMO_PASSWORD).await;
        let second = app.browser();
        second.login_ok("verifikator.dua", &password).await;
        let url = format!("/office/applications/{id}/actions");
        let (a, b) = tokio::join!(
            first.post(&url, &[("action", "claim")]),
            second.post(&url, &[("action", "claim")])
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [303, 409], "exactly one claim wins");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM application_events WHERE status = 'in_verification'")
                .await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn only_the_owning_agencys_verifiers_and_signers_see_an_application() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        let (id, number) = submitted_sktm(app, &citizen).await;
        for login in [
            "reviewer.dinkes",
            "loket.alak",
            "admin.layanan",
            "pimpinan.kota",
        ] {
            let staff = app.browser();
            staff.login_ok(login, DEMO_PASSWORD).await;
            assert_eq!(
                staff
                    .get(&format!("/office/applications/{id}"))
                    .await
                    .status(),
                404,
                "{login}"
            );
            assert_eq!(
                staff
                    .get(&format!("/office/applications/{id}/documents/0"))
                    .await
                    .status(),
                404,
                "{login}"
            );
            assert_eq!(
                staff
                    .post(
                        &format!("/office/applications/{id}/actions"),
                        &[("action", "claim")]
                    )
                    .await
                    .status(),
                404,
                "{login}"
            );
            let inbox = staff.get("/office").await;
            assert!(
                inbox.status() == 403 || !inbox.text().await.expect("text").contains(&number),
                "{login}"
            );
        }
        // A signer cannot claim, and a citizen has no office.
        let signer = app.browser();
        signer.login_ok("camat.alak", DEMO_PASSWORD).await;
        assert_eq!(
            signer
                .post(
                    &format!("/office/applications/{id}/actions"),
                    &[("action", "claim")]
                )
                .await
                .status(),
            403
        );
        assert_eq!(citizen.get("/office").await.status(), 403);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM application_events WHERE status = 'in_verification'")
                .await,
            0
        );
    })
    .await;
}

#[tokio::test]
async fn an_approved_application_yields_a_signed_pdf_whose_verification_page_can_be_revoked() {
    use base64::Engine as _;
    use sha2::Digest as _;
    on_both(async |app| {
        app.load_demo().await;
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        let (id, number) = submitted_sktm(app, &citizen).await;
        let verifier = app.browser();
        verifier.login_ok("verifikator.alak", DEMO_PASSWORD).await;
        let url = format!("/office/applications/{id}");
        for action in ["claim", "verify"] {
            assert_eq!(
                verifier
                    .post(&format!("{url}/actions"), &[("action", action)])
                    .await
                    .status(),
                303
            );
        }
        let signer = app.browser();
        signer.login_ok("camat.alak", DEMO_PASSWORD).await;
        assert_eq!(
            signer
                .post(&format!("{url}/actions"), &[("action", "approve")])
                .await
                .status(),
            303
        );

        let response = citizen.get(&format!("/applications/{id}/document")).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        let pdf = response.bytes().await.expect("bytes").to_vec();
        assert_eq!(
            platform::blobs::sniff(&pdf),
            Ok(platform::blobs::FileKind::Pdf)
        );
        let page = citizen.text(&format!("/applications/{id}")).await;
        let verify_path = page
            .split("href=\"/verify/")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .map(|id| format!("/verify/{id}"))
            .expect("verification link");
        assert!(page.contains(&format!("{number}/SKTM/")));

        // Anyone can check it: the digest matches the PDF and the signature matches the key.
        let visitor = app.browser();
        let verification = visitor.text(&verify_path).await;
        assert!(verification.contains("Dokumen ini asli") && verification.contains("Y****** N***"));
        assert!(
            !verification.contains("Yuliana") && !verification.contains("5371014107900001"),
            "no personal data"
        );
        let digest = sha2::Sha256::digest(&pdf);
        assert!(
            verification.contains(&hex::encode(digest)),
            "the page shows the PDF's SHA-256"
        );
        let signature = verification
            .split("data-testid=\"signature\">")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .expect("signature");
        let key_line = visitor.text("/verify/key").await;
        let key = key_line.trim().strip_prefix("ed25519 ").expect("key line");
        let public: [u8; 32] = base64::engine::general_purpose::STANDARD
            .decode(key)
            .expect("b64")
            .try_into()
            .expect("32 bytes");
        let signature: [u8; 64] = base64::engine::general_purpose::STANDARD
            .decode(signature)
            .expect("b64")
            .try_into()
            .expect("64 bytes");
        let verifying = ed25519_dalek::VerifyingKey::from_bytes(&public).expect("key");
        assert!(
            ed25519_dalek::Verifier::verify(
                &verifying,
                &digest,
                &ed25519_dalek::Signature::from_bytes(&signature)
            )
            .is_ok(),
            "offline check"
        );

        // Only the signing official revokes, with a reason; the page then says so.
        assert_eq!(
            verifier
                .post(
                    &format!("{url}/revoke"),
                    &[("reason", "Data pemohon keliru")]
                )
                .await
                .status(),
            403
        );
        assert_eq!(
            signer
                .post(&format!("{url}/revoke"), &[("reason", "")])
                .await
                .status(),
            422
        );
        assert_eq!(
            signer
                .post(
                    &format!("{url}/revoke"),
                    &[("reason", "Data pemohon keliru")]
                )
                .await
                .status(),
            303
        );
        let verification = visitor.text(&verify_path).await;
        assert!(verification.contains("DICABUT") && verification.contains("Data pemohon keliru"));
        assert_eq!(
            signer
                .post(&format!("{url}/revoke"), &[("reason", "Lagi dicabut")])
                .await
                .status(),
            409
        );
        assert_eq!(visitor.get("/verify/tidak-ada").await.status(), 404);
    })
    .await;
}

#[tokio::test]
async fn a_verifier_routes_to_another_agency_whose_reviewer_sees_only_that_and_recommends() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        let (id, number) = submitted_sktm(app, &citizen).await;
        let (other_id, other_number) = submitted_sktm(app, &citizen).await;
        let verifier = app.browser();
        verifier.login_ok("verifikator.alak", DEMO_PASSWORD).await;
        let url = format!("/office/applications/{id}");
        assert_eq!(
            verifier
                .post(&format!("{url}/actions"), &[("action", "claim")])
                .await
                .status(),
            303
        );
        // Bad input: every problem, the question kept.
        let response = verifier
            .post(
                &format!("{url}/route"),
                &[
                    ("agency_code", "kec-alak"),
                    ("question", "Cek?"),
                    ("days", "99"),
                ],
            )
            .await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.expect("text");
        assert!(body.contains("Pilih instansi lain") && body.contains("1–30 hari kerja"));
        let question = "Mohon penilaian kondisi kesehatan keluarga pemohon.";
        assert_eq!(
            verifier
                .post(
                    &format!("{url}/route"),
                    &[
                        ("agency_code", "dinkes"),
                        ("question", question),
                        ("days", "3")
                    ]
                )
                .await
                .status(),
            303
        );
        assert!(
            verifier
                .text(&url)
                .await
                .contains("Menunggu rekomendasi teknis")
        );

        let reviewer = app.browser();
        reviewer.login_ok("reviewer.dinkes", DEMO_PASSWORD).await;
        let inbox = reviewer.text("/office").await;
        assert!(
            inbox.contains(&number),
            "the routed application is in the reviewer's inbox"
        );
        assert!(!inbox.contains(&other_number), "nothing else is");
        assert_eq!(
            reviewer
                .get(&format!("/office/applications/{other_id}"))
                .await
                .status(),
            404
        );
        let page = reviewer.text(&url).await;
        assert!(page.contains(question) && page.contains("data-testid=\"answer-form\""));
        assert_eq!(
            reviewer.get(&format!("{url}/documents/0")).await.status(),
            200,
            "the routed documents are readable"
        );
        assert_eq!(
            reviewer
                .post(&format!("{url}/actions"), &[("action", "verify")])
                .await
                .status(),
            409,
            "a reviewer does not verify"
        );

        // The form is multipart (an optional attachment): problems all at once, a fake PDF refused.
        let response = reviewer
            .upload_with(
                &format!("{url}/recommendation"),
                &[("answer", "ok")],
                "surat.pdf",
                b"MZ\x90\x00".to_vec(),
            )
            .await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.expect("text");
        assert!(
            body.contains("Pilih direkomendasikan atau tidak.")
                && body.contains("Berkas harus berupa PDF, JPEG, atau PNG"),
            "{body}"
        );
        assert!(body.contains(">ok</textarea>"), "the typed answer is kept");
        assert_eq!(
            reviewer
                .upload_with(
                    &format!("{url}/recommendation"),
                    &[
                        ("verdict", "recommended"),
                        ("answer", "Keluarga layak dibantu.")
                    ],
                    "rekomendasi.pdf",
                    pdf(),
                )
                .await
                .status(),
            303
        );
        let page = verifier.text(&url).await;
        assert!(
            page.contains("Sedang diverifikasi")
                && page.contains("Direkomendasikan")
                && page.contains("Keluarga layak dibantu.")
        );
        let attachment = page
            .split("href=\"")
            .find(|rest| rest.contains("/attachment\""))
            .and_then(|rest| rest.split('"').next())
            .expect("the attachment is linked")
            .to_string();
        let file = verifier.get(&attachment).await;
        assert_eq!(file.status(), 200);
        assert_eq!(file.bytes().await.expect("bytes").to_vec(), pdf());
        let outsider = app.browser();
        outsider.login_ok(YULIANA, DEMO_PASSWORD).await;
        assert_eq!(outsider.get(&attachment).await.status(), 404);
        assert_eq!(
            reviewer
                .upload_with(
                    &format!("{url}/recommendation"),
                    &[("verdict", "recommended"), ("answer", "Sekali lagi.")],
                    "",
                    Vec::new(),
                )
                .await
                .status(),
            404,
            "answered once"
        );
        assert_eq!(
            verifier
                .post(&format!("{url}/actions"), &[("action", "verify")])
                .await
                .status(),
            303
        );
    })
    .await;
}

/// Takes a submitted application through verification and approval.
async fn approve(app: &crate::support::TestApp, id: &str) {
    let verifier = app.browser();
    verifier.login_ok("verifikator.alak", DEMO_PASSWORD).await;
    let url = format!("/office/applications/{id}/actions");
    for action in ["claim", "verify"] {
        assert_eq!(
            verifier.post(&url, &[("action", action)]).await.status(),
            303
        );
    }
    let signer = app.browser();
    signer.login_ok("camat.alak", DEMO_PASSWORD).await;
    assert_eq!(
        signer.post(&url, &[("action", "approve")]).await.status(),
        303
    );
}

#[tokio::test]
async fn a_completed_application_gets_one_survey_and_the_report_computes_ikm_exactly() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        let (first, _) = submitted_sktm(app, &citizen).await;
        let (second, _) = submitted_sktm(app, &citizen).await;
        assert_eq!(
            citizen
                .get(&format!("/applications/{first}/survey"))
                .await
                .status(),
            409,
            "not before completion"
        );
        approve(app, &first).await;
        approve(app, &second).await;
        assert!(
            citizen
                .text(&format!("/applications/{first}"))
                .await
                .contains("data-testid=\"survey-link\"")
        );

        let response = citizen
            .post(
                &format!("/applications/{first}/survey"),
                &[("requirements", "4"), ("procedure", "9")],
            )
            .await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.expect("text");
        assert_eq!(
            body.matches("Pilih salah satu jawaban 1–4").count(),
            2 * 8,
            "eight unanswered elements, in the summary and beside each"
        );
        assert!(
            body.contains("value=\"4\" checked"),
            "the given answer is kept"
        );

        let all = |values: [&'static str; 9]| -> Vec<(&'static str, &'static str)> {
            services::skm::ELEMENTS
                .iter()
                .copied()
                .zip(values)
                .collect()
        };
        let answers = all(["4", "3", "3", "4", "3", "4", "4", "3", "3"]);
        assert_eq!(
            citizen
                .post(&format!("/applications/{first}/survey"), &answers)
                .await
                .status(),
            303
        );
        assert_eq!(
            citizen
                .post(&format!("/applications/{first}/survey"), &answers)
                .await
                .status(),
            409,
            "once per application"
        );
        let answers = all(["3", "3", "2", "4", "3", "3", "4", "3", "3"]);
        assert_eq!(
            citizen
                .post(&format!("/applications/{second}/survey"), &answers)
                .await
                .status(),
            303
        );

        let leader = app.browser();
        leader.login_ok("pimpinan.kota", DEMO_PASSWORD).await;
        let report = leader.text("/admin/skm").await;
        // Element means 3.5, 3, 2.5, 4, 3, 3.5, 4, 3, 3 → sum 29.5 → IKM 3.278 → 81.94 (B).
        assert!(
            report.contains("81.94")
                && report.contains("B (Baik)")
                && report.contains("2 responden"),
            "{report}"
        );
        assert_eq!(citizen.get("/admin/skm").await.status(), 403);
    })
    .await;
}

#[tokio::test]
async fn two_signers_approving_at_once_issue_exactly_one_document() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        let (id, _) = submitted_sktm(app, &citizen).await;
        let verifier = app.browser();
        verifier.login_ok("verifikator.alak", DEMO_PASSWORD).await;
        let url = format!("/office/applications/{id}/actions");
        for action in ["claim", "verify"] {
            assert_eq!(
                verifier.post(&url, &[("action", action)]).await.status(),
                303
            );
        }
        let password = app
            .create_staff("Sekretaris Camat", "sekcam.alak", "signer", "kec-alak")
            .await;
        let first = app.browser();
        first.login_ok("camat.alak", DEMO_PASSWORD).await;
        let second = app.browser();
        second.login_ok("sekcam.alak", &password).await;
        let (a, b) = tokio::join!(
            first.post(&url, &[("action", "approve")]),
            second.post(&url, &[("action", "approve")])
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [303, 409], "exactly one approval wins");
        assert_eq!(app.count("SELECT COUNT(*) FROM issued_documents").await, 1);
    })
    .await;
}

#[tokio::test]
async fn staff_are_reminded_of_applications_due_within_a_working_day() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        let (due_now, number) = submitted_sktm(app, &citizen).await;
        let (_later, later_number) = submitted_sktm(app, &citizen).await;
        app.sql(&format!(
            "UPDATE applications SET due_day = '2020-01-06' WHERE id = '{due_now}'"
        ))
        .await;
        app.sql("UPDATE applications SET due_day = '2099-12-31' WHERE due_day <> '2020-01-06'")
            .await;
        let calendar = services::holidays::load_calendar(&app.state)
            .await
            .expect("calendar");
        let written = services::applications::reminders::send_reminders(&app.state, &calendar)
            .await
            .expect("reminders");
        assert_eq!(written, 1, "one verifier, one overdue application");
        let verifier = app.browser();
        verifier.login_ok("verifikator.alak", DEMO_PASSWORD).await;
        let mut seen = String::new();
        for _ in 0..100 {
            seen = verifier.text("/notifications").await;
            if seen.contains(&number) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(
            seen.contains(&number) && seen.contains("MELEWATI batas waktu"),
            "{seen}"
        );
        assert!(!seen.contains(&later_number));
    })
    .await;
}
