//! The complaints, collaboration and information panel: complaints received, answered, closed
//! and the response time; joint events per pair of agencies, registrations and attendance;
//! knowledge articles written, edited, shared and read; announcements published per category
//! and subscribers reached. Each period beside the one before it; the capabilities count.

use announcements::stats::InformationFigures;
use collaboration::stats::CollaborationFigures;
use complaints::stats::ComplaintFigures;
use jiff::civil::Date;
use platform::AppState;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    error::DashboardError,
    filters::{Filters, Period},
};

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WorkTogetherPeriod {
    pub first_day: String,
    pub last_day: String,
    pub complaints: ComplaintFigures,
    pub collaboration: CollaborationFigures,
    pub information: InformationFigures,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WorkTogetherPanel {
    pub current: WorkTogetherPeriod,
    pub previous: WorkTogetherPeriod,
}

/// The first millisecond of a WITA day.
fn start_ms(day: Date) -> i64 {
    day.to_zoned(platform::clock::wita().clone())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or_default()
}

async fn period(
    app: &AppState,
    period: Period,
    agency_ids: Option<&[String]>,
) -> Result<WorkTogetherPeriod, DashboardError> {
    let from = start_ms(period.first);
    let to = start_ms(period.last.tomorrow().unwrap_or(period.last));
    let (first, last) = (period.first.to_string(), period.last.to_string());
    Ok(WorkTogetherPeriod {
        complaints: complaints::stats::figures(app, from, to, agency_ids).await?,
        collaboration: collaboration::stats::figures(app, from, to, &first, &last, agency_ids)
            .await?,
        information: announcements::stats::figures(app, from, to, agency_ids).await?,
        first_day: first,
        last_day: last,
    })
}

pub async fn panel(app: &AppState, filters: &Filters) -> Result<WorkTogetherPanel, DashboardError> {
    let agencies = (!filters.agency_ids.is_empty()).then_some(filters.agency_ids.as_slice());
    Ok(WorkTogetherPanel {
        current: period(app, filters.period, agencies).await?,
        previous: period(app, filters.period.previous(), agencies).await?,
    })
}
