//! What can go wrong in the queue, worded as facts; converted once to `WebError`.

use platform::web::{WebError, forms::Problems};

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("input has problems")]
    Invalid(Problems),
    #[error("no such office, ticket or appointment")]
    NotFound,
    #[error("not allowed here")]
    Forbidden,
    #[error("every seat of the slot is taken")]
    SlotFull,
    #[error("already booked for this service that day")]
    AlreadyBooked,
    #[error("the appointment can no longer be changed")]
    AppointmentClosed,
    #[error("nobody is waiting for this counter")]
    QueueEmpty,
    #[error("the ticket was handled by someone else meanwhile")]
    ChangedMeanwhile,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<services::ServiceError> for QueueError {
    fn from(error: services::ServiceError) -> Self {
        match error {
            services::ServiceError::Db(e) => QueueError::Db(e),
            other => QueueError::Internal(anyhow::anyhow!("{other}")),
        }
    }
}

impl From<QueueError> for WebError {
    fn from(error: QueueError) -> Self {
        match error {
            QueueError::Invalid(problems) => WebError::Invalid(
                problems
                    .into_iter()
                    .map(|(f, k)| (f.to_string(), k))
                    .collect(),
            ),
            QueueError::NotFound => WebError::NotFound,
            QueueError::Forbidden => WebError::Forbidden,
            QueueError::SlotFull => WebError::Conflict("queue.slot_full"),
            QueueError::AlreadyBooked => WebError::Conflict("queue.already_booked"),
            QueueError::AppointmentClosed => WebError::Conflict("queue.appointment_closed"),
            QueueError::QueueEmpty => WebError::Conflict("queue.queue_empty"),
            QueueError::ChangedMeanwhile => WebError::Conflict("queue.changed_meanwhile"),
            QueueError::Internal(e) => WebError::Internal(e),
            QueueError::Db(e) => WebError::from(e),
        }
    }
}
