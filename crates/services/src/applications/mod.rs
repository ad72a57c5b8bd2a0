//! Applications for a service: the citizen's journey (draft, answers, documents, submission),
//! public tracking, tracking numbers and the status life cycle.

pub mod journey;
mod pages;
pub use pages::routes;
pub mod status;
mod store;
pub mod tracking;
