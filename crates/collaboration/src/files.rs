//! Uploaded files of events and the knowledge base: the type is decided by content (PDF, JPEG or
//! PNG), the bytes are stored in the blob store before any row points to them.

use platform::{
    AppState,
    blobs::{self, BlobStore, FileKind},
};

use crate::error::CollaborationError;

pub(crate) struct Stored {
    pub sha256: String,
    pub kind: FileKind,
    pub file_name: String,
    pub size: i64,
}

/// Checks and stores an upload; a refused type is a problem of the `file` field.
pub(crate) async fn store(
    app: &AppState,
    file_name: &str,
    bytes: &[u8],
) -> Result<Stored, CollaborationError> {
    let kind =
        blobs::sniff(bytes).map_err(|problem| CollaborationError::field("file", problem.key()))?;
    let blob = BlobStore::new(&app.settings.data_dir)
        .put(bytes)
        .await
        .map_err(|e| CollaborationError::Internal(e.into()))?;
    let mut name: String = crate::one_line(file_name).chars().take(200).collect();
    if name.is_empty() {
        name = format!("file.{}", kind.as_str());
    }
    let name = kind.with_extension(&name);
    Ok(Stored {
        sha256: blob.sha256,
        kind,
        file_name: name,
        size: blob.size,
    })
}

pub(crate) async fn read(app: &AppState, sha256: &str) -> Result<Vec<u8>, CollaborationError> {
    BlobStore::new(&app.settings.data_dir)
        .get(sha256)
        .await
        .map_err(|e| CollaborationError::Internal(e.into()))
}
