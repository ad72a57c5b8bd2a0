//! What can stop an export or a deletion, and how each becomes a status and a message.

use platform::web::WebError;

#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    /// Staff data is governed by personnel rules, not by this self-service.
    #[error("staff accounts cannot use the personal data self-service")]
    StaffAccount,
    #[error("the password is wrong")]
    WrongPassword,
    #[error("the confirmation word is wrong")]
    WrongConfirmation,
    #[error("{count} application(s) still in progress")]
    ApplicationsInProgress { count: i64 },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<PrivacyError> for WebError {
    fn from(error: PrivacyError) -> Self {
        match error {
            PrivacyError::StaffAccount => WebError::Forbidden,
            PrivacyError::WrongPassword => {
                WebError::Invalid(vec![("password".into(), "privacy.wrong_password")])
            }
            PrivacyError::WrongConfirmation => {
                WebError::Invalid(vec![("confirmation".into(), "privacy.wrong_confirmation")])
            }
            PrivacyError::ApplicationsInProgress { .. } => {
                WebError::Conflict("privacy.applications_in_progress")
            }
            PrivacyError::Db(e) => WebError::from(e),
        }
    }
}
