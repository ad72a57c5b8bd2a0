//! Information figures for the leaders' dashboard, counted from the announcements and their
//! deliveries (hundreds a year: indexed counts are exact and fast). Definitions: an announcement
//! counts in the period it was first published (cancelled later or not); *subscribers reached*:
//! messages handed to subscribers in the period (one per subscriber and version, as sent).

use std::collections::BTreeMap;

use platform::{AppState, db::placeholders};
use serde::Serialize;
use sqlx::Row as _;
use utoipa::ToSchema;

use crate::model::Category;

/// Published announcements of one category.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct CategoryCount {
    /// `policy`, `health_protocol`, `service_change` or `emergency`.
    pub category: String,
    pub published: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct InformationFigures {
    pub published: i64,
    /// Every category, in the catalogue's order.
    pub by_category: Vec<CategoryCount>,
    pub subscribers_reached: i64,
    /// Not a period figure: active subscriptions at this moment (of every agency).
    pub active_subscriptions: i64,
}

/// The figures of announcements owned by `agency_ids` (`None`: all) in `[from_ms, to_ms)`.
pub async fn figures(
    app: &AppState,
    from_ms: i64,
    to_ms: i64,
    agency_ids: Option<&[String]>,
) -> Result<InformationFigures, sqlx::Error> {
    let db = &app.db.read;
    let ids = agency_ids.unwrap_or_default();
    let agencies = match agency_ids {
        None => String::new(),
        Some([]) => " AND 1 = 0".to_string(),
        Some(ids) => format!(" AND a.owner_agency_id IN ({})", placeholders(3, ids.len())),
    };
    let sql = format!(
        "SELECT a.category, COUNT(*) AS n FROM announcements a \
         WHERE a.published_ms >= $1 AND a.published_ms < $2{agencies} GROUP BY a.category"
    );
    let mut query = sqlx::query(&sql).bind(from_ms).bind(to_ms);
    for id in ids {
        query = query.bind(id);
    }
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for r in query.fetch_all(db).await? {
        counts.insert(r.try_get("category")?, r.try_get("n")?);
    }
    let by_category: Vec<CategoryCount> = Category::ALL
        .iter()
        .map(|c| CategoryCount {
            category: c.as_str().to_string(),
            published: counts.get(c.as_str()).copied().unwrap_or(0),
        })
        .collect();
    let sql = format!(
        "SELECT COUNT(*) AS n FROM announcement_deliveries d JOIN announcements a ON a.id = d.announcement_id \
         WHERE d.created_ms >= $1 AND d.created_ms < $2{agencies}"
    );
    let mut query = sqlx::query(&sql).bind(from_ms).bind(to_ms);
    for id in ids {
        query = query.bind(id);
    }
    let subscribers_reached = query.fetch_one(db).await?.try_get("n")?;
    let active_subscriptions =
        sqlx::query("SELECT COUNT(*) AS n FROM announcement_subscriptions WHERE active = 1")
            .fetch_one(db)
            .await?
            .try_get("n")?;
    Ok(InformationFigures {
        published: by_category.iter().map(|c| c.published).sum(),
        by_category,
        subscribers_reached,
        active_subscriptions,
    })
}
