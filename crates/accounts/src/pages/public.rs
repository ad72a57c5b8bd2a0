//! Public and personal pages: home, language switch, registration, login/logout, forgotten
//! password, the account page and notifications.

use askama::Template;
use axum::{
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
};
use platform::{
    AppState,
    auth::{CurrentUser, MaybeUser, session::SessionKind},
    clock, ids, outbox,
    web::{
        Shell, WebError,
        context::{self, ClientAddress, RequestContext},
        error::FieldError,
        forms::{CsrfForm, FieldView, field_errors},
        i18n::Lang,
    },
};
use serde::Deserialize;

use super::{page, page_with_errors, safe_next};
use crate::{error::AccountsError, model::RegistrationInput, registration, reset, signin, store};

// ---------- home ----------

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
}

pub async fn home(shell: Shell) -> Result<Response, WebError> {
    page(&HomePage { shell })
}

// ---------- language ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LanguageForm {
    lang: String,
    next: String,
}

/// Remembers the choice in a cookie (and on the account, so messages come in that language too).
pub async fn switch_language(
    State(app): State<AppState>,
    MaybeUser(user): MaybeUser,
    CsrfForm(form): CsrfForm<LanguageForm>,
) -> Result<Response, WebError> {
    let lang = Lang::parse(&form.lang).ok_or(WebError::BadRequest("error.bad_request"))?;
    if let Some(user) = user {
        let mut tx = app.db.begin().await?;
        store::update_lang(&mut tx, &user.id, lang.code()).await?;
        tx.commit().await?;
    }
    let target = safe_next(&form.next).unwrap_or("/").to_string();
    Ok(context::with_cookies(
        vec![context::lang_cookie(lang, app.settings.secure_cookies)],
        Redirect::to(&target),
    ))
}

// ---------- registration ----------

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    shell: Shell,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
    consent_checked: bool,
    consent_error: Option<String>,
}

fn register_page(shell: Shell, input: &RegistrationInput, errors: Vec<FieldError>) -> RegisterPage {
    let tr = &shell.tr;
    let fields = vec![
        FieldView::text(
            tr,
            "full_name",
            "accounts.full_name",
            &input.full_name,
            &errors,
        )
        .autocomplete("name"),
        FieldView::text(tr, "nik", "accounts.nik", &input.nik, &errors)
            .hint(tr, "accounts.nik_hint")
            .numeric(),
        FieldView::text(tr, "email", "accounts.email", &input.email, &errors)
            .kind("email")
            .autocomplete("email")
            .hint(tr, "accounts.contact_hint")
            .optional(tr),
        FieldView::text(tr, "phone", "accounts.phone", &input.phone, &errors)
            .kind("tel")
            .autocomplete("tel")
            .hint(tr, "accounts.phone_hint")
            .optional(tr),
        FieldView::text(tr, "password", "accounts.password", "", &errors)
            .kind("password")
            .autocomplete("new-password")
            .hint(tr, "accounts.password_hint"),
        FieldView::text(
            tr,
            "password_confirm",
            "accounts.password_confirm",
            "",
            &errors,
        )
        .kind("password")
        .autocomplete("new-password"),
    ];
    let consent_error = errors
        .iter()
        .find(|e| e.field == "consent")
        .map(|e| e.message.clone());
    RegisterPage {
        consent_checked: input.consent == "yes",
        consent_error,
        shell,
        errors,
        fields,
    }
}

pub async fn register_form(shell: Shell) -> Result<Response, WebError> {
    page(&register_page(
        shell,
        &RegistrationInput::default(),
        Vec::new(),
    ))
}

pub async fn register(
    State(app): State<AppState>,
    shell: Shell,
    CsrfForm(input): CsrfForm<RegistrationInput>,
) -> Result<Response, WebError> {
    match registration::register_citizen(&app, &input, shell.tr.lang).await {
        Ok(_) => Ok(Redirect::to("/login?registered=1").into_response()),
        Err(error) => match error.problems() {
            Some(problems) => {
                let errors = field_errors(&shell.tr, &problems);
                page_with_errors(&register_page(shell, &input, errors))
            }
            None => Err(error.into()),
        },
    }
}

// ---------- login ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    next: String,
    registered: String,
    reset: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    login: String,
    password: String,
    next: String,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    shell: Shell,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
    next: String,
    notice: Option<String>,
}

fn login_page(
    shell: Shell,
    login: &str,
    next: &str,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> LoginPage {
    let tr = &shell.tr;
    let fields = vec![
        FieldView::text(tr, "login", "accounts.login_identifier", login, &errors)
            .hint(tr, "accounts.login_identifier_hint")
            .autocomplete("username"),
        FieldView::text(tr, "password", "accounts.password", "", &errors)
            .kind("password")
            .autocomplete("current-password"),
    ];
    LoginPage {
        shell,
        errors,
        fields,
        next: next.to_string(),
        notice,
    }
}

pub async fn login_form(
    shell: Shell,
    Query(query): Query<LoginQuery>,
) -> Result<Response, WebError> {
    let notice = if query.registered == "1" {
        Some(shell.t("accounts.registered_notice").to_string())
    } else if query.reset == "1" {
        Some(shell.t("accounts.reset_done_notice").to_string())
    } else {
        None
    };
    page(&login_page(shell, "", &query.next, Vec::new(), notice))
}

pub async fn login(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    axum::Extension(request): axum::Extension<RequestContext>,
    shell: Shell,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, WebError> {
    let user = match signin::authenticate(&app, &form.login, &form.password, &client).await {
        Ok(user) => user,
        Err(error) => {
            let problems = match &error {
                AccountsError::Locked { until_ms } => {
                    let message = shell.tr.f(
                        "accounts.locked",
                        &[("time", &clock::format_wita_time(*until_ms, shell.tr.lang))],
                    );
                    let errors = vec![FieldError {
                        field: "login".into(),
                        code: "accounts.locked".into(),
                        message,
                    }];
                    let mut response =
                        page(&login_page(shell, &form.login, &form.next, errors, None))?;
                    *response.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
                    return Ok(response);
                }
                other => other.problems(),
            };
            return match problems {
                Some(problems) => {
                    let errors = field_errors(&shell.tr, &problems);
                    page_with_errors(&login_page(shell, &form.login, &form.next, errors, None))
                }
                None => Err(error.into()),
            };
        }
    };
    if let (Some(previous), Some(signed_in)) = (&request.session_token, &request.user) {
        signin::end_session(&app, &signed_in.id, previous).await?;
    }
    let token = signin::start_session(&app, &user, SessionKind::Web).await?;
    let secure = app.settings.secure_cookies;
    let target = safe_next(&form.next).unwrap_or("/account").to_string();
    // A new CSRF token with the new session: a token seen before login is worthless after it.
    let mut cookies = vec![
        context::session_cookie(token, secure),
        context::csrf_cookie(ids::random_secret(), secure),
    ];
    if let Some(lang) = Lang::parse(&user.lang) {
        cookies.push(context::lang_cookie(lang, secure));
    }
    Ok(context::with_cookies(cookies, Redirect::to(&target)))
}

pub async fn logout(
    State(app): State<AppState>,
    user: CurrentUser,
    axum::Extension(request): axum::Extension<RequestContext>,
    CsrfForm(_): CsrfForm<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    if let Some(token) = &request.session_token {
        signin::end_session(&app, &user.id, token).await?;
    }
    Ok(context::with_cookies(
        vec![
            context::removal(context::SESSION_COOKIE),
            context::csrf_cookie(ids::random_secret(), app.settings.secure_cookies),
        ],
        Redirect::to("/"),
    ))
}

// ---------- forgotten password ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ForgotForm {
    login: String,
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    shell: Shell,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
}

fn forgot_page(shell: Shell, login: &str, errors: Vec<FieldError>) -> ForgotPage {
    let fields = vec![
        FieldView::text(
            &shell.tr,
            "login",
            "accounts.login_identifier",
            login,
            &errors,
        )
        .hint(&shell.tr, "accounts.forgot_hint"),
    ];
    ForgotPage {
        shell,
        errors,
        fields,
    }
}

pub async fn forgot_form(shell: Shell) -> Result<Response, WebError> {
    page(&forgot_page(shell, "", Vec::new()))
}

pub async fn forgot(
    State(app): State<AppState>,
    shell: Shell,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<Response, WebError> {
    match reset::request_reset(&app, &form.login).await {
        // The reset page is answered here, not by a redirect: the login typed (a NIK, email or
        // phone) must not travel in a URL, where browser history and proxy logs keep it.
        Ok(()) => {
            let input = reset::ResetInput {
                login: form.login,
                ..Default::default()
            };
            page(&reset_page(shell, &input, Vec::new(), true))
        }
        Err(error) => match error.problems() {
            Some(problems) => {
                let errors = field_errors(&shell.tr, &problems);
                page_with_errors(&forgot_page(shell, &form.login, errors))
            }
            None => Err(error.into()),
        },
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetQuery {
    sent: String,
    login: String,
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    shell: Shell,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
    sent: bool,
}

fn reset_page(
    shell: Shell,
    input: &reset::ResetInput,
    errors: Vec<FieldError>,
    sent: bool,
) -> ResetPage {
    let tr = &shell.tr;
    let fields = vec![
        FieldView::text(
            tr,
            "login",
            "accounts.login_identifier",
            &input.login,
            &errors,
        ),
        FieldView::text(tr, "code", "accounts.reset_code", "", &errors)
            .hint(tr, "accounts.reset_code_hint")
            .numeric()
            .autocomplete("one-time-code"),
        FieldView::text(tr, "password", "accounts.new_password", "", &errors)
            .kind("password")
            .autocomplete("new-password")
            .hint(tr, "accounts.password_hint"),
        FieldView::text(
            tr,
            "password_confirm",
            "accounts.password_confirm",
            "",
            &errors,
        )
        .kind("password")
        .autocomplete("new-password"),
    ];
    ResetPage {
        shell,
        errors,
        fields,
        sent,
    }
}

pub async fn reset_form(
    shell: Shell,
    Query(query): Query<ResetQuery>,
) -> Result<Response, WebError> {
    let input = reset::ResetInput {
        login: query.login,
        ..Default::default()
    };
    page(&reset_page(shell, &input, Vec::new(), query.sent == "1"))
}

pub async fn reset(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    shell: Shell,
    CsrfForm(input): CsrfForm<reset::ResetInput>,
) -> Result<Response, WebError> {
    match reset::complete_reset(&app, &input, &client).await {
        Ok(()) => Ok(Redirect::to("/login?reset=1").into_response()),
        Err(error) => match error.problems() {
            Some(problems) => {
                let errors = field_errors(&shell.tr, &problems);
                page_with_errors(&reset_page(shell, &input, errors, false))
            }
            None => Err(error.into()),
        },
    }
}

// ---------- account and notifications ----------

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    shell: Shell,
    full_name: String,
    kind_label: String,
    details: Vec<(String, String)>,
    grants: Vec<(String, String)>,
    unread: i64,
    is_citizen: bool,
}

pub async fn account(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let row = store::find_user(&app.db, &user.id)
        .await?
        .ok_or(WebError::NotFound)?;
    let tr = &shell.tr;
    let mut details = Vec::new();
    for (key, value) in [
        ("accounts.username", row.username.clone()),
        ("accounts.nik", row.nik.clone()),
        ("accounts.email", row.email.clone()),
        ("accounts.phone", row.phone.clone()),
    ] {
        if let Some(value) = value {
            details.push((tr.t(key).to_string(), value));
        }
    }
    details.push((
        tr.t("accounts.member_since").to_string(),
        clock::format_wita(row.created_ms, tr.lang),
    ));
    let agencies = store::list_agencies(&app.db).await?;
    let grants = user
        .grants
        .iter()
        .map(|g| {
            let agency = agencies
                .iter()
                .find(|a| a.id == g.agency_id)
                .map(|a| {
                    if tr.lang == Lang::En {
                        a.name_en.clone()
                    } else {
                        a.name_id.clone()
                    }
                })
                .unwrap_or_else(|| g.agency_code.clone());
            (tr.t(g.role.label_key()).to_string(), agency)
        })
        .collect();
    let unread = outbox::unread_count(&app.db, &user.id).await?;
    let kind_label = tr
        .t(if user.is_citizen() {
            "accounts.kind_citizen"
        } else {
            "accounts.kind_staff"
        })
        .to_string();
    page(&AccountPage {
        full_name: row.full_name,
        kind_label,
        details,
        grants,
        unread,
        is_citizen: user.is_citizen(),
        shell,
    })
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    shell: Shell,
    items: Vec<(String, String, String, bool)>,
}

pub async fn notifications(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let items = outbox::list_notifications(&app.db, &user.id, 100)
        .await?
        .into_iter()
        .map(|n| {
            (
                n.subject,
                n.body,
                clock::format_wita(n.created_ms, shell.tr.lang),
                n.read,
            )
        })
        .collect();
    page(&NotificationsPage { shell, items })
}

pub async fn mark_notifications_read(
    State(app): State<AppState>,
    user: CurrentUser,
    CsrfForm(_): CsrfForm<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    let mut tx = app.db.begin().await?;
    outbox::mark_all_read(&mut tx, &user.id).await?;
    tx.commit().await?;
    Ok(Redirect::to("/notifications").into_response())
}
