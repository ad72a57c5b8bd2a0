//! Filing a complaint, the one deciding function behind the web form, the JSON API and Open311:
//! every problem is found at once, the photo is stored before the row that points to it, and
//! the complaint, its first event, its audit entry and the receipt to the complainant are
//! written in one transaction. Also: who may read a complaint, and the anonymous look-up.

use platform::{
    AppState, audit,
    auth::CurrentUser,
    blobs::{self, BlobStore, FileKind},
    clock,
    outbox::{self, Channel},
    throttle,
    web::{
        forms::{Problems, UploadProblem},
        i18n::{Lang, Tr},
    },
};
use serde::{Deserialize, Serialize};

use crate::{
    error::ComplaintError,
    model::{self, AccessCode, ComplaintNumber, Status},
    store::{self, CategoryRow, ComplaintRow, NewComplaint},
};

/// What a complainant typed. Every field defaults to empty so a missing one becomes a message.
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ComplaintInput {
    /// Category code (see `GET /api/v1/complaint-categories`).
    pub category: String,
    /// For the category "about a service": the service's code in the catalogue.
    pub service: String,
    /// What happened: 10–2000 characters.
    pub description: String,
    /// Latitude (decimal degrees), optional; with `long`, inside Kupang.
    pub lat: String,
    /// Longitude (decimal degrees), optional.
    pub long: String,
    /// Address or landmark, optional.
    pub address: String,
    /// Kelurahan code in Alak (e.g. `kel-namosain`), optional.
    pub kelurahan: String,
    /// Anonymous complainants only: a name to address the answer to, optional.
    pub contact_name: String,
    /// Anonymous complainants only: where to send the answer, optional.
    pub contact_email: String,
    /// Anonymous complainants only: where to send the answer by SMS, optional.
    pub contact_phone: String,
}

/// Where the complaint came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel311 {
    Web,
    Api,
    /// A partner app through Open311, with the id of its key.
    Open311,
}

impl Channel311 {
    fn as_str(self) -> &'static str {
        match self {
            Channel311::Web => "web",
            Channel311::Api => "api",
            Channel311::Open311 => "open311",
        }
    }
}

/// The photo as it arrived (or why it did not).
pub type PhotoUpload = Option<Result<Vec<u8>, UploadProblem>>;

/// A filed complaint: its number and, for an anonymous complainant, the access code (shown once).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = FiledComplaint)]
pub struct Filed {
    pub number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_code: Option<String>,
    /// Responsible agency's name (Indonesian).
    pub agency_name: String,
}

/// The extras Open311 brings: the partner key and a link to a photo hosted elsewhere.
#[derive(Clone, Debug, Default)]
pub struct Extras {
    pub api_key_id: Option<String>,
    pub media_url: String,
}

/// The kelurahan of Kecamatan Alak: (code, name).
pub async fn kelurahan_choices(app: &AppState) -> Result<Vec<(String, String)>, ComplaintError> {
    services::applications::journey::kelurahan_choices(app)
        .await
        .map_err(ComplaintError::from)
}

/// The agency that answers a complaint of `category` (about `service_code` if it is about a
/// service): `None` when it cannot be found.
async fn responsible_agency(
    app: &AppState,
    category: &CategoryRow,
    service_code: &str,
) -> Result<Option<accounts::AgencyRow>, ComplaintError> {
    let agency_code = if category.about_a_service() {
        match services::catalogue::get_service(app, service_code, None).await {
            Ok(service) => service.agency_code,
            Err(services::ServiceError::NotFound) => return Ok(None),
            Err(e) => return Err(e.into()),
        }
    } else {
        category.agency_code.clone()
    };
    Ok(accounts::organisation::find_agency(app, &agency_code).await?)
}

/// Files a complaint by `who` (a signed-in citizen) or anonymously (`who` = `None`).
#[tracing::instrument(skip_all, fields(channel = channel.as_str()))]
pub async fn file(
    app: &AppState,
    who: Option<&CurrentUser>,
    input: &ComplaintInput,
    photo: PhotoUpload,
    channel: Channel311,
    extras: Extras,
    lang: Lang,
) -> Result<Filed, ComplaintError> {
    let who = who.filter(|u| u.is_citizen());
    let mut problems = Problems::new();
    let category = store::find_category(&app.db, input.category.trim()).await?;
    let mut agency = None;
    match &category {
        None => problems.push(("category", "complaints.category_required")),
        Some(category) => {
            if category.about_a_service() && input.service.trim().is_empty() {
                problems.push(("service", "complaints.service_required"));
            } else {
                agency = responsible_agency(app, category, input.service.trim()).await?;
                if agency.is_none() {
                    problems.push(if category.about_a_service() {
                        ("service", "complaints.service_required")
                    } else {
                        ("category", "complaints.category_unavailable")
                    });
                }
            }
        }
    }
    model::check_description(&input.description, &mut problems);
    let location = model::check_location(&input.lat, &input.long, "lat", &mut problems);
    if input.address.trim().chars().count() > 300 {
        problems.push(("address", "complaints.address_length"));
    }
    let kelurahan = input.kelurahan.trim();
    if !kelurahan.is_empty()
        && !kelurahan_choices(app)
            .await?
            .iter()
            .any(|(code, _)| code == kelurahan)
    {
        problems.push(("kelurahan", "complaints.kelurahan_invalid"));
    }
    let (contact_name, contact_email, contact_phone) = if who.is_some() {
        (String::new(), String::new(), String::new())
    } else {
        let email = input.contact_email.trim().to_string();
        let phone = input.contact_phone.trim().to_string();
        if !email.is_empty() && !model::email_ok(&email) {
            problems.push(("contact_email", "complaints.email_invalid"));
        }
        if !phone.is_empty() && !model::phone_ok(&phone) {
            problems.push(("contact_phone", "complaints.phone_invalid"));
        }
        if input.contact_name.trim().chars().count() > 100 {
            problems.push(("contact_name", "complaints.name_length"));
        }
        (input.contact_name.trim().to_string(), email, phone)
    };
    let photo = match photo {
        None | Some(Err(UploadProblem::Missing)) => None,
        Some(Err(UploadProblem::TooLarge)) => {
            problems.push(("photo", "complaints.photo_too_large"));
            None
        }
        Some(Ok(bytes)) if bytes.len() > app.settings.max_upload_bytes => {
            problems.push(("photo", "complaints.photo_too_large"));
            None
        }
        Some(Ok(bytes)) => match blobs::sniff(&bytes) {
            Ok(kind @ (FileKind::Jpeg | FileKind::Png)) => Some((bytes, kind)),
            Ok(FileKind::Pdf) | Err(_) => {
                problems.push(("photo", "complaints.photo_type"));
                None
            }
        },
    };
    let (Some(category), Some(agency), true) = (category, agency, problems.is_empty()) else {
        return Err(ComplaintError::Invalid(problems));
    };

    // The file is on disk before any row points to it.
    let stored = match &photo {
        Some((bytes, kind)) => Some((
            BlobStore::new(&app.settings.data_dir)
                .put(bytes)
                .await
                .map_err(|e| ComplaintError::Internal(e.into()))?
                .sha256,
            kind.as_str(),
        )),
        None => None,
    };
    let access_code = who.is_none().then(AccessCode::generate);
    let access_hash = access_code
        .as_ref()
        .map(|c| AccessCode::hash_of(c.as_str()));
    let lang = match who {
        Some(user) => user.lang,
        None => lang,
    };
    let service_code = if category.about_a_service() {
        input.service.trim()
    } else {
        ""
    };
    let id = platform::ids::new_id();
    let now = clock::now_ms();
    // A taken number (one chance in billions) is retried in a fresh transaction: PostgreSQL
    // refuses every further statement of a transaction in which one failed.
    let mut attempts = 0;
    let (mut tx, number) = loop {
        let number = ComplaintNumber::generate();
        let mut tx = app.db.begin().await?;
        let new = NewComplaint {
            number: number.as_str(),
            category_code: &category.code,
            service_code,
            agency_id: &agency.id,
            complainant_id: who.map(|u| u.id.as_str()),
            contact_name: &contact_name,
            contact_email: &contact_email,
            contact_phone: &contact_phone,
            access_code_hash: access_hash.as_deref(),
            lang: lang.code(),
            channel: channel.as_str(),
            api_key_id: extras.api_key_id.as_deref(),
            description: input.description.trim(),
            photo: stored.as_ref().map(|(sha, kind)| (sha.as_str(), *kind)),
            media_url: extras.media_url.trim(),
            location,
            address: input.address.trim(),
            kelurahan_code: kelurahan,
        };
        if store::insert_complaint(&mut tx, &id, &new, now).await? {
            break (tx, number);
        }
        tx.rollback().await?;
        attempts += 1;
        if attempts >= 5 {
            return Err(ComplaintError::Internal(anyhow::anyhow!(
                "no free complaint number after 5 draws"
            )));
        }
    };
    store::insert_event(
        &mut tx,
        &id,
        who.map(|u| u.id.as_str()),
        "filed",
        Status::Received,
        "",
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: who.map(|u| u.id.as_str()),
            action: "complaint.filed",
            subject: &format!("complaint:{id}"),
            detail: serde_json::json!({
                "category": category.code,
                "agency": agency.code,
                "channel": channel.as_str(),
                "api_key": extras.api_key_id,
            }),
        },
    )
    .await?;
    let row = ComplaintRow {
        id: id.clone(),
        number: number.to_string(),
        category_code: category.code.clone(),
        service_code: service_code.to_string(),
        agency_id: agency.id.clone(),
        complainant_id: who.map(|u| u.id.clone()),
        contact_name,
        contact_email,
        contact_phone,
        access_code_hash: access_hash.clone(),
        lang: lang.code().to_string(),
        channel: channel.as_str().to_string(),
        description: String::new(),
        photo_sha256: None,
        photo_kind: None,
        media_url: String::new(),
        lat: None,
        lon: None,
        address: String::new(),
        kelurahan_code: String::new(),
        status: Status::Received,
        status_note: String::new(),
        response: String::new(),
        version: 1,
        created_ms: now,
        triaged_ms: None,
        responded_ms: None,
        closed_ms: None,
        updated_ms: now,
    };
    notify_complainant(app, &mut tx, &row, Status::Received, "").await?;
    tx.commit().await?;
    app.outbox_signal.notify_one();
    tracing::info!(complaint.id = %id, "complaint filed");
    Ok(Filed {
        number: number.to_string(),
        access_code: access_code.map(|c| c.as_str().to_string()),
        agency_name: agency.name_id,
    })
}

/// Tells the complainant of a change, in their language: in-app for an account holder, and by
/// email (else SMS) to the account's or the anonymous complainant's contact.
pub async fn notify_complainant(
    app: &AppState,
    conn: &mut sqlx::AnyConnection,
    row: &ComplaintRow,
    status: Status,
    text: &str,
) -> Result<(), ComplaintError> {
    let contact = match &row.complainant_id {
        Some(user_id) => accounts::contact(app, user_id).await?,
        None => None,
    };
    let lang = contact
        .as_ref()
        .map(|c| c.lang)
        .or_else(|| Lang::parse(&row.lang))
        .unwrap_or_default();
    let tr = Tr::new(lang, app.catalogue.clone());
    let subject = tr.f("complaints.notify_subject", &[("number", &row.number)]);
    let mut body = tr.f(
        "complaints.notify_body",
        &[
            ("number", &row.number),
            ("status", tr.t(status.label_key())),
        ],
    );
    if !text.is_empty() {
        body.push_str(&format!("\n\n{text}"));
    }
    if row.access_code_hash.is_some() {
        body.push_str(&format!("\n{}", tr.t("complaints.notify_anonymous_hint")));
    }
    if let Some(user_id) = row.complainant_id.as_deref() {
        outbox::enqueue(
            conn,
            outbox::Message {
                channel: Channel::InApp,
                user_id: Some(user_id),
                address: None,
                subject: &subject,
                body: &body,
            },
        )
        .await?;
    }
    let (email, phone) = match &contact {
        Some(c) => (c.email.clone(), c.phone.clone()),
        None => (
            Some(row.contact_email.clone()).filter(|e| !e.is_empty()),
            Some(row.contact_phone.clone()).filter(|p| !p.is_empty()),
        ),
    };
    let external = match (email.as_deref(), phone.as_deref()) {
        (Some(email), _) => Some((Channel::Email, email)),
        (None, Some(phone)) => Some((Channel::Sms, phone)),
        (None, None) => None,
    };
    if let Some((channel, address)) = external {
        outbox::enqueue(
            conn,
            outbox::Message {
                channel,
                user_id: row.complainant_id.as_deref(),
                address: Some(address),
                subject: &subject,
                body: &body,
            },
        )
        .await?;
    }
    Ok(())
}

/// Records that `who` tried to open a complaint that is not theirs to see; the caller then
/// answers "not found", so numbers cannot be probed.
pub(crate) async fn audit_refused(
    app: &AppState,
    who_id: Option<&str>,
    row: &ComplaintRow,
    desk: &str,
) -> Result<(), ComplaintError> {
    let mut tx = app.db.begin().await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: who_id,
            action: "complaint.access_refused",
            subject: &format!("complaint:{}", row.id),
            detail: serde_json::json!({ "desk": desk }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The citizen's own complaint; anyone else's is "not found" (audited).
pub async fn get_own(
    app: &AppState,
    who: &CurrentUser,
    number: &str,
) -> Result<ComplaintRow, ComplaintError> {
    let number = ComplaintNumber::parse(number).ok_or(ComplaintError::NotFound)?;
    let row = store::find_by_number(&app.db, number.as_str())
        .await?
        .ok_or(ComplaintError::NotFound)?;
    if row.complainant_id.as_deref() == Some(who.id.as_str()) {
        Ok(row)
    } else {
        audit_refused(app, Some(&who.id), &row, "complainant").await?;
        Err(ComplaintError::NotFound)
    }
}

/// The citizen's complaints, newest first.
pub async fn list_own(
    app: &AppState,
    who: &CurrentUser,
) -> Result<Vec<ComplaintRow>, ComplaintError> {
    Ok(store::list_for_complainant(&app.db, &who.id).await?)
}

const LOOKUP_WINDOW_MS: i64 = 15 * 60 * 1000;
const LOOKUP_LIMIT: i64 = 10;

/// An anonymous complaint by its number and access code. A wrong pair shows nothing and counts
/// against the client's address; after 10 failures in 15 minutes the address waits.
pub async fn lookup(
    app: &AppState,
    client: &str,
    number: &str,
    code: &str,
) -> Result<ComplaintRow, ComplaintError> {
    let subject = throttle::subject(&format!("complaint-lookup:{client}"));
    let since = clock::now_ms() - LOOKUP_WINDOW_MS;
    let (failures, oldest) = throttle::count_failures(&app.db, &subject, since).await?;
    if failures >= LOOKUP_LIMIT {
        return Err(ComplaintError::Throttled {
            until_ms: oldest.unwrap_or(since) + LOOKUP_WINDOW_MS,
        });
    }
    let found = match ComplaintNumber::parse(number) {
        Some(number) => store::find_by_number(&app.db, number.as_str()).await?,
        None => None,
    };
    let typed = AccessCode::hash_of(code);
    match found {
        Some(row) if !code.trim().is_empty() && row.access_code_hash.as_deref() == Some(&typed) => {
            Ok(row)
        }
        _ => {
            let mut tx = app.db.begin().await?;
            throttle::record_failure(&mut tx, &subject).await?;
            tx.commit().await?;
            Err(ComplaintError::NotFound)
        }
    }
}

/// The photo of a complaint, for its complainant or its responsible staff.
pub async fn photo(
    app: &AppState,
    row: &ComplaintRow,
) -> Result<(Vec<u8>, FileKind), ComplaintError> {
    let (Some(sha), Some(kind)) = (&row.photo_sha256, row.photo_kind.as_deref()) else {
        return Err(ComplaintError::NotFound);
    };
    let kind = FileKind::parse(kind).ok_or(ComplaintError::NotFound)?;
    let bytes = BlobStore::new(&app.settings.data_dir)
        .get(sha)
        .await
        .map_err(|e| ComplaintError::Internal(e.into()))?;
    Ok((bytes, kind))
}
