//! What a dashboard view covers, as the reader asked for it: a period of WITA days (compared
//! with the period of the same length just before it), an agency, a service and a service
//! office. Checked here, with every problem named per field; and who may see which agencies.

use accounts::AgencyRow;
use jiff::{ToSpan as _, civil::Date};
use platform::{
    AppState,
    auth::{CurrentUser, Role},
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::DashboardError;

/// The longest period one view covers: five years (three years of history and more fit).
pub const MAX_DAYS: i64 = 5 * 366;

/// The filters as typed (query string of the page, the exports and the API).
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct FilterInput {
    /// First day, `YYYY-MM-DD` (default: 29 days before `to`).
    pub from: String,
    /// Last day, `YYYY-MM-DD` (default: today, WITA).
    pub to: String,
    /// Agency code; empty for every agency the reader may see.
    pub agency: String,
    /// Service code; empty for all services.
    pub service: String,
    /// Service office code (queue figures); empty for every office of the agencies covered.
    pub office: String,
}

/// A checked period, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub first: Date,
    pub last: Date,
}

impl Period {
    pub fn days(self) -> i64 {
        i64::from((self.last - self.first).get_days()) + 1
    }

    /// The period of the same length that ends the day before this one.
    pub fn previous(self) -> Period {
        let length = self.days();
        let last = self.first.yesterday().unwrap_or(self.first);
        let first = last.checked_sub((length - 1).days()).unwrap_or(last);
        Period { first, last }
    }
}

/// Checked filters.
#[derive(Clone, Debug)]
pub struct Filters {
    pub period: Period,
    /// The chosen agency, when one was chosen.
    pub agency: Option<AgencyRow>,
    /// The chosen service, when one was chosen.
    pub service: Option<services::stats::ServiceName>,
    /// The chosen service office, when one was chosen.
    pub office: Option<queue::stats::OfficeName>,
    /// The agencies the figures cover: the chosen one and those under it, or everything the
    /// reader may see. Empty means all agencies (a reader who sees everything, no choice).
    pub agency_ids: Vec<String>,
}

/// Which agencies a reader sees: superadmins and leaders of a root agency everything; a leader
/// (agency head) their agency and the agencies under it.
#[derive(Clone, Debug)]
pub struct Visibility {
    pub everything: bool,
    /// Ids of the visible agencies (all of them when `everything`).
    pub agency_ids: Vec<String>,
    /// Every agency, parents before children, for pickers and names.
    pub agencies: Vec<AgencyRow>,
}

impl Visibility {
    pub fn may_see(&self, agency_id: &str) -> bool {
        self.everything || self.agency_ids.iter().any(|id| id == agency_id)
    }

    /// The visible agencies, for the picker.
    pub fn visible_agencies(&self) -> Vec<&AgencyRow> {
        self.agencies
            .iter()
            .filter(|a| self.may_see(&a.id))
            .collect()
    }
}

/// Whether `user` may open the dashboard at all.
pub fn is_reader(user: &CurrentUser) -> bool {
    user.has_role(Role::Leader) || user.has_role(Role::Superadmin)
}

/// `id` and every agency under it.
fn subtree(agencies: &[AgencyRow], id: &str) -> Vec<String> {
    let mut out = vec![id.to_string()];
    let mut index = 0;
    while index < out.len() {
        let parent = out[index].clone();
        out.extend(
            agencies
                .iter()
                .filter(|a| a.parent_id.as_deref() == Some(parent.as_str()))
                .map(|a| a.id.clone()),
        );
        index += 1;
    }
    out
}

pub async fn visibility(app: &AppState, user: &CurrentUser) -> Result<Visibility, DashboardError> {
    if !is_reader(user) {
        return Err(DashboardError::Forbidden);
    }
    let agencies: Vec<AgencyRow> = accounts::organisation::agency_tree(app)
        .await
        .map_err(|e| DashboardError::Internal(anyhow::anyhow!("agencies: {e}")))?
        .into_iter()
        .map(|node| node.agency)
        .collect();
    let mut ids: Vec<String> = user
        .grants
        .iter()
        .filter(|g| g.role == Role::Leader)
        .flat_map(|g| subtree(&agencies, &g.agency_id))
        .collect();
    ids.sort();
    ids.dedup();
    let everything = user.has_role(Role::Superadmin) || ids.len() == agencies.len();
    if everything {
        ids = agencies.iter().map(|a| a.id.clone()).collect();
    }
    Ok(Visibility {
        everything,
        agency_ids: ids,
        agencies,
    })
}

fn parse_day(raw: &str) -> Option<Date> {
    let raw = raw.trim();
    if raw.len() != 10 {
        return None;
    }
    raw.parse::<Date>().ok()
}

/// Checks `input` for a reader who sees `visibility`; `today` is the WITA date.
pub async fn check(
    app: &AppState,
    input: &FilterInput,
    visibility: &Visibility,
    today: Date,
) -> Result<Filters, DashboardError> {
    let mut problems: Vec<(String, &'static str)> = Vec::new();
    let last = match input.to.trim() {
        "" => Some(today),
        raw => parse_day(raw).or_else(|| {
            problems.push(("to".into(), "dashboard.date_invalid"));
            None
        }),
    };
    let first = match input.from.trim() {
        "" => last.and_then(|l| l.checked_sub(29.days()).ok()),
        raw => parse_day(raw).or_else(|| {
            problems.push(("from".into(), "dashboard.date_invalid"));
            None
        }),
    };
    let period = match (first, last) {
        (Some(first), Some(last)) if last < first => {
            problems.push(("to".into(), "dashboard.period_reversed"));
            None
        }
        (Some(first), Some(last)) if i64::from((last - first).get_days()) + 1 > MAX_DAYS => {
            problems.push(("from".into(), "dashboard.period_too_long"));
            None
        }
        (Some(first), Some(last)) => Some(Period { first, last }),
        _ => None,
    };
    let agency = match input.agency.trim() {
        "" => None,
        code => match visibility.agencies.iter().find(|a| a.code == code) {
            Some(agency) if visibility.may_see(&agency.id) => Some(agency.clone()),
            Some(_) => return Err(DashboardError::AgencyNotVisible),
            None => {
                problems.push(("agency".into(), "dashboard.agency_unknown"));
                None
            }
        },
    };
    let service = match input.service.trim() {
        "" => None,
        code => {
            let names = services::stats::service_names(app).await?;
            match names.into_iter().find(|s| s.code == code) {
                Some(service) => Some(service),
                None => {
                    problems.push(("service".into(), "dashboard.service_unknown"));
                    None
                }
            }
        }
    };
    let office = match input.office.trim() {
        "" => None,
        code => {
            let offices = queue::stats::offices(app).await?;
            match offices.into_iter().find(|o| o.code == code) {
                Some(office) if !visibility.may_see(&office.agency_id) => {
                    return Err(DashboardError::AgencyNotVisible);
                }
                Some(office)
                    if agency.as_ref().is_some_and(|a| {
                        !subtree(&visibility.agencies, &a.id).contains(&office.agency_id)
                    }) =>
                {
                    problems.push(("office".into(), "dashboard.office_outside_agency"));
                    None
                }
                Some(office) => Some(office),
                None => {
                    problems.push(("office".into(), "dashboard.office_unknown"));
                    None
                }
            }
        }
    };
    let Some(period) = period else {
        return Err(DashboardError::Invalid(problems));
    };
    if !problems.is_empty() {
        return Err(DashboardError::Invalid(problems));
    }
    let agency_ids = match &agency {
        Some(agency) => subtree(&visibility.agencies, &agency.id),
        None if visibility.everything => Vec::new(),
        None => visibility.agency_ids.clone(),
    };
    Ok(Filters {
        period,
        agency,
        service,
        office,
        agency_ids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_previous_period_has_the_same_length_and_ends_the_day_before() {
        let period = Period {
            first: jiff::civil::date(2026, 3, 1),
            last: jiff::civil::date(2026, 3, 31),
        };
        assert_eq!(period.days(), 31);
        let before = period.previous();
        assert_eq!(before.last, jiff::civil::date(2026, 2, 28));
        assert_eq!(before.first, jiff::civil::date(2026, 1, 29));
        assert_eq!(before.days(), 31);
    }
}
