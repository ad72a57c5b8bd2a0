//! The form editor of a service admin (`/admin/services/{code}/form`: add, remove and reorder
//! questions; each change is a new version, listed with who made it), and the views that turn a
//! form's questions into inputs and its answers into readable rows for the other pages.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use platform::{
    AppState,
    auth::CurrentUser,
    clock,
    web::{
        Shell, WebError,
        error::FieldError,
        forms::{CsrfForm, FieldView, field_errors},
        i18n::{Lang, Tr},
    },
};
use serde::Deserialize;

use super::{
    FormVersionSummary,
    model::{Choice, DateRule, FieldDef, FieldKind, FormDefinition, parse_number},
};
use crate::{error::ServiceError, pages::page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/services/{code}/form", get(editor).post(add_field))
        .route("/admin/services/{code}/form/remove", post(remove_field))
        .route("/admin/services/{code}/form/move-up", post(move_up))
}

/// The rule a question states in its hint, so the error message never has to.
fn rule_text(tr: &Tr, field: &FieldDef) -> Option<String> {
    let n = |v: i64| v.to_string();
    match field.kind {
        FieldKind::Text | FieldKind::LongText => match (field.min, field.max) {
            (Some(min), Some(max)) => Some(tr.f(
                "services.rule_chars_between",
                &[("min", &n(min)), ("max", &n(max))],
            )),
            (Some(min), None) => Some(tr.f("services.rule_chars_min", &[("min", &n(min))])),
            (None, Some(max)) => Some(tr.f("services.rule_chars_max", &[("max", &n(max))])),
            (None, None) => None,
        },
        FieldKind::Number => Some(match (field.min, field.max) {
            (Some(min), Some(max)) => tr.f(
                "services.rule_number_between",
                &[("min", &n(min)), ("max", &n(max))],
            ),
            (Some(min), None) => tr.f("services.rule_number_min", &[("min", &n(min))]),
            (None, Some(max)) => tr.f("services.rule_number_max", &[("max", &n(max))]),
            (None, None) => tr.t("services.rule_number").to_string(),
        }),
        FieldKind::Date => Some(
            match field.date_rule {
                DateRule::Any => tr.t("services.rule_date"),
                DateRule::PastOrToday => tr.t("services.rule_date_past"),
                DateRule::TodayOrFuture => tr.t("services.rule_date_future"),
            }
            .to_string(),
        ),
        _ => None,
    }
}

/// The inputs of a form's questions with the typed answers and their errors.
pub(crate) fn question_views(
    tr: &Tr,
    form: &FormDefinition,
    answers: &BTreeMap<String, String>,
    errors: &[FieldError],
    kelurahan: &[(String, String)],
) -> Vec<FieldView> {
    let english = tr.lang == Lang::En;
    form.fields
        .iter()
        .map(|field| {
            let value = answers.get(&field.key).map(String::as_str).unwrap_or("");
            let mut view =
                FieldView::labelled(&field.input_name(), field.label(english), value, errors);
            view = match field.kind {
                FieldKind::Text => view,
                FieldKind::LongText => view.kind("textarea"),
                FieldKind::Address => view.kind("textarea").autocomplete("street-address"),
                FieldKind::Number => view.numeric(),
                FieldKind::Date => view.kind("date"),
                FieldKind::Choice => view.select(
                    tr,
                    field
                        .choices
                        .iter()
                        .map(|c| {
                            let label = if english { &c.label_en } else { &c.label_id };
                            (c.value.clone(), label.clone())
                        })
                        .collect(),
                ),
                FieldKind::Kelurahan => view.select(tr, kelurahan.to_vec()),
            };
            let hint = [
                field.hint(english).to_string(),
                rule_text(tr, field).unwrap_or_default(),
            ]
            .into_iter()
            .filter(|h| !h.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
            view = view.hint_text(hint);
            if field.required {
                view
            } else {
                view.optional(tr)
            }
        })
        .collect()
}

/// (question, answer) rows for reading an application; unanswered optional questions say so.
pub(crate) fn answer_rows(
    tr: &Tr,
    form: &FormDefinition,
    answers: &BTreeMap<String, String>,
    kelurahan: &[(String, String)],
) -> Vec<(String, String)> {
    let english = tr.lang == Lang::En;
    form.fields
        .iter()
        .map(|field| {
            let raw = answers.get(&field.key).map(String::as_str).unwrap_or("");
            let shown = match field.kind {
                _ if raw.is_empty() => tr.t("services.not_answered").to_string(),
                FieldKind::Choice => field.choice_label(raw, english).unwrap_or(raw).to_string(),
                FieldKind::Kelurahan => kelurahan
                    .iter()
                    .find(|(code, _)| code == raw)
                    .map(|(_, name)| name.clone())
                    .unwrap_or_else(|| raw.to_string()),
                FieldKind::Number => parse_number(raw)
                    .map(crate::model::format_thousands)
                    .unwrap_or_else(|| raw.to_string()),
                _ => raw.to_string(),
            };
            (field.label(english).to_string(), shown)
        })
        .collect()
}

// ---------- the editor ----------

struct QuestionRow {
    key: String,
    label: String,
    kind: String,
    required: bool,
    rule: String,
}

struct VersionView {
    version: i64,
    at: String,
    by: String,
    keys: String,
}

#[derive(Template)]
#[template(path = "admin_service_questions.html")]
struct EditorPage {
    shell: Shell,
    code: String,
    service: String,
    version: i64,
    questions: Vec<QuestionRow>,
    history: Vec<VersionView>,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
    kinds: Vec<(&'static str, String)>,
    kind: String,
    date_rules: Vec<(&'static str, String)>,
    date_rule: String,
    required: bool,
}

/// What the "add a question" form sends; every field kept as typed for a re-shown page.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct NewQuestion {
    base_version: String,
    key: String,
    kind: String,
    label_id: String,
    label_en: String,
    hint_id: String,
    hint_en: String,
    required: Option<String>,
    min: String,
    max: String,
    date_rule: String,
    /// One choice per line: `value | label in Indonesian | label in English`.
    choices: String,
}

async fn editor_view(
    app: &AppState,
    user: &CurrentUser,
    shell: Shell,
    code: &str,
    typed: &NewQuestion,
    errors: Vec<FieldError>,
) -> Result<EditorPage, WebError> {
    let service = crate::catalogue::get_service(app, code, Some(user)).await?;
    if service.internal.is_none() {
        return Err(WebError::Forbidden);
    }
    let history = super::history(app, user, code).await?;
    let form = match history.first() {
        Some(latest) => {
            let row = crate::store::find_service(&app.db, code)
                .await?
                .ok_or(WebError::NotFound)?;
            super::of_version(app, &row.id, latest.version).await?
        }
        None => FormDefinition::default(),
    };
    let tr = &shell.tr;
    let english = tr.lang == Lang::En;
    let fields = vec![
        FieldView::text(tr, "key", "services.form_key", &typed.key, &errors)
            .hint(tr, "services.form_key_hint"),
        FieldView::text(
            tr,
            "label_id",
            "services.form_label_id",
            &typed.label_id,
            &errors,
        ),
        FieldView::text(
            tr,
            "label_en",
            "services.form_label_en",
            &typed.label_en,
            &errors,
        ),
        FieldView::text(
            tr,
            "hint_id",
            "services.form_hint_id",
            &typed.hint_id,
            &errors,
        )
        .optional(tr),
        FieldView::text(
            tr,
            "hint_en",
            "services.form_hint_en",
            &typed.hint_en,
            &errors,
        )
        .optional(tr),
        FieldView::text(tr, "min", "services.form_min", &typed.min, &errors)
            .numeric()
            .hint(tr, "services.form_min_hint")
            .optional(tr),
        FieldView::text(tr, "max", "services.form_max", &typed.max, &errors)
            .numeric()
            .optional(tr),
        FieldView::text(
            tr,
            "choices",
            "services.form_choices",
            &typed.choices,
            &errors,
        )
        .kind("textarea")
        .hint(tr, "services.form_choices_hint")
        .optional(tr),
    ];
    Ok(EditorPage {
        code: service.code.clone(),
        service: if english {
            service.name_en
        } else {
            service.name_id
        },
        version: form.version,
        questions: form
            .fields
            .iter()
            .map(|f| QuestionRow {
                key: f.key.clone(),
                label: f.label(english).to_string(),
                kind: tr.t(f.kind.label_key()).to_string(),
                required: f.required,
                rule: rule_text(tr, f).unwrap_or_default(),
            })
            .collect(),
        history: history
            .into_iter()
            .map(|v: FormVersionSummary| VersionView {
                version: v.version,
                at: clock::format_wita(v.created_ms, tr.lang),
                by: v.created_by.unwrap_or_default(),
                keys: v.field_keys.join(", "),
            })
            .collect(),
        kinds: FieldKind::ALL
            .iter()
            .map(|k| (k.as_str(), tr.t(k.label_key()).to_string()))
            .collect(),
        kind: if typed.kind.is_empty() {
            "text".into()
        } else {
            typed.kind.clone()
        },
        date_rules: [
            DateRule::Any,
            DateRule::PastOrToday,
            DateRule::TodayOrFuture,
        ]
        .iter()
        .map(|r| {
            (
                r.as_str(),
                tr.t(match r {
                    DateRule::Any => "services.rule_date",
                    DateRule::PastOrToday => "services.rule_date_past",
                    DateRule::TodayOrFuture => "services.rule_date_future",
                })
                .to_string(),
            )
        })
        .collect(),
        date_rule: typed.date_rule.clone(),
        required: typed.required.is_some() || typed.key.is_empty(),
        shell,
        errors,
        fields,
    })
}

async fn editor(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let view = editor_view(
        &app,
        &user,
        shell,
        &code,
        &NewQuestion::default(),
        Vec::new(),
    )
    .await?;
    page(&view, StatusCode::OK)
}

/// Parses the typed question; problems are named by the editor's own field names.
fn parse_question(typed: &NewQuestion) -> Result<FieldDef, Vec<(String, &'static str)>> {
    let mut problems = Vec::new();
    let kind = FieldKind::parse(&typed.kind);
    if kind.is_none() {
        problems.push(("kind".to_string(), "services.form_kind_invalid"));
    }
    let mut bound = |name: &str, raw: &str| -> Option<i64> {
        if raw.trim().is_empty() {
            return None;
        }
        let parsed = parse_number(raw);
        if parsed.is_none() {
            problems.push((name.to_string(), "services.answer_not_a_number"));
        }
        parsed
    };
    let min = bound("min", &typed.min);
    let max = bound("max", &typed.max);
    let date_rule = DateRule::parse(&typed.date_rule).unwrap_or_default();
    let mut choices = Vec::new();
    for line in typed.choices.lines().filter(|l| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        match parts.as_slice() {
            [value, label_id, label_en] => choices.push(Choice {
                value: (*value).to_string(),
                label_id: (*label_id).to_string(),
                label_en: (*label_en).to_string(),
            }),
            _ => {
                problems.push(("choices".to_string(), "services.form_choices_invalid"));
                break;
            }
        }
    }
    match kind {
        Some(kind) if problems.is_empty() => Ok(FieldDef {
            key: typed.key.trim().to_string(),
            kind,
            label_id: typed.label_id.clone(),
            label_en: typed.label_en.clone(),
            hint_id: typed.hint_id.clone(),
            hint_en: typed.hint_en.clone(),
            required: typed.required.is_some(),
            min,
            max,
            date_rule,
            choices,
        }),
        _ => Err(problems),
    }
}

/// Publishes `fields` as the next version; problems come back named for the editor's fields.
async fn publish_from_editor(
    app: &AppState,
    user: &CurrentUser,
    code: &str,
    base_version: &str,
    fields: Vec<FieldDef>,
) -> Result<(), WebError> {
    let base: i64 = base_version
        .trim()
        .parse()
        .map_err(|_| WebError::BadRequest("error.bad_form"))?;
    match super::publish(app, user, code, base, fields).await {
        Ok(_) => Ok(()),
        Err(ServiceError::ChangedMeanwhile) => Err(WebError::Conflict("services.form_changed")),
        Err(other) => Err(other.into()),
    }
}

/// The current questions of service `code`, for one who may change them, if `base_version` is
/// still the newest. Permission is checked before anything about the form is told.
async fn current_fields(
    app: &AppState,
    user: &CurrentUser,
    code: &str,
    base_version: &str,
) -> Result<Vec<FieldDef>, WebError> {
    let row = crate::store::find_service(&app.db, code)
        .await?
        .ok_or(WebError::NotFound)?;
    if !crate::catalogue::may_manage(user, &row.agency_id) {
        return Err(WebError::Forbidden);
    }
    let form = super::current(app, &row.id).await?;
    if base_version.trim() != form.version.to_string() {
        return Err(WebError::Conflict("services.form_changed"));
    }
    Ok(form.fields)
}

async fn add_field(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(code): Path<String>,
    CsrfForm(typed): CsrfForm<NewQuestion>,
) -> Result<Response, WebError> {
    let mut fields = current_fields(&app, &user, &code, &typed.base_version).await?;
    let position = fields.len();
    let outcome = match parse_question(&typed) {
        Ok(field) => {
            fields.push(field);
            match publish_from_editor(&app, &user, &code, &typed.base_version, fields).await {
                Err(WebError::Invalid(problems)) => Err(problems
                    .into_iter()
                    .map(|(path, key)| {
                        // `fields.<n>.label_id` → `label_id` for the new question; a problem
                        // with the whole form (too many questions) is shown at the key.
                        let prefix = format!("fields.{position}.");
                        let name = path
                            .strip_prefix(&prefix)
                            .map(str::to_string)
                            .unwrap_or_else(|| "key".to_string());
                        (name, key)
                    })
                    .collect::<Vec<_>>()),
                other => Ok(other),
            }
        }
        Err(problems) => Err(problems),
    };
    match outcome {
        Ok(result) => {
            result?;
            Ok(Redirect::to(&format!("/admin/services/{code}/form")).into_response())
        }
        Err(problems) => {
            let errors = field_errors(&shell.tr, &problems);
            let view = editor_view(&app, &user, shell, &code, &typed, errors).await?;
            page(&view, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct QuestionAction {
    base_version: String,
    key: String,
}

async fn remove_field(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    CsrfForm(action): CsrfForm<QuestionAction>,
) -> Result<Response, WebError> {
    let mut fields = current_fields(&app, &user, &code, &action.base_version).await?;
    let before = fields.len();
    fields.retain(|f| f.key != action.key);
    if fields.len() == before {
        return Err(WebError::NotFound);
    }
    publish_from_editor(&app, &user, &code, &action.base_version, fields).await?;
    Ok(Redirect::to(&format!("/admin/services/{code}/form")).into_response())
}

async fn move_up(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    CsrfForm(action): CsrfForm<QuestionAction>,
) -> Result<Response, WebError> {
    let mut fields = current_fields(&app, &user, &code, &action.base_version).await?;
    let at = fields
        .iter()
        .position(|f| f.key == action.key)
        .ok_or(WebError::NotFound)?;
    if at > 0 {
        fields.swap(at - 1, at);
        publish_from_editor(&app, &user, &code, &action.base_version, fields).await?;
    }
    Ok(Redirect::to(&format!("/admin/services/{code}/form")).into_response())
}
