//! Online public services. This part so far: the service catalogue with each service's full
//! service standard (public and internal components), the printable service board, the
//! working-day calendar SLAs count with, and the SKM/IKM computation.
//! Owns the tables `services`, `service_requirements`, `service_steps`, `holidays`.

pub mod anonymised;
mod api;
pub mod applications;
pub mod calendar;
pub mod catalogue;
pub mod demo;
mod error;
pub mod forms;
pub mod holidays;
pub mod locker;
pub mod model;
mod pages;
pub mod personal_data;
pub mod skm;
pub mod stats;
mod store;

use axum::Router;
use platform::{
    AppState,
    auth::{CurrentUser, Role},
    web::{NavItem, i18n::CatalogueSource, shell::visible},
};

pub use api::ApiDoc;
pub use applications::ApiDoc as ApplicationsApiDoc;
pub use error::ServiceError;

/// Texts of this capability.
pub const CATALOGUE: CatalogueSource = (
    include_str!("../locales/id.txt"),
    include_str!("../locales/en.txt"),
);

fn service_admin(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(|u| u.has_role(Role::ServiceAdmin) || u.has_role(Role::Superadmin))
}

/// Verifiers, signing officials and technical reviewers: the back-office inbox.
pub(crate) fn office_staff(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(|u| {
        u.has_role(Role::Verifier)
            || u.has_role(Role::Signer)
            || u.has_role(Role::TechnicalReviewer)
    })
}

fn survey_reader(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(applications::survey::may_read)
}

fn citizen(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(CurrentUser::is_citizen)
}

/// Navigation this capability contributes.
pub const NAV: &[NavItem] = &[
    NavItem {
        label_key: "nav.services",
        path: "/services",
        visible: visible::always,
    },
    NavItem {
        label_key: "nav.my_applications",
        path: "/applications",
        visible: citizen,
    },
    NavItem {
        label_key: "nav.locker",
        path: "/documents",
        visible: citizen,
    },
    NavItem {
        label_key: "nav.track",
        path: "/track",
        visible: visible::always,
    },
    NavItem {
        label_key: "nav.office",
        path: "/office",
        visible: office_staff,
    },
    NavItem {
        label_key: "nav.skm",
        path: "/admin/skm",
        visible: survey_reader,
    },
    NavItem {
        label_key: "nav.admin_services",
        path: "/admin/services",
        visible: service_admin,
    },
];

/// Routes of this capability; uploads are accepted up to `max_upload_bytes`.
pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    pages::routes()
        .merge(forms::pages::routes())
        .merge(locker::pages::routes(max_upload_bytes))
        .merge(api::routes())
        .merge(applications::routes(max_upload_bytes))
}
