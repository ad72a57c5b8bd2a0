//! The training needs analysis.

use super::*;
use crate::needs;

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub(super) struct NeedsParams {
    /// `agency` (default), `unit` or `competency`.
    group: String,
    /// Only this agency (code); all when empty.
    agency: String,
}

/// Training needs: gaps (required − assessed) aggregated per agency, unit or competency, with
/// the open sessions that address each (competency admin, leader).
#[utoipa::path(get, path = "/api/v1/training-needs", tag = "capacity", security(("bearer" = [])), params(NeedsParams),
    responses((status = 200, body = [NeedRow]), (status = 403)))]
pub(super) async fn training_needs(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(params): Query<NeedsParams>,
) -> Result<Json<Vec<NeedRow>>, WebError> {
    Ok(Json(
        needs::analyse(
            &app,
            &user,
            Grouping::parse(&params.group),
            &params.agency,
            shell.tr.lang,
        )
        .await?,
    ))
}
