//! ASN capacity (issue #5): employees and their CSV import, competencies and assessments,
//! trainings with enrolment, waitlist and attendance, the JP ledger and certificates.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Api, DEMO_PASSWORD, TestApp, location, on_both};

/// A valid NIP: a woman born 1 July 1990, appointed March 2015, serial `n`.
fn nip(n: u32) -> String {
    format!("19900701201503200{}", n % 10)
}

/// A man's NIP with a three-digit serial.
fn nip_man(n: u32) -> String {
    format!("198503152010011{:03}", n % 1000)
}

async fn bkppd(app: &TestApp) -> Api {
    let mut api = app.api();
    api.sign_in("admin.bkppd", DEMO_PASSWORD).await;
    api
}

async fn post_json(api: &Api, path: &str, body: Value) -> (StatusCode, Value) {
    let response = api
        .request(Method::POST, path)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get_json(api: &Api, path: &str) -> (StatusCode, Value) {
    let response = api
        .request(Method::GET, path)
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn employee(nip: &str, name: &str, agency: &str) -> Value {
    json!({"nip": nip, "full_name": name, "agency_code": agency, "unit": "Seksi Pelayanan",
           "position": "Analis Pelayanan", "rank": "III/a", "employment_type": "pns"})
}

async fn import(api: &Api, csv: &[u8], commit: bool) -> (StatusCode, Value) {
    let response = api
        .request(
            Method::POST,
            &format!("/api/v1/employees/import?commit={commit}"),
        )
        .header("content-type", "text/csv")
        .body(csv.to_vec())
        .send()
        .await
        .expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

const HEADER: &str = "nip,full_name,agency_code,unit,position,rank,employment_type,email,phone,username,supervisor_nip\n";

#[tokio::test]
async fn an_invalid_nip_is_refused_with_the_reason_and_the_typed_values_are_kept() {
    on_both(async |app| {
        app.load_demo().await;
        let web = app.browser();
        web.login_ok("admin.bkppd", DEMO_PASSWORD).await;
        let form = [
            ("employment_type", "pns"),
            ("nip", "199013012015032001"),
            ("full_name", "Maria Seran"),
            ("agency_code", "kec-alak"),
            ("unit", ""),
            ("position", "Analis Kepegawaian"),
            ("rank", "III/b"),
        ];
        let response = web.post("/capacity/employees/new", &form).await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.expect("text");
        assert!(
            page.contains("tanggal lahir yang benar"),
            "birth date reason"
        );
        assert!(
            page.contains("value=\"Maria Seran\"") && page.contains("value=\"199013012015032001\"")
        );
        for (bad, reason) in [
            ("19900701201503200", "18 angka"),
            ("199007012015133001", "harus 01 sampai 12"),
            (
                "199007012015033001",
                "harus 1 (laki-laki) atau 2 (perempuan)",
            ),
        ] {
            let mut fields = form.to_vec();
            fields[1] = ("nip", bad);
            let page = web
                .post("/capacity/employees/new", &fields)
                .await
                .text()
                .await
                .expect("text");
            assert!(page.contains(reason), "{bad}: {reason}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM employees").await, 0);
        // A woman's NIP (sex digit 2) is accepted.
        let mut fields = form.to_vec();
        fields[1] = ("nip", "19900701 201503 2 001");
        let response = web.post("/capacity/employees/new", &fields).await;
        assert_eq!(response.status(), 303);
        assert_eq!(
            location(&response),
            "/capacity/employees/199007012015032001"
        );
        let page = web.text("/capacity/employees/199007012015032001").await;
        assert!(page.contains("Maria Seran") && page.contains("Kecamatan Alak"));
        // Twice: the NIP is taken.
        let page = web
            .post("/capacity/employees/new", &fields)
            .await
            .text()
            .await
            .expect("text");
        assert!(page.contains("NIP ini sudah terdaftar"));
        // The API gives the same reasons, in English when asked.
        let api = bkppd(app).await;
        let response = api
            .request(Method::POST, "/api/v1/employees")
            .header("accept-language", "en")
            .json(&employee("199007012015002001", "Test", "nowhere"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 422);
        let body: Value = response.json().await.expect("json");
        let fields: Vec<&str> = body["error"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .filter_map(|f| f["field"].as_str())
            .collect();
        assert!(
            fields.contains(&"nip") && fields.contains(&"agency_code"),
            "{body}"
        );
        assert!(body.to_string().contains("appointment month"), "{body}");
    })
    .await;
}

#[tokio::test]
async fn only_competency_admins_manage_employees() {
    on_both(async |app| {
        app.load_demo().await;
        let mut asn = app.api();
        asn.sign_in("asn.alak", DEMO_PASSWORD).await;
        let (status, _) = post_json(
            &asn,
            "/api/v1/employees",
            employee(&nip(1), "A", "kec-alak"),
        )
        .await;
        assert_eq!(status, 403);
        let (status, _) = get_json(&asn, "/api/v1/employees").await;
        assert_eq!(status, 403);
        let (status, _) = import(&asn, HEADER.as_bytes(), true).await;
        assert_eq!(status, 403);
        let web = app.browser();
        web.login_ok("asn.alak", DEMO_PASSWORD).await;
        assert_eq!(web.get("/capacity/employees/new").await.status(), 403);
        let mut leader = app.api();
        leader.sign_in("pimpinan.kota", DEMO_PASSWORD).await;
        let (status, _) = get_json(&leader, "/api/v1/employees").await;
        assert_eq!(status, 200, "leaders read");
        let (status, _) = post_json(
            &leader,
            "/api/v1/employees",
            employee(&nip(1), "A", "kec-alak"),
        )
        .await;
        assert_eq!(status, 403, "but do not write");
    })
    .await;
}

#[tokio::test]
async fn a_dry_run_lists_every_bad_row_and_a_commit_with_any_problem_imports_nothing() {
    on_both(async |app| {
        app.load_demo().await;
        let api = bkppd(app).await;
        let csv = format!(
            "{HEADER}{},Ana Bria,kec-alak,Umum,Pengadministrasi,II/c,pns,,,,\n\
             199013012015032001,Bad Date,kec-alak,,Analis,III/a,pns,,,,\n\
             {},Ana Again,kec-alak,,Analis,III/a,pns,,,,\n\
             {},Unknown Agency,dinas-tidak-ada,,Analis,III/a,pns,,,,\n\
             {},Bad Rank,kec-alak,,Analis,III/z,pns,,,,\n\
             short,row\n\
             {},Good Man,dinkes,,Perawat,III/c,pns,good@example.id,,,{}\n",
            nip(1),
            nip(1),
            nip_man(7),
            nip_man(8),
            nip_man(9),
            nip(1)
        );
        let (status, report) = import(&api, csv.as_bytes(), false).await;
        assert_eq!(status, 422, "{report}");
        let problems: Vec<(u64, String)> = report["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .map(|p| {
                (
                    p["row"].as_u64().unwrap_or(0),
                    p["field"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        assert_eq!(
            problems,
            vec![
                (3, "nip".to_string()),
                (4, "nip".to_string()),
                (5, "agency_code".to_string()),
                (6, "rank".to_string()),
                (7, "row".to_string()),
            ],
            "{report}"
        );
        assert_eq!(report["rows"], 7);
        assert_eq!(report["committed"], false);
        assert!(
            report["problems"][1]["message"]
                .as_str()
                .unwrap_or("")
                .contains("lebih dari sekali")
        );
        // Commit with problems: nothing written.
        let (status, report) = import(&api, csv.as_bytes(), true).await;
        assert_eq!(status, 422);
        assert_eq!(report["committed"], false);
        assert_eq!(app.count("SELECT COUNT(*) FROM employees").await, 0);
        // The clean part commits, all rows at once; a second import updates.
        let good = format!(
            "{HEADER}{},Ana Bria,kec-alak,Umum,Pengadministrasi,II/c,pns,,,asn.alak,\n\
             {},Good Man,dinkes,,Perawat,III/c,pns,good@example.id,,,{}\n\
             {},Petrus PPPK,kel-alak,,Pengelola Layanan,IX,pppk,,,,\n",
            nip(1),
            nip_man(9),
            nip(1),
            "202112312022131001"
        );
        let (status, report) = import(&api, good.as_bytes(), false).await;
        assert_eq!(
            (status.as_u16(), report["new"].as_u64()),
            (200, Some(3)),
            "{report}"
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM employees").await,
            0,
            "dry run writes nothing"
        );
        let (status, report) = import(&api, good.as_bytes(), true).await;
        assert_eq!(status, 200, "{report}");
        assert_eq!(report["committed"], true);
        assert_eq!(app.count("SELECT COUNT(*) FROM employees").await, 3);
        let (_, again) = import(&api, good.as_bytes(), true).await;
        assert_eq!(
            (again["new"].as_u64(), again["updated"].as_u64()),
            (Some(0), Some(3))
        );
        let (_, list) = get_json(&api, "/api/v1/employees?agency=dinkes").await;
        assert_eq!(list.as_array().map(Vec::len), Some(1));
        assert_eq!(list[0]["supervisor_nip"], nip(1));
        assert!(
            app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'employees.imported'")
                .await
                >= 2
        );
    })
    .await;
}

#[tokio::test]
async fn an_import_file_with_a_wrong_header_or_in_latin1_is_refused_with_a_clear_message() {
    on_both(async |app| {
        app.load_demo().await;
        let api = bkppd(app).await;
        let (status, body) = import(&api, b"NIP;Nama;Instansi\n1;2;3\n", false).await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["fields"][0]["code"], "capacity.import_header", "{body}");
        let mut latin1 = HEADER.as_bytes().to_vec();
        latin1.extend(format!("{},", nip(1)).as_bytes());
        latin1.extend(b"Maria S\xe8ran,kec-alak,,Analis,III/a,pns,,,,\n");
        let (status, body) = import(&api, &latin1, true).await;
        assert_eq!(status, 422);
        assert_eq!(body["error"]["fields"][0]["code"], "capacity.import_not_utf8");
        assert!(body["error"]["fields"][0]["message"].as_str().unwrap_or("").contains("UTF-8"));
        assert_eq!(app.count("SELECT COUNT(*) FROM employees").await, 0);
        // On the web page: the same message next to the file field, and the report table.
        let web = app.browser();
        web.login_ok("admin.bkppd", DEMO_PASSWORD).await;
        let response = web
            .upload_with("/capacity/employees/import", &[("mode", "commit")], "pegawai.csv", latin1)
            .await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.expect("text");
        assert!(page.contains("Berkas bukan UTF-8") && page.contains("id=\"file-error\""));
        let semicolons = format!(
            "{}\n{};Ana Bria;kec-alak;;Analis;III/a;pns;;;;\n{};Bad;kec-alak;;Analis;III/a;pns;;;;\n",
            HEADER.trim_end().replace(',', ";"),
            nip(1),
            nip(1)
        );
        let response = web
            .upload_with("/capacity/employees/import", &[("mode", "commit")], "p.csv", semicolons.into_bytes())
            .await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.expect("text");
        assert!(page.contains("data-testid=\"import-problems\"") && page.contains("<td>3</td><td>nip</td>"));
        assert_eq!(app.count("SELECT COUNT(*) FROM employees").await, 0);
    })
    .await;
}

#[tokio::test]
async fn the_dictionary_is_seeded_from_permenpan_rb_38_2017_and_admins_add_technical_competencies()
{
    on_both(async |app| {
        app.load_demo().await;
        let api = bkppd(app).await;
        let (status, list) = get_json(&api, "/api/v1/competencies").await;
        assert_eq!(status, 200);
        let list = list.as_array().expect("list").clone();
        let of_kind = |kind: &str| list.iter().filter(|c| c["kind"] == kind).count();
        assert_eq!((of_kind("managerial"), of_kind("socio_cultural")), (8, 1));
        assert!(list.iter().all(|c| c["levels"].as_array().map(Vec::len) == Some(5)));
        let integrity = list.iter().find(|c| c["code"] == "integritas").expect("integritas");
        assert_eq!(integrity["name_en"], "Integrity");
        let technical = json!({"code": "pengelolaan-arsip", "name_id": "Pengelolaan Arsip Dinamis",
            "description_id": "Mengelola arsip aktif dan inaktif sesuai JRA.",
            "level_1": "Memberkaskan arsip", "level_2": "Menata arsip", "level_3": "Menyusun daftar arsip",
            "level_4": "Menilai arsip", "level_5": "Merancang sistem kearsipan"});
        let (status, created) = post_json(&api, "/api/v1/competencies", technical.clone()).await;
        assert_eq!(status, 201, "{created}");
        let (status, body) = post_json(&api, "/api/v1/competencies", technical.clone()).await;
        assert_eq!((status.as_u16(), body["error"]["fields"][0]["code"].as_str()), (422, Some("capacity.code_taken")));
        let mut missing = technical.clone();
        missing["code"] = json!("lain");
        missing["level_3"] = json!("");
        let (status, body) = post_json(&api, "/api/v1/competencies", missing).await;
        assert_eq!((status.as_u16(), body["error"]["fields"][0]["field"].as_str()), (422, Some("level_3")));
        let mut asn = app.api();
        asn.sign_in("asn.alak", DEMO_PASSWORD).await;
        let (status, _) = post_json(&asn, "/api/v1/competencies", technical).await;
        assert_eq!(status, 403);
        let web = app.browser();
        web.login_ok("asn.alak", DEMO_PASSWORD).await;
        let page = web.text("/capacity/competencies").await;
        assert!(page.contains("Perekat Bangsa") && page.contains("Pengelolaan Arsip Dinamis"));
        assert!(page.contains("Menjadi teladan (role model)"), "level 5 of integritas");
        assert!(!page.contains("action=\"/capacity/competencies\""), "no form for an ASN");
    })
    .await;
}

#[tokio::test]
async fn assessments_keep_their_history_and_the_gap_is_required_minus_the_latest_level() {
    on_both(async |app| {
        app.load_demo().await;
        let api = bkppd(app).await;
        let (status, _) = post_json(&api, "/api/v1/employees", employee(&nip(1), "Ana Bria", "kec-alak")).await;
        assert_eq!(status, 201);
        for (code, level) in [("integritas", "3"), ("komunikasi", "2")] {
            let response = api
                .request(Method::PUT, "/api/v1/position-requirements")
                .json(&json!({"position": "Analis Pelayanan", "competency_code": code, "level": level}))
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), 204);
        }
        let assess = |level: &str, on: &str| {
            json!({"competency_code": "integritas", "level": level, "assessed_on": on,
                   "method": "supervisor", "evidence": "Penilaian atasan semester I"})
        };
        let path = format!("/api/v1/employees/{}/assessments", nip(1));
        for (level, on) in [("1", "2025-01-10"), ("3", "2026-06-01"), ("2", "2025-05-01")] {
            let (status, body) = post_json(&api, &path, assess(level, on)).await;
            assert_eq!(status, 201, "{body}");
        }
        let (_, history) = get_json(&api, &path).await;
        let history = history.as_array().expect("history").clone();
        assert_eq!(history.len(), 3, "every assessment kept");
        assert_eq!(history[0]["assessed_on"], "2026-06-01");
        assert_eq!(history.iter().filter(|a| a["current"] == true).count(), 1);
        assert_eq!(history[0]["current"], true, "a backdated assessment does not replace a newer one");
        let (_, gaps) = get_json(&api, &format!("/api/v1/employees/{}/gaps", nip(1))).await;
        let gap_of = |code: &str| gaps.as_array().and_then(|g| g.iter().find(|r| r["competency_code"] == code)).map(|r| r["gap"].clone());
        assert_eq!(gap_of("integritas"), Some(json!(0)));
        assert_eq!(gap_of("komunikasi"), Some(json!(2)), "never assessed: the whole requirement");
        // Bad input on the web form: every error next to its field, values kept.
        let web = app.browser();
        web.login_ok("admin.bkppd", DEMO_PASSWORD).await;
        let response = web
            .post(
                &format!("/capacity/employees/{}/assessments", nip(1)),
                &[("competency_code", "integritas"), ("level", "7"), ("assessed_on", "2099-01-01"),
                  ("method", "supervisor"), ("evidence", "Catatan saya")],
            )
            .await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.expect("text");
        assert!(page.contains("id=\"level-error\"") && page.contains("id=\"assessed_on-error\""));
        assert!(page.contains("Catatan saya"), "typed evidence kept");
        assert!(page.contains("data-testid=\"gap-komunikasi\">2<"));
        let (status, _) = post_json(&api, &path, json!({"competency_code": "tidak-ada", "level": "2",
            "assessed_on": "2026-01-01", "method": "guess", "evidence": "x"})).await;
        assert_eq!(status, 422);
        assert_eq!(app.count("SELECT COUNT(*) FROM assessments").await, 3);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'assessment.recorded'").await, 3);
    })
    .await;
}
