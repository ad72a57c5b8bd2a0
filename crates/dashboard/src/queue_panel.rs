//! The queue panel: tickets per day and hour, mean and p90 waiting and service times, the
//! no-show rate and the busiest hours (a weekday × hour heat map), per service office, from the
//! figures `queue::stats` keeps on write. Each period beside the one before it. Queue figures
//! belong to offices, not to services: the service filter does not narrow them.

use platform::{AppState, web::i18n::Lang};
use queue::stats::{self, Breakdown, HeatCell, KeyedCounts, Scope, Totals};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{error::DashboardError, filters::Filters};

/// The queue figures of one period.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct QueuePeriod {
    pub first_day: String,
    pub last_day: String,
    #[serde(flatten)]
    pub totals: Totals,
}

/// One office's line.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OfficeLine {
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub totals: Totals,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct QueuePanel {
    /// Codes of the offices covered (all offices of the agencies covered, or the chosen one).
    pub offices: Vec<String>,
    pub current: QueuePeriod,
    pub previous: QueuePeriod,
    /// `day` or `month`.
    pub series_unit: String,
    pub series: Vec<KeyedCounts>,
    /// Per hour of drawing (WITA), hours with tickets only.
    pub by_hour: Vec<KeyedCounts>,
    /// The (at most three) hours with the most tickets, busiest first.
    pub busiest_hours: Vec<String>,
    /// Tickets per weekday (1 = Monday) and hour.
    pub heat: Vec<HeatCell>,
    pub by_office: Vec<OfficeLine>,
}

/// The offices the filters cover: the chosen office, those of the agencies covered, or all.
pub async fn office_scope(
    app: &AppState,
    filters: &Filters,
) -> Result<(Option<Vec<String>>, Vec<stats::OfficeName>), DashboardError> {
    let offices = stats::offices(app).await?;
    let ids = match (&filters.office, filters.agency_ids.is_empty()) {
        (Some(office), _) => Some(vec![office.id.clone()]),
        (None, true) => None,
        (None, false) => Some(
            offices
                .iter()
                .filter(|o| filters.agency_ids.contains(&o.agency_id))
                .map(|o| o.id.clone())
                .collect(),
        ),
    };
    Ok((ids, offices))
}

pub async fn queue_panel(
    app: &AppState,
    filters: &Filters,
    lang: Lang,
) -> Result<QueuePanel, DashboardError> {
    let (office_ids, offices) = office_scope(app, filters).await?;
    let scope_of = |period: crate::filters::Period| Scope {
        first_day: period.first,
        last_day: period.last,
        office_ids: office_ids.clone(),
    };
    let now = scope_of(filters.period);
    let before = scope_of(filters.period.previous());
    let monthly = filters.period.days() > 92;
    let series_by = if monthly {
        Breakdown::Month
    } else {
        Breakdown::Day
    };
    // The two periods are read at once, on two pool connections.
    let (figures, previous) = futures_util::try_join!(
        stats::figures(app, &now, series_by),
        stats::figures(app, &before, series_by)
    )?;
    let mut ranked: Vec<&KeyedCounts> = figures.by_hour.iter().filter(|h| h.tickets > 0).collect();
    ranked.sort_by(|a, b| b.tickets.cmp(&a.tickets).then(a.key.cmp(&b.key)));
    let busiest_hours = ranked.iter().take(3).map(|h| h.key.clone()).collect();
    let mut by_office: Vec<OfficeLine> = offices
        .iter()
        .filter(|o| office_ids.as_ref().is_none_or(|ids| ids.contains(&o.id)))
        .map(|o| OfficeLine {
            code: o.code.clone(),
            name: if lang == Lang::En {
                o.name_en.clone()
            } else {
                o.name_id.clone()
            },
            totals: figures.by_office.get(&o.id).cloned().unwrap_or_default(),
        })
        .collect();
    by_office.sort_by(|a, b| {
        b.totals
            .tickets
            .cmp(&a.totals.tickets)
            .then(a.code.cmp(&b.code))
    });
    Ok(QueuePanel {
        offices: by_office.iter().map(|o| o.code.clone()).collect(),
        current: QueuePeriod {
            first_day: now.first_day.to_string(),
            last_day: now.last_day.to_string(),
            totals: figures.totals,
        },
        previous: QueuePeriod {
            first_day: before.first_day.to_string(),
            last_day: before.last_day.to_string(),
            totals: previous.totals,
        },
        series_unit: if monthly { "month" } else { "day" }.to_string(),
        series: figures.series,
        by_hour: figures.by_hour,
        busiest_hours,
        heat: figures.heat,
        by_office,
    })
}
