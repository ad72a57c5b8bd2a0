//! Superadmin pages: staff accounts and their roles, agencies, and the audit log with a chain
//! check. Permission is checked by the domain functions (and here, before reading anything).

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
};
use platform::{
    AppState, audit,
    auth::{CurrentUser, Role},
    clock,
    web::{
        Shell, WebError,
        error::FieldError,
        forms::{CsrfForm, FieldView, field_errors},
        i18n::Lang,
    },
};
use serde::Deserialize;

use super::{page, page_with_errors};
use crate::{
    organisation::{self, AgencyInput, AgencyNode},
    staff::{self, Actor, StaffInput},
    store,
};

fn require_superadmin(user: &CurrentUser) -> Result<(), WebError> {
    user.require(Role::Superadmin)
}

/// Choices for the role and agency pickers.
struct Pickers {
    roles: Vec<(&'static str, String)>,
    agencies: Vec<(String, String)>,
}

async fn pickers(app: &AppState, shell: &Shell) -> Result<Pickers, WebError> {
    let tree = organisation::agency_tree(app).await?;
    Ok(Pickers {
        roles: Role::ALL
            .into_iter()
            .map(|r| (r.as_str(), shell.t(r.label_key()).to_string()))
            .collect(),
        agencies: tree
            .iter()
            .map(|node| (node.agency.code.clone(), node.indented_name(shell.tr.lang)))
            .collect(),
    })
}

// ---------- staff list ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UserQuery {
    q: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    shell: Shell,
    query: String,
    users: Vec<(String, String, String, bool)>,
}

pub async fn users(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<UserQuery>,
) -> Result<Response, WebError> {
    require_superadmin(&user)?;
    let users = store::list_staff(&app.db, &query.q, 200)
        .await?
        .into_iter()
        .map(|u| {
            (
                u.id,
                u.full_name,
                u.username.unwrap_or_default(),
                u.disabled,
            )
        })
        .collect();
    page(&UsersPage {
        shell,
        query: query.q,
        users,
    })
}

// ---------- new staff account ----------

#[derive(Template)]
#[template(path = "admin_user_new.html")]
struct NewUserPage {
    shell: Shell,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
    pickers: Pickers,
    input: StaffInput,
    role_error: Option<String>,
    agency_error: Option<String>,
}

fn error_for(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone())
}

async fn new_user_page(
    app: &AppState,
    shell: Shell,
    input: StaffInput,
    errors: Vec<FieldError>,
) -> Result<NewUserPage, WebError> {
    let tr = &shell.tr;
    let fields = vec![
        FieldView::text(
            tr,
            "full_name",
            "accounts.full_name",
            &input.full_name,
            &errors,
        ),
        FieldView::text(
            tr,
            "username",
            "accounts.username",
            &input.username,
            &errors,
        )
        .hint(tr, "accounts.username_hint"),
        FieldView::text(tr, "email", "accounts.email", &input.email, &errors)
            .kind("email")
            .optional(tr),
        FieldView::text(tr, "phone", "accounts.phone", &input.phone, &errors)
            .kind("tel")
            .optional(tr),
    ];
    let pickers = pickers(app, &shell).await?;
    Ok(NewUserPage {
        role_error: error_for(&errors, "role"),
        agency_error: error_for(&errors, "agency_code"),
        shell,
        errors,
        fields,
        pickers,
        input,
    })
}

pub async fn new_user_form(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    require_superadmin(&user)?;
    page(&new_user_page(&app, shell, StaffInput::default(), Vec::new()).await?)
}

#[derive(Template)]
#[template(path = "admin_password.html")]
struct PasswordShownPage {
    shell: Shell,
    user_id: String,
    username: String,
    password: String,
}

pub async fn create_user(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfForm(input): CsrfForm<StaffInput>,
) -> Result<Response, WebError> {
    require_superadmin(&user)?;
    match staff::create_staff(&app, Actor::User(&user), &input).await {
        Ok(created) => {
            let mut response = page(&PasswordShownPage {
                shell,
                user_id: created.user_id,
                username: created.username,
                password: created.temporary_password,
            })?;
            response.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            Ok(response)
        }
        Err(error) => match error.problems() {
            Some(problems) => {
                let errors = field_errors(&shell.tr, &problems);
                page_with_errors(&new_user_page(&app, shell, input, errors).await?)
            }
            None => Err(error.into()),
        },
    }
}

// ---------- one staff account ----------

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    shell: Shell,
    id: String,
    full_name: String,
    username: String,
    disabled: bool,
    grants: Vec<(String, String, String, String)>,
    pickers: Pickers,
    errors: Vec<FieldError>,
}

async fn user_page(
    app: &AppState,
    shell: Shell,
    id: &str,
    errors: Vec<FieldError>,
) -> Result<UserPage, WebError> {
    let row = store::find_user(&app.db, id)
        .await?
        .filter(|u| u.kind == "staff")
        .ok_or(WebError::NotFound)?;
    let tree = organisation::agency_tree(app).await?;
    let grants = platform::auth::session::list_grants(&app.db, id)
        .await?
        .into_iter()
        .map(|g| {
            let agency = tree
                .iter()
                .find(|n| n.agency.id == g.agency_id)
                .map(|n| n.name(shell.tr.lang).to_string())
                .unwrap_or_else(|| g.agency_code.clone());
            (
                g.role.as_str().to_string(),
                shell.t(g.role.label_key()).to_string(),
                g.agency_code,
                agency,
            )
        })
        .collect();
    Ok(UserPage {
        pickers: pickers(app, &shell).await?,
        id: row.id,
        full_name: row.full_name,
        username: row.username.unwrap_or_default(),
        disabled: row.disabled,
        grants,
        errors,
        shell,
    })
}

pub async fn user(
    State(app): State<AppState>,
    shell: Shell,
    who: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    require_superadmin(&who)?;
    page(&user_page(&app, shell, &id, Vec::new()).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GrantForm {
    role: String,
    agency_code: String,
}

/// Runs a change on a staff account and comes back to its page, with the problem if any.
async fn after_change(
    app: &AppState,
    shell: Shell,
    id: &str,
    result: Result<(), crate::error::AccountsError>,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users/{id}")).into_response()),
        Err(error) => match error.problems() {
            Some(problems) => {
                let errors = field_errors(&shell.tr, &problems);
                page_with_errors(&user_page(app, shell, id, errors).await?)
            }
            None => Err(error.into()),
        },
    }
}

pub async fn grant(
    State(app): State<AppState>,
    shell: Shell,
    who: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<GrantForm>,
) -> Result<Response, WebError> {
    let result =
        staff::grant_role(&app, Actor::User(&who), &id, &form.role, &form.agency_code).await;
    after_change(&app, shell, &id, result).await
}

pub async fn revoke(
    State(app): State<AppState>,
    shell: Shell,
    who: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<GrantForm>,
) -> Result<Response, WebError> {
    let result =
        staff::revoke_role(&app, Actor::User(&who), &id, &form.role, &form.agency_code).await;
    after_change(&app, shell, &id, result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    disabled: String,
}

pub async fn set_status(
    State(app): State<AppState>,
    shell: Shell,
    who: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<Response, WebError> {
    let result = staff::set_disabled(&app, Actor::User(&who), &id, form.disabled == "1").await;
    after_change(&app, shell, &id, result).await
}

pub async fn reset_password(
    State(app): State<AppState>,
    shell: Shell,
    who: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    let password = staff::reset_staff_password(&app, Actor::User(&who), &id).await?;
    let row = store::find_user(&app.db, &id)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut response = page(&PasswordShownPage {
        shell,
        user_id: id,
        username: row.username.unwrap_or_default(),
        password,
    })?;
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

// ---------- agencies ----------

#[derive(Template)]
#[template(path = "admin_agencies.html")]
struct AgenciesPage {
    shell: Shell,
    tree: Vec<AgencyNode>,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
    input: AgencyInput,
    kinds: Vec<(&'static str, String)>,
    parents: Vec<(String, String)>,
    created: bool,
}

async fn agencies_page(
    app: &AppState,
    shell: Shell,
    input: AgencyInput,
    errors: Vec<FieldError>,
    created: bool,
) -> Result<AgenciesPage, WebError> {
    let tree = organisation::agency_tree(app).await?;
    let tr = &shell.tr;
    let fields = vec![
        FieldView::text(tr, "code", "accounts.agency_code", &input.code, &errors)
            .hint(tr, "accounts.agency_code_hint"),
        FieldView::text(
            tr,
            "name_id",
            "accounts.agency_name_id",
            &input.name_id,
            &errors,
        ),
        FieldView::text(
            tr,
            "name_en",
            "accounts.agency_name_en",
            &input.name_en,
            &errors,
        )
        .optional(tr),
        FieldView::text(
            tr,
            "region_code",
            "accounts.region_code",
            &input.region_code,
            &errors,
        )
        .optional(tr),
    ];
    let kinds = organisation::KINDS
        .into_iter()
        .map(|k| (k, tr.t(&format!("accounts.agency_kind_{k}")).to_string()))
        .collect();
    let parents = tree
        .iter()
        .map(|n| (n.agency.code.clone(), n.indented_name(tr.lang)))
        .collect();
    Ok(AgenciesPage {
        tree,
        errors,
        fields,
        input,
        kinds,
        parents,
        created,
        shell,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CreatedQuery {
    created: String,
}

pub async fn agencies(
    State(app): State<AppState>,
    shell: Shell,
    who: CurrentUser,
    Query(q): Query<CreatedQuery>,
) -> Result<Response, WebError> {
    require_superadmin(&who)?;
    page(
        &agencies_page(
            &app,
            shell,
            AgencyInput::default(),
            Vec::new(),
            q.created == "1",
        )
        .await?,
    )
}

pub async fn create_agency(
    State(app): State<AppState>,
    shell: Shell,
    who: CurrentUser,
    CsrfForm(input): CsrfForm<AgencyInput>,
) -> Result<Response, WebError> {
    require_superadmin(&who)?;
    match organisation::create_agency(&app, Actor::User(&who), &input).await {
        Ok(_) => Ok(Redirect::to("/admin/agencies?created=1").into_response()),
        Err(error) => match error.problems() {
            Some(problems) => {
                let errors = field_errors(&shell.tr, &problems);
                page_with_errors(&agencies_page(&app, shell, input, errors, false).await?)
            }
            None => Err(error.into()),
        },
    }
}

// ---------- audit ----------

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    shell: Shell,
    intact: bool,
    verdict: String,
    entries: Vec<(i64, String, String, String, String, String)>,
}

pub async fn audit(
    State(app): State<AppState>,
    shell: Shell,
    who: CurrentUser,
) -> Result<Response, WebError> {
    require_superadmin(&who)?;
    let (intact, verdict) = match audit::verify(&app.db, |_| {}).await? {
        Ok(report) => (
            true,
            shell.tr.f(
                "accounts.audit_intact",
                &[("count", &report.entries.to_string())],
            ),
        ),
        Err(broken) => (
            false,
            format!("{}: {broken}", shell.t("accounts.audit_broken")),
        ),
    };
    let lang: Lang = shell.tr.lang;
    let entries = audit::list_recent(&app.db, 100)
        .await?
        .into_iter()
        .map(|e| {
            (
                e.seq,
                clock::format_wita(e.at_ms, lang),
                e.actor_id.unwrap_or_else(|| "-".into()),
                e.action,
                e.subject,
                e.hash[..16].to_string(),
            )
        })
        .collect();
    page(&AuditPage {
        shell,
        intact,
        verdict,
        entries,
    })
}
