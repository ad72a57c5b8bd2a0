//! Start-up with a wrong setting stops with one clear line naming it and a non-zero exit.

use std::process::Command;

fn sigap(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let data = std::env::temp_dir().join(format!("sigap-config-{}", uuid::Uuid::now_v7().simple()));
    let mut command = Command::new(env!("CARGO_BIN_EXE_sigap"));
    command.args(args).env("SIGAP_DATA_DIR", &data);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("sigap runs");
    let _ = std::fs::remove_dir_all(&data);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[test]
fn a_malformed_database_url_names_the_setting() {
    let (code, err) = sigap(
        &["migrate"],
        &[("SIGAP_DATABASE_URL", "mysql://root:secret@db/sigap")],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("SIGAP_DATABASE_URL") && err.contains("neither a sqlite:// nor a postgres://"),
        "{err}"
    );
    assert!(!err.contains("secret"), "passwords are redacted: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn an_unreachable_database_names_the_setting() {
    let (code, err) = sigap(
        &["migrate"],
        &[(
            "SIGAP_DATABASE_URL",
            "postgres://postgres:pw@127.0.0.1:1/sigap",
        )],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("SIGAP_DATABASE_URL") && err.contains("cannot open the database"),
        "{err}"
    );
    assert!(!err.contains(":pw@"), "{err}");
}

#[test]
fn an_unwritable_data_dir_names_the_setting() {
    let file = std::env::temp_dir().join(format!("sigap-file-{}", uuid::Uuid::now_v7().simple()));
    std::fs::write(&file, b"not a folder").expect("write");
    let inside = file.join("data");
    let (code, err) = sigap(
        &["migrate"],
        &[("SIGAP_DATA_DIR", inside.to_str().expect("utf-8"))],
    );
    let _ = std::fs::remove_file(&file);
    assert_eq!(code, 2);
    assert!(err.contains("SIGAP_DATA_DIR"), "{err}");
}

#[test]
fn a_bad_bind_address_and_log_format_name_their_settings() {
    let (code, err) = sigap(&["migrate"], &[("SIGAP_BIND", "everywhere")]);
    assert_eq!(code, 2);
    assert!(err.contains("SIGAP_BIND"), "{err}");
    let (code, err) = sigap(&["migrate"], &[("SIGAP_LOG_FORMAT", "xml")]);
    assert_eq!(code, 2);
    assert!(err.contains("SIGAP_LOG_FORMAT"), "{err}");
}

#[test]
fn help_lists_every_subcommand() {
    let output = Command::new(env!("CARGO_BIN_EXE_sigap"))
        .arg("--help")
        .output()
        .expect("runs");
    let help = String::from_utf8_lossy(&output.stdout);
    for sub in ["serve", "migrate", "demo", "user", "audit", "backup"] {
        assert!(help.contains(sub), "{sub} in --help");
    }
}

#[test]
fn the_cli_manages_staff_accounts_and_backs_up_sqlite() {
    let data = std::env::temp_dir().join(format!("sigap-cli-{}", uuid::Uuid::now_v7().simple()));
    let run = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_sigap"))
            .args(args)
            .env("SIGAP_DATA_DIR", &data)
            .output()
            .expect("runs");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).to_string(),
            String::from_utf8_lossy(&output.stderr).to_string(),
        )
    };
    let (code, out, err) = run(&["demo"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("admin.sigap") && out.contains("Alak-Demo-2026"));
    let (code, out, err) = run(&[
        "user",
        "create",
        "--username",
        "kasi.pelayanan",
        "--name",
        "Kristina Mone",
        "--role",
        "verifier",
        "--agency",
        "kec-alak",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Temporary password: "), "{out}");
    let (code, _, err) = run(&[
        "user",
        "grant",
        "--username",
        "kasi.pelayanan",
        "--role",
        "nonsense",
        "--agency",
        "kec-alak",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("Choose one of the roles offered"), "{err}");
    let (code, _, err) = run(&["user", "disable", "--username", "kasi.pelayanan"]);
    assert_eq!(code, 0, "{err}");
    let backup = data.join("copy.db");
    let (code, out, err) = run(&["backup", "--output", backup.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Backup written"));
    assert!(
        std::fs::metadata(&backup)
            .map(|m| m.len() > 0)
            .unwrap_or(false)
    );
    let (code, out, _) = {
        let output = Command::new(env!("CARGO_BIN_EXE_sigap"))
            .args(["audit", "verify"])
            .env("SIGAP_DATA_DIR", &data)
            .env(
                "SIGAP_DATABASE_URL",
                format!("sqlite://{}", backup.display()),
            )
            .output()
            .expect("runs");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).to_string(),
            (),
        )
    };
    assert_eq!(code, 0, "the backup is a consistent copy: {out}");
    let _ = std::fs::remove_dir_all(&data);
}
