//! Journeys in a real headless Chromium (Debian's `chromium` and `chromium-driver`), driven over
//! WebDriver. They run on SQLite: the HTTP tests already cover both backends, these cover what
//! a person sees and does. A failed journey leaves a screenshot in `test-artifacts/`.

use std::{
    panic::AssertUnwindSafe,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt as _;

use crate::support::{Backend, DEMO_PASSWORD, TestApp, nik, run_on};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

struct Driver {
    process: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// Starts ChromeDriver on a free port; `None` (skip) when Chromium is not installed, except
/// under CI=true where that is a failure.
#[expect(
    clippy::zombie_processes,
    reason = "the Driver's Drop kills and waits for the process"
)]
async fn start_driver() -> Option<Driver> {
    if !PathBuf::from(CHROMEDRIVER).exists() || !PathBuf::from(CHROMIUM).exists() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "Chromium and ChromeDriver must be installed under CI=true"
        );
        eprintln!("note: chromium/chromedriver not installed; browser journey skipped");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let process = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some(Driver { process, url });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

/// A Chromium session with its own empty profile; files it downloads land in `downloads`.
async fn open_browser(driver: &Driver, downloads: &std::path::Path) -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let profile =
        std::env::temp_dir().join(format!("sigap-chromium-{}", uuid::Uuid::now_v7().simple()));
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=412,915", format!("--user-data-dir={}", profile.display())],
            "prefs": {
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
                "download.directory_upgrade": true
            }
        }),
    );
    ClientBuilder::rustls()
        .expect("tls")
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

/// Runs a journey; on failure saves a screenshot and the page source, then fails.
pub(crate) async fn journey(name: &str, app: &TestApp, steps: impl AsyncFn(&Client, &str)) {
    journey_downloading(
        name,
        app,
        async |browser: &Client, base: &str, _: &std::path::Path| {
            steps(browser, base).await;
        },
    )
    .await;
}

/// [`journey`] for steps that download files: they land in the folder the steps are given.
pub(crate) async fn journey_downloading(
    name: &str,
    app: &TestApp,
    steps: impl AsyncFn(&Client, &str, &std::path::Path),
) {
    let Some(driver) = start_driver().await else {
        return;
    };
    let downloads =
        std::env::temp_dir().join(format!("sigap-downloads-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&downloads).expect("download folder");
    let browser = open_browser(&driver, &downloads).await;
    let outcome = AssertUnwindSafe(steps(&browser, &app.base, &downloads))
        .catch_unwind()
        .await;
    if outcome.is_err() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = browser.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
        if let Ok(html) = browser.source().await {
            let _ = std::fs::write(dir.join(format!("{name}.html")), html);
        }
        eprintln!("journey {name} failed: screenshot in {}", dir.display());
    }
    let _ = browser.close().await;
    let _ = std::fs::remove_dir_all(&downloads);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

pub(crate) async fn fill(browser: &Client, id: &str, text: &str) {
    let field = browser
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|_| panic!("field #{id}"));
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

async fn value(browser: &Client, id: &str) -> String {
    let field = browser
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|_| panic!("field #{id}"));
    field
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

async fn submit(browser: &Client, form: &str) {
    browser
        .find(Locator::Css(&format!("{form} button[type=submit]")))
        .await
        .expect("submit button")
        .click()
        .await
        .expect("click");
}

/// Waits (bounded) for the navigation a click started to land on `expected`.
pub(crate) async fn wait_for_path(browser: &Client, expected: &str) {
    let mut current = String::new();
    for _ in 0..100 {
        current = path(browser).await;
        if current == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("expected to arrive at {expected}, still at {current}");
}

/// Waits (bounded) until the page shows `needle`.
pub(crate) async fn wait_for_text(browser: &Client, needle: &str) -> String {
    let mut text = String::new();
    for _ in 0..100 {
        text = page_text(browser).await;
        if text.contains(needle) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never showed «{needle}»: {text}");
}

pub(crate) async fn page_text(browser: &Client) -> String {
    // While a navigation replaces the page, the body can briefly be missing: read it as empty
    // and let the waiting helpers look again.
    match browser.find(Locator::Css("body")).await {
        Ok(body) => body.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

pub(crate) async fn path(browser: &Client) -> String {
    let url = browser.current_url().await.expect("url");
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    }
}

#[tokio::test]
async fn a_citizen_registers_fixes_a_bad_nik_signs_in_switches_to_english_and_signs_out() {
    run_on(Backend::Sqlite, &async |app: &TestApp| {
        journey(
            "citizen_registration",
            app,
            async |browser: &Client, base: &str| {
                browser
                    .goto(&format!("{base}/register"))
                    .await
                    .expect("open");
                fill(browser, "full_name", "Yuliana Ndun").await;
                fill(browser, "nik", "5371017207900001").await; // a woman "born on the 32nd"
                fill(browser, "email", "yuliana@example.id").await;
                fill(browser, "password", "Pantai-Namosain-2026").await;
                fill(browser, "password_confirm", "Pantai-Namosain-2026").await;
                browser
                    .find(Locator::Id("consent"))
                    .await
                    .expect("consent")
                    .click()
                    .await
                    .expect("tick");
                submit(browser, "[data-testid=register-form]").await;

                let summary = browser
                    .find(Locator::Css("[data-testid=error-summary]"))
                    .await
                    .expect("error summary shown");
                assert!(
                    summary
                        .text()
                        .await
                        .expect("text")
                        .contains("Tanggal lahir pada NIK")
                );
                assert_eq!(
                    value(browser, "nik").await,
                    "5371017207900001",
                    "typed NIK kept"
                );
                assert_eq!(value(browser, "full_name").await, "Yuliana Ndun");
                assert_eq!(value(browser, "email").await, "yuliana@example.id");

                fill(browser, "nik", &nik(1)).await;
                fill(browser, "password", "Pantai-Namosain-2026").await;
                fill(browser, "password_confirm", "Pantai-Namosain-2026").await;
                submit(browser, "[data-testid=register-form]").await;
                wait_for_path(browser, "/login?registered=1").await;
                wait_for_text(browser, "Pendaftaran berhasil").await;

                fill(browser, "login", &nik(1)).await;
                fill(browser, "password", "Pantai-Namosain-2026").await;
                submit(browser, "[data-testid=login-form]").await;
                wait_for_path(browser, "/account").await;
                wait_for_text(browser, "Yuliana Ndun").await;

                browser
                    .find(Locator::Css("[data-testid=lang-switch]"))
                    .await
                    .expect("switch")
                    .click()
                    .await
                    .expect("click");
                let text = wait_for_text(browser, "Citizen account").await;
                assert!(text.contains("My account"), "English now");
                wait_for_path(browser, "/account").await;

                browser
                    .find(Locator::Css("[data-testid=logout]"))
                    .await
                    .expect("logout")
                    .click()
                    .await
                    .expect("click");
                wait_for_path(browser, "/").await;
                let text = wait_for_text(browser, "Sign in").await;
                assert!(!text.contains("Yuliana Ndun"), "signed out, still English");
            },
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn staff_see_the_navigation_of_their_role() {
    run_on(Backend::Sqlite, &async |app: &TestApp| {
        app.load_demo().await;
        journey(
            "staff_navigation",
            app,
            async |browser: &Client, base: &str| {
                for (username, expects_admin, role_label) in [
                    ("verifikator.alak", false, "Verifikator"),
                    ("admin.sigap", true, "Superadmin"),
                ] {
                    browser.goto(&format!("{base}/login")).await.expect("open");
                    fill(browser, "login", username).await;
                    fill(browser, "password", DEMO_PASSWORD).await;
                    submit(browser, "[data-testid=login-form]").await;
                    wait_for_path(browser, "/account").await;
                    wait_for_text(browser, role_label).await;
                    let nav = browser
                        .find(Locator::Css("nav.site-nav"))
                        .await
                        .expect("nav")
                        .text()
                        .await
                        .expect("text");
                    assert!(
                        nav.contains("Akun saya") && nav.contains("Notifikasi"),
                        "{username}: {nav}"
                    );
                    assert_eq!(
                        nav.contains("Pengguna staf"),
                        expects_admin,
                        "{username}: {nav}"
                    );
                    assert_eq!(
                        nav.contains("Log audit"),
                        expects_admin,
                        "{username}: {nav}"
                    );
                    let roles = browser
                        .find(Locator::Css("[data-testid=roles]"))
                        .await
                        .expect("roles")
                        .text()
                        .await
                        .expect("text");
                    assert!(roles.contains(role_label), "{roles}");
                    browser
                        .find(Locator::Css("[data-testid=logout]"))
                        .await
                        .expect("logout")
                        .click()
                        .await
                        .expect("click");
                    wait_for_path(browser, "/").await;
                }
            },
        )
        .await;
    })
    .await;
}

/// Signs in as `login` in a fresh session (the previous person's cookies are dropped).
pub(crate) async fn sign_in_as(browser: &Client, base: &str, login: &str) {
    browser.delete_all_cookies().await.expect("cookies cleared");
    browser.goto(&format!("{base}/login")).await.expect("open");
    fill(browser, "login", login).await;
    fill(browser, "password", DEMO_PASSWORD).await;
    submit(browser, "[data-testid=login-form]").await;
    for _ in 0..100 {
        if path(browser).await != "/login" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{login} could not sign in");
}

/// Fills a field whose id holds a dot (`answers.workers`), which `#id` selectors cannot name.
async fn fill_named(browser: &Client, id: &str, text: &str) {
    let field = browser
        .find(Locator::Css(&format!("[id=\"{id}\"]")))
        .await
        .unwrap_or_else(|_| panic!("field {id}"));
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

pub(crate) async fn choose(browser: &Client, select_id: &str, value: &str) {
    browser
        .find(Locator::Css(&format!(
            "[id=\"{select_id}\"] option[value=\"{value}\"]"
        )))
        .await
        .unwrap_or_else(|_| panic!("option {value} of {select_id}"))
        .click()
        .await
        .expect("choose");
}

pub(crate) async fn click(browser: &Client, css: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css}"))
        .click()
        .await
        .expect("click");
}

/// Uploads `file` for requirement `position` on the documents page and waits for the page again.
async fn upload_requirement(browser: &Client, position: usize, file: &std::path::Path) {
    let input = browser
        .find(Locator::Id(&format!("upload-{position}")))
        .await
        .expect("file input");
    input
        .send_keys(&file.display().to_string())
        .await
        .expect("choose file");
    click(
        browser,
        &format!("[data-testid=requirement-{position}] button[type=submit]"),
    )
    .await;
    for _ in 0..100 {
        if page_text(browser).await.matches("Sudah diunggah").count() > 0
            && browser
                .find(Locator::Css(&format!(
                    "[data-testid=requirement-{position}] .notice.success"
                )))
                .await
                .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("requirement {position} did not show its upload");
}

/// Opens the application `tracking` from the office inbox.
async fn open_from_inbox(browser: &Client, base: &str, tracking: &str) {
    browser
        .goto(&format!("{base}/office"))
        .await
        .expect("inbox");
    wait_for_text(browser, tracking).await;
    browser
        .find(Locator::XPath(&format!("//a[code[text()='{tracking}']]")))
        .await
        .unwrap_or_else(|_| panic!("{tracking} in the inbox"))
        .click()
        .await
        .expect("open");
    wait_for_text(browser, tracking).await;
}

#[tokio::test]
async fn an_application_goes_from_citizen_to_office_to_another_agency_and_back_as_a_verified_pdf() {
    run_on(Backend::Sqlite, &async |app: &TestApp| {
        app.load_demo().await;
        let scan = std::env::temp_dir().join(format!("sigap-scan-{}.pdf", uuid::Uuid::now_v7().simple()));
        std::fs::write(&scan, crate::support::pdf()).expect("a file to upload");
        journey("full_application", app, async |browser: &Client, base: &str| {
            // The citizen applies: questions of the service's own form, four documents, check, send.
            sign_in_as(browser, base, crate::applications::YULIANA).await;
            browser.goto(&format!("{base}/services/sktm")).await.expect("service");
            submit(browser, "[data-testid=apply-form]").await;
            wait_for_text(browser, "Penghasilan keluarga per bulan").await;
            fill(browser, "purpose", "Keringanan biaya sekolah anak").await;
            choose(browser, "kelurahan", "kel-namosain").await;
            fill(browser, "address", "Jl. Hati Mulia No. 5, RT 003/RW 001").await;
            fill_named(browser, "answers.household_members", "5").await;
            fill_named(browser, "answers.monthly_income", "1.250.000").await;
            choose(browser, "answers.used_for", "pendidikan").await;
            submit(browser, "[data-testid=details-form]").await;
            wait_for_text(browser, "Unggah satu berkas").await;
            let documents_path = path(browser).await;
            for position in 0..4 {
                upload_requirement(browser, position, &scan).await;
            }
            click(browser, "a.button[href$=\"/check\"]").await;
            wait_for_text(browser, "1.250.000").await;
            click(browser, "form[action$=\"/submit\"] button[type=submit]").await;
            wait_for_text(browser, "Permohonan terkirim").await;
            let tracking = browser
                .find(Locator::Css("[data-testid=tracking-number]"))
                .await
                .expect("tracking number")
                .text()
                .await
                .expect("text");
            let application = documents_path.trim_end_matches("/documents").to_string();

            // The verifier claims it and returns it: the family card is unreadable.
            sign_in_as(browser, base, "verifikator.alak").await;
            open_from_inbox(browser, base, &tracking).await;
            click(browser, "button[value=claim]").await;
            wait_for_text(browser, "Sedang diverifikasi").await;
            fill(browser, "reason", "Ada dokumen yang perlu diganti.").await;
            click(browser, "[data-testid=revision-items] summary").await;
            fill_named(browser, "item.document.1", "Kartu Keluarga tidak terbaca, unggah ulang.").await;
            click(browser, "button[value=return_for_revision]").await;
            wait_for_text(browser, "Dikembalikan untuk diperbaiki").await;

            // The citizen sees what to fix, replaces the file and sends it back.
            sign_in_as(browser, base, crate::applications::YULIANA).await;
            browser.goto(&format!("{base}{application}")).await.expect("application");
            wait_for_text(browser, "Kartu Keluarga tidak terbaca, unggah ulang.").await;
            browser.goto(&format!("{base}{documents_path}")).await.expect("documents");
            upload_requirement(browser, 1, &scan).await;
            click(browser, "a.button[href$=\"/check\"]").await;
            wait_for_text(browser, "1.250.000").await;
            click(browser, "form[action$=\"/submit\"] button[type=submit]").await;
            wait_for_text(browser, "Diterima, menunggu verifikasi").await;

            // The verifier routes it to Dinas Kesehatan for a technical recommendation.
            sign_in_as(browser, base, "verifikator.alak").await;
            open_from_inbox(browser, base, &tracking).await;
            click(browser, "button[value=claim]").await;
            wait_for_text(browser, "Sedang diverifikasi").await;
            choose(browser, "agency_code", "dinkes").await;
            fill(browser, "question", "Mohon pertimbangan kondisi kesehatan keluarga pemohon.").await;
            submit(browser, "[data-testid=route-form]").await;
            wait_for_text(browser, "Menunggu rekomendasi teknis").await;

            // The reviewer there answers, with the routed application in their inbox.
            sign_in_as(browser, base, "reviewer.dinkes").await;
            open_from_inbox(browser, base, &tracking).await;
            click(browser, "input[name=verdict][value=recommended]").await;
            fill(browser, "answer", "Keluarga memenuhi kriteria keringanan.").await;
            submit(browser, "[data-testid=answer-form]").await;
            wait_for_path(browser, "/office").await;

            // The verifier verifies; the Camat approves and the document is issued.
            sign_in_as(browser, base, "verifikator.alak").await;
            open_from_inbox(browser, base, &tracking).await;
            wait_for_text(browser, "Keluarga memenuhi kriteria keringanan.").await;
            click(browser, "button[value=verify]").await;
            wait_for_text(browser, "Menunggu tanda tangan").await;
            sign_in_as(browser, base, "camat.alak").await;
            open_from_inbox(browser, base, &tracking).await;
            click(browser, "button[value=approve]").await;
            wait_for_text(browser, "Dokumen terbit").await;

            // The citizen downloads the PDF and opens its verification page.
            sign_in_as(browser, base, crate::applications::YULIANA).await;
            browser.goto(&format!("{base}{application}")).await.expect("application");
            wait_for_text(browser, "Dokumen terbit").await;
            let fetched = browser
                .execute(
                    "return fetch(arguments[0]).then(r => r.arrayBuffer().then(b => r.status + ' ' + r.headers.get('content-type') + ' ' + String.fromCharCode(...new Uint8Array(b).slice(0, 4))))",
                    vec![serde_json::json!(format!("{application}/document"))],
                )
                .await
                .expect("fetch the PDF");
            assert_eq!(fetched.as_str(), Some("200 application/pdf %PDF"), "{fetched}");
            click(browser, "[data-testid=issued] a[href^=\"/verify/\"]").await;
            let verdict = wait_for_text(browser, "Dokumen ini asli").await;
            assert!(verdict.contains(&tracking) || verdict.contains("SHA-256"), "{verdict}");
        })
        .await;
        let _ = std::fs::remove_file(&scan);
    })
    .await;
}

#[tokio::test]
async fn a_kiosk_ticket_is_called_at_a_counter_and_appears_on_the_live_board() {
    run_on(Backend::Sqlite, &async |app: &TestApp| {
        app.load_demo().await;
        crate::queue::open_all_day(app).await;
        journey("queue_board", app, async |browser: &Client, base: &str| {
            sign_in_as(browser, base, "loket.alak").await;
            browser
                .goto(&format!("{base}/queue/kantor-camat-alak/kiosk"))
                .await
                .expect("kiosk");
            click(browser, "[data-testid=group-A]").await;
            wait_for_text(browser, "A-001").await;
            let kiosk_window = browser.window().await.expect("window");

            // The board, in its own window, is open before the call.
            let board_window = browser.new_window(false).await.expect("new window").handle;
            browser
                .switch_to_window(board_window.clone())
                .await
                .expect("switch");
            browser
                .goto(&format!("{base}/queue/kantor-camat-alak/board"))
                .await
                .expect("board");
            wait_for_text(browser, "Loket 1").await;
            let before = browser
                .find(Locator::Css("[data-counter='1']"))
                .await
                .expect("counter 1")
                .text()
                .await
                .expect("text");
            assert_eq!(before, "—");

            // The counter calls the next number.
            browser
                .switch_to_window(kiosk_window)
                .await
                .expect("switch");
            browser
                .goto(&format!("{base}/queue/kantor-camat-alak/counters/1"))
                .await
                .expect("console");
            submit(browser, "[data-testid=call-next]").await;
            wait_for_text(browser, "Panggil ulang").await;

            // The board shows it without a reload (Server-Sent Events).
            browser
                .switch_to_window(board_window)
                .await
                .expect("switch");
            let mut shown = String::new();
            for _ in 0..100 {
                shown = browser
                    .find(Locator::Css("[data-counter='1']"))
                    .await
                    .expect("counter 1")
                    .text()
                    .await
                    .unwrap_or_default();
                if shown == "A-001" {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert_eq!(shown, "A-001", "the board was not updated live");
            let recent = browser
                .find(Locator::Css("[data-testid=recent-calls]"))
                .await
                .expect("recent calls")
                .text()
                .await
                .expect("text");
            assert!(recent.contains("A-001 → Loket 1"), "{recent}");
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn a_kominfo_officer_updates_the_health_protocol_and_the_public_sees_the_banner_and_the_feed()
{
    run_on(Backend::Sqlite, &async |app: &TestApp| {
        app.load_demo().await;
        announcements::demo::load(&app.state)
            .await
            .expect("demo announcements load");
        let protocol = "0193a000-0000-7000-8000-00000000a003";
        journey(
            "announcement_update",
            app,
            async |browser: &Client, base: &str| {
                sign_in_as(browser, base, "humas.kominfo").await;
                browser
                    .goto(&format!("{base}/office/announcements/{protocol}/edit"))
                    .await
                    .expect("edit form");
                fill(
                    browser,
                    "title",
                    "Protokol kesehatan: wajib masker di ruang tunggu",
                )
                .await;
                click(browser, "input[name=urgent]").await;
                submit(browser, "[data-testid=announcement-form]").await;
                wait_for_path(browser, &format!("/announcements/{protocol}")).await;
                let page = wait_for_text(browser, "Diperbarui pada").await;
                assert!(page.contains("versi 3"), "{page}");
                assert!(page.contains("+ # Protokol kesehatan: wajib masker di ruang tunggu"));

                // A visitor who is not signed in sees the banner on the home page.
                browser.delete_all_cookies().await.expect("cookies cleared");
                browser.goto(base).await.expect("home");
                let home =
                    wait_for_text(browser, "Protokol kesehatan: wajib masker di ruang tunggu")
                        .await;
                assert!(home.contains("Penting:"), "{home}");
                click(browser, "[data-testid=site-banner] a").await;
                wait_for_path(browser, &format!("/announcements/{protocol}")).await;

                // The feed carries the new version.
                browser
                    .goto(&format!("{base}/feeds/announcements.atom"))
                    .await
                    .expect("feed");
                let feed = browser.source().await.expect("source");
                assert!(
                    feed.contains("Protokol kesehatan: wajib masker di ruang tunggu"),
                    "{feed}"
                );
            },
        )
        .await;
    })
    .await;
}
