//! Static assets compiled into the binary (nothing from a CDN): CSS, the small progressive
//! JavaScript, the service worker, the web app manifest, icons and the offline page.
//! Each is served with an ETag so a phone on a slow link revalidates instead of downloading again.

use axum::{
    Router,
    extract::Path,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{AppState, ids};

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "sigap.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/sigap.css"),
    },
    Asset {
        name: "sigap.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/sigap.js"),
    },
    Asset {
        name: "icon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../../static/icon.svg"),
    },
    Asset {
        name: "icon-192.png",
        content_type: "image/png",
        bytes: include_bytes!("../../static/icon-192.png"),
    },
    Asset {
        name: "icon-512.png",
        content_type: "image/png",
        bytes: include_bytes!("../../static/icon-512.png"),
    },
    Asset {
        name: "offline.html",
        content_type: "text/html; charset=utf-8",
        bytes: include_bytes!("../../static/offline.html"),
    },
];

const SERVICE_WORKER: &[u8] = include_bytes!("../../static/sw.js");
const MANIFEST: &[u8] = include_bytes!("../../static/manifest.webmanifest");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/{name}", get(static_asset))
        .route("/sw.js", get(service_worker))
        .route("/manifest.webmanifest", get(manifest))
        .route("/favicon.ico", get(favicon))
}

fn serve(
    bytes: &'static [u8],
    content_type: &'static str,
    cache: &'static str,
    request: &HeaderMap,
) -> Response {
    let etag = format!("\"{}\"", &ids::sha256_hex(bytes)[..16]);
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        bytes.into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    response
}

async fn static_asset(Path(name): Path<String>, headers: HeaderMap) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(asset) => serve(
            asset.bytes,
            asset.content_type,
            "public, max-age=86400",
            &headers,
        ),
        None => crate::web::WebError::NotFound.into_response(),
    }
}

/// Served from the root so its scope covers the whole site; never cached long, so an update
/// reaches phones on their next visit.
async fn service_worker(headers: HeaderMap) -> Response {
    let mut response = serve(
        SERVICE_WORKER,
        "text/javascript; charset=utf-8",
        "no-cache",
        &headers,
    );
    response
        .headers_mut()
        .insert("service-worker-allowed", HeaderValue::from_static("/"));
    response
}

async fn manifest(headers: HeaderMap) -> Response {
    serve(
        MANIFEST,
        "application/manifest+json",
        "public, max-age=86400",
        &headers,
    )
}

async fn favicon(headers: HeaderMap) -> Response {
    serve(
        include_bytes!("../../static/icon.svg"),
        "image/svg+xml",
        "public, max-age=86400",
        &headers,
    )
}
