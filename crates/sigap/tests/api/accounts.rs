//! Citizen registration, login, logout, lock-out and password reset, through the web pages.

use crate::support::{location, nik, on_both, reset_code};

const PASSWORD: &str = "Pantai-Namosain-2026";

#[tokio::test]
async fn registration_with_bad_input_shows_every_error_and_keeps_what_was_typed() {
    on_both(async |app| {
        let web = app.browser();
        let cases = [
            ("53710141079000", "NIK harus terdiri dari 16 angka"), // too short
            ("53710141079000123", "NIK harus terdiri dari 16 angka"), // too long
            ("5371014107900A01", "NIK hanya boleh berisi angka"),  // a letter
            ("5371013207900001", "Tanggal lahir pada NIK"),        // day 32
            ("5371017207900001", "Tanggal lahir pada NIK"),        // woman, day 72
        ];
        for (bad_nik, message) in cases {
            let response = web
                .post(
                    "/register",
                    &[
                        ("full_name", "Yuliana Ndun"),
                        ("nik", bad_nik),
                        ("email", "yuli@example.id"),
                        ("phone", ""),
                        ("password", PASSWORD),
                        ("password_confirm", PASSWORD),
                        ("consent", "yes"),
                    ],
                )
                .await;
            assert_eq!(response.status(), 422, "{bad_nik}");
            let body = response.text().await.expect("text");
            assert!(body.contains(message), "{bad_nik}: expected «{message}»");
            assert!(
                body.contains("data-testid=\"error-summary\"") && body.contains("href=\"#nik\""),
                "summary links to the field"
            );
            assert!(
                body.contains(&format!("value=\"{bad_nik}\"")),
                "typed NIK kept"
            );
            assert!(
                body.contains("value=\"Yuliana Ndun\"")
                    && body.contains("value=\"yuli@example.id\""),
                "other values kept"
            );
            assert!(!body.contains(PASSWORD), "password not echoed");
        }
        // Everything wrong at once: every error is listed.
        let response = web
            .post("/register", &[("nik", "12"), ("password", "pendek")])
            .await;
        let body = response.text().await.expect("text");
        for message in [
            "Isi nama lengkap",
            "NIK harus terdiri",
            "Isi email atau nomor ponsel",
            "minimal 12 karakter",
            "Centang persetujuan",
        ] {
            assert!(body.contains(message), "missing «{message}»");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0);
    })
    .await;
}

#[tokio::test]
async fn weak_passwords_and_mismatches_are_refused() {
    on_both(async |app| {
        let web = app.browser();
        for (password, confirm, message) in [
            ("katasandi123", "katasandi123", "terlalu mudah ditebak"),
            (
                &format!("x{}", nik(3)) as &str,
                &format!("x{}", nik(3)) as &str,
                "tidak boleh memuat NIK",
            ),
            (
                PASSWORD,
                "something-else-2026",
                "Kedua kata sandi tidak sama",
            ),
        ] {
            let response = web
                .post(
                    "/register",
                    &[
                        ("full_name", "Yohanes Bria"),
                        ("nik", &nik(3)),
                        ("phone", "081234567890"),
                        ("password", password),
                        ("password_confirm", confirm),
                        ("consent", "yes"),
                    ],
                )
                .await;
            assert_eq!(response.status(), 422);
            assert!(
                response.text().await.expect("text").contains(message),
                "{message}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_citizen_registers_logs_in_with_nik_email_or_phone_and_logs_out() {
    on_both(async |app| {
        let web = app.browser();
        let response = web
            .register(
                "Yuliana Ndun",
                &nik(1),
                "Yuliana@Example.id",
                "0812-3456-0001",
                PASSWORD,
            )
            .await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), "/login?registered=1");
        assert!(
            web.text("/login?registered=1")
                .await
                .contains("Pendaftaran berhasil")
        );

        for login in [nik(1).as_str(), "yuliana@example.id", "+62 812 3456 0001"] {
            let other = app.browser();
            let response = other.login(login, PASSWORD).await;
            assert_eq!(response.status(), 303, "login with {login}");
            assert_eq!(location(&response), "/account");
        }
        web.login_ok(&nik(1), PASSWORD).await;
        let account = web.text("/account").await;
        assert!(account.contains("Yuliana Ndun") && account.contains("Akun warga"));
        assert!(
            account.contains("+6281234560001"),
            "the owner sees their own data"
        );
        // The welcome notification was delivered in-app by the outbox worker.
        let mut delivered = false;
        for _ in 0..100 {
            if web
                .text("/notifications")
                .await
                .contains("Selamat datang di Sigap")
            {
                delivered = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(delivered, "welcome notification delivered");

        let response = web.post("/logout", &[]).await;
        assert_eq!(response.status(), 303);
        let response = web.get("/account").await;
        assert_eq!(response.status(), 303, "signed out: sent to login");
        assert!(location(&response).starts_with("/login?next=%2Faccount"));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM sessions").await,
            3,
            "only the other browsers' sessions remain"
        );
    })
    .await;
}

#[tokio::test]
async fn a_nik_email_or_phone_already_registered_is_refused_by_name() {
    on_both(async |app| {
        let web = app.browser();
        assert_eq!(
            web.register(
                "Yuliana Ndun",
                &nik(1),
                "yuliana@example.id",
                "081234560001",
                PASSWORD
            )
            .await
            .status(),
            303
        );
        let response = web
            .register(
                "Orang Lain",
                &nik(1),
                "YULIANA@example.id",
                "+6281234560001",
                PASSWORD,
            )
            .await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.expect("text");
        assert!(body.contains("NIK ini sudah terdaftar"));
        assert!(body.contains("Email ini sudah dipakai"));
        assert!(body.contains("Nomor ponsel ini sudah dipakai"));
        assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 1);
    })
    .await;
}

#[tokio::test]
async fn ten_wrong_passwords_in_a_minute_lock_the_account_and_tell_its_owner() {
    on_both(async |app| {
        let web = app.browser();
        web.register("Yuliana Ndun", &nik(1), "yuliana@example.id", "", PASSWORD)
            .await;
        let attacker = app.browser();
        let mut statuses = Vec::new();
        for _ in 0..10 {
            let response = attacker.login(&nik(1), "wrong-password-123").await;
            statuses.push(response.status().as_u16());
            let body = response.text().await.expect("text");
            if statuses.len() == 1 {
                assert!(body.contains("Data masuk atau kata sandi salah"));
                assert!(
                    body.contains(&format!("value=\"{}\"", nik(1))),
                    "login kept"
                );
            }
            if statuses.len() == 10 {
                assert!(
                    body.contains("dikunci sementara") && body.contains("WITA"),
                    "says until when"
                );
            }
        }
        assert_eq!(statuses, [422, 422, 422, 422, 429, 429, 429, 429, 429, 429]);
        // Even the right password waits for the lock to end.
        assert_eq!(attacker.login(&nik(1), PASSWORD).await.status(), 429);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'login.failed'")
                .await,
            5
        );
        // The owner is told by email.
        let mail = app
            .wait_for_email(|m| m["subject"] == "Akun Sigap Anda dikunci sementara")
            .await;
        assert_eq!(mail["to"], "yuliana@example.id");

        // The lock is on the account, whichever identifier is typed.
        assert_eq!(
            attacker
                .login("yuliana@example.id", PASSWORD)
                .await
                .status(),
            429
        );

        // Choosing a new password through the reset code ends the lock.
        attacker
            .post("/password/forgot", &[("login", "yuliana@example.id")])
            .await;
        let code_mail = app
            .wait_for_email(|m| m["subject"] == "Kode ganti kata sandi Sigap")
            .await;
        let code = reset_code(&code_mail);
        let new_password = "Teluk-Kupang-Pagi-26";
        let reset = attacker
            .reset_password("yuliana@example.id", &code, new_password)
            .await;
        assert_eq!(reset.status(), 303);
        assert_eq!(
            app.browser().login(&nik(1), new_password).await.status(),
            303
        );
    })
    .await;
}

#[tokio::test]
async fn a_forgotten_password_is_replaced_with_a_code_sent_by_email() {
    on_both(async |app| {
        let web = app.browser();
        web.register(
            "Agustina Lakapu",
            &nik(5),
            "agustina@example.id",
            "",
            PASSWORD,
        )
        .await;
        web.login_ok(&nik(5), PASSWORD).await;

        let anonymous = app.browser();
        let response = anonymous
            .post("/password/forgot", &[("login", "agustina@example.id")])
            .await;
        // The reset page is the answer itself: the login typed never goes into a URL.
        assert_eq!(response.status(), 200);
        assert!(response.headers().get("location").is_none());
        assert!(
            response
                .text()
                .await
                .expect("page")
                .contains("kode 6 angka sudah dikirim")
        );
        // An unknown account gets the same answer (no account enumeration), and no email.
        let unknown = anonymous
            .post("/password/forgot", &[("login", "nobody@example.id")])
            .await;
        assert_eq!(unknown.status(), 200);

        let mail = app
            .wait_for_email(|m| m["to"] == "agustina@example.id")
            .await;
        let body = mail["body"].as_str().expect("body");
        let code = reset_code(&mail);
        assert!(code.chars().all(|c| c.is_ascii_digit()), "{body}");
        assert!(
            app.sent_emails()
                .iter()
                .all(|m| m["to"] != "nobody@example.id")
        );

        let new_password = "Sasando-Rote-2026";
        let wrong = anonymous
            .reset_password("agustina@example.id", "000000", new_password)
            .await;
        assert_eq!(wrong.status(), 422);
        assert!(
            wrong
                .text()
                .await
                .expect("text")
                .contains("Kode salah atau sudah kedaluwarsa")
        );
        let done = anonymous
            .reset_password("agustina@example.id", &code, new_password)
            .await;
        assert_eq!(done.status(), 303);
        assert_eq!(location(&done), "/login?reset=1");
        // The code works once; old sessions ended; the new password works, the old one not.
        let again = anonymous
            .reset_password("agustina@example.id", &code, new_password)
            .await;
        assert_eq!(again.status(), 422);
        assert_eq!(
            web.get("/account").await.status(),
            303,
            "the old session was ended"
        );
        assert_eq!(app.browser().login(&nik(5), PASSWORD).await.status(), 422);
        app.browser().login_ok(&nik(5), new_password).await;
    })
    .await;
}

#[tokio::test]
async fn english_is_remembered_for_pages_and_error_messages() {
    on_both(async |app| {
        let web = app.browser();
        assert!(web.text("/register").await.contains("Daftar akun warga"));
        let response = web
            .post("/lang", &[("lang", "en"), ("next", "/register")])
            .await;
        assert_eq!(location(&response), "/register");
        let page = web.text("/register").await;
        assert!(page.contains("Create a citizen account") && page.contains("lang=\"en\""));
        let response = web
            .post(
                "/register",
                &[("full_name", "Yuliana Ndun"), ("nik", "5371013207900001")],
            )
            .await;
        let body = response.text().await.expect("text");
        assert!(
            body.contains("The birth date in the NIK"),
            "errors in English"
        );
        // An open redirect is not followed.
        let response = web
            .post("/lang", &[("lang", "id"), ("next", "//evil.example/")])
            .await;
        assert_eq!(location(&response), "/");
    })
    .await;
}

#[tokio::test]
async fn a_citizen_without_email_gets_the_reset_code_by_sms() {
    on_both(async |app| {
        let web = app.browser();
        web.register("Yohanes Bria", &nik(2), "", "081234560002", PASSWORD)
            .await;
        let response = web
            .post("/password/forgot", &[("login", "0812 3456 0002")])
            .await;
        assert_eq!(response.status(), 200);
        let mut sms = None;
        for _ in 0..200 {
            sms = app
                .sent_sms()
                .into_iter()
                .find(|m| m["to"] == "+6281234560002");
            if sms.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let sms = sms.expect("an SMS with the code");
        assert!(
            sms["body"]
                .as_str()
                .expect("body")
                .contains("Berlaku 10 menit")
        );
        assert!(app.sent_emails().is_empty());
    })
    .await;
}
