//! The shapes of Open311 answers: JSON, or XML written by hand in the spec's element order (a
//! handful of flat elements, escaped), the spec's error list, and W3C datetimes in WITA.

use std::fmt::Write as _;

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use platform::{clock, web::i18n::Tr};

use crate::error::ComplaintError;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Json,
    Xml,
}

impl Format {
    /// `name.json` → ("name", Json).
    pub(super) fn split(file: &str) -> Option<(&str, Format)> {
        if let Some(stem) = file.strip_suffix(".json") {
            Some((stem, Format::Json))
        } else {
            file.strip_suffix(".xml").map(|stem| (stem, Format::Xml))
        }
    }
}

// ---------- XML, written by hand: a handful of flat elements ----------

pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// Element order of the spec's XML examples (JSON objects have none): services,
/// service definitions, requests, errors.
pub(super) const SERVICE_ORDER: &[&str] = &[
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
];
pub(super) const DEFINITION_ORDER: &[&str] = &[
    "service_code",
    "attributes",
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
    "key",
    "name",
];
pub(super) const REQUEST_ORDER: &[&str] = &[
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
    "token",
    "account_id",
];
pub(super) const ERROR_ORDER: &[&str] = &["code", "description"];

/// (root element, item element, element order) of each kind of answer.
pub(super) type Shape = (&'static str, &'static str, &'static [&'static str]);
pub(super) const SERVICES: Shape = ("services", "service", SERVICE_ORDER);
pub(super) const DEFINITION: Shape = ("service_definition", "item", DEFINITION_ORDER);
pub(super) const REQUESTS: Shape = ("service_requests", "request", REQUEST_ORDER);
pub(super) const ERRORS: Shape = ("errors", "error", ERROR_ORDER);

/// A JSON value as XML elements (objects become elements in `order`, arrays repeat
/// `item_name`).
pub(super) fn xml_value(
    out: &mut String,
    name: &str,
    value: &serde_json::Value,
    item_name: &str,
    order: &[&str],
) {
    use serde_json::Value;
    match value {
        Value::Null => {
            let _ = write!(out, "<{name}/>");
        }
        Value::Object(map) => {
            let _ = write!(out, "<{name}>");
            let mut entries: Vec<_> = map.iter().collect();
            entries
                .sort_by_key(|(key, _)| order.iter().position(|k| k == key).unwrap_or(order.len()));
            for (key, inner) in entries {
                let singular = match key.as_str() {
                    "attributes" => "attribute",
                    "values" => "value",
                    _ => "item",
                };
                xml_value(out, key, inner, singular, order);
            }
            let _ = write!(out, "</{name}>");
        }
        Value::Array(items) => {
            let _ = write!(out, "<{name}>");
            for item in items {
                xml_value(out, item_name, item, "item", order);
            }
            let _ = write!(out, "</{name}>");
        }
        Value::String(text) => {
            let _ = write!(out, "<{name}>{}</{name}>", escape(text));
        }
        other => {
            let _ = write!(out, "<{name}>{other}</{name}>");
        }
    }
}

pub(super) fn respond(
    status: StatusCode,
    format: Format,
    (root, item, order): (&str, &str, &[&str]),
    body: serde_json::Value,
) -> Response {
    match format {
        Format::Json => (status, Json(body)).into_response(),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            xml_value(&mut out, root, &body, item, order);
            let mut response = (status, out).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/xml; charset=utf-8"),
            );
            response
        }
    }
}

/// The spec's error list, one entry per problem, with the HTTP status of the first.
pub(super) fn errors(format: Format, status: StatusCode, descriptions: &[String]) -> Response {
    let body: Vec<serde_json::Value> = descriptions
        .iter()
        .map(|d| serde_json::json!({ "code": status.as_u16(), "description": d }))
        .collect();
    respond(status, format, ERRORS, serde_json::Value::Array(body))
}

pub(super) fn error(format: Format, status: StatusCode, description: &str) -> Response {
    errors(format, status, &[description.to_string()])
}

pub(super) fn internal(format: Format, tr: &Tr, cause: ComplaintError) -> Response {
    match cause {
        ComplaintError::NotFound => error(
            format,
            StatusCode::NOT_FOUND,
            tr.t("complaints.o311_not_found"),
        ),
        other => {
            let reference = platform::ids::new_id();
            tracing::error!(error.reference = %reference, error = ?other, "open311 request failed");
            error(
                format,
                StatusCode::INTERNAL_SERVER_ERROR,
                &tr.f("complaints.o311_internal", &[("reference", &reference)]),
            )
        }
    }
}

/// "2026-11-29T14:05:00+08:00"
pub(super) fn w3c(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|ts| {
            ts.to_zoned(clock::wita().clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        })
        .unwrap_or_default()
}

/// A W3C datetime with an offset, or a bare date (taken as WITA midnight).
pub(super) fn parse_datetime(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    if let Ok(ts) = raw.parse::<jiff::Timestamp>() {
        return Some(ts.as_millisecond());
    }
    let date: jiff::civil::Date = raw.parse().ok()?;
    date.to_zoned(clock::wita().clone())
        .ok()
        .map(|z| z.timestamp().as_millisecond())
}
