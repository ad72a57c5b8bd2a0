//! The banner slot: a short line under the header of every page (an emergency notice, say).
//! The platform knows nothing of what fills it: a capability registers a [`BannerLoader`] when
//! the state is built. What the loaders return is kept for a few seconds per node, so a page view
//! costs no query; each banner carries its own time window and is filtered at render time, so a
//! scheduled start or an expiry takes effect on the minute without a restart.
//! `keep_fresh` (a layer on every page request) reloads a stale cache before the handler runs.

use std::{
    future::Future,
    pin::Pin,
    sync::{Arc, RwLock},
};

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};

use super::context::is_api_path;
use crate::{AppState, clock, db::Db};

/// How long a node keeps what the loaders returned before asking again.
pub const CACHE_MS: i64 = 5_000;

/// One banner with the window in which it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduledBanner {
    /// Catalogue key of the leading label ("Darurat" / "Emergency").
    pub label_key: &'static str,
    /// The line itself (a title, already in the language it was written in).
    pub text: String,
    /// Where the banner links to.
    pub href: String,
    /// Shown from this instant (inclusive) ...
    pub from_ms: i64,
    /// ... until this one (exclusive), if it ends.
    pub until_ms: Option<i64>,
}

impl ScheduledBanner {
    pub fn shows_at(&self, now_ms: i64) -> bool {
        self.from_ms <= now_ms && self.until_ms.is_none_or(|until| now_ms < until)
    }
}

/// Loads every banner that is showing or scheduled to show.
pub type BannerLoader =
    fn(Db) -> Pin<Box<dyn Future<Output = Result<Vec<ScheduledBanner>, sqlx::Error>> + Send>>;

#[derive(Debug, Default)]
struct Cached {
    loaded_ms: i64,
    banners: Arc<Vec<ScheduledBanner>>,
}

/// The registered loaders and this node's cache of their answer.
#[derive(Debug, Default)]
pub struct Banners {
    loaders: Vec<BannerLoader>,
    cache: RwLock<Cached>,
    reloading: tokio::sync::Mutex<()>,
}

impl Banners {
    pub fn new(loaders: Vec<BannerLoader>) -> Banners {
        Banners {
            loaders,
            ..Banners::default()
        }
    }

    /// Banners showing at `now_ms`, from the cache.
    pub fn showing(&self, now_ms: i64) -> Vec<ScheduledBanner> {
        let banners = match self.cache.read() {
            Ok(cached) => cached.banners.clone(),
            Err(poisoned) => poisoned.into_inner().banners.clone(),
        };
        banners
            .iter()
            .filter(|b| b.shows_at(now_ms))
            .cloned()
            .collect()
    }

    fn loaded_ms(&self) -> i64 {
        match self.cache.read() {
            Ok(cached) => cached.loaded_ms,
            Err(poisoned) => poisoned.into_inner().loaded_ms,
        }
    }

    /// Forgets the cache: the next page request reloads (after a change on this node).
    pub fn invalidate(&self) {
        match self.cache.write() {
            Ok(mut cached) => cached.loaded_ms = 0,
            Err(poisoned) => poisoned.into_inner().loaded_ms = 0,
        }
    }

    /// Reloads when the cache is older than [`CACHE_MS`]; one request reloads, the others wait
    /// for it. A failed load keeps the old banners (and is retried after the next interval).
    pub async fn keep_fresh(&self, db: &Db) {
        if self.loaders.is_empty() || clock::now_ms() - self.loaded_ms() < CACHE_MS {
            return;
        }
        let _reloading = self.reloading.lock().await;
        if clock::now_ms() - self.loaded_ms() < CACHE_MS {
            return;
        }
        let mut all = Vec::new();
        let mut failed = false;
        for loader in &self.loaders {
            match loader(db.clone()).await {
                Ok(banners) => all.extend(banners),
                Err(error) => {
                    failed = true;
                    tracing::warn!(%error, "banners could not be loaded; showing the last ones");
                }
            }
        }
        let mut cached = match self.cache.write() {
            Ok(cached) => cached,
            Err(poisoned) => poisoned.into_inner(),
        };
        cached.loaded_ms = clock::now_ms();
        if !failed {
            cached.banners = Arc::new(all);
        }
    }
}

/// Layer: keeps the banner cache fresh before any page (not the API, not static files) renders.
pub async fn keep_fresh(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !is_api_path(path) && !path.starts_with("/static/") {
        app.banners.keep_fresh(&app.db).await;
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_banner_shows_inside_its_window_only() {
        let banner = ScheduledBanner {
            label_key: "x",
            text: "t".into(),
            href: "/".into(),
            from_ms: 100,
            until_ms: Some(200),
        };
        assert!(!banner.shows_at(99));
        assert!(banner.shows_at(100));
        assert!(banner.shows_at(199));
        assert!(!banner.shows_at(200));
    }
}
