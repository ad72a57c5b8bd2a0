//! Complaints (pengaduan): filing as a citizen or anonymously, staff triage, answers and closing,
//! the anonymous look-up, and the Open311 GeoReport v2 interface with partner keys.

use serde_json::Value;

use crate::support::{Api, Browser, DEMO_PASSWORD, TestApp, location, on_both, png};

const YULIANA: &str = "5371014107900001"; // email yuliana.ndun@example.id
const AAF_DRAIN: &str =
    "Got di Jalan Namosain tersumbat lumpur, air meluap ke rumah warga setiap hujan.";

fn between<'a>(page: &'a str, marker: &str) -> Option<&'a str> {
    page.split(marker).nth(1)?.split('<').next()
}

fn number_on(page: &str) -> String {
    between(page, "data-testid=\"complaint-number\">")
        .expect("the complaint number is shown")
        .to_string()
}

/// Posts the complaint form as multipart (as the browser does), with an optional photo.
async fn file_multipart(
    web: &Browser,
    fields: &[(&str, &str)],
    photo: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    if web.cookie("sigap_csrf").is_none() {
        web.get("/").await;
    }
    let token = web.cookie("sigap_csrf").expect("a CSRF cookie");
    let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    if let Some((name, bytes)) = photo {
        form = form.part(
            "photo",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    }
    web.client
        .post(web.url("/complaints/new"))
        .multipart(form)
        .send()
        .await
        .expect("POST reaches the server")
}

/// A drain complaint in Namosain, filed by whoever `web` is; returns the confirmation page.
async fn file_drain(web: &Browser) -> String {
    let response = web
        .post(
            "/complaints/new",
            &[
                ("category", "jalan-drainase"),
                ("description", AAF_DRAIN),
                ("lat", "-10.1628"),
                ("long", "123.5502"),
                ("address", "Jl. Pantai Namosain"),
                ("kelurahan", "kel-namosain"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200, "the complaint is filed");
    response.text().await.expect("text")
}

async fn staff_api(app: &TestApp, login: &str, password: &str) -> Api {
    let mut api = app.api();
    api.sign_in(login, password).await;
    api
}

async fn act_api(api: &Api, number: &str, body: Value) -> reqwest::Response {
    api.request(
        reqwest::Method::POST,
        &format!("/api/v1/office/complaints/{number}/actions"),
    )
    .json(&body)
    .send()
    .await
    .expect("send")
}

#[tokio::test]
async fn a_citizen_files_a_complaint_and_reads_the_answer_after_the_office_handles_it() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        assert!(citizen.text("/complaints/new").await.contains("Jalan dan drainase"));
        let page = file_drain(&citizen).await;
        let number = number_on(&page);
        assert!(number.starts_with("ADU-"), "{number}");
        assert!(!page.contains("data-testid=\"access-code\""), "an account needs no access code");
        assert!(citizen.text("/complaints").await.contains(&number));

        // The service admin of Kecamatan Alak sees it, with its verification deadline.
        let office = app.browser();
        office.login_ok("admin.layanan", DEMO_PASSWORD).await;
        let inbox = office.text("/office/complaints").await;
        assert!(inbox.contains(&number) && inbox.contains("0 hari kerja"), "{inbox}");
        assert!(!inbox.contains("data-testid=\"overdue\""));
        let detail = office.text(&format!("/office/complaints/{number}")).await;
        assert!(detail.contains(AAF_DRAIN) && detail.contains("yuliana.ndun@example.id"));

        let url = format!("/office/complaints/{number}/actions");
        // An answer needs text: the page says so and keeps the status.
        let empty = office.post(&url, &[("action", "accept")]).await;
        assert_eq!(empty.status(), 303);
        let short = office.post(&url, &[("action", "respond"), ("note", "ok")]).await;
        assert_eq!(short.status(), 422);
        assert!(short.text().await.expect("text").contains("Tulis jawaban untuk pengadu"));
        let answer = "Saluran sudah dibersihkan petugas kebersihan kelurahan pada hari Rabu.";
        let respond = office.post(&url, &[("action", "respond"), ("note", answer)]).await;
        assert_eq!(respond.status(), 303);
        let close = office.post(&url, &[("action", "close")]).await;
        assert_eq!(close.status(), 303);

        let mine = citizen.text(&format!("/complaints/{number}")).await;
        assert!(mine.contains(answer), "the complainant reads the answer");
        assert!(mine.contains("data-status=\"closed\""));
        // Every change: an event, an audit entry and a message (in-app + email) to the complainant.
        assert_eq!(
            app.count("SELECT COUNT(*) FROM complaint_events").await,
            4,
            "filed, accepted, answered, closed"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'complaint.status_changed'")
                .await,
            3
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM outbox WHERE subject = 'Pengaduan {number}' AND channel = 'email'"
            ))
            .await,
            4
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM outbox WHERE subject = 'Pengaduan {number}' AND channel = 'in_app'"
            ))
            .await,
            4
        );
        // Closed, it has left the inbox of open complaints but stays on record.
        assert!(!office.text("/office/complaints").await.contains(&number));
        assert!(office.text("/office/complaints?all=1").await.contains(&number));
    })
    .await;
}

#[tokio::test]
async fn an_anonymous_complaint_is_read_with_its_number_and_access_code_only() {
    on_both(async |app| {
        app.load_demo().await;
        let visitor = app.browser();
        let response = file_multipart(
            &visitor,
            &[
                ("category", "kebersihan"),
                (
                    "description",
                    "Sampah menumpuk di dekat Pasar Fatufeto sejak seminggu.",
                ),
                ("contact_phone", "081299990001"),
            ],
            Some(("tumpukan.png", png())),
        )
        .await;
        assert_eq!(response.status(), 200);
        let page = response.text().await.expect("text");
        let number = number_on(&page);
        let code = between(&page, "data-testid=\"access-code\">")
            .expect("an access code is shown once")
            .to_string();
        assert_eq!(code.len(), 11, "{code}");
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM outbox WHERE channel = 'sms' AND address = '081299990001'"
            )
            .await,
            1,
            "the receipt goes to the phone given"
        );

        // Without the code, the number alone shows nothing.
        let stranger = app.browser();
        let direct = stranger.get(&format!("/complaints/{number}")).await;
        assert_eq!(direct.status(), 303);
        assert!(location(&direct).starts_with("/complaints/lookup?number="));
        let wrong = stranger
            .post(
                "/complaints/lookup",
                &[("number", &number), ("access_code", "AAAAA-AAAAA")],
            )
            .await;
        assert_eq!(wrong.status(), 404);
        let body = wrong.text().await.expect("text");
        assert!(
            body.contains("tidak cocok") && !body.contains("Pasar Fatufeto"),
            "{body}"
        );
        let photo = stranger.get(&format!("/complaints/{number}/photo")).await;
        assert_eq!(
            photo.status(),
            303,
            "the photo needs a signed-in owner or staff"
        );

        // With the code (typed sloppily), the complaint and its status show.
        let sloppy = code.to_lowercase().replace('-', " ");
        let right = stranger
            .post(
                "/complaints/lookup",
                &[("number", &number.to_lowercase()), ("access_code", &sloppy)],
            )
            .await;
        assert_eq!(right.status(), 200);
        let body = right.text().await.expect("text");
        assert!(body.contains("Pasar Fatufeto") && body.contains("data-status=\"received\""));

        // The responsible staff see the photo.
        let office = app.browser();
        office.login_ok("admin.layanan", DEMO_PASSWORD).await;
        let photo = office.get(&format!("/complaints/{number}/photo")).await;
        assert_eq!(photo.status(), 200);
        assert_eq!(photo.headers()["content-type"], "image/png");
        assert_eq!(photo.bytes().await.expect("bytes").to_vec(), png());

        // The API look-up takes the same pair.
        let api = app.api();
        let found = api
            .request(reqwest::Method::POST, "/api/v1/complaints/lookup")
            .json(&serde_json::json!({"number": number, "access_code": code}))
            .send()
            .await
            .expect("send");
        assert_eq!(found.status(), 200);
        let json: Value = found.json().await.expect("json");
        assert_eq!(json["status"], "received");
        assert_eq!(json["has_photo"], true);
        let refused = api
            .request(reqwest::Method::POST, "/api/v1/complaints/lookup")
            .json(&serde_json::json!({"number": number, "access_code": "BBBBB-BBBBB"}))
            .send()
            .await
            .expect("send");
        assert_eq!(refused.status(), 404);

        // Guessing is slowed down: after 10 wrong pairs from one address, even the right one waits.
        for _ in 0..8 {
            let wrong = api
                .request(reqwest::Method::POST, "/api/v1/complaints/lookup")
                .json(&serde_json::json!({"number": number, "access_code": "CCCCC-CCCCC"}))
                .send()
                .await
                .expect("send");
            assert_eq!(wrong.status(), 404);
        }
        let waits = api
            .request(reqwest::Method::POST, "/api/v1/complaints/lookup")
            .json(&serde_json::json!({"number": number, "access_code": code}))
            .send()
            .await
            .expect("send");
        assert_eq!(waits.status(), 429);
    })
    .await;
}

#[tokio::test]
async fn partner_keys_are_issued_once_and_revoked_from_the_admin_page() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        assert_eq!(citizen.get("/admin/open311-keys").await.status(), 403);

        let admin = app.browser();
        admin.login_ok("admin.layanan", DEMO_PASSWORD).await;
        let nameless = admin.post("/admin/open311-keys", &[("label", "")]).await;
        assert_eq!(nameless.status(), 422);
        assert!(nameless.text().await.expect("text").contains("Tulis nama aplikasi mitra"));
        let issued = admin
            .post("/admin/open311-keys", &[("label", "Aplikasi Kelurahan Alak")])
            .await;
        assert_eq!(issued.status(), 200);
        let page = issued.text().await.expect("text");
        let key = page
            .split("data-testid=\"new-key\">")
            .nth(1)
            .and_then(|rest| rest.split("<code>").nth(1))
            .and_then(|rest| rest.split('<').next())
            .expect("the key is shown once")
            .to_string();
        assert!(key.starts_with("o311_"), "{key}");
        let later = admin.text("/admin/open311-keys").await;
        assert!(later.contains("Aplikasi Kelurahan Alak") && !later.contains(&key));

        let api = app.api();
        let fields = [
            ("api_key", key.as_str()),
            ("service_code", "lainnya"),
            ("description", "Anjing liar berkeliaran di halaman Puskesmas Alak."),
            ("address_string", "Puskesmas Alak"),
        ];
        assert_eq!(post_request(&api, &fields).await.status(), 200);
        let revoke_path = later
            .split("action=\"")
            .map(|rest| rest.split('"').next().unwrap_or_default())
            .find(|action| action.ends_with("/revoke"))
            .expect("a revoke button")
            .to_string();
        assert_eq!(admin.post(&revoke_path, &[]).await.status(), 303);
        assert_eq!(post_request(&api, &fields).await.status(), 403);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('open311_key.issued', 'open311_key.revoked')")
                .await,
            2
        );
    })
    .await;
}

#[tokio::test]
async fn bad_input_gets_every_message_at_once_and_keeps_what_was_typed() {
    on_both(async |app| {
        app.load_demo().await;
        let web = app.browser();
        let response = web
            .post(
                "/complaints/new",
                &[
                    ("description", "Bocor"),
                    ("address", "Dekat gereja GMIT Batu Plat"),
                    ("contact_email", "bukan-email"),
                ],
            )
            .await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.expect("text");
        for message in [
            "Pilih jenis pengaduan.",
            "Uraian pengaduan harus 10 sampai 2000 karakter.",
            "Tulis alamat email yang lengkap",
        ] {
            assert!(page.contains(message), "{message}: {page}");
        }
        assert!(
            page.contains(">Bocor</textarea>"),
            "the description is kept"
        );
        assert!(page.contains("value=\"Dekat gereja GMIT Batu Plat\""));
        assert!(page.contains("value=\"bukan-email\""));

        let empty = web
            .post("/complaints/new", &[("category", "layanan")])
            .await;
        assert_eq!(empty.status(), 422);
        let page = empty.text().await.expect("text");
        assert!(
            page.contains("Tulis uraian pengaduan.")
                && page.contains("Pilih layanan yang diadukan")
        );

        // In English too.
        web.post("/lang", &[("lang", "en"), ("next", "/complaints/new")])
            .await;
        let english = web
            .post(
                "/complaints/new",
                &[("category", "kebersihan"), ("description", "short")],
            )
            .await;
        assert_eq!(english.status(), 422);
        assert!(
            english
                .text()
                .await
                .expect("text")
                .contains("The description must be 10 to 2000 characters.")
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM complaints").await,
            0,
            "nothing half-written"
        );
    })
    .await;
}

#[tokio::test]
async fn a_program_renamed_to_jpg_is_refused_as_photo_and_nothing_is_stored() {
    on_both(async |app| {
        app.load_demo().await;
        let web = app.browser();
        let description = "Lampu jalan mati di tikungan Nunhila sejak sebulan.";
        let response = file_multipart(
            &web,
            &[("category", "ketertiban"), ("description", description)],
            Some((
                "foto.jpg",
                b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run".to_vec(),
            )),
        )
        .await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.expect("text");
        assert!(
            page.contains("Foto harus berupa berkas JPEG atau PNG"),
            "{page}"
        );
        assert!(page.contains(description), "the description is kept");
        assert!(
            page.contains("value=\"ketertiban\" checked"),
            "the category is kept"
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM complaints").await, 0);
        // A photo over the size limit is named with the limit, in the summary and at the field.
        let mut large = png();
        large.splice(12..12, vec![0u8; 5 * 1024 * 1024]);
        let response = file_multipart(
            &web,
            &[("category", "ketertiban"), ("description", description)],
            Some(("besar.png", large)),
        )
        .await;
        assert_eq!(response.status(), 413);
        let page = response.text().await.expect("text");
        assert_eq!(
            page.matches("Foto lebih besar dari 5 MB").count(),
            2,
            "{page}"
        );
        assert!(page.contains(description));
        assert_eq!(app.count("SELECT COUNT(*) FROM complaints").await, 0);
        let blobs = app.data_dir.join("blobs");
        assert!(
            !blobs.exists() || std::fs::read_dir(&blobs).expect("dir").next().is_none(),
            "a refused file is not stored"
        );
    })
    .await;
}

#[tokio::test]
async fn a_location_outside_kupang_is_refused_on_the_form_and_in_the_api() {
    on_both(async |app| {
        app.load_demo().await;
        let web = app.browser();
        let response = web
            .post(
                "/complaints/new",
                &[
                    ("category", "air-bersih"),
                    ("description", "Air PDAM tidak mengalir tiga hari."),
                    ("lat", "-6.2088"),
                    ("long", "106.8456"),
                ],
            )
            .await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.expect("text");
        assert!(page.contains("di luar Kota Kupang") && page.contains("value=\"-6.2088\""));

        let api = app.api();
        let refused = api
            .request(reqwest::Method::POST, "/api/v1/complaints")
            .json(&serde_json::json!({
                "category": "air-bersih",
                "description": "Air PDAM tidak mengalir tiga hari.",
                "lat": "-10.17", "long": "",
            }))
            .send()
            .await
            .expect("send");
        assert_eq!(refused.status(), 422);
        let body: Value = refused.json().await.expect("json");
        assert_eq!(body["error"]["fields"][0]["field"], "lat");
        assert_eq!(
            body["error"]["fields"][0]["code"],
            "complaints.location_invalid"
        );

        let accepted = api
            .request(reqwest::Method::POST, "/api/v1/complaints")
            .json(&serde_json::json!({
                "category": "air-bersih",
                "description": "Air PDAM tidak mengalir tiga hari.",
                "lat": "-10.2098", "long": "123.5467",
            }))
            .send()
            .await
            .expect("send");
        assert_eq!(accepted.status(), 201);
        let filed: Value = accepted.json().await.expect("json");
        assert!(
            filed["access_code"].is_string(),
            "anonymous through the API: {filed}"
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM complaints").await, 1);
    })
    .await;
}

#[tokio::test]
async fn staff_of_another_agency_and_other_citizens_see_nothing_and_are_audited() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        let number = number_on(&file_drain(&citizen).await);
        let password = app
            .create_staff("Admin Dinkes", "admin.dinkes", "service_admin", "dinkes")
            .await;
        let other = app.browser();
        other.login_ok("admin.dinkes", &password).await;
        assert!(!other.text("/office/complaints").await.contains(&number));
        assert_eq!(
            other.get(&format!("/office/complaints/{number}")).await.status(),
            404
        );
        let act = other
            .post(
                &format!("/office/complaints/{number}/actions"),
                &[("action", "accept")],
            )
            .await;
        assert_eq!(act.status(), 404);
        let api = staff_api(app, "admin.dinkes", &password).await;
        let via_api = act_api(&api, &number, serde_json::json!({"action": "accept"})).await;
        assert_eq!(via_api.status(), 404);

        // Another citizen cannot open it either.
        let yohanes = app.browser();
        yohanes.login_ok("5371011508850002", DEMO_PASSWORD).await;
        assert_eq!(yohanes.get(&format!("/complaints/{number}")).await.status(), 404);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'complaint.access_refused'")
                .await,
            4
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM complaints WHERE status = 'received'").await,
            1,
            "nothing changed"
        );

        // Forwarded to Dinas Kesehatan, it becomes theirs and leaves Kecamatan Alak's desk.
        let alak = staff_api(app, "admin.layanan", DEMO_PASSWORD).await;
        let forward = act_api(
            &alak,
            &number,
            serde_json::json!({"action": "forward", "agency": "dinkes", "note": "Genangan berisiko demam berdarah."}),
        )
        .await;
        assert_eq!(forward.status(), 200);
        let taken_over = other.get(&format!("/office/complaints/{number}")).await;
        assert_eq!(taken_over.status(), 200);
        assert!(
            taken_over
                .text()
                .await
                .expect("text")
                .contains("Diteruskan ke instansi lain")
        );
        let gone = alak
            .request(reqwest::Method::GET, &format!("/api/v1/office/complaints/{number}"))
            .send()
            .await
            .expect("send");
        assert_eq!(gone.status(), 404);
    })
    .await;
}

#[tokio::test]
async fn closing_twice_at_once_lets_exactly_one_win() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        let number = number_on(&file_drain(&citizen).await);
        let first = staff_api(app, "admin.layanan", DEMO_PASSWORD).await;
        let second = staff_api(app, "admin.sigap", DEMO_PASSWORD).await;
        // Closing before an answer is refused by the life cycle.
        let early = act_api(&first, &number, serde_json::json!({"action": "close"})).await;
        assert_eq!(early.status(), 409);
        for body in [
            serde_json::json!({"action": "accept"}),
            serde_json::json!({"action": "respond", "note": "Sudah ditangani kelurahan."}),
        ] {
            assert_eq!(act_api(&first, &number, body).await.status(), 200);
        }
        let close = serde_json::json!({"action": "close"});
        let (a, b) = tokio::join!(
            act_api(&first, &number, close.clone()),
            act_api(&second, &number, close.clone())
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "exactly one close wins");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM complaint_events WHERE action = 'close'")
                .await,
            1
        );
        let again = act_api(&first, &number, close).await;
        assert_eq!(again.status(), 409);
        let body: Value = again.json().await.expect("json");
        assert_eq!(body["error"]["code"], "complaints.not_allowed_now");
    })
    .await;
}

#[tokio::test]
async fn complaints_waiting_past_three_working_days_are_flagged_in_the_inbox() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        let number = number_on(&file_drain(&citizen).await);
        // Filed ten days ago: more than three working days, whatever today is.
        app.sql(&format!(
            "UPDATE complaints SET created_ms = created_ms - 864000000 WHERE number = '{number}'"
        ))
        .await;
        let office = staff_api(app, "admin.layanan", DEMO_PASSWORD).await;
        let inbox: Value = office
            .request(reqwest::Method::GET, "/api/v1/office/complaints")
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        let line = &inbox[0];
        assert_eq!(line["number"], number.as_str());
        assert_eq!(line["timing"]["overdue"], true);
        assert!(
            line["timing"]["working_days_waited"]
                .as_i64()
                .expect("days")
                > 3
        );
        let web = app.browser();
        web.login_ok("admin.layanan", DEMO_PASSWORD).await;
        assert!(
            web.text("/office/complaints")
                .await
                .contains("data-testid=\"overdue\"")
        );
        // Once verified, it no longer counts as late.
        let accept = act_api(&office, &number, serde_json::json!({"action": "accept"})).await;
        assert_eq!(accept.status(), 200);
        assert!(
            !web.text("/office/complaints")
                .await
                .contains("data-testid=\"overdue\"")
        );
    })
    .await;
}

// ---------- Open311 GeoReport v2 ----------

#[tokio::test]
async fn open311_services_and_their_definitions_follow_the_spec() {
    on_both(async |app| {
        app.load_demo().await;
        let api = app.api();
        let get = |path: &'static str| {
            api.request(reqwest::Method::GET, path).send()
        };
        let services: Value = get("/open311/v2/services.json")
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        let list = services.as_array().expect("an array");
        assert_eq!(list.len(), 7);
        for service in list {
            for field in ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"] {
                assert!(service.get(field).is_some(), "{field} in {service}");
            }
            assert_eq!(service["type"], "realtime");
        }
        assert!(list.iter().any(|s| s["service_code"] == "jalan-drainase"));

        let xml = get("/open311/v2/services.xml").await.expect("send");
        assert_eq!(xml.status(), 200);
        assert!(xml.headers()["content-type"].to_str().expect("ascii").starts_with("application/xml"));
        let xml = xml.text().await.expect("text");
        assert!(xml.starts_with("<?xml"), "{xml}");
        assert!(xml.contains("<services><service><service_code>layanan</service_code>"), "{xml}");
        assert_eq!(xml.matches("<service>").count(), 7);

        let definition: Value = get("/open311/v2/services/layanan.json")
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        assert_eq!(definition["service_code"], "layanan");
        let attribute = &definition["attributes"][0];
        assert_eq!(attribute["code"], "service");
        assert_eq!(attribute["datatype"], "singlevaluelist");
        assert_eq!(attribute["required"], true);
        assert_eq!(attribute["variable"], true);
        assert_eq!(attribute["order"], 1);
        let values = attribute["values"].as_array().expect("values");
        assert!(values.iter().any(|v| v["key"] == "domisili" && v["name"].is_string()));
        assert_eq!(definition["attributes"][1]["code"], "kelurahan");
        assert_eq!(definition["attributes"][1]["values"].as_array().expect("values").len(), 12);

        let public = get("/open311/v2/services/jalan-drainase.xml").await.expect("send");
        let public = public.text().await.expect("text");
        assert!(public.contains("<service_definition><service_code>jalan-drainase</service_code><attributes><attribute>"), "{public}");

        let put = api
            .request(reqwest::Method::PUT, "/open311/v2/services.json")
            .send()
            .await
            .expect("send");
        assert_eq!(put.status(), 405);
        let body: Value = put.json().await.expect("json");
        assert_eq!(body[0]["code"], 405);
        let elsewhere = get("/open311/v2/tickets.json").await.expect("send");
        assert_eq!(elsewhere.status(), 404);
        let body: Value = elsewhere.json().await.expect("json");
        assert_eq!(body[0]["code"], 404);

        let unknown = get("/open311/v2/services/bukan-layanan.json").await.expect("send");
        assert_eq!(unknown.status(), 404);
        let body: Value = unknown.json().await.expect("json");
        assert_eq!(body[0]["code"], 404);
        assert!(body[0]["description"].is_string());
    })
    .await;
}

async fn post_request(api: &Api, fields: &[(&str, &str)]) -> reqwest::Response {
    api.request(reqwest::Method::POST, "/open311/v2/requests.json")
        .form(fields)
        .send()
        .await
        .expect("send")
}

#[tokio::test]
async fn open311_posting_needs_a_live_key_and_reports_errors_in_the_spec_format() {
    on_both(async |app| {
        app.load_demo().await;
        let api = app.api();
        let good = [
            ("service_code", "jalan-drainase"),
            ("description", "Jalan berlubang besar di depan Pelabuhan Tenau."),
            ("lat", "-10.2031"),
            ("long", "123.5289"),
            ("email", "pelapor@example.id"),
        ];
        for key in [None, Some("kunci-palsu")] {
            let mut fields = good.to_vec();
            if let Some(key) = key {
                fields.push(("api_key", key));
            }
            let refused = post_request(&api, &fields).await;
            assert_eq!(refused.status(), 403, "{key:?}");
            let body: Value = refused.json().await.expect("json");
            assert_eq!(body[0]["code"], 403);
            assert!(body[0]["description"].as_str().expect("text").contains("api_key"));
        }

        // A service admin issues a key for a partner app; only its hash is kept.
        let admin = staff_api(app, "admin.layanan", DEMO_PASSWORD).await;
        let issued: Value = admin
            .request(reqwest::Method::POST, "/api/v1/open311-keys")
            .json(&serde_json::json!({"label": "Aplikasi Lapor Kupang"}))
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        let key = issued["api_key"].as_str().expect("a key").to_string();
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM open311_keys WHERE key_hash = '{}'", sha256_hex(&key)))
                .await,
            1
        );
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM open311_keys WHERE key_hash = '{key}' OR label = '{key}'"))
                .await,
            0
        );

        let mut missing = good.to_vec();
        missing.retain(|(name, _)| *name != "service_code");
        missing.push(("api_key", &key));
        let bad = post_request(&api, &missing).await;
        assert_eq!(bad.status(), 400);
        let body: Value = bad.json().await.expect("json");
        assert_eq!(body[0]["code"], 400);
        assert!(body[0]["description"].as_str().expect("text").contains("service_code"));

        let mut fields = good.to_vec();
        fields.push(("api_key", &key));
        let created = post_request(&api, &fields).await;
        assert_eq!(created.status(), 200);
        let body: Value = created.json().await.expect("json");
        let id = body[0]["service_request_id"].as_str().expect("an id");
        assert!(id.starts_with("ADU-"));
        assert!(body[0]["service_notice"].is_string());
        assert_eq!(
            app.count("SELECT COUNT(*) FROM complaints WHERE channel = 'open311' AND contact_email = 'pelapor@example.id'")
                .await,
            1
        );

        // Revoked, the key stops working.
        let revoke = admin
            .request(
                reqwest::Method::DELETE,
                &format!("/api/v1/open311-keys/{}", issued["id"].as_str().expect("id")),
            )
            .send()
            .await
            .expect("send");
        assert_eq!(revoke.status(), 204);
        assert_eq!(post_request(&api, &fields).await.status(), 403);

        // The demo key works once the demo complaints are loaded.
        app.load_complaints_demo().await;
        let mut demo = good.to_vec();
        demo.push(("api_key", complaints::demo::DEMO_OPEN311_KEY));
        assert_eq!(post_request(&api, &demo).await.status(), 200);
    })
    .await;
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

#[tokio::test]
async fn open311_requests_are_filtered_and_never_show_personal_data() {
    on_both(async |app| {
        app.load_demo().await;
        app.load_complaints_demo().await;
        let api = app.api();
        let posted = post_request(
            &api,
            &[
                ("api_key", complaints::demo::DEMO_OPEN311_KEY),
                ("service_code", "kesehatan"),
                (
                    "description",
                    "Banyak jentik nyamuk di bak penampungan umum RT 02.",
                ),
                ("address_string", "Bak penampungan umum RT 02"),
                ("attribute[kelurahan]", "kel-batu-plat"),
                ("first_name", "Marselina"),
                ("last_name", "Tanone"),
                ("email", "marselina.tanone@example.id"),
                ("phone", "081377778888"),
                ("media_url", "https://lapor.example.id/foto/123.jpg"),
            ],
        )
        .await;
        assert_eq!(posted.status(), 200);
        let posted: Value = posted.json().await.expect("json");
        let id = posted[0]["service_request_id"]
            .as_str()
            .expect("id")
            .to_string();

        let all = api
            .request(reqwest::Method::GET, "/open311/v2/requests.json")
            .send()
            .await
            .expect("send")
            .text()
            .await
            .expect("text");
        for private in [
            "Marselina",
            "Tanone",
            "marselina.tanone@example.id",
            "081377778888",
            "yuliana",
            "Yohanes",
        ] {
            assert!(!all.contains(private), "{private} leaked: {all}");
        }
        let all: Value = serde_json::from_str(&all).expect("json");
        assert_eq!(
            all.as_array().expect("list").len(),
            5,
            "four demo complaints and this one"
        );
        let mine = all
            .as_array()
            .expect("list")
            .iter()
            .find(|r| r["service_request_id"] == id.as_str())
            .expect("the new request is listed");
        for field in [
            "service_request_id",
            "status",
            "status_notes",
            "service_name",
            "service_code",
            "description",
            "agency_responsible",
            "service_notice",
            "requested_datetime",
            "updated_datetime",
            "expected_datetime",
            "address",
            "lat",
            "long",
            "media_url",
        ] {
            assert!(mine.get(field).is_some(), "{field} in {mine}");
        }
        assert_eq!(mine["status"], "open");
        assert_eq!(mine["service_code"], "kesehatan");
        assert_eq!(mine["media_url"], "https://lapor.example.id/foto/123.jpg");
        assert_eq!(
            mine["address"],
            "Bak penampungan umum RT 02, Kelurahan Batu Plat"
        );
        assert!(
            mine["requested_datetime"]
                .as_str()
                .expect("text")
                .ends_with("+08:00")
        );
        assert!(
            mine["expected_datetime"]
                .as_str()
                .expect("text")
                .ends_with("+08:00")
        );
        // A complaint about a service keeps its text and answer with the complainant.
        let service = all
            .as_array()
            .expect("list")
            .iter()
            .find(|r| r["service_code"] == "layanan")
            .expect("the demo letter complaint");
        assert_eq!(service["status"], "closed");
        assert!(service["description"].is_null());
        assert!(
            !service["status_notes"]
                .as_str()
                .expect("text")
                .contains("penandatangan")
        );

        let query = |q: String| {
            let api = &api;
            async move {
                let response = api
                    .request(
                        reqwest::Method::GET,
                        &format!("/open311/v2/requests.json?{q}"),
                    )
                    .send()
                    .await
                    .expect("send");
                (
                    response.status().as_u16(),
                    response.json::<Value>().await.expect("json"),
                )
            }
        };
        let (status, found) = query("service_code=kesehatan".into()).await;
        assert_eq!(status, 200);
        assert_eq!(found.as_array().expect("list").len(), 1);
        let (_, closed) = query("status=closed".into()).await;
        assert_eq!(closed.as_array().expect("list").len(), 1);
        assert_eq!(closed[0]["service_code"], "layanan");
        let (_, open) = query("status=open".into()).await;
        assert_eq!(open.as_array().expect("list").len(), 4);
        let (_, by_id) = query(format!("service_request_id={id}&service_code=layanan")).await;
        assert_eq!(
            by_id.as_array().expect("list").len(),
            1,
            "other filters are ignored"
        );
        let (_, future) = query("start_date=2099-01-01T00:00:00%2B08:00".into()).await;
        assert_eq!(future.as_array().expect("list").len(), 0);
        let (_, past) = query("end_date=2020-01-01T00:00:00Z&start_date=2019-01-01".into()).await;
        assert_eq!(past.as_array().expect("list").len(), 0);
        let (status, bad) = query("start_date=kemarin".into()).await;
        assert_eq!(status, 400);
        assert_eq!(bad[0]["code"], 400);

        let one = api
            .request(
                reqwest::Method::GET,
                &format!("/open311/v2/requests/{id}.json"),
            )
            .send()
            .await
            .expect("send");
        assert_eq!(one.status(), 200);
        let one: Value = one.json().await.expect("json");
        assert_eq!(one[0]["service_request_id"], id.as_str());
        assert_eq!(
            one[0]["description"],
            "Banyak jentik nyamuk di bak penampungan umum RT 02."
        );

        let unknown = api
            .request(
                reqwest::Method::GET,
                "/open311/v2/requests/ADU-0000-0000.json",
            )
            .send()
            .await
            .expect("send");
        assert_eq!(unknown.status(), 404);
        let body: Value = unknown.json().await.expect("json");
        assert_eq!(body[0]["code"], 404);
        assert!(body[0]["description"].is_string());

        // The API documents the citizen and staff actions.
        let doc: Value = api
            .request(reqwest::Method::GET, "/api/v1/openapi.json")
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        for path in [
            "/api/v1/complaints",
            "/api/v1/complaints/lookup",
            "/api/v1/office/complaints/{number}/actions",
            "/api/v1/open311-keys",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} documented");
        }
        // Schema names of this capability do not replace another capability's.
        let schemas = &doc["components"]["schemas"];
        assert!(schemas["ComplaintStatus"].is_object() && schemas["ComplaintCategory"].is_object());
        assert!(
            schemas["Category"]["enum"].is_array(),
            "the services' Category stays theirs"
        );
    })
    .await;
}

#[tokio::test]
async fn a_photo_comes_through_the_api_checked_by_content_like_on_the_form() {
    on_both(async |app| {
        use base64::Engine as _;
        app.load_demo().await;
        let mut citizen = app.api();
        citizen.sign_in(YULIANA, DEMO_PASSWORD).await;
        let file = async |photo: String| {
            citizen
                .request(reqwest::Method::POST, "/api/v1/complaints")
                .json(&serde_json::json!({
                    "category": "kebersihan",
                    "description": "Sampah menumpuk di depan pasar Alak sejak seminggu.",
                    "photo_base64": photo,
                }))
                .send()
                .await
                .expect("send")
        };
        let garbled = file("%%% bukan base64".into()).await;
        assert_eq!(garbled.status(), 422);
        let body: Value = garbled.json().await.expect("json");
        assert_eq!(body["error"]["fields"][0]["field"], "photo_base64");
        let program =
            file(base64::engine::general_purpose::STANDARD.encode(b"MZ\x90\x00\x03")).await;
        assert_eq!(program.status(), 422);
        let body: Value = program.json().await.expect("json");
        assert_eq!(body["error"]["fields"][0]["field"], "photo");
        assert_eq!(app.count("SELECT COUNT(*) FROM complaints").await, 0);

        let filed = file(base64::engine::general_purpose::STANDARD.encode(png())).await;
        assert_eq!(filed.status(), 201);
        let number = filed.json::<Value>().await.expect("json")["number"]
            .as_str()
            .expect("number")
            .to_string();
        let mine: Value = citizen
            .request(
                reqwest::Method::GET,
                &format!("/api/v1/complaints/{number}"),
            )
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        assert_eq!(mine["has_photo"], true);
    })
    .await;
}

#[tokio::test]
async fn a_service_page_leads_to_a_complaint_form_about_that_service() {
    on_both(async |app| {
        app.load_demo().await;
        let web = app.browser();
        let page = web.text("/services/sktm").await;
        let link = "/complaints/new?category=layanan&amp;service=sktm";
        assert!(page.contains(link), "{page}");
        let form = web
            .text("/complaints/new?category=layanan&service=sktm")
            .await;
        assert!(
            form.contains("<option value=\"sktm\" selected"),
            "the service is chosen already: {form}"
        );
    })
    .await;
}
