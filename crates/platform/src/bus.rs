//! Live events for pages that update themselves (the queue's display board, a citizen's place in
//! the queue). One node delivers in-process; several nodes on PostgreSQL deliver through
//! `LISTEN/NOTIFY`, so a call made on node A reaches a board connected to node B.
//!
//! An event is staged inside the transaction that makes the change (`stage`), and delivered only
//! if that transaction commits: PostgreSQL holds a NOTIFY until commit, and on SQLite the caller
//! hands the event over after its commit (`committed`). A listener on each PostgreSQL node turns
//! notifications back into local events, its own node's included.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::config::Backend;

/// The PostgreSQL channel every node listens on.
const CHANNEL: &str = "sigap_events";

/// Events buffered per subscriber before a slow one starts to miss (it then catches up from
/// the database, as after a reconnect).
const BUFFER: usize = 1024;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// What the event is about, e.g. `queue:<office id>`; subscribers filter on it.
    pub topic: String,
    /// Small JSON text (PostgreSQL limits a notification to 8000 bytes).
    pub payload: String,
}

#[derive(Clone, Debug)]
pub struct Bus {
    local: broadcast::Sender<Event>,
    backend: Backend,
}

impl Bus {
    pub fn new(backend: Backend) -> Bus {
        let (local, _) = broadcast::channel(BUFFER);
        Bus { local, backend }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.local.subscribe()
    }

    /// Stages `event` in the caller's transaction: on PostgreSQL a NOTIFY, sent at commit.
    pub async fn stage(&self, conn: &mut AnyConnection, event: &Event) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Postgres {
            let text = serde_json::to_string(event).map_err(|e| sqlx::Error::Encode(e.into()))?;
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(text)
                .execute(conn)
                .await?;
        }
        Ok(())
    }

    /// Hands over a staged event after its transaction committed (SQLite: to this node's
    /// subscribers; PostgreSQL: nothing to do, the listener delivers it).
    pub fn committed(&self, event: Event) {
        if self.backend == Backend::Sqlite {
            // No subscriber is not an error: nobody is watching a board right now.
            let _ = self.local.send(event);
        }
    }

    /// Delivers notifications from PostgreSQL to this node's subscribers until `cancel`;
    /// reconnects after a lost connection (subscribers catch up from the database).
    pub async fn listen(self, database_url: String, cancel: CancellationToken) {
        if self.backend != Backend::Postgres {
            return;
        }
        loop {
            let outcome = tokio::select! {
                () = cancel.cancelled() => return,
                outcome = self.listen_once(&database_url) => outcome,
            };
            if let Err(error) = outcome {
                tracing::warn!(%error, "event listener lost its connection; reconnecting");
            }
            tokio::select! {
                () = cancel.cancelled() => return,
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }

    async fn listen_once(&self, database_url: &str) -> Result<(), sqlx::Error> {
        let mut listener = sqlx::postgres::PgListener::connect(database_url).await?;
        listener.listen(CHANNEL).await?;
        loop {
            let notification = listener.recv().await?;
            match serde_json::from_str::<Event>(notification.payload()) {
                Ok(event) => {
                    let _ = self.local.send(event);
                }
                Err(error) => tracing::warn!(%error, "unreadable event notification ignored"),
            }
        }
    }
}
