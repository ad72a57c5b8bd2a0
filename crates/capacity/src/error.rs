//! What can go wrong in the capacity capability, worded as facts; converted once to `WebError`.

use platform::web::WebError;

#[derive(Debug, thiserror::Error)]
pub enum CapacityError {
    /// Field problems: (field, message key).
    #[error("input has problems")]
    Invalid(Vec<(String, &'static str)>),
    #[error("not found")]
    NotFound,
    #[error("not allowed")]
    Forbidden,
    /// The uploaded file as a whole cannot be read (encoding, header, empty).
    #[error("the import file is unusable ({0})")]
    ImportFile(&'static str),
    /// The signed-in person has no employee record.
    #[error("no employee record is linked to this account")]
    NoEmployeeRecord,
    #[error("the enrolment window is closed")]
    EnrolmentClosed,
    #[error("already enrolled or waiting")]
    AlreadyEnrolled,
    #[error("the enrolment is not in a state that allows this ({status})")]
    WrongEnrolmentState { status: String },
    #[error("the person is not enrolled in this session")]
    NotEnrolled,
    #[error("the day is outside the session")]
    DayOutsideSession,
    #[error("the check-in code is wrong")]
    WrongCheckinCode,
    #[error("the participant has not completed the training")]
    NotCompleted,
    #[error("the session was closed already")]
    SessionClosed,
    #[error("the session has not reached its last day")]
    SessionNotOver,
    #[error("the evaluation was submitted already")]
    AlreadyEvaluated,
    #[error("the JP entry was decided already")]
    AlreadyDecided,
    #[error("the certificate was revoked already")]
    AlreadyRevoked,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl CapacityError {
    pub fn field(field: &str, key: &'static str) -> CapacityError {
        CapacityError::Invalid(vec![(field.to_string(), key)])
    }
}

impl From<services::ServiceError> for CapacityError {
    fn from(error: services::ServiceError) -> Self {
        CapacityError::Internal(anyhow::anyhow!("signing: {error}"))
    }
}

impl From<CapacityError> for WebError {
    fn from(error: CapacityError) -> Self {
        match error {
            CapacityError::Invalid(problems) => WebError::Invalid(problems),
            CapacityError::NotFound => WebError::NotFound,
            CapacityError::Forbidden => WebError::Forbidden,
            CapacityError::ImportFile(key) => WebError::Invalid(vec![("file".into(), key)]),
            CapacityError::NoEmployeeRecord => WebError::Conflict("capacity.no_employee_record"),
            CapacityError::EnrolmentClosed => WebError::Conflict("capacity.enrolment_closed"),
            CapacityError::AlreadyEnrolled => WebError::Conflict("capacity.already_enrolled"),
            CapacityError::WrongEnrolmentState { .. } => {
                WebError::Conflict("capacity.wrong_enrolment_state")
            }
            CapacityError::NotEnrolled => WebError::Conflict("capacity.not_enrolled"),
            CapacityError::DayOutsideSession => WebError::Conflict("capacity.day_outside_session"),
            CapacityError::WrongCheckinCode => WebError::Conflict("capacity.wrong_checkin_code"),
            CapacityError::NotCompleted => WebError::Conflict("capacity.not_completed"),
            CapacityError::SessionClosed => WebError::Conflict("capacity.session_closed"),
            CapacityError::SessionNotOver => WebError::Conflict("capacity.session_not_over"),
            CapacityError::AlreadyEvaluated => WebError::Conflict("capacity.already_evaluated"),
            CapacityError::AlreadyDecided => WebError::Conflict("capacity.already_decided"),
            CapacityError::AlreadyRevoked => WebError::Conflict("capacity.already_revoked"),
            CapacityError::Internal(e) => WebError::Internal(e),
            CapacityError::Db(e) => WebError::from(e),
        }
    }
}
