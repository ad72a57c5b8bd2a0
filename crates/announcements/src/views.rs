//! Announcements made ready to show: the texts a page needs, in the reader's language.

use platform::{clock, web::i18n::Tr};

use crate::{
    model::Phase,
    publishing, render,
    store::{AnnouncementRow, VersionRow},
};

/// One announcement in a list.
pub struct AnnouncementLine {
    pub id: String,
    pub title: String,
    /// The language of the text shown (`id` or `en`), for the `lang` attribute.
    pub title_lang: &'static str,
    /// An English reader gets the Indonesian text.
    pub only_indonesian: bool,
    pub category: String,
    pub category_code: &'static str,
    pub phase: &'static str,
    pub phase_label: String,
    pub pinned: bool,
    pub urgent: bool,
    pub shown_from: String,
    /// "Diperbarui …" when there is more than one version.
    pub updated: Option<String>,
    pub version: i64,
}

impl AnnouncementLine {
    pub fn new(row: &AnnouncementRow, tr: &Tr, now_ms: i64) -> AnnouncementLine {
        let phase = publishing::phase(row, now_ms);
        let shown = row.shown(tr.lang);
        AnnouncementLine {
            id: row.id.clone(),
            title: shown.texts.title.clone(),
            title_lang: shown.lang.code(),
            only_indonesian: shown.only_indonesian,
            category: tr.t(row.category.label_key()).to_string(),
            category_code: row.category.as_str(),
            phase: phase.as_str(),
            phase_label: tr.t(phase.label_key()).to_string(),
            pinned: row.pinned,
            urgent: row.urgent,
            shown_from: clock::format_wita(row.shown_from_ms(), tr.lang),
            updated: (row.version > 1).then(|| clock::format_wita(row.updated_ms, tr.lang)),
            version: row.version,
        }
    }
}

/// One entry of the version history.
pub struct VersionLine {
    pub version: i64,
    pub edited: String,
    pub current: bool,
}

/// The full page of one announcement.
pub struct AnnouncementView {
    pub line: AnnouncementLine,
    pub audience: String,
    pub body_html: String,
    pub instruction: String,
    /// An English reader gets the Indonesian text: the page says so.
    pub only_indonesian: bool,
    pub expires: Option<String>,
    pub expired: bool,
    pub cancelled: bool,
    /// The version whose changes are shown, and the one before it.
    pub compared: Option<(i64, i64)>,
    pub diff: Vec<render::DiffLine>,
    pub versions: Vec<VersionLine>,
}

impl AnnouncementView {
    /// `show_changes_of`: the version whose change to show (default: the current one).
    pub fn new(
        row: &AnnouncementRow,
        versions: &[VersionRow],
        show_changes_of: Option<i64>,
        tr: &Tr,
        now_ms: i64,
    ) -> AnnouncementView {
        let line = AnnouncementLine::new(row, tr, now_ms);
        let shown = show_changes_of.unwrap_or(row.version);
        let current = versions.iter().find(|v| v.version == shown);
        let previous = versions.iter().find(|v| v.version == shown - 1);
        let (compared, diff) = match (previous, current) {
            (Some(old), Some(new)) => (
                Some((new.version, old.version)),
                render::diff(&render::as_document(old), &render::as_document(new)),
            ),
            _ => (None, Vec::new()),
        };
        let phase = publishing::phase(row, now_ms);
        let shown = row.shown(tr.lang);
        AnnouncementView {
            audience: tr.t(row.audience.label_key()).to_string(),
            body_html: render::markdown_html(&shown.texts.body),
            instruction: shown.texts.instruction.clone(),
            only_indonesian: shown.only_indonesian,
            expires: row.expires_at_ms.map(|ms| clock::format_wita(ms, tr.lang)),
            expired: phase == Phase::Expired,
            cancelled: phase == Phase::Cancelled,
            compared,
            diff,
            versions: versions
                .iter()
                .rev()
                .map(|v| VersionLine {
                    version: v.version,
                    edited: clock::format_wita(v.edited_ms, tr.lang),
                    current: v.version == row.version,
                })
                .collect(),
            line,
        }
    }
}
