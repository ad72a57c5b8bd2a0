//! The training needs analysis page and its CSV export.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use platform::{
    AppState,
    auth::CurrentUser,
    web::{Shell, WebError},
};
use serde::Deserialize;

use super::page;
use crate::needs::{self, Grouping, NeedRow};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/capacity/needs", get(analysis))
        .route("/capacity/needs.csv", get(export))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct NeedsQuery {
    pub group: String,
    pub agency: String,
}

#[derive(Template)]
#[template(path = "capacity_needs.html")]
struct NeedsPage {
    shell: Shell,
    group: &'static str,
    agency: String,
    rows: Vec<NeedRow>,
}

async fn analysis(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<NeedsQuery>,
) -> Result<Response, WebError> {
    let grouping = Grouping::parse(&query.group);
    let rows = needs::analyse(&app, &user, grouping, &query.agency, shell.tr.lang).await?;
    page(
        &NeedsPage {
            shell,
            group: grouping.as_str(),
            agency: query.agency,
            rows,
        },
        StatusCode::OK,
    )
}

async fn export(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<NeedsQuery>,
) -> Result<Response, WebError> {
    let grouping = Grouping::parse(&query.group);
    let rows = needs::analyse(&app, &user, grouping, &query.agency, shell.tr.lang).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"kebutuhan-pelatihan.csv\"",
            ),
        ],
        needs::to_csv(&rows),
    )
        .into_response())
}
