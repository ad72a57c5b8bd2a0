//! The live display board: a page for the TV at the office showing the current call of each
//! counter and the last numbers called, updated over Server-Sent Events (no polling). A board
//! that loses its connection reconnects with the last event id it saw and gets every call it
//! missed from the database before live ones; a subscriber that falls behind catches up the
//! same way. The same stream lets a citizen's phone refresh their place in the queue.

use std::{collections::VecDeque, convert::Infallible, time::Duration};

use axum::{
    extract::{Path, Query, State},
    http::HeaderMap,
    response::sse::{Event as SseEvent, KeepAlive, Sse},
};
use futures_util::stream::{self, Stream};
use platform::{AppState, bus, web::WebError};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use crate::{
    office::{self, local_now},
    store::{self, CallRow},
    tickets,
};

/// Calls replayed before the one a reconnecting board names, in case two nodes committed
/// calls slightly out of id order; the page ignores ids it has shown.
const REPLAY_OVERLAP: i64 = 50;
/// How many calls one catch-up sends at most.
const CATCH_UP_LIMIT: i64 = 500;

/// Start of today (WITA) in ms: boards show today's calls only.
pub fn today_start_ms() -> i64 {
    let (today, _) = local_now();
    today
        .to_zoned(platform::clock::wita().clone())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(0)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StreamQuery {
    /// The last call id seen, for clients that cannot send `Last-Event-ID`.
    after: Option<i64>,
}

struct Feed {
    app: AppState,
    office_id: String,
    topic: String,
    rx: tokio::sync::broadcast::Receiver<bus::Event>,
    pending: VecDeque<CallRow>,
    /// Ids sent on this connection (the latest few), so nothing is sent twice.
    sent: VecDeque<i64>,
    highest: i64,
    since_ms: i64,
}

impl Feed {
    fn already_sent(&self, id: i64) -> bool {
        self.sent.contains(&id)
    }
    fn remember(&mut self, id: i64) {
        self.sent.push_back(id);
        if self.sent.len() > 512 {
            self.sent.pop_front();
        }
        self.highest = self.highest.max(id);
    }
    async fn catch_up(&mut self) {
        let after = (self.highest - REPLAY_OVERLAP).max(0);
        match store::calls_after(
            &self.app.db,
            &self.office_id,
            after,
            self.since_ms,
            CATCH_UP_LIMIT,
        )
        .await
        {
            Ok(calls) => self.pending.extend(calls),
            Err(error) => tracing::warn!(%error, "board catch-up failed"),
        }
    }
}

fn sse_event(call: &CallRow) -> SseEvent {
    SseEvent::default()
        .id(call.id.to_string())
        .event("call")
        .data(serde_json::to_string(call).unwrap_or_default())
}

/// `GET /queue/{office}/events`: the office's calls as Server-Sent Events.
pub async fn events(
    State(app): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<StreamQuery>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, WebError> {
    let office = office::load(&app, &code).await?;
    let last_seen = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(query.after);
    // Subscribe before reading the database, so a call made in between is not lost.
    let rx = app.bus.subscribe();
    let mut feed = Feed {
        topic: tickets::topic(&office.row.id),
        office_id: office.row.id.clone(),
        rx,
        pending: VecDeque::new(),
        sent: VecDeque::new(),
        highest: 0,
        since_ms: today_start_ms(),
        app: app.clone(),
    };
    if let Some(last) = last_seen {
        feed.highest = last;
        feed.catch_up().await;
    }
    let stopping = app.stopping.clone();
    let stream = stream::unfold(feed, move |mut feed| {
        let stopping = stopping.clone();
        async move {
            loop {
                if let Some(call) = feed.pending.pop_front() {
                    if feed.already_sent(call.id) {
                        continue;
                    }
                    feed.remember(call.id);
                    return Some((Ok(sse_event(&call)), feed));
                }
                tokio::select! {
                    () = stopping.cancelled() => return None,
                    received = feed.rx.recv() => match received {
                        Ok(event) if event.topic == feed.topic => {
                            if let Ok(call) = serde_json::from_str::<CallRow>(&event.payload) {
                                feed.pending.push_back(call);
                            }
                        }
                        Ok(_) => {}
                        Err(RecvError::Lagged(_)) => feed.catch_up().await,
                        Err(RecvError::Closed) => return None,
                    },
                }
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
