//! The dashboard's figures, put together from what the capabilities keep on write (they own
//! the numbers; this module only chooses, compares and names them). Every figure comes with the
//! same figure for the period just before, so a leader sees the direction at once. No personal
//! data: counts, rates and durations per service and agency only.

use std::collections::HashMap;

use platform::{
    AppState,
    web::{i18n::Lang, text::csv_cell},
};
use serde::Serialize;
use services::{
    skm::Ikm,
    stats::{self, Breakdown, Counts, Durations, Scope},
};
use utoipa::ToSchema;

use crate::{
    error::DashboardError,
    filters::{Filters, Visibility},
};

/// The figures of one period.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PeriodFigures {
    pub first_day: String,
    pub last_day: String,
    #[serde(flatten)]
    pub counts: Counts,
    /// % completed by the deadline.
    pub sla_compliance: Option<f64>,
    /// Returns for revision per 100 received.
    pub returned_rate: Option<f64>,
    /// Processing time of the completed, in working days.
    pub processing: Durations,
    pub ikm: Option<IkmFigure>,
}

/// IKM of a group, as the dashboard shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct IkmFigure {
    pub respondents: i64,
    /// Converted value 25–100, rounded to 2 decimals.
    pub value: f64,
    /// `A`–`D` (PermenPAN-RB 14/2017).
    pub grade: String,
}

impl IkmFigure {
    fn of(ikm: &Ikm) -> IkmFigure {
        IkmFigure {
            respondents: i64::try_from(ikm.respondents).unwrap_or(0),
            value: ikm.converted,
            grade: format!("{:?}", ikm.grade),
        }
    }
}

/// One service's or agency's line of the breakdown table.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ServiceLine {
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub counts: Counts,
    /// % completed by the deadline.
    pub sla_compliance: Option<f64>,
    pub ikm: Option<IkmFigure>,
}

/// A point of the time series (a day, or a month for periods over 92 days).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SeriesPoint {
    pub key: String,
    pub received: i64,
    pub completed: i64,
}

/// The services panel: the chosen period beside the one just before it, and its breakdowns.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ServicePanel {
    pub current: PeriodFigures,
    pub previous: PeriodFigures,
    /// Being processed now (not a period figure).
    pub in_progress_now: i64,
    /// `day` or `month`.
    pub series_unit: String,
    pub series: Vec<SeriesPoint>,
    pub by_service: Vec<ServiceLine>,
    pub by_agency: Vec<ServiceLine>,
}

fn scope(filters: &Filters, previous: bool) -> Scope {
    let period = if previous {
        filters.period.previous()
    } else {
        filters.period
    };
    Scope {
        first_day: period.first,
        last_day: period.last,
        agency_ids: filters.agency_ids.clone(),
        service_id: filters.service.as_ref().map(|s| s.id.clone()),
    }
}

async fn overall_ikm(app: &AppState, scope: &Scope) -> Result<Option<IkmFigure>, sqlx::Error> {
    Ok(stats::ikm(app, scope, None)
        .await?
        .first()
        .map(|(_, ikm)| IkmFigure::of(ikm)))
}

async fn period_figures(app: &AppState, scope: &Scope) -> Result<PeriodFigures, DashboardError> {
    let counts = stats::counts(app, scope).await?;
    Ok(PeriodFigures {
        first_day: scope.first_day.to_string(),
        last_day: scope.last_day.to_string(),
        sla_compliance: counts.sla_compliance(),
        returned_rate: counts.returned_rate(),
        processing: stats::durations(app, scope).await?,
        ikm: overall_ikm(app, scope).await?,
        counts,
    })
}

pub async fn services_panel(
    app: &AppState,
    filters: &Filters,
    lang: Lang,
) -> Result<ServicePanel, DashboardError> {
    let now = scope(filters, false);
    let monthly = filters.period.days() > 92;
    let series = stats::breakdown(
        app,
        &now,
        if monthly {
            Breakdown::Month
        } else {
            Breakdown::Day
        },
    )
    .await?
    .into_iter()
    .map(|k| SeriesPoint {
        key: k.key,
        received: k.counts.received,
        completed: k.counts.completed,
    })
    .collect();
    let names = stats::service_names(app).await?;
    let service_names: HashMap<&str, (&str, String)> = names
        .iter()
        .map(|s| {
            let name = if lang == Lang::En {
                &s.name_en
            } else {
                &s.name_id
            };
            (s.id.as_str(), (s.code.as_str(), name.clone()))
        })
        .collect();
    let agencies = accounts::organisation::agency_tree(app)
        .await
        .map_err(|e| DashboardError::Internal(anyhow::anyhow!("agencies: {e}")))?;
    let agency_names: HashMap<&str, (&str, String)> = agencies
        .iter()
        .map(|a| {
            (
                a.agency.id.as_str(),
                (a.agency.code.as_str(), a.name(lang).to_string()),
            )
        })
        .collect();
    Ok(ServicePanel {
        current: period_figures(app, &now).await?,
        previous: period_figures(app, &scope(filters, true)).await?,
        in_progress_now: stats::in_progress(app, &filters.agency_ids).await?,
        series_unit: if monthly { "month" } else { "day" }.to_string(),
        series,
        by_service: lines(app, &now, Breakdown::Service, &service_names).await?,
        by_agency: lines(app, &now, Breakdown::Agency, &agency_names).await?,
    })
}

/// The breakdown of `scope` per service or agency, with names, most received first.
async fn lines(
    app: &AppState,
    scope: &Scope,
    by: Breakdown,
    names: &HashMap<&str, (&str, String)>,
) -> Result<Vec<ServiceLine>, DashboardError> {
    let ikm: HashMap<String, Ikm> = stats::ikm(app, scope, Some(by))
        .await?
        .into_iter()
        .collect();
    let mut out: Vec<ServiceLine> = stats::breakdown(app, scope, by)
        .await?
        .into_iter()
        .map(|k| {
            let (code, name) = names
                .get(k.key.as_str())
                .map_or((k.key.clone(), k.key.clone()), |(c, n)| {
                    ((*c).to_string(), n.clone())
                });
            ServiceLine {
                sla_compliance: k.counts.sla_compliance(),
                ikm: ikm.get(&k.key).map(IkmFigure::of),
                code,
                name,
                counts: k.counts,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.counts
            .received
            .cmp(&a.counts.received)
            .then(a.code.cmp(&b.code))
    });
    Ok(out)
}

/// The service lines as CSV (UTF-8 with a byte-order mark; formulas neutralised).
pub fn lines_csv(lines: &[ServiceLine]) -> String {
    let mut out = String::from(
        "\u{feff}code,name,received,completed,completed_on_time,sla_compliance_percent,issued,rejected,withdrawn,returned,ikm,ikm_grade,ikm_respondents\r\n",
    );
    for l in lines {
        let ikm = l.ikm.as_ref();
        let row = [
            csv_cell(&l.code),
            csv_cell(&l.name),
            l.counts.received.to_string(),
            l.counts.completed.to_string(),
            l.counts.completed_on_time.to_string(),
            l.sla_compliance
                .map(|v| format!("{v:.1}"))
                .unwrap_or_default(),
            l.counts.issued.to_string(),
            l.counts.rejected.to_string(),
            l.counts.withdrawn.to_string(),
            l.counts.returned.to_string(),
            ikm.map(|i| format!("{:.2}", i.value)).unwrap_or_default(),
            ikm.map(|i| i.grade.clone()).unwrap_or_default(),
            ikm.map(|i| i.respondents.to_string()).unwrap_or_default(),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The ASN capacity panel: JP compliance per agency in the year the period ends, and the
/// largest competency gaps (from the gap totals kept on write).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CapacityPanel {
    pub year: i64,
    pub compliance: Vec<capacity::jp::AgencyCompliance>,
    /// At most ten, largest total gap first.
    pub top_gaps: Vec<capacity::needs::NeedRow>,
}

pub async fn capacity_panel(
    app: &AppState,
    user: &platform::auth::CurrentUser,
    filters: &Filters,
    visibility: &Visibility,
    lang: Lang,
) -> Result<CapacityPanel, DashboardError> {
    use capacity::needs::{self, Grouping};
    let year = i64::from(filters.period.last.year());
    let codes: Vec<&str> = visibility
        .agencies
        .iter()
        .filter(|a| filters.agency_ids.is_empty() || filters.agency_ids.contains(&a.id))
        .map(|a| a.code.as_str())
        .collect();
    let internal =
        |e: capacity::CapacityError| DashboardError::Internal(anyhow::anyhow!("capacity: {e}"));
    let compliance = capacity::jp::compliance(app, user, year)
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|c| codes.contains(&c.agency_code.as_str()))
        .collect();
    let mut top_gaps = match (&filters.agency, visibility.everything) {
        (Some(agency), _) => needs::analyse(app, user, Grouping::Competency, &agency.code, lang)
            .await
            .map_err(internal)?,
        (None, true) => needs::analyse(app, user, Grouping::Competency, "", lang)
            .await
            .map_err(internal)?,
        // An agency head: the gaps of their agencies, per agency.
        (None, false) => needs::analyse(app, user, Grouping::Agency, "", lang)
            .await
            .map_err(internal)?
            .into_iter()
            .filter(|r| codes.contains(&r.agency_code.as_str()))
            .collect(),
    };
    top_gaps.truncate(10);
    Ok(CapacityPanel {
        year,
        compliance,
        top_gaps,
    })
}
