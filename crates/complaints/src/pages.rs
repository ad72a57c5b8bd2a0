//! HTML pages: the complaint form (with an optional photo, so the form is multipart; a plain
//! url-encoded post is accepted too), the confirmation with the number and access code, the
//! citizen's list and complaint, the anonymous look-up, the office inbox and complaint page, and
//! the Open311 key administration.

use askama::Template;
use axum::{
    Router,
    body::Bytes,
    extract::{DefaultBodyLimit, FromRequest, Path, Query, Request, State},
    http::{StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use platform::{
    AppState,
    auth::{CurrentUser, MaybeUser, csrf},
    clock,
    web::{
        Shell, WebError,
        context::{ClientAddress, RequestContext},
        error::FieldError,
        forms::{CsrfForm, FieldView, UploadProblem, field_errors},
    },
};
use serde::Deserialize;

use crate::{
    error::ComplaintError,
    filing::{self, Channel311, ComplaintInput, Extras, PhotoUpload},
    keys,
    model::{Action, Status},
    office,
    views::{self, CategoryView, ComplaintView, TimingView},
};

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/complaints", get(landing))
        .route(
            "/complaints/new",
            get(new_form)
                .post(file_complaint)
                .layer(DefaultBodyLimit::max(max_upload_bytes + 64 * 1024)),
        )
        .route("/complaints/lookup", get(lookup_form).post(lookup))
        .route("/complaints/{number}", get(own_complaint))
        .route("/complaints/{number}/photo", get(photo))
        .route("/office/complaints", get(inbox))
        .route("/office/complaints/{number}", get(office_complaint))
        .route("/office/complaints/{number}/actions", post(act))
        .route("/admin/open311-keys", get(keys_page).post(issue_key))
        .route("/admin/open311-keys/{id}/revoke", post(revoke_key))
}

fn page(template: &impl Template, status: StatusCode) -> Result<Response, WebError> {
    let html = template
        .render()
        .map_err(|e| WebError::Internal(e.into()))?;
    Ok((status, Html(html)).into_response())
}

fn error_for(errors: &[FieldError], name: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == name)
        .map(|e| e.message.clone())
}

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
    let text = |name: &'static str, value: &str| {
        FieldView::text(&tr, name, &format!("complaints.{name}"), value, &errors)
    };
    let limit_mb = format!("{:.0}", app.settings.max_upload_bytes as f64 / 1_048_576.0);
    let photo_error = error_for(&errors, "photo").map(|m| m.replace("{limit}", &limit_mb));
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
struct NewQuery {
    category: String,
    service: String,
}

async fn new_form(
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

async fn file_complaint(
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

// ---------- the citizen's complaints ----------

struct Line {
    number: String,
    category: String,
    status: String,
    filed: String,
}

#[derive(Template)]
#[template(path = "complaints.html")]
struct LandingPage {
    shell: Shell,
    citizen: bool,
    lines: Vec<Line>,
}

async fn landing(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
) -> Result<Response, WebError> {
    let mut lines = Vec::new();
    let citizen = user.as_ref().is_some_and(CurrentUser::is_citizen);
    if let Some(user) = user.as_ref().filter(|u| u.is_citizen()) {
        let categories = views::categories(&app, shell.tr.lang).await?;
        for row in filing::list_own(&app, user).await? {
            lines.push(Line {
                category: categories
                    .iter()
                    .find(|c| c.code == row.category_code)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                status: shell.t(row.status.label_key()).to_string(),
                filed: clock::format_wita(row.created_ms, shell.tr.lang),
                number: row.number,
            });
        }
    }
    page(
        &LandingPage {
            shell,
            citizen,
            lines,
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "complaint.html")]
struct ComplaintPage {
    shell: Shell,
    complaint: ComplaintView,
    photo_link: bool,
}

async fn own_complaint(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let Some(user) = user else {
        // Anonymous complaints are read with their access code.
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("number", &number)
            .finish();
        return Ok(Redirect::to(&format!("/complaints/lookup?{query}")).into_response());
    };
    let row = filing::get_own(&app, &user, &number).await?;
    let complaint = ComplaintView::new(&app, &row, &shell.tr).await?;
    page(
        &ComplaintPage {
            shell,
            photo_link: complaint.has_photo,
            complaint,
        },
        StatusCode::OK,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LookupInput {
    number: String,
    access_code: String,
}

#[derive(Template)]
#[template(path = "complaint_lookup.html")]
struct LookupPage {
    shell: Shell,
    fields: Vec<FieldView>,
    failed: bool,
    complaint: Option<ComplaintView>,
}

fn lookup_page(
    shell: Shell,
    number: &str,
    failed: bool,
    complaint: Option<ComplaintView>,
) -> LookupPage {
    let errors = Vec::new();
    let fields = vec![
        FieldView::text(&shell.tr, "number", "complaints.number", number, &errors)
            .hint(&shell.tr, "complaints.number_hint"),
        FieldView::text(
            &shell.tr,
            "access_code",
            "complaints.access_code",
            "",
            &errors,
        )
        .hint(&shell.tr, "complaints.access_code_hint"),
    ];
    LookupPage {
        shell,
        fields,
        failed,
        complaint,
    }
}

async fn lookup_form(shell: Shell, Query(query): Query<LookupInput>) -> Result<Response, WebError> {
    page(
        &lookup_page(shell, &query.number, false, None),
        StatusCode::OK,
    )
}

async fn lookup(
    State(app): State<AppState>,
    shell: Shell,
    ClientAddress(client): ClientAddress,
    CsrfForm(input): CsrfForm<LookupInput>,
) -> Result<Response, WebError> {
    match filing::lookup(&app, &client, &input.number, &input.access_code).await {
        Ok(row) => {
            let complaint = ComplaintView::new(&app, &row, &shell.tr).await?;
            page(
                &lookup_page(shell, &input.number, false, Some(complaint)),
                StatusCode::OK,
            )
        }
        Err(ComplaintError::NotFound) => page(
            &lookup_page(shell, &input.number, true, None),
            StatusCode::NOT_FOUND,
        ),
        Err(other) => Err(other.into()),
    }
}

/// The photo: for the complainant, or for the staff who handle the complaint.
async fn photo(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let row = if user.is_citizen() {
        filing::get_own(&app, &user, &number).await?
    } else {
        office::get_for_staff(&app, &user, &number).await?
    };
    let (bytes, kind) = filing::photo(&app, &row).await?;
    let name = format!("{}.{}", row.number, kind.as_str());
    Ok(platform::web::private_file(
        bytes,
        kind.content_type(),
        Some(&name),
        false,
    ))
}

// ---------- the office ----------

struct InboxLine {
    number: String,
    category: String,
    status: String,
    filed: String,
    timing: TimingView,
}

#[derive(Template)]
#[template(path = "office_complaints.html")]
struct InboxPage {
    shell: Shell,
    lines: Vec<InboxLine>,
}

async fn inbox(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let categories = views::categories(&app, shell.tr.lang).await?;
    let lines = office::inbox(&app, &user)
        .await?
        .into_iter()
        .map(|(row, timing)| InboxLine {
            category: categories
                .iter()
                .find(|c| c.code == row.category_code)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            status: shell.t(row.status.label_key()).to_string(),
            filed: clock::format_wita(row.created_ms, shell.tr.lang),
            timing: TimingView::new(&timing, &shell.tr),
            number: row.number,
        })
        .collect();
    page(&InboxPage { shell, lines }, StatusCode::OK)
}

struct ActionView {
    code: &'static str,
    label: String,
    note_label: Option<String>,
    forward: bool,
}

#[derive(Template)]
#[template(path = "office_complaint.html")]
struct OfficePage {
    shell: Shell,
    complaint: ComplaintView,
    timing: TimingView,
    contact: Vec<(String, String)>,
    actions: Vec<ActionView>,
    agencies: Vec<(String, String)>,
    errors: Vec<FieldError>,
    note: String,
}

async fn office_page(
    app: &AppState,
    shell: Shell,
    user: &CurrentUser,
    number: &str,
    errors: Vec<FieldError>,
    note: String,
) -> Result<OfficePage, WebError> {
    let row = office::get_for_staff(app, user, number).await?;
    let tr = &shell.tr;
    let calendar = services::holidays::load_calendar(app)
        .await
        .map_err(ComplaintError::from)?;
    let timing = TimingView::new(&office::timing(&calendar, &row), tr);
    let mut contact = Vec::new();
    if let Some(id) = &row.complainant_id {
        if let Some(c) = accounts::contact(app, id).await? {
            contact.push((tr.t("complaints.contact_name").to_string(), c.full_name));
            contact.extend(
                c.email
                    .map(|e| (tr.t("complaints.contact_email").to_string(), e)),
            );
            contact.extend(
                c.phone
                    .map(|p| (tr.t("complaints.contact_phone").to_string(), p)),
            );
        }
    } else {
        for (key, value) in [
            ("complaints.contact_name", &row.contact_name),
            ("complaints.contact_email", &row.contact_email),
            ("complaints.contact_phone", &row.contact_phone),
        ] {
            if !value.is_empty() {
                contact.push((tr.t(key).to_string(), value.clone()));
            }
        }
    }
    let actions = office::available_actions(&row)
        .into_iter()
        .map(|a| ActionView {
            code: a.as_str(),
            label: tr.t(a.label_key()).to_string(),
            note_label: a.note_key().map(|_| {
                tr.t(if a == Action::Respond {
                    "complaints.response"
                } else {
                    "complaints.reason"
                })
                .to_string()
            }),
            forward: a == Action::Forward,
        })
        .collect();
    let agencies = accounts::organisation::agency_tree(app)
        .await
        .map_err(|e| WebError::Internal(anyhow::anyhow!("{e}")))?
        .into_iter()
        .filter(|n| n.agency.id != row.agency_id && n.agency.kind != "kelurahan")
        .map(|n| (n.agency.code.clone(), n.indented_name(tr.lang)))
        .collect();
    Ok(OfficePage {
        complaint: ComplaintView::new(app, &row, tr).await?,
        timing,
        contact,
        actions,
        agencies,
        errors,
        note,
        shell,
    })
}

async fn office_complaint(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    page(
        &office_page(&app, shell, &user, &number, Vec::new(), String::new()).await?,
        StatusCode::OK,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ActInput {
    action: String,
    note: String,
    agency: String,
}

async fn act(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(number): Path<String>,
    CsrfForm(input): CsrfForm<ActInput>,
) -> Result<Response, WebError> {
    let action = Action::parse(&input.action).ok_or(WebError::BadRequest("error.bad_form"))?;
    match office::act(&app, &user, &number, action, &input.note, &input.agency).await {
        Ok(status) => {
            // A forwarded complaint leaves this desk unless the person handles the new agency too.
            let target = if action == Action::Forward && status == Status::Received {
                "/office/complaints".to_string()
            } else {
                format!("/office/complaints/{number}")
            };
            Ok(Redirect::to(&target).into_response())
        }
        Err(ComplaintError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &office_page(&app, shell, &user, &number, errors, input.note).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

// ---------- Open311 keys ----------

struct KeyLine {
    id: String,
    label: String,
    created: String,
    revoked: String,
}

#[derive(Template)]
#[template(path = "admin_open311_keys.html")]
struct KeysPage {
    shell: Shell,
    errors: Vec<FieldError>,
    label: FieldView,
    new_key: Option<String>,
    keys: Vec<KeyLine>,
}

async fn keys_view(
    app: &AppState,
    shell: Shell,
    user: &CurrentUser,
    label: &str,
    errors: Vec<FieldError>,
    new_key: Option<String>,
) -> Result<KeysPage, WebError> {
    let lang = shell.tr.lang;
    let keys = keys::list(app, user)
        .await?
        .into_iter()
        .map(|k| KeyLine {
            id: k.id,
            label: k.label,
            created: clock::format_wita(k.created_ms, lang),
            revoked: k
                .revoked_ms
                .map(|ms| clock::format_wita(ms, lang))
                .unwrap_or_default(),
        })
        .collect();
    Ok(KeysPage {
        label: FieldView::text(&shell.tr, "label", "complaints.key_label", label, &errors),
        errors,
        new_key,
        keys,
        shell,
    })
}

async fn keys_page(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    page(
        &keys_view(&app, shell, &user, "", Vec::new(), None).await?,
        StatusCode::OK,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct KeyInput {
    label: String,
}

async fn issue_key(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfForm(input): CsrfForm<KeyInput>,
) -> Result<Response, WebError> {
    match keys::issue(&app, &user, &input.label).await {
        Ok((_, key)) => page(
            &keys_view(&app, shell, &user, "", Vec::new(), Some(key)).await?,
            StatusCode::OK,
        ),
        Err(ComplaintError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &keys_view(&app, shell, &user, &input.label, errors, None).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

async fn revoke_key(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<KeyInput>,
) -> Result<Response, WebError> {
    keys::revoke(&app, &user, &id).await?;
    Ok(Redirect::to("/admin/open311-keys").into_response())
}
