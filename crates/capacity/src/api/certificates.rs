//! Certificates: issue, the public check, the Open Badges credential, revocation.

use super::*;
use crate::certificates;

/// The certificate of a completed enrolment: 201 when issued now, 200 with the same
/// certificate when asked again. 409 when the participant has not completed.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/certificate", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 201, body = Certificate), (status = 200, body = Certificate), (status = 403), (status = 409), (status = 404)))]
pub(super) async fn issue_certificate(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (certificate, new) = certificates::issue(&app, &user, &id).await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(certificate)).into_response())
}

/// What anyone may check about a certificate (as on its verification page).
#[derive(Serialize, ToSchema)]
pub struct CertificateCheck {
    holder_name: String,
    training_title: String,
    jp: i64,
    starts_on: String,
    ends_on: String,
    agency_name: String,
    number: String,
    sha256: String,
    signature: String,
    public_key: String,
    signature_valid: bool,
    revoked: bool,
    revoked_reason: Option<String>,
}

/// Public verification of a certificate (no sign-in).
#[utoipa::path(get, path = "/api/v1/certificates/{id}", tag = "capacity",
    params(("id" = String, Path)), responses((status = 200, body = CertificateCheck), (status = 404)))]
pub(super) async fn get_certificate(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CertificateCheck>, WebError> {
    let v = certificates::verify(&app, &id).await?;
    let c = v.certificate;
    Ok(Json(CertificateCheck {
        revoked: c.revoked_ms.is_some(),
        revoked_reason: c.revoked_reason,
        holder_name: c.holder_name,
        training_title: c.training_title,
        jp: c.jp,
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        agency_name: c.agency_name,
        number: c.number,
        sha256: c.sha256,
        signature: c.signature,
        public_key: v.public_key,
        signature_valid: v.signature_valid,
    }))
}

/// The certificate as an Open Badges 3.0 credential with an `eddsa-jcs-2022` Data Integrity
/// proof (holder or competency admin).
#[utoipa::path(get, path = "/api/v1/certificates/{id}/credential", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Object), (status = 403), (status = 404)))]
pub(super) async fn certificate_credential(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, WebError> {
    Ok(Json(certificates::credential(&app, &user, &id).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct RevokeRequest {
    reason: String,
}

/// Revoke a certificate (competency admin); it stays on file and its page says so.
#[utoipa::path(post, path = "/api/v1/certificates/{id}/revoke", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = RevokeRequest,
    responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub(super) async fn revoke_certificate(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(request): Json<RevokeRequest>,
) -> Result<StatusCode, WebError> {
    certificates::revoke(&app, &user, &id, &request.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}
