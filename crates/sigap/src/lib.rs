//! The Sigap application: merges every capability's routes under the platform's layers, starts
//! the background workers, serves, and shuts down cleanly. `main.rs` is only the command line.

pub mod scale_demo;

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Request},
    middleware::from_fn_with_state,
    routing::get,
};
use platform::{
    AppState,
    config::Settings,
    db::Db,
    outbox::{self, delivery::Senders},
    web::{
        NavItem, WebError, assets, banner, context, error,
        i18n::{Catalogue, PLATFORM_CATALOGUE},
        layers, ops,
    },
};
use tokio::{net::TcpListener, sync::Notify};
use tokio_util::sync::CancellationToken;
use tower_http::{
    catch_panic::CatchPanicLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};
use utoipa::OpenApi as _;

/// Every capability's texts.
pub fn catalogue() -> Result<Catalogue, String> {
    Catalogue::new(&[
        PLATFORM_CATALOGUE,
        accounts::CATALOGUE,
        services::CATALOGUE,
        queue::CATALOGUE,
        complaints::CATALOGUE,
        capacity::CATALOGUE,
        collaboration::CATALOGUE,
        announcements::CATALOGUE,
        dashboard::CATALOGUE,
        privacy::CATALOGUE,
    ])
}

/// Every capability's navigation, in display order.
fn navigation() -> Vec<NavItem> {
    // Home first, then the services, then the personal and admin links.
    let (home, rest) = accounts::NAV.split_at(1);
    home.iter()
        .chain(services::NAV)
        .chain(queue::NAV)
        .chain(complaints::NAV)
        .chain(capacity::NAV)
        .chain(collaboration::NAV)
        .chain(announcements::NAV)
        .chain(dashboard::NAV)
        .chain(rest)
        .copied()
        .collect()
}

/// Opens the database, applies migrations and assembles the shared state.
pub async fn state(settings: Settings) -> anyhow::Result<AppState> {
    let db = Db::connect(&settings).await?;
    db.migrate().await.context("applying database migrations")?;
    Ok(AppState {
        db,
        catalogue: Arc::new(catalogue().map_err(anyhow::Error::msg)?),
        nav: Arc::new(navigation()),
        metrics: Arc::new(ops::Metrics::default()),
        outbox_signal: Arc::new(Notify::new()),
        bus: platform::bus::Bus::new(settings.backend),
        stopping: CancellationToken::new(),
        banners: Arc::new(platform::web::banner::Banners::new(vec![
            announcements::BANNER,
        ])),
        settings: Arc::new(settings),
    })
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Sigap API", version = "1", description = "Public services and civil-servant capacity platform of Kecamatan Alak, Kota Kupang. Errors: {\"error\": {\"code\", \"message\", \"fields\"}}; send Accept-Language: en for English messages."),
    modifiers(&BearerAuth)
)]
struct RootDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Each capability's part of the OpenAPI document.
fn openapi_parts() -> Vec<utoipa::openapi::OpenApi> {
    vec![
        accounts::ApiDoc::openapi(),
        services::ApiDoc::openapi(),
        services::ApplicationsApiDoc::openapi(),
        queue::ApiDoc::openapi(),
        complaints::ApiDoc::openapi(),
        capacity::ApiDoc::openapi(),
        collaboration::ApiDoc::openapi(),
        announcements::ApiDoc::openapi(),
        dashboard::ApiDoc::openapi(),
        dashboard::ReportApiDoc::openapi(),
        privacy::ApiDoc::openapi(),
    ]
}

/// The OpenAPI document of every capability's API. Merging keeps the first of two component
/// schemas of one name, so each name must mean one thing (see the test below).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = RootDoc::openapi();
    for part in openapi_parts() {
        doc.merge(part);
    }
    doc.merge(platform::web::error::ErrorDoc::openapi());
    document_common_errors(&mut doc);
    doc
}

/// Adds the errors that come from what an operation reads rather than from its own rules, where
/// its annotation does not name them: 401 where a bearer token is required (`CurrentUser`),
/// 400 where a path or query parameter may not parse (`Path`, `Query`), 413 where it reads a
/// body (the body limit), 400, 415 and 422 where that body is JSON (`Json`: not JSON, no JSON
/// content type, wrong field types). Every error response without a body of its own is then
/// documented with the one error body, `ApiError`.
fn document_common_errors(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{
        Content, RefOr, Response, path::ParameterIn, schema::Ref, security::SecurityRequirement,
    };
    let needs_token = |requirements: &Option<Vec<SecurityRequirement>>| {
        requirements.as_ref().is_some_and(|all| {
            !all.is_empty()
                && all.iter().all(|r| {
                    serde_json::to_value(r)
                        .is_ok_and(|v| v.as_object().is_some_and(|o| !o.is_empty()))
                })
        })
    };
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            let mut common: Vec<(&str, &str)> = Vec::new();
            if needs_token(&operation.security) {
                common.push(("401", "No valid bearer token"));
            }
            let parameters = operation.parameters.iter().flatten();
            if parameters
                .clone()
                .any(|p| matches!(p.parameter_in, ParameterIn::Path | ParameterIn::Query))
            {
                common.push(("400", "A path or query parameter is malformed"));
            }
            if let Some(body) = &operation.request_body {
                common.push(("413", "The request body is too large"));
                if body.content.contains_key("application/json") {
                    common.push(("400", "The body is not valid JSON"));
                    common.push(("415", "The body is not sent as application/json"));
                    common.push(("422", "A field of the body has the wrong type"));
                }
            }
            let responses = &mut operation.responses.responses;
            for (status, description) in common {
                responses
                    .entry(status.to_string())
                    .or_insert_with(|| RefOr::T(Response::new(description)));
            }
            for (status, response) in responses.iter_mut() {
                if let RefOr::T(response) = response
                    && (status.starts_with('4') || status.starts_with('5'))
                    && response.content.is_empty()
                {
                    response.content.insert(
                        "application/json".to_string(),
                        Content::new(Some(Ref::from_schema_name("ApiError"))),
                    );
                }
            }
        }
    }
}

/// All routes with the platform's layers.
pub fn router(state: AppState) -> Router {
    let openapi = Arc::new(openapi());
    let max_body = state.settings.max_body_bytes;
    // The hard limit (checked before a body is read) admits twice the largest upload, so that a
    // moderately oversized file reaches the upload page and gets its own message there;
    // extractors apply the smaller default limit, and upload routes raise theirs.
    let hard_limit = max_body.max(2 * (state.settings.max_upload_bytes + 64 * 1024));
    Router::new()
        .merge(accounts::routes())
        .merge(services::routes(state.settings.max_upload_bytes))
        .merge(queue::routes())
        .merge(complaints::routes(state.settings.max_upload_bytes))
        .merge(capacity::routes(state.settings.max_upload_bytes))
        .merge(collaboration::routes(state.settings.max_upload_bytes))
        .merge(announcements::routes())
        .merge(dashboard::routes())
        .merge(privacy::routes())
        .merge(assets::routes())
        .merge(ops::routes())
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let doc = openapi.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .fallback(|| async { WebError::NotFound })
        // Listed innermost first: each `.layer` wraps everything above it.
        .layer(DefaultBodyLimit::max(max_body))
        .layer(RequestBodyLimitLayer::new(hard_limit))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        // A panic becomes the 500 page with a reference id; the cause is logged with that id.
        .layer(CatchPanicLayer::custom(|panic: Box<dyn std::any::Any + Send>| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            axum::response::IntoResponse::into_response(WebError::Internal(anyhow::anyhow!("handler panicked: {message}")))
        }))
        .layer(from_fn_with_state(state.clone(), banner::keep_fresh))
        .layer(from_fn_with_state(state.clone(), error::render_errors))
        .layer(from_fn_with_state(state.clone(), context::resolve_identity))
        .layer(from_fn_with_state(state.clone(), layers::security_headers))
        .layer(from_fn_with_state(state.clone(), ops::track))
        .layer(
            // The span names the route template, never the raw path or query (they may hold
            // tracking numbers or personal data).
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                let route = request
                    .extensions()
                    .get::<axum::extract::MatchedPath>()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                let id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                tracing::info_span!("request", method = %request.method(), route = %route, request.id = %id)
            }),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::from_fn(plain_request_id))
        .with_state(state)
}

/// A client may name its request (`x-request-id`, kept for tracing across systems), but only
/// with up to 64 letters, digits, `-`, `_` and `.`: anything else is dropped (a fresh id is
/// made), so no client can write forged fields or lines into the log.
async fn plain_request_id(
    mut request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let plain = request.headers().get("x-request-id").is_none_or(|v| {
        v.len() <= 64
            && !v.is_empty()
            && v.as_bytes()
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    });
    if !plain {
        request.headers_mut().remove("x-request-id");
    }
    next.run(request).await
}

/// A bound, ready server. `build` binds (port 0 picks a free port), `run` serves.
pub struct Server {
    listener: TcpListener,
    state: AppState,
}

impl Server {
    pub async fn build(state: AppState) -> anyhow::Result<Server> {
        let bind = state.settings.bind;
        let listener = TcpListener::bind(bind)
            .await
            .with_context(|| format!("SIGAP_BIND: cannot listen on {bind}"))?;
        Ok(Server { listener, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or(self.state.settings.bind)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish (up to 20 s),
    /// stops the workers and closes the pools.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let cancel = CancellationToken::new();
        let senders = Arc::new(Senders::from_settings(&self.state.settings)?);
        let worker = tokio::spawn(outbox::worker::run(
            self.state.db.clone(),
            senders,
            self.state.outbox_signal.clone(),
            self.state.settings.outbox_lease,
            cancel.clone(),
        ));
        let reminders = tokio::spawn(services::applications::reminders::run(
            self.state.clone(),
            cancel.clone(),
        ));
        let appointment_reminders = tokio::spawn(queue::booking::run_reminders(
            self.state.clone(),
            cancel.clone(),
        ));
        let listener = tokio::spawn(
            self.state
                .bus
                .clone()
                .listen(self.state.settings.database_url.clone(), cancel.clone()),
        );
        let jp_reminders = tokio::spawn(capacity::jp::run_reminders(
            self.state.clone(),
            cancel.clone(),
        ));
        let announcement_dispatch = tokio::spawn(announcements::subscriptions::run(
            self.state.clone(),
            cancel.clone(),
        ));
        let app = router(self.state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let stop = cancel.clone();
        let drained = CancellationToken::new();
        let drain_timer = drained.clone();
        let stopping = self.state.stopping.clone();
        let serve = axum::serve(self.listener, app).with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down: finishing requests in flight");
            stopping.cancel();
            drain_timer.cancel();
        });
        let outcome = tokio::select! {
            result = serve => result.context("server failed"),
            () = async {
                drained.cancelled().await;
                tokio::time::sleep(Duration::from_secs(20)).await;
            } => {
                tracing::warn!("requests still running after 20 s; stopping anyway");
                Ok(())
            }
        };
        stop.cancel();
        let _ = worker.await;
        let _ = reminders.await;
        let _ = listener.await;
        let _ = appointment_reminders.await;
        let _ = jp_reminders.await;
        let _ = announcement_dispatch.await;
        self.state.db.close().await;
        outcome
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    /// Two capabilities that name different schemas alike (`Status`, `Category`) would leave
    /// the merged document describing one capability's responses with the other's schema.
    #[test]
    fn each_schema_name_and_operation_id_means_one_thing() {
        let mut schemas: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        let mut clashes = Vec::new();
        for part in super::openapi_parts() {
            for (name, schema) in part.components.map(|c| c.schemas).unwrap_or_default() {
                let schema = serde_json::to_value(schema).expect("a schema serialises");
                match schemas.get(&name) {
                    Some(seen) if *seen != schema => clashes.push(name),
                    Some(_) => {}
                    None => {
                        schemas.insert(name, schema);
                    }
                }
            }
        }
        assert!(
            clashes.is_empty(),
            "schema names with two meanings: {clashes:?}"
        );

        let doc = serde_json::to_value(super::openapi()).expect("the document serialises");
        let mut operations: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("path item") {
                if let Some(id) = operation["operationId"].as_str() {
                    operations
                        .entry(id.to_string())
                        .or_default()
                        .push(format!("{method} {path}"));
                }
            }
        }
        operations.retain(|_, uses| uses.len() > 1);
        assert!(
            operations.is_empty(),
            "operation ids used twice: {operations:?}"
        );
    }
}
