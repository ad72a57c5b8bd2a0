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
    collaboration_panel::{self, WorkTogetherPanel, WorkTogetherPeriod},
    error::DashboardError,
    figures::{
        self, CapacityPanel, IkmFigure, PeriodFigures, SeriesPoint, ServiceLine, ServicePanel,
    },
    filters::{self, FilterInput, Filters, Visibility},
    queue_panel::{self, OfficeLine, QueuePanel, QueuePeriod},
};

#[derive(OpenApi)]
#[openapi(
    paths(
        dashboard_services,
        dashboard_capacity,
        dashboard_queue,
        public_services,
        public_queue
    ),
    components(schemas(
        ServicePanel,
        PeriodFigures,
        ServiceLine,
        SeriesPoint,
        IkmFigure,
        services::stats::Counts,
        services::stats::Durations,
        QueuePanel,
        QueuePeriod,
        OfficeLine,
        queue::stats::Totals,
        queue::stats::KeyedCounts,
        queue::stats::HeatCell,
        queue::figures::Durations,
        WorkTogetherPanel,
        WorkTogetherPeriod,
        complaints::stats::ComplaintFigures,
        complaints::stats::Hours,
        collaboration::stats::CollaborationFigures,
        collaboration::stats::AgencyPair,
        announcements::stats::InformationFigures,
        announcements::stats::CategoryCount
    ))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/dashboard/services", get(dashboard_services))
        .route("/api/v1/dashboard/capacity", get(dashboard_capacity))
        .route("/api/v1/dashboard/queue", get(dashboard_queue))
        .route(
            "/api/v1/dashboard/collaboration",
            get(dashboard_collaboration),
        )
        .route("/api/v1/statistics/services", get(public_services))
        .route("/api/v1/statistics/queue", get(public_queue))
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
        office: String::new(),
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

/// Queue figures for leaders (every office) and agency heads (the offices of their agencies):
/// tickets per day and hour, mean and p90 waiting and service times, no-shows, busiest hours,
/// per office; `office` narrows to one office (the service filter does not apply to queues).
#[utoipa::path(get, path = "/api/v1/dashboard/queue", tag = "dashboard", security(("bearer" = [])),
    params(FilterInput),
    responses((status = 200, body = QueuePanel), (status = 403), (status = 422)))]
async fn dashboard_queue(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(input): Query<FilterInput>,
) -> Result<Json<QueuePanel>, WebError> {
    let visibility = filters::visibility(&app, &user).await?;
    let filters = filters::check(&app, &input, &visibility, crate::today_wita()).await?;
    Ok(Json(
        queue_panel::queue_panel(&app, &filters, shell.tr.lang).await?,
    ))
}

/// Public waiting times of every service office (no sign-in) for a period (`from`, `to`).
#[utoipa::path(get, path = "/api/v1/statistics/queue", tag = "dashboard", params(FilterInput),
    responses((status = 200, body = QueuePanel), (status = 422)))]
async fn public_queue(
    State(app): State<AppState>,
    shell: Shell,
    Query(input): Query<FilterInput>,
) -> Result<Json<QueuePanel>, WebError> {
    let filters = public_filters(&app, &input).await?;
    Ok(Json(
        queue_panel::queue_panel(&app, &filters, shell.tr.lang).await?,
    ))
}

/// Complaints (received, answered, closed, open now, response time), joint events per pair of
/// co-organising agencies, knowledge articles written, edited, shared and read, announcements
/// published per category and subscribers reached: the period beside the one before it.
#[utoipa::path(get, path = "/api/v1/dashboard/collaboration", tag = "dashboard", security(("bearer" = [])),
    params(FilterInput),
    responses((status = 200, body = WorkTogetherPanel), (status = 403), (status = 422)))]
async fn dashboard_collaboration(
    State(app): State<AppState>,
    user: CurrentUser,
    Query(input): Query<FilterInput>,
) -> Result<Json<WorkTogetherPanel>, WebError> {
    let visibility = filters::visibility(&app, &user).await?;
    let filters = filters::check(&app, &input, &visibility, crate::today_wita()).await?;
    Ok(Json(collaboration_panel::panel(&app, &filters).await?))
}
