//! The service catalogue: what citizens can apply for, each with its full service standard.
//! Service admins maintain the services of their own agency; a superadmin any. Every change
//! is audited; concurrent edits are refused rather than overwritten (optimistic version check).

use platform::{
    AppState, audit,
    auth::{CurrentUser, Role},
    db,
};
use serde::Serialize;

use crate::{
    error::ServiceError,
    model::{Category, Requirement, ServiceDraft, ServiceInput, Step},
    store::{self, ServiceRow},
};

/// A service with its standard, ready to show or to serve as JSON.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Service {
    pub code: String,
    pub category: Category,
    pub agency_code: String,
    pub agency_name_id: String,
    pub agency_name_en: String,
    pub name_id: String,
    pub name_en: String,
    pub summary_id: String,
    pub summary_en: String,
    pub requirements: Vec<Requirement>,
    pub steps: Vec<Step>,
    /// Completion time in working days (Monday–Friday without holidays).
    pub completion_days: i64,
    /// Cost in rupiah; 0 when free.
    pub cost_idr: i64,
    pub cost_note_id: String,
    pub cost_note_en: String,
    pub product_id: String,
    pub product_en: String,
    pub complaints_id: String,
    pub complaints_en: String,
    pub published: bool,
    /// Increases with every change; send it back when editing.
    pub version: i64,
    pub updated_ms: i64,
    /// The eight internal components; only for staff of the owning agency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal: Option<InternalStandard>,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct InternalStandard {
    pub legal_basis: String,
    pub facilities: String,
    pub staff_competence: String,
    pub internal_supervision: String,
    pub staff_count: String,
    pub service_guarantee: String,
    pub safety_guarantee: String,
    pub performance_evaluation: String,
}

/// May `user` maintain services of `agency_id`?
pub fn may_manage(user: &CurrentUser, agency_id: &str) -> bool {
    user.has_role(Role::Superadmin) || user.has_role_in(Role::ServiceAdmin, agency_id)
}

async fn assemble(
    app: &AppState,
    row: ServiceRow,
    with_internal: bool,
) -> Result<Service, ServiceError> {
    let agency = accounts::organisation::find_agency_by_id(app, &row.agency_id).await?;
    let (agency_code, agency_name_id, agency_name_en) = agency
        .map(|a| (a.code, a.name_id, a.name_en))
        .unwrap_or_default();
    let [
        legal_basis,
        facilities,
        staff_competence,
        internal_supervision,
        staff_count,
        service_guarantee,
        safety_guarantee,
        performance_evaluation,
    ] = row.internal;
    Ok(Service {
        requirements: store::list_requirements(&app.db, &row.id).await?,
        steps: store::list_steps(&app.db, &row.id).await?,
        code: row.code,
        category: row.category,
        agency_code,
        agency_name_id,
        agency_name_en,
        name_id: row.name_id,
        name_en: row.name_en,
        summary_id: row.summary_id,
        summary_en: row.summary_en,
        completion_days: row.completion_days,
        cost_idr: row.cost_idr,
        cost_note_id: row.cost_note_id,
        cost_note_en: row.cost_note_en,
        product_id: row.product_id,
        product_en: row.product_en,
        complaints_id: row.complaints_id,
        complaints_en: row.complaints_en,
        published: row.published,
        version: row.version,
        updated_ms: row.updated_ms,
        internal: with_internal.then_some(InternalStandard {
            legal_basis,
            facilities,
            staff_competence,
            internal_supervision,
            staff_count,
            service_guarantee,
            safety_guarantee,
            performance_evaluation,
        }),
    })
}

/// A published service for the public (unpublished ones only for those who manage them).
pub async fn get_service(
    app: &AppState,
    code: &str,
    viewer: Option<&CurrentUser>,
) -> Result<Service, ServiceError> {
    let row = store::find_service(&app.db, code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let manager = viewer.is_some_and(|u| may_manage(u, &row.agency_id));
    if !row.published && !manager {
        return Err(ServiceError::NotFound);
    }
    assemble(app, row, manager).await
}

/// A service whether published or not (for applications already filed under it).
pub async fn get_service_unchecked(app: &AppState, code: &str) -> Result<Service, ServiceError> {
    let row = store::find_service(&app.db, code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    assemble(app, row, false).await
}

/// Published services matching a search, for the public catalogue.
pub async fn list_published(
    app: &AppState,
    query: &str,
    category: Option<Category>,
) -> Result<Vec<Service>, ServiceError> {
    let mut services = Vec::new();
    for row in store::list_services(&app.db, true, query, category).await? {
        services.push(assemble(app, row, false).await?);
    }
    Ok(services)
}

/// Every service `user` may manage, published or not.
pub async fn list_managed(
    app: &AppState,
    user: &CurrentUser,
) -> Result<Vec<Service>, ServiceError> {
    let mut services = Vec::new();
    for row in store::list_services(&app.db, false, "", None).await? {
        if may_manage(user, &row.agency_id) {
            services.push(assemble(app, row, true).await?);
        }
    }
    Ok(services)
}

/// Who is acting: a signed-in person, or the operator loading demo data.
#[derive(Clone, Copy, Debug)]
pub enum Actor<'a> {
    User(&'a CurrentUser),
    Operator,
}

impl Actor<'_> {
    fn id(&self) -> Option<&str> {
        match self {
            Actor::User(user) => Some(&user.id),
            Actor::Operator => None,
        }
    }
    fn may_manage(&self, agency_id: &str) -> bool {
        match self {
            Actor::User(user) => may_manage(user, agency_id),
            Actor::Operator => true,
        }
    }
    /// Whether the actor manages some agency's services at all (checked before the input is).
    fn manages_any(&self) -> bool {
        match self {
            Actor::User(user) => crate::holidays::may_manage(user),
            Actor::Operator => true,
        }
    }
}

async fn agency_for(app: &AppState, draft: &ServiceDraft) -> Result<String, ServiceError> {
    accounts::organisation::find_agency(app, &draft.agency_code)
        .await?
        .map(|a| a.id)
        .ok_or_else(|| ServiceError::Invalid(vec![("agency_code", "services.agency_unknown")]))
}

pub async fn create_service(
    app: &AppState,
    actor: Actor<'_>,
    input: &ServiceInput,
) -> Result<String, ServiceError> {
    // Someone who manages no agency's services is refused before being told what is wrong
    // with the input.
    if !actor.manages_any() {
        return Err(ServiceError::NotYourAgency);
    }
    let draft = input.check().map_err(ServiceError::Invalid)?;
    let agency_id = agency_for(app, &draft).await?;
    if !actor.may_manage(&agency_id) {
        return Err(ServiceError::NotYourAgency);
    }
    let mut tx = app.db.begin().await?;
    let id = match store::insert_service(&mut tx, &draft, &agency_id).await {
        Ok(id) => id,
        Err(e) if db::is_unique_violation(&e) => {
            return Err(ServiceError::Invalid(vec![("code", "services.code_taken")]));
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: actor.id(),
            action: "service.created",
            subject: &format!("service:{id}"),
            detail: serde_json::json!({ "code": draft.code, "published": draft.published }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(draft.code)
}

/// Saves a new version of the service `code`, if it is still at `expected_version`.
pub async fn update_service(
    app: &AppState,
    actor: Actor<'_>,
    code: &str,
    expected_version: i64,
    input: &ServiceInput,
) -> Result<(), ServiceError> {
    let current = store::find_service(&app.db, code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !actor.may_manage(&current.agency_id) {
        return Err(ServiceError::NotYourAgency);
    }
    // The code names the service in links and on printed boards: it does not change.
    let input = ServiceInput {
        code: code.to_string(),
        ..input.clone()
    };
    let draft = input.check().map_err(ServiceError::Invalid)?;
    let agency_id = agency_for(app, &draft).await?;
    if !actor.may_manage(&agency_id) {
        return Err(ServiceError::NotYourAgency);
    }
    let mut tx = app.db.begin().await?;
    if !store::update_service(&mut tx, &current.id, expected_version, &draft, &agency_id).await? {
        return Err(ServiceError::ChangedMeanwhile);
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: actor.id(),
            action: "service.updated",
            subject: &format!("service:{}", current.id),
            detail: serde_json::json!({ "code": code, "version": expected_version + 1, "published": draft.published }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

impl Service {
    /// The form values that reproduce this service (for the edit page).
    pub fn to_input(&self) -> ServiceInput {
        // Without the internal standard (a reader who does not manage it) those fields stay empty.
        let internal = self.internal.clone().unwrap_or_default();
        let requirement_line = |r: &Requirement| {
            format!(
                "{} | {}",
                r.name_id,
                crate::model::DocumentType::join(&r.accepted_types).replace(',', ", ")
            )
        };
        ServiceInput {
            code: self.code.clone(),
            agency_code: self.agency_code.clone(),
            category: self.category.as_str().into(),
            name_id: self.name_id.clone(),
            name_en: self.name_en.clone(),
            summary_id: self.summary_id.clone(),
            summary_en: self.summary_en.clone(),
            requirements_id: self
                .requirements
                .iter()
                .map(requirement_line)
                .collect::<Vec<_>>()
                .join("\n"),
            requirements_en: self
                .requirements
                .iter()
                .map(|r| r.name_en.clone())
                .collect::<Vec<_>>()
                .join("\n"),
            steps_id: self
                .steps
                .iter()
                .map(|s| s.text_id.clone())
                .collect::<Vec<_>>()
                .join("\n"),
            steps_en: self
                .steps
                .iter()
                .map(|s| s.text_en.clone())
                .collect::<Vec<_>>()
                .join("\n"),
            completion_days: self.completion_days.to_string(),
            cost_idr: self.cost_idr.to_string(),
            cost_note_id: self.cost_note_id.clone(),
            cost_note_en: self.cost_note_en.clone(),
            product_id: self.product_id.clone(),
            product_en: self.product_en.clone(),
            complaints_id: self.complaints_id.clone(),
            complaints_en: self.complaints_en.clone(),
            legal_basis: internal.legal_basis,
            facilities: internal.facilities,
            staff_competence: internal.staff_competence,
            internal_supervision: internal.internal_supervision,
            staff_count: internal.staff_count,
            service_guarantee: internal.service_guarantee,
            safety_guarantee: internal.safety_guarantee,
            performance_evaluation: internal.performance_evaluation,
            published: if self.published {
                "yes".into()
            } else {
                String::new()
            },
        }
    }
}
