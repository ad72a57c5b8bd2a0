//! What can go wrong in the catalogue and calendar, worded as facts; converted once to `WebError`.

use platform::web::{WebError, forms::Problems};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("input has problems")]
    Invalid(Problems),
    /// Problems with fields named at run time (a form's questions): (field path, message key).
    #[error("input has problems")]
    InvalidFields(Vec<(String, &'static str)>),
    #[error("no such service")]
    NotFound,
    #[error("not allowed for this agency")]
    NotYourAgency,
    #[error("someone else changed the service meanwhile")]
    ChangedMeanwhile,
    #[error("the application can no longer be changed (status {status})")]
    NotEditable { status: &'static str },
    #[error("the deadline to send the revision back was {day}")]
    RevisionDeadlinePassed { day: String },
    #[error("too many failed attempts")]
    Throttled { until_ms: i64 },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<ServiceError> for WebError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Invalid(problems) => WebError::Invalid(
                problems
                    .into_iter()
                    .map(|(f, k)| (f.to_string(), k))
                    .collect(),
            ),
            ServiceError::InvalidFields(problems) => WebError::Invalid(problems),
            ServiceError::NotFound => WebError::NotFound,
            ServiceError::NotYourAgency => WebError::Forbidden,
            ServiceError::ChangedMeanwhile => WebError::Conflict("services.changed_meanwhile"),
            ServiceError::NotEditable { .. } => WebError::Conflict("services.not_editable"),
            ServiceError::RevisionDeadlinePassed { .. } => {
                WebError::Conflict("services.revision_deadline_passed")
            }
            ServiceError::Throttled { until_ms } => WebError::TooManyRequests {
                key: "services.tracking_throttled",
                retry_at_ms: until_ms,
            },
            ServiceError::Internal(e) => WebError::Internal(e),
            ServiceError::Db(e) => WebError::from(e),
        }
    }
}
