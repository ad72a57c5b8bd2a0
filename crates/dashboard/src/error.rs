//! What can go wrong on the dashboard, worded as facts; converted once to `WebError`.

use platform::web::WebError;

#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    /// Filter problems: (field, message key).
    #[error("the filters have problems")]
    Invalid(Vec<(String, &'static str)>),
    #[error("only leaders read the dashboard")]
    Forbidden,
    /// The chosen agency exists but is not the reader's.
    #[error("the agency is outside the reader's agencies")]
    AgencyNotVisible,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<DashboardError> for WebError {
    fn from(error: DashboardError) -> Self {
        match error {
            DashboardError::Invalid(problems) => WebError::Invalid(problems),
            DashboardError::Forbidden | DashboardError::AgencyNotVisible => WebError::Forbidden,
            DashboardError::Internal(e) => WebError::Internal(e),
            DashboardError::Db(e) => e.into(),
        }
    }
}
