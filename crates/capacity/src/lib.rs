//! ASN capacity (issue #5): employees with a checked NIP and the BKPPD's CSV import, the
//! competency dictionary (PermenPAN-RB 38/2017), position requirements and assessments, the
//! training catalogue with sessions, enrolment with approval and a waitlist, attendance, the JP
//! ledger against the 20 JP right, certificates, and the training needs analysis.
//! Owns the tables `employees`, `competencies`, `competency_levels`, `position_requirements`,
//! `assessments`, `trainings`, `training_competencies`, `training_sessions`, `enrolments`,
//! `attendance`, `jp_entries`, `certificates`. Reads `agencies` and `users` only through
//! lookups; signs with the instance key of `services`.
//!
//! Indonesian names kept: *JP* (jam pelajaran, the unit of development hours), *NIP*,
//! *golongan* (rank), *PNS*/*PPPK* (civil servant / contract government employee),
//! *BKPPD* (the city's personnel and training agency).

mod api;
pub mod attendance;
pub mod certificates;
pub mod competencies;
mod csv;
pub mod demo;
pub mod employees;
pub mod enrolment;
mod error;
pub mod gap_totals;
pub mod import;
pub mod jp;
pub mod jp_totals;
pub mod needs;
pub mod nip;
mod pages;
pub mod trainings;

use axum::Router;
use platform::{
    AppState,
    auth::{CurrentUser, Role},
    web::{NavItem, i18n::CatalogueSource},
};

pub use api::ApiDoc;
pub use error::CapacityError;

/// Texts of this capability.
pub const CATALOGUE: CatalogueSource = (
    include_str!("../locales/id.txt"),
    include_str!("../locales/en.txt"),
);

/// The BKPPD's competency admins (and superadmins) manage every record of this capability.
pub fn is_admin(user: &CurrentUser) -> bool {
    user.has_role(Role::CompetencyAdmin) || user.has_role(Role::Superadmin)
}

/// Leaders read lists and aggregates.
pub fn is_reader(user: &CurrentUser) -> bool {
    user.has_role(Role::Leader)
}

fn admin_nav(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(|u| is_admin(u) || is_reader(u))
}

fn asn_nav(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(|u| u.has_role(Role::Asn))
}

/// Navigation this capability contributes.
pub const NAV: &[NavItem] = &[
    NavItem {
        label_key: "nav.capacity_me",
        path: "/capacity/me",
        visible: asn_nav,
    },
    NavItem {
        label_key: "nav.capacity_admin",
        path: "/capacity/employees",
        visible: admin_nav,
    },
];

/// Routes of this capability; uploads are accepted up to `max_upload_bytes`.
pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    pages::routes(max_upload_bytes).merge(api::routes())
}

/// Text as typed with runs of spaces and line breaks made one space, ends trimmed.
pub(crate) fn collapse_spaces(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Today's date in Kupang (WITA).
pub(crate) fn today_wita() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(platform::clock::wita().clone())
        .date()
}
