//! HTML pages of the catalogue: the public list and standard of each service, the printable
//! service board (maklumat), and the service admin's editor and holiday calendar.

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
    auth::{CurrentUser, MaybeUser},
    clock,
    web::{
        Shell, WebError,
        error::FieldError,
        forms::{CsrfForm, FieldView, field_errors},
        i18n::{Lang, Tr},
    },
};
use serde::Deserialize;

use crate::{
    catalogue::{self, Actor, Service},
    error::ServiceError,
    holidays::{self, HolidayInput},
    model::{Category, ServiceInput, format_rupiah},
    store,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services", get(list))
        .route("/services/{code}", get(detail))
        .route("/services/{code}/maklumat", get(maklumat))
        .route("/admin/services", get(admin_list))
        .route("/admin/services/new", get(new_form).post(create))
        .route("/admin/services/{code}/edit", get(edit_form).post(update))
        .route("/admin/holidays", get(holidays_page).post(add_holiday))
        .route("/admin/holidays/{day}/delete", post(remove_holiday))
}

pub(crate) use platform::web::page;

/// A service in the reader's language, values ready to show.
pub struct ServiceView {
    pub code: String,
    pub name: String,
    pub summary: String,
    pub agency: String,
    pub category: String,
    pub requirements: Vec<(String, String)>,
    pub steps: Vec<String>,
    pub completion: String,
    pub cost: String,
    pub cost_note: String,
    pub product: String,
    pub complaints: String,
    pub published: bool,
    pub updated: String,
    /// (label, text) of the eight internal components, for those who manage the service.
    pub internal: Vec<(String, String)>,
}

impl ServiceView {
    pub fn new(service: &Service, tr: &Tr) -> ServiceView {
        let en = tr.lang == Lang::En;
        let pick = |id: &str, en_text: &str| {
            if en {
                en_text.to_string()
            } else {
                id.to_string()
            }
        };
        let internal = service
            .internal
            .as_ref()
            .map(|i| {
                [
                    ("services.legal_basis", &i.legal_basis),
                    ("services.facilities", &i.facilities),
                    ("services.staff_competence", &i.staff_competence),
                    ("services.internal_supervision", &i.internal_supervision),
                    ("services.staff_count", &i.staff_count),
                    ("services.service_guarantee", &i.service_guarantee),
                    ("services.safety_guarantee", &i.safety_guarantee),
                    ("services.performance_evaluation", &i.performance_evaluation),
                ]
                .into_iter()
                .map(|(key, text)| {
                    (
                        tr.t(key).to_string(),
                        if text.is_empty() {
                            "—".to_string()
                        } else {
                            text.clone()
                        },
                    )
                })
                .collect()
            })
            .unwrap_or_default();
        ServiceView {
            code: service.code.clone(),
            name: pick(&service.name_id, &service.name_en),
            summary: pick(&service.summary_id, &service.summary_en),
            agency: pick(&service.agency_name_id, &service.agency_name_en),
            category: tr.t(service.category.label_key()).to_string(),
            requirements: service
                .requirements
                .iter()
                .map(|r| {
                    let types = r
                        .accepted_types
                        .iter()
                        .map(|t| t.as_str().to_uppercase())
                        .collect::<Vec<_>>()
                        .join(", ");
                    (pick(&r.name_id, &r.name_en), types)
                })
                .collect(),
            steps: service
                .steps
                .iter()
                .map(|s| pick(&s.text_id, &s.text_en))
                .collect(),
            completion: tr.f(
                "services.working_days",
                &[("days", &service.completion_days.to_string())],
            ),
            cost: if service.cost_idr == 0 {
                tr.t("services.free").to_string()
            } else {
                format_rupiah(service.cost_idr)
            },
            cost_note: pick(&service.cost_note_id, &service.cost_note_en),
            product: pick(&service.product_id, &service.product_en),
            complaints: pick(&service.complaints_id, &service.complaints_en),
            published: service.published,
            updated: clock::format_wita(service.updated_ms, tr.lang),
            internal,
        }
    }
}

// ---------- public catalogue ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CatalogueQuery {
    q: String,
    category: String,
}

#[derive(Template)]
#[template(path = "services_list.html")]
struct ListPage {
    shell: Shell,
    query: String,
    category: String,
    services: Vec<ServiceView>,
}

async fn list(
    State(app): State<AppState>,
    shell: Shell,
    Query(query): Query<CatalogueQuery>,
) -> Result<Response, WebError> {
    let category = Category::parse(&query.category);
    let services = catalogue::list_published(&app, &query.q, category).await?;
    let services = services
        .iter()
        .map(|s| ServiceView::new(s, &shell.tr))
        .collect();
    page(
        &ListPage {
            shell,
            query: query.q,
            category: category.map(|c| c.as_str().to_string()).unwrap_or_default(),
            services,
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "service_detail.html")]
struct DetailPage {
    shell: Shell,
    service: ServiceView,
    manager: bool,
}

async fn detail(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let service = catalogue::get_service(&app, &code, user.as_ref()).await?;
    let manager = service.internal.is_some();
    page(
        &DetailPage {
            service: ServiceView::new(&service, &shell.tr),
            shell,
            manager,
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "maklumat.html")]
struct MaklumatPage {
    shell: Shell,
    service: ServiceView,
}

async fn maklumat(
    State(app): State<AppState>,
    shell: Shell,
    MaybeUser(user): MaybeUser,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let service = catalogue::get_service(&app, &code, user.as_ref()).await?;
    page(
        &MaklumatPage {
            service: ServiceView::new(&service, &shell.tr),
            shell,
        },
        StatusCode::OK,
    )
}

// ---------- service admin ----------

fn require_service_admin(user: &CurrentUser) -> Result<(), WebError> {
    if holidays::may_manage(user) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

#[derive(Template)]
#[template(path = "admin_services.html")]
struct AdminListPage {
    shell: Shell,
    services: Vec<ServiceView>,
}

async fn admin_list(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    require_service_admin(&user)?;
    let services = catalogue::list_managed(&app, &user).await?;
    let services = services
        .iter()
        .map(|s| ServiceView::new(s, &shell.tr))
        .collect();
    page(&AdminListPage { shell, services }, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "admin_service_form.html")]
struct ServiceFormPage {
    shell: Shell,
    errors: Vec<FieldError>,
    public_fields: Vec<FieldView>,
    internal_fields: Vec<FieldView>,
    input: ServiceInput,
    agencies: Vec<(String, String)>,
    categories: Vec<(&'static str, String)>,
    action: String,
    version: i64,
    editing: bool,
}

async fn service_form(
    app: &AppState,
    user: &CurrentUser,
    shell: Shell,
    input: ServiceInput,
    errors: Vec<FieldError>,
    editing: Option<i64>,
) -> Result<ServiceFormPage, WebError> {
    let tr = &shell.tr;
    let text =
        |name: &'static str, key: &str, value: &str| FieldView::text(tr, name, key, value, &errors);
    let area = |name: &'static str, key: &str, value: &str| {
        FieldView::text(tr, name, key, value, &errors).kind("textarea")
    };
    let mut public_fields = Vec::new();
    if editing.is_none() {
        public_fields
            .push(text("code", "services.code", &input.code).hint(tr, "services.code_hint"));
    }
    public_fields.extend([
        text("name_id", "services.name_id", &input.name_id),
        text("name_en", "services.name_en", &input.name_en).optional(tr),
        area("summary_id", "services.summary_id", &input.summary_id),
        area("summary_en", "services.summary_en", &input.summary_en).optional(tr),
        area(
            "requirements_id",
            "services.requirements_id",
            &input.requirements_id,
        )
        .hint(tr, "services.requirements_hint"),
        area(
            "requirements_en",
            "services.requirements_en",
            &input.requirements_en,
        )
        .optional(tr)
        .hint(tr, "services.lines_hint"),
        area("steps_id", "services.steps_id", &input.steps_id).hint(tr, "services.steps_hint"),
        area("steps_en", "services.steps_en", &input.steps_en)
            .optional(tr)
            .hint(tr, "services.lines_hint"),
        text(
            "completion_days",
            "services.completion_days",
            &input.completion_days,
        )
        .numeric()
        .hint(tr, "services.completion_days_hint"),
        text("cost_idr", "services.cost_idr", &input.cost_idr)
            .numeric()
            .hint(tr, "services.cost_hint"),
        text("cost_note_id", "services.cost_note_id", &input.cost_note_id).optional(tr),
        text("cost_note_en", "services.cost_note_en", &input.cost_note_en).optional(tr),
        text("product_id", "services.product_id", &input.product_id),
        text("product_en", "services.product_en", &input.product_en).optional(tr),
        area(
            "complaints_id",
            "services.complaints_id",
            &input.complaints_id,
        ),
        area(
            "complaints_en",
            "services.complaints_en",
            &input.complaints_en,
        )
        .optional(tr),
    ]);
    let internal_fields = vec![
        area("legal_basis", "services.legal_basis", &input.legal_basis),
        area("facilities", "services.facilities", &input.facilities).optional(tr),
        area(
            "staff_competence",
            "services.staff_competence",
            &input.staff_competence,
        )
        .optional(tr),
        area(
            "internal_supervision",
            "services.internal_supervision",
            &input.internal_supervision,
        )
        .optional(tr),
        text("staff_count", "services.staff_count", &input.staff_count).optional(tr),
        area(
            "service_guarantee",
            "services.service_guarantee",
            &input.service_guarantee,
        )
        .optional(tr),
        area(
            "safety_guarantee",
            "services.safety_guarantee",
            &input.safety_guarantee,
        )
        .optional(tr),
        area(
            "performance_evaluation",
            "services.performance_evaluation",
            &input.performance_evaluation,
        )
        .optional(tr),
    ];
    let agencies = accounts::organisation::agency_tree(app)
        .await
        .map_err(WebError::from)?
        .into_iter()
        .filter(|node| catalogue::may_manage(user, &node.agency.id))
        .map(|node| (node.agency.code.clone(), node.indented_name(tr.lang)))
        .collect();
    let categories = [Category::NonLicensing, Category::Licensing]
        .into_iter()
        .map(|c| (c.as_str(), tr.t(c.label_key()).to_string()))
        .collect();
    let action = match editing {
        Some(_) => format!("/admin/services/{}/edit", input.code),
        None => "/admin/services/new".to_string(),
    };
    Ok(ServiceFormPage {
        shell,
        errors,
        public_fields,
        internal_fields,
        agencies,
        categories,
        action,
        version: editing.unwrap_or(0),
        editing: editing.is_some(),
        input,
    })
}

async fn new_form(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    require_service_admin(&user)?;
    let input = ServiceInput {
        completion_days: "3".into(),
        cost_idr: "0".into(),
        ..Default::default()
    };
    page(
        &service_form(&app, &user, shell, input, Vec::new(), None).await?,
        StatusCode::OK,
    )
}

/// Re-shows the form with the problems of `error`, or turns it into an error page.
async fn form_problem(
    app: &AppState,
    user: &CurrentUser,
    shell: Shell,
    input: ServiceInput,
    error: ServiceError,
    editing: Option<i64>,
) -> Result<Response, WebError> {
    let problems = match error {
        ServiceError::Invalid(problems) => problems,
        ServiceError::ChangedMeanwhile => vec![("name_id", "services.changed_meanwhile")],
        other => return Err(other.into()),
    };
    let status = if problems
        .iter()
        .any(|(_, k)| *k == "services.changed_meanwhile")
    {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let errors = field_errors(&shell.tr, &problems);
    page(
        &service_form(app, user, shell, input, errors, editing).await?,
        status,
    )
}

async fn create(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfForm(input): CsrfForm<ServiceInput>,
) -> Result<Response, WebError> {
    require_service_admin(&user)?;
    match catalogue::create_service(&app, Actor::User(&user), &input).await {
        Ok(code) => Ok(Redirect::to(&format!("/services/{code}")).into_response()),
        Err(error) => form_problem(&app, &user, shell, input, error, None).await,
    }
}

async fn edit_form(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    require_service_admin(&user)?;
    let service = catalogue::get_service(&app, &code, Some(&user)).await?;
    if service.internal.is_none() {
        return Err(WebError::Forbidden);
    }
    let version = service.version;
    page(
        &service_form(
            &app,
            &user,
            shell,
            service.to_input(),
            Vec::new(),
            Some(version),
        )
        .await?,
        StatusCode::OK,
    )
}

/// The edit form: the service's fields plus the version the editor started from.
#[derive(Deserialize, Default)]
struct ServiceEdit {
    #[serde(default)]
    version: String,
    #[serde(flatten)]
    input: ServiceInput,
}

async fn update(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(code): Path<String>,
    CsrfForm(edit): CsrfForm<ServiceEdit>,
) -> Result<Response, WebError> {
    require_service_admin(&user)?;
    let version = edit
        .version
        .trim()
        .parse::<i64>()
        .map_err(|_| WebError::BadRequest("error.bad_form"))?;
    let input = ServiceInput {
        code: code.clone(),
        ..edit.input
    };
    match catalogue::update_service(&app, Actor::User(&user), &code, version, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/services/{code}")).into_response()),
        Err(error) => form_problem(&app, &user, shell, input, error, Some(version)).await,
    }
}

// ---------- holidays ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    year: String,
}

#[derive(Template)]
#[template(path = "admin_holidays.html")]
struct HolidaysPage {
    shell: Shell,
    year: i16,
    holidays: Vec<(String, String, String)>,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
    kind: String,
}

async fn holidays_view(
    app: &AppState,
    shell: Shell,
    year: i16,
    input: &HolidayInput,
    errors: Vec<FieldError>,
) -> Result<HolidaysPage, WebError> {
    let tr = &shell.tr;
    let holidays = store::list_holidays(&app.db, Some(year))
        .await?
        .into_iter()
        .map(|h| {
            let name = if tr.lang == Lang::En {
                h.name_en
            } else {
                h.name_id
            };
            let kind = tr
                .t(if h.kind == "national" {
                    "services.holiday_national"
                } else {
                    "services.holiday_collective"
                })
                .to_string();
            (h.day, name, kind)
        })
        .collect();
    let fields = vec![
        FieldView::text(tr, "day", "services.holiday_day", &input.day, &errors).kind("date"),
        FieldView::text(
            tr,
            "name_id",
            "services.holiday_name_id",
            &input.name_id,
            &errors,
        ),
        FieldView::text(
            tr,
            "name_en",
            "services.holiday_name_en",
            &input.name_en,
            &errors,
        )
        .optional(tr),
    ];
    Ok(HolidaysPage {
        shell,
        year,
        holidays,
        errors,
        fields,
        kind: input.kind.clone(),
    })
}

fn this_year() -> i16 {
    crate::calendar::wita_date(clock::now_ms()).year()
}

async fn holidays_page(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<YearQuery>,
) -> Result<Response, WebError> {
    require_service_admin(&user)?;
    let year = query
        .year
        .parse::<i16>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(this_year);
    let input = HolidayInput {
        kind: "national".into(),
        ..Default::default()
    };
    page(
        &holidays_view(&app, shell, year, &input, Vec::new()).await?,
        StatusCode::OK,
    )
}

async fn add_holiday(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfForm(input): CsrfForm<HolidayInput>,
) -> Result<Response, WebError> {
    require_service_admin(&user)?;
    match holidays::add_holiday(&app, Some(&user), &input).await {
        Ok(()) => {
            let year = input.day.get(..4).unwrap_or_default();
            Ok(Redirect::to(&format!("/admin/holidays?year={year}")).into_response())
        }
        Err(ServiceError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            let year = crate::calendar::parse_date(&input.day)
                .map(|d| d.year())
                .unwrap_or_else(this_year);
            page(
                &holidays_view(&app, shell, year, &input, errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

async fn remove_holiday(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(day): Path<String>,
    CsrfForm(_): CsrfForm<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    holidays::remove_holiday(&app, &user, &day).await?;
    let year = day.get(..4).unwrap_or_default();
    Ok(Redirect::to(&format!("/admin/holidays?year={year}")).into_response())
}
