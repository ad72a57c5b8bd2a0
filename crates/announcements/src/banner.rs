//! What this capability puts in the platform's banner slot: every urgent public announcement
//! that is showing, or will start within the cache's lifetime and a margin (so a scheduled
//! start shows on the minute; the platform filters each banner by its own window).

use std::{future::Future, pin::Pin};

use platform::{clock, db::Db, web::banner::ScheduledBanner};

use crate::{model::Category, store};

/// How far ahead scheduled banners are loaded.
const HORIZON_MS: i64 = 10 * 60_000;

/// The loader registered with `platform::web::banner::Banners`.
pub fn load(
    db: Db,
) -> Pin<Box<dyn Future<Output = Result<Vec<ScheduledBanner>, sqlx::Error>> + Send>> {
    Box::pin(async move {
        let rows = store::list_banner_candidates(&db, clock::now_ms(), HORIZON_MS).await?;
        Ok(rows
            .into_iter()
            .map(|row| ScheduledBanner {
                label_key: if row.category == Category::Emergency {
                    "announcements.banner_emergency"
                } else {
                    "announcements.banner_urgent"
                },
                href: format!("/announcements/{}", row.id),
                from_ms: row.shown_from_ms(),
                until_ms: row.expires_at_ms,
                text: row.title,
            })
            .collect())
    })
}
