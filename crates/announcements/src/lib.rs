//! Announcements (pengumuman): Humas/Kominfo staff write announcements in four categories
//! (policy, health protocol, service change, emergency) for the public, all civil servants or
//! chosen agencies, schedule their publication and expiry and pin them; every edit is a new
//! version and the page shows what changed. Urgent public ones fill the banner slot of every
//! page and go out as CAP 1.2 alerts; public ones are in Atom feeds; confirmed subscribers get
//! each new or updated announcement of their categories that they may read once, by email or
//! SMS, and one notice when it is withdrawn or ended early. An optional English text stands
//! beside the Indonesian one; English readers get it where it exists.
//! Owns the tables `announcements`, `announcement_versions`, `announcement_audiences`,
//! `announcement_cap_messages`, `announcement_subscriptions`, `announcement_deliveries`.

mod api;
mod banner;
pub mod demo;
mod error;
mod feeds;
pub mod model;
mod pages;
pub mod personal_data;
pub mod publishing;
mod render;
pub mod stats;
mod store;
pub mod subscriptions;
mod views;

use axum::Router;
use platform::{
    AppState,
    auth::CurrentUser,
    web::{NavItem, banner::BannerLoader, i18n::CatalogueSource, shell::visible},
};

pub use api::ApiDoc;
pub use error::AnnouncementError;

/// Texts of this capability.
pub const CATALOGUE: CatalogueSource = (
    include_str!("../locales/id.txt"),
    include_str!("../locales/en.txt"),
);

/// What this capability puts in the platform's banner slot.
pub const BANNER: BannerLoader = banner::load;

fn authors(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(publishing::is_author)
}

/// Navigation this capability contributes.
pub const NAV: &[NavItem] = &[
    NavItem {
        label_key: "nav.announcements",
        path: "/announcements",
        visible: visible::always,
    },
    NavItem {
        label_key: "nav.office_announcements",
        path: "/office/announcements",
        visible: authors,
    },
];

/// Routes of this capability.
pub fn routes() -> Router<AppState> {
    pages::routes().merge(api::routes()).merge(feeds::routes())
}
