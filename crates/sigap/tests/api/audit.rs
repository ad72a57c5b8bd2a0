//! The hash-chained audit log: intact after real activity; an edited or removed row is named,
//! by the superadmin's page, the API and `sigap audit verify`.

use std::process::Command;

use crate::support::{DEMO_PASSWORD, TestApp, on_both};

fn verify_with_cli(app: &TestApp) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_sigap"))
        .args(["audit", "verify"])
        .env("SIGAP_DATABASE_URL", &app.database_url)
        .env("SIGAP_DATA_DIR", &app.data_dir)
        .output()
        .expect("sigap runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).to_string(),
    )
}

#[tokio::test]
async fn audit_verify_catches_an_edited_and_a_removed_row() {
    on_both(async |app| {
        app.load_demo().await;
        let web = app.browser();
        web.login_ok("admin.sigap", DEMO_PASSWORD).await;
        web.login("admin.sigap", "wrong-password-1").await;
        let entries = app.count("SELECT COUNT(*) FROM audit_log").await;
        assert!(
            entries > 30,
            "demo load, logins and failures are audited ({entries})"
        );
        let (code, out) = verify_with_cli(app);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains(&format!("intact: {entries} entries")), "{out}");
        assert!(web.text("/admin/audit").await.contains("Rantai audit utuh"));

        // Someone edits an entry by hand.
        app.sql("UPDATE audit_log SET action = 'login.succeeded' WHERE seq = 7")
            .await;
        let (code, out) = verify_with_cli(app);
        assert_eq!(code, 3);
        assert!(out.contains("entry 7") && out.contains("edited"), "{out}");
        assert!(
            web.text("/admin/audit")
                .await
                .contains("Rantai audit RUSAK")
        );
    })
    .await;
    // Someone removes an entry in the middle, or the newest one.
    on_both(async |app| {
        app.load_demo().await;
        app.sql("DELETE FROM audit_log WHERE seq = 12").await;
        let (code, out) = verify_with_cli(app);
        assert_eq!(code, 3);
        assert!(out.contains("entry 13") && out.contains("removed"), "{out}");
    })
    .await;
    on_both(async |app| {
        app.load_demo().await;
        let last = app.count("SELECT MAX(seq) FROM audit_log").await;
        app.sql(&format!("DELETE FROM audit_log WHERE seq = {last}"))
            .await;
        let (code, out) = verify_with_cli(app);
        assert_eq!(code, 3);
        assert!(out.contains("removed at the end"), "{out}");
    })
    .await;
}

#[tokio::test]
async fn concurrent_changes_keep_one_unbroken_chain() {
    on_both(async |app| {
        let mut tasks = Vec::new();
        for n in 0..12 {
            let web = app.browser();
            tasks.push(tokio::spawn(async move {
                web.register(
                    "Warga Alak",
                    &crate::support::nik(100 + n),
                    &format!("warga{n}@example.id"),
                    "",
                    "Bukit-Alak-Senja-26",
                )
                .await
                .status()
            }));
        }
        for task in tasks {
            assert_eq!(task.await.expect("task").as_u16(), 303);
        }
        let (code, out) = verify_with_cli(app);
        assert_eq!(code, 0, "{out}");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, 12);
    })
    .await;
}
