//! Certificates of completed trainings (filled in by the certificates step).

use platform::AppState;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::CapacityError;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Certificate {
    pub id: String,
    pub training_title: String,
}

pub async fn list_for_employee(
    _app: &AppState,
    _employee_id: &str,
) -> Result<Vec<Certificate>, CapacityError> {
    Ok(Vec::new())
}
