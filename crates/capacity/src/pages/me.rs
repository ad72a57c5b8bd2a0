//! The ASN's own page: their record, competencies and gaps, JP this year, trainings and
//! certificates. Only the person's own data; nothing here needs JavaScript.

use askama::Template;
use axum::{Router, extract::State, http::StatusCode, response::Response, routing::get};
use platform::{
    AppState,
    auth::CurrentUser,
    web::{Shell, WebError},
};

use super::page;
use crate::employees::{self, Employee};

pub fn routes() -> Router<AppState> {
    Router::new().route("/capacity/me", get(me))
}

#[derive(Template)]
#[template(path = "capacity_me.html")]
struct MePage {
    shell: Shell,
    employee: Option<Employee>,
}

async fn me(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let employee = employees::employee_of(&app, &user).await?;
    page(&MePage { shell, employee }, StatusCode::OK)
}
