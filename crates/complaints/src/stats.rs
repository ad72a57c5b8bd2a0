//! Complaint figures for the leaders' dashboard, counted from the complaints themselves (a few
//! thousand a year: indexed counts are fast enough and always exact). Definitions: *received*
//! in the period it was filed; *answered* when its first answer was given in the period;
//! *closed* (closed or found not relevant) in the period; *open now*: received or in progress;
//! *response time*: hours from filing to the first answer, of the answers given in the period.

use platform::{AppState, db::placeholders};
use serde::Serialize;
use sqlx::Row as _;
use utoipa::ToSchema;

/// Median and nearest-rank p90 in hours (one decimal).
#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct Hours {
    pub count: i64,
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
}

impl Hours {
    pub fn of(mut ms: Vec<i64>) -> Hours {
        if ms.is_empty() {
            return Hours::default();
        }
        ms.sort_unstable();
        let n = ms.len();
        let at = |share: f64| {
            let rank = ((share * n as f64).ceil() as usize).clamp(1, n);
            (ms[rank - 1].max(0) as f64 / 360_000.0).round() / 10.0
        };
        Hours {
            count: i64::try_from(n).unwrap_or(i64::MAX),
            median_hours: Some(at(0.5)),
            p90_hours: Some(at(0.9)),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct ComplaintFigures {
    pub received: i64,
    pub answered: i64,
    pub closed: i64,
    /// Not a period figure: received or in progress at this moment.
    pub open_now: i64,
    pub response: Hours,
}

/// The figures of complaints of `agency_ids` (`None`: all) in `[from_ms, to_ms)`.
pub async fn figures(
    app: &AppState,
    from_ms: i64,
    to_ms: i64,
    agency_ids: Option<&[String]>,
) -> Result<ComplaintFigures, sqlx::Error> {
    let ids = agency_ids.unwrap_or_default();
    let agencies = match agency_ids {
        None => String::new(),
        Some([]) => " AND 1 = 0".to_string(),
        Some(ids) => format!(" AND agency_id IN ({})", placeholders(3, ids.len())),
    };
    let count = async |column: &str| -> Result<i64, sqlx::Error> {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM complaints WHERE {column} >= $1 AND {column} < $2{agencies}"
        );
        let mut query = sqlx::query(&sql).bind(from_ms).bind(to_ms);
        for id in ids {
            query = query.bind(id);
        }
        query.fetch_one(&app.db.read).await?.try_get("n")
    };
    let received = count("created_ms").await?;
    let closed = count("closed_ms").await?;
    let sql = format!(
        "SELECT created_ms, responded_ms FROM complaints WHERE responded_ms >= $1 AND responded_ms < $2{agencies}"
    );
    let mut query = sqlx::query(&sql).bind(from_ms).bind(to_ms);
    for id in ids {
        query = query.bind(id);
    }
    let times: Vec<i64> = query
        .fetch_all(&app.db.read)
        .await?
        .iter()
        .map(|r| Ok(r.try_get::<i64, _>("responded_ms")? - r.try_get::<i64, _>("created_ms")?))
        .collect::<Result<_, sqlx::Error>>()?;
    let open_sql = format!(
        "SELECT COUNT(*) AS n FROM complaints WHERE status IN ('received', 'in_progress'){}",
        match agency_ids {
            None => String::new(),
            Some([]) => " AND 1 = 0".to_string(),
            Some(ids) => format!(" AND agency_id IN ({})", placeholders(1, ids.len())),
        }
    );
    let mut query = sqlx::query(&open_sql);
    for id in ids {
        query = query.bind(id);
    }
    let open_now = query.fetch_one(&app.db.read).await?.try_get("n")?;
    Ok(ComplaintFigures {
        received,
        answered: i64::try_from(times.len()).unwrap_or(i64::MAX),
        closed,
        open_now,
        response: Hours::of(times),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_the_nearest_rank_median_and_p90() {
        let hour = 3_600_000;
        let h = Hours::of((1..=10).map(|i| i * hour).collect());
        assert_eq!(h.count, 10);
        assert_eq!(h.median_hours, Some(5.0));
        assert_eq!(h.p90_hours, Some(9.0));
        assert_eq!(Hours::of(vec![]), Hours::default());
    }
}
