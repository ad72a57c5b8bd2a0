//! Applications for a service: tracking numbers and the status life cycle.

pub mod status;
pub mod tracking;
