//! The competency dictionary page (with the admin's form for technical competencies), the
//! position requirements page, and assessments on an employee's page.

use askama::Template;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use platform::{
    AppState,
    auth::CurrentUser,
    web::{
        Shell, WebError,
        error::FieldError,
        forms::{CsrfForm, FieldView, field_errors},
        i18n::Lang,
    },
};
use serde::Deserialize;

use super::page;
use crate::{
    competencies::{self, AssessmentInput, AssessmentMethod, CompetencyInput, RequirementInput},
    error::CapacityError,
    is_admin,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/capacity/competencies",
            get(dictionary).post(add_competency),
        )
        .route(
            "/capacity/requirements",
            get(requirements).post(set_requirement),
        )
        .route(
            "/capacity/employees/{nip}/assessments",
            post(add_assessment),
        )
}

pub(crate) struct CompetencyView {
    pub code: String,
    pub kind: String,
    pub name: String,
    pub description: String,
    pub levels: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "capacity_competencies.html")]
struct DictionaryPage {
    shell: Shell,
    competencies: Vec<CompetencyView>,
    admin: bool,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
}

async fn dictionary_page(
    app: &AppState,
    user: &CurrentUser,
    shell: Shell,
    input: &CompetencyInput,
    errors: Vec<FieldError>,
) -> Result<DictionaryPage, WebError> {
    let en = shell.tr.lang == Lang::En;
    let competencies = competencies::list_competencies(app)
        .await?
        .into_iter()
        .map(|c| CompetencyView {
            kind: shell.t(c.kind.label_key()).to_string(),
            name: c.name(shell.tr.lang).to_string(),
            description: if en {
                c.description_en.clone()
            } else {
                c.description_id.clone()
            },
            levels: c
                .levels
                .iter()
                .map(|l| {
                    (
                        l.level,
                        if en {
                            l.descriptor_en.clone()
                        } else {
                            l.descriptor_id.clone()
                        },
                    )
                })
                .collect(),
            code: c.code,
        })
        .collect();
    let tr = &shell.tr;
    let text = |name: &str, key: &str, value: &str| FieldView::text(tr, name, key, value, &errors);
    let fields = vec![
        text("code", "capacity.competency_code", &input.code).hint(tr, "capacity.code_hint"),
        text("name_id", "capacity.name_id", &input.name_id),
        text("name_en", "capacity.name_en", &input.name_en).optional(tr),
        text(
            "description_id",
            "capacity.description_id",
            &input.description_id,
        )
        .kind("textarea"),
        text(
            "description_en",
            "capacity.description_en",
            &input.description_en,
        )
        .kind("textarea")
        .optional(tr),
        text("level_1", "capacity.level_1", &input.level_1),
        text("level_2", "capacity.level_2", &input.level_2),
        text("level_3", "capacity.level_3", &input.level_3),
        text("level_4", "capacity.level_4", &input.level_4),
        text("level_5", "capacity.level_5", &input.level_5),
    ];
    Ok(DictionaryPage {
        competencies,
        admin: is_admin(user),
        errors,
        fields,
        shell,
    })
}

async fn dictionary(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    if user.is_citizen() {
        return Err(WebError::Forbidden);
    }
    page(
        &dictionary_page(&app, &user, shell, &CompetencyInput::default(), Vec::new()).await?,
        StatusCode::OK,
    )
}

async fn add_competency(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfForm(input): CsrfForm<CompetencyInput>,
) -> Result<Response, WebError> {
    match competencies::create_competency(&app, &user, &input).await {
        Ok(_) => Ok(Redirect::to("/capacity/competencies").into_response()),
        Err(CapacityError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &dictionary_page(&app, &user, shell, &input, errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PositionQuery {
    position: String,
}

#[derive(Template)]
#[template(path = "capacity_requirements.html")]
struct RequirementsPage {
    shell: Shell,
    requirements: Vec<competencies::Requirement>,
    admin: bool,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
}

pub(crate) async fn competency_options(
    app: &AppState,
    lang: Lang,
) -> Result<Vec<(String, String)>, WebError> {
    Ok(competencies::list_competencies(app)
        .await?
        .into_iter()
        .map(|c| (c.code.clone(), c.name(lang).to_string()))
        .collect())
}

fn level_options() -> Vec<(String, String)> {
    (1..=5).map(|l| (l.to_string(), l.to_string())).collect()
}

async fn requirements_page(
    app: &AppState,
    user: &CurrentUser,
    shell: Shell,
    input: &RequirementInput,
    errors: Vec<FieldError>,
) -> Result<RequirementsPage, WebError> {
    let tr = &shell.tr;
    let requirements = competencies::list_requirements(app, "", tr.lang).await?;
    let options = competency_options(app, tr.lang).await?;
    let fields = vec![
        FieldView::text(
            tr,
            "position",
            "capacity.position",
            &input.position,
            &errors,
        ),
        FieldView::text(
            tr,
            "competency_code",
            "capacity.competency",
            &input.competency_code,
            &errors,
        )
        .select(tr, options),
        FieldView::text(
            tr,
            "level",
            "capacity.required_level",
            &input.level,
            &errors,
        )
        .select(tr, level_options()),
    ];
    Ok(RequirementsPage {
        requirements,
        admin: is_admin(user),
        errors,
        fields,
        shell,
    })
}

async fn requirements(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<PositionQuery>,
) -> Result<Response, WebError> {
    if !(is_admin(&user) || crate::is_reader(&user)) {
        return Err(WebError::Forbidden);
    }
    let input = RequirementInput {
        position: query.position,
        ..RequirementInput::default()
    };
    page(
        &requirements_page(&app, &user, shell, &input, Vec::new()).await?,
        StatusCode::OK,
    )
}

async fn set_requirement(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfForm(input): CsrfForm<RequirementInput>,
) -> Result<Response, WebError> {
    match competencies::set_requirement(&app, &user, &input).await {
        Ok(()) => Ok(Redirect::to("/capacity/requirements").into_response()),
        Err(CapacityError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &requirements_page(&app, &user, shell, &input, errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

/// The assessment form's fields (drawn on the employee page).
pub(crate) async fn assessment_fields(
    app: &AppState,
    shell: &Shell,
    input: &AssessmentInput,
    errors: &[FieldError],
) -> Result<Vec<FieldView>, WebError> {
    let tr = &shell.tr;
    let methods = AssessmentMethod::ALL
        .into_iter()
        .map(|m| (m.as_str().to_string(), tr.t(m.label_key()).to_string()))
        .collect();
    Ok(vec![
        FieldView::text(
            tr,
            "competency_code",
            "capacity.competency",
            &input.competency_code,
            errors,
        )
        .select(tr, competency_options(app, tr.lang).await?),
        FieldView::text(tr, "level", "capacity.assessed_level", &input.level, errors)
            .select(tr, level_options()),
        FieldView::text(
            tr,
            "assessed_on",
            "capacity.assessed_on",
            &input.assessed_on,
            errors,
        )
        .kind("date"),
        FieldView::text(tr, "method", "capacity.method", &input.method, errors).select(tr, methods),
        FieldView::text(tr, "evidence", "capacity.evidence", &input.evidence, errors)
            .kind("textarea")
            .hint(tr, "capacity.evidence_hint"),
    ])
}

async fn add_assessment(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(nip): Path<String>,
    CsrfForm(input): CsrfForm<AssessmentInput>,
) -> Result<Response, WebError> {
    match competencies::record_assessment(&app, &user, &nip, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/capacity/employees/{nip}")).into_response()),
        Err(CapacityError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            super::employees::detail_page(&app, &user, shell, &nip, &input, errors)
                .await
                .and_then(|p| page(&p, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(other) => Err(other.into()),
    }
}
