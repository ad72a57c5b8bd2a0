//! What can go wrong with complaints, worded as facts; converted once to `WebError`.

use platform::web::{WebError, forms::Problems};

#[derive(Debug, thiserror::Error)]
pub enum ComplaintError {
    #[error("input has problems")]
    Invalid(Problems),
    #[error("no such complaint")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error("the complaint can no longer take this action (status {status})")]
    NotAllowedNow { status: &'static str },
    #[error("too many failed attempts")]
    Throttled { until_ms: i64 },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<services::ServiceError> for ComplaintError {
    fn from(error: services::ServiceError) -> Self {
        match error {
            services::ServiceError::Db(e) => ComplaintError::Db(e),
            other => ComplaintError::Internal(anyhow::anyhow!("{other}")),
        }
    }
}

impl From<ComplaintError> for WebError {
    fn from(error: ComplaintError) -> Self {
        match error {
            ComplaintError::Invalid(problems) => WebError::Invalid(
                problems
                    .into_iter()
                    .map(|(f, k)| (f.to_string(), k))
                    .collect(),
            ),
            ComplaintError::NotFound => WebError::NotFound,
            ComplaintError::Forbidden => WebError::Forbidden,
            ComplaintError::NotAllowedNow { .. } => {
                WebError::Conflict("complaints.not_allowed_now")
            }
            ComplaintError::Throttled { until_ms } => WebError::TooManyRequests {
                key: "complaints.lookup_throttled",
                retry_at_ms: until_ms,
            },
            ComplaintError::Internal(e) => WebError::Internal(e),
            ComplaintError::Db(e) => WebError::from(e),
        }
    }
}
