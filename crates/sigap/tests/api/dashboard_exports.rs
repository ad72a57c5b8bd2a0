//! The dashboard's exports (issue #7): every table as XLSX opened with a real XLSX reader
//! (Python's openpyxl) and compared with the JSON API's figures; the monthly PDF report read
//! back with `pdftotext`; the streamed anonymised applications export counted against the
//! tables and searched for personal data.

use std::{path::PathBuf, process::Command};

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    dashboard::generate,
    support::{DEMO_PASSWORD, on_both, send, signed_in},
};

pub(crate) fn tool_available(program: &str, args: &[&str], what: &str) -> bool {
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

fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("sigap-{}-{name}", uuid::Uuid::now_v7().simple()));
    std::fs::write(&path, contents).expect("temp file written");
    path
}

const OPENPYXL: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
out = {}
for ws in wb.worksheets:
    rows = []
    for row in ws.iter_rows():
        cells = []
        for c in row:
            if getattr(c, "data_type", None) == "f":
                sys.exit("a formula cell at %s" % c.coordinate)
            cells.append(getattr(c, "value", None))
        rows.append(cells)
    out[ws.title] = rows
print(json.dumps(out))
"#;

/// Every sheet of an XLSX file as read by openpyxl: sheet name → rows of cells (it fails on
/// any formula cell: exports hold strings and numbers only).
pub(crate) fn openpyxl(bytes: &[u8]) -> Value {
    let file = temp_file("table.xlsx", bytes);
    let output = Command::new("python3")
        .arg("-c")
        .arg(OPENPYXL)
        .arg(&file)
        .output()
        .expect("python3 runs");
    let _ = std::fs::remove_file(&file);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("openpyxl's JSON")
}

/// The rows of the only sheet, header first.
pub(crate) fn only_sheet(book: &Value) -> Vec<Vec<Value>> {
    let sheets = book.as_object().expect("sheets");
    assert_eq!(sheets.len(), 1, "{book}");
    sheets
        .values()
        .next()
        .and_then(Value::as_array)
        .expect("rows")
        .iter()
        .map(|r| {
            r.as_array()
                .expect("cells")
                .iter()
                .map(number_or_self)
                .collect()
        })
        .collect()
}

/// Numbers as floats (openpyxl gives whole numbers as integers, the API some as decimals).
fn number_or_self(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64()),
        other => other.clone(),
    }
}

fn pdftotext(bytes: &[u8]) -> String {
    let file = temp_file("report.pdf", bytes);
    let output = Command::new("pdftotext")
        .arg("-layout")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let _ = std::fs::remove_file(&file);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// An API number as the XLSX reader gives it (integers and decimals alike are floats there).
fn number(v: &Value) -> Value {
    match v.as_f64() {
        Some(n) => json!(n),
        None => Value::Null,
    }
}

/// The service lines of the API as the XLSX rows should hold them.
pub(crate) fn expected_lines(lines: &Value) -> Vec<Vec<Value>> {
    lines
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| {
            vec![
                l["code"].clone(),
                l["name"].clone(),
                number(&l["received"]),
                number(&l["completed"]),
                number(&l["completed_on_time"]),
                number(&l["sla_compliance"]),
                number(&l["issued"]),
                number(&l["rejected"]),
                number(&l["withdrawn"]),
                number(&l["returned"]),
                number(&l["ikm"]["value"]),
                l["ikm"]["grade"].clone(),
                number(&l["ikm"]["respondents"]),
            ]
        })
        .collect()
}

#[tokio::test]
async fn every_dashboard_table_downloads_as_xlsx_with_the_figures_of_the_api() {
    if !tool_available(
        "python3",
        &["-c", "import openpyxl"],
        "python3 with openpyxl",
    ) {
        return;
    }
    on_both(async |app| {
        app.load_demo().await;
        capacity::demo::load(&app.state).await.expect("capacity demo");
        generate(app, 600).await;
        let api = signed_in(app, "pimpinan.kota").await;
        let web = app.browser();
        web.login_ok("pimpinan.kota", DEMO_PASSWORD).await;
        // A typed value that looks like a formula stays text in both formats.
        app.sql("UPDATE services SET name_id = '=HYPERLINK(\"http://x\")' WHERE code = 'sktm'").await;
        let filters = "from=2025-01-01&to=2025-12-31";
        let panel: Value = send(&api, Method::GET, &format!("/api/v1/dashboard/services?{filters}"), None)
            .await.json().await.expect("json");
        let download = async |path: &str| {
            let response = web.get(path).await;
            assert_eq!(response.status(), 200, "{path}");
            let headers = response.headers().clone();
            let bytes = response.bytes().await.expect("bytes").to_vec();
            (headers, bytes)
        };
        for (table, lines) in [("service", &panel["by_service"]), ("agency", &panel["by_agency"])] {
            let (headers, bytes) = download(&format!("/dashboard/services.xlsx?table={table}&{filters}")).await;
            assert_eq!(
                headers.get("content-type").and_then(|v| v.to_str().ok()),
                Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            );
            assert!(headers.get("content-disposition").and_then(|v| v.to_str().ok())
                .is_some_and(|d| d.contains("2025-01-01-2025-12-31.xlsx")));
            let rows = only_sheet(&openpyxl(&bytes));
            // The same header as the CSV of the same table.
            let (_, csv) = download(&format!("/dashboard/services.csv?table={table}&{filters}")).await;
            let csv = String::from_utf8(csv).expect("utf-8");
            let header: Vec<Value> = csv.trim_start_matches('\u{feff}').lines().next().expect("header")
                .split(',').map(|c| json!(c)).collect();
            assert_eq!(rows[0], header, "{table}");
            assert!(lines.as_array().is_some_and(|l| !l.is_empty()), "{table}: figures to compare");
            assert_eq!(rows[1..].to_vec(), expected_lines(lines), "{table}");
            if table == "service" {
                assert!(rows.iter().any(|r| r[1] == json!("=HYPERLINK(\"http://x\")")), "{rows:?}");
                assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{csv}");
            }
        }
        let (_, bytes) = download(&format!("/dashboard/services.xlsx?table=series&{filters}")).await;
        let rows = only_sheet(&openpyxl(&bytes));
        let expected: Vec<Vec<Value>> = panel["series"].as_array().expect("series").iter()
            .map(|p| vec![p["key"].clone(), number(&p["received"]), number(&p["completed"])]).collect();
        assert_eq!(rows[1..].to_vec(), expected);
        assert_eq!(rows.len(), 13, "twelve months and the header");

        // The capacity panel's tables, as CSV and XLSX.
        let capacity: Value = send(&api, Method::GET, "/api/v1/dashboard/capacity", None).await.json().await.expect("json");
        let (headers, bytes) = download("/dashboard/capacity.xlsx?table=compliance").await;
        assert!(headers.get("content-disposition").and_then(|v| v.to_str().ok()).is_some_and(|d| d.contains(".xlsx")));
        let rows = only_sheet(&openpyxl(&bytes));
        let expected: Vec<Vec<Value>> = capacity["compliance"].as_array().expect("rows").iter()
            .map(|c| vec![c["agency_code"].clone(), c["agency_name"].clone(), number(&capacity["year"]),
                          number(&c["employees"]), number(&c["compliant"]), number(&c["percent"])]).collect();
        assert!(!expected.is_empty());
        assert_eq!(rows[1..].to_vec(), expected);
        let (_, bytes) = download("/dashboard/capacity.xlsx?table=gaps").await;
        let rows = only_sheet(&openpyxl(&bytes));
        let expected: Vec<Vec<Value>> = capacity["top_gaps"].as_array().expect("rows").iter()
            .map(|g| {
                let text = |v: &Value| if v.as_str() == Some("") { Value::Null } else { v.clone() };
                vec![g["competency_code"].clone(), g["competency_name"].clone(), text(&g["agency_code"]), text(&g["agency_name"]),
                     number(&g["employees"]), number(&g["with_gap"]), number(&g["total_gap"])]
            }).collect();
        assert!(!expected.is_empty());
        assert_eq!(rows[1..].to_vec(), expected);
        let (headers, csv) = download("/dashboard/capacity.csv?table=gaps").await;
        assert_eq!(headers.get("content-type").and_then(|v| v.to_str().ok()), Some("text/csv; charset=utf-8"));
        let csv = String::from_utf8(csv).expect("utf-8");
        assert!(csv.starts_with("\u{feff}competency_code,competency_name,agency_code,agency_name,employees,with_gap,total_gap\r\n"), "{csv}");
        assert_eq!(csv.lines().count(), expected.len() + 1);

        // The same doors and filters as the dashboard.
        for (path, status) in [
            ("/dashboard/services.xlsx?from=2026-05-01&to=2026-04-01", 422),
            ("/dashboard/capacity.csv?from=kemarin", 422),
            ("/dashboard/capacity.xlsx?agency=dinas-tidak-ada", 422),
        ] {
            assert_eq!(web.get(path).await.status(), status, "{path}");
        }
        let page = web.get("/dashboard/services.xlsx?from=2026-05-01&to=2026-04-01").await.text().await.expect("text");
        assert!(page.contains("tidak boleh sebelum") && page.contains("href=\"/dashboard?from=2026-05-01&#38;to=2026-04-01\""), "the reason is named: {page}");
        app.sql("INSERT INTO role_grants (user_id, role, agency_id, granted_ms) SELECT u.id, 'leader', a.id, 0 \
                 FROM users u, agencies a WHERE u.username = 'verifikator.alak' AND a.code = 'kec-alak'").await;
        let head = app.browser();
        head.login_ok("verifikator.alak", DEMO_PASSWORD).await;
        assert_eq!(head.get("/dashboard/services.xlsx?agency=dukcapil").await.status(), 403);
        assert_eq!(head.get("/dashboard/capacity.xlsx?agency=dukcapil").await.status(), 403);
        // An agency head's table holds only their agencies.
        let bytes = head.get(&format!("/dashboard/services.xlsx?table=agency&{filters}")).await.bytes().await.expect("bytes");
        let rows = only_sheet(&openpyxl(&bytes));
        assert!(rows.len() > 1 && rows[1..].iter().all(|r| r[0].as_str().is_some_and(|c| c == "kec-alak" || c.starts_with("kel-"))), "{rows:?}");
    })
    .await;
}

#[tokio::test]
async fn the_monthly_report_prints_the_figures_beside_the_previous_month_and_the_saved_commentary()
{
    if !tool_available("pdftotext", &["-v"], "pdftotext (poppler-utils)") {
        return;
    }
    on_both(async |app| {
        app.load_demo().await;
        generate(app, 800).await;
        let web = app.browser();
        web.login_ok("pimpinan.kota", DEMO_PASSWORD).await;
        let api = signed_in(app, "pimpinan.kota").await;
        // A bad month is named and what was typed is kept.
        let response = web.get("/dashboard/report?month=2025-13").await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.expect("text");
        assert!(page.contains("id=\"month-error\"") && page.contains("value=\"2025-13\"") && page.contains("TTTT-BB"), "{page}");
        assert_eq!(web.get("/dashboard/report.pdf?month=2999-01").await.status(), 422);
        // An empty commentary is refused; the form keeps the month.
        let response = web.post("/dashboard/report", &[("month", "2025-06"), ("agency", ""), ("based_on", "0"), ("commentary", "  ")]).await;
        assert_eq!(response.status(), 422);
        let page = response.text().await.expect("text");
        assert!(page.contains("id=\"commentary-error\"") && page.contains("value=\"2025-06\""), "{page}");
        assert_eq!(app.count("SELECT COUNT(*) FROM dashboard_commentaries").await, 0);
        // Saved as version 1, then 2; a save based on a stale version is refused and keeps the text.
        let first = "Layanan SKTM meningkat; antrean pagi perlu loket tambahan.";
        let response = web.post("/dashboard/report", &[("month", "2025-06"), ("agency", ""), ("based_on", "0"), ("commentary", first)]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(crate::support::location(&response), "/dashboard/report?month=2025-06&saved=1");
        let second = "Kinerja Juni baik: waktu penyelesaian turun. Tindak lanjut: pelatihan verifikator.";
        let response = web.post("/dashboard/report", &[("month", "2025-06"), ("agency", ""), ("based_on", "1"), ("commentary", second)]).await;
        assert_eq!(response.status(), 303);
        let response = web.post("/dashboard/report", &[("month", "2025-06"), ("agency", ""), ("based_on", "1"), ("commentary", "Versi lama yang ditimpa")]).await;
        assert_eq!(response.status(), 409);
        let page = response.text().await.expect("text");
        assert!(page.contains("Versi lama yang ditimpa") && page.contains("id=\"commentary-error\""), "{page}");
        assert_eq!(app.count("SELECT COUNT(*) FROM dashboard_commentaries WHERE month = '2025-06'").await, 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'report.commentary_saved'").await, 2);
        let page = web.text("/dashboard/report?month=2025-06").await;
        assert!(page.contains(second) && page.contains("data-testid=\"versions\""), "{page}");

        // The PDF: this month's figures and the previous month's, and the newest commentary.
        let response = web.get("/dashboard/report.pdf?month=2025-06").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/pdf"));
        let pdf = response.bytes().await.expect("bytes");
        if let Ok(path) = std::env::var("SIGAP_WRITE_SAMPLE_REPORT") {
            std::fs::write(path, &pdf).expect("sample written");
        }
        let text = pdftotext(&pdf);
        let figures = async |from: &str, to: &str| -> Value {
            send(&api, Method::GET, &format!("/api/v1/dashboard/services?from={from}&to={to}"), None).await.json().await.expect("json")
        };
        let june = figures("2025-06-01", "2025-06-30").await;
        let may = figures("2025-05-01", "2025-05-31").await;
        assert!(text.contains("Laporan bulanan pelayanan publik") && text.contains("Juni 2025") && text.contains("Mei 2025"), "{text}");
        let row = |label: &str| text.lines().find(|l| l.trim_start().starts_with(label)).map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or_default();
        let (received_now, received_before) = (june["current"]["received"].as_i64().expect("n"), may["current"]["received"].as_i64().expect("n"));
        assert!(received_now > 0 && received_before > 0);
        assert_eq!(row("Permohonan diterima"), format!("Permohonan diterima {received_now} {received_before}"), "{text}");
        let completed = row("Permohonan selesai");
        assert_eq!(completed, format!("Permohonan selesai {} {}", june["current"]["completed"], may["current"]["completed"]), "{text}");
        let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(joined.contains(second) && !joined.contains(first), "the newest version: {text}");
        assert!(joined.contains("Permohonan diterima per layanan"), "a chart: {text}");
        // The same figures and commentary through the API, which the OpenAPI document lists.
        let report: Value = send(&api, Method::GET, "/api/v1/dashboard/report?month=2025-06", None).await.json().await.expect("json");
        assert_eq!((report["month"].as_str(), report["previous_month"].as_str()), (Some("2025-06"), Some("2025-05")));
        assert_eq!(report["current"], june["current"]);
        assert_eq!(report["previous"], may["current"]);
        assert_eq!(report["commentary"].as_array().map(Vec::len), Some(2));
        assert_eq!(report["commentary"][0]["body"], second);
        let response = send(&api, Method::GET, "/api/v1/dashboard/report?month=2025-13", None).await;
        assert_eq!(response.status(), 422);
        assert!(response.text().await.expect("text").contains("month"));
        let doc: Value = send(&api, Method::GET, "/api/v1/openapi.json", None).await.json().await.expect("json");
        assert!(doc["paths"]["/api/v1/dashboard/report"]["get"].is_object());
        // In English for an English reader.
        web.post("/lang", &[("lang", "en"), ("next", "/")]).await;
        let text = pdftotext(&web.get("/dashboard/report.pdf?month=2025-06").await.bytes().await.expect("bytes"));
        assert!(text.contains("Monthly public service report") && text.contains("June 2025") && text.contains("May 2025"), "{text}");
        assert!(text.lines().any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") == format!("Applications received {received_now} {received_before}")), "{text}");
        // An agency head: their agency by default, a foreign one refused.
        app.sql("INSERT INTO role_grants (user_id, role, agency_id, granted_ms) SELECT u.id, 'leader', a.id, 0 \
                 FROM users u, agencies a WHERE u.username = 'verifikator.alak' AND a.code = 'kec-alak'").await;
        let head = app.browser();
        head.login_ok("verifikator.alak", DEMO_PASSWORD).await;
        assert_eq!(head.get("/dashboard/report.pdf?month=2025-06&agency=dukcapil").await.status(), 403);
        assert_eq!(head.post("/dashboard/report", &[("month", "2025-06"), ("agency", "dukcapil"), ("based_on", "0"), ("commentary", "x")]).await.status(), 403);
        let page = head.text("/dashboard/report?month=2025-06").await;
        assert!(page.contains("<option value=\"kec-alak\" selected>") && !page.contains(second), "their own scope: {page}");
    })
    .await;
}

#[tokio::test]
async fn the_anonymised_applications_export_streams_every_row_and_no_personal_data() {
    on_both(async |app| {
        app.load_demo().await;
        generate(app, 2300).await;
        // Personal data in the rows that must never come out.
        app.sql("UPDATE applications SET address = 'Jalan Rahasia Nomor 7', purpose = 'Beasiswa anak Yuliana', kelurahan_code = 'kel-namosain'").await;
        let web = app.browser();
        web.login_ok("pimpinan.kota", DEMO_PASSWORD).await;
        let period = "from=2024-12-01&to=2026-11-30";
        let response = web.get(&format!("/dashboard/applications.csv?{period}")).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("text/csv; charset=utf-8"));
        assert!(response.headers().get("content-length").is_none(), "streamed, not built first");
        let csv = response.text().await.expect("text");
        let mut lines = csv.trim_start_matches('\u{feff}').lines();
        assert_eq!(lines.next(), Some("service_code,service_name,agency_code,agency_name,kelurahan_code,kelurahan_name,submitted_day,status,completed_day,working_days,sla_met,returned_for_revision"));
        let rows: Vec<&str> = lines.collect();
        // Brute force: applications submitted in the period (WITA days).
        let start = jiff::civil::date(2024, 12, 1).to_zoned(platform::clock::wita().clone()).expect("day").timestamp().as_millisecond();
        let end = jiff::civil::date(2026, 12, 1).to_zoned(platform::clock::wita().clone()).expect("day").timestamp().as_millisecond();
        let expected = app.count(&format!("SELECT COUNT(*) FROM applications WHERE submitted_ms >= {start} AND submitted_ms < {end}")).await;
        assert!(expected > 2000, "more than two pages");
        assert_eq!(rows.len() as i64, expected);
        // Every returned application says so; the issued have their days.
        let returned = app.count(&format!("SELECT COUNT(DISTINCT a.id) FROM applications a JOIN application_events e ON e.application_id = a.id \
            WHERE e.status = 'returned_for_revision' AND a.submitted_ms >= {start} AND a.submitted_ms < {end}")).await;
        assert_eq!(rows.iter().filter(|r| r.ends_with(",yes")).count() as i64, returned);
        assert!(rows.iter().any(|r| r.contains(",issued,") && r.contains(",kel-namosain,Kelurahan Namosain,")), "{:?}", rows.first());
        // No personal data of anyone on file.
        let people = sqlx::query("SELECT full_name, nik, email, phone FROM users WHERE kind = 'citizen'")
            .fetch_all(&app.state.db.read).await.expect("citizens");
        assert!(!people.is_empty());
        use sqlx::Row as _;
        for person in &people {
            for column in ["full_name", "nik", "email", "phone"] {
                if let Some(value) = person.get::<Option<String>, _>(column).filter(|v| v.len() > 3) {
                    assert!(!csv.contains(&value), "{column} appears in the export");
                }
            }
        }
        for secret in ["Jalan Rahasia", "Beasiswa", "gen-0"] {
            assert!(!csv.contains(secret), "{secret} appears in the export");
        }
        // One agency: exactly its applications.
        let alak = app.count(&format!("SELECT COUNT(*) FROM applications a JOIN agencies g ON g.id = a.agency_id \
            WHERE g.code = 'dukcapil' AND a.submitted_ms >= {start} AND a.submitted_ms < {end}")).await;
        let csv = web.text(&format!("/dashboard/applications.csv?{period}&agency=dukcapil")).await;
        assert_eq!(csv.lines().count() as i64 - 1, alak);
        // The XLSX has the same rows.
        if tool_available("python3", &["-c", "import openpyxl"], "python3 with openpyxl") {
            let response = web.get(&format!("/dashboard/applications.xlsx?{period}")).await;
            assert_eq!(response.status(), 200);
            let rows = only_sheet(&openpyxl(&response.bytes().await.expect("bytes")));
            assert_eq!(rows.len() as i64 - 1, expected);
            assert_eq!(rows[0][0], json!("service_code"));
        }
        // Bad filters and foreign agencies, as everywhere on the dashboard.
        assert_eq!(web.get("/dashboard/applications.csv?from=2026-05-01&to=2026-04-01").await.status(), 422);
        app.sql("INSERT INTO role_grants (user_id, role, agency_id, granted_ms) SELECT u.id, 'leader', a.id, 0 \
                 FROM users u, agencies a WHERE u.username = 'verifikator.alak' AND a.code = 'kec-alak'").await;
        let head = app.browser();
        head.login_ok("verifikator.alak", DEMO_PASSWORD).await;
        assert_eq!(head.get("/dashboard/applications.csv?agency=dukcapil").await.status(), 403);
        assert_eq!(head.get("/dashboard/applications.xlsx?agency=dukcapil").await.status(), 403);
        let csv = head.text(&format!("/dashboard/applications.csv?{period}")).await;
        assert!(csv.lines().skip(1).all(|l| l.split(',').nth(2).is_some_and(|c| c == "kec-alak" || c.starts_with("kel-"))));
    })
    .await;
}
