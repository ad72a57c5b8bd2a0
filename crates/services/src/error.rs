//! What can go wrong in the catalogue and calendar, worded as facts; converted once to `WebError`.

use platform::web::{WebError, forms::Problems};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("input has problems")]
    Invalid(Problems),
    #[error("no such service")]
    NotFound,
    #[error("not allowed for this agency")]
    NotYourAgency,
    #[error("someone else changed the service meanwhile")]
    ChangedMeanwhile,
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
            ServiceError::NotFound => WebError::NotFound,
            ServiceError::NotYourAgency => WebError::Forbidden,
            ServiceError::ChangedMeanwhile => WebError::Conflict("services.changed_meanwhile"),
            ServiceError::Db(e) => WebError::from(e),
        }
    }
}
