//! One JSON file of everything Sigap holds about a citizen, assembled from each capability's
//! own `personal_data::export`. The whole file is personal data: it travels wrapped in
//! [`Personal`] and goes only to its owner.

use platform::{AppState, auth::CurrentUser, clock, personal::Personal, web::i18n::Lang};
use serde_json::{Value, json};

use crate::PrivacyError;

/// Everything held about the signed-in citizen, with the legal-hold explanation in `lang`.
#[tracing::instrument(skip_all, fields(user.id = %who.id))]
pub async fn export(
    app: &AppState,
    who: &CurrentUser,
    lang: Lang,
) -> Result<Personal<Value>, PrivacyError> {
    if !who.is_citizen() {
        return Err(PrivacyError::StaffAccount);
    }
    let db = &app.db;
    let account = accounts::personal_data::export(db, &who.id).await?;
    let email = account["profile"]["email"].as_str().map(str::to_string);
    let phone = account["profile"]["phone"].as_str().map(str::to_string);
    let services = services::personal_data::export(db, &who.id).await?;
    let queue = queue::personal_data::export(db, &who.id).await?;
    let issued: Vec<Value> = services["applications"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["issued_document"]["document_number"].as_str())
        .map(|n| json!(n))
        .collect();
    let t = |key| app.catalogue.get(lang, key).to_string();
    Ok(Personal::new(json!({
        "format": "sigap-personal-data-export/1",
        "exported_ms": clock::now_ms(),
        "controller": t("privacy.controller"),
        "explanation": t("privacy.export_explanation"),
        "legal_hold": {
            "applies": !issued.is_empty(),
            "kept_on_deletion": if issued.is_empty() { json!([]) } else { json!(["full_name", "nik"]) },
            "issued_documents": issued,
            "explanation": t("privacy.legal_hold_explanation"),
        },
        "profile": account["profile"],
        "notifications": account["notifications"],
        "applications": services["applications"],
        "document_locker": services["document_locker"],
        "complaints": complaints::personal_data::export(db, &who.id).await?,
        "queue_appointments": queue["appointments"],
        "queue_tickets": queue["tickets"],
        "event_registrations": collaboration::personal_data::export(db, &who.id).await?,
        "announcement_subscriptions": announcements::personal_data::export(
            db, &who.id, email.as_deref(), phone.as_deref()).await?,
    })))
}
