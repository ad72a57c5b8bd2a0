//! JSON API of applications under `/api/v1`: the citizen's journey (start, answers, documents by
//! upload or from the locker, submit, follow, survey, issued document), the document locker,
//! public tracking, and the office's inbox and actions. Every handler calls the same domain
//! function as its HTML page, so the rules and the audit trail are the same.

use std::collections::BTreeMap;

use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post, put},
};
use platform::{
    AppState,
    auth::CurrentUser,
    blobs::FileKind,
    web::{WebError, context::ClientAddress},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::{
    journey::{self, DetailsInput, DocumentSource, PublicStatus},
    processing::{self, InboxLine, Urgency},
    recommendations::{self, AnswerInput, Recommendation, RouteInput},
    status::Status,
    store::{ApplicationRow, RevisionNote},
    survey,
};
use crate::{error::ServiceError, locker};

#[derive(OpenApi)]
#[openapi(
    paths(list_mine, start, get_mine, save_details, upload_document, attach_from_locker, get_document, submit,
          respond_survey, issued_document, track, skm_report, list_locker, add_to_locker, open_locker, remove_from_locker,
          office_inbox, office_application, office_act, office_route, office_recommend, office_revoke, office_document),
    components(schemas(ApplicationSummary, ApplicationDetail, RevisionRequest, RevisionNote, DocumentInfo, TimelineEntry, StartApplication, Started,
                       DetailsInput, FromLocker, Submitted, SurveyInput, TrackInput, PublicStatus, Status,
                       locker::LockerDocument, InboxLine, Urgency, OfficeApplication, ActionInput, ActionDone,
                       RouteInput, AnswerInput, Recommendation, RevokeInput,
                       survey::IkmReport, survey::IkmLine, crate::skm::Ikm, crate::skm::Grade)),
    tags((name = "applications", description = "The citizen's applications, the document locker and public tracking"),
         (name = "office", description = "Back office: inbox, verification, recommendations, approval, revocation"))
)]
pub struct ApiDoc;

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    let upload_limit = DefaultBodyLimit::max(max_upload_bytes + 64 * 1024);
    Router::new()
        .route("/api/v1/applications", get(list_mine).post(start))
        .route("/api/v1/applications/{id}", get(get_mine))
        .route("/api/v1/applications/{id}/details", put(save_details))
        .route(
            "/api/v1/applications/{id}/documents/{position}",
            put(upload_document).get(get_document).layer(upload_limit),
        )
        .route(
            "/api/v1/applications/{id}/documents/{position}/from-locker",
            post(attach_from_locker),
        )
        .route("/api/v1/applications/{id}/submit", post(submit))
        .route("/api/v1/applications/{id}/survey", post(respond_survey))
        .route("/api/v1/applications/{id}/document", get(issued_document))
        .route("/api/v1/track", post(track))
        .route("/api/v1/skm/report", get(skm_report))
        .route(
            "/api/v1/me/documents",
            get(list_locker).post(add_to_locker).layer(upload_limit),
        )
        .route(
            "/api/v1/me/documents/{id}",
            get(open_locker).delete(remove_from_locker),
        )
        .route("/api/v1/office/inbox", get(office_inbox))
        .route("/api/v1/office/applications/{id}", get(office_application))
        .route("/api/v1/office/applications/{id}/actions", post(office_act))
        .route("/api/v1/office/applications/{id}/route", post(office_route))
        .route(
            "/api/v1/office/applications/{id}/recommendation",
            // Base64 adds a third to the file's size.
            post(office_recommend)
                .layer(DefaultBodyLimit::max(max_upload_bytes * 4 / 3 + 64 * 1024)),
        )
        .route(
            "/api/v1/office/applications/{id}/revoke",
            post(office_revoke),
        )
        .route(
            "/api/v1/office/applications/{id}/documents/{position}",
            get(office_document),
        )
}

// ---------- shapes ----------

#[derive(Serialize, ToSchema)]
pub struct ApplicationSummary {
    pub id: String,
    pub tracking_number: Option<String>,
    pub service_code: String,
    pub service_name_id: String,
    pub service_name_en: String,
    pub status: Status,
    pub submitted_ms: Option<i64>,
    /// Deadline (YYYY-MM-DD, WITA) in working days; moves while the application waits for you.
    pub due_day: Option<String>,
    /// Whether the next step is the applicant's (finish a draft, revise, answer the survey).
    pub needs_you: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DocumentInfo {
    /// Position of the requirement in the service standard (0-based).
    pub position: i64,
    pub requirement: String,
    pub file_name: String,
    pub file_kind: String,
    pub size_bytes: i64,
    pub sha256: String,
}

#[derive(Serialize, ToSchema)]
pub struct TimelineEntry {
    pub at_ms: i64,
    pub status: Status,
    /// The reason given with the step (returns, rejections), if any.
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationDetail {
    #[serde(flatten)]
    pub summary: ApplicationSummary,
    pub purpose: String,
    pub kelurahan: String,
    pub address: String,
    /// The version of the service's form this application was started under.
    pub form_version: i64,
    pub answers: BTreeMap<String, String>,
    pub documents: Vec<DocumentInfo>,
    pub timeline: Vec<TimelineEntry>,
    /// While returned for revision: what to fix and by when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<RevisionRequest>,
}

#[derive(Serialize, ToSchema)]
pub struct RevisionRequest {
    /// Last day (YYYY-MM-DD, WITA) to send it back; after it the application lapses.
    pub revise_by_day: Option<String>,
    pub notes: Vec<RevisionNote>,
}

async fn summary(app: &AppState, row: &ApplicationRow) -> Result<ApplicationSummary, WebError> {
    let service = journey::service_of(app, row).await?;
    let needs_you = journey::is_editable(row.status)
        || (super::survey::is_open(row.status)
            && !super::survey::already_answered(app, &row.id).await?);
    Ok(ApplicationSummary {
        id: row.id.clone(),
        tracking_number: row.tracking_number.clone(),
        service_code: service.code,
        service_name_id: service.name_id,
        service_name_en: service.name_en,
        status: row.status,
        submitted_ms: row.submitted_ms,
        due_day: row.due_day.clone(),
        needs_you,
    })
}

async fn detail(app: &AppState, row: &ApplicationRow) -> Result<ApplicationDetail, WebError> {
    let documents = journey::documents(app, row)
        .await?
        .into_iter()
        .map(|d| DocumentInfo {
            position: d.position,
            requirement: d.requirement_name,
            file_name: d.file_name,
            file_kind: d.file_kind,
            size_bytes: d.size_bytes,
            sha256: d.blob_sha256,
        })
        .collect();
    let timeline = journey::timeline(app, row)
        .await?
        .into_iter()
        .map(|(at_ms, status, note)| TimelineEntry {
            at_ms,
            status,
            note,
        })
        .collect();
    let revision = if row.status == Status::ReturnedForRevision {
        Some(RevisionRequest {
            revise_by_day: row.revise_by_day.clone(),
            notes: journey::revision_notes(app, row).await?,
        })
    } else {
        None
    };
    Ok(ApplicationDetail {
        revision,
        summary: summary(app, row).await?,
        purpose: row.purpose.clone(),
        kelurahan: row.kelurahan_code.clone(),
        address: row.address.clone(),
        form_version: row.form_version,
        answers: row.answers.clone(),
        documents,
        timeline,
    })
}

fn file_response(bytes: Vec<u8>, kind: &str) -> Response {
    let kind = FileKind::parse(kind).unwrap_or(FileKind::Pdf);
    platform::web::private_file(bytes, kind.content_type(), None, false)
}

// ---------- the citizen's journey ----------

/// The signed-in citizen's applications, newest first.
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications", security(("bearer" = [])),
    responses((status = 200, body = [ApplicationSummary]), (status = 401)))]
async fn list_mine(
    State(app): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<ApplicationSummary>>, WebError> {
    let mut lines = Vec::new();
    for row in journey::list_mine(&app, &user).await? {
        lines.push(summary(&app, &row).await?);
    }
    Ok(Json(lines))
}

#[derive(Deserialize, ToSchema)]
pub struct StartApplication {
    /// Code of a published service, e.g. `sktm`.
    service_code: String,
}

#[derive(Serialize, ToSchema)]
pub struct Started {
    id: String,
}

/// Start an application (or resume the open draft for the same service).
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications", security(("bearer" = [])),
    request_body = StartApplication, responses((status = 201, body = Started), (status = 403), (status = 404)))]
async fn start(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(input): Json<StartApplication>,
) -> Result<Response, WebError> {
    let id = journey::start(&app, &user, &input.service_code).await?;
    Ok((StatusCode::CREATED, Json(Started { id })).into_response())
}

/// One of the citizen's applications with answers, documents and timeline. Anyone else's: 404.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = ApplicationDetail), (status = 404)))]
async fn get_mine(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ApplicationDetail>, WebError> {
    let row = journey::get_own(&app, &user, &id).await?;
    Ok(Json(detail(&app, &row).await?))
}

/// Save the answers: the base questions and the service's form (`answers`, by field key; see
/// `GET /api/v1/services/{code}/form/versions/{form_version}`). Every problem at once (422).
#[utoipa::path(put, path = "/api/v1/applications/{id}/details", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = DetailsInput,
    responses((status = 204), (status = 404), (status = 409), (status = 422)))]
async fn save_details(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<DetailsInput>,
) -> Result<StatusCode, WebError> {
    journey::save_details(&app, &user, &id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct UploadName {
    /// The file's name as the citizen knows it (shown back to them).
    file_name: String,
}

/// Upload the document for requirement `position`: the raw file as the body (PDF, JPEG or PNG,
/// recognised by content). It is also kept in the citizen's document locker.
#[utoipa::path(put, path = "/api/v1/applications/{id}/documents/{position}", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path), ("position" = usize, Path), UploadName),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 204), (status = 404), (status = 409), (status = 413), (status = 422)))]
async fn upload_document(
    State(app): State<AppState>,
    user: CurrentUser,
    Path((id, position)): Path<(String, usize)>,
    Query(name): Query<UploadName>,
    bytes: Bytes,
) -> Result<StatusCode, WebError> {
    if bytes.is_empty() {
        return Err(WebError::Invalid(vec![(
            "file".into(),
            "services.file_missing",
        )]));
    }
    let source = DocumentSource::Upload {
        file_name: &name.file_name,
        bytes: &bytes,
    };
    journey::attach(&app, &user, &id, position, source).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct FromLocker {
    /// Id of a document in the citizen's locker (`GET /api/v1/me/documents`).
    locker_id: String,
}

/// Use a document from the citizen's locker for requirement `position`, without uploading again.
#[utoipa::path(post, path = "/api/v1/applications/{id}/documents/{position}/from-locker", tag = "applications",
    security(("bearer" = [])), params(("id" = String, Path), ("position" = usize, Path)), request_body = FromLocker,
    responses((status = 204), (status = 404), (status = 409), (status = 422)))]
async fn attach_from_locker(
    State(app): State<AppState>,
    user: CurrentUser,
    Path((id, position)): Path<(String, usize)>,
    Json(input): Json<FromLocker>,
) -> Result<StatusCode, WebError> {
    let source = DocumentSource::Locker {
        id: &input.locker_id,
    };
    journey::attach(&app, &user, &id, position, source).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The citizen's own uploaded document.
#[utoipa::path(get, path = "/api/v1/applications/{id}/documents/{position}", tag = "applications",
    security(("bearer" = [])), params(("id" = String, Path), ("position" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404)))]
async fn get_document(
    State(app): State<AppState>,
    user: CurrentUser,
    Path((id, position)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let (document, bytes) = journey::document_file(&app, &user, &id, position).await?;
    Ok(file_response(bytes, &document.file_kind))
}

#[derive(Serialize, ToSchema)]
pub struct Submitted {
    tracking_number: String,
}

/// Send a complete draft (or a revised application). Missing answers or documents: 422 naming each.
#[utoipa::path(post, path = "/api/v1/applications/{id}/submit", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = Submitted), (status = 404), (status = 409), (status = 422)))]
async fn submit(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Submitted>, WebError> {
    let number = journey::submit(&app, &user, &id).await?;
    Ok(Json(Submitted {
        tracking_number: number.to_string(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct SurveyInput {
    /// The nine SKM elements in order, each 1–4.
    answers: Vec<u8>,
    #[serde(default)]
    comment: String,
}

/// The SKM survey of a completed application; once only (409 the second time).
#[utoipa::path(post, path = "/api/v1/applications/{id}/survey", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = SurveyInput,
    responses((status = 204), (status = 404), (status = 409), (status = 422)))]
async fn respond_survey(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<SurveyInput>,
) -> Result<StatusCode, WebError> {
    let answers: Vec<String> = input.answers.iter().map(u8::to_string).collect();
    match super::survey::respond(&app, &user, &id, &answers, &input.comment).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(ServiceError::NotEditable { .. }) => Err(WebError::Conflict("services.skm_closed")),
        Err(other) => Err(other.into()),
    }
}

/// The issued PDF of the citizen's application.
#[utoipa::path(get, path = "/api/v1/applications/{id}/document", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, content_type = "application/pdf"), (status = 404)))]
async fn issued_document(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (_, bytes) = journey::issued_pdf(&app, &user, &id).await?;
    Ok(platform::web::private_file(
        bytes,
        "application/pdf",
        None,
        false,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct TrackInput {
    /// The tracking number, e.g. `ALK-7KQ2-M9XD`.
    number: String,
    /// The last 4 digits of the applicant's mobile number (or NIK when they gave no number).
    last_digits: String,
}

/// Public status of an application, without personal data. Wrong combinations are rate limited.
#[utoipa::path(post, path = "/api/v1/track", tag = "applications", request_body = TrackInput,
    responses((status = 200, body = PublicStatus), (status = 422), (status = 429)))]
async fn track(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    Json(input): Json<TrackInput>,
) -> Result<Json<PublicStatus>, WebError> {
    Ok(Json(
        journey::track(&app, &input.number, &input.last_digits, &client).await?,
    ))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct SkmQuery {
    /// `2026`, `2026-S1`, `2026-Q4` or `2026-11` (WITA); this year when empty.
    period: String,
    /// Only the services of this agency (code), e.g. `kec-alak`.
    agency: String,
}

/// IKM (SKM, PermenPAN-RB 14/2017, weight exactly 1/9) overall, per agency and per service.
#[utoipa::path(get, path = "/api/v1/skm/report", tag = "applications", security(("bearer" = [])), params(SkmQuery),
    responses((status = 200, body = survey::IkmReport), (status = 403), (status = 422)))]
async fn skm_report(
    State(app): State<AppState>,
    user: CurrentUser,
    Query(query): Query<SkmQuery>,
) -> Result<Json<survey::IkmReport>, WebError> {
    let period = survey::Period::asked(&query.period)?;
    Ok(Json(
        survey::report(&app, &user, &period, Some(&query.agency)).await?,
    ))
}

// ---------- the document locker ----------

/// The signed-in citizen's kept documents, newest first.
#[utoipa::path(get, path = "/api/v1/me/documents", tag = "applications", security(("bearer" = [])),
    responses((status = 200, body = [locker::LockerDocument]), (status = 403)))]
async fn list_locker(
    State(app): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<locker::LockerDocument>>, WebError> {
    Ok(Json(locker::list(&app, &user).await?))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct LockerUpload {
    /// What the document is, e.g. `KTP` (2–80 characters).
    label: String,
    file_name: String,
}

/// Keep a document ahead of any application: the raw file as the body.
#[utoipa::path(post, path = "/api/v1/me/documents", tag = "applications", security(("bearer" = [])),
    params(LockerUpload), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = locker::LockerDocument), (status = 413), (status = 422), (status = 403)))]
async fn add_to_locker(
    State(app): State<AppState>,
    user: CurrentUser,
    Query(upload): Query<LockerUpload>,
    bytes: Bytes,
) -> Result<Response, WebError> {
    let kept = locker::add(&app, &user, &upload.label, &upload.file_name, &bytes).await?;
    Ok((StatusCode::CREATED, Json(kept)).into_response())
}

/// A kept document's file (its owner only).
#[utoipa::path(get, path = "/api/v1/me/documents/{id}", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, content_type = "application/octet-stream"), (status = 404)))]
async fn open_locker(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (document, bytes) = locker::file(&app, &user, &id).await?;
    Ok(file_response(bytes, &document.file_kind))
}

/// Remove a kept document; applications that use it keep their copy.
#[utoipa::path(delete, path = "/api/v1/me/documents/{id}", tag = "applications", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 204), (status = 404)))]
async fn remove_from_locker(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    locker::remove(&app, &user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------- the office ----------

/// What waits for the signed-in verifier or signer, earliest deadline first, with urgency.
#[utoipa::path(get, path = "/api/v1/office/inbox", tag = "office", security(("bearer" = [])),
    responses((status = 200, body = [InboxLine]), (status = 401), (status = 403)))]
async fn office_inbox(
    State(app): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<InboxLine>>, WebError> {
    Ok(Json(processing::inbox(&app, &user).await?))
}

#[derive(Serialize, ToSchema)]
pub struct OfficeApplication {
    #[serde(flatten)]
    pub detail: ApplicationDetail,
    /// Actions the signed-in person may take now (`claim`, `verify`, `return_for_revision`,
    /// `reject`, `approve`, `send_back`).
    pub actions: Vec<String>,
    pub claimed_by_me: bool,
    pub recommendations: Vec<Recommendation>,
}

/// An application of the person's agency, or one routed to them for a recommendation; else 404.
#[utoipa::path(get, path = "/api/v1/office/applications/{id}", tag = "office", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = OfficeApplication), (status = 404)))]
async fn office_application(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<OfficeApplication>, WebError> {
    let row = processing::get_for_office(&app, &user, &id).await?;
    let actions = processing::available_actions(&user, &row)
        .into_iter()
        .filter_map(|a| {
            serde_json::to_value(a)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
        })
        .collect();
    Ok(Json(OfficeApplication {
        claimed_by_me: row.claimed_by.as_deref() == Some(user.id.as_str()),
        recommendations: recommendations::for_application(&app, &row.id).await?,
        detail: detail(&app, &row).await?,
        actions,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ActionInput {
    /// One of the application's `actions`.
    action: String,
    /// Required (at least 5 characters) to return or reject.
    #[serde(default)]
    reason: String,
    /// When returning for revision: what to fix per item (`purpose`, `kelurahan`, `address`,
    /// `answers.<key>`, `document.<position>`) → note.
    #[serde(default)]
    items: BTreeMap<String, String>,
}

#[derive(Serialize, ToSchema)]
pub struct ActionDone {
    status: Status,
}

/// Take an action. 409 when the application moved on meanwhile (e.g. another signer approved
/// first); 403 when the action is not the person's to take.
#[utoipa::path(post, path = "/api/v1/office/applications/{id}/actions", tag = "office", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = ActionInput,
    responses((status = 200, body = ActionDone), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn office_act(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<ActionInput>,
) -> Result<Json<ActionDone>, WebError> {
    let action = processing::parse_action(&input.action)
        .ok_or_else(|| WebError::Invalid(vec![("action".into(), "services.action_unknown")]))?;
    let items: Vec<(String, String)> = input.items.into_iter().collect();
    let status = processing::act(&app, &user, &id, action, &input.reason, &items).await?;
    Ok(Json(ActionDone { status }))
}

/// Route a claimed application to another agency for a technical recommendation.
#[utoipa::path(post, path = "/api/v1/office/applications/{id}/route", tag = "office", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = RouteInput,
    responses((status = 204), (status = 403), (status = 404), (status = 422)))]
async fn office_route(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<RouteInput>,
) -> Result<StatusCode, WebError> {
    recommendations::route(&app, &user, &id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record the technical recommendation of the reviewer's agency.
#[utoipa::path(post, path = "/api/v1/office/applications/{id}/recommendation", tag = "office", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = AnswerInput,
    responses((status = 204), (status = 404), (status = 422)))]
async fn office_recommend(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<AnswerInput>,
) -> Result<StatusCode, WebError> {
    use base64::Engine as _;
    let bytes = if input.attachment_base64.is_empty() {
        None
    } else {
        Some(
            base64::engine::general_purpose::STANDARD
                .decode(input.attachment_base64.trim())
                .map_err(|_| {
                    WebError::Invalid(vec![(
                        "attachment_base64".into(),
                        "services.base64_invalid",
                    )])
                })?,
        )
    };
    let attachment = bytes.as_deref().map(|bytes| recommendations::Attachment {
        file_name: &input.attachment_name,
        bytes,
    });
    recommendations::answer(&app, &user, &id, &input, attachment).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct RevokeInput {
    /// Why the document is revoked (shown on its verification page).
    reason: String,
}

/// Revoke the issued document (signing officials of the agency).
#[utoipa::path(post, path = "/api/v1/office/applications/{id}/revoke", tag = "office", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = RevokeInput,
    responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn office_revoke(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(input): Json<RevokeInput>,
) -> Result<StatusCode, WebError> {
    processing::revoke_document(&app, &user, &id, &input.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A document of an application the person may see.
#[utoipa::path(get, path = "/api/v1/office/applications/{id}/documents/{position}", tag = "office",
    security(("bearer" = [])), params(("id" = String, Path), ("position" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404)))]
async fn office_document(
    State(app): State<AppState>,
    user: CurrentUser,
    Path((id, position)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    let (document, bytes) = processing::office_document_file(&app, &user, &id, position).await?;
    Ok(file_response(bytes, &document.file_kind))
}
