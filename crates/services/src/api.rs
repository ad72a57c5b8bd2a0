//! JSON API of the catalogue and the working-day calendar under `/api/v1`.

use axum::{
    Json, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{delete, get},
};
use platform::{
    AppState,
    auth::{CurrentUser, MaybeUser},
    web::WebError,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::{
    calendar,
    catalogue::{self, Actor, InternalStandard, Service},
    forms::{self, Choice, DateRule, FieldDef, FieldKind, FormDefinition, FormVersionSummary},
    holidays::{self, HolidayInput},
    model::{Category, DocumentType, Requirement, ServiceInput, Step},
    store::{self, Holiday},
};

#[derive(OpenApi)]
#[openapi(
    paths(list_services, get_service, create_service, update_service, get_form, get_form_version, form_history, publish_form,
          list_holidays, add_holiday, remove_holiday, deadline),
    components(schemas(Service, InternalStandard, Requirement, Step, DocumentType, Category, ServiceInput, ServiceUpdate,
                       Holiday, HolidayInput, Deadline, CreatedService, FormDefinition, FieldDef, FieldKind, DateRule, Choice,
                       FormUpdate, FormVersionSummary)),
    tags((name = "services", description = "Service catalogue, service standards and the working-day calendar"))
)]
pub struct ApiDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/services", get(list_services).post(create_service))
        .route(
            "/api/v1/services/{code}",
            get(get_service).put(update_service),
        )
        .route(
            "/api/v1/services/{code}/form",
            get(get_form).put(publish_form),
        )
        .route("/api/v1/services/{code}/form/history", get(form_history))
        .route(
            "/api/v1/services/{code}/form/versions/{version}",
            get(get_form_version),
        )
        .route("/api/v1/holidays", get(list_holidays).post(add_holiday))
        .route("/api/v1/holidays/{day}", delete(remove_holiday))
        .route("/api/v1/working-days/deadline", get(deadline))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct ServiceFilter {
    /// Words to look for in names and summaries.
    q: String,
    /// `licensing` or `non_licensing`.
    category: String,
}

/// Published services with their public standard.
#[utoipa::path(get, path = "/api/v1/services", tag = "services", params(ServiceFilter), responses((status = 200, body = [Service])))]
async fn list_services(
    State(app): State<AppState>,
    Query(filter): Query<ServiceFilter>,
) -> Result<Json<Vec<Service>>, WebError> {
    Ok(Json(
        catalogue::list_published(&app, &filter.q, Category::parse(&filter.category)).await?,
    ))
}

/// One service; its internal standard only for those who manage it.
#[utoipa::path(get, path = "/api/v1/services/{code}", tag = "services", params(("code" = String, Path)),
    responses((status = 200, body = Service), (status = 404)))]
async fn get_service(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(code): Path<String>,
) -> Result<Json<Service>, WebError> {
    Ok(Json(
        catalogue::get_service(&app, &code, user.as_ref()).await?,
    ))
}

#[derive(Serialize, ToSchema)]
struct CreatedService {
    code: String,
}

/// Add a service (service admin of the owning agency, or superadmin).
#[utoipa::path(post, path = "/api/v1/services", tag = "services", security(("bearer" = [])), request_body = ServiceInput,
    responses((status = 201, body = CreatedService), (status = 403), (status = 422)))]
async fn create_service(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(input): Json<ServiceInput>,
) -> Result<Response, WebError> {
    let code = catalogue::create_service(&app, Actor::User(&user), &input).await?;
    Ok((StatusCode::CREATED, Json(CreatedService { code })).into_response())
}

/// A service's new version: every field, plus the version it was read at.
#[derive(Deserialize, ToSchema)]
pub struct ServiceUpdate {
    /// The `version` the editor read; a newer one in the database means someone else saved first.
    version: i64,
    #[serde(flatten)]
    service: ServiceInput,
}

/// Replace a service's standard. 409 when someone else saved since `version`.
#[utoipa::path(put, path = "/api/v1/services/{code}", tag = "services", security(("bearer" = [])), request_body = ServiceUpdate,
    params(("code" = String, Path)), responses((status = 204), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update_service(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Json(update): Json<ServiceUpdate>,
) -> Result<StatusCode, WebError> {
    catalogue::update_service(
        &app,
        Actor::User(&user),
        &code,
        update.version,
        &update.service,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The questions a published service's application form asks now (beyond purpose, kelurahan
/// and address); version 0 with no fields when the service has none.
#[utoipa::path(get, path = "/api/v1/services/{code}/form", tag = "services", params(("code" = String, Path)),
    responses((status = 200, body = FormDefinition), (status = 404)))]
async fn get_form(
    State(app): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<FormDefinition>, WebError> {
    Ok(Json(forms::current_for_code(&app, &code).await?))
}

/// One earlier version of a service's form, as applications filed under it ask it.
#[utoipa::path(get, path = "/api/v1/services/{code}/form/versions/{version}", tag = "services",
    params(("code" = String, Path), ("version" = i64, Path)), responses((status = 200, body = FormDefinition), (status = 404)))]
async fn get_form_version(
    State(app): State<AppState>,
    Path((code, version)): Path<(String, i64)>,
) -> Result<Json<FormDefinition>, WebError> {
    let service = store::find_service(&app.db, &code)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Json(forms::of_version(&app, &service.id, version).await?))
}

/// Every version of a service's form with who made it (its service admins).
#[utoipa::path(get, path = "/api/v1/services/{code}/form/history", tag = "services", security(("bearer" = [])),
    params(("code" = String, Path)), responses((status = 200, body = [FormVersionSummary]), (status = 403), (status = 404)))]
async fn form_history(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Json<Vec<FormVersionSummary>>, WebError> {
    Ok(Json(forms::history(&app, &user, &code).await?))
}

/// A form's next version: every question, plus the version the editor started from.
#[derive(Deserialize, ToSchema)]
pub struct FormUpdate {
    /// The version read; if another was published since, nothing changes (409).
    base_version: i64,
    fields: Vec<FieldDef>,
}

/// Publish a new version of a service's form (service admin of its agency). Errors name each
/// problem as `fields.<n>.<attribute>`.
#[utoipa::path(put, path = "/api/v1/services/{code}/form", tag = "services", security(("bearer" = [])), request_body = FormUpdate,
    params(("code" = String, Path)), responses((status = 200, body = FormDefinition), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn publish_form(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Json(update): Json<FormUpdate>,
) -> Result<Json<FormDefinition>, WebError> {
    Ok(Json(
        forms::publish(&app, &user, &code, update.base_version, update.fields).await?,
    ))
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct YearFilter {
    /// Only this year's holidays.
    year: Option<i16>,
}

/// Holidays and collective leave days.
#[utoipa::path(get, path = "/api/v1/holidays", tag = "services", params(YearFilter), responses((status = 200, body = [Holiday])))]
async fn list_holidays(
    State(app): State<AppState>,
    Query(filter): Query<YearFilter>,
) -> Result<Json<Vec<Holiday>>, WebError> {
    Ok(Json(store::list_holidays(&app.db, filter.year).await?))
}

/// Add a holiday (service admin or superadmin).
#[utoipa::path(post, path = "/api/v1/holidays", tag = "services", security(("bearer" = [])), request_body = HolidayInput,
    responses((status = 201), (status = 403), (status = 422)))]
async fn add_holiday(
    State(app): State<AppState>,
    user: CurrentUser,
    Json(input): Json<HolidayInput>,
) -> Result<StatusCode, WebError> {
    holidays::add_holiday(&app, Some(&user), &input).await?;
    Ok(StatusCode::CREATED)
}

/// Remove a holiday (service admin or superadmin).
#[utoipa::path(delete, path = "/api/v1/holidays/{day}", tag = "services", security(("bearer" = [])), params(("day" = String, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
async fn remove_holiday(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(day): Path<String>,
) -> Result<StatusCode, WebError> {
    holidays::remove_holiday(&app, &user, &day).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
struct DeadlineQuery {
    /// Start date, YYYY-MM-DD (WITA).
    from: String,
    /// Working days to add (0–365).
    days: String,
}

#[derive(Serialize, ToSchema)]
struct Deadline {
    from: String,
    days: u32,
    /// The `days`-th working day after `from`.
    deadline: String,
}

/// The deadline `days` working days after `from`, skipping weekends and holidays.
#[utoipa::path(get, path = "/api/v1/working-days/deadline", tag = "services", params(DeadlineQuery),
    responses((status = 200, body = Deadline), (status = 422)))]
async fn deadline(
    State(app): State<AppState>,
    Query(query): Query<DeadlineQuery>,
) -> Result<Json<Deadline>, WebError> {
    let mut problems = Vec::new();
    let from = calendar::parse_date(&query.from);
    if from.is_none() {
        problems.push(("from".to_string(), "services.date_invalid"));
    }
    let days = query.days.trim().parse::<u32>().ok().filter(|d| *d <= 365);
    if days.is_none() {
        problems.push(("days".to_string(), "services.days_invalid"));
    }
    let (Some(from), Some(days)) = (from, days) else {
        return Err(WebError::Invalid(problems));
    };
    let calendar = holidays::load_calendar(&app).await?;
    Ok(Json(Deadline {
        from: from.to_string(),
        days,
        deadline: calendar.add_working_days(from, days).to_string(),
    }))
}
