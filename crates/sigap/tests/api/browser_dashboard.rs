//! The leader's journey on the dashboard (issue #7), in a real headless Chromium: filter by
//! agency and period, read the figures, download the per-service table as XLSX and open the
//! downloaded file with a real XLSX reader (Python's openpyxl): it holds the figures the API
//! gives for the same filters.

use std::time::Duration;

use fantoccini::{Client, Locator};
use reqwest::Method;
use serde_json::Value;

use crate::{
    browser::{choose, click, fill, journey_downloading, sign_in_as, wait_for_text},
    dashboard::generate,
    dashboard_exports::{expected_lines, only_sheet, openpyxl, tool_available},
    support::{Backend, TestApp, run_on, send, signed_in},
};

/// The one finished download in `folder` (Chromium writes `*.crdownload` until it is done).
async fn downloaded(folder: &std::path::Path, ends_with: &str) -> Vec<u8> {
    for _ in 0..150 {
        let finished: Vec<_> = std::fs::read_dir(folder)
            .expect("download folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(ends_with))
            .collect();
        if let [file] = finished.as_slice() {
            return std::fs::read(file).expect("downloaded file");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "no {ends_with} file was downloaded into {}",
        folder.display()
    );
}

#[tokio::test]
async fn a_leader_filters_by_agency_and_period_and_downloads_an_xlsx_that_opens_in_a_real_reader() {
    if !tool_available(
        "python3",
        &["-c", "import openpyxl"],
        "python3 with openpyxl",
    ) {
        return;
    }
    run_on(Backend::Sqlite, &async |app: &TestApp| {
        app.load_demo().await;
        generate(app, 400).await;
        let api = signed_in(app, "pimpinan.kota").await;
        let filters = "from=2025-01-01&to=2025-12-31&agency=kec-alak";
        let panel: Value = send(
            &api,
            Method::GET,
            &format!("/api/v1/dashboard/services?{filters}"),
            None,
        )
        .await
        .json()
        .await
        .expect("json");
        let want = expected_lines(&panel["by_service"]);
        assert!(!want.is_empty(), "figures to compare: {panel}");
        journey_downloading(
            "dashboard_xlsx",
            app,
            async |browser: &Client, base: &str, downloads: &std::path::Path| {
                sign_in_as(browser, base, "pimpinan.kota").await;
                browser
                    .goto(&format!("{base}/dashboard"))
                    .await
                    .expect("open");
                fill(browser, "from", "2025-01-01").await;
                fill(browser, "to", "2025-12-31").await;
                choose(browser, "agency", "kec-alak").await;
                click(browser, "[data-testid=apply]").await;
                let text = wait_for_text(browser, "2025-01-01 – 2025-12-31").await;
                // The page's own table holds the API's figure for the first service.
                let first = &panel["by_service"][0];
                let row = browser
                    .find(Locator::Css(&format!(
                        "[data-testid=by-service] tr[data-code=\"{}\"]",
                        first["code"].as_str().unwrap_or_default()
                    )))
                    .await
                    .expect("the first service's row")
                    .text()
                    .await
                    .expect("row text");
                assert!(
                    row.contains(&first["received"].to_string()),
                    "{row} / {first} / {text}"
                );
                click(browser, "[data-testid=xlsx-service]").await;
                let bytes = downloaded(downloads, ".xlsx").await;
                let rows = only_sheet(&openpyxl(&bytes));
                assert_eq!(rows[1..].to_vec(), want, "the downloaded XLSX");
            },
        )
        .await;
    })
    .await;
}
