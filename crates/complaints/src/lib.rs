//! Complaints (pengaduan): a signed-in citizen or an anonymous visitor files a complaint about a
//! service of the catalogue or a public matter (category, description, optional photo and
//! location); staff of the responsible agency verify it (within 3 working days, as SP4N-LAPOR!
//! expects), answer and close it; the complainant reads the answer (anonymous: with the complaint
//! number and an access code). The same is offered to partner apps as Open311 GeoReport v2.
//! Owns the tables `complaint_categories`, `complaints`, `complaint_events`, `open311_keys`.
//! Reads the catalogue and the working-day calendar only through `services`' public functions.

mod api;
pub mod demo;
mod error;
pub mod filing;
pub mod keys;
pub mod model;
pub mod office;
mod open311;
mod pages;
pub mod personal_data;
pub mod stats;
mod store;
mod views;

use axum::Router;
use platform::{
    AppState,
    auth::CurrentUser,
    web::{NavItem, i18n::CatalogueSource},
};

pub use api::ApiDoc;
pub use error::ComplaintError;

/// Texts of this capability.
pub const CATALOGUE: CatalogueSource = (
    include_str!("../locales/id.txt"),
    include_str!("../locales/en.txt"),
);

fn complainant(user: Option<&CurrentUser>) -> bool {
    user.is_none_or(CurrentUser::is_citizen)
}

fn complaint_staff(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(office::is_complaint_staff)
}

/// Navigation this capability contributes.
pub const NAV: &[NavItem] = &[
    NavItem {
        label_key: "nav.complaints",
        path: "/complaints",
        visible: complainant,
    },
    NavItem {
        label_key: "nav.office_complaints",
        path: "/office/complaints",
        visible: complaint_staff,
    },
    NavItem {
        label_key: "nav.open311_keys",
        path: "/admin/open311-keys",
        visible: complaint_staff,
    },
];

/// Routes of this capability; photos are accepted up to `max_upload_bytes`.
pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    pages::routes(max_upload_bytes)
        .merge(api::routes(max_upload_bytes))
        .merge(open311::routes())
}
