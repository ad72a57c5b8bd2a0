//! Every message key the code or a template names exists, in Indonesian and in English.

use std::path::{Path, PathBuf};

use platform::web::i18n::Lang;

/// Literals with a key's shape that are not message keys: template names, audit actions.
const NOT_KEYS: &[&str] = &["role.granted", "role.revoked"];

const PREFIXES: &[&str] = &[
    "accounts.",
    "services.",
    "complaints.",
    "capacity.",
    "collaboration.",
    "files.",
    "error.",
    "nav.",
    "home.",
    "role.",
    "shell.",
    "form.",
    "queue.",
];

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
            out.push(path);
        }
    }
}

/// String literals that look like message keys: `"accounts.nik_length"`.
fn keys_in(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|literal| {
            PREFIXES.iter().any(|p| literal.starts_with(p))
                && literal.len() > 3
                && literal
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
                && !literal.ends_with('.')
                && !literal.ends_with(".html")
                && !NOT_KEYS.contains(literal)
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn every_key_named_in_code_or_templates_has_both_translations() {
    let catalogue = sigap::catalogue().expect("the catalogue loads (both languages complete)");
    let crates = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for name in [
        "platform",
        "accounts",
        "services",
        "queue",
        "complaints",
        "capacity",
    ] {
        source_files(&crates.join(name).join("src"), &mut files);
        source_files(&crates.join(name).join("templates"), &mut files);
    }
    let mut missing = Vec::new();
    let mut checked = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("utf-8 source");
        for key in keys_in(&text) {
            checked += 1;
            if !catalogue.contains(&key) {
                missing.push(format!("{} in {}", key, file.display()));
            }
        }
    }
    assert!(checked > 150, "the scan found keys ({checked})");
    assert!(missing.is_empty(), "keys without text: {missing:#?}");
    for key in catalogue.keys() {
        for lang in [Lang::Id, Lang::En] {
            assert!(
                !catalogue.get(lang, key).trim().is_empty(),
                "{key} is empty in {lang:?}"
            );
        }
    }
    // Keys built at run time.
    for kind in accounts::organisation::KINDS {
        assert!(
            catalogue.contains(&format!("accounts.agency_kind_{kind}")),
            "{kind}"
        );
    }
    for value in 1..=4 {
        assert!(catalogue.contains(&format!("services.skm_scale_{value}")));
    }
    for element in services::skm::ELEMENTS {
        assert!(
            catalogue.contains(&format!("services.skm_{element}")),
            "{element}"
        );
    }
    for role in platform::auth::Role::ALL {
        assert!(catalogue.contains(role.label_key()));
    }
}
