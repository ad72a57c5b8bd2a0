//! HTTP-level tests of Sigap against a real server on a random port, each on SQLite and on
//! PostgreSQL (see `support::on_both`). One file per capability.

mod support;

mod abuse;
mod accounts;
mod admin;
mod announcements;
mod api;
mod applications;
mod applications_api;
mod asvs;
mod audit;
mod authorisation;
mod browser;
mod browser_dashboard;
mod capacity;
mod catalogue;
mod collaboration;
mod collaboration_edits;
mod complaints;
mod config;
mod dashboard;
mod dashboard_exports;
mod dashboard_queue;
mod dashboard_together;
mod forms;
mod office;
mod outbox;
mod platform_web;
mod privacy;
mod queue;
mod services;
