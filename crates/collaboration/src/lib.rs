//! Collaboration between agencies (issue #6): joint events (seminars, workshops, coordination
//! meetings) co-organised by several agencies, with registration, a waitlist that promotes
//! automatically, QR check-in that grants JP to attending ASN, materials, a summary and
//! iCalendar feeds; and the knowledge base: articles and documents owned by an agency, shared
//! with all agencies or chosen ones, versioned with visible diffs, commented on between
//! agencies, and found by full-text search that never shows what the searcher may not read.
//!
//! Who manages: staff holding `communications` (Humas) or `service_admin` in an organising (or
//! owning) agency; a superadmin manages everything. Everyone reads and registers for the events
//! they may see (citizens only public ones); staff read the articles their agency owns or that
//! were shared with it (or with all agencies), and comment on them.
//!
//! Owns the tables `events`, `event_organisers`, `event_invited_agencies`,
//! `event_registrations`, `event_materials`, `calendar_tokens`, `articles`, `article_shares`,
//! `article_versions`, `article_comments`, `article_tags` and the search tables. Writes JP only through
//! `capacity::jp::record_event_jp`.

mod api;
pub mod demo;
mod error;
pub mod event_edits;
pub mod events;
mod files;
pub mod ical;
pub mod knowledge;
pub mod markdown;
mod pages;
pub mod personal_data;
pub mod registrations;
mod search;
pub mod stats;
pub mod tags;

use axum::Router;
use platform::{
    AppState,
    auth::{CurrentUser, Role},
    web::{NavItem, i18n::CatalogueSource, shell::visible},
};

pub use api::ApiDoc;
pub use error::CollaborationError;

/// Texts of this capability.
pub const CATALOGUE: CatalogueSource = (
    include_str!("../locales/id.txt"),
    include_str!("../locales/en.txt"),
);

/// The roles that manage an agency's events and articles (besides a superadmin).
pub const MANAGING_ROLES: [Role; 2] = [Role::Communications, Role::ServiceAdmin];

/// True when `user` manages events and articles of at least one of `agency_ids`.
pub fn manages_any(user: &CurrentUser, agency_ids: &[String]) -> bool {
    user.has_role(Role::Superadmin)
        || agency_ids.iter().any(|agency| {
            MANAGING_ROLES
                .iter()
                .any(|role| user.has_role_in(*role, agency))
        })
}

/// True when `user` holds any role in one of `agency_ids`.
pub(crate) fn works_in_any(user: &CurrentUser, agency_ids: &[String]) -> bool {
    user.grants
        .iter()
        .any(|g| agency_ids.contains(&g.agency_id))
}

/// True when `user` may create events or articles for some agency.
pub fn is_manager(user: &CurrentUser) -> bool {
    user.has_role(Role::Superadmin) || MANAGING_ROLES.iter().any(|r| user.has_role(*r))
}

fn staff_nav(user: Option<&CurrentUser>) -> bool {
    visible::staff(user)
}

/// Navigation this capability contributes.
pub const NAV: &[NavItem] = &[
    NavItem {
        label_key: "nav.events",
        path: "/events",
        visible: visible::always,
    },
    NavItem {
        label_key: "nav.knowledge",
        path: "/knowledge",
        visible: staff_nav,
    },
];

/// Routes of this capability; materials and documents are accepted up to `max_upload_bytes`.
pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    pages::routes(max_upload_bytes).merge(api::routes())
}

/// Text as typed with runs of spaces and line breaks made one space, ends trimmed.
pub(crate) fn one_line(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Long text as typed, without control characters other than line breaks and tabs (they would
/// confuse search snippets and calendar files), ends trimmed.
pub(crate) fn clean_text(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect::<String>()
        .trim()
        .to_string()
}
