//! The Indonesian/English message catalogue. Every text a person reads, errors included, is looked
//! up here by a stable key (`accounts.nik_invalid`). Each capability ships its own pair of
//! catalogue files; `Catalogue::new` merges them and refuses a key missing from either language.

use std::{collections::HashMap, sync::Arc};

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Bahasa Indonesia, the default.
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }
    pub fn parse(raw: &str) -> Option<Lang> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "id" | "id-id" | "in" => Some(Lang::Id),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }
    /// English only when the client asks for it first (Accept-Language); Indonesian otherwise.
    pub fn from_accept_language(header: &str) -> Lang {
        let first = header.split(',').next().unwrap_or_default();
        let tag = first.split(';').next().unwrap_or_default().trim();
        if tag.to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Id
        }
    }
}

/// The files of one capability: (Indonesian, English), each `key = value` per line.
pub type CatalogueSource = (&'static str, &'static str);

/// The platform's own texts (shell, errors, roles).
pub const PLATFORM_CATALOGUE: CatalogueSource = (
    include_str!("../../locales/id.txt"),
    include_str!("../../locales/en.txt"),
);

#[derive(Debug, Default)]
pub struct Catalogue {
    id: HashMap<String, String>,
    en: HashMap<String, String>,
}

impl Catalogue {
    /// Merges the sources; fails naming the first key that is duplicated or lacks a translation.
    pub fn new(sources: &[CatalogueSource]) -> Result<Catalogue, String> {
        let mut catalogue = Catalogue::default();
        for (id, en) in sources {
            parse_into(&mut catalogue.id, id, "id")?;
            parse_into(&mut catalogue.en, en, "en")?;
        }
        if let Some(key) = catalogue.id.keys().find(|k| !catalogue.en.contains_key(*k)) {
            return Err(format!("message `{key}` has no English text"));
        }
        if let Some(key) = catalogue.en.keys().find(|k| !catalogue.id.contains_key(*k)) {
            return Err(format!("message `{key}` has no Indonesian text"));
        }
        Ok(catalogue)
    }

    /// The text of `key`; a missing key shows itself (and is caught by the catalogue tests).
    pub fn get<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        let map = match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        };
        map.get(key).map(String::as_str).unwrap_or(key)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.id.contains_key(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.id.keys().map(String::as_str)
    }
}

fn parse_into(map: &mut HashMap<String, String>, text: &str, lang: &str) -> Result<(), String> {
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(" = ") else {
            return Err(format!(
                "{lang} catalogue line {}: expected `key = text`",
                number + 1
            ));
        };
        if map
            .insert(key.trim().to_string(), value.trim().replace("\\n", "\n"))
            .is_some()
        {
            return Err(format!(
                "message `{}` is defined twice ({lang})",
                key.trim()
            ));
        }
    }
    Ok(())
}

/// A translator bound to one language: what templates and handlers hold.
#[derive(Clone, Debug)]
pub struct Tr {
    pub lang: Lang,
    catalogue: Arc<Catalogue>,
}

impl Tr {
    pub fn new(lang: Lang, catalogue: Arc<Catalogue>) -> Tr {
        Tr { lang, catalogue }
    }
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.catalogue.get(self.lang, key)
    }
    /// The text of `key` with `{name}` placeholders filled in.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.catalogue.get(self.lang, key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_catalogue_is_complete_in_both_languages() {
        let catalogue = Catalogue::new(&[PLATFORM_CATALOGUE]).expect("catalogue loads");
        assert_eq!(catalogue.get(Lang::Id, "nav.home"), "Beranda");
        assert_eq!(catalogue.get(Lang::En, "nav.home"), "Home");
    }

    #[test]
    fn a_key_without_translation_is_refused() {
        let err = Catalogue::new(&[("a = satu\nb = dua", "a = one")]).unwrap_err();
        assert!(err.contains("`b`"), "{err}");
    }

    #[test]
    fn placeholders_are_filled() {
        let catalogue =
            Arc::new(Catalogue::new(&[("x = Halo {name}", "x = Hi {name}")]).expect("ok"));
        assert_eq!(
            Tr::new(Lang::En, catalogue).f("x", &[("name", "Alak")]),
            "Hi Alak"
        );
    }

    #[test]
    fn english_only_when_asked_first() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,id;q=0.8"),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language("id-ID,id;q=0.9,en;q=0.8"),
            Lang::Id
        );
        assert_eq!(Lang::from_accept_language(""), Lang::Id);
    }
}
