//! Waiting and service times from the tickets themselves: waiting = ticket (or check-in) → call,
//! service = call → finish; per service group, counter, hour of day and day; the no-show rate.
//! These feed the dashboard; the office page shows them too.

use std::collections::BTreeMap;

use jiff::civil::Date;
use platform::{AppState, auth::CurrentUser, auth::Role};

use crate::{error::QueueError, office, store};

/// Mean and 90th percentile of a set of durations, in minutes to one decimal.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = QueueDurations)]
pub struct Durations {
    pub count: i64,
    pub mean_minutes: f64,
    pub p90_minutes: f64,
}

/// A duration in tenths of a minute, rounded half up: the precision figures are shown with,
/// and the unit the queue statistics keep times in (so their p90s equal these exactly).
pub fn tenths_of_minute(ms: i64) -> i64 {
    (ms.max(0) + 3_000) / 6_000
}

impl Durations {
    pub fn of(mut ms: Vec<i64>) -> Durations {
        if ms.is_empty() {
            return Durations::default();
        }
        ms.sort_unstable();
        let count = ms.len();
        // Nearest-rank percentile.
        let rank = ((0.9 * count as f64).ceil() as usize).clamp(1, count);
        Durations::from_parts(
            i64::try_from(count).unwrap_or(i64::MAX),
            ms.iter().sum(),
            Some(tenths_of_minute(ms[rank - 1])),
        )
    }

    /// From a count, the sum of the durations in ms and the p90 in tenths of a minute.
    pub fn from_parts(count: i64, sum_ms: i64, p90_tenths: Option<i64>) -> Durations {
        if count <= 0 {
            return Durations::default();
        }
        Durations {
            count,
            mean_minutes: round1(sum_ms as f64 / count as f64 / 60_000.0),
            p90_minutes: p90_tenths.map_or(0.0, |t| t as f64 / 10.0),
        }
    }

    /// The mean, or `None` for an empty set.
    pub fn mean_minutes_if_any(&self) -> Option<f64> {
        (self.count > 0).then_some(self.mean_minutes)
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Breakdown {
    /// The group letter, counter number, hour ("08") or day, as the key says.
    pub key: String,
    pub tickets: usize,
    pub no_shows: usize,
    pub waiting: Durations,
    pub service: Durations,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub office_code: String,
    pub first_day: String,
    pub last_day: String,
    pub tickets: usize,
    pub no_shows: usize,
    /// No-shows per ticket called, 0–1.
    pub no_show_rate: f64,
    pub waiting: Durations,
    pub service: Durations,
    pub by_group: Vec<Breakdown>,
    pub by_counter: Vec<Breakdown>,
    pub by_hour: Vec<Breakdown>,
    pub by_day: Vec<Breakdown>,
}

/// Who may read an office's figures: its front office and service admins, leaders, superadmins.
pub fn may_read(who: &CurrentUser, office: &office::Office) -> bool {
    office::may_serve(who, office) || who.has_role(Role::Leader)
}

#[derive(Default)]
struct Acc {
    tickets: usize,
    no_shows: usize,
    waiting: Vec<i64>,
    service: Vec<i64>,
}

fn breakdown(map: BTreeMap<String, Acc>) -> Vec<Breakdown> {
    map.into_iter()
        .map(|(key, acc)| Breakdown {
            key,
            tickets: acc.tickets,
            no_shows: acc.no_shows,
            waiting: Durations::of(acc.waiting),
            service: Durations::of(acc.service),
        })
        .collect()
}

/// The figures of office `code` for the days `first..=last`; at most a year at a time.
pub async fn compute(
    app: &AppState,
    who: &CurrentUser,
    code: &str,
    first: Date,
    last: Date,
) -> Result<Figures, QueueError> {
    let office = office::load(app, code).await?;
    if !may_read(who, &office) {
        return Err(QueueError::Forbidden);
    }
    if last < first {
        return Err(QueueError::Invalid(vec![("to", "queue.period_reversed")]));
    }
    if (last - first).get_days() > 366 {
        return Err(QueueError::Invalid(vec![("to", "queue.period_too_long")]));
    }
    let tickets = store::served_between(
        &app.db,
        &office.row.id,
        &first.to_string(),
        &last.to_string(),
    )
    .await?;
    let mut all = Acc::default();
    let (mut groups, mut counters, mut hours, mut days) = (
        BTreeMap::<String, Acc>::new(),
        BTreeMap::<String, Acc>::new(),
        BTreeMap::<String, Acc>::new(),
        BTreeMap::<String, Acc>::new(),
    );
    for t in &tickets {
        let letter = office
            .group(&t.group_id)
            .map(|g| g.letter.clone())
            .unwrap_or_default();
        let counter = t
            .counter_id
            .as_ref()
            .and_then(|id| office.counters.iter().find(|c| c.id == *id))
            .map(|c| c.number.to_string())
            .unwrap_or_default();
        let hour = jiff::Timestamp::from_millisecond(t.issued_ms)
            .map(|ts| format!("{:02}", ts.to_zoned(platform::clock::wita().clone()).hour()))
            .unwrap_or_default();
        let no_show = t.status == "no_show";
        let waited = t.called_ms.map(|c| (c - t.issued_ms).max(0));
        let served = match (t.called_ms, t.finished_ms) {
            (Some(c), Some(f)) if !no_show => Some((f - c).max(0)),
            _ => None,
        };
        for acc in [
            &mut all,
            groups.entry(letter.clone()).or_default(),
            counters.entry(counter.clone()).or_default(),
            hours.entry(hour.clone()).or_default(),
            days.entry(t.day.clone()).or_default(),
        ] {
            acc.tickets += 1;
            if no_show {
                acc.no_shows += 1;
            }
            if let Some(w) = waited {
                acc.waiting.push(w);
            }
            if let Some(s) = served {
                acc.service.push(s);
            }
        }
    }
    Ok(Figures {
        office_code: office.row.code.clone(),
        first_day: first.to_string(),
        last_day: last.to_string(),
        tickets: all.tickets,
        no_shows: all.no_shows,
        no_show_rate: if all.tickets == 0 {
            0.0
        } else {
            round1(1000.0 * all.no_shows as f64 / all.tickets as f64) / 1000.0
        },
        waiting: Durations::of(all.waiting),
        service: Durations::of(all.service),
        by_group: breakdown(groups),
        by_counter: breakdown(counters),
        by_hour: breakdown(hours),
        by_day: breakdown(days),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_give_the_mean_and_nearest_rank_p90_in_minutes() {
        let minutes = |m: i64| m * 60_000;
        let d = Durations::of((1..=10).map(minutes).collect());
        assert_eq!(d.count, 10);
        assert_eq!(d.mean_minutes, 5.5);
        assert_eq!(d.p90_minutes, 9.0);
        assert_eq!(Durations::of(vec![]), Durations::default());
        assert_eq!(Durations::of(vec![minutes(3)]).p90_minutes, 3.0);
    }
}
