//! Application forms as data, versioned per service. Service admins of the owning agency change
//! a form; each change is a new version, so an application in progress keeps the questions it
//! was started under. See `model` for the field kinds and rules.

pub(crate) mod demo;
pub mod model;
pub(crate) mod pages;
mod store;

use platform::{AppState, audit, auth::CurrentUser, clock, db};

pub use model::{Choice, DateRule, FieldDef, FieldKind, FormDefinition};

use crate::{catalogue, error::ServiceError, store as catalogue_store};

fn decode(version: i64, json: &str) -> Result<FormDefinition, ServiceError> {
    let fields: Vec<FieldDef> = serde_json::from_str(json)
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("form version {version}: {e}")))?;
    Ok(FormDefinition { version, fields })
}

/// The newest form of a service (version 0, no questions, if none was ever defined).
pub async fn current(app: &AppState, service_id: &str) -> Result<FormDefinition, ServiceError> {
    match store::latest(&app.db, service_id).await? {
        Some((version, json)) => decode(version, &json),
        None => Ok(FormDefinition::default()),
    }
}

/// One version of a service's form, as an application filed under it asks it.
pub async fn of_version(
    app: &AppState,
    service_id: &str,
    version: i64,
) -> Result<FormDefinition, ServiceError> {
    if version == 0 {
        return Ok(FormDefinition::default());
    }
    let json = store::version(&app.db, service_id, version)
        .await?
        .ok_or(ServiceError::NotFound)?;
    decode(version, &json)
}

/// The form of a published service by its code, for anyone (the questions are public).
pub async fn current_for_code(app: &AppState, code: &str) -> Result<FormDefinition, ServiceError> {
    let service = catalogue_store::find_service(&app.db, code)
        .await?
        .filter(|s| s.published)
        .ok_or(ServiceError::NotFound)?;
    current(app, &service.id).await
}

/// Replaces the form of service `code` with `fields` as a new version. `base_version` is the
/// version the editor started from: if someone published another meanwhile, nothing is
/// overwritten and the editor is told.
pub async fn publish(
    app: &AppState,
    who: &CurrentUser,
    code: &str,
    base_version: i64,
    fields: Vec<FieldDef>,
) -> Result<FormDefinition, ServiceError> {
    let service = catalogue_store::find_service(&app.db, code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !catalogue::may_manage(who, &service.agency_id) {
        return Err(ServiceError::NotYourAgency);
    }
    let problems = model::check_definition(&fields);
    if !problems.is_empty() {
        return Err(ServiceError::InvalidFields(problems));
    }
    let fields: Vec<FieldDef> = fields
        .into_iter()
        .map(|mut f| {
            f.label_id = f.label_id.trim().to_string();
            f.label_en = f.label_en.trim().to_string();
            f.hint_id = f.hint_id.trim().to_string();
            f.hint_en = f.hint_en.trim().to_string();
            f
        })
        .collect();
    let latest = current(app, &service.id).await?.version;
    if latest != base_version {
        return Err(ServiceError::ChangedMeanwhile);
    }
    let version = base_version + 1;
    let json = serde_json::to_string(&fields).map_err(|e| ServiceError::Internal(e.into()))?;
    let mut tx = app.db.begin().await?;
    match store::insert(
        &mut tx,
        &service.id,
        version,
        &json,
        Some(&who.id),
        clock::now_ms(),
    )
    .await
    {
        Ok(()) => {}
        Err(e) if db::is_unique_violation(&e) => return Err(ServiceError::ChangedMeanwhile),
        Err(e) => return Err(e.into()),
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "service.form_published",
            subject: &format!("service:{}", service.code),
            detail: serde_json::json!({
                "version": version,
                "fields": fields.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(),
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(FormDefinition { version, fields })
}

/// One entry of a form's history.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FormVersionSummary {
    pub version: i64,
    pub created_ms: i64,
    pub created_by: Option<String>,
    pub field_keys: Vec<String>,
}

/// Every version of the form of service `code`, newest first, for its admins.
pub async fn history(
    app: &AppState,
    who: &CurrentUser,
    code: &str,
) -> Result<Vec<FormVersionSummary>, ServiceError> {
    let service = catalogue_store::find_service(&app.db, code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !catalogue::may_manage(who, &service.agency_id) {
        return Err(ServiceError::NotYourAgency);
    }
    store::history(&app.db, &service.id)
        .await?
        .into_iter()
        .map(|row| {
            let form = decode(row.version, &row.fields)?;
            Ok(FormVersionSummary {
                version: row.version,
                created_ms: row.created_ms,
                created_by: row.created_by_name,
                field_keys: form.fields.into_iter().map(|f| f.key).collect(),
            })
        })
        .collect()
}
