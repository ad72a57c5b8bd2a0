//! Sigap's foundation. Everything here is shared by every capability and knows none of them:
//! configuration, storage, identity (sessions, roles, CSRF), the audit chain, the notification
//! outbox, and the web shell (layout, language, errors, static assets, operations routes).

pub mod audit;
pub mod auth;
pub mod blobs;
pub mod bus;
pub mod clock;
pub mod config;
pub mod db;
pub mod ids;
pub mod outbox;
pub mod personal;
pub mod refcode;
pub mod state;
pub mod throttle;
pub mod web;

pub use state::AppState;
