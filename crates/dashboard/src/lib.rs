//! Management information (issue #7): the leaders' dashboard and the public statistics page.
//! Reads the figures each capability keeps on write (services: `services::stats`; queue:
//! `queue::stats`; ASN capacity: `capacity::gap_totals`) or counts (complaints, collaboration,
//! announcements), compares each period with the one before it, draws SVG charts with a data
//! table beside each, exports every table as CSV and XLSX (and the applications, anonymised,
//! streamed), and writes the monthly PDF report for the Camat with a leader's commentary.
//! Leaders of an agency see it and the agencies under it; a superadmin and the city's leaders
//! see everything. Owns one table: the report commentaries (`report`).

pub mod api;
mod charts;
pub mod collaboration_panel;
mod error;
mod exports;
pub mod figures;
pub mod filters;
mod pages;
pub mod queue_panel;
mod report;

use axum::Router;
use platform::{
    AppState,
    auth::CurrentUser,
    web::{NavItem, i18n::CatalogueSource, shell::visible},
};

pub use api::ApiDoc;
pub use error::DashboardError;
pub use report::ApiDoc as ReportApiDoc;

/// Texts of this capability.
pub const CATALOGUE: CatalogueSource = (
    include_str!("../locales/id.txt"),
    include_str!("../locales/en.txt"),
);

fn reader(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(filters::is_reader)
}

/// Navigation this capability contributes.
pub const NAV: &[NavItem] = &[
    NavItem {
        label_key: "nav.dashboard",
        path: "/dashboard",
        visible: reader,
    },
    NavItem {
        label_key: "nav.statistics",
        path: "/statistics",
        visible: visible::always,
    },
];

pub fn routes() -> Router<AppState> {
    pages::routes()
        .merge(api::routes())
        .merge(exports::routes())
        .merge(report::routes())
}

/// Today in WITA (periods are WITA days).
pub(crate) fn today_wita() -> jiff::civil::Date {
    services::calendar::wita_date(platform::clock::now_ms())
}
