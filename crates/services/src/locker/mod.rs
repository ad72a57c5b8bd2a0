//! The citizen's document locker ("Dokumen Saya"): every file a citizen uploads for an
//! application is kept here too (by content, so the same KTP is stored once), and can be attached
//! to a later application without uploading it again. A citizen may also add files ahead of time
//! and remove them; removing never touches applications that already use the file.

pub(crate) mod pages;
mod store;

use platform::{
    AppState, audit,
    auth::CurrentUser,
    blobs::{self, BlobStore, FileKind},
    clock,
};
use sqlx::AnyConnection;

pub use store::LockerDocument;

use crate::error::ServiceError;

/// The most files one citizen keeps; enough for a household's papers.
pub const MAX_DOCUMENTS: i64 = 50;

/// A file name as it may be shown and sent back: no folders, no control characters, and the
/// extension of what the file is.
pub fn safe_file_name(raw: &str, kind: FileKind) -> String {
    let name: String = raw
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    if name.trim().is_empty() {
        format!("dokumen.{}", kind.as_str())
    } else {
        kind.with_extension(&name)
    }
}

/// Keeps a copy of an uploaded file in the owner's locker (inside the caller's transaction);
/// the same content twice is one entry.
pub(crate) async fn remember(
    conn: &mut AnyConnection,
    owner_id: &str,
    label: &str,
    document: &store::NewDocument<'_>,
) -> Result<(), sqlx::Error> {
    store::insert_if_new(conn, owner_id, label, document).await
}

pub async fn list(app: &AppState, who: &CurrentUser) -> Result<Vec<LockerDocument>, ServiceError> {
    if !who.is_citizen() {
        return Err(ServiceError::NotYourAgency);
    }
    Ok(store::list(&app.db, &who.id).await?)
}

/// The files kept for `owner_id`, for pages that offer them (the owner's own application).
pub(crate) async fn list_for_owner(
    app: &AppState,
    owner_id: &str,
) -> Result<Vec<LockerDocument>, ServiceError> {
    Ok(store::list(&app.db, owner_id).await?)
}

/// The owner's document `id`; anyone else's is "not found".
pub async fn get_own(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
) -> Result<LockerDocument, ServiceError> {
    store::find(&app.db, id)
        .await?
        .filter(|d| d.owner_id == who.id)
        .ok_or(ServiceError::NotFound)
}

pub async fn file(
    app: &AppState,
    who: &CurrentUser,
    id: &str,
) -> Result<(LockerDocument, Vec<u8>), ServiceError> {
    let document = get_own(app, who, id).await?;
    let bytes = BlobStore::new(&app.settings.data_dir)
        .get(&document.blob_sha256)
        .await
        .map_err(|e| ServiceError::Internal(e.into()))?;
    Ok((document, bytes))
}

/// Adds a file to the locker ahead of any application. The label says what it is ("KTP").
pub async fn add(
    app: &AppState,
    who: &CurrentUser,
    label: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<LockerDocument, ServiceError> {
    if !who.is_citizen() {
        return Err(ServiceError::NotYourAgency);
    }
    let label = label.trim();
    let mut problems = Vec::new();
    if !(2..=80).contains(&label.chars().count()) {
        problems.push(("label", "services.locker_label_invalid"));
    }
    let kind = match blobs::sniff(bytes) {
        Ok(kind) => Some(kind),
        Err(problem) => {
            problems.push(("file", problem.key()));
            None
        }
    };
    let Some(kind) = kind.filter(|_| problems.is_empty()) else {
        return Err(ServiceError::Invalid(problems));
    };
    if store::count(&app.db, &who.id).await? >= MAX_DOCUMENTS {
        return Err(ServiceError::Invalid(vec![(
            "file",
            "services.locker_full",
        )]));
    }
    // The file is on disk before the row that points to it exists.
    let blob = BlobStore::new(&app.settings.data_dir)
        .put(bytes)
        .await
        .map_err(|e| ServiceError::Internal(e.into()))?;
    let name = safe_file_name(file_name, kind);
    let mut tx = app.db.begin().await?;
    store::insert_if_new(
        &mut tx,
        &who.id,
        label,
        &store::NewDocument {
            blob_sha256: &blob.sha256,
            file_kind: kind.as_str(),
            file_name: &name,
            size_bytes: blob.size,
        },
    )
    .await?;
    tx.commit().await?;
    store::find_by_blob(&app.db, &who.id, &blob.sha256)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Removes a file from the locker; applications that use it keep their copy.
pub async fn remove(app: &AppState, who: &CurrentUser, id: &str) -> Result<(), ServiceError> {
    let document = get_own(app, who, id).await?;
    let mut tx = app.db.begin().await?;
    store::delete(&mut tx, &document.id).await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&who.id),
            action: "locker.removed",
            subject: &format!("locker:{}", document.id),
            detail: serde_json::json!({ "at": clock::now_ms() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) use store::NewDocument;
