//! The holiday calendar admins keep per year (national holidays and collective leave from the
//! joint ministerial decree), and deadlines computed with it.

use platform::{
    AppState, audit,
    auth::{CurrentUser, Role},
    db,
};

use crate::{
    calendar::{self, Calendar},
    error::ServiceError,
    store::{self, Holiday},
};

pub async fn load_calendar(app: &AppState) -> Result<Calendar, ServiceError> {
    let holidays = store::list_holidays(&app.db, None).await?;
    Ok(Calendar::new(
        holidays.iter().filter_map(|h| calendar::parse_date(&h.day)),
    ))
}

pub fn may_manage(user: &CurrentUser) -> bool {
    user.has_role(Role::Superadmin) || user.has_role(Role::ServiceAdmin)
}

#[derive(Clone, Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct HolidayInput {
    /// YYYY-MM-DD
    pub day: String,
    pub name_id: String,
    pub name_en: String,
    /// `national` or `collective_leave`.
    pub kind: String,
}

/// Adds a holiday; `actor` is `None` for the operator (demo data).
pub async fn add_holiday(
    app: &AppState,
    actor: Option<&CurrentUser>,
    input: &HolidayInput,
) -> Result<(), ServiceError> {
    if actor.is_some_and(|u| !may_manage(u)) {
        return Err(ServiceError::NotYourAgency);
    }
    let mut problems = Vec::new();
    let day = calendar::parse_date(&input.day);
    if day.is_none() {
        problems.push(("day", "services.holiday_day_invalid"));
    }
    if input.name_id.trim().is_empty() {
        problems.push(("name_id", "services.holiday_name_required"));
    }
    if !matches!(input.kind.as_str(), "national" | "collective_leave") {
        problems.push(("kind", "services.holiday_kind_invalid"));
    }
    let Some(day) = day.filter(|_| problems.is_empty()) else {
        return Err(ServiceError::Invalid(problems));
    };
    let holiday = Holiday {
        day: day.to_string(),
        name_id: input.name_id.trim().into(),
        name_en: if input.name_en.trim().is_empty() {
            input.name_id.trim().into()
        } else {
            input.name_en.trim().into()
        },
        kind: input.kind.clone(),
    };
    let mut tx = app.db.begin().await?;
    if let Err(e) = store::insert_holiday(&mut tx, &holiday).await {
        return Err(if db::is_unique_violation(&e) {
            ServiceError::Invalid(vec![("day", "services.holiday_exists")])
        } else {
            e.into()
        });
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: actor.map(|u| u.id.as_str()),
            action: "holiday.added",
            subject: &format!("holiday:{}", holiday.day),
            detail: serde_json::json!({ "kind": holiday.kind }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_holiday(
    app: &AppState,
    actor: &CurrentUser,
    day: &str,
) -> Result<(), ServiceError> {
    if !may_manage(actor) {
        return Err(ServiceError::NotYourAgency);
    }
    let mut tx = app.db.begin().await?;
    if !store::delete_holiday(&mut tx, day).await? {
        return Err(ServiceError::NotFound);
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&actor.id),
            action: "holiday.removed",
            subject: &format!("holiday:{day}"),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
