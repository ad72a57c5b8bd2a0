//! `AppState`: what every handler can reach. Built once by the binary and cloned per request.

use std::sync::Arc;

use tokio::sync::Notify;

use crate::{
    config::Settings,
    db::Db,
    web::{NavItem, i18n::Catalogue, ops::Metrics},
};

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub catalogue: Arc<Catalogue>,
    /// Navigation contributed by every capability, in display order.
    pub nav: Arc<Vec<NavItem>>,
    pub metrics: Arc<Metrics>,
    /// Wakes this node's outbox worker when a message was written.
    pub outbox_signal: Arc<Notify>,
    /// Live events to self-updating pages, across nodes.
    pub bus: crate::bus::Bus,
    /// Cancelled when the node starts shutting down: long-lived responses (event streams) end
    /// so that the graceful shutdown does not wait for them.
    pub stopping: tokio_util::sync::CancellationToken,
    /// The banner slot under every page's header, filled by whichever capability registered.
    pub banners: Arc<crate::web::banner::Banners>,
}
