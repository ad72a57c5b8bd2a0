//! The citizen's side: the complaints landing page and list, one's own complaint, the anonymous
//! look-up with number and access code, and the photo for its owner or the responsible staff.

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use platform::{
    AppState,
    auth::{CurrentUser, MaybeUser},
    clock,
    web::{
        Shell, WebError,
        context::ClientAddress,
        forms::{CsrfForm, FieldView},
    },
};
use serde::Deserialize;

use super::page;
use crate::{
    error::ComplaintError,
    filing, office,
    views::{self, ComplaintView},
};

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

pub(super) async fn landing(
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

pub(super) async fn own_complaint(
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
pub(super) struct LookupInput {
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

pub(super) async fn lookup_form(
    shell: Shell,
    Query(query): Query<LookupInput>,
) -> Result<Response, WebError> {
    page(
        &lookup_page(shell, &query.number, false, None),
        StatusCode::OK,
    )
}

pub(super) async fn lookup(
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
pub(super) async fn photo(
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
