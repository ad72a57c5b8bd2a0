//! HTML pages: the public list and page of an announcement (with "updated on …" and what
//! changed, in the reader's language where written), and the office: the list, the form to
//! write or edit one (carrying the version it was based on), publish, end early and cancel.
//! Subscribing, confirming and unsubscribing are in `subscriptions`.

use askama::Template;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse as _, Redirect, Response},
    routing::{get, post},
};
use platform::{
    AppState,
    auth::{CurrentUser, MaybeUser},
    clock,
    web::{
        Shell, WebError,
        error::FieldError,
        forms::{CsrfForm, field_errors},
        page,
    },
};
use serde::Deserialize;

use crate::{
    error::AnnouncementError,
    feeds,
    model::{AnnouncementInput, Audience, Category, wita_input},
    publishing, store,
    views::{AnnouncementLine, AnnouncementView},
};

mod subscriptions;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/announcements", get(list_page))
        .route("/announcements/{id}", get(announcement_page))
        .route("/office/announcements", get(office_list))
        .route("/office/announcements/new", get(new_form).post(create))
        .route(
            "/office/announcements/{id}/edit",
            get(edit_form).post(save_edit),
        )
        .route("/office/announcements/{id}/publish", post(publish))
        .route("/office/announcements/{id}/cancel", post(cancel))
        .route("/office/announcements/{id}/end", post(end))
        .merge(subscriptions::routes())
}

/// Visible announcements showing now, in list order.
pub async fn visible_now(
    app: &AppState,
    user: Option<&CurrentUser>,
) -> Result<Vec<store::AnnouncementRow>, AnnouncementError> {
    let now = clock::now_ms();
    let audiences = store::list_all_audiences(&app.db).await?;
    Ok(store::list_showing(&app.db, now)
        .await?
        .into_iter()
        .filter(|row| {
            let agencies: Vec<String> = audiences
                .iter()
                .filter(|(a, _)| *a == row.id)
                .map(|(_, agency)| agency.clone())
                .collect();
            publishing::may_read(user, row, &agencies, now)
        })
        .collect())
}

struct CategoryLink {
    code: &'static str,
    label: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "announcements.html")]
struct ListPage {
    shell: Shell,
    lines: Vec<AnnouncementLine>,
    categories: Vec<CategoryLink>,
    feed: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    category: String,
}

async fn list_page(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let now = clock::now_ms();
    let chosen = Category::parse(&query.category);
    let rows = visible_now(&app, user.as_ref()).await?;
    let last_modified = rows.iter().map(|r| r.updated_ms).max().unwrap_or(0);
    let lines = rows
        .iter()
        .filter(|r| chosen.is_none_or(|c| r.category == c))
        .map(|r| AnnouncementLine::new(r, &shell.tr, now))
        .collect();
    let categories = Category::ALL
        .into_iter()
        .map(|c| CategoryLink {
            code: c.as_str(),
            label: shell.t(c.label_key()).to_string(),
            current: chosen == Some(c),
        })
        .collect();
    // English readers get the English feed (entries without English text stay Indonesian).
    let lang_query = if shell.tr.lang == platform::web::i18n::Lang::En {
        "?lang=en"
    } else {
        ""
    };
    let feed = match chosen {
        Some(c) => format!("/feeds/announcements/{}.atom{lang_query}", c.slug()),
        None => format!("/feeds/announcements.atom{lang_query}"),
    };
    let body = ListPage {
        shell,
        lines,
        categories,
        feed,
    }
    .render()
    .map_err(|e| WebError::Internal(e.into()))?;
    Ok(feeds::conditional(
        &headers,
        body,
        "text/html; charset=utf-8",
        last_modified,
        "private, no-cache",
    ))
}

#[derive(Template)]
#[template(path = "announcement.html")]
struct AnnouncementPage {
    shell: Shell,
    a: AnnouncementView,
    manage: bool,
    can_end: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct VersionQuery {
    /// Show what this version changed.
    changes: String,
}

async fn announcement_page(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, WebError> {
    let now = clock::now_ms();
    let row = store::find(&app.db, &id).await?.ok_or(WebError::NotFound)?;
    let audience = store::list_audience(&app.db, &id).await?;
    if !publishing::may_read(user.as_ref(), &row, &audience, now) {
        // Not there for this reader: the same answer as a missing one, except a hint to sign in.
        return Err(
            if user.is_none() && row.audience != Audience::Public && row.published_ms.is_some() {
                WebError::LoginRequired
            } else {
                WebError::NotFound
            },
        );
    }
    let versions = store::list_versions(&app.db, &id).await?;
    let manage = user
        .as_ref()
        .is_some_and(|u| publishing::may_manage(u, &row));
    let can_end = manage && publishing::may_end(&row, now);
    let a = AnnouncementView::new(&row, &versions, query.changes.parse().ok(), &shell.tr, now);
    let body = AnnouncementPage {
        shell,
        a,
        manage,
        can_end,
    }
    .render()
    .map_err(|e| WebError::Internal(e.into()))?;
    Ok(feeds::conditional(
        &headers,
        body,
        "text/html; charset=utf-8",
        row.updated_ms,
        "private, no-cache",
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
/// A form carrying one token (confirm, unsubscribe) or only the CSRF token (office actions).
struct TokenInput {
    token: String,
}

// ---------- the office ----------

struct OfficeLine {
    line: AnnouncementLine,
    status: &'static str,
    can_publish: bool,
    can_cancel: bool,
}

#[derive(Template)]
#[template(path = "office_announcements.html")]
struct OfficeListPage {
    shell: Shell,
    lines: Vec<OfficeLine>,
}

async fn office_list(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    if !publishing::is_author(&user) {
        return Err(WebError::Forbidden);
    }
    let now = clock::now_ms();
    let lines = store::list_all(&app.db)
        .await?
        .into_iter()
        .filter(|r| publishing::may_manage(&user, r))
        .map(|r| OfficeLine {
            line: AnnouncementLine::new(&r, &shell.tr, now),
            status: r.status.as_str(),
            can_publish: r.status.after(crate::model::Action::Publish).is_some(),
            can_cancel: r.status.after(crate::model::Action::Cancel).is_some(),
        })
        .collect();
    page(&OfficeListPage { shell, lines }, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "announcement_form.html")]
struct FormPage {
    shell: Shell,
    /// `None` for a new one.
    id: Option<String>,
    based_on: i64,
    input: AnnouncementInput,
    errors: Vec<FieldError>,
    /// Someone else saved meanwhile: their version, and the link to read it.
    conflict: Option<i64>,
    categories: Vec<(&'static str, String)>,
    audiences: Vec<(&'static str, String)>,
}

impl FormPage {
    fn new(
        shell: Shell,
        id: Option<String>,
        based_on: i64,
        input: AnnouncementInput,
        errors: Vec<FieldError>,
    ) -> FormPage {
        let categories = Category::ALL
            .into_iter()
            .map(|c| (c.as_str(), shell.t(c.label_key()).to_string()))
            .collect();
        let audiences = Audience::ALL
            .into_iter()
            .map(|a| (a.as_str(), shell.t(a.label_key()).to_string()))
            .collect();
        FormPage {
            shell,
            id,
            based_on,
            input,
            errors,
            conflict: None,
            categories,
            audiences,
        }
    }
    fn error(&self, name: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| e.message.as_str())
    }
    fn checked(&self, raw: &str) -> bool {
        matches!(raw, "1" | "true" | "on")
    }
}

async fn new_form(shell: Shell, user: CurrentUser) -> Result<Response, WebError> {
    if !publishing::is_author(&user) {
        return Err(WebError::Forbidden);
    }
    let input = AnnouncementInput {
        category: "policy".into(),
        audience: "public".into(),
        ..AnnouncementInput::default()
    };
    page(
        &FormPage::new(shell, None, 0, input, Vec::new()),
        StatusCode::OK,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FormInput {
    #[serde(flatten)]
    announcement: AnnouncementInput,
    based_on: String,
}

fn problems_page(
    shell: Shell,
    id: Option<String>,
    based_on: i64,
    input: AnnouncementInput,
    problems: &[(&'static str, &'static str)],
) -> Result<Response, WebError> {
    let errors = field_errors(&shell.tr, problems);
    page(
        &FormPage::new(shell, id, based_on, input, errors),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

async fn create(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<FormInput>,
) -> Result<Response, WebError> {
    // The door first: only authors learn what is wrong with their input.
    if !publishing::is_author(&user) {
        return Err(WebError::Forbidden);
    }
    let input = form.announcement;
    let draft = match input.check() {
        Ok(draft) => draft,
        Err(problems) => return problems_page(shell, None, 0, input, &problems),
    };
    match publishing::create(&app, &user, &draft).await {
        Ok(id) => Ok(Redirect::to(&format!("/announcements/{id}")).into_response()),
        Err(AnnouncementError::Invalid(problems)) => {
            problems_page(shell, None, 0, input, &problems)
        }
        Err(e) => Err(e.into()),
    }
}

fn input_of(row: &store::AnnouncementRow, agency_codes: Vec<String>) -> AnnouncementInput {
    AnnouncementInput {
        category: row.category.as_str().into(),
        audience: row.audience.as_str().into(),
        agencies: agency_codes.join(", "),
        title: row.title.clone(),
        body: row.body.clone(),
        instruction: row.instruction.clone(),
        summary: row.summary.clone(),
        title_en: row.english.title.clone(),
        summary_en: row.english.summary.clone(),
        body_en: row.english.body.clone(),
        instruction_en: row.english.instruction.clone(),
        publish_at: row.publish_at_ms.map(wita_input).unwrap_or_default(),
        expires_at: row.expires_at_ms.map(wita_input).unwrap_or_default(),
        pinned: if row.pinned {
            "1".into()
        } else {
            String::new()
        },
        urgent: if row.urgent {
            "1".into()
        } else {
            String::new()
        },
    }
}

/// The announcement `id` if `user` may change it (404 when missing, 403 when not theirs).
pub async fn managed(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<store::AnnouncementRow, WebError> {
    let row = store::find(&app.db, id).await?.ok_or(WebError::NotFound)?;
    if publishing::may_manage(user, &row) {
        Ok(row)
    } else {
        Err(WebError::Forbidden)
    }
}

async fn agency_codes(app: &AppState, id: &str) -> Result<Vec<String>, WebError> {
    let mut codes = Vec::new();
    for agency_id in store::list_audience(&app.db, id).await? {
        if let Some(agency) = accounts::organisation::find_agency_by_id(app, &agency_id).await? {
            codes.push(agency.code);
        }
    }
    Ok(codes)
}

async fn edit_form(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let row = managed(&app, &user, &id).await?;
    let input = input_of(&row, agency_codes(&app, &id).await?);
    page(
        &FormPage::new(shell, Some(id), row.version, input, Vec::new()),
        StatusCode::OK,
    )
}

async fn save_edit(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<FormInput>,
) -> Result<Response, WebError> {
    managed(&app, &user, &id).await?;
    let input = form.announcement;
    let Ok(based_on) = form.based_on.trim().parse::<i64>() else {
        return Err(WebError::BadRequest("error.bad_form"));
    };
    let draft = match input.check() {
        Ok(draft) => draft,
        Err(problems) => return problems_page(shell, Some(id), based_on, input, &problems),
    };
    match publishing::edit(&app, &user, &id, based_on, &draft).await {
        Ok(_) => Ok(Redirect::to(&format!("/announcements/{id}")).into_response()),
        Err(AnnouncementError::Invalid(problems)) => {
            problems_page(shell, Some(id), based_on, input, &problems)
        }
        Err(AnnouncementError::EditedMeanwhile { current, .. }) => {
            // Nothing was saved; the text typed stays in the form, which is now based on the
            // latest version so that a deliberate second save can replace it.
            let mut form = FormPage::new(shell, Some(id), current, input, Vec::new());
            form.conflict = Some(current);
            page(&form, StatusCode::CONFLICT)
        }
        Err(e) => Err(e.into()),
    }
}

async fn publish(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<TokenInput>,
) -> Result<Response, WebError> {
    publishing::publish(&app, &user, &id).await?;
    Ok(Redirect::to(&format!("/announcements/{id}")).into_response())
}

async fn end(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<TokenInput>,
) -> Result<Response, WebError> {
    publishing::end(&app, &user, &id).await?;
    Ok(Redirect::to(&format!("/announcements/{id}")).into_response())
}

async fn cancel(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<TokenInput>,
) -> Result<Response, WebError> {
    publishing::cancel(&app, &user, &id).await?;
    Ok(Redirect::to("/office/announcements").into_response())
}
