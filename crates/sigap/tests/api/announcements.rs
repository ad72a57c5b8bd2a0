//! Announcements: writing, publishing and versioning (with the visible diff), audiences, the
//! banner on every page, Atom feeds (parsed with Python's feedparser), CAP 1.2 alerts (validated
//! with `xmllint --schema` against the committed XSD), conditional GETs, subscriptions that
//! reach each subscriber once, the API and the demo data.

use std::{path::PathBuf, process::Command};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Browser, DEMO_PASSWORD, TestApp, location, on_both, send, signed_in};

const HUMAS: &str = "humas.kominfo";

/// Signs in `login` in a new browser.
async fn browser_as(app: &TestApp, login: &str) -> Browser {
    let web = app.browser();
    web.login_ok(login, DEMO_PASSWORD).await;
    web
}

fn form<'a>(title: &'a str, body: &'a str, category: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("category", category),
        ("audience", "public"),
        ("agencies", ""),
        ("title", title),
        ("body", body),
        ("instruction", ""),
        ("publish_at", ""),
        ("expires_at", ""),
    ]
}

/// Creates a draft through the office form; returns its id.
async fn draft(web: &Browser, fields: &[(&str, &str)]) -> String {
    let response = web.post("/office/announcements/new", fields).await;
    assert_eq!(response.status(), 303, "the draft is saved");
    location(&response)
        .strip_prefix("/announcements/")
        .expect("redirect to the announcement")
        .to_string()
}

async fn publish(web: &Browser, id: &str) {
    let response = web
        .post(&format!("/office/announcements/{id}/publish"), &[])
        .await;
    assert_eq!(response.status(), 303, "published");
}

/// Creates and publishes a public announcement; returns its id.
async fn published(web: &Browser, title: &str, body: &str, category: &str) -> String {
    let id = draft(web, &form(title, body, category)).await;
    publish(web, &id).await;
    id
}

async fn edit(
    web: &Browser,
    id: &str,
    based_on: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("based_on", based_on));
    web.post(&format!("/office/announcements/{id}/edit"), &all)
        .await
}

#[tokio::test]
async fn humas_writes_and_publishes_and_everyone_reads_it() {
    on_both(async |app| {
        app.load_demo().await;
        let humas = browser_as(app, HUMAS).await;
        let id = draft(
            &humas,
            &form(
                "Pembaruan jam layanan",
                "Loket buka **08.00** WITA.",
                "service_change",
            ),
        )
        .await;
        // A draft is for its authors only.
        let visitor = app.browser();
        assert_eq!(
            visitor.get(&format!("/announcements/{id}")).await.status(),
            404
        );
        assert!(
            !visitor
                .text("/announcements")
                .await
                .contains("Pembaruan jam layanan")
        );
        publish(&humas, &id).await;
        let page = visitor.text(&format!("/announcements/{id}")).await;
        assert!(page.contains("Pembaruan jam layanan"));
        assert!(
            page.contains("<strong>08.00</strong>"),
            "Markdown is rendered"
        );
        assert!(
            visitor
                .text("/announcements")
                .await
                .contains("Pembaruan jam layanan")
        );
        // Publishing twice is refused, and the audit log has every step.
        let again = humas
            .post(&format!("/office/announcements/{id}/publish"), &[])
            .await;
        assert_eq!(again.status(), 409);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE subject = 'announcement:{id}'"
            ))
            .await,
            2
        );
    })
    .await;
}

#[tokio::test]
async fn only_humas_of_the_owning_agency_or_a_superadmin_may_change_an_announcement() {
    on_both(async |app| {
        app.load_demo().await;
        let humas = browser_as(app, HUMAS).await;
        let id = published(&humas, "Kebijakan baru", "Isi kebijakan.", "policy").await;
        for login in ["asn.alak", "admin.layanan", "5371014107900001"] {
            let other = browser_as(app, login).await;
            let response = edit(&other, &id, "1", &form("Diubah", "Diubah.", "policy")).await;
            assert_eq!(response.status(), 403, "{login} may not edit");
            assert_eq!(
                other.get("/office/announcements").await.status(),
                403,
                "{login}"
            );
        }
        let admin = browser_as(app, "admin.sigap").await;
        let response = edit(
            &admin,
            &id,
            "1",
            &form("Kebijakan baru (revisi)", "Isi kebijakan.", "policy"),
        )
        .await;
        assert_eq!(response.status(), 303, "a superadmin may edit");
    })
    .await;
}

#[tokio::test]
async fn script_and_html_in_an_announcement_are_rendered_harmless() {
    on_both(async |app| {
        app.load_demo().await;
        let humas = browser_as(app, HUMAS).await;
        let title = "Awas <script>alert('t')</script>";
        let body = "Teks <script>alert('b')</script> <img src=x onerror=\"alert('i')\"> [klik](javascript:alert('l')) <b>tebal</b>";
        let id = published(&humas, title, body, "policy").await;
        let visitor = app.browser();
        for path in [format!("/announcements/{id}"), "/announcements".to_string()] {
            let page = visitor.text(&path).await;
            assert!(!page.contains("<script>alert"), "{path}: no script survives");
            assert!(!page.contains("onerror"), "{path}: no event handler survives");
            assert!(!page.contains("javascript:"), "{path}: no javascript: link survives");
        }
        let page = visitor.text(&format!("/announcements/{id}")).await;
        assert!(page.contains("Awas &#60;script&#62;") || page.contains("Awas &lt;script&gt;"), "the title is escaped");
        assert!(page.contains("<b>tebal</b>"), "harmless markup stays");
        let feed = visitor.text("/feeds/announcements.atom").await;
        assert!(!feed.contains("<script"), "the feed carries no live script");
        let api: Value = app.api().request(Method::GET, &format!("/api/v1/announcements/{id}")).send().await.expect("send").json().await.expect("json");
        assert!(!api["body_html"].as_str().unwrap_or_default().contains("<script"));
        assert_eq!(api["body"], body, "the text as written is kept");
    })
    .await;
}

#[tokio::test]
async fn an_expiry_before_the_publish_time_is_refused_next_to_the_field_and_the_form_keeps_the_text()
 {
    on_both(async |app| {
        app.load_demo().await;
        let humas = browser_as(app, HUMAS).await;
        let mut fields = form(
            "Penutupan jalan Namosain",
            "Jalan ditutup untuk perbaikan drainase.",
            "service_change",
        );
        fields.retain(|(k, _)| *k != "publish_at" && *k != "expires_at");
        fields.push(("publish_at", "2026-12-10T08:00"));
        fields.push(("expires_at", "2026-12-09T08:00"));
        let response = humas.post("/office/announcements/new", &fields).await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.expect("text");
        assert!(
            page.contains("id=\"expires_at-error\""),
            "the message sits at the expiry field"
        );
        assert!(page.contains("Waktu berakhir harus sesudah waktu terbit."));
        assert!(
            page.contains("Penutupan jalan Namosain")
                && page.contains("Jalan ditutup untuk perbaikan drainase.")
        );
        assert!(
            page.contains("value=\"2026-12-10T08:00\"")
                && page.contains("value=\"2026-12-09T08:00\"")
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM announcements").await,
            0,
            "nothing saved"
        );
        // The API says the same with the platform's error shape.
        let api = signed_in(app, HUMAS).await;
        let refused = send(
            &api,
            Method::POST,
            "/api/v1/office/announcements",
            Some(json!({
            "category": "policy", "audience": "public", "title": "T", "body": "B",
            "publish_at": "2026-12-10T08:00", "expires_at": "2026-12-10T07:00"})),
        )
        .await;
        assert_eq!(refused.status(), 422);
        let body: Value = refused.json().await.expect("json");
        assert_eq!(
            crate::support::field_errors(&body, "code"),
            vec!["announcements.expiry_before_publish"]
        );
    })
    .await;
}

#[tokio::test]
async fn a_save_based_on_an_older_version_is_refused_and_nothing_is_overwritten() {
    on_both(async |app| {
        app.load_demo().await;
        let humas = browser_as(app, HUMAS).await;
        let admin = browser_as(app, "admin.sigap").await;
        let id = published(&humas, "Protokol kesehatan", "Cuci tangan.", "health_protocol").await;
        // Both open the form at version 1; the superadmin saves first.
        let first = edit(&admin, &id, "1", &form("Protokol kesehatan", "Cuci tangan dan pakai masker.", "health_protocol")).await;
        assert_eq!(first.status(), 303);
        let later = edit(&humas, &id, "1", &form("Protokol kesehatan", "Cuci tangan dengan sabun.", "health_protocol")).await;
        assert_eq!(later.status(), 409);
        let page = later.text().await.expect("text");
        assert!(page.contains("data-testid=\"edit-conflict\""));
        assert!(page.contains("sudah diubah orang lain"));
        assert!(page.contains("Cuci tangan dengan sabun."), "the refused text stays in the form");
        let current: Value = app.api().request(Method::GET, &format!("/api/v1/announcements/{id}")).send().await.expect("send").json().await.expect("json");
        assert_eq!(current["version"], 2);
        assert_eq!(current["body"], "Cuci tangan dan pakai masker.", "the first save was kept");
        // The API refuses the same way.
        let api = signed_in(app, HUMAS).await;
        let stale = send(&api, Method::PUT, &format!("/api/v1/office/announcements/{id}"), Some(json!({
            "based_on": 1, "category": "health_protocol", "audience": "public", "title": "X", "body": "Y"}))).await;
        assert_eq!(stale.status(), 409);
        let body: Value = stale.json().await.expect("json");
        assert_eq!(body["error"]["code"], "announcements.edited_meanwhile");
    })
    .await;
}

#[tokio::test]
async fn every_edit_is_a_new_version_and_the_page_shows_when_and_what_changed() {
    on_both(async |app| {
        app.load_demo().await;
        let humas = browser_as(app, HUMAS).await;
        let id = published(&humas, "Protokol kesehatan", "Cuci tangan.\nPakai masker.", "health_protocol").await;
        let page = app.browser().text(&format!("/announcements/{id}")).await;
        assert!(!page.contains("data-testid=\"updated-on\""), "one version: nothing updated yet");
        let saved = edit(&humas, &id, "1", &form("Protokol kesehatan", "Cuci tangan.\nJaga jarak.", "health_protocol")).await;
        assert_eq!(saved.status(), 303);
        let page = app.browser().text(&format!("/announcements/{id}")).await;
        assert!(page.contains("data-testid=\"updated-on\">Diperbarui pada"));
        assert!(page.contains("data-kind=\"removed\">- Pakai masker."), "{page}");
        assert!(page.contains("data-kind=\"added\">+ Jaga jarak."));
        assert!(page.contains("data-kind=\"same\">  Cuci tangan."));
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM announcement_versions WHERE announcement_id = '{id}'")).await, 2);
        // Version 1 is kept as it was.
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM announcement_versions WHERE announcement_id = '{id}' AND version = 1 AND body = 'Cuci tangan.\nPakai masker.'")).await, 1);
    })
    .await;
}

#[tokio::test]
async fn announcements_for_civil_servants_or_chosen_agencies_reach_only_them() {
    on_both(async |app| {
        app.load_demo().await;
        let humas = browser_as(app, HUMAS).await;
        let mut asn_fields = form("Apel pagi ASN", "Apel pagi Senin pukul 07.30.", "policy");
        asn_fields.retain(|(k, _)| *k != "audience");
        asn_fields.push(("audience", "all_asn"));
        let for_asn = draft(&humas, &asn_fields).await;
        publish(&humas, &for_asn).await;
        let mut dinkes_fields = form("Rapat Dinkes", "Rapat koordinasi DBD.", "health_protocol");
        dinkes_fields.retain(|(k, _)| *k != "audience" && *k != "agencies");
        dinkes_fields.push(("audience", "agencies"));
        dinkes_fields.push(("agencies", "dinkes"));
        let for_dinkes = draft(&humas, &dinkes_fields).await;
        publish(&humas, &for_dinkes).await;

        let anonymous = app.browser();
        let citizen = browser_as(app, "5371014107900001").await;
        let asn = browser_as(app, "asn.alak").await;
        let reviewer = browser_as(app, "reviewer.dinkes").await;
        let path = |id: &str| format!("/announcements/{id}");
        assert_eq!(
            anonymous.get(&path(&for_asn)).await.status(),
            303,
            "asked to sign in"
        );
        assert_eq!(citizen.get(&path(&for_asn)).await.status(), 404);
        assert_eq!(asn.get(&path(&for_asn)).await.status(), 200);
        assert_eq!(reviewer.get(&path(&for_asn)).await.status(), 200);
        assert_eq!(
            asn.get(&path(&for_dinkes)).await.status(),
            404,
            "not asn.alak's agency"
        );
        assert_eq!(reviewer.get(&path(&for_dinkes)).await.status(), 200);
        assert!(
            !anonymous
                .text("/announcements")
                .await
                .contains("Apel pagi ASN")
        );
        assert!(asn.text("/announcements").await.contains("Apel pagi ASN"));
        assert!(!asn.text("/announcements").await.contains("Rapat Dinkes"));
        // Neither is in the public feeds.
        let feed = anonymous.text("/feeds/announcements.atom").await;
        assert!(!feed.contains("Apel pagi ASN") && !feed.contains("Rapat Dinkes"));
        // The API applies the same rule.
        let asn_api = signed_in(app, "asn.alak").await;
        let listed: Value = send(&asn_api, Method::GET, "/api/v1/announcements", None)
            .await
            .json()
            .await
            .expect("json");
        let titles: Vec<&str> = listed
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|a| a["title"].as_str())
            .collect();
        assert!(titles.contains(&"Apel pagi ASN") && !titles.contains(&"Rapat Dinkes"));
        assert_eq!(
            app.api()
                .request(Method::GET, &format!("/api/v1/announcements/{for_asn}"))
                .send()
                .await
                .expect("send")
                .status(),
            404
        );
    })
    .await;
}

#[tokio::test]
async fn an_urgent_announcement_shows_a_banner_on_every_page_only_within_its_window() {
    on_both(async |app| {
        app.load_demo().await;
        let humas = browser_as(app, HUMAS).await;
        let visitor = app.browser();
        assert!(
            !visitor
                .text("/")
                .await
                .contains("data-testid=\"site-banner\"")
        );
        let id = published(
            &humas,
            "Banjir rob di Namosain",
            "Air pasang tinggi.",
            "emergency",
        )
        .await;
        for path in ["/", "/services", "/announcements", "/login", "/complaints"] {
            let page = visitor.text(path).await;
            assert!(
                page.contains("data-testid=\"site-banner\""),
                "{path} shows the banner"
            );
            assert!(page.contains("Banjir rob di Namosain"), "{path}");
        }
        // Scheduled for later: not yet shown; when the time comes it shows without a restart.
        let later = clock_ms() + 3_600_000;
        app.sql(&format!(
            "UPDATE announcements SET publish_at_ms = {later} WHERE id = '{id}'"
        ))
        .await;
        app.state.banners.invalidate();
        assert!(
            !visitor.text("/").await.contains("Banjir rob di Namosain"),
            "scheduled: not yet"
        );
        app.sql(&format!(
            "UPDATE announcements SET publish_at_ms = {} WHERE id = '{id}'",
            clock_ms() - 1000
        ))
        .await;
        app.state.banners.invalidate();
        assert!(
            visitor.text("/").await.contains("Banjir rob di Namosain"),
            "started"
        );
        // Expired: gone.
        app.sql(&format!(
            "UPDATE announcements SET expires_at_ms = {} WHERE id = '{id}'",
            clock_ms() - 1
        ))
        .await;
        app.state.banners.invalidate();
        assert!(
            !visitor.text("/").await.contains("Banjir rob di Namosain"),
            "expired"
        );
        // A cancelled one is gone too.
        let other = published(
            &humas,
            "Kebakaran di Alak",
            "Hindari Jalan Alak.",
            "emergency",
        )
        .await;
        assert!(visitor.text("/").await.contains("Kebakaran di Alak"));
        let cancelled = humas
            .post(&format!("/office/announcements/{other}/cancel"), &[])
            .await;
        assert_eq!(cancelled.status(), 303);
        assert!(!visitor.text("/").await.contains("Kebakaran di Alak"));
    })
    .await;
}

fn clock_ms() -> i64 {
    platform::clock::now_ms()
}

/// Whether a tool the test needs is installed: `false` (with a note) when missing, a failure
/// under CI=true (`.ci/run` installs it).
fn tool_available(program: &str, args: &[&str], what: &str) -> bool {
    let ok = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "{what} must be installed under CI=true"
        );
        eprintln!("note: {what} not installed; skipped");
    }
    ok
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("sigap-{}-{name}", uuid::Uuid::now_v7().simple()));
    std::fs::write(&path, contents).expect("temp file written");
    path
}

const FEEDPARSER: &str = r#"
import json, sys, feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({
    "bozo": int(bool(d.bozo)), "error": str(d.get("bozo_exception", "")), "version": d.version,
    "title": d.feed.get("title"), "updated": d.feed.get("updated"),
    "self": [l["href"] for l in d.feed.get("links", []) if l.get("rel") == "self"],
    "entries": [{"id": e.id, "title": e.title, "updated": e.updated, "link": e.link,
                 "category": [t["term"] for t in e.get("tags", [])],
                 "language": e.get("title_detail", {}).get("language"),
                 "summary": e.get("summary", ""),
                 "content": e.content[0].value if e.get("content") else ""} for e in d.entries]}))
"#;

fn feedparser(xml: &str) -> Value {
    let file = temp_file("feed.atom", xml);
    let output = Command::new("python3")
        .arg("-c")
        .arg(FEEDPARSER)
        .arg(&file)
        .output()
        .expect("python3 runs");
    let _ = std::fs::remove_file(&file);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("feedparser's JSON")
}

#[tokio::test]
async fn atom_feeds_of_all_and_of_one_category_parse_with_feedparser() {
    if !tool_available(
        "python3",
        &["-c", "import feedparser"],
        "python3 with feedparser",
    ) {
        return;
    }
    on_both(async |app| {
        app.load_demo().await;
        let humas = browser_as(app, HUMAS).await;
        let id = published(
            &humas,
            "Protokol posyandu",
            "Bawa buku KIA.",
            "health_protocol",
        )
        .await;
        let saved = edit(
            &humas,
            &id,
            "1",
            &form(
                "Protokol posyandu (versi 2)",
                "Bawa buku KIA dan masker.",
                "health_protocol",
            ),
        )
        .await;
        assert_eq!(saved.status(), 303);
        published(
            &humas,
            "Perubahan jadwal loket",
            "Loket tutup pukul 14.00.",
            "service_change",
        )
        .await;

        let response = app.browser().get("/feeds/announcements.atom").await;
        assert_eq!(
            response.headers()["content-type"],
            "application/atom+xml; charset=utf-8"
        );
        let all = feedparser(&response.text().await.expect("text"));
        assert_eq!(all["bozo"], 0, "well-formed Atom: {}", all["error"]);
        assert_eq!(all["version"], "atom10");
        assert_eq!(
            all["self"][0],
            format!(
                "{}/feeds/announcements.atom",
                app.state.settings.base_url.as_str().trim_end_matches('/')
            )
        );
        let entries = all["entries"].as_array().expect("entries");
        assert_eq!(entries.len(), 2);
        let protocol = entries
            .iter()
            .find(|e| e["id"] == format!("urn:uuid:{id}"))
            .expect("the protocol entry");
        assert_eq!(
            protocol["title"], "Protokol posyandu (versi 2)",
            "the feed shows the new version"
        );
        assert!(
            protocol["content"]
                .as_str()
                .unwrap_or_default()
                .contains("masker")
        );
        assert_eq!(protocol["category"][0], "health_protocol");
        assert!(
            protocol["updated"]
                .as_str()
                .unwrap_or_default()
                .ends_with("+08:00")
        );

        let one = feedparser(
            &app.browser()
                .text("/feeds/announcements/health-protocol.atom")
                .await,
        );
        assert_eq!(one["bozo"], 0, "{}", one["error"]);
        let titles: Vec<&str> = one["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["title"].as_str())
            .collect();
        assert_eq!(titles, vec!["Protokol posyandu (versi 2)"]);
        assert_eq!(
            app.browser()
                .get("/feeds/announcements/nonsense.atom")
                .await
                .status(),
            404
        );
    })
    .await;
}

fn schema() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../announcements/schema/CAP-v1.2.xsd")
}

fn xmllint_valid(xml: &str) {
    let file = temp_file("alert.xml", xml);
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema())
        .arg(&file)
        .output()
        .expect("xmllint runs");
    let _ = std::fs::remove_file(&file);
    assert!(
        output.status.success(),
        "CAP document invalid: {}\n{xml}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn element<'a>(xml: &'a str, name: &str) -> &'a str {
    xml.split(&format!("<{name}>"))
        .nth(1)
        .and_then(|rest| rest.split(&format!("</{name}>")).next())
        .unwrap_or_default()
}

#[tokio::test]
async fn urgent_announcements_are_cap_1_2_alerts_updated_and_cancelled_by_reference() {
    if !tool_available("xmllint", &["--version"], "xmllint (libxml2-utils)") {
        return;
    }
    on_both(async |app| {
        app.load_demo().await;
        let humas = browser_as(app, HUMAS).await;
        let visitor = app.browser();
        let mut fields = form("Banjir rob di Namosain", "Air laut pasang tinggi.", "emergency");
        fields.retain(|(k, _)| *k != "instruction");
        fields.push(("instruction", "Jauhi bibir pantai & amankan dokumen <penting>."));
        let id = draft(&humas, &fields).await;
        publish(&humas, &id).await;

        let index = visitor.text("/cap/alerts.xml").await;
        let link = index.split("type=\"application/cap+xml\" href=\"").nth(1).and_then(|r| r.split('"').next()).expect("a CAP link in the index");
        let path = link.split_once("/cap/").map(|(_, p)| format!("/cap/{p}")).expect("path");
        let response = visitor.get(&path).await;
        assert_eq!(response.headers()["content-type"], "application/cap+xml; charset=utf-8");
        let alert = response.text().await.expect("text");
        xmllint_valid(&alert);
        assert_eq!(element(&alert, "msgType"), "Alert");
        assert_eq!(element(&alert, "status"), "Actual");
        assert_eq!(element(&alert, "scope"), "Public");
        assert_eq!(element(&alert, "sender"), "sigap@alak.kupangkota.go.id");
        assert!(element(&alert, "sent").ends_with("+08:00"), "sent in WITA");
        assert_eq!(element(&alert, "urgency"), "Immediate");
        assert_eq!(element(&alert, "severity"), "Severe");
        assert_eq!(element(&alert, "headline"), "Banjir rob di Namosain");
        assert_eq!(element(&alert, "instruction"), "Jauhi bibir pantai &#38; amankan dokumen &#60;penting&#62;.");
        assert!(alert.contains("<areaDesc>Kecamatan Alak, Kota Kupang"));
        assert!(alert.contains("<value>53.71.01</value>"));
        let first = (element(&alert, "identifier").to_string(), element(&alert, "sent").to_string());

        // An edit is an Update that references the Alert.
        let saved = edit(&humas, &id, "1", &form("Banjir rob di Namosain dan Nunhila", "Air laut pasang tinggi.", "emergency")).await;
        assert_eq!(saved.status(), 303);
        let index = visitor.text("/cap/alerts.xml").await;
        let link = index.split("type=\"application/cap+xml\" href=\"").nth(1).and_then(|r| r.split('"').next()).expect("a CAP link");
        let path = link.split_once("/cap/").map(|(_, p)| format!("/cap/{p}")).expect("path");
        let update = visitor.text(&path).await;
        xmllint_valid(&update);
        assert_eq!(element(&update, "msgType"), "Update");
        assert_eq!(element(&update, "references"), format!("sigap@alak.kupangkota.go.id,{},{}", first.0, first.1));
        assert_ne!(element(&update, "identifier"), first.0);
        // Cancelling sends a Cancel referencing both, and the alert leaves the index.
        let cancelled = humas.post(&format!("/office/announcements/{id}/cancel"), &[]).await;
        assert_eq!(cancelled.status(), 303);
        assert!(!visitor.text("/cap/alerts.xml").await.contains("application/cap+xml\" href"));
        let identifiers: Vec<String> = {
            use sqlx::Row as _;
            sqlx::query("SELECT identifier, msg_type FROM announcement_cap_messages WHERE announcement_id = $1 ORDER BY sent_ms, identifier")
                .bind(&id).fetch_all(&app.state.db.read).await.expect("query")
                .iter().map(|r| format!("{}:{}", r.get::<String, _>("msg_type"), r.get::<String, _>("identifier"))).collect()
        };
        assert_eq!(identifiers.len(), 3);
        let cancel_id = identifiers[2].strip_prefix("Cancel:").expect("the last is a Cancel");
        let cancel = visitor.text(&format!("/cap/alerts/{cancel_id}.xml")).await;
        xmllint_valid(&cancel);
        assert_eq!(element(&cancel, "msgType"), "Cancel");
        assert_eq!(element(&cancel, "references").split(' ').count(), 2);
        // A policy notice is no alert.
        published(&humas, "Kebijakan parkir", "Parkir di halaman belakang.", "policy").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM announcement_cap_messages").await, 3);
        assert_eq!(visitor.get("/cap/alerts/unknown.xml").await.status(), 404);
    })
    .await;
}

#[tokio::test]
async fn feeds_alerts_and_pages_answer_conditional_gets_with_304() {
    on_both(async |app| {
        app.load_demo().await;
        let humas = browser_as(app, HUMAS).await;
        let id = published(&humas, "Banjir rob", "Air pasang.", "emergency").await;
        let client = reqwest::Client::new();
        for path in [
            "/feeds/announcements.atom",
            "/feeds/announcements/emergency.atom",
            "/cap/alerts.xml",
        ] {
            let url = format!("{}{path}", app.base);
            let first = client.get(&url).send().await.expect("send");
            assert_eq!(first.status(), 200);
            assert!(
                first.headers().get("set-cookie").is_none(),
                "{path}: a shared-cacheable response sets no cookie"
            );
            let etag = first.headers()["etag"].to_str().expect("etag").to_string();
            let modified = first.headers()["last-modified"]
                .to_str()
                .expect("last-modified")
                .to_string();
            let again = client
                .get(&url)
                .header("If-None-Match", &etag)
                .send()
                .await
                .expect("send");
            assert_eq!(
                again.status(),
                StatusCode::NOT_MODIFIED,
                "{path} If-None-Match"
            );
            assert!(again.bytes().await.expect("body").is_empty());
            let since = client
                .get(&url)
                .header("If-Modified-Since", &modified)
                .send()
                .await
                .expect("send");
            assert_eq!(
                since.status(),
                StatusCode::NOT_MODIFIED,
                "{path} If-Modified-Since"
            );
            let stale = client
                .get(&url)
                .header("If-None-Match", "\"other\"")
                .header("If-Modified-Since", &modified)
                .send()
                .await
                .expect("send");
            assert_eq!(
                stale.status(),
                200,
                "{path}: If-None-Match wins over If-Modified-Since"
            );
            let old = client
                .get(&url)
                .header("If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT")
                .send()
                .await
                .expect("send");
            assert_eq!(old.status(), 200, "{path}: modified since 2024");
        }
        // A page: the same browser gets 304 until the announcement changes.
        let visitor = app.browser();
        let page = visitor.get(&format!("/announcements/{id}")).await;
        let etag = page.headers()["etag"].to_str().expect("etag").to_string();
        let cached = visitor
            .client
            .get(visitor.url(&format!("/announcements/{id}")))
            .header("If-None-Match", &etag)
            .send()
            .await
            .expect("send");
        assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
        let feed_etag = client
            .get(format!("{}/feeds/announcements.atom", app.base))
            .send()
            .await
            .expect("send")
            .headers()["etag"]
            .to_str()
            .expect("etag")
            .to_string();
        assert_eq!(
            edit(
                &humas,
                &id,
                "1",
                &form("Banjir rob (diperbarui)", "Air pasang tinggi.", "emergency")
            )
            .await
            .status(),
            303
        );
        let changed = visitor
            .client
            .get(visitor.url(&format!("/announcements/{id}")))
            .header("If-None-Match", &etag)
            .send()
            .await
            .expect("send");
        assert_eq!(changed.status(), 200, "a new version is a new page");
        let feed = client
            .get(format!("{}/feeds/announcements.atom", app.base))
            .header("If-None-Match", &feed_etag)
            .send()
            .await
            .expect("send");
        assert_eq!(feed.status(), 200, "a new version is a new feed");
    })
    .await;
}

async fn emails_to(app: &TestApp, to: &str, subject_part: &str) -> usize {
    app.sent_emails()
        .iter()
        .filter(|m| {
            m["to"] == to
                && m["subject"]
                    .as_str()
                    .unwrap_or_default()
                    .contains(subject_part)
        })
        .count()
}

/// The token of a link `…{marker}TOKEN` in a message body.
fn token_after(message: &Value, marker: &str) -> String {
    message["body"]
        .as_str()
        .unwrap_or_default()
        .split(marker)
        .nth(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
        })
        .filter(|token| !token.is_empty())
        .unwrap_or_else(|| panic!("a {marker} link in {message}"))
}

fn unsubscribe_token(message: &Value) -> String {
    token_after(message, "/announcements/unsubscribe?token=")
}

/// Waits until `count` confirmation messages went to `to`; their tokens, oldest first.
async fn confirmation_tokens(app: &TestApp, to: &str, count: usize) -> Vec<String> {
    for _ in 0..200 {
        let tokens: Vec<String> = app
            .sent_emails()
            .iter()
            .filter(|m| {
                m["to"] == to
                    && m["body"]
                        .as_str()
                        .unwrap_or_default()
                        .contains("/announcements/confirm?token=")
            })
            .map(|m| token_after(m, "/announcements/confirm?token="))
            .collect();
        if tokens.len() >= count {
            return tokens;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{count} confirmation messages to {to} were not delivered within 10 s");
}

/// Subscribes `to` by address through the web form and confirms it with the link sent.
async fn subscribe_confirmed(app: &TestApp, to: &str, categories: &[&str]) {
    let earlier = confirmation_tokens(app, to, 0).await.len();
    let web = app.browser();
    let mut fields = vec![("channel", "email"), ("address", to)];
    fields.extend(categories.iter().map(|c| ("categories", *c)));
    let asked = web.post("/announcements/subscribe", &fields).await;
    assert_eq!(asked.status(), 200);
    assert!(
        asked
            .text()
            .await
            .expect("text")
            .contains("data-testid=\"confirmation-sent\"")
    );
    let secret = confirmation_tokens(app, to, earlier + 1)
        .await
        .remove(earlier);
    let confirmed = web
        .post("/announcements/confirm", &[("token", &secret)])
        .await;
    assert_eq!(confirmed.status(), 200, "confirmed");
}

async fn deliveries(app: &TestApp, id: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM announcement_deliveries WHERE announcement_id = '{id}'"
    ))
    .await
}

#[tokio::test]
async fn a_subscriber_gets_each_version_once_and_can_unsubscribe() {
    on_both(async |app| {
        app.load_demo().await;
        let to = "warga.alak@example.id";
        let subscribed = send(
            &app.api(),
            Method::POST,
            "/api/v1/announcement-subscriptions",
            Some(json!({"channel": "email", "address": to, "categories": ["health_protocol"]})),
        )
        .await;
        assert_eq!(subscribed.status(), 201);
        let outcome = subscribed.json::<Value>().await.expect("json");
        assert_eq!(outcome["state"], "confirmation_sent");
        assert!(
            outcome["unsubscribe_token"].is_null(),
            "an address alone learns no token"
        );
        let secret = confirmation_tokens(app, to, 1).await.remove(0);
        let confirmed = send(
            &app.api(),
            Method::POST,
            "/api/v1/announcement-subscriptions/confirm",
            Some(json!({"token": secret})),
        )
        .await;
        assert_eq!(confirmed.status(), 204);

        let humas = browser_as(app, HUMAS).await;
        published(&humas, "Kebijakan parkir", "Parkir di belakang.", "policy").await;
        let id = published(
            &humas,
            "Protokol DBD",
            "Kuras bak mandi.",
            "health_protocol",
        )
        .await;
        let first = app
            .wait_for_email(|m| {
                m["to"] == to
                    && m["subject"]
                        .as_str()
                        .unwrap_or_default()
                        .contains("Protokol DBD")
            })
            .await;
        let token = unsubscribe_token(&first);
        // Several nodes running the dispatcher at once change nothing.
        let (a, b) = tokio::join!(
            announcements::subscriptions::dispatch_due(&app.state),
            announcements::subscriptions::dispatch_due(&app.state)
        );
        assert_eq!(a.expect("round") + b.expect("round"), 0);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM announcement_deliveries WHERE announcement_id = '{id}'"
            ))
            .await,
            1
        );
        assert_eq!(emails_to(app, to, "Protokol DBD").await, 1, "once");
        assert_eq!(
            emails_to(app, to, "Kebijakan parkir").await,
            0,
            "not a subscribed category"
        );

        // An update reaches the subscriber once more.
        assert_eq!(
            edit(
                &humas,
                &id,
                "1",
                &form(
                    "Protokol DBD",
                    "Kuras bak mandi dan tutup wadah air.",
                    "health_protocol"
                )
            )
            .await
            .status(),
            303
        );
        app.wait_for_email(|m| {
            m["to"] == to
                && m["subject"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("diperbarui")
        })
        .await;
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM announcement_deliveries WHERE announcement_id = '{id}'"
            ))
            .await,
            2
        );

        // The link in the message ends the subscription; later versions no longer arrive.
        let web = app.browser();
        let page = web
            .text(&format!("/announcements/unsubscribe?token={token}"))
            .await;
        assert!(page.contains("data-testid=\"unsubscribe\""));
        let done = web
            .post("/announcements/unsubscribe", &[("token", &token)])
            .await;
        assert_eq!(done.status(), 200);
        assert!(
            done.text()
                .await
                .expect("text")
                .contains("data-testid=\"unsubscribed\"")
        );
        assert_eq!(
            edit(
                &humas,
                &id,
                "2",
                &form("Protokol DBD", "Versi tiga.", "health_protocol")
            )
            .await
            .status(),
            303
        );
        announcements::subscriptions::dispatch_due(&app.state)
            .await
            .expect("round");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM announcement_deliveries WHERE announcement_id = '{id}'"
            ))
            .await,
            2
        );
        let again = web
            .post("/announcements/unsubscribe", &[("token", &token)])
            .await;
        assert_eq!(again.status(), 404, "an ended subscription's link says so");
    })
    .await;
}

#[tokio::test]
async fn a_scheduled_announcement_reaches_subscribers_when_its_time_comes() {
    on_both(async |app| {
        app.load_demo().await;
        let to = "asn.subscriber@example.id";
        subscribe_confirmed(app, to, &["service_change"]).await;
        let humas = browser_as(app, HUMAS).await;
        let mut fields = form(
            "Loket pindah ke MPP",
            "Mulai pekan depan.",
            "service_change",
        );
        fields.retain(|(k, _)| *k != "publish_at");
        fields.push(("publish_at", "2099-01-01T08:00"));
        let id = draft(&humas, &fields).await;
        publish(&humas, &id).await;
        announcements::subscriptions::dispatch_due(&app.state)
            .await
            .expect("round");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM announcement_deliveries WHERE announcement_id = '{id}'"
            ))
            .await,
            0,
            "not before its time"
        );
        assert!(
            !app.browser()
                .text("/announcements")
                .await
                .contains("Loket pindah ke MPP")
        );
        app.sql(&format!(
            "UPDATE announcements SET publish_at_ms = {} WHERE id = '{id}'",
            clock_ms() - 1000
        ))
        .await;
        announcements::subscriptions::dispatch_due(&app.state)
            .await
            .expect("round");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM announcement_deliveries WHERE announcement_id = '{id}'"
            ))
            .await,
            1
        );
        assert!(
            app.browser()
                .text("/announcements")
                .await
                .contains("Loket pindah ke MPP")
        );
    })
    .await;
}

#[tokio::test]
async fn a_bad_subscription_gets_messages_next_to_the_fields_and_keeps_the_input() {
    on_both(async |app| {
        let web = app.browser();
        let response = web
            .post(
                "/announcements/subscribe",
                &[("channel", "sms"), ("address", "bukan-nomor")],
            )
            .await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.expect("text");
        assert!(page.contains("id=\"address-error\""));
        assert!(page.contains("value=\"bukan-nomor\""));
        assert!(page.contains("Pilih paling sedikit satu kategori."));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM announcement_subscriptions")
                .await,
            0
        );
        web.post("/lang", &[("lang", "en"), ("next", "/")]).await;
        let english = web
            .post(
                "/announcements/subscribe",
                &[
                    ("channel", "email"),
                    ("address", "x@"),
                    ("categories", "policy"),
                ],
            )
            .await;
        assert!(
            english
                .text()
                .await
                .expect("text")
                .contains("This email address or mobile number is not valid")
        );
    })
    .await;
}

#[tokio::test]
async fn the_api_creates_edits_publishes_and_cancels_and_is_documented() {
    on_both(async |app| {
        app.load_demo().await;
        let api = signed_in(app, HUMAS).await;
        let created = send(&api, Method::POST, "/api/v1/office/announcements", Some(json!({
            "category": "policy", "audience": "public", "title": "Kebijakan API", "body": "Isi.", "pinned": "1"}))).await;
        assert_eq!(created.status(), 201);
        let id = created.json::<Value>().await.expect("json")["id"].as_str().expect("id").to_string();
        let edited = send(&api, Method::PUT, &format!("/api/v1/office/announcements/{id}"), Some(json!({
            "based_on": 1, "category": "policy", "audience": "public", "title": "Kebijakan API (2)", "body": "Isi baru.", "pinned": "1"}))).await;
        assert_eq!(edited.status(), 200);
        assert_eq!(edited.json::<Value>().await.expect("json")["version"], 2);
        let published = send(&api, Method::POST, &format!("/api/v1/office/announcements/{id}/publish"), None).await;
        assert_eq!(published.status(), 200);
        let body: Value = published.json().await.expect("json");
        assert_eq!(body["phase"], "active");
        assert_eq!(body["pinned"], true);
        let listed: Value = app.api().request(Method::GET, "/api/v1/announcements").send().await.expect("send").json().await.expect("json");
        assert_eq!(listed[0]["title"], "Kebijakan API (2)", "pinned first");
        let cancelled = send(&api, Method::POST, &format!("/api/v1/office/announcements/{id}/cancel"), None).await;
        assert_eq!(cancelled.json::<Value>().await.expect("json")["status"], "cancelled");
        let citizen = signed_in(app, "5371014107900001").await;
        let refused = send(&citizen, Method::POST, "/api/v1/office/announcements", Some(json!({}))).await;
        assert_eq!(refused.status(), 403);
        let doc: Value = app.api().request(Method::GET, "/api/v1/openapi.json").send().await.expect("send").json().await.expect("json");
        for path in ["/api/v1/announcements", "/api/v1/announcements/{id}", "/api/v1/office/announcements",
                     "/api/v1/office/announcements/{id}", "/api/v1/office/announcements/{id}/publish",
                     "/api/v1/office/announcements/{id}/cancel", "/api/v1/announcement-subscriptions",
                     "/api/v1/announcement-subscriptions/{token}", "/api/v1/office/announcements/{id}/end",
                     "/api/v1/announcement-subscriptions/confirm"] {
            assert!(doc["paths"][path].is_object(), "{path} is documented");
        }
        let schemas = &doc["components"]["schemas"];
        assert!(schemas["AnnouncementInput"]["properties"]["title_en"].is_object());
        assert!(schemas["SubscriptionInput"]["properties"]["internal"].is_object());
        assert!(schemas["Announcement"]["properties"]["only_in_indonesian"].is_object());
    })
    .await;
}

#[tokio::test]
async fn the_demo_announcements_load_once_with_two_protocol_versions_and_an_expired_alert() {
    on_both(async |app| {
        app.load_demo().await;
        assert_eq!(
            announcements::demo::load(&app.state).await.expect("loads"),
            4
        );
        assert_eq!(
            announcements::demo::load(&app.state)
                .await
                .expect("loads again"),
            0
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM announcements").await, 4);
        let visitor = app.browser();
        let list = visitor.text("/announcements").await;
        assert!(list.contains("Protokol kesehatan di ruang layanan (diperbarui)"));
        assert!(
            !list.contains("Peringatan banjir rob"),
            "the expired alert is no longer listed"
        );
        assert!(
            !visitor
                .text("/")
                .await
                .contains("data-testid=\"site-banner\""),
            "no banner for an expired alert"
        );
        let protocol = visitor
            .text("/announcements/0193a000-0000-7000-8000-00000000a003")
            .await;
        assert!(protocol.contains("data-testid=\"updated-on\""));
        assert!(protocol.contains("data-kind=\"added\">+ - menjaga jarak"));
        // The service-hours notice has an English text; English readers get it.
        let english = app.browser();
        english
            .post("/lang", &[("lang", "en"), ("next", "/")])
            .await;
        let hours = english
            .text("/announcements/0193a000-0000-7000-8000-00000000a002")
            .await;
        assert!(hours.contains("Counter opening hours during December 2026"));
        assert!(!hours.contains("data-testid=\"only-indonesian\""));
        let expired = visitor
            .text("/announcements/0193a000-0000-7000-8000-00000000a004")
            .await;
        assert!(expired.contains("data-testid=\"expired\""));
        let alert = visitor
            .get("/cap/alerts/0193a000-0000-7000-8000-00000000a004-1.xml")
            .await;
        assert_eq!(
            alert.status(),
            200,
            "the expired alert's document stays readable"
        );
        assert!(
            !visitor
                .text("/cap/alerts.xml")
                .await
                .contains("application/cap+xml\" href"),
            "but it is not active"
        );
    })
    .await;
}

#[tokio::test]
async fn an_address_receives_nothing_until_confirmed_and_an_unopened_link_expires() {
    on_both(async |app| {
        app.load_demo().await;
        let to = "pendatang@example.id";
        let web = app.browser();
        let asked = web
            .post(
                "/announcements/subscribe",
                &[
                    ("channel", "email"),
                    ("address", to),
                    ("categories", "policy"),
                ],
            )
            .await;
        assert_eq!(asked.status(), 200);
        let secret = confirmation_tokens(app, to, 1).await.remove(0);
        // Only a hash of the secret is stored.
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM announcement_subscriptions WHERE confirm_token_hash = '{secret}' \
                 OR unsubscribe_token = '{secret}'"
            ))
            .await,
            0
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM announcement_subscriptions WHERE LENGTH(confirm_token_hash) = 64 AND active = 0")
                .await,
            1
        );
        let humas = browser_as(app, HUMAS).await;
        let before = published(&humas, "Parkir kendaraan dinas", "Di halaman belakang.", "policy").await;
        announcements::subscriptions::dispatch_due(&app.state)
            .await
            .expect("round");
        assert_eq!(deliveries(app, &before).await, 0, "unconfirmed: nothing delivered");
        // Opening the link only shows the button (a mail scanner confirms nothing).
        let page = web
            .text(&format!("/announcements/confirm?token={secret}"))
            .await;
        assert!(page.contains("data-testid=\"confirm\""));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM announcement_subscriptions WHERE active = 1")
                .await,
            0
        );
        let confirmed = web
            .post("/announcements/confirm", &[("token", &secret)])
            .await;
        assert_eq!(confirmed.status(), 200);
        assert!(
            confirmed
                .text()
                .await
                .expect("text")
                .contains("data-testid=\"confirmed\"")
        );
        let twice = web
            .post("/announcements/confirm", &[("token", &secret)])
            .await;
        assert_eq!(twice.status(), 404, "the link works once");
        let after = published(&humas, "Apel hari Senin", "Pukul 07.30 di halaman kantor.", "policy").await;
        let message = app
            .wait_for_email(|m| {
                m["to"] == to
                    && m["subject"]
                        .as_str()
                        .unwrap_or_default()
                        .contains("Apel hari Senin")
            })
            .await;
        assert_eq!(deliveries(app, &after).await, 1);
        let unsubscribe = unsubscribe_token(&message);
        // Asking again by address changes nothing until confirmed, and the link in the
        // earlier message keeps working.
        let again = web
            .post(
                "/announcements/subscribe",
                &[
                    ("channel", "email"),
                    ("address", to),
                    ("categories", "emergency"),
                ],
            )
            .await;
        assert_eq!(again.status(), 200);
        confirmation_tokens(app, to, 2).await;
        // A third request right away sends nothing more (no flood of messages to an address).
        let third = web
            .post(
                "/announcements/subscribe",
                &[("channel", "email"), ("address", to), ("categories", "policy")],
            )
            .await;
        assert_eq!(third.status(), 200);
        announcements::subscriptions::dispatch_due(&app.state)
            .await
            .expect("round");
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM outbox WHERE address = '{to}' AND subject LIKE 'Konfirmasi%'"
            ))
            .await,
            2
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM announcement_subscriptions WHERE categories = 'policy' AND active = 1")
                .await,
            1
        );
        let page = web
            .text(&format!("/announcements/unsubscribe?token={unsubscribe}"))
            .await;
        assert!(page.contains("data-testid=\"unsubscribe\""));
        let ended = web
            .post("/announcements/unsubscribe", &[("token", &unsubscribe)])
            .await;
        assert_eq!(ended.status(), 200);

        // A request not confirmed within 48 hours expires: the link is refused, the address
        // is forgotten, and it can be asked for again.
        let late = "terlambat@example.id";
        web.post(
            "/announcements/subscribe",
            &[("channel", "email"), ("address", late), ("categories", "policy")],
        )
        .await;
        let stale = confirmation_tokens(app, late, 1).await.remove(0);
        app.sql(&format!(
            "UPDATE announcement_subscriptions SET confirm_expires_ms = {} WHERE address = '{late}'",
            clock_ms() - 1
        ))
        .await;
        let refused = web
            .post("/announcements/confirm", &[("token", &stale)])
            .await;
        assert_eq!(refused.status(), 404);
        assert!(
            refused
                .text()
                .await
                .expect("text")
                .contains("data-testid=\"confirm-unknown\"")
        );
        assert_eq!(
            announcements::subscriptions::expire_unconfirmed(&app.state)
                .await
                .expect("expires"),
            1
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM announcement_subscriptions WHERE address = '{late}'"
            ))
            .await,
            0
        );
        subscribe_confirmed(app, late, &["policy"]).await;
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM announcement_subscriptions WHERE address = '{late}' AND active = 1"
            ))
            .await,
            1
        );
    })
    .await;
}

/// Audience fields for an announcement to all civil servants or to chosen agencies.
fn internal_form<'a>(
    title: &'a str,
    audience: &'a str,
    agencies: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut fields = form(title, "Untuk ASN.", "policy");
    fields.retain(|(k, _)| *k != "audience" && *k != "agencies");
    fields.push(("audience", audience));
    fields.push(("agencies", agencies));
    fields
}

#[tokio::test]
async fn a_civil_servant_subscribes_to_internal_announcements_that_reach_only_those_who_may_read_them()
 {
    on_both(async |app| {
        app.load_demo().await;
        let own = "theresia.bano@example.id";
        app.sql(&format!(
            "UPDATE users SET email = '{own}' WHERE username = 'asn.alak'"
        ))
        .await;
        let asn = browser_as(app, "asn.alak").await;
        let form_page = asn.text("/announcements/subscribe").await;
        assert!(form_page.contains("data-testid=\"internal\""), "offered to civil servants");
        assert!(form_page.contains(&format!("value=\"{own}\"")));
        assert!(
            !app.browser()
                .text("/announcements/subscribe")
                .await
                .contains("data-testid=\"internal\""),
            "not offered to anonymous visitors"
        );
        // Another address cannot carry internal announcements.
        let refused = asn
            .post(
                "/announcements/subscribe",
                &[
                    ("channel", "email"),
                    ("address", "lain@example.id"),
                    ("categories", "policy"),
                    ("internal", "1"),
                ],
            )
            .await;
        assert_eq!(refused.status(), 422);
        let page = refused.text().await.expect("text");
        assert!(page.contains("id=\"internal-error\""));
        assert!(page.contains("value=\"lain@example.id\""), "the input is kept");
        // The own address is active at once, without confirming.
        let saved = asn
            .post(
                "/announcements/subscribe",
                &[
                    ("channel", "email"),
                    ("address", own),
                    ("categories", "policy"),
                    ("internal", "1"),
                ],
            )
            .await;
        assert_eq!(saved.status(), 200);
        assert!(
            saved
                .text()
                .await
                .expect("text")
                .contains("data-testid=\"subscribed\"")
        );
        // An anonymous subscriber of the same category.
        let public = "warga.pesisir@example.id";
        subscribe_confirmed(app, public, &["policy"]).await;
        let anonymous_internal = send(
            &app.api(),
            Method::POST,
            "/api/v1/announcement-subscriptions",
            Some(json!({"channel": "email", "address": "x@example.id", "categories": ["policy"], "internal": true})),
        )
        .await;
        assert_eq!(anonymous_internal.status(), 422);

        let humas = browser_as(app, HUMAS).await;
        let for_asn = draft(&humas, &internal_form("Apel ASN", "all_asn", "")).await;
        publish(&humas, &for_asn).await;
        let for_alak = draft(&humas, &internal_form("Rapat kecamatan", "agencies", "kec-alak")).await;
        publish(&humas, &for_alak).await;
        let for_dinkes = draft(&humas, &internal_form("Rapat Dinkes", "agencies", "dinkes")).await;
        publish(&humas, &for_dinkes).await;
        announcements::subscriptions::dispatch_due(&app.state)
            .await
            .expect("round");
        app.wait_for_email(|m| m["to"] == own && m["subject"].as_str().unwrap_or_default().contains("Rapat kecamatan"))
            .await;
        assert_eq!(emails_to(app, own, "Apel ASN").await, 1);
        assert_eq!(emails_to(app, own, "Rapat kecamatan").await, 1);
        assert_eq!(deliveries(app, &for_dinkes).await, 0, "not her agency");
        assert_eq!(deliveries(app, &for_asn).await, 1, "the anonymous one gets no internal one");
        assert_eq!(emails_to(app, public, "Apel ASN").await, 0);

        // Checked at dispatch time: moved to another agency, she no longer gets Alak's.
        app.sql(
            "UPDATE role_grants SET agency_id = (SELECT id FROM agencies WHERE code = 'bkppd') \
             WHERE user_id = (SELECT id FROM users WHERE username = 'asn.alak')",
        )
        .await;
        let later = draft(&humas, &internal_form("Rapat kecamatan kedua", "agencies", "kec-alak")).await;
        publish(&humas, &later).await;
        announcements::subscriptions::dispatch_due(&app.state)
            .await
            .expect("round");
        assert_eq!(deliveries(app, &later).await, 0);

        // The API does the same for a signed-in civil servant's own address.
        let asn_api = signed_in(app, "asn.alak").await;
        let response = send(
            &asn_api,
            Method::POST,
            "/api/v1/announcement-subscriptions",
            Some(json!({"channel": "email", "address": own, "categories": ["policy", "emergency"], "internal": true})),
        )
        .await;
        assert_eq!(response.status(), 201);
        let outcome = response.json::<Value>().await.expect("json");
        assert_eq!(outcome["state"], "active");
        assert!(outcome["unsubscribe_token"].as_str().is_some_and(|t| !t.is_empty()));
    })
    .await;
}

#[tokio::test]
async fn withdrawing_or_ending_an_announcement_tells_those_who_received_it_once() {
    on_both(async |app| {
        app.load_demo().await;
        let receiver = "penerima@example.id";
        let other = "lain.kategori@example.id";
        subscribe_confirmed(app, receiver, &["emergency", "health_protocol"]).await;
        subscribe_confirmed(app, other, &["policy"]).await;
        let humas = browser_as(app, HUMAS).await;

        // An emergency that is over before its expiry is ended from its page.
        let mut fields = form("Angin kencang", "Angin kencang di pesisir.", "emergency");
        fields.retain(|(k, _)| *k != "expires_at");
        fields.push(("expires_at", "2099-01-01T08:00"));
        let emergency = draft(&humas, &fields).await;
        publish(&humas, &emergency).await;
        app.wait_for_email(|m| m["to"] == receiver && m["subject"].as_str().unwrap_or_default().contains("Angin kencang"))
            .await;
        let page = humas.text(&format!("/announcements/{emergency}")).await;
        assert!(page.contains("data-testid=\"end-announcement\""));
        let ended = humas
            .post(&format!("/office/announcements/{emergency}/end"), &[])
            .await;
        assert_eq!(ended.status(), 303);
        app.wait_for_email(|m| m["to"] == receiver && m["subject"].as_str().unwrap_or_default().contains("diakhiri"))
            .await;
        let (a, b) = tokio::join!(
            announcements::subscriptions::dispatch_due(&app.state),
            announcements::subscriptions::dispatch_due(&app.state)
        );
        assert_eq!(a.expect("round") + b.expect("round"), 0, "nothing more to send");
        assert_eq!(emails_to(app, receiver, "Pengumuman diakhiri: Angin kencang").await, 1, "once");
        assert_eq!(emails_to(app, other, "Angin kencang").await, 0);
        assert!(
            humas.text(&format!("/announcements/{emergency}")).await.contains("data-testid=\"expired\"")
        );
        assert_eq!(
            humas.post(&format!("/office/announcements/{emergency}/end"), &[]).await.status(),
            409,
            "ended already"
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM announcement_cap_messages WHERE announcement_id = '{emergency}' AND msg_type = 'Cancel'"
            ))
            .await,
            1,
            "the alert is cancelled"
        );

        // A withdrawn one (through the API) is announced the same way.
        let protocol = published(&humas, "Protokol DBD", "Kuras bak mandi.", "health_protocol").await;
        app.wait_for_email(|m| m["to"] == receiver && m["subject"].as_str().unwrap_or_default().contains("Protokol DBD"))
            .await;
        let mut office = app.api();
        office.sign_in(HUMAS, DEMO_PASSWORD).await;
        let cancelled = send(&office, Method::POST, &format!("/api/v1/office/announcements/{protocol}/cancel"), None).await;
        assert_eq!(cancelled.status(), 200);
        app.wait_for_email(|m| m["to"] == receiver && m["subject"].as_str().unwrap_or_default().contains("dibatalkan"))
            .await;
        let message = app
            .sent_emails()
            .into_iter()
            .find(|m| m["to"] == receiver && m["subject"].as_str().unwrap_or_default().contains("dibatalkan"))
            .expect("the notice");
        assert!(!unsubscribe_token(&message).is_empty(), "with its unsubscribe link");
        announcements::subscriptions::dispatch_due(&app.state).await.expect("round");
        assert_eq!(emails_to(app, receiver, "Pengumuman dibatalkan: Protokol DBD").await, 1);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM announcement_deliveries WHERE announcement_id = '{protocol}' AND version = 0"
            ))
            .await,
            1
        );
        // Moving the expiry of a showing one into the past ends it early too.
        let shelter = published(&humas, "Posko banjir", "Posko di kantor lurah.", "health_protocol").await;
        app.wait_for_email(|m| {
            m["to"] == receiver && m["subject"].as_str().unwrap_or_default().contains("Posko banjir")
        })
        .await;
        let mut past = form("Posko banjir", "Posko di kantor lurah.", "health_protocol");
        past.retain(|(k, _)| *k != "expires_at");
        past.push(("expires_at", "2020-01-01T08:00"));
        assert_eq!(edit(&humas, &shelter, "1", &past).await.status(), 303);
        app.wait_for_email(|m| {
            m["to"] == receiver
                && m["subject"].as_str().unwrap_or_default() == "Pengumuman diakhiri: Posko banjir"
        })
        .await;
        announcements::subscriptions::dispatch_due(&app.state).await.expect("round");
        assert_eq!(emails_to(app, receiver, "Pengumuman diakhiri: Posko banjir").await, 1);
        assert_eq!(emails_to(app, receiver, "diperbarui: Posko banjir").await, 0, "no update of an ended one");
        // A draft withdrawn before anyone got it tells no one.
        let unsent = draft(&humas, &form("Draf DBD", "Belum terbit.", "health_protocol")).await;
        assert_eq!(
            humas.post(&format!("/office/announcements/{unsent}/cancel"), &[]).await.status(),
            303
        );
        announcements::subscriptions::dispatch_due(&app.state).await.expect("round");
        assert_eq!(deliveries(app, &unsent).await, 0);
    })
    .await;
}

/// A public announcement with an English text.
fn bilingual<'a>(title: &'a str, title_en: &'a str, category: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut fields = form(title, "Isi dalam bahasa Indonesia.", category);
    fields.retain(|(k, _)| *k != "instruction");
    fields.extend([
        ("instruction", "Ikuti arahan petugas."),
        ("summary", "Ringkasan Indonesia."),
        ("title_en", title_en),
        ("summary_en", "English summary."),
        ("body_en", "Body in English."),
        ("instruction_en", "Follow the officers."),
    ]);
    fields
}

#[tokio::test]
async fn an_english_text_is_shown_to_english_readers_in_pages_api_feeds_and_cap() {
    if !tool_available("xmllint", &["--version"], "xmllint (libxml2-utils)")
        || !tool_available(
            "python3",
            &["-c", "import feedparser"],
            "python3-feedparser",
        )
    {
        return;
    }
    on_both(async |app| {
        app.load_demo().await;
        let humas = browser_as(app, HUMAS).await;
        // Half an English text is refused next to its fields, and the form keeps it.
        let mut half = form("Jam layanan", "Isi.", "policy");
        half.push(("summary_en", "Only a summary"));
        let refused = humas.post("/office/announcements/new", &half).await;
        assert_eq!(refused.status(), 422);
        let page = refused.text().await.expect("text");
        assert!(page.contains("id=\"title_en-error\"") && page.contains("id=\"body_en-error\""));
        assert!(page.contains("Only a summary"));

        let both = draft(&humas, &bilingual("Banjir di Alak", "Flood in Alak", "emergency")).await;
        publish(&humas, &both).await;
        let only_id = published(&humas, "Parkir baru", "Parkir di belakang.", "policy").await;

        let indonesian = app.browser();
        assert!(indonesian.text(&format!("/announcements/{both}")).await.contains("Banjir di Alak"));
        let english = app.browser();
        english.post("/lang", &[("lang", "en"), ("next", "/")]).await;
        let page = english.text(&format!("/announcements/{both}")).await;
        assert!(page.contains("Flood in Alak") && page.contains("Body in English.") && page.contains("Follow the officers."));
        assert!(!page.contains("data-testid=\"only-indonesian\""));
        assert!(page.contains("lang=\"en\" data-testid=\"announcement-text\""));
        let page = english.text(&format!("/announcements/{only_id}")).await;
        assert!(page.contains("Parkir baru"));
        assert!(page.contains("data-testid=\"only-indonesian\""));
        assert!(page.contains("This announcement is only available in Indonesian."));
        assert!(page.contains("lang=\"id\" data-testid=\"announcement-text\""));
        let list = english.text("/announcements").await;
        assert!(list.contains("Flood in Alak"));
        assert!(list.contains("href=\"/feeds/announcements.atom?lang=en\" data-testid=\"atom-link\""));

        // The API: English when asked for and written, else Indonesian, saying so.
        let listed: Value = app
            .api()
            .request(Method::GET, "/api/v1/announcements")
            .header("Accept-Language", "en")
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        let find = |id: &str| listed.as_array().expect("list").iter().find(|a| a["id"] == id).cloned().expect("listed");
        let a = find(&both);
        assert_eq!((a["language"].as_str(), a["title"].as_str(), a["summary"].as_str()), (Some("en"), Some("Flood in Alak"), Some("English summary.")));
        assert_eq!(a["indonesian"]["title"], "Banjir di Alak");
        assert_eq!(a["only_in_indonesian"], false);
        let b = find(&only_id);
        assert_eq!((b["language"].as_str(), b["only_in_indonesian"].as_bool()), (Some("id"), Some(true)));
        assert!(b["english"].is_null());
        let default: Value = app.api().request(Method::GET, &format!("/api/v1/announcements/{both}")).send().await.expect("send").json().await.expect("json");
        assert_eq!(default["title"], "Banjir di Alak");

        // An English edit is a new version whose change shows in the history.
        let mut changed = bilingual("Banjir di Alak", "Flood in Alak district", "emergency");
        changed.retain(|(k, _)| *k != "body_en");
        changed.push(("body_en", "Body in English, updated."));
        assert_eq!(edit(&humas, &both, "1", &changed).await.status(), 303);
        let history = indonesian.text(&format!("/announcements/{both}?changes=2")).await;
        assert!(history.contains("data-kind=\"added\">+ Body in English, updated."));
        assert!(history.contains("data-kind=\"removed\">- Body in English."));

        // CAP: a second info block in English, still valid against the schema.
        let identifier = {
            use sqlx::Row as _;
            sqlx::query("SELECT identifier FROM announcement_cap_messages WHERE announcement_id = $1 ORDER BY sent_ms DESC, identifier DESC")
                .bind(&both).fetch_one(&app.state.db.read).await.expect("a CAP message").get::<String, _>("identifier")
        };
        let alert = indonesian.text(&format!("/cap/alerts/{identifier}.xml")).await;
        xmllint_valid(&alert);
        assert_eq!(alert.matches("<info>").count(), 2);
        assert!(alert.contains("<language>id-ID</language>") && alert.contains("<language>en-US</language>"));
        assert!(alert.contains("<headline>Flood in Alak district</headline>"));
        assert!(alert.contains("<instruction>Follow the officers.</instruction>"));
        let only_id_alert_count = alert.matches("<event>").count();
        assert_eq!(only_id_alert_count, 2);

        // Atom: the Indonesian feed stays Indonesian; the English one marks what is not.
        let feed = feedparser(&indonesian.text("/feeds/announcements.atom").await);
        assert_eq!(feed["bozo"], 0, "{}", feed["error"]);
        let entry = |feed: &Value, id: &str| feed["entries"].as_array().expect("entries").iter().find(|e| e["id"] == format!("urn:uuid:{id}")).cloned().expect("entry");
        assert_eq!(entry(&feed, &both)["title"], "Banjir di Alak");
        assert_eq!(entry(&feed, &both)["language"], "id");
        assert_eq!(entry(&feed, &both)["summary"], "Ringkasan Indonesia.");
        let raw = indonesian.text("/feeds/announcements.atom?lang=en").await;
        assert!(raw.contains("xml:lang=\"en\">"));
        let feed = feedparser(&raw);
        assert_eq!(feed["bozo"], 0, "{}", feed["error"]);
        assert_eq!(entry(&feed, &both)["title"], "Flood in Alak district");
        assert_eq!(entry(&feed, &both)["language"], "en");
        assert_eq!(entry(&feed, &only_id)["title"], "Parkir baru");
        assert_eq!(entry(&feed, &only_id)["language"], "id");
        assert!(feed["self"][0].as_str().unwrap_or_default().ends_with("/feeds/announcements.atom?lang=en"));
    })
    .await;
}
