//! Personal data rights of a citizen (UU 27/2022 Pelindungan Data Pribadi): download everything
//! Sigap holds about them as one JSON file, and delete the account. Deletion waits while an
//! application is in progress; documents already issued stay verifiable, so their holder's name
//! and NIK are kept under legal hold. Owns no table: each capability exports and erases its own
//! through its `personal_data` module, and this crate runs them in one transaction.
//! Staff accounts are governed by personnel rules and cannot use these pages.

mod api;
pub mod deletion;
mod error;
pub mod export;
mod pages;

use axum::Router;
use platform::{AppState, web::i18n::CatalogueSource};

pub use api::ApiDoc;
pub use error::PrivacyError;

/// Texts of this capability.
pub const CATALOGUE: CatalogueSource = (
    include_str!("../locales/id.txt"),
    include_str!("../locales/en.txt"),
);

/// Routes of this capability.
pub fn routes() -> Router<AppState> {
    pages::routes().merge(api::routes())
}
