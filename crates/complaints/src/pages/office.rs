//! The office: the inbox with the verification deadline, a complaint with its contact and the
//! actions its status allows.

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use platform::{
    AppState,
    auth::CurrentUser,
    clock,
    web::{
        Shell, WebError,
        error::FieldError,
        forms::{CsrfForm, field_errors},
    },
};
use serde::Deserialize;

use super::page;
use crate::{
    error::ComplaintError,
    model::{Action, Status},
    office,
    views::{self, ComplaintView, TimingView},
};

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
    all: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct InboxQuery {
    /// `1`: finished complaints too.
    all: String,
}

pub(super) async fn inbox(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<InboxQuery>,
) -> Result<Response, WebError> {
    let all = query.all == "1";
    let categories = views::categories(&app, shell.tr.lang).await?;
    let lines = office::inbox(&app, &user, all)
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
    page(&InboxPage { shell, lines, all }, StatusCode::OK)
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

pub(super) async fn office_complaint(
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
pub(super) struct ActInput {
    action: String,
    note: String,
    agency: String,
}

pub(super) async fn act(
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
