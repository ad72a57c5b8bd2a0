//! Collaboration figures for the leaders' dashboard: joint events per pair of co-organising
//! agencies, registrations and attendance, knowledge articles written, edited, shared and read.
//! Events and articles are few (hundreds a year), so they are counted from their own rows; reads
//! are counted on read into `article_daily_reads` ([`count_read`]), which this module owns.
//! Definitions: an event counts in the period it starts (cancelled events not); *joint*: two or
//! more organising agencies; *attended*: checked in; an article is *written* when created and
//! *edited* per saved version after the first; *shared*: shared with other agencies now.

use std::collections::BTreeMap;

use platform::{AppState, auth::CurrentUser, db::placeholders};
use serde::Serialize;
use sqlx::Row as _;
use utoipa::ToSchema;

use crate::knowledge::{Article, Sharing};

/// Counts one read of `article` by `user` (on the day, per reader's agency). A read that cannot
/// be counted is logged, never refused: the figure is for leaders, the article for the reader.
pub async fn count_read(app: &AppState, user: &CurrentUser, article: &Article) {
    let reader_agency = user
        .grants
        .iter()
        .map(|g| g.agency_id.as_str())
        .min()
        .unwrap_or("");
    let day = jiff::Timestamp::from_millisecond(platform::clock::now_ms())
        .map(|ts| {
            ts.to_zoned(platform::clock::wita().clone())
                .date()
                .to_string()
        })
        .unwrap_or_default();
    let counted = sqlx::query(
        "INSERT INTO article_daily_reads (day, article_id, owner_agency_id, reader_agency_id, reads) VALUES ($1, $2, $3, $4, 1) \
         ON CONFLICT (day, article_id, reader_agency_id) DO UPDATE SET reads = article_daily_reads.reads + 1",
    )
    .bind(&day)
    .bind(&article.id)
    .bind(&article.agency.id)
    .bind(reader_agency)
    .execute(&app.db.write)
    .await;
    if let Err(error) = counted {
        tracing::warn!(%error, article = %article.id, "article read not counted");
    }
}

/// Joint events of one pair of agencies (codes in alphabetical order).
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct AgencyPair {
    pub first: String,
    pub second: String,
    pub events: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, ToSchema)]
pub struct CollaborationFigures {
    pub events: i64,
    pub joint_events: i64,
    pub registrations: i64,
    pub attended: i64,
    /// Most joint events first.
    pub pairs: Vec<AgencyPair>,
    pub articles_written: i64,
    pub article_edits: i64,
    /// Not a period figure: articles of the agencies shared with others at this moment.
    pub articles_shared_now: i64,
    pub reads: i64,
    /// Reads by civil servants of another agency than the article's.
    pub reads_by_other_agencies: i64,
}

fn agency_filter(column: &str, agency_ids: Option<&[String]>, start: usize) -> String {
    match agency_ids {
        None => String::new(),
        Some([]) => " AND 1 = 0".to_string(),
        Some(ids) => format!(" AND {column} IN ({})", placeholders(start, ids.len())),
    }
}

/// The figures of the agencies `agency_ids` (`None`: all) in `[from_ms, to_ms)`; the WITA days
/// `first_day..=last_day` are the same period, for the daily reads.
pub async fn figures(
    app: &AppState,
    from_ms: i64,
    to_ms: i64,
    first_day: &str,
    last_day: &str,
    agency_ids: Option<&[String]>,
) -> Result<CollaborationFigures, sqlx::Error> {
    let db = &app.db.read;
    let ids = agency_ids.unwrap_or_default();
    let mut figures = CollaborationFigures::default();
    // Events starting in the period with their organisers (an event of a chosen agency counts
    // when that agency is one of its organisers).
    let rows = sqlx::query(
        "SELECT e.id, o.agency_id, a.code FROM events e JOIN event_organisers o ON o.event_id = e.id \
         JOIN agencies a ON a.id = o.agency_id \
         WHERE e.starts_ms >= $1 AND e.starts_ms < $2 AND e.status <> 'cancelled' ORDER BY e.id",
    )
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(db)
    .await?;
    let mut organisers: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for r in &rows {
        organisers
            .entry(r.try_get("id")?)
            .or_default()
            .push((r.try_get("agency_id")?, r.try_get("code")?));
    }
    organisers
        .retain(|_, orgs| agency_ids.is_none() || orgs.iter().any(|(id, _)| ids.contains(id)));
    let mut pairs: BTreeMap<(String, String), i64> = BTreeMap::new();
    for orgs in organisers.values() {
        figures.events += 1;
        if orgs.len() < 2 {
            continue;
        }
        figures.joint_events += 1;
        let mut codes: Vec<&str> = orgs.iter().map(|(_, c)| c.as_str()).collect();
        codes.sort_unstable();
        for (i, a) in codes.iter().enumerate() {
            for b in &codes[i + 1..] {
                *pairs
                    .entry(((*a).to_string(), (*b).to_string()))
                    .or_default() += 1;
            }
        }
    }
    let mut pairs: Vec<AgencyPair> = pairs
        .into_iter()
        .map(|((first, second), events)| AgencyPair {
            first,
            second,
            events,
        })
        .collect();
    pairs.sort_by_key(|p| std::cmp::Reverse(p.events));
    figures.pairs = pairs;
    if !organisers.is_empty() {
        let event_ids: Vec<&String> = organisers.keys().collect();
        let sql = format!(
            "SELECT status, checked_in_ms FROM event_registrations WHERE event_id IN ({})",
            placeholders(1, event_ids.len())
        );
        let mut query = sqlx::query(&sql);
        for id in &event_ids {
            query = query.bind(id.as_str());
        }
        for r in query.fetch_all(db).await? {
            if r.try_get::<String, _>("status")? == "registered" {
                figures.registrations += 1;
            }
            if r.try_get::<Option<i64>, _>("checked_in_ms")?.is_some() {
                figures.attended += 1;
            }
        }
    }
    let count = async |sql: String, days: bool| -> Result<i64, sqlx::Error> {
        let mut query = sqlx::query(&sql);
        query = if days {
            query.bind(first_day).bind(last_day)
        } else {
            query.bind(from_ms).bind(to_ms)
        };
        for id in ids {
            query = query.bind(id);
        }
        query
            .fetch_one(db)
            .await?
            .try_get::<Option<i64>, _>("n")
            .map(Option::unwrap_or_default)
    };
    figures.articles_written = count(
        format!(
            "SELECT COUNT(*) AS n FROM articles WHERE created_ms >= $1 AND created_ms < $2{}",
            agency_filter("agency_id", agency_ids, 3)
        ),
        false,
    )
    .await?;
    figures.article_edits = count(
        format!(
            "SELECT COUNT(*) AS n FROM article_versions v JOIN articles a ON a.id = v.article_id \
             WHERE v.version > 1 AND v.edited_ms >= $1 AND v.edited_ms < $2{}",
            agency_filter("a.agency_id", agency_ids, 3)
        ),
        false,
    )
    .await?;
    figures.reads = count(
        format!(
            "SELECT CAST(SUM(reads) AS BIGINT) AS n FROM article_daily_reads WHERE day >= $1 AND day <= $2{}",
            agency_filter("owner_agency_id", agency_ids, 3)
        ),
        true,
    )
    .await?;
    figures.reads_by_other_agencies = count(
        format!(
            "SELECT CAST(SUM(reads) AS BIGINT) AS n FROM article_daily_reads WHERE day >= $1 AND day <= $2 \
             AND reader_agency_id <> owner_agency_id{}",
            agency_filter("owner_agency_id", agency_ids, 3)
        ),
        true,
    )
    .await?;
    let sql = format!(
        "SELECT COUNT(*) AS n FROM articles WHERE sharing <> '{}'{}",
        Sharing::Own.as_str(),
        agency_filter("agency_id", agency_ids, 1)
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(id);
    }
    figures.articles_shared_now = query.fetch_one(db).await?.try_get("n")?;
    Ok(figures)
}
