//! Attendance on the session page: the admin's daily register and QR check-in code, the
//! participant's check-in, the completion rule and the reaction evaluation.

use platform::{AppState, auth::CurrentUser, web::WebError};

use super::trainings::EnrolmentView;
use crate::trainings::Session;

/// What the session page shows about attendance and completion.
pub(crate) struct SessionExtras {}

pub(crate) async fn extras(
    _app: &AppState,
    _user: &CurrentUser,
    _session: &Session,
    _mine: Option<&EnrolmentView>,
) -> Result<SessionExtras, WebError> {
    Ok(SessionExtras {})
}
