//! The service-office queue (antrean): offices with counters (loket) serving groups of services,
//! opening hours, booked appointments, walk-in tickets from a kiosk, counter consoles that call
//! the next number, a live display board (Server-Sent Events, across nodes through the platform's
//! event bus), a citizen's live place in the queue, and waiting-time figures.
//! Owns the tables `queue_*`.

mod api;
pub mod board;
pub mod booking;
pub mod demo;
mod error;
pub mod figures;
pub mod model;
pub mod office;
mod pages;
pub mod personal_data;
pub mod stats;
mod store;
pub mod tickets;

use axum::Router;
use platform::{
    AppState,
    auth::{CurrentUser, Role},
    web::{NavItem, i18n::CatalogueSource, shell::visible},
};

pub use api::ApiDoc;
pub use error::QueueError;

/// Texts of this capability.
pub const CATALOGUE: CatalogueSource = (
    include_str!("../locales/id.txt"),
    include_str!("../locales/en.txt"),
);

fn citizen(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(CurrentUser::is_citizen)
}

fn front_office(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(|u| u.has_role(Role::FrontOffice))
}

/// Navigation this capability contributes.
pub const NAV: &[NavItem] = &[
    NavItem {
        label_key: "nav.queue",
        path: "/queue",
        visible: visible::always,
    },
    NavItem {
        label_key: "nav.appointments",
        path: "/appointments",
        visible: citizen,
    },
    NavItem {
        label_key: "nav.counters",
        path: "/queue",
        visible: front_office,
    },
];

pub fn routes() -> Router<AppState> {
    pages::routes().merge(api::routes())
}

/// The application with tracking number `number`, if one was typed: a counter may link the
/// visit it finishes to it. A number that matches nothing is a field problem.
pub(crate) async fn application_by_tracking(
    app: &AppState,
    number: &str,
) -> Result<Option<String>, QueueError> {
    if number.trim().is_empty() {
        return Ok(None);
    }
    match services::applications::journey::id_by_tracking(app, number).await? {
        Some(id) => Ok(Some(id)),
        None => Err(QueueError::Invalid(vec![(
            "tracking_number",
            "queue.application_unknown",
        )])),
    }
}
