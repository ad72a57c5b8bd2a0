//! What can go wrong in collaboration, worded as facts; converted once to `WebError`.

use platform::web::WebError;

#[derive(Debug, thiserror::Error)]
pub enum CollaborationError {
    /// Field problems: (field, message key).
    #[error("input has problems")]
    Invalid(Vec<(String, &'static str)>),
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    #[error("the event was cancelled or is over")]
    EventClosed,
    #[error("already registered or waiting")]
    AlreadyRegistered,
    #[error("not registered for this event")]
    NotRegistered,
    #[error("check-in is open from an hour before the start until the end")]
    CheckInClosed,
    #[error("the check-in code is wrong")]
    WrongCheckinCode,
    #[error("the event has not ended yet")]
    EventNotOver,
    /// Someone saved the article after the version this edit started from.
    #[error("the article changed meanwhile (now version {current})")]
    EditConflict { current: i64 },
    /// Someone saved the event after the version this edit started from.
    #[error("the event changed meanwhile (now version {current})")]
    EventEditConflict { current: i64 },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl CollaborationError {
    pub fn field(field: &str, key: &'static str) -> CollaborationError {
        CollaborationError::Invalid(vec![(field.to_string(), key)])
    }
}

impl From<accounts::AccountsError> for CollaborationError {
    fn from(error: accounts::AccountsError) -> Self {
        CollaborationError::Internal(anyhow::anyhow!("{error}"))
    }
}

impl From<CollaborationError> for WebError {
    fn from(error: CollaborationError) -> Self {
        match error {
            CollaborationError::Invalid(problems) => WebError::Invalid(problems),
            CollaborationError::NotFound => WebError::NotFound,
            CollaborationError::Forbidden => WebError::Forbidden,
            CollaborationError::EventClosed => WebError::Conflict("collaboration.event_closed"),
            CollaborationError::AlreadyRegistered => {
                WebError::Conflict("collaboration.already_registered")
            }
            CollaborationError::NotRegistered => WebError::Conflict("collaboration.not_registered"),
            CollaborationError::CheckInClosed => WebError::Conflict("collaboration.checkin_closed"),
            CollaborationError::WrongCheckinCode => {
                WebError::Conflict("collaboration.wrong_checkin_code")
            }
            CollaborationError::EventNotOver => WebError::Conflict("collaboration.event_not_over"),
            CollaborationError::EditConflict { .. } => {
                WebError::Conflict("collaboration.edit_conflict")
            }
            CollaborationError::EventEditConflict { .. } => {
                WebError::Conflict("collaboration.event_edit_conflict")
            }
            CollaborationError::Internal(e) => WebError::Internal(e),
            CollaborationError::Db(e) => WebError::from(e),
        }
    }
}
