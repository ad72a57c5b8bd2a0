//! HTML pages of people and organisation. Handlers are thin: parse the form, call the domain
//! function, re-render with field errors (input kept) or redirect.

mod admin;
mod public;

use askama::Template;
use axum::{
    Router,
    response::{Html, IntoResponse, Response},
    routing::{get, post},
};
use platform::{AppState, web::WebError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(public::home))
        .route("/lang", post(public::switch_language))
        .route(
            "/register",
            get(public::register_form).post(public::register),
        )
        .route("/login", get(public::login_form).post(public::login))
        .route("/logout", post(public::logout))
        .route(
            "/password/forgot",
            get(public::forgot_form).post(public::forgot),
        )
        .route(
            "/password/reset",
            get(public::reset_form).post(public::reset),
        )
        .route("/account", get(public::account))
        .route("/notifications", get(public::notifications))
        .route("/notifications/read", post(public::mark_notifications_read))
        .route("/admin/users", get(admin::users))
        .route(
            "/admin/users/new",
            get(admin::new_user_form).post(admin::create_user),
        )
        .route("/admin/users/{id}", get(admin::user))
        .route("/admin/users/{id}/roles", post(admin::grant))
        .route("/admin/users/{id}/roles/revoke", post(admin::revoke))
        .route("/admin/users/{id}/password", post(admin::reset_password))
        .route("/admin/users/{id}/status", post(admin::set_status))
        .route(
            "/admin/agencies",
            get(admin::agencies).post(admin::create_agency),
        )
        .route("/admin/audit", get(admin::audit))
}

/// Renders a page; a template failure is an internal error, never a panic.
pub(crate) fn page(template: &impl Template) -> Result<Response, WebError> {
    template
        .render()
        .map(|html| Html(html).into_response())
        .map_err(|e| WebError::Internal(e.into()))
}

/// A page re-shown with field errors: 422 so scripts and tests can tell, same HTML otherwise.
pub(crate) fn page_with_errors(template: &impl Template) -> Result<Response, WebError> {
    let mut response = page(template)?;
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// Only local paths are followed after login or a language switch (no open redirect).
pub(crate) fn safe_next(next: &str) -> Option<&str> {
    // Browsers drop tabs and newlines inside URLs ("/\t/evil.example" becomes
    // "//evil.example") and a control character cannot go into a Location header: any control
    // character or space refuses the path, as do the other ways out of this site.
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.contains("://")
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    ok.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/account"), Some("/account"));
        assert_eq!(safe_next("//evil.example"), None);
        assert_eq!(safe_next("https://evil.example"), None);
        assert_eq!(safe_next("/\\evil.example"), None);
        assert_eq!(safe_next("account"), None);
        assert_eq!(safe_next("/\t/evil.example"), None);
        assert_eq!(safe_next("/account\r\nSet-Cookie: x=1"), None);
        assert_eq!(safe_next("/ /evil.example"), None);
        assert_eq!(
            safe_next("/applications?page=2"),
            Some("/applications?page=2")
        );
    }
}
