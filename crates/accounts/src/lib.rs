//! People and organisation: the agency tree, citizen registration, login and logout, forgotten
//! passwords, staff accounts and their roles, and the superadmin's audit view.
//! Owns the tables `agencies`, `users`, `role_grants`, `password_resets`.
//! Sessions, CSRF and the audit chain themselves belong to `platform`.

mod api;
pub mod demo;
mod error;
pub mod model;
mod notice;
pub mod organisation;
mod pages;
pub mod personal_data;
pub mod registration;
pub mod reset;
pub mod signin;
pub mod staff;
mod store;

use axum::Router;
use platform::{
    AppState,
    web::{NavItem, i18n::CatalogueSource, shell::visible},
};

pub use api::ApiDoc;
pub use error::AccountsError;
pub use store::AgencyRow;

/// Texts of this capability.
pub const CATALOGUE: CatalogueSource = (
    include_str!("../locales/id.txt"),
    include_str!("../locales/en.txt"),
);

/// Navigation this capability contributes, in display order.
pub const NAV: &[NavItem] = &[
    NavItem {
        label_key: "nav.home",
        path: "/",
        visible: visible::always,
    },
    NavItem {
        label_key: "nav.account",
        path: "/account",
        visible: visible::signed_in,
    },
    NavItem {
        label_key: "nav.notifications",
        path: "/notifications",
        visible: visible::signed_in,
    },
    NavItem {
        label_key: "nav.admin_users",
        path: "/admin/users",
        visible: visible::superadmin,
    },
    NavItem {
        label_key: "nav.admin_agencies",
        path: "/admin/agencies",
        visible: visible::superadmin,
    },
    NavItem {
        label_key: "nav.admin_audit",
        path: "/admin/audit",
        visible: visible::superadmin,
    },
    NavItem {
        label_key: "nav.register",
        path: "/register",
        visible: visible::signed_out,
    },
    NavItem {
        label_key: "nav.login",
        path: "/login",
        visible: visible::signed_out,
    },
];

pub fn routes() -> Router<AppState> {
    pages::routes().merge(api::routes())
}

/// How to reach a person: for notifications and for the second factor of public tracking.
#[derive(Clone, Debug)]
pub struct Contact {
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub nik: Option<String>,
    pub lang: platform::web::i18n::Lang,
}

pub async fn contact(app: &AppState, user_id: &str) -> Result<Option<Contact>, sqlx::Error> {
    Ok(store::find_user(&app.db, user_id).await?.map(|u| Contact {
        full_name: u.full_name,
        email: u.email,
        phone: u.phone,
        nik: u.nik,
        lang: platform::web::i18n::Lang::parse(&u.lang).unwrap_or_default(),
    }))
}

/// The person `user_id` as a request would see them (kind, language, every grant), if the
/// account exists and is enabled: for permission checks made outside a request, such as a
/// dispatcher deciding whether a subscriber may still read an internal announcement.
pub async fn reader(
    app: &AppState,
    user_id: &str,
) -> Result<Option<platform::auth::CurrentUser>, sqlx::Error> {
    let Some(user) = store::find_user(&app.db, user_id).await? else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    Ok(Some(platform::auth::CurrentUser {
        grants: platform::auth::session::list_grants(&app.db, &user.id).await?,
        display_name: user.full_name,
        kind: platform::auth::UserKind::parse(&user.kind)
            .unwrap_or(platform::auth::UserKind::Citizen),
        lang: platform::web::i18n::Lang::parse(&user.lang).unwrap_or_default(),
        id: user.id,
    }))
}

/// Enabled people holding `role` in the agency `agency_id` (for reminders to a desk).
pub async fn holders_of(
    app: &AppState,
    role: platform::auth::Role,
    agency_id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    use sqlx::Row as _;
    let rows = sqlx::query(
        "SELECT g.user_id FROM role_grants g JOIN users u ON u.id = g.user_id \
         WHERE g.role = $1 AND g.agency_id = $2 AND u.disabled = 0 ORDER BY g.user_id",
    )
    .bind(role.as_str())
    .bind(agency_id)
    .fetch_all(&app.db.read)
    .await?;
    rows.iter().map(|r| r.try_get("user_id")).collect()
}
