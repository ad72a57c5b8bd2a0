//! HTML pages of the capacity capability, one module per concept. Every page works without
//! JavaScript; forms re-show with each error beside its field and the typed values kept.

mod attendance;
mod certificates;
mod competencies;
mod employees;
mod jp;
pub(crate) use employees::{translate, translate_run};
mod me;
mod needs;
mod trainings;

use axum::Router;
use platform::AppState;

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    employees::routes(max_upload_bytes)
        .merge(competencies::routes())
        .merge(trainings::routes())
        .merge(attendance::routes())
        .merge(jp::routes())
        .merge(certificates::routes())
        .merge(needs::routes())
        .merge(me::routes(max_upload_bytes))
}

pub(crate) use platform::web::page;
