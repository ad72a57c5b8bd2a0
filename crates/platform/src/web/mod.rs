//! The web shell shared by every capability: request context (language, CSRF, signed-in person),
//! errors rendered in the visitor's language, the page layout and navigation, forms,
//! static assets, security headers and the operations routes.

pub mod assets;
pub mod banner;
pub mod context;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod layers;
pub mod ops;
pub mod shell;
pub mod text;

pub use error::WebError;
pub use shell::{NavItem, Shell};

/// Renders a capability's page with `status`; a template failure is an internal error.
pub fn page(
    template: &impl askama::Template,
    status: axum::http::StatusCode,
) -> Result<axum::response::Response, WebError> {
    use axum::response::IntoResponse as _;
    let html = template
        .render()
        .map_err(|e| WebError::Internal(e.into()))?;
    Ok((status, axum::response::Html(html)).into_response())
}

/// A private file (someone's document): never cached by shared caches, never sniffed.
/// With a `file_name` it is offered as `inline` or `attachment` under that name.
pub fn private_file(
    bytes: Vec<u8>,
    content_type: &'static str,
    file_name: Option<&str>,
    attachment: bool,
) -> axum::response::Response {
    use axum::{
        http::{HeaderValue, header},
        response::IntoResponse as _,
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Some(name) = file_name {
        let safe: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .collect();
        let kind = if attachment { "attachment" } else { "inline" };
        if let Ok(value) = HeaderValue::from_str(&format!("{kind}; filename=\"{safe}\"")) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
    }
    response
}
