//! Certificate pages: asking for one (participant or admin), the PDF, the Open Badges
//! credential, revocation, and the public verification page the QR code opens.

use askama::Template;
use axum::{
    Json, Router,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use platform::{
    AppState,
    auth::{CurrentUser, MaybeUser},
    clock,
    web::{Shell, WebError, forms::CsrfForm},
};
use serde::Deserialize;

use super::page;
use crate::{certificates, is_admin};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/capacity/enrolments/{id}/certificate", post(request))
        .route("/capacity/certificates/{id}/pdf", get(pdf))
        .route(
            "/capacity/certificates/{id}/credential.json",
            get(credential),
        )
        .route("/capacity/certificates/{id}/revoke", post(revoke))
        .route("/verify/certificates/{id}", get(verify))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Empty {}

async fn request(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    let (certificate, _) = certificates::issue(&app, &user, &id).await?;
    Ok(Redirect::to(&format!("/verify/certificates/{}", certificate.id)).into_response())
}

async fn pdf(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let bytes = certificates::pdf(&app, &user, &id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"sertifikat.pdf\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn credential(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let credential = certificates::credential(&app, &user, &id).await?;
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"sertifikat-openbadge.json\"",
        )],
        Json(credential),
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RevokeForm {
    reason: String,
}

async fn revoke(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RevokeForm>,
) -> Result<Response, WebError> {
    certificates::revoke(&app, &user, &id, &form.reason).await?;
    Ok(Redirect::to(&format!("/verify/certificates/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "capacity_verify.html")]
struct VerifyPage {
    shell: Shell,
    certificate: certificates::Certificate,
    signature_valid: bool,
    public_key: String,
    issued: String,
    revoked: Option<(String, String)>,
    /// The holder or an admin: download links; an admin: the revoke form.
    may_download: bool,
    admin: bool,
}

async fn verify(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let verification = certificates::verify(&app, &id).await?;
    let certificate = verification.certificate;
    let admin = user.as_ref().is_some_and(is_admin);
    let holder = match &user {
        Some(u) => crate::employees::employee_of(&app, u)
            .await?
            .is_some_and(|e| e.id == certificate.employee_id),
        None => false,
    };
    let lang = shell.tr.lang;
    page(
        &VerifyPage {
            issued: clock::format_wita(certificate.issued_ms, lang),
            revoked: certificate.revoked_ms.map(|at| {
                (
                    clock::format_wita(at, lang),
                    certificate.revoked_reason.clone().unwrap_or_default(),
                )
            }),
            signature_valid: verification.signature_valid,
            public_key: verification.public_key,
            may_download: admin || holder,
            admin,
            certificate,
            shell,
        },
        StatusCode::OK,
    )
}
