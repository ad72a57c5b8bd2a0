//! What can go wrong with announcements, worded as facts; converted once to `WebError`.

use platform::web::{WebError, forms::Problems};

#[derive(Debug, thiserror::Error)]
pub enum AnnouncementError {
    #[error("input has problems")]
    Invalid(Problems),
    #[error("no such announcement")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error("sign in first")]
    LoginRequired,
    #[error("the announcement cannot take this action now (status {status})")]
    NotAllowedNow { status: &'static str },
    /// Someone saved another version since the form was opened.
    #[error("edited meanwhile: based on version {based_on}, now at {current}")]
    EditedMeanwhile { based_on: i64, current: i64 },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<AnnouncementError> for WebError {
    fn from(error: AnnouncementError) -> Self {
        match error {
            AnnouncementError::Invalid(problems) => WebError::Invalid(
                problems
                    .into_iter()
                    .map(|(f, k)| (f.to_string(), k))
                    .collect(),
            ),
            AnnouncementError::NotFound => WebError::NotFound,
            AnnouncementError::Forbidden => WebError::Forbidden,
            AnnouncementError::LoginRequired => WebError::LoginRequired,
            AnnouncementError::NotAllowedNow { .. } => {
                WebError::Conflict("announcements.not_allowed_now")
            }
            AnnouncementError::EditedMeanwhile { .. } => {
                WebError::Conflict("announcements.edited_meanwhile")
            }
            AnnouncementError::Db(e) => WebError::from(e),
        }
    }
}
