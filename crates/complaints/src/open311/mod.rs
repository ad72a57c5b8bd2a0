//! Open311 GeoReport v2 at `/open311/v2/`: the complaint categories as services (JSON and XML),
//! each service's definition with its attributes, reading requests (public fields only: never a
//! name, email or phone; the description and answer of complaints about a service stay with the
//! complainant), and filing a request with a partner's `api_key`. Errors use the spec's own
//! shape, `[{"code": 400, "description": "..."}]`, with the matching HTTP status.
//! Datetimes are W3C/RFC 3339 in WITA (`2026-11-29T14:05:00+08:00`).

mod format;

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{any, get},
};
use platform::{
    AppState, clock,
    web::{
        i18n::{Lang, Tr},
        shell::Shell,
    },
};
use serde::Serialize;

use self::format::{
    DEFINITION, Format, REQUESTS, SERVICES, error, errors, internal, parse_datetime, respond, w3c,
};
use crate::{
    error::ComplaintError,
    filing::{self, Channel311, ComplaintInput, Extras},
    keys,
    model::{ComplaintNumber, Status},
    office,
    store::{self, CategoryRow, ComplaintRow, PublicFilter},
    views,
};

pub fn routes() -> Router<AppState> {
    // Any other method gets the spec's error list too, not the API's own error shape.
    Router::new()
        .route(
            "/open311/v2/discovery.json",
            get(discovery).fallback(not_allowed),
        )
        .route(
            "/open311/v2/services.json",
            get(services_json).fallback(not_allowed),
        )
        .route(
            "/open311/v2/services.xml",
            get(services_xml).fallback(not_allowed),
        )
        .route(
            "/open311/v2/services/{file}",
            get(definition).fallback(not_allowed),
        )
        .route(
            "/open311/v2/requests.json",
            get(requests_json).post(post_json).fallback(not_allowed),
        )
        .route(
            "/open311/v2/requests.xml",
            get(requests_xml).post(post_xml).fallback(not_allowed),
        )
        .route(
            "/open311/v2/requests/{file}",
            get(request).fallback(not_allowed),
        )
        .route("/open311/v2/{*rest}", any(unknown))
}

// ---------- services ----------

fn pick<'a>(lang: Lang, id: &'a str, en: &'a str) -> &'a str {
    if lang == Lang::En && !en.is_empty() {
        en
    } else {
        id
    }
}

fn service_entry(category: &CategoryRow, lang: Lang) -> serde_json::Value {
    serde_json::json!({
        "service_code": category.code,
        "service_name": pick(lang, &category.name_id, &category.name_en),
        "description": pick(lang, &category.description_id, &category.description_en),
        // Every category has attributes (at least the kelurahan).
        "metadata": true,
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group_name,
    })
}

async fn services_list(app: &AppState, shell: &Shell, format: Format) -> Response {
    match store::list_categories(&app.db).await {
        Ok(categories) => respond(
            StatusCode::OK,
            format,
            SERVICES,
            serde_json::Value::Array(
                categories
                    .iter()
                    .map(|c| service_entry(c, shell.tr.lang))
                    .collect(),
            ),
        ),
        Err(e) => internal(format, &shell.tr, e.into()),
    }
}

async fn services_json(State(app): State<AppState>, shell: Shell) -> Response {
    services_list(&app, &shell, Format::Json).await
}

async fn services_xml(State(app): State<AppState>, shell: Shell) -> Response {
    services_list(&app, &shell, Format::Xml).await
}

async fn definition_body(
    app: &AppState,
    tr: &Tr,
    category: &CategoryRow,
) -> Result<serde_json::Value, ComplaintError> {
    let mut attributes = Vec::new();
    let mut order = 1;
    if category.about_a_service() {
        let values: Vec<serde_json::Value> = views::service_choices(app, tr.lang)
            .await?
            .into_iter()
            .map(|(code, name)| serde_json::json!({ "key": code, "name": name }))
            .collect();
        attributes.push(serde_json::json!({
            "variable": true,
            "code": "service",
            "datatype": "singlevaluelist",
            "required": true,
            "datatype_description": tr.t("complaints.o311_service_attribute_hint"),
            "order": order,
            "description": tr.t("complaints.service"),
            "values": values,
        }));
        order += 1;
    }
    let kelurahan: Vec<serde_json::Value> = filing::kelurahan_choices(app)
        .await?
        .into_iter()
        .map(|(code, name)| serde_json::json!({ "key": code, "name": name }))
        .collect();
    attributes.push(serde_json::json!({
        "variable": true,
        "code": "kelurahan",
        "datatype": "singlevaluelist",
        "required": false,
        "datatype_description": null,
        "order": order,
        "description": tr.t("complaints.kelurahan"),
        "values": kelurahan,
    }));
    Ok(serde_json::json!({
        "service_code": category.code,
        "attributes": attributes,
    }))
}

async fn definition(
    State(app): State<AppState>,
    shell: Shell,
    Path(file): Path<String>,
) -> Response {
    let Some((code, format)) = Format::split(&file) else {
        return error(
            Format::Json,
            StatusCode::NOT_FOUND,
            shell.t("complaints.o311_not_found"),
        );
    };
    let category = match store::find_category(&app.db, code).await {
        Ok(Some(category)) => category,
        Ok(None) => {
            return error(
                format,
                StatusCode::NOT_FOUND,
                shell.t("complaints.o311_unknown_service"),
            );
        }
        Err(e) => return internal(format, &shell.tr, e.into()),
    };
    match definition_body(&app, &shell.tr, &category).await {
        Ok(body) => respond(StatusCode::OK, format, DEFINITION, body),
        Err(e) => internal(format, &shell.tr, e),
    }
}

async fn discovery(State(app): State<AppState>) -> Response {
    let base = app
        .settings
        .base_url
        .as_str()
        .trim_end_matches('/')
        .to_string();
    Json(serde_json::json!({
        "changeset": "2026-11-29T21:00:00+08:00",
        "contact": "Kecamatan Alak, Kota Kupang — pengaduan melalui Sigap",
        "key_service": format!("{base}/admin/open311-keys"),
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": format!("{base}/open311/v2"),
            "changeset": "2026-11-29T21:00:00+08:00",
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }],
    }))
    .into_response()
}

// ---------- requests ----------

/// One request as anyone may read it: no personal data.
#[derive(Serialize)]
struct PublicRequest {
    service_request_id: String,
    status: &'static str,
    status_notes: Option<String>,
    service_name: String,
    service_code: String,
    description: Option<String>,
    agency_responsible: String,
    service_notice: Option<String>,
    requested_datetime: String,
    updated_datetime: String,
    expected_datetime: Option<String>,
    address: Option<String>,
    lat: Option<f64>,
    long: Option<f64>,
    media_url: Option<String>,
}

struct Lookups {
    categories: Vec<CategoryRow>,
    agencies: Vec<accounts::AgencyRow>,
    kelurahan: Vec<(String, String)>,
    calendar: services::calendar::Calendar,
}

async fn lookups(app: &AppState) -> Result<Lookups, ComplaintError> {
    let mut agencies = Vec::new();
    for node in accounts::organisation::agency_tree(app)
        .await
        .map_err(|e| ComplaintError::Internal(anyhow::anyhow!("{e}")))?
    {
        agencies.push(node.agency);
    }
    Ok(Lookups {
        categories: store::list_categories(&app.db).await?,
        agencies,
        kelurahan: filing::kelurahan_choices(app).await?,
        calendar: services::holidays::load_calendar(app).await?,
    })
}

fn public_request(row: &ComplaintRow, lookups: &Lookups, tr: &Tr) -> PublicRequest {
    let lang = tr.lang;
    let category = lookups
        .categories
        .iter()
        .find(|c| c.code == row.category_code);
    // What the complainant wrote about a service, and the answer to it, are theirs alone.
    let public = category.is_some_and(|c| !c.about_a_service());
    let status_notes = match row.status {
        Status::Answered | Status::Closed if public && !row.response.is_empty() => {
            Some(row.response.clone())
        }
        Status::Answered | Status::Closed => {
            Some(tr.t("complaints.o311_answered_privately").to_string())
        }
        Status::NotRelevant | Status::Received if public && !row.status_note.is_empty() => {
            Some(row.status_note.clone())
        }
        _ => None,
    };
    let kelurahan = lookups
        .kelurahan
        .iter()
        .find(|(code, _)| *code == row.kelurahan_code)
        .map(|(_, name)| name.clone());
    let address = match (row.address.is_empty(), kelurahan) {
        (false, Some(k)) => Some(format!("{}, {k}", row.address)),
        (false, None) => Some(row.address.clone()),
        (true, Some(k)) => Some(k),
        (true, None) => None,
    };
    let expected = (row.status == Status::Received).then(|| {
        let timing = office::timing(&lookups.calendar, row);
        format!("{}T16:00:00+08:00", timing.verify_by)
    });
    PublicRequest {
        service_request_id: row.number.clone(),
        status: row.status.open311(),
        status_notes,
        service_name: category
            .map(|c| pick(lang, &c.name_id, &c.name_en).to_string())
            .unwrap_or_default(),
        service_code: row.category_code.clone(),
        description: public.then(|| row.description.clone()),
        agency_responsible: lookups
            .agencies
            .iter()
            .find(|a| a.id == row.agency_id)
            .map(|a| pick(lang, &a.name_id, &a.name_en).to_string())
            .unwrap_or_default(),
        service_notice: None,
        requested_datetime: w3c(row.created_ms),
        updated_datetime: w3c(row.updated_ms),
        expected_datetime: expected,
        address,
        lat: row.lat,
        long: row.lon,
        // Uploaded photos are private; only a link the partner app hosts itself is public.
        media_url: Some(row.media_url.clone()).filter(|u| !u.is_empty()),
    }
}

fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn first<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or_default()
}

fn split_list(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

async fn list_requests(
    app: &AppState,
    shell: &Shell,
    format: Format,
    query: Option<&str>,
) -> Response {
    let tr = &shell.tr;
    let pairs = query_pairs(query);
    let mut filter = PublicFilter {
        limit: 1000,
        ..Default::default()
    };
    let mut problems = Vec::new();
    let ids = split_list(first(&pairs, "service_request_id"));
    if !ids.is_empty() {
        // The spec: with service_request_id, every other parameter is ignored.
        for id in ids {
            match ComplaintNumber::parse(&id) {
                Some(number) => filter.numbers.push(number.to_string()),
                None => filter.numbers.push(id),
            }
        }
    } else {
        filter.categories = split_list(first(&pairs, "service_code"));
        for (name, slot) in [
            ("start_date", &mut filter.start_ms),
            ("end_date", &mut filter.end_ms),
        ] {
            let raw = first(&pairs, name);
            if !raw.is_empty() {
                match parse_datetime(raw) {
                    Some(ms) => *slot = Some(ms),
                    None => problems.push(tr.f("complaints.o311_bad_date", &[("field", name)])),
                }
            }
        }
        for status in split_list(first(&pairs, "status")) {
            match status.as_str() {
                "open" => filter
                    .statuses
                    .extend(["received", "in_progress", "answered"]),
                "closed" => filter.statuses.extend(["closed", "not_relevant"]),
                _ => problems.push(tr.t("complaints.o311_bad_status").to_string()),
            }
        }
        // Default span: the last 90 days (the spec's default query limit).
        if filter.start_ms.is_none() && filter.end_ms.is_none() {
            filter.start_ms = Some(clock::now_ms() - 90 * DAY_MS);
        }
    }
    if !problems.is_empty() {
        return errors(format, StatusCode::BAD_REQUEST, &problems);
    }
    let outcome = async {
        let rows = store::list_public(&app.db, &filter).await?;
        let lookups = lookups(app).await?;
        Ok::<_, ComplaintError>(
            rows.iter()
                .map(|row| public_request(row, &lookups, tr))
                .collect::<Vec<_>>(),
        )
    }
    .await;
    match outcome
        .and_then(|list| serde_json::to_value(list).map_err(|e| ComplaintError::Internal(e.into())))
    {
        Ok(body) => respond(StatusCode::OK, format, REQUESTS, body),
        Err(e) => internal(format, tr, e),
    }
}

async fn requests_json(
    State(app): State<AppState>,
    shell: Shell,
    RawQuery(query): RawQuery,
) -> Response {
    list_requests(&app, &shell, Format::Json, query.as_deref()).await
}

async fn requests_xml(
    State(app): State<AppState>,
    shell: Shell,
    RawQuery(query): RawQuery,
) -> Response {
    list_requests(&app, &shell, Format::Xml, query.as_deref()).await
}

async fn request(State(app): State<AppState>, shell: Shell, Path(file): Path<String>) -> Response {
    let Some((id, format)) = Format::split(&file) else {
        return error(
            Format::Json,
            StatusCode::NOT_FOUND,
            shell.t("complaints.o311_not_found"),
        );
    };
    let Some(number) = ComplaintNumber::parse(id) else {
        return error(
            format,
            StatusCode::NOT_FOUND,
            shell.t("complaints.o311_unknown_request"),
        );
    };
    let outcome = async {
        let row = store::find_by_number(&app.db, number.as_str())
            .await?
            .ok_or(ComplaintError::NotFound)?;
        let lookups = lookups(&app).await?;
        Ok::<_, ComplaintError>(public_request(&row, &lookups, &shell.tr))
    }
    .await;
    match outcome {
        Ok(found) => match serde_json::to_value(vec![found]) {
            Ok(body) => respond(StatusCode::OK, format, REQUESTS, body),
            Err(e) => internal(format, &shell.tr, ComplaintError::Internal(e.into())),
        },
        Err(ComplaintError::NotFound) => error(
            format,
            StatusCode::NOT_FOUND,
            shell.t("complaints.o311_unknown_request"),
        ),
        Err(e) => internal(format, &shell.tr, e),
    }
}

/// Open311's name for one of our fields, for error descriptions.
fn spec_field(field: &str) -> &'static str {
    match field {
        "category" => "service_code",
        "service" => "attribute[service]",
        "kelurahan" => "attribute[kelurahan]",
        "lat" => "lat/long",
        "address" => "address_string",
        "contact_email" => "email",
        "contact_phone" => "phone",
        "contact_name" => "first_name/last_name",
        "photo" => "media_url",
        _ => "description",
    }
}

async fn create(app: &AppState, shell: &Shell, format: Format, body: &[u8]) -> Response {
    let tr = &shell.tr;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let key_id = match keys::verify(app, first(&pairs, "api_key")).await {
        Ok(Some(id)) => id,
        Ok(None) => {
            return error(
                format,
                StatusCode::FORBIDDEN,
                tr.t("complaints.o311_bad_key"),
            );
        }
        Err(e) => return internal(format, tr, e),
    };
    let name = format!(
        "{} {}",
        first(&pairs, "first_name"),
        first(&pairs, "last_name")
    );
    let input = ComplaintInput {
        category: first(&pairs, "service_code").to_string(),
        service: first(&pairs, "attribute[service]").to_string(),
        description: first(&pairs, "description").to_string(),
        lat: first(&pairs, "lat").to_string(),
        long: first(&pairs, "long").to_string(),
        address: first(&pairs, "address_string").to_string(),
        kelurahan: first(&pairs, "attribute[kelurahan]").to_string(),
        contact_name: name.trim().to_string(),
        contact_email: first(&pairs, "email").to_string(),
        contact_phone: first(&pairs, "phone").to_string(),
    };
    let mut problems = Vec::new();
    if input.category.is_empty() {
        problems.push(tr.t("complaints.o311_service_code_required").to_string());
    }
    // The spec requires a location: lat and long, or address_string.
    if (input.lat.is_empty() || input.long.is_empty()) && input.address.is_empty() {
        problems.push(tr.t("complaints.o311_location_required").to_string());
    }
    let media_url = first(&pairs, "media_url");
    if !media_url.is_empty()
        && (media_url.len() > 500
            || !(media_url.starts_with("https://") || media_url.starts_with("http://")))
    {
        problems.push(tr.t("complaints.o311_bad_media_url").to_string());
    }
    if !problems.is_empty() {
        return errors(format, StatusCode::BAD_REQUEST, &problems);
    }
    let extras = Extras {
        api_key_id: Some(key_id),
        media_url: media_url.to_string(),
    };
    match filing::file(
        app,
        None,
        &input,
        None,
        Channel311::Open311,
        extras,
        tr.lang,
    )
    .await
    {
        Ok(filed) => respond(
            StatusCode::OK,
            format,
            REQUESTS,
            serde_json::json!([{
                "service_request_id": filed.number,
                "service_notice": tr.f("complaints.o311_notice", &[("agency", &filed.agency_name)]),
                "account_id": null,
            }]),
        ),
        Err(ComplaintError::Invalid(problems)) => {
            let descriptions: Vec<String> = problems
                .iter()
                .map(|(field, key)| format!("{}: {}", spec_field(field), tr.t(key)))
                .collect();
            errors(format, StatusCode::BAD_REQUEST, &descriptions)
        }
        Err(e) => internal(format, tr, e),
    }
}

async fn post_json(State(app): State<AppState>, shell: Shell, body: Bytes) -> Response {
    create(&app, &shell, Format::Json, &body).await
}

async fn post_xml(State(app): State<AppState>, shell: Shell, body: Bytes) -> Response {
    create(&app, &shell, Format::Xml, &body).await
}

async fn not_allowed(shell: Shell) -> Response {
    error(
        Format::Json,
        StatusCode::METHOD_NOT_ALLOWED,
        shell.t("complaints.o311_method"),
    )
}

async fn unknown(shell: Shell) -> Response {
    error(
        Format::Json,
        StatusCode::NOT_FOUND,
        shell.t("complaints.o311_not_found"),
    )
}
