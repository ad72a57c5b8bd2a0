//! The competency admin's JP pages: external development awaiting approval (with its proof),
//! and the agency compliance report against the 20 JP right.

use askama::Template;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use platform::{
    AppState,
    auth::CurrentUser,
    blobs,
    web::{Shell, WebError, forms::CsrfForm},
};
use serde::Deserialize;

use super::page;
use crate::jp::{self, AgencyCompliance, JpEntry};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/capacity/jp", get(pending))
        .route("/capacity/jp/{id}/proof", get(proof))
        .route("/capacity/jp/{id}/approve", post(approve))
        .route("/capacity/jp/{id}/reject", post(reject))
        .route("/capacity/compliance", get(compliance))
}

#[derive(Template)]
#[template(path = "capacity_jp_pending.html")]
struct PendingPage {
    shell: Shell,
    pending: Vec<(JpEntry, String)>,
}

async fn pending(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let pending = jp::pending_external(&app, &user).await?;
    page(&PendingPage { shell, pending }, StatusCode::OK)
}

async fn proof(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (_, bytes) = jp::proof(&app, &user, &id).await?;
    let kind = blobs::sniff(&bytes).map_err(|_| WebError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, kind.content_type())], bytes).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Empty {}

async fn approve(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    jp::decide_external(&app, &user, &id, true).await?;
    Ok(Redirect::to("/capacity/jp").into_response())
}

async fn reject(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    jp::decide_external(&app, &user, &id, false).await?;
    Ok(Redirect::to("/capacity/jp").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: Option<i64>,
}

#[derive(Template)]
#[template(path = "capacity_compliance.html")]
struct CompliancePage {
    shell: Shell,
    year: i64,
    agencies: Vec<AgencyCompliance>,
}

async fn compliance(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<YearQuery>,
) -> Result<Response, WebError> {
    let year = query
        .year
        .unwrap_or_else(|| i64::from(crate::today_wita().year()));
    let agencies = jp::compliance(&app, &user, year).await?;
    page(
        &CompliancePage {
            shell,
            year,
            agencies,
        },
        StatusCode::OK,
    )
}
