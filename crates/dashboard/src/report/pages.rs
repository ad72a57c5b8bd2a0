//! The report's pages: the commentary form of a month and agency scope (with its versions) and
//! the PDF download.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse as _, Redirect, Response},
    routing::get,
};
use platform::{
    AppState,
    auth::CurrentUser,
    clock,
    web::{
        Shell, WebError,
        error::FieldError,
        forms::{CsrfForm, field_errors},
        i18n::Lang,
        page,
    },
};
use serde::Deserialize;

use super::{Commentary, SaveProblem};
use crate::{error::DashboardError, exports::download};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard/report", get(report_form).post(save_commentary))
        .route("/dashboard/report.pdf", get(report_pdf))
}

/// `month` (`YYYY-MM`, default the previous month) and `agency` (a code).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportQuery {
    pub month: String,
    pub agency: String,
    /// Set after a save, to say so.
    pub saved: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommentaryForm {
    pub month: String,
    pub agency: String,
    /// The version the writer saw (0 for none).
    pub based_on: String,
    pub commentary: String,
}

struct Choice {
    code: String,
    name: String,
}

struct Version {
    version: i64,
    author: String,
    written: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    shell: Shell,
    month: String,
    agency: String,
    /// Whether "every agency" may be chosen.
    everything: bool,
    agencies: Vec<Choice>,
    errors: Vec<FieldError>,
    commentary: String,
    based_on: i64,
    versions: Vec<Version>,
    saved: bool,
    pdf_query: String,
    month_label: String,
    scope_name: String,
}

impl ReportPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

fn query(month: &str, agency: &str) -> String {
    let encode = |v: &str| form_urlencoded::byte_serialize(v.trim().as_bytes()).collect::<String>();
    let mut out = format!("month={}", encode(month));
    if !agency.trim().is_empty() {
        out.push_str(&format!("&agency={}", encode(agency)));
    }
    out
}

/// What the form shows besides the typed values.
struct Typed<'a> {
    month: &'a str,
    agency: &'a str,
    commentary: Option<&'a str>,
    based_on: Option<i64>,
}

async fn render(
    app: &AppState,
    shell: Shell,
    user: &CurrentUser,
    typed: Typed<'_>,
    mut errors: Vec<FieldError>,
    status: StatusCode,
    saved: bool,
) -> Result<Response, WebError> {
    let lang = shell.tr.lang;
    let all = shell.tr.t("report.all_agencies").to_string();
    let visibility = crate::filters::visibility(app, user).await?;
    let agencies = visibility
        .visible_agencies()
        .into_iter()
        .map(|a| Choice {
            code: a.code.clone(),
            name: if lang == Lang::En {
                a.name_en.clone()
            } else {
                a.name_id.clone()
            },
        })
        .collect();
    let (checked, month, agency) =
        match super::check(app, user, typed.month, typed.agency, lang, &all).await {
            Ok(request) => {
                let month = request.month.to_string();
                let agency = request.scope.agency_code.clone();
                (Some(request), month, agency)
            }
            Err(DashboardError::Invalid(problems)) => {
                errors.extend(field_errors(&shell.tr, &problems));
                (None, typed.month.to_string(), typed.agency.to_string())
            }
            Err(other) => return Err(other.into()),
        };
    let (history, month_label, scope_name) = match &checked {
        Some(request) => (
            super::history(app, request.month, &request.scope.agency_id).await?,
            request.month.label(lang),
            request.scope.agency_name.clone(),
        ),
        None => (Vec::new(), String::new(), String::new()),
    };
    let latest: Option<&Commentary> = history.first();
    let status = if errors.is_empty() {
        status
    } else if status == StatusCode::OK {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        status
    };
    page(
        &ReportPage {
            pdf_query: query(&month, &agency),
            month,
            agency,
            everything: visibility.everything,
            agencies,
            commentary: typed
                .commentary
                .map(str::to_string)
                .or_else(|| latest.map(|c| c.body.clone()))
                .unwrap_or_default(),
            based_on: typed
                .based_on
                .or_else(|| latest.map(|c| c.version))
                .unwrap_or(0),
            versions: history
                .iter()
                .map(|c| Version {
                    version: c.version,
                    author: c.author_name.clone(),
                    written: clock::format_wita(c.written_ms, lang),
                })
                .collect(),
            errors,
            saved,
            month_label,
            scope_name,
            shell,
        },
        status,
    )
}

async fn report_form(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let typed = Typed {
        month: &q.month,
        agency: &q.agency,
        commentary: None,
        based_on: None,
    };
    render(
        &app,
        shell,
        &user,
        typed,
        Vec::new(),
        StatusCode::OK,
        q.saved == "1",
    )
    .await
}

async fn save_commentary(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<CommentaryForm>,
) -> Result<Response, WebError> {
    let all = shell.tr.t("report.all_agencies").to_string();
    let typed = Typed {
        month: &form.month,
        agency: &form.agency,
        commentary: Some(&form.commentary),
        based_on: form.based_on.trim().parse().ok(),
    };
    let request =
        match super::check(&app, &user, &form.month, &form.agency, shell.tr.lang, &all).await {
            Ok(request) => request,
            Err(DashboardError::Invalid(_)) => {
                return render(&app, shell, &user, typed, Vec::new(), StatusCode::OK, false).await;
            }
            Err(other) => return Err(other.into()),
        };
    let Ok(based_on) = form.based_on.trim().parse::<i64>().or_else(|_| {
        if form.based_on.trim().is_empty() {
            Ok(0)
        } else {
            Err(())
        }
    }) else {
        return Err(WebError::BadRequest("error.bad_form"));
    };
    match super::save(
        &app,
        &user,
        request.month,
        &request.scope.agency_id,
        based_on,
        &form.commentary,
    )
    .await?
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/dashboard/report?{}&saved=1",
            query(&request.month.to_string(), &request.scope.agency_code)
        ))
        .into_response()),
        Err(SaveProblem::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            render(&app, shell, &user, typed, errors, StatusCode::OK, false).await
        }
        Err(SaveProblem::Stale) => {
            // Keep what was typed; the newer version is listed, and the next save is based on it.
            let errors = field_errors(&shell.tr, &[("commentary", "report.commentary_stale")]);
            let typed = Typed {
                based_on: None,
                ..typed
            };
            render(
                &app,
                shell,
                &user,
                typed,
                errors,
                StatusCode::CONFLICT,
                false,
            )
            .await
        }
    }
}

async fn report_pdf(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let all = shell.tr.t("report.all_agencies").to_string();
    let checked = super::check(&app, &user, &q.month, &q.agency, shell.tr.lang, &all).await;
    let back = format!("/dashboard/report?{}", query(&q.month, &q.agency));
    let request = match crate::exports::checked(&shell, &back, checked).await? {
        Ok(request) => request,
        Err(page) => return Ok(page),
    };
    let month = request.month;
    let data = super::data(&app, &user, request, shell.tr.lang).await?;
    let bytes = super::pdf::render(&data, &shell.tr)?;
    Ok(download(
        "application/pdf",
        format!("laporan-bulanan-{month}.pdf"),
        bytes,
    ))
}
