//! The citizen's side of an application: start (or resume) a draft, answer the questions,
//! attach a document per requirement (stored before the record that points to it), check and
//! submit, follow it; and the public look-up by tracking number with a second factor.

use platform::{
    AppState, audit,
    auth::CurrentUser,
    blobs::{self, BlobStore, FileKind},
    clock, db,
    outbox::{self, Channel},
    throttle,
    web::{forms::Problems, i18n::Tr},
};

use super::{
    status::Status,
    store::{self, ApplicationRow, DocumentRow},
    tracking::{TrackingError, TrackingNumber},
};
use std::collections::BTreeMap;

use crate::{
    calendar, catalogue,
    error::ServiceError,
    forms::{self, FormDefinition},
    holidays, locker,
    model::Requirement,
    store as catalogue_store,
};

/// Starts an application for the published service `code`, or resumes the person's open draft.
pub async fn start(app: &AppState, who: &CurrentUser, code: &str) -> Result<String, ServiceError> {
    if !who.is_citizen() {
        return Err(ServiceError::NotYourAgency);
    }
    let service = catalogue_store::find_service(&app.db, code)
        .await?
        .filter(|s| s.published)
        .ok_or(ServiceError::NotFound)?;
    if let Some(draft) = store::find_draft(&app.db, &who.id, &service.id).await? {
        return Ok(draft.id);
    }
    let form = forms::current(app, &service.id).await?;
    let mut tx = app.db.begin().await?;
    let id = store::insert_draft(
        &mut tx,
        &service.id,
        service.version,
        &service.agency_id,
        &who.id,
        form.version,
    )
    .await?;
    store::insert_event(&mut tx, &id, Some(&who.id), Status::Draft, "").await?;
    tx.commit().await?;
    Ok(id)
}

/// The application `id` if `who` filed it. Anyone else gets "not found" (and the attempt is
/// audited), so ids cannot be probed.
pub async fn get_own(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
) -> Result<ApplicationRow, ServiceError> {
    match store::find(&app.db, id).await? {
        Some(row) if row.applicant_id == who.id => Ok(row),
        found => {
            if found.is_some() {
                super::audit_refused_access(app, &who.id, id, "citizen").await?;
            }
            Err(ServiceError::NotFound)
        }
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DetailsInput {
    /// What the letter or permit is needed for.
    pub purpose: String,
    /// Code of the applicant's kelurahan in Alak, e.g. `kel-namosain`.
    pub kelurahan: String,
    /// Street address (RT/RW).
    pub address: String,
    /// Answers to the service's own questions (its form), by field key.
    pub answers: BTreeMap<String, String>,
}

impl DetailsInput {
    /// The answers as an application holds them.
    pub fn of(row: &ApplicationRow) -> DetailsInput {
        DetailsInput {
            purpose: row.purpose.clone(),
            kelurahan: row.kelurahan_code.clone(),
            address: row.address.clone(),
            answers: row.answers.clone(),
        }
    }
}

/// The kelurahan of Kecamatan Alak: (code, name).
pub async fn kelurahan_choices(app: &AppState) -> Result<Vec<(String, String)>, ServiceError> {
    let tree = accounts::organisation::agency_tree(app)
        .await
        .map_err(|e| match e {
            accounts::AccountsError::Db(e) => ServiceError::Db(e),
            other => ServiceError::Internal(anyhow::anyhow!("{other}")),
        })?;
    Ok(tree
        .into_iter()
        .filter(|n| n.agency.kind == "kelurahan")
        .map(|n| (n.agency.code, n.agency.name_id))
        .collect())
}

/// The questions an application asks: its service's form at the version it was started under.
pub async fn form_of(app: &AppState, row: &ApplicationRow) -> Result<FormDefinition, ServiceError> {
    forms::of_version(app, &row.service_id, row.form_version).await
}

/// Every problem with the answers, at once, and the answers to the form normalised.
async fn check_details(
    app: &AppState,
    form: &FormDefinition,
    input: &DetailsInput,
) -> Result<(BTreeMap<String, String>, Vec<(String, &'static str)>), ServiceError> {
    let mut problems: Vec<(String, &'static str)> = Vec::new();
    let purpose = input.purpose.trim().chars().count();
    if purpose == 0 {
        problems.push(("purpose".into(), "services.purpose_required"));
    } else if !(5..=500).contains(&purpose) {
        problems.push(("purpose".into(), "services.purpose_length"));
    }
    let kelurahan: Vec<String> = kelurahan_choices(app)
        .await?
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    if !kelurahan.contains(&input.kelurahan) {
        problems.push(("kelurahan".into(), "services.kelurahan_required"));
    }
    let address = input.address.trim().chars().count();
    if address == 0 {
        problems.push(("address".into(), "services.address_required"));
    } else if address > 200 {
        problems.push(("address".into(), "services.address_length"));
    }
    let (answers, answer_problems) = forms::model::check_answers(
        &form.fields,
        &input.answers,
        &kelurahan,
        calendar::wita_date(clock::now_ms()),
    );
    problems.extend(answer_problems);
    Ok((answers, problems))
}

/// The citizen may change answers and documents before sending, and after a return for revision.
pub fn is_editable(status: Status) -> bool {
    matches!(status, Status::Draft | Status::ReturnedForRevision)
}

pub async fn save_details(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
    input: &DetailsInput,
) -> Result<(), ServiceError> {
    let row = get_own(app, who, id).await?;
    if !is_editable(row.status) {
        return Err(ServiceError::NotEditable {
            status: row.status.as_str(),
        });
    }
    let form = form_of(app, &row).await?;
    let (answers, problems) = check_details(app, &form, input).await?;
    if !problems.is_empty() {
        return Err(ServiceError::InvalidFields(problems));
    }
    let mut tx = app.db.begin().await?;
    if !store::update_details(
        &mut tx,
        id,
        input.purpose.trim(),
        &input.kelurahan,
        input.address.trim(),
        &answers,
    )
    .await?
    {
        return Err(ServiceError::NotEditable {
            status: "submitted",
        });
    }
    tx.commit().await?;
    Ok(())
}

/// The requirements of the application's service.
pub async fn requirements(
    app: &AppState,
    row: &ApplicationRow,
) -> Result<Vec<Requirement>, ServiceError> {
    Ok(catalogue_store::list_requirements(&app.db, &row.service_id).await?)
}

/// Where a document attached to an application comes from.
pub enum DocumentSource<'a> {
    /// A file uploaded now; it is also kept in the applicant's locker.
    Upload { file_name: &'a str, bytes: &'a [u8] },
    /// A file already in the applicant's locker, by its id.
    Locker { id: &'a str },
}

/// Attaches a document for requirement `position` (replacing an earlier one).
pub async fn attach(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
    position: usize,
    source: DocumentSource<'_>,
) -> Result<(), ServiceError> {
    let row = get_own(app, who, id).await?;
    if !is_editable(row.status) {
        return Err(ServiceError::NotEditable {
            status: row.status.as_str(),
        });
    }
    let requirements = requirements(app, &row).await?;
    let requirement = requirements.get(position).ok_or(ServiceError::NotFound)?;
    let accepts = |kind: FileKind| {
        requirement
            .accepted_types
            .iter()
            .any(|t| t.as_str() == kind.as_str())
    };
    let refused = || ServiceError::Invalid(vec![("file", "services.file_type_not_accepted")]);
    let (blob_sha256, kind, file_name, size_bytes, uploaded) = match source {
        DocumentSource::Upload { file_name, bytes } => {
            let kind =
                blobs::sniff(bytes).map_err(|p| ServiceError::Invalid(vec![("file", p.key())]))?;
            if !accepts(kind) {
                return Err(refused());
            }
            // The file is on disk before the row that points to it exists.
            let blob = BlobStore::new(&app.settings.data_dir)
                .put(bytes)
                .await
                .map_err(|e| ServiceError::Internal(e.into()))?;
            let name = locker::safe_file_name(file_name, kind);
            (blob.sha256, kind, name, blob.size, true)
        }
        DocumentSource::Locker { id: locker_id } => {
            let kept = locker::get_own(app, who, locker_id).await?;
            let kind = FileKind::parse(&kept.file_kind).ok_or_else(refused)?;
            if !accepts(kind) {
                return Err(refused());
            }
            (
                kept.blob_sha256,
                kind,
                kept.file_name,
                kept.size_bytes,
                false,
            )
        }
    };
    let document = DocumentRow {
        position: i64::try_from(position).unwrap_or(0),
        requirement_name: requirement.name_id.clone(),
        blob_sha256,
        file_kind: kind.as_str().to_string(),
        file_name,
        size_bytes,
    };
    let mut tx = app.db.begin().await?;
    store::upsert_document(&mut tx, id, document.position, &document).await?;
    if uploaded {
        locker::remember(
            &mut tx,
            &who.id,
            &requirement.name_id,
            &locker::NewDocument {
                blob_sha256: &document.blob_sha256,
                file_kind: &document.file_kind,
                file_name: &document.file_name,
                size_bytes: document.size_bytes,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Submits a complete draft: gives it a tracking number and a deadline in working days, and
/// tells the applicant. Returns the tracking number.
pub async fn submit(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
) -> Result<TrackingNumber, ServiceError> {
    let row = get_own(app, who, id).await?;
    if row.status == Status::ReturnedForRevision {
        return resubmit(app, who, row).await;
    }
    if row.status != Status::Draft {
        return Err(ServiceError::NotEditable {
            status: row.status.as_str(),
        });
    }
    let form = form_of(app, &row).await?;
    let (_, mut problems) = check_details(app, &form, &DetailsInput::of(&row)).await?;
    let documents = store::list_documents(&app.db, id).await?;
    let requirements = requirements(app, &row).await?;
    if (0..requirements.len()).any(|p| {
        !documents
            .iter()
            .any(|d| d.position == i64::try_from(p).unwrap_or(-1))
    }) {
        problems.push(("documents".into(), "services.documents_missing"));
    }
    if !problems.is_empty() {
        return Err(ServiceError::InvalidFields(problems));
    }
    let service = catalogue_store::find_service_by_id(&app.db, &row.service_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let now = clock::now_ms();
    let calendar = holidays::load_calendar(app).await?;
    let due = calendar.add_working_days(
        calendar::wita_date(now),
        u32::try_from(service.completion_days).unwrap_or(0),
    );
    let contact = accounts::contact(app, &who.id).await?;
    let tr = Tr::new(
        contact.as_ref().map(|c| c.lang).unwrap_or_default(),
        app.catalogue.clone(),
    );
    let service_name = if tr.lang == platform::web::i18n::Lang::En {
        &service.name_en
    } else {
        &service.name_id
    };
    // A clash of random tracking numbers is astronomically rare; try again with a new one.
    for _ in 0..5 {
        let number = TrackingNumber::generate();
        let mut tx = app.db.begin().await?;
        match store::update_submitted(&mut tx, id, number.as_str(), &due.to_string(), now).await {
            Ok(true) => {}
            Ok(false) => {
                return Err(ServiceError::NotEditable {
                    status: "submitted",
                });
            }
            Err(e) if db::is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
        store::insert_event(&mut tx, id, Some(&who.id), Status::Submitted, "").await?;
        audit::record(
            &mut tx,
            audit::Entry {
                actor_id: Some(&who.id),
                action: "application.submitted",
                subject: &format!("application:{id}"),
                detail: serde_json::json!({ "service": service.code, "due": due.to_string() }),
            },
        )
        .await?;
        let subject = tr.f("services.submitted_subject", &[("number", number.as_str())]);
        let body = tr.f(
            "services.submitted_body",
            &[
                ("service", service_name),
                ("number", number.as_str()),
                ("due", &due.to_string()),
            ],
        );
        outbox::enqueue(
            &mut tx,
            outbox::Message {
                channel: Channel::InApp,
                user_id: Some(&who.id),
                address: None,
                subject: &subject,
                body: &body,
            },
        )
        .await?;
        if let Some(email) = contact.as_ref().and_then(|c| c.email.as_deref()) {
            outbox::enqueue(
                &mut tx,
                outbox::Message {
                    channel: Channel::Email,
                    user_id: Some(&who.id),
                    address: Some(email),
                    subject: &subject,
                    body: &body,
                },
            )
            .await?;
        } else if let Some(phone) = contact.as_ref().and_then(|c| c.phone.as_deref()) {
            outbox::enqueue(
                &mut tx,
                outbox::Message {
                    channel: Channel::Sms,
                    user_id: Some(&who.id),
                    address: Some(phone),
                    subject: &subject,
                    body: &body,
                },
            )
            .await?;
        }
        tx.commit().await?;
        app.outbox_signal.notify_one();
        return Ok(number);
    }
    Err(ServiceError::Internal(anyhow::anyhow!(
        "could not draw a free tracking number"
    )))
}

/// Sends a revised application back to the office. The deadline moves by the working days the
/// application waited for the citizen (the SLA clock was paused).
async fn resubmit(
    app: &AppState,
    who: &CurrentUser,
    row: ApplicationRow,
) -> Result<TrackingNumber, ServiceError> {
    let now = clock::now_ms();
    if let Some(day) = row.revise_by_day.as_deref().and_then(calendar::parse_date)
        && calendar::wita_date(now) > day
    {
        return Err(ServiceError::RevisionDeadlinePassed {
            day: day.to_string(),
        });
    }
    let form = form_of(app, &row).await?;
    let (_, problems) = check_details(app, &form, &DetailsInput::of(&row)).await?;
    if !problems.is_empty() {
        return Err(ServiceError::InvalidFields(problems));
    }
    let calendar = holidays::load_calendar(app).await?;
    let paused = row
        .paused_ms
        .map(|since| {
            calendar.working_days_between(calendar::wita_date(since), calendar::wita_date(now))
        })
        .unwrap_or(0);
    let due = row
        .due_day
        .as_deref()
        .and_then(calendar::parse_date)
        .map(|d| {
            calendar
                .add_working_days(d, u32::try_from(paused).unwrap_or(0))
                .to_string()
        });
    let number = TrackingNumber::parse(row.tracking_number.as_deref().unwrap_or_default())
        .map_err(|_| ServiceError::NotFound)?;
    let mut tx = app.db.begin().await?;
    if !store::update_status(
        &mut tx,
        &row.id,
        Status::ReturnedForRevision,
        Status::Submitted,
        None,
        None,
        due.as_deref(),
        now,
    )
    .await?
    {
        return Err(ServiceError::NotEditable {
            status: "submitted",
        });
    }
    store::insert_event(&mut tx, &row.id, Some(&who.id), Status::Submitted, "").await?;
    store::set_revise_by(&mut tx, &row.id, None).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "application.resubmitted",
            subject: &format!("application:{}", row.id),
            detail: serde_json::json!({ "paused_working_days": paused }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(number)
}

/// What the office asked to fix at the latest return for revision.
pub async fn revision_notes(
    app: &AppState,
    row: &ApplicationRow,
) -> Result<Vec<store::RevisionNote>, ServiceError> {
    Ok(store::latest_revision_notes(&app.db, &row.id).await?)
}

/// The service an application is for, as the catalogue shows it.
pub async fn service_of(
    app: &AppState,
    row: &ApplicationRow,
) -> Result<catalogue::Service, ServiceError> {
    let code = catalogue_store::find_service_by_id(&app.db, &row.service_id)
        .await?
        .ok_or(ServiceError::NotFound)?
        .code;
    // An application keeps its service even if the service is later unpublished.
    catalogue::get_service_unchecked(app, &code).await
}

pub async fn documents(
    app: &AppState,
    row: &ApplicationRow,
) -> Result<Vec<DocumentRow>, ServiceError> {
    Ok(store::list_documents(&app.db, &row.id).await?)
}

/// A document's bytes, for its owner.
pub async fn document_file(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
    position: i64,
) -> Result<(DocumentRow, Vec<u8>), ServiceError> {
    let row = get_own(app, who, id).await?;
    let document = store::list_documents(&app.db, &row.id)
        .await?
        .into_iter()
        .find(|d| d.position == position)
        .ok_or(ServiceError::NotFound)?;
    let bytes = BlobStore::new(&app.settings.data_dir)
        .get(&document.blob_sha256)
        .await
        .map_err(|e| ServiceError::Internal(e.into()))?;
    Ok((document, bytes))
}

/// The issued PDF of the citizen's own application: (tracking number, bytes).
pub async fn issued_pdf(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
) -> Result<(String, Vec<u8>), ServiceError> {
    let row = get_own(app, who, id).await?;
    let document = super::issuance::document_of(app, &row.id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let bytes = BlobStore::new(&app.settings.data_dir)
        .get(&document.sha256)
        .await
        .map_err(|e| ServiceError::Internal(e.into()))?;
    Ok((row.tracking_number.unwrap_or_default(), bytes))
}

pub async fn list_mine(
    app: &AppState,
    who: &CurrentUser,
) -> Result<Vec<ApplicationRow>, ServiceError> {
    Ok(store::list_for_applicant(&app.db, &who.id).await?)
}

pub async fn timeline(
    app: &AppState,
    row: &ApplicationRow,
) -> Result<Vec<(i64, Status, String)>, ServiceError> {
    Ok(store::list_events(&app.db, &row.id).await?)
}

/// The id of the application with tracking number `number` (as typed), for staff linking a
/// counter visit to it; `Ok(None)` when there is none.
pub async fn id_by_tracking(app: &AppState, number: &str) -> Result<Option<String>, ServiceError> {
    let Ok(number) = TrackingNumber::parse(number) else {
        return Ok(None);
    };
    Ok(store::find_by_tracking(&app.db, number.as_str())
        .await?
        .map(|row| row.id))
}

/// Look-ups with a wrong number or second factor allowed per client address per hour.
const TRACKING_LIMIT: i64 = 10;

/// What the public tracking page may show: no names, no answers, no documents.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PublicStatus {
    pub tracking_number: String,
    pub service_name_id: String,
    pub service_name_en: String,
    pub status: Status,
    pub submitted_ms: Option<i64>,
    /// Deadline (YYYY-MM-DD, WITA), counted in working days.
    pub due_day: Option<String>,
    /// (time in ms, status), oldest first.
    pub timeline: Vec<(i64, Status)>,
}

/// Looks up an application by its tracking number and the last 4 digits of the applicant's
/// mobile number (or of the NIK for an applicant without one). Wrong combinations count
/// towards a limit per client address; the answer never tells which part was wrong.
pub async fn track(
    app: &AppState,
    number: &str,
    last_digits: &str,
    client: &str,
) -> Result<PublicStatus, ServiceError> {
    let mut problems = Problems::new();
    let parsed = TrackingNumber::parse(number);
    match parsed {
        Err(TrackingError::Malformed) => problems.push(("number", "services.tracking_malformed")),
        Err(TrackingError::CheckDigit) => problems.push(("number", "services.tracking_typo")),
        Ok(_) => {}
    }
    let digits = last_digits.trim();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        problems.push(("last_digits", "services.last_digits_invalid"));
    }
    let Ok(number) = parsed else {
        return Err(ServiceError::Invalid(problems));
    };
    if !problems.is_empty() {
        return Err(ServiceError::Invalid(problems));
    }
    let subject = throttle::subject(&format!("track-addr:{client}"));
    let (failures, oldest) =
        throttle::count_failures(&app.db, &subject, clock::now_ms() - 3_600_000).await?;
    if failures >= TRACKING_LIMIT {
        return Err(ServiceError::Throttled {
            until_ms: oldest.unwrap_or_else(clock::now_ms) + 3_600_000,
        });
    }
    let row = store::find_by_tracking(&app.db, number.as_str()).await?;
    let matches = match &row {
        Some(row) => {
            let contact = accounts::contact(app, &row.applicant_id).await?;
            let secret = contact.and_then(|c| c.phone.or(c.nik)).unwrap_or_default();
            secret.len() >= 4 && secret.ends_with(digits)
        }
        None => false,
    };
    let Some(row) = row.filter(|_| matches) else {
        let mut tx = app.db.begin().await?;
        throttle::record_failure(&mut tx, &subject).await?;
        tx.commit().await?;
        return Err(ServiceError::Invalid(vec![(
            "number",
            "services.tracking_not_found",
        )]));
    };
    // Only the names are shown: one row, not the whole standard.
    let service = catalogue_store::find_service_by_id(&app.db, &row.service_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(PublicStatus {
        tracking_number: number.to_string(),
        service_name_id: service.name_id,
        service_name_en: service.name_en,
        status: row.status,
        submitted_ms: row.submitted_ms,
        due_day: row.due_day.clone(),
        timeline: timeline(app, &row)
            .await?
            .into_iter()
            .map(|(at, status, _)| (at, status))
            .collect(),
    })
}
