//! JSON API of complaints under `/api/v1`: categories, filing (signed in with a bearer token, or
//! anonymously), the citizen's complaints, the anonymous look-up, the staff inbox and actions, and
//! the Open311 partner keys. Every handler calls the same domain function as the HTML page.

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{delete, get, post},
};
use platform::{
    AppState,
    auth::{CurrentUser, MaybeUser},
    web::{WebError, context::ClientAddress, shell::Shell},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::{
    error::ComplaintError,
    filing::{self, Channel311, ComplaintInput, Extras, Filed},
    keys::{self, KeyRow},
    model::{Action, Status},
    office::{self, Timing},
    store::{self, ComplaintRow},
};

#[derive(OpenApi)]
#[openapi(
    paths(categories, file_complaint, my_complaints, my_complaint, lookup, office_inbox, office_complaint, act,
          list_keys, issue_key, revoke_key),
    components(schemas(ComplaintCategory, ComplaintInput, ComplaintApiInput, Filed, Complaint, Status, Action, Timing, OfficeComplaint,
                       ComplaintLookup, ComplaintActionInput, ComplaintActionDone, KeyRow, Open311KeyInput, IssuedOpen311Key)),
    tags((name = "complaints", description = "Complaints (pengaduan): filing, staff triage and answers, Open311 partner keys. \
The Open311 GeoReport v2 interface itself is at /open311/v2/ (services.json, requests.json)."))
)]
pub struct ApiDoc;

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/api/v1/complaint-categories", get(categories))
        .route(
            "/api/v1/complaints",
            // A photo arrives in base64, a third larger than the file.
            get(my_complaints)
                .post(file_complaint)
                .layer(DefaultBodyLimit::max(max_upload_bytes * 4 / 3 + 64 * 1024)),
        )
        .route("/api/v1/complaints/lookup", post(lookup))
        .route("/api/v1/complaints/{number}", get(my_complaint))
        .route("/api/v1/office/complaints", get(office_inbox))
        .route("/api/v1/office/complaints/{number}", get(office_complaint))
        .route("/api/v1/office/complaints/{number}/actions", post(act))
        .route("/api/v1/open311-keys", get(list_keys).post(issue_key))
        .route("/api/v1/open311-keys/{id}", delete(revoke_key))
}

#[derive(Serialize, ToSchema)]
struct ComplaintCategory {
    code: String,
    /// `service` (about a service of the catalogue: send `service`) or `public`.
    kind: String,
    name_id: String,
    name_en: String,
    description_id: String,
    description_en: String,
}

/// Complaint categories, in the order the form shows them.
#[utoipa::path(get, path = "/api/v1/complaint-categories", tag = "complaints", responses((status = 200, body = [ComplaintCategory])))]
async fn categories(State(app): State<AppState>) -> Result<Json<Vec<ComplaintCategory>>, WebError> {
    let rows = store::list_categories(&app.db)
        .await
        .map_err(ComplaintError::from)?;
    Ok(Json(
        rows.into_iter()
            .map(|c| ComplaintCategory {
                code: c.code,
                kind: c.kind,
                name_id: c.name_id,
                name_en: c.name_en,
                description_id: c.description_id,
                description_en: c.description_en,
            })
            .collect(),
    ))
}

/// A complaint as its complainant (or the staff) reads it.
#[derive(Serialize, ToSchema)]
struct Complaint {
    number: String,
    category: String,
    /// Service code, for complaints about a service.
    service: String,
    status: Status,
    description: String,
    lat: Option<f64>,
    long: Option<f64>,
    address: String,
    kelurahan: String,
    has_photo: bool,
    /// Why it was forwarded or found not relevant.
    status_note: String,
    /// The staff's answer.
    response: String,
    created_ms: i64,
    updated_ms: i64,
    responded_ms: Option<i64>,
}

impl From<ComplaintRow> for Complaint {
    fn from(row: ComplaintRow) -> Complaint {
        Complaint {
            has_photo: row.photo_sha256.is_some(),
            number: row.number,
            category: row.category_code,
            service: row.service_code,
            status: row.status,
            description: row.description,
            lat: row.lat,
            long: row.lon,
            address: row.address,
            kelurahan: row.kelurahan_code,
            status_note: row.status_note,
            response: row.response,
            created_ms: row.created_ms,
            updated_ms: row.updated_ms,
            responded_ms: row.responded_ms,
        }
    }
}

/// A complaint as filed through the API: the form's fields and an optional photo.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
struct ComplaintApiInput {
    #[serde(flatten)]
    input: ComplaintInput,
    /// Optional photo (JPEG or PNG, checked by content), in standard base64.
    photo_base64: String,
}

/// File a complaint. With a citizen's bearer token it is theirs; without one it is anonymous and
/// the answer carries an `access_code` (shown once) to read it later.
#[utoipa::path(post, path = "/api/v1/complaints", tag = "complaints", request_body = ComplaintApiInput,
    responses((status = 201, body = Filed), (status = 403), (status = 422)))]
async fn file_complaint(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
    Json(body): Json<ComplaintApiInput>,
) -> Result<Response, WebError> {
    use base64::Engine as _;
    if user.as_ref().is_some_and(|u| !u.is_citizen()) {
        return Err(WebError::Forbidden);
    }
    let photo = match body.photo_base64.trim() {
        "" => None,
        encoded => Some(Ok(base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| {
                WebError::Invalid(vec![(
                    "photo_base64".into(),
                    "complaints.photo_base64_invalid",
                )])
            })?)),
    };
    let filed = filing::file(
        &app,
        user.as_ref(),
        &body.input,
        photo,
        Channel311::Api,
        Extras::default(),
        shell.tr.lang,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(filed)).into_response())
}

/// The signed-in citizen's complaints, newest first.
#[utoipa::path(get, path = "/api/v1/complaints", tag = "complaints", security(("bearer" = [])),
    responses((status = 200, body = [Complaint]), (status = 401)))]
async fn my_complaints(
    State(app): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<Complaint>>, WebError> {
    Ok(Json(
        filing::list_own(&app, &user)
            .await?
            .into_iter()
            .map(Complaint::from)
            .collect(),
    ))
}

/// One of the signed-in citizen's complaints; another's is 404.
#[utoipa::path(get, path = "/api/v1/complaints/{number}", tag = "complaints", security(("bearer" = [])),
    params(("number" = String, Path)), responses((status = 200, body = Complaint), (status = 404)))]
async fn my_complaint(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> Result<Json<Complaint>, WebError> {
    Ok(Json(filing::get_own(&app, &user, &number).await?.into()))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
struct ComplaintLookup {
    number: String,
    access_code: String,
}

/// An anonymous complaint by its number and access code; a wrong pair is 404 (and counted:
/// 10 failures in 15 minutes from one address give 429).
#[utoipa::path(post, path = "/api/v1/complaints/lookup", tag = "complaints", request_body = ComplaintLookup,
    responses((status = 200, body = Complaint), (status = 404), (status = 429)))]
async fn lookup(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    Json(input): Json<ComplaintLookup>,
) -> Result<Json<Complaint>, WebError> {
    Ok(Json(
        filing::lookup(&app, &client, &input.number, &input.access_code)
            .await?
            .into(),
    ))
}

#[derive(Serialize, ToSchema)]
struct OfficeComplaint {
    #[serde(flatten)]
    complaint: Complaint,
    agency_id: String,
    anonymous: bool,
    timing: Timing,
    /// What may be done now.
    actions: Vec<Action>,
}

fn office_view(row: ComplaintRow, timing: Timing) -> OfficeComplaint {
    OfficeComplaint {
        actions: office::available_actions(&row),
        agency_id: row.agency_id.clone(),
        anonymous: row.complainant_id.is_none(),
        timing,
        complaint: row.into(),
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct InboxFilter {
    /// Finished (closed, not relevant) complaints too.
    all: bool,
}

/// Open complaints of the agencies where the caller is a service admin (superadmin: all),
/// oldest first, with the 3-working-day verification deadline.
#[utoipa::path(get, operation_id = "office_complaint_inbox", path = "/api/v1/office/complaints", tag = "complaints", security(("bearer" = [])), params(InboxFilter),
    responses((status = 200, body = [OfficeComplaint]), (status = 403)))]
async fn office_inbox(
    State(app): State<AppState>,
    user: CurrentUser,
    Query(query): Query<InboxFilter>,
) -> Result<Json<Vec<OfficeComplaint>>, WebError> {
    Ok(Json(
        office::inbox(&app, &user, query.all)
            .await?
            .into_iter()
            .map(|(row, timing)| office_view(row, timing))
            .collect(),
    ))
}

/// One complaint for the staff who handle it; anyone else gets 404 (audited).
#[utoipa::path(get, path = "/api/v1/office/complaints/{number}", tag = "complaints", security(("bearer" = [])),
    params(("number" = String, Path)), responses((status = 200, body = OfficeComplaint), (status = 404)))]
async fn office_complaint(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> Result<Json<OfficeComplaint>, WebError> {
    let row = office::get_for_staff(&app, &user, &number).await?;
    let calendar = services::holidays::load_calendar(&app)
        .await
        .map_err(ComplaintError::from)?;
    let timing = office::timing(&calendar, &row);
    Ok(Json(office_view(row, timing)))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
struct ComplaintActionInput {
    /// `accept`, `mark_not_relevant`, `forward`, `respond` or `close`.
    action: String,
    /// The reason (not relevant, forward) or the answer (respond): 5–2000 characters.
    note: String,
    /// For `forward`: the code of the agency that takes over.
    agency: String,
}

#[derive(Serialize, ToSchema)]
struct ComplaintActionDone {
    status: Status,
}

/// Take an action on a complaint. 409 when the status no longer allows it (someone acted first).
#[utoipa::path(post, path = "/api/v1/office/complaints/{number}/actions", tag = "complaints", security(("bearer" = [])),
    params(("number" = String, Path)), request_body = ComplaintActionInput,
    responses((status = 200, body = ComplaintActionDone), (status = 404), (status = 409), (status = 422)))]
async fn act(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
    Json(input): Json<ComplaintActionInput>,
) -> Result<Json<ComplaintActionDone>, WebError> {
    let action = Action::parse(&input.action).ok_or_else(|| {
        WebError::Invalid(vec![("action".to_string(), "complaints.action_unknown")])
    })?;
    let status = office::act(&app, &user, &number, action, &input.note, &input.agency).await?;
    Ok(Json(ComplaintActionDone { status }))
}

/// Open311 partner keys (superadmins and service admins); never the keys themselves.
#[utoipa::path(get, path = "/api/v1/open311-keys", tag = "complaints", security(("bearer" = [])),
    responses((status = 200, body = [KeyRow]), (status = 403)))]
async fn list_keys(
    State(app): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<KeyRow>>, WebError> {
    Ok(Json(keys::list(&app, &user).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
struct Open311KeyInput {
    /// The partner app's name.
    label: String,
}

#[derive(Serialize, ToSchema)]
struct IssuedOpen311Key {
    id: String,
    /// Shown once; only its SHA-256 is kept.
    api_key: String,
}

/// Issue an Open311 key for a partner app.
#[utoipa::path(post, path = "/api/v1/open311-keys", tag = "complaints", security(("bearer" = [])), request_body = Open311KeyInput,
    responses((status = 201, body = IssuedOpen311Key), (status = 403), (status = 422)))]
async fn issue_key(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(input): Json<Open311KeyInput>,
) -> Result<Response, WebError> {
    let (id, api_key) = keys::issue(&app, &user, &input.label).await?;
    Ok((StatusCode::CREATED, Json(IssuedOpen311Key { id, api_key })).into_response())
}

/// Revoke an Open311 key.
#[utoipa::path(delete, path = "/api/v1/open311-keys/{id}", tag = "complaints", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 204), (status = 403), (status = 404)))]
async fn revoke_key(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    keys::revoke(&app, &user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
