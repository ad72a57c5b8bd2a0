//! The complaint form: multipart (for the optional photo) or url-encoded, every problem shown
//! next to its field with the typed values kept, and the confirmation with number and access code.

use askama::Template;
use axum::{
    body::Bytes,
    extract::{FromRequest, Query, Request, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use platform::{
    AppState,
    auth::{CurrentUser, MaybeUser, csrf},
    web::{
        Shell, WebError,
        context::RequestContext,
        error::FieldError,
        forms::{FieldView, UploadProblem, field_errors},
    },
};
use serde::Deserialize;

use super::{error_for, page};
use crate::{
    error::ComplaintError,
    filing::{self, Channel311, ComplaintInput, Extras, PhotoUpload},
    views::{self, CategoryView},
};

// ---------- the complaint form ----------

/// The complaint form as posted: the fields and the optional photo.
pub struct Submission {
    input: ComplaintInput,
    photo: PhotoUpload,
}

fn input_from(pairs: &[(String, String)]) -> ComplaintInput {
    let mut input = ComplaintInput::default();
    for (name, value) in pairs {
        let slot = match name.as_str() {
            "category" => &mut input.category,
            "service" => &mut input.service,
            "description" => &mut input.description,
            "lat" => &mut input.lat,
            "long" => &mut input.long,
            "address" => &mut input.address,
            "kelurahan" => &mut input.kelurahan,
            "contact_name" => &mut input.contact_name,
            "contact_email" => &mut input.contact_email,
            "contact_phone" => &mut input.contact_phone,
            _ => continue,
        };
        *slot = value.chars().take(5000).collect();
    }
    input
}

impl FromRequest<AppState> for Submission {
    type Rejection = Response;

    async fn from_request(request: Request, app: &AppState) -> Result<Self, Self::Rejection> {
        let expected = request
            .extensions()
            .get::<RequestContext>()
            .map(|c| c.csrf_token.clone())
            .unwrap_or_default();
        let action = request.uri().to_string();
        let multipart = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut photo: PhotoUpload = None;
        if multipart {
            let mut form = axum::extract::Multipart::from_request(request, app)
                .await
                .map_err(IntoResponse::into_response)?;
            loop {
                let field = match form.next_field().await {
                    Ok(Some(field)) => field,
                    Ok(None) => break,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        photo = Some(Err(UploadProblem::TooLarge));
                        break;
                    }
                    Err(_) => return Err(WebError::BadRequest("error.bad_form").into_response()),
                };
                let name = field.name().unwrap_or_default().to_string();
                if name == "photo" {
                    let named = field.file_name().is_some_and(|n| !n.is_empty());
                    match field.bytes().await {
                        Ok(bytes) if bytes.is_empty() && !named => {}
                        Ok(bytes) if bytes.is_empty() => photo = Some(Err(UploadProblem::Missing)),
                        Ok(bytes) => photo = Some(Ok(bytes.to_vec())),
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            photo = Some(Err(UploadProblem::TooLarge));
                            break;
                        }
                        Err(_) => {
                            return Err(WebError::BadRequest("error.bad_form").into_response());
                        }
                    }
                } else {
                    let value = field.text().await.unwrap_or_default();
                    pairs.push((name, value));
                }
            }
        } else {
            let bytes = Bytes::from_request(request, app)
                .await
                .map_err(IntoResponse::into_response)?;
            pairs = form_urlencoded::parse(&bytes).into_owned().collect();
        }
        let submitted = pairs
            .iter()
            .find(|(name, _)| name == csrf::FIELD)
            .map(|(_, value)| value.as_str())
            .unwrap_or_default();
        if !csrf::tokens_match(&expected, submitted) {
            let fields = pairs
                .into_iter()
                .filter(|(name, _)| name != csrf::FIELD)
                .collect();
            return Err(WebError::CsrfRejected { action, fields }.into_response());
        }
        Ok(Submission {
            input: input_from(&pairs),
            photo,
        })
    }
}

#[derive(Template)]
#[template(path = "complaint_new.html")]
struct FormPage {
    shell: Shell,
    errors: Vec<FieldError>,
    anonymous: bool,
    categories: Vec<CategoryView>,
    category: String,
    category_error: Option<String>,
    services: Vec<(String, String)>,
    service: String,
    service_error: Option<String>,
    description: FieldView,
    lat: FieldView,
    long: FieldView,
    address: FieldView,
    kelurahan_choices: Vec<(String, String)>,
    kelurahan: String,
    kelurahan_error: Option<String>,
    contact: Vec<FieldView>,
    photo_error: Option<String>,
    photo_hint: String,
}

async fn form_page(
    app: &AppState,
    shell: Shell,
    user: Option<&CurrentUser>,
    input: ComplaintInput,
    errors: Vec<FieldError>,
) -> Result<FormPage, WebError> {
    let tr = shell.tr.clone();
    let lang = tr.lang;
    let limit_mb = format!("{:.0}", app.settings.max_upload_bytes as f64 / 1_048_576.0);
    // The size limit comes from the settings, so its message is completed here (summary too).
    let errors: Vec<FieldError> = errors
        .into_iter()
        .map(|e| FieldError {
            message: e.message.replace("{limit}", &limit_mb),
            ..e
        })
        .collect();
    let photo_error = error_for(&errors, "photo");
    let text = |name: &'static str, value: &str| {
        FieldView::text(&tr, name, &format!("complaints.{name}"), value, &errors)
    };
    Ok(FormPage {
        anonymous: user.is_none(),
        categories: views::categories(app, lang).await?,
        category_error: error_for(&errors, "category"),
        services: views::service_choices(app, lang).await?,
        service_error: error_for(&errors, "service"),
        description: text("description", &input.description)
            .kind("textarea")
            .hint(&tr, "complaints.description_hint"),
        lat: text("lat", &input.lat)
            .optional(&tr)
            .hint(&tr, "complaints.lat_hint"),
        long: text("long", &input.long).optional(&tr),
        address: text("address", &input.address)
            .optional(&tr)
            .hint(&tr, "complaints.address_hint"),
        kelurahan_choices: filing::kelurahan_choices(app).await?,
        kelurahan_error: error_for(&errors, "kelurahan"),
        contact: vec![
            text("contact_name", &input.contact_name)
                .optional(&tr)
                .autocomplete("name"),
            text("contact_email", &input.contact_email)
                .kind("email")
                .optional(&tr)
                .autocomplete("email"),
            text("contact_phone", &input.contact_phone)
                .kind("tel")
                .optional(&tr)
                .autocomplete("tel")
                .hint(&tr, "complaints.contact_hint"),
        ],
        photo_error,
        photo_hint: tr.f("complaints.photo_hint", &[("limit", &limit_mb)]),
        category: input.category,
        service: input.service,
        kelurahan: input.kelurahan,
        errors,
        shell,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct NewQuery {
    category: String,
    service: String,
}

pub(super) async fn new_form(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
    Query(query): Query<NewQuery>,
) -> Result<Response, WebError> {
    if user.as_ref().is_some_and(|u| !u.is_citizen()) {
        return Err(WebError::Forbidden);
    }
    let input = ComplaintInput {
        category: query.category,
        service: query.service,
        ..Default::default()
    };
    page(
        &form_page(&app, shell, user.as_ref(), input, Vec::new()).await?,
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "complaint_filed.html")]
struct FiledPage {
    shell: Shell,
    number: String,
    access_code: Option<String>,
    filed_body: String,
}

pub(super) async fn file_complaint(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
    submission: Submission,
) -> Result<Response, WebError> {
    if user.as_ref().is_some_and(|u| !u.is_citizen()) {
        return Err(WebError::Forbidden);
    }
    let Submission { input, photo } = submission;
    let outcome = filing::file(
        &app,
        user.as_ref(),
        &input,
        photo,
        Channel311::Web,
        Extras::default(),
        shell.tr.lang,
    )
    .await;
    match outcome {
        Ok(filed) => page(
            &FiledPage {
                number: filed.number,
                access_code: filed.access_code,
                filed_body: shell
                    .tr
                    .f("complaints.filed_body", &[("agency", &filed.agency_name)]),
                shell,
            },
            StatusCode::OK,
        ),
        Err(ComplaintError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            let status = if problems.contains(&("photo", "complaints.photo_too_large")) {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            page(
                &form_page(&app, shell, user.as_ref(), input, errors).await?,
                status,
            )
        }
        Err(other) => Err(other.into()),
    }
}
