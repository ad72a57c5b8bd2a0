//! `WebError`: the one error type every handler returns. It becomes a status code and a stable
//! message key; `render_errors` then draws the page (HTML, in the visitor's language) or the JSON
//! body (`{"error": {"code", "message", "fields"}}`) for the API. The client never sees a cause:
//! an internal error shows a reference id, and the cause is logged once with that id.

use askama::Template;
use axum::{
    Json,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{Html, IntoResponse, Redirect, Response},
};
use serde::Serialize;

use super::{context::RequestContext, shell::Shell};
use crate::{AppState, clock, db};

/// One field's problem: shown next to the field and in the summary at the top of the form.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    /// Stable message key, e.g. `accounts.nik_invalid`.
    pub code: String,
    /// The message in the request's language.
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("login required")]
    LoginRequired,
    #[error("bad request ({0})")]
    BadRequest(&'static str),
    #[error("conflict ({0})")]
    Conflict(&'static str),
    /// Input failed validation (API: 422 with every field's error): (field, message key).
    #[error("invalid input")]
    Invalid(Vec<(String, &'static str)>),
    #[error("too many attempts ({key})")]
    TooManyRequests { key: &'static str, retry_at_ms: i64 },
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// A form arrived without its CSRF token or with a stale one; the values are offered back.
    #[error("CSRF token missing or stale")]
    CsrfRejected {
        action: String,
        fields: Vec<(String, String)>,
    },
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<sqlx::Error> for WebError {
    fn from(error: sqlx::Error) -> Self {
        if db::is_unavailable(&error) {
            WebError::Unavailable(error)
        } else {
            WebError::Internal(error.into())
        }
    }
}

impl From<anyhow::Error> for WebError {
    fn from(error: anyhow::Error) -> Self {
        WebError::Internal(error)
    }
}

/// What `render_errors` needs to draw an error; travels in the response extensions.
#[derive(Clone, Debug)]
pub struct ErrorReport {
    pub status: StatusCode,
    pub key: &'static str,
    pub retry_at_ms: Option<i64>,
    pub reference: Option<String>,
    pub problems: Vec<(String, &'static str)>,
    pub resubmit: Option<(String, Vec<(String, String)>)>,
}

impl ErrorReport {
    fn new(status: StatusCode, key: &'static str) -> Self {
        ErrorReport {
            status,
            key,
            retry_at_ms: None,
            reference: None,
            problems: Vec::new(),
            resubmit: None,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let report = match self {
            WebError::NotFound => ErrorReport::new(StatusCode::NOT_FOUND, "error.not_found"),
            WebError::Forbidden => ErrorReport::new(StatusCode::FORBIDDEN, "error.forbidden"),
            WebError::LoginRequired => {
                ErrorReport::new(StatusCode::UNAUTHORIZED, "error.login_required")
            }
            WebError::BadRequest(key) => ErrorReport::new(StatusCode::BAD_REQUEST, key),
            WebError::Conflict(key) => ErrorReport::new(StatusCode::CONFLICT, key),
            WebError::Invalid(problems) => ErrorReport {
                problems,
                ..ErrorReport::new(StatusCode::UNPROCESSABLE_ENTITY, "error.invalid")
            },
            WebError::TooManyRequests { key, retry_at_ms } => ErrorReport {
                retry_at_ms: Some(retry_at_ms),
                ..ErrorReport::new(StatusCode::TOO_MANY_REQUESTS, key)
            },
            WebError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "database unavailable");
                ErrorReport::new(StatusCode::SERVICE_UNAVAILABLE, "error.unavailable")
            }
            WebError::CsrfRejected { action, fields } => ErrorReport {
                resubmit: Some((action, fields)),
                ..ErrorReport::new(StatusCode::FORBIDDEN, "error.csrf")
            },
            WebError::Internal(cause) => {
                let reference = crate::ids::new_id();
                tracing::error!(error.reference = %reference, error = ?cause, "request failed");
                ErrorReport {
                    reference: Some(reference),
                    ..ErrorReport::new(StatusCode::INTERNAL_SERVER_ERROR, "error.internal")
                }
            }
        };
        let mut response = report.status.into_response();
        response.extensions_mut().insert(report);
        response
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    shell: Shell,
    title: String,
    message: String,
    reference: Option<String>,
    status: u16,
}

#[derive(Template)]
#[template(path = "resubmit.html")]
struct ResubmitPage {
    shell: Shell,
    action: String,
    fields: Vec<(String, String)>,
}

/// The body of every API error response.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ApiError)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ApiErrorDetail)]
pub struct ErrorDetail {
    /// Stable message key, e.g. `error.not_found`.
    code: String,
    /// The message in the request's language.
    message: String,
    /// Every field's problem at once (invalid input only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    fields: Vec<FieldError>,
    /// The id under which an internal error was logged.
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
}

/// The error schemas (`ApiError`) for the OpenAPI document.
#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(ErrorBody, ErrorDetail, FieldError)))]
pub struct ErrorDoc;

/// Draws every error response: those from `WebError`, and the bare 4xx/5xx that axum's own
/// extractors, the body limit, the fallback or a caught panic produce.
pub async fn render_errors(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let context = request.extensions().get::<RequestContext>().cloned();
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let report = match response.extensions().get::<ErrorReport>() {
        Some(report) => report.clone(),
        None if is_plain(&response) => ErrorReport::new(status, generic_key(status)),
        // A handler drew its own page (a form with field errors): leave it.
        None => return response,
    };
    let Some(context) = context else {
        return response;
    };
    render(&app, &context, &path, query.as_deref(), report)
}

fn is_plain(response: &Response) -> bool {
    match response.headers().get(header::CONTENT_TYPE) {
        None => true,
        Some(value) => value.as_bytes().starts_with(b"text/plain"),
    }
}

/// Page titles exist for these statuses; any other falls back to its class.
fn title_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        403 => "error.title_403",
        404 => "error.title_404",
        413 => "error.title_413",
        429 => "error.title_429",
        503 => "error.title_503",
        500..=599 => "error.title_500",
        _ => "error.title_400",
    }
}

fn generic_key(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "error.not_found",
        StatusCode::FORBIDDEN => "error.forbidden",
        StatusCode::PAYLOAD_TOO_LARGE => "error.too_large",
        StatusCode::METHOD_NOT_ALLOWED => "error.method_not_allowed",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "error.unsupported_media_type",
        StatusCode::REQUEST_TIMEOUT => "error.timeout",
        StatusCode::SERVICE_UNAVAILABLE => "error.unavailable",
        s if s.is_server_error() => "error.internal",
        _ => "error.bad_request",
    }
}

/// Renders `report` for this request: JSON for the API, a page otherwise.
pub fn render(
    app: &AppState,
    context: &RequestContext,
    path: &str,
    query: Option<&str>,
    report: ErrorReport,
) -> Response {
    let shell = Shell::new(app, context, path);
    let mut message = shell.t(report.key).to_string();
    if let Some(at) = report.retry_at_ms {
        message = shell.tr.f(
            report.key,
            &[("time", &clock::format_wita_time(at, context.lang))],
        );
    }
    if context.is_api {
        let mut response = (
            report.status,
            Json(ErrorBody {
                error: ErrorDetail {
                    code: report.key.to_string(),
                    message,
                    fields: report
                        .problems
                        .iter()
                        .map(|(field, key)| FieldError {
                            field: field.clone(),
                            code: (*key).to_string(),
                            message: shell.t(key).to_string(),
                        })
                        .collect(),
                    reference: report.reference,
                },
            }),
        )
            .into_response();
        if report.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        return response;
    }
    if report.status == StatusCode::UNAUTHORIZED {
        let next = match query {
            Some(q) => format!("{path}?{q}"),
            None => path.to_string(),
        };
        let target: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("next", &next)
            .finish();
        return Redirect::to(&format!("/login?{target}")).into_response();
    }
    let page = match report.resubmit {
        Some((action, fields)) => ResubmitPage {
            shell,
            action,
            fields,
        }
        .render(),
        None => ErrorPage {
            title: shell.t(title_key(report.status)).to_string(),
            shell,
            message,
            reference: report.reference,
            status: report.status.as_u16(),
        }
        .render(),
    };
    let body = match page {
        Ok(html) => html,
        Err(error) => {
            tracing::error!(error = %error, "error page failed to render");
            String::from("Sigap: error / kesalahan")
        }
    };
    let mut response = (report.status, Html(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
