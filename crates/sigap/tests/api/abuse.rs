//! Upload and parser abuse (issue #8): archive and XML bombs, polyglot files, very long values,
//! invalid UTF-8, deeply nested JSON and a 1 MB header. Sigap accepts only PDF, JPEG and PNG
//! uploads (decided by content) and CSV text for the employee import; it never unpacks an
//! archive, never parses XML it is sent and never decodes a compressed request body. Each
//! attack is refused with a 4xx and a message in the reader's language, nothing is stored, and
//! the next ordinary request is served.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Api, Browser, DEMO_PASSWORD, TestApp, on_both, send, signed_in};

const YULIANA: &str = "5371014107900001";

/// A ZIP archive whose one entry, `kosong.pdf`, inflates from about 1 MB to about 160 MB of
/// zeros (a deflate stream of repeated 258-byte copies). Its CRC is left 0: Sigap must refuse it
/// without ever opening it.
fn zip_bomb() -> Vec<u8> {
    let mut bits = BitWriter::default();
    bits.put(1, 1); // the last block
    bits.put(1, 2); // fixed Huffman codes
    bits.put_reversed(0x30, 8); // literal 0
    let copies = 620_000;
    for _ in 0..copies {
        bits.put_reversed(0xC5, 8); // length 258 (code 285)
        bits.put_reversed(0, 5); // distance 1
    }
    bits.put_reversed(0, 7); // end of block (code 256)
    let deflated = bits.finish();
    let inflated: u32 = 1 + 258 * copies;
    let name = b"kosong.pdf";
    let mut zip = Vec::new();
    zip.extend(b"PK\x03\x04");
    zip.extend(20u16.to_le_bytes()); // version needed
    zip.extend(0u16.to_le_bytes()); // flags
    zip.extend(8u16.to_le_bytes()); // deflate
    zip.extend([0, 0, 0, 0]); // time, date
    zip.extend(0u32.to_le_bytes()); // CRC-32
    zip.extend(u32::try_from(deflated.len()).unwrap_or(0).to_le_bytes());
    zip.extend(inflated.to_le_bytes());
    zip.extend(u16::try_from(name.len()).unwrap_or(0).to_le_bytes());
    zip.extend(0u16.to_le_bytes());
    zip.extend(name);
    zip.extend(&deflated);
    zip
}

#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    current: u8,
    used: u8,
}

impl BitWriter {
    /// `count` bits of `value`, least significant first (deflate's header fields).
    fn put(&mut self, value: u32, count: u8) {
        for bit in 0..count {
            self.push((value >> bit) & 1 == 1);
        }
    }
    /// A Huffman code: most significant bit first.
    fn put_reversed(&mut self, code: u32, count: u8) {
        for bit in (0..count).rev() {
            self.push((code >> bit) & 1 == 1);
        }
    }
    fn push(&mut self, bit: bool) {
        if bit {
            self.current |= 1 << self.used;
        }
        self.used += 1;
        if self.used == 8 {
            self.bytes.push(self.current);
            self.current = 0;
            self.used = 0;
        }
    }
    fn finish(mut self) -> Vec<u8> {
        if self.used > 0 {
            self.bytes.push(self.current);
        }
        self.bytes
    }
}

/// "Billion laughs": ten levels of ten references each, 10^9 "lol"s once expanded.
fn xml_bomb() -> Vec<u8> {
    let mut xml =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    let mut previous = "lol".to_string();
    for level in 1..=9 {
        let name = format!("lol{level}");
        let refs = format!("&{previous};").repeat(10);
        xml.push_str(&format!(" <!ENTITY {name} \"{refs}\">\n"));
        previous = name;
    }
    xml.push_str(&format!("]>\n<lolz>&{previous};</lolz>\n"));
    xml.into_bytes()
}

/// A gzip member (RFC 1952) of the zip bomb's deflate stream: 160 MB once decoded.
fn gzip_bomb() -> Vec<u8> {
    let zip = zip_bomb();
    let deflated = &zip[30 + "kosong.pdf".len()..];
    let mut gzip = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    gzip.extend(deflated);
    gzip.extend(0u32.to_le_bytes());
    gzip.extend((1u32 + 258 * 620_000).to_le_bytes());
    gzip
}

/// What a stored upload leaves behind: rows of every table that points to a file, and files.
async fn stored_files(app: &TestApp) -> (i64, usize) {
    let rows = app
        .count(
            "SELECT (SELECT COUNT(*) FROM application_documents) + (SELECT COUNT(*) FROM locker_documents) \
             + (SELECT COUNT(*) FROM event_materials) + (SELECT COUNT(*) FROM articles)",
        )
        .await;
    let files = walk(&app.data_dir.join("blobs"));
    (rows, files)
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    let path = e.path();
                    if path.is_dir() { walk(&path) } else { 1 }
                })
                .sum()
        })
        .unwrap_or(0)
}

/// The server still serves an ordinary page and an ordinary API call.
async fn still_healthy(app: &TestApp, citizen: &Api) {
    let health = app.browser().get("/healthz").await;
    assert_eq!(health.status(), 200, "the server stays healthy");
    let mine = send(citizen, Method::GET, "/api/v1/applications", None).await;
    assert_eq!(
        mine.status(),
        200,
        "an ordinary request right after succeeds"
    );
}

async fn draft(citizen: &Api) -> String {
    let started = send(
        citizen,
        Method::POST,
        "/api/v1/applications",
        Some(json!({"service_code": "sktm"})),
    )
    .await;
    assert_eq!(started.status(), 201);
    started.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_string()
}

async fn put_document(citizen: &Api, id: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    citizen
        .request(
            Method::PUT,
            &format!("/api/v1/applications/{id}/documents/0?file_name={name}"),
        )
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .expect("send")
}

async fn error_code(response: reqwest::Response) -> (StatusCode, String, String) {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let field = &body["error"]["fields"][0];
    let code = field["code"]
        .as_str()
        .or(body["error"]["code"].as_str())
        .unwrap_or_default()
        .to_string();
    let message = field["message"]
        .as_str()
        .or(body["error"]["message"].as_str())
        .unwrap_or_default()
        .to_string();
    (status, code, message)
}

/// Signs a communications officer of Dinkes in on the web and creates an event of theirs.
async fn organiser(app: &TestApp) -> (Browser, String) {
    let password = app
        .create_staff("Humas Dinkes", "humas.dinkes", "communications", "dinkes")
        .await;
    let mut api = app.api();
    api.sign_in("humas.dinkes", &password).await;
    let created = crate::collaboration::create_event(
        &api,
        crate::collaboration::event("Lokakarya", "dinkes", 20, 0),
    )
    .await;
    let web = app.browser();
    web.login_ok("humas.dinkes", &password).await;
    (web, created["id"].as_str().expect("id").to_string())
}

#[tokio::test]
async fn archive_and_xml_bombs_are_refused_by_content_on_every_upload_without_being_opened() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = signed_in(app, YULIANA).await;
        let id = draft(&citizen).await;
        let (organiser, event) = organiser(app).await;
        let before = stored_files(app).await;
        let bombs = [
            ("kosong.zip", zip_bomb()),
            ("kosong.pdf", zip_bomb()),
            ("lol.xml", xml_bomb()),
            ("lol.pdf", xml_bomb()),
            ("lol.png", xml_bomb()),
        ];
        for (name, bytes) in &bombs {
            // The application's document and the locker, through the API.
            let (status, code, message) =
                error_code(put_document(&citizen, &id, name, bytes.clone()).await).await;
            assert_eq!(
                (status.as_u16(), code.as_str()),
                (422, "files.unknown_type"),
                "{name}"
            );
            assert!(message.contains("PDF, JPEG"), "{message}");
            let kept = citizen
                .request(
                    Method::POST,
                    &format!("/api/v1/me/documents?label=KTP&file_name={name}"),
                )
                .header("accept-language", "en")
                .body(bytes.clone())
                .send()
                .await
                .expect("send");
            let (status, _, _) = error_code(kept).await;
            assert_eq!(status, 422, "{name} into the locker");
            // Event materials and knowledge documents, through the web pages.
            let refused = organiser
                .upload(&format!("/events/{event}/materials"), name, bytes.clone())
                .await;
            assert_eq!(refused.status(), 422, "{name} as an event material");
            assert!(
                refused
                    .text()
                    .await
                    .expect("text")
                    .contains("PDF, JPEG, atau PNG")
            );
            let refused = organiser
                .upload_with(
                    "/knowledge/new-document",
                    &[
                        ("agency_code", "dinkes"),
                        ("title", "Formulir Penjaringan"),
                        ("body", "Formulir isian."),
                        ("tags", "formulir"),
                        ("sharing", "agencies"),
                        ("shared_with", "dikbud"),
                    ],
                    name,
                    bytes.clone(),
                )
                .await;
            assert_eq!(refused.status(), 422, "{name} as a knowledge document");
            let page = refused.text().await.expect("text");
            assert!(
                page.contains("PDF, JPEG, atau PNG")
                    && page.contains("value=\"Formulir Penjaringan\""),
                "the message, and the title as typed"
            );
        }
        // A compressed request body is never decoded: it is the raw bytes, refused by content.
        let encoded = citizen
            .request(
                Method::PUT,
                &format!("/api/v1/applications/{id}/documents/0?file_name=a.pdf"),
            )
            .header("content-type", "application/pdf")
            .header("content-encoding", "gzip")
            .body(gzip_bomb())
            .send()
            .await
            .expect("send");
        let (status, code, _) = error_code(encoded).await;
        assert_eq!(
            (status.as_u16(), code.as_str()),
            (422, "files.unknown_type")
        );

        // The employee import takes CSV text only: an archive is no UTF-8, an XML bomb has no header.
        let bkppd = signed_in(app, "admin.bkppd").await;
        for (bytes, wanted) in [
            (zip_bomb(), "capacity.import_not_utf8"),
            (xml_bomb(), "capacity.import_header"),
        ] {
            let response = bkppd
                .request(Method::POST, "/api/v1/employees/import?commit=true")
                .header("content-type", "text/csv")
                .body(bytes)
                .send()
                .await
                .expect("send");
            let (status, code, _) = error_code(response).await;
            assert_eq!((status.as_u16(), code.as_str()), (422, wanted));
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM employees").await, 0);
        assert_eq!(stored_files(app).await, before, "nothing was stored");
        still_healthy(app, &citizen).await;
    })
    .await;
}

#[tokio::test]
async fn polyglot_files_are_refused_or_served_as_what_they_are_never_as_a_page() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = signed_in(app, YULIANA).await;
        let id = draft(&citizen).await;
        let before = stored_files(app).await;
        let html =
            b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"
                .to_vec();
        let mut jpeg_with_script = vec![
            0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 0xFF, 0xD9,
        ];
        jpeg_with_script.extend(b"<script>alert(1)</script>");
        let mut png_with_html = crate::support::png();
        png_with_html.extend(b"<html><script>alert(1)</script></html>");
        let mut gifar = b"GIF89a\x01\x00\x01\x00".to_vec();
        gifar.extend(b"PK\x03\x04 a jar behind a picture");
        for (name, bytes, wanted) in [
            ("surat.pdf", html.clone(), "files.unknown_type"),
            ("foto.jpg", jpeg_with_script, "files.truncated"),
            ("foto.png", png_with_html, "files.truncated"),
            ("foto.gif", gifar, "files.unknown_type"),
            (
                "surat.pdf",
                b"\xEF\xBB\xBF%PDF-1.4 <script>x</script> %%EOF".to_vec(),
                "files.unknown_type",
            ),
        ] {
            let (status, code, _) =
                error_code(put_document(&citizen, &id, name, bytes).await).await;
            assert_eq!((status.as_u16(), code.as_str()), (422, wanted), "{name}");
        }
        assert_eq!(stored_files(app).await, before, "nothing was stored");

        // A real PDF that also carries markup is a PDF: it is served as one, never sniffed as HTML.
        let mut pdf_with_html = b"%PDF-1.4\n".to_vec();
        pdf_with_html.extend(&html);
        pdf_with_html
            .extend(b"1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        let stored = put_document(&citizen, &id, "surat.html", pdf_with_html.clone()).await;
        assert_eq!(stored.status(), 204);
        let served = send(
            &citizen,
            Method::GET,
            &format!("/api/v1/applications/{id}/documents/0"),
            None,
        )
        .await;
        assert_eq!(served.status(), 200);
        let header = |name: &str| {
            served
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(header("content-type"), "application/pdf");
        assert_eq!(header("x-content-type-options"), "nosniff");
        let policy = header("content-security-policy");
        assert!(
            policy.contains("script-src 'self'") && policy.contains("object-src 'none'"),
            "no inline script runs even if a browser rendered it: {policy}"
        );
        let documents: Value = send(&citizen, Method::GET, "/api/v1/me/documents", None)
            .await
            .json()
            .await
            .expect("json");
        let names: Vec<&str> = documents
            .as_array()
            .map(|d| d.iter().filter_map(|d| d["file_name"].as_str()).collect())
            .unwrap_or_default();
        assert!(
            names.iter().all(|n| n.ends_with(".pdf")),
            "the name follows the content, not the citizen: {names:?}"
        );
        still_healthy(app, &citizen).await;
    })
    .await;
}

#[tokio::test]
async fn very_long_values_in_forms_and_json_are_refused_per_field_and_nothing_is_stored() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = signed_in(app, YULIANA).await;
        let id = draft(&citizen).await;
        let long = "a".repeat(100_000);
        let saved = citizen
            .request(Method::PUT, &format!("/api/v1/applications/{id}/details"))
            .header("accept-language", "en")
            .json(&json!({
                "purpose": long, "kelurahan": "kel-namosain", "address": long,
                "answers": {"household_members": long, "monthly_income": long, "used_for": long}
            }))
            .send()
            .await
            .expect("send");
        assert_eq!(saved.status(), 422);
        let body: Value = saved.json().await.expect("json");
        let fields = crate::support::field_errors(&body, "field");
        assert!(
            fields.contains(&"purpose".to_string()) && fields.contains(&"address".to_string()),
            "{fields:?}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM applications WHERE LENGTH(purpose) > 1000 OR LENGTH(address) > 1000")
                .await,
            0
        );
        // Over the body limit (1 MB): 413 with an error body, not a cut-off read.
        let huge = "a".repeat(1_200_000);
        let (status, _, message) = error_code(
            citizen
                .request(Method::PUT, &format!("/api/v1/applications/{id}/details"))
                .header("accept-language", "en")
                .json(&json!({"purpose": huge}))
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(status, 413);
        assert!(!message.is_empty(), "a message says why");

        // A web form: registration with a 100,000-character name.
        let web = app.browser();
        let registered = web
            .register(&long, &crate::support::nik(77), "panjang@example.id", "", "Pantai-Namosain-2026")
            .await;
        assert_eq!(registered.status(), 422);
        let page = registered.text().await.expect("text");
        assert!(page.contains("id=\"full_name-error\""), "the message next to the name");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM users WHERE LENGTH(full_name) > 1000").await,
            0
        );
        still_healthy(app, &citizen).await;
    })
    .await;
}

#[tokio::test]
async fn invalid_utf8_in_forms_json_and_query_strings_is_a_clear_400() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = signed_in(app, YULIANA).await;
        let web = app.browser();
        web.get("/login").await;
        let token = web.cookie("sigap_csrf").expect("csrf cookie");
        // A form body: the bytes that are no UTF-8 never match an account; the page says so.
        let mut body = format!("csrf_token={token}&login=%FF%FE{YULIANA}&password=").into_bytes();
        body.extend(b"\xff\xfe&x=\xc0\xaf");
        let form = web
            .client
            .post(web.url("/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("send");
        assert_eq!(form.status(), 422);
        let page = form.text().await.expect("text");
        assert!(
            page.contains("lang=\"id\"") && page.contains("id=\"login-error\""),
            "the login page again, with its message in Indonesian"
        );
        // A JSON body: 400 with the message in the reader's language.
        for (lang, words) in [
            ("en", "not in the expected format"),
            ("id", "tidak sesuai format"),
        ] {
            let json = citizen
                .request(Method::POST, "/api/v1/applications")
                .header("content-type", "application/json")
                .header("accept-language", lang)
                .body(b"{\"service_code\": \"skt\xff\xfem\"}".to_vec())
                .send()
                .await
                .expect("send");
            let (status, code, message) = error_code(json).await;
            assert_eq!((status.as_u16(), code.as_str()), (400, "error.bad_request"));
            assert!(message.contains(words), "{lang}: {message}");
        }
        // Query strings and paths: a typed parameter is a 400; free text is read as text.
        let query = send(
            &citizen,
            Method::GET,
            "/api/v1/queue/offices/kantor-camat-alak/calls?after=%FF%FE",
            None,
        )
        .await;
        let (status, code, _) = error_code(query).await;
        assert_eq!((status.as_u16(), code.as_str()), (400, "error.bad_request"));
        let search = web.get("/services?q=%FF%FE%C0%AF").await;
        assert_eq!(
            search.status(),
            200,
            "a search for odd bytes finds nothing, calmly"
        );
        let path = web.get("/services/%FF%FE").await;
        assert_eq!(path.status(), 400);
        assert!(
            path.text()
                .await
                .expect("text")
                .contains("Permintaan tidak dapat diproses")
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM applications").await, 0);
        still_healthy(app, &citizen).await;
    })
    .await;
}

#[tokio::test]
async fn deeply_nested_json_is_refused_without_exhausting_the_stack() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = signed_in(app, YULIANA).await;
        let depth = 10_000;
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let objects = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        for body in [
            nested,
            objects,
            format!("{{\"service_code\": {}}}", "[".repeat(depth)),
        ] {
            let response = citizen
                .request(Method::POST, "/api/v1/applications")
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("send");
            let (status, _, message) = error_code(response).await;
            assert!(matches!(status.as_u16(), 400 | 422), "{status}");
            assert!(!message.is_empty());
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM applications").await, 0);
        still_healthy(app, &citizen).await;
    })
    .await;
}

#[tokio::test]
async fn a_one_megabyte_header_is_refused_and_the_server_keeps_serving() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = signed_in(app, YULIANA).await;
        let big = "a".repeat(1024 * 1024);
        for name in ["x-filler", "cookie", "accept-language"] {
            let response = app
                .api()
                .client
                .get(format!("{}/", app.base))
                .header(name, big.as_str())
                .send()
                .await;
            match response {
                Ok(response) => assert_eq!(response.status(), 431, "{name}"),
                // hyper may close the connection before answering: also a refusal.
                Err(error) => assert!(!error.is_timeout(), "{name}: {error}"),
            }
        }
        let mut many = app.api().client.get(format!("{}/", app.base));
        for n in 0..2000 {
            many = many.header(format!("x-filler-{n}"), "a".repeat(500));
        }
        if let Ok(response) = many.send().await {
            assert!(response.status().is_client_error(), "{}", response.status());
        }
        still_healthy(app, &citizen).await;
        let web = app.browser();
        web.login_ok(YULIANA, DEMO_PASSWORD).await;
    })
    .await;
}

#[tokio::test]
async fn complaint_photos_web_documents_and_the_web_import_refuse_bombs_and_polyglots() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = signed_in(app, YULIANA).await;
        let id = draft(&citizen).await;
        let before = stored_files(app).await;
        let mut jpeg_with_script = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0xFF, 0xD9];
        jpeg_with_script.extend(b"<script>alert(1)</script>");
        // The complaint API takes the photo as base64 inside JSON.
        for photo in [
            xml_bomb(),
            jpeg_with_script.clone(),
            b"<svg onload=alert(1)>".to_vec(),
            pdf_bytes(),
        ] {
            use base64::Engine as _;
            let response = app
                .api()
                .request(Method::POST, "/api/v1/complaints")
                .header("accept-language", "en")
                .json(&json!({
                    "category": "air-bersih",
                    "description": "Air PDAM tidak mengalir tiga hari.",
                    "lat": "", "long": "",
                    "photo_base64": base64::engine::general_purpose::STANDARD.encode(&photo),
                }))
                .send()
                .await
                .expect("send");
            let (status, code, message) = error_code(response).await;
            assert_eq!(
                (status.as_u16(), code.as_str()),
                (422, "complaints.photo_type")
            );
            assert!(message.contains("JPEG"), "{message}");
        }
        // The same attacks through the browser forms.
        let web = app.browser();
        web.login_ok(YULIANA, DEMO_PASSWORD).await;
        let complaint = {
            let token = web.cookie("sigap_csrf").expect("csrf");
            let form = reqwest::multipart::Form::new()
                .text("csrf_token", token)
                .text("category", "ketertiban")
                .text(
                    "description",
                    "Lampu jalan mati di tikungan Nunhila sejak sebulan.",
                )
                .part(
                    "photo",
                    reqwest::multipart::Part::bytes(zip_bomb()).file_name("foto.jpg"),
                );
            web.client
                .post(web.url("/complaints/new"))
                .multipart(form)
                .send()
                .await
                .expect("send")
        };
        assert_eq!(complaint.status(), 422);
        assert!(
            complaint
                .text()
                .await
                .expect("text")
                .contains("Foto harus berupa berkas JPEG atau PNG")
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM complaints").await, 0);
        for (path, fields, bytes) in [
            (
                format!("/applications/{id}/documents/0"),
                vec![],
                zip_bomb(),
            ),
            (
                format!("/applications/{id}/documents/0"),
                vec![],
                jpeg_with_script.clone(),
            ),
            ("/documents".to_string(), vec![("label", "KTP")], xml_bomb()),
        ] {
            let response = web.upload_with(&path, &fields, "berkas.pdf", bytes).await;
            assert_eq!(response.status(), 422, "{path}");
            let page = response.text().await.expect("text");
            assert!(
                page.contains("lang=\"id\"") && page.contains("field-error"),
                "{path}: a message at the field"
            );
        }
        let bkppd = app.browser();
        bkppd.login_ok("admin.bkppd", DEMO_PASSWORD).await;
        let import = bkppd
            .upload_with(
                "/capacity/employees/import",
                &[("mode", "commit")],
                "pegawai.csv",
                zip_bomb(),
            )
            .await;
        assert_eq!(import.status(), 422);
        assert!(
            import
                .text()
                .await
                .expect("text")
                .contains("Berkas bukan UTF-8")
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM employees").await, 0);
        assert_eq!(stored_files(app).await, before, "nothing was stored");
        still_healthy(app, &citizen).await;
    })
    .await;
}

#[tokio::test]
async fn proofs_of_external_jp_refuse_bombs_and_polyglots_on_the_api_and_the_web() {
    on_both(async |app| {
        use base64::Engine as _;
        app.load_demo().await;
        let bkppd = signed_in(app, "admin.bkppd").await;
        crate::capacity::link_asn(&bkppd).await;
        let asn = signed_in(app, "asn.alak").await;
        let day = services::calendar::wita_date(platform::clock::now_ms()).to_string();
        let mut html_named_pdf = b"<html><script>alert(1)</script></html>".to_vec();
        html_named_pdf.extend(b"%%EOF");
        for proof in [xml_bomb(), html_named_pdf.clone()] {
            let response = send(
                &asn,
                Method::POST,
                "/api/v1/me/jp",
                Some(json!({"title": "Webinar Kearsipan", "jp": "8", "completed_on": day,
                            "proof_name": "sertifikat.pdf",
                            "proof_base64": base64::engine::general_purpose::STANDARD.encode(&proof)})),
            )
            .await;
            let (status, code, _) = error_code(response).await;
            assert_eq!((status.as_u16(), code.as_str()), (422, "capacity.proof_type"));
        }
        let before = app.count("SELECT COUNT(*) FROM jp_entries").await;
        let web = app.browser();
        web.login_ok("asn.alak", DEMO_PASSWORD).await;
        for bytes in [zip_bomb(), html_named_pdf] {
            let response = web
                .upload_with(
                    "/capacity/me",
                    &[("title", "Magang di Dukcapil"), ("jp", "5"), ("completed_on", &day)],
                    "surat.pdf",
                    bytes,
                )
                .await;
            assert_eq!(response.status(), 422);
            let page = response.text().await.expect("text");
            assert!(
                page.contains("id=\"file-error\"") && page.contains("value=\"Magang di Dukcapil\""),
                "the message at the file, the title as typed"
            );
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM jp_entries").await, before, "nothing stored");
        still_healthy(app, &asn).await;
    })
    .await;
}

fn pdf_bytes() -> Vec<u8> {
    crate::support::pdf()
}
