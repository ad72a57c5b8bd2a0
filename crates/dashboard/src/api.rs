//! The JSON API of the dashboard and of the public statistics.

use axum::{
    Json, Router,
    extract::{Query, State},
    routing::get,
};
use platform::{
    AppState,
    auth::CurrentUser,
    web::{Shell, WebError},
};
use utoipa::OpenApi;

use crate::{
    error::DashboardError,
    figures::{
        self, CapacityPanel, IkmFigure, PeriodFigures, SeriesPoint, ServiceLine, ServicePanel,
    },
    filters::{self, FilterInput, Filters, Visibility},
};

#[derive(OpenApi)]
#[openapi(
    paths(dashboard_services, dashboard_capacity, public_services),
    components(schemas(
        ServicePanel,
        PeriodFigures,
        ServiceLine,
        SeriesPoint,
        IkmFigure,
        services::stats::Counts,
        services::stats::Durations
    ))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dashboard/services", get(dashboard_services))
        .route("/api/v1/dashboard/capacity", get(dashboard_capacity))
        .route("/api/v1/statistics/services", get(public_services))
}

/// The public figures cover every agency; only the period can be chosen.
pub(crate) async fn public_filters(
    app: &AppState,
    input: &FilterInput,
) -> Result<Filters, DashboardError> {
    let agencies = accounts::organisation::agency_tree(app)
        .await
        .map_err(|e| DashboardError::Internal(anyhow::anyhow!("agencies: {e}")))?
        .into_iter()
        .map(|n| n.agency)
        .collect::<Vec<_>>();
    let everyone = Visibility {
        everything: true,
        agency_ids: agencies.iter().map(|a| a.id.clone()).collect(),
        agencies,
    };
    let input = FilterInput {
        agency: String::new(),
        service: String::new(),
        ..input.clone()
    };
    filters::check(app, &input, &everyone, crate::today_wita()).await
}

/// Service figures for leaders (everything) and agency heads (their agency and those under
/// it): the period beside the one before it, per day or month, per service and per agency.
/// 422 for a bad period or an unknown agency or service; 403 for an agency one may not see.
#[utoipa::path(get, path = "/api/v1/dashboard/services", tag = "dashboard", security(("bearer" = [])),
    params(FilterInput),
    responses((status = 200, body = ServicePanel), (status = 403), (status = 422)))]
async fn dashboard_services(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(input): Query<FilterInput>,
) -> Result<Json<ServicePanel>, WebError> {
    let visibility = filters::visibility(&app, &user).await?;
    let filters = filters::check(&app, &input, &visibility, crate::today_wita()).await?;
    Ok(Json(
        figures::services_panel(&app, &filters, shell.tr.lang).await?,
    ))
}

/// ASN capacity figures for leaders: JP compliance per agency in the year the period ends and
/// the ten largest competency gaps (of the chosen agency, or of those the reader sees).
#[utoipa::path(get, path = "/api/v1/dashboard/capacity", tag = "dashboard", security(("bearer" = [])),
    params(FilterInput),
    responses((status = 200, body = CapacityPanel), (status = 403), (status = 422)))]
async fn dashboard_capacity(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(input): Query<FilterInput>,
) -> Result<Json<CapacityPanel>, WebError> {
    let visibility = filters::visibility(&app, &user).await?;
    let filters = filters::check(&app, &input, &visibility, crate::today_wita()).await?;
    Ok(Json(
        figures::capacity_panel(&app, &user, &filters, &visibility, shell.tr.lang).await?,
    ))
}

/// Public service statistics of every agency (no sign-in): volumes, processing times, SLA
/// compliance and IKM for a period (`from`, `to`; agency and service are ignored).
#[utoipa::path(get, path = "/api/v1/statistics/services", tag = "dashboard", params(FilterInput),
    responses((status = 200, body = ServicePanel), (status = 422)))]
async fn public_services(
    State(app): State<AppState>,
    shell: Shell,
    Query(input): Query<FilterInput>,
) -> Result<Json<ServicePanel>, WebError> {
    let filters = public_filters(&app, &input).await?;
    Ok(Json(
        figures::services_panel(&app, &filters, shell.tr.lang).await?,
    ))
}
