//! What can go wrong with people and organisation, worded as facts; converted once to `WebError`.

use platform::web::{WebError, forms::Problems};

#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    #[error("input has problems")]
    Invalid(Problems),
    #[error("already registered: {0:?}")]
    Taken(Vec<&'static str>),
    #[error("wrong login or password")]
    BadCredentials,
    #[error("too many failed attempts")]
    Locked { until_ms: i64 },
    #[error("reset code wrong or expired")]
    ResetCodeInvalid,
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error("the last superadmin cannot lose the role or be disabled")]
    LastSuperadmin,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AccountsError {
    /// Field problems for a form, for the errors that belong next to a field.
    pub fn problems(&self) -> Option<Problems> {
        match self {
            AccountsError::Invalid(problems) => Some(problems.clone()),
            AccountsError::Taken(fields) => Some(
                fields
                    .iter()
                    .map(|field| {
                        let key = match *field {
                            "nik" => "accounts.nik_taken",
                            "email" => "accounts.email_taken",
                            "phone" => "accounts.phone_taken",
                            _ => "accounts.username_taken",
                        };
                        (*field, key)
                    })
                    .collect(),
            ),
            AccountsError::BadCredentials => Some(vec![("login", "accounts.bad_credentials")]),
            AccountsError::ResetCodeInvalid => Some(vec![("code", "accounts.reset_code_invalid")]),
            _ => None,
        }
    }
}

impl From<AccountsError> for WebError {
    fn from(error: AccountsError) -> Self {
        if let Some(problems) = error.problems() {
            return WebError::Invalid(
                problems
                    .into_iter()
                    .map(|(field, key)| (field.to_string(), key))
                    .collect(),
            );
        }
        match error {
            AccountsError::Locked { until_ms } => WebError::TooManyRequests {
                key: "accounts.locked",
                retry_at_ms: until_ms,
            },
            AccountsError::NotFound => WebError::NotFound,
            AccountsError::Forbidden => WebError::Forbidden,
            AccountsError::LastSuperadmin => WebError::Conflict("accounts.last_superadmin"),
            AccountsError::Db(e) => WebError::from(e),
            AccountsError::Internal(e) => WebError::Internal(e),
            // Handled by `problems()` above.
            AccountsError::Invalid(_)
            | AccountsError::Taken(_)
            | AccountsError::BadCredentials
            | AccountsError::ResetCodeInvalid => WebError::BadRequest("error.bad_request"),
        }
    }
}
