//! The JP ledger: an ASN's own hours, external development with proof, approvals, compliance.

use super::*;
use crate::{employees, jp};

#[derive(Serialize, ToSchema)]
pub struct MyJp {
    year: i64,
    /// Approved JP this year.
    total: i64,
    /// 20 for PNS; none for PPPK (their allowance follows their agreement).
    target: Option<i64>,
    entries: Vec<JpEntry>,
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub(super) struct YearParam {
    year: Option<i64>,
}

/// The signed-in ASN's JP ledger for a year (this year by default).
#[utoipa::path(get, path = "/api/v1/me/jp", tag = "capacity", security(("bearer" = [])), params(YearParam),
    responses((status = 200, body = MyJp), (status = 409)))]
pub(super) async fn my_jp(
    State(app): State<AppState>,
    user: CurrentUser,
    Query(param): Query<YearParam>,
) -> Result<Json<MyJp>, WebError> {
    let employee = employees::own_record(&app, &user).await?;
    let year = param
        .year
        .unwrap_or_else(|| i64::from(crate::today_wita().year()));
    let total = jp::total(&app, &employee.id, year).await?;
    let target = (employee.employment_type == "pns").then_some(jp::JP_RIGHT);
    let entries = jp::ledger(&app, &employee.id, year).await?;
    Ok(Json(MyJp {
        year,
        total,
        target,
        entries,
    }))
}

/// External development with its proof, base64-encoded.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ExternalRequest {
    #[serde(flatten)]
    entry: ExternalInput,
    proof_name: String,
    /// The proof file (PDF, JPEG or PNG), base64.
    proof_base64: String,
}

/// Record externally earned development with proof; it counts once an admin approves.
#[utoipa::path(post, path = "/api/v1/me/jp", tag = "capacity", security(("bearer" = [])), request_body = ExternalRequest,
    responses((status = 201, body = Created), (status = 409), (status = 422)))]
pub(super) async fn submit_external(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(request): Json<ExternalRequest>,
) -> Result<Response, WebError> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(request.proof_base64.trim())
        .ok()
        .filter(|b| !b.is_empty());
    let proof = bytes.as_deref().map(|b| (request.proof_name.as_str(), b));
    let id = jp::submit_external(&app, &user, &request.entry, proof).await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// Approve an external JP entry (competency admin).
#[utoipa::path(post, path = "/api/v1/jp/{id}/approve", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 204), (status = 403), (status = 409), (status = 404)))]
pub(super) async fn approve_jp(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    jp::decide_external(&app, &user, &id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reject an external JP entry (competency admin).
#[utoipa::path(post, path = "/api/v1/jp/{id}/reject", tag = "capacity", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 204), (status = 403), (status = 409), (status = 404)))]
pub(super) async fn reject_jp(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    jp::decide_external(&app, &user, &id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Share of PNS at or above 20 JP per agency (competency admin, leader).
#[utoipa::path(get, path = "/api/v1/jp/compliance", tag = "capacity", security(("bearer" = [])), params(YearParam),
    responses((status = 200, body = [AgencyCompliance]), (status = 403)))]
pub(super) async fn compliance(
    State(app): State<AppState>,
    user: CurrentUser,
    Query(param): Query<YearParam>,
) -> Result<Json<Vec<AgencyCompliance>>, WebError> {
    let year = param
        .year
        .unwrap_or_else(|| i64::from(crate::today_wita().year()));
    Ok(Json(jp::compliance(&app, &user, year).await?))
}
