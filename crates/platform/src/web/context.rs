//! Resolves, once per request, who is asking and in which language, and makes sure every browser
//! carries a CSRF token. Handlers read the result through `Shell`, `CurrentUser` or `MaybeUser`.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, header},
    middleware::Next,
    response::{IntoResponse as _, Response},
};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use super::{error::WebError, i18n::Lang};
use crate::{
    AppState,
    auth::{
        CurrentUser, csrf,
        session::{self, SessionKind},
    },
    ids,
};

pub const SESSION_COOKIE: &str = "sigap_session";
pub const LANG_COOKIE: &str = "sigap_lang";

/// What every later layer and handler knows about the request.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub lang: Lang,
    /// The CSRF token forms must repeat (the cookie's value, or a new one set on this response).
    pub csrf_token: String,
    pub user: Option<CurrentUser>,
    /// The web session token, for logout.
    pub session_token: Option<String>,
    pub is_api: bool,
}

pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/open311/")
}

/// Language of a request: the remembered choice (cookie), else the person's profile, else
/// Indonesian. The API also honours Accept-Language.
fn choose_lang(
    jar: &CookieJar,
    headers: &HeaderMap,
    user: Option<&CurrentUser>,
    api: bool,
) -> Lang {
    if let Some(lang) = jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())) {
        return lang;
    }
    if api
        && let Some(accept) = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
    {
        return Lang::from_accept_language(accept);
    }
    user.map(|u| u.lang).unwrap_or_default()
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

pub async fn resolve_identity(
    State(app): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let jar = CookieJar::from_headers(request.headers());
    let is_api = is_api_path(request.uri().path());
    let lifetimes = session::Lifetimes::of(&app.settings);

    // The API accepts only bearer tokens, the web only its cookie: a browser's cookie never
    // authorises an API call, so the API needs no CSRF token.
    let (token, kind) = if is_api {
        (
            bearer_token(request.headers()).map(str::to_string),
            SessionKind::Api,
        )
    } else {
        (
            jar.get(SESSION_COOKIE).map(|c| c.value().to_string()),
            SessionKind::Web,
        )
    };
    let user = match &token {
        Some(token) => match session::find_session_user(&app.db, token, kind, lifetimes).await {
            Ok(user) => user,
            Err(error) => return WebError::from(error).into_response(),
        },
        None => None,
    };

    let existing_csrf = jar.get(csrf::COOKIE).map(|c| c.value().to_string());
    let new_csrf = match &existing_csrf {
        Some(_) => None,
        None if !is_api => Some(ids::random_secret()),
        None => None,
    };
    let context = RequestContext {
        lang: choose_lang(&jar, request.headers(), user.as_ref(), is_api),
        csrf_token: existing_csrf
            .or_else(|| new_csrf.clone())
            .unwrap_or_default(),
        session_token: if kind == SessionKind::Web {
            token
        } else {
            None
        },
        user,
        is_api,
    };
    let signed_in = context.user.is_some();
    request.extensions_mut().insert(context);
    let response = next.run(request).await;
    // A response shared caches may keep (a public feed) must not hand one visitor's CSRF cookie
    // to the next; such a response has no form, so it needs none.
    let shared = response
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|d| d.trim() == "public"));
    let mut response = match new_csrf {
        Some(value) if !shared => {
            let cookie = csrf_cookie(value, app.settings.secure_cookies);
            (CookieJar::new().add(cookie), response).into_response()
        }
        _ => response,
    };
    // A page for a signed-in person may show their NIK, phone or applications, and a response
    // that sets a cookie is one browser's: neither may stay in a cache or the back button after
    // logout (ASVS 8.1.1, 8.2.1). A response that chose its own caching (assets, feeds, pages
    // with an ETag) keeps it.
    let headers = response.headers_mut();
    if (signed_in || headers.contains_key(header::SET_COOKIE))
        && !headers.contains_key(header::CACHE_CONTROL)
    {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    response
}

/// The CSRF cookie: HttpOnly (forms carry the token, scripts never need it), lives for the browser
/// session so an open form stays valid across a login.
pub fn csrf_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((csrf::COOKIE, value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build()
}

pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build()
}

/// The remembered language choice: a year.
pub fn lang_cookie(lang: Lang, secure: bool) -> Cookie<'static> {
    Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(time_year())
        .build()
}

fn time_year() -> cookie::time::Duration {
    cookie::time::Duration::days(365)
}

/// A cookie that removes `name`.
pub fn removal(name: &'static str) -> Cookie<'static> {
    Cookie::build((name, "")).path("/").removal().build()
}

/// The client's address for rate limits: the peer address, or with `SIGAP_TRUST_PROXY` the
/// last X-Forwarded-For entry (the one our own proxy appended; earlier ones can be forged).
pub struct ClientAddress(pub String);

impl axum::extract::FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if app.settings.trust_proxy
            && let Some(forwarded) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        {
            return Ok(ClientAddress(forwarded.to_string()));
        }
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".to_string());
        Ok(ClientAddress(peer))
    }
}

/// `response` with `cookies` set.
pub fn with_cookies(
    cookies: Vec<Cookie<'static>>,
    response: impl axum::response::IntoResponse,
) -> Response {
    let jar = cookies.into_iter().fold(CookieJar::new(), CookieJar::add);
    (jar, response).into_response()
}
