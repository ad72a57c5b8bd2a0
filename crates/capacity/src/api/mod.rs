//! JSON API of the capacity capability under `/api/v1`; each handler calls the same domain
//! function as its page.

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post, put},
};
use platform::{
    AppState,
    auth::CurrentUser,
    web::{Shell, WebError},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

mod attendance;
mod certificates;
mod competencies;
mod employees;
mod jp;
mod needs;
mod trainings;

use crate::{
    attendance::{Completion, EvaluationInput},
    certificates::Certificate,
    competencies::{
        Assessment, AssessmentInput, AssessmentMethod, Competency, CompetencyInput, CompetencyKind,
        GapRow, Level, Requirement, RequirementInput,
    },
    employees::{Employee, EmployeeInput},
    enrolment::{Enrolment, EnrolmentStatus},
    import::{ImportReport, ImportRun, ImportStage, Progress, RowProblem, RunState},
    jp::{AgencyCompliance, ExternalInput, JpEntry},
    needs::{Grouping, NeedRow, SessionRef},
    trainings::{Addressed, Session, SessionInput, Training, TrainingForm, TrainingInput},
};

use attendance::{AttendanceRequest, CheckinRequest, Recorded, ScoreRequest};
use certificates::{CertificateCheck, RevokeRequest};
use jp::{ExternalRequest, MyJp};
use trainings::{EnrolRequest, TrainingWithSessions};

#[derive(OpenApi)]
#[openapi(
    paths(employees::list_employees, employees::create_employee, employees::get_employee, employees::update_employee, employees::import_employees, employees::start_employee_import, employees::employee_import,
          competencies::list_competencies, competencies::create_competency, competencies::list_requirements, competencies::set_requirement,
          competencies::list_assessments, competencies::record_assessment, competencies::employee_gaps,
          trainings::list_trainings, trainings::create_training, trainings::get_training, trainings::create_session, trainings::get_session, trainings::session_enrolments,
          trainings::enrol, trainings::approve_enrolment, trainings::reject_enrolment, trainings::cancel_enrolment, trainings::session_calendar,
          attendance::record_attendance, attendance::check_in, attendance::set_post_test, attendance::complete_session, attendance::evaluate, jp::my_jp, jp::submit_external,
          jp::approve_jp, jp::reject_jp, jp::compliance, certificates::issue_certificate, certificates::get_certificate, certificates::certificate_credential,
          certificates::revoke_certificate, needs::training_needs),
    components(schemas(Employee, EmployeeInput, ImportReport, RowProblem, ImportRun, RunState, Progress, ImportStage, Competency, Level, CompetencyKind,
                       CompetencyInput, Requirement, RequirementInput, Assessment, AssessmentInput, AssessmentMethod,
                       GapRow, Created, Training, TrainingInput, TrainingForm, Addressed, Session, SessionInput,
                       Enrolment, EnrolmentStatus, EnrolRequest, TrainingWithSessions, AttendanceRequest, CheckinRequest,
                       ScoreRequest, Completion, EvaluationInput, MyJp, JpEntry, ExternalRequest, AgencyCompliance, Recorded,
                       Certificate, CertificateCheck, RevokeRequest, NeedRow, SessionRef, Grouping)),
    tags((name = "capacity", description = "ASN capacity: employees, competencies, trainings, JP"))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/employees",
            get(employees::list_employees).post(employees::create_employee),
        )
        .route(
            "/api/v1/employees/import",
            post(employees::import_employees),
        )
        .route(
            "/api/v1/employee-imports",
            post(employees::start_employee_import),
        )
        .route(
            "/api/v1/employee-imports/{id}",
            get(employees::employee_import),
        )
        .route(
            "/api/v1/employees/{nip}",
            get(employees::get_employee).put(employees::update_employee),
        )
        .route(
            "/api/v1/employees/{nip}/assessments",
            get(competencies::list_assessments).post(competencies::record_assessment),
        )
        .route(
            "/api/v1/employees/{nip}/gaps",
            get(competencies::employee_gaps),
        )
        .route(
            "/api/v1/trainings",
            get(trainings::list_trainings).post(trainings::create_training),
        )
        .route("/api/v1/trainings/{id}", get(trainings::get_training))
        .route(
            "/api/v1/trainings/{id}/sessions",
            post(trainings::create_session),
        )
        .route("/api/v1/sessions/{id}", get(trainings::get_session))
        .route(
            "/api/v1/sessions/{id}/enrolments",
            get(trainings::session_enrolments).post(trainings::enrol),
        )
        .route(
            "/api/v1/sessions/{id}/calendar.ics",
            get(trainings::session_calendar),
        )
        .route(
            "/api/v1/sessions/{id}/attendance",
            post(attendance::record_attendance),
        )
        .route("/api/v1/sessions/{id}/checkin", post(attendance::check_in))
        .route(
            "/api/v1/sessions/{id}/complete",
            post(attendance::complete_session),
        )
        .route(
            "/api/v1/enrolments/{id}/post-test",
            put(attendance::set_post_test),
        )
        .route(
            "/api/v1/enrolments/{id}/evaluation",
            post(attendance::evaluate),
        )
        .route("/api/v1/me/jp", get(jp::my_jp).post(jp::submit_external))
        .route("/api/v1/jp/{id}/approve", post(jp::approve_jp))
        .route("/api/v1/jp/{id}/reject", post(jp::reject_jp))
        .route("/api/v1/jp/compliance", get(jp::compliance))
        .route(
            "/api/v1/enrolments/{id}/certificate",
            post(certificates::issue_certificate),
        )
        .route("/api/v1/training-needs", get(needs::training_needs))
        .route(
            "/api/v1/certificates/{id}",
            get(certificates::get_certificate),
        )
        .route(
            "/api/v1/certificates/{id}/credential",
            get(certificates::certificate_credential),
        )
        .route(
            "/api/v1/certificates/{id}/revoke",
            post(certificates::revoke_certificate),
        )
        .route(
            "/api/v1/enrolments/{id}/approve",
            post(trainings::approve_enrolment),
        )
        .route(
            "/api/v1/enrolments/{id}/reject",
            post(trainings::reject_enrolment),
        )
        .route(
            "/api/v1/enrolments/{id}/cancel",
            post(trainings::cancel_enrolment),
        )
        .route(
            "/api/v1/competencies",
            get(competencies::list_competencies).post(competencies::create_competency),
        )
        .route(
            "/api/v1/position-requirements",
            get(competencies::list_requirements).put(competencies::set_requirement),
        )
}

/// The id or code of something created.
#[derive(Serialize, ToSchema)]
#[schema(as = CapacityCreated)]
pub struct Created {
    pub id: String,
}

pub(super) fn reader(user: &CurrentUser) -> Result<(), WebError> {
    if crate::is_admin(user) || crate::is_reader(user) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

pub(super) fn staff(user: &CurrentUser) -> Result<(), WebError> {
    if user.is_citizen() {
        Err(WebError::Forbidden)
    } else {
        Ok(())
    }
}
