//! The monthly report as JSON (`/api/v1/dashboard/report`): the same figures and commentary
//! versions the PDF prints, for API clients.

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
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::figures::PeriodFigures;

#[derive(OpenApi)]
#[openapi(
    paths(monthly_report),
    components(schemas(MonthlyReport, CommentaryVersion))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/dashboard/report", get(monthly_report))
}

/// Which report.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct MonthQuery {
    /// `YYYY-MM` (default: the previous month), at most the current month.
    pub month: String,
    /// Agency code; empty for every agency the reader sees (an agency head: their agency).
    pub agency: String,
}

/// One saved version of the leaders' commentary.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CommentaryVersion {
    pub version: i64,
    pub body: String,
    pub author_name: String,
    /// Milliseconds since the Unix epoch.
    pub written_ms: i64,
}

/// The month's key figures beside the previous month's, and the commentary (newest first).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MonthlyReport {
    /// `YYYY-MM`.
    pub month: String,
    pub previous_month: String,
    /// Empty for every agency.
    pub agency_code: String,
    pub current: PeriodFigures,
    pub previous: PeriodFigures,
    /// % of PNS at 20 JP in the year of the month (of the covered agencies).
    pub jp_compliance: Option<f64>,
    pub previous_jp_compliance: Option<f64>,
    pub commentary: Vec<CommentaryVersion>,
}

/// The monthly report's figures and commentary versions (leaders: everything; agency heads:
/// their agency). 422 for a bad or future month or an unknown agency; 403 for an agency one
/// may not see.
#[utoipa::path(get, path = "/api/v1/dashboard/report", tag = "dashboard", security(("bearer" = [])),
    params(MonthQuery),
    responses((status = 200, body = MonthlyReport), (status = 403), (status = 422)))]
async fn monthly_report(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(q): Query<MonthQuery>,
) -> Result<Json<MonthlyReport>, WebError> {
    let all = shell.tr.t("report.all_agencies").to_string();
    let request = super::check(&app, &user, &q.month, &q.agency, shell.tr.lang, &all).await?;
    let (month, agency_id) = (request.month, request.scope.agency_id.clone());
    let data = super::data(&app, &user, request, shell.tr.lang).await?;
    let commentary = super::history(&app, month, &agency_id)
        .await?
        .into_iter()
        .map(|c| CommentaryVersion {
            version: c.version,
            body: c.body,
            author_name: c.author_name,
            written_ms: c.written_ms,
        })
        .collect();
    Ok(Json(MonthlyReport {
        month: month.to_string(),
        previous_month: month.previous().to_string(),
        agency_code: data.scope.agency_code.clone(),
        jp_compliance: super::jp_overall(&data.capacity),
        previous_jp_compliance: super::jp_overall(&data.previous_capacity),
        current: data.services.current,
        previous: data.previous.current,
        commentary,
    }))
}
