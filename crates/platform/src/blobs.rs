//! Uploaded and issued files, stored by content: the name of a file is the SHA-256 of its bytes
//! (`<data dir>/blobs/ab/cd/abcd…`). A file is written and flushed to disk before any record
//! points to it, so a crash never leaves a record without its file; the same file uploaded twice
//! is stored once. Types are decided by content (magic bytes and a complete ending), never by
//! the file name. A multi-node installation mounts the same folder (or later an object store
//! behind this same API) on every node.

use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};
use tokio::io::AsyncWriteExt as _;

/// The file types Sigap accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpeg",
            FileKind::Png => "png",
        }
    }
    pub fn parse(raw: &str) -> Option<FileKind> {
        match raw {
            "pdf" => Some(FileKind::Pdf),
            "jpeg" => Some(FileKind::Jpeg),
            "png" => Some(FileKind::Png),
            _ => None,
        }
    }
    /// `name` ending in this kind's extension: a PDF uploaded as `surat.html` is kept as
    /// `surat.html.pdf`, so a downloaded copy never opens as a page or a program.
    pub fn with_extension(self, name: &str) -> String {
        let extensions: &[&str] = match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Jpeg => &["jpg", "jpeg"],
            FileKind::Png => &["png"],
        };
        let fits = name
            .rsplit_once('.')
            .is_some_and(|(_, ext)| extensions.iter().any(|e| ext.eq_ignore_ascii_case(e)));
        if fits {
            name.to_string()
        } else {
            format!("{name}.{}", extensions[0])
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
        }
    }
}

/// Why a file was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("the file is empty")]
    Empty,
    #[error("not a PDF, JPEG or PNG file")]
    UnknownType,
    #[error("the {0:?} file is cut off (incomplete)")]
    Truncated(FileKind),
}

impl FileProblem {
    pub fn key(self) -> &'static str {
        match self {
            FileProblem::Empty => "files.empty",
            FileProblem::UnknownType => "files.unknown_type",
            FileProblem::Truncated(_) => "files.truncated",
        }
    }
}

/// The type of `bytes` by their content, checking that the file is complete.
pub fn sniff(bytes: &[u8]) -> Result<FileKind, FileProblem> {
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if bytes.starts_with(b"%PDF-") {
        // A complete PDF ends with the %%EOF marker (possibly followed by a line break).
        let complete = tail.windows(5).any(|w| w == b"%%EOF");
        return if complete {
            Ok(FileKind::Pdf)
        } else {
            Err(FileProblem::Truncated(FileKind::Pdf))
        };
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        let trimmed = trim_trailing_zeros(bytes);
        return if trimmed.ends_with(&[0xFF, 0xD9]) {
            Ok(FileKind::Jpeg)
        } else {
            Err(FileProblem::Truncated(FileKind::Jpeg))
        };
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        // The IEND chunk: length 0, type IEND, CRC AE 42 60 82.
        return if bytes.ends_with(&[0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]) {
            Ok(FileKind::Png)
        } else {
            Err(FileProblem::Truncated(FileKind::Png))
        };
    }
    Err(FileProblem::UnknownType)
}

fn trim_trailing_zeros(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|b| *b != 0).map_or(0, |p| p + 1);
    &bytes[..end]
}

/// A stored file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobRef {
    pub sha256: String,
    pub size: i64,
}

#[derive(Clone, Debug)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    pub fn new(data_dir: &Path) -> BlobStore {
        BlobStore {
            root: data_dir.join("blobs"),
        }
    }

    fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64
            && sha256
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
        valid.then(|| {
            self.root
                .join(&sha256[..2])
                .join(&sha256[2..4])
                .join(sha256)
        })
    }

    /// Stores `bytes` durably and returns their address.
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<BlobRef> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let path = self
            .path_of(&sha256)
            .ok_or_else(|| std::io::Error::other("bad digest"))?;
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(BlobRef { sha256, size });
        }
        let folder = path
            .parent()
            .ok_or_else(|| std::io::Error::other("no folder"))?
            .to_path_buf();
        tokio::fs::create_dir_all(&folder).await?;
        // Write a temporary file, flush it to disk, then rename: the final name only ever
        // holds a complete file.
        let temporary = folder.join(format!(".{sha256}.{}", crate::ids::new_id()));
        let mut file = tokio::fs::File::create(&temporary).await?;
        file.write_all(bytes).await?;
        file.sync_all().await?;
        drop(file);
        tokio::fs::rename(&temporary, &path).await?;
        if let Ok(dir) = tokio::fs::File::open(&folder).await {
            let _ = dir.sync_all().await;
        }
        Ok(BlobRef { sha256, size })
    }

    /// The bytes stored under `sha256`.
    pub async fn get(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        let path = self
            .path_of(sha256)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "bad digest"))?;
        tokio::fs::read(path).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG_END: [u8; 8] = [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82];

    #[test]
    fn types_are_decided_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n1 0 obj\n%%EOF\n"), Ok(FileKind::Pdf));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 0xFF, 0xD9]),
            Ok(FileKind::Jpeg)
        );
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];
        png.extend(PNG_END);
        assert_eq!(sniff(&png), Ok(FileKind::Png));
    }

    #[test]
    fn renamed_executables_and_cut_off_files_are_refused() {
        assert_eq!(
            sniff(b"MZ\x90\x00 this is a windows program"),
            Err(FileProblem::UnknownType)
        );
        assert_eq!(sniff(b"\x7fELF..."), Err(FileProblem::UnknownType));
        assert_eq!(
            sniff(b"%PDF-1.7\n1 0 obj\n<< /Len"),
            Err(FileProblem::Truncated(FileKind::Pdf))
        );
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 1, 2]),
            Err(FileProblem::Truncated(FileKind::Jpeg))
        );
        assert_eq!(sniff(b""), Err(FileProblem::Empty));
    }

    #[test]
    fn a_stored_name_ends_in_the_extension_of_the_content() {
        assert_eq!(FileKind::Pdf.with_extension("surat.html"), "surat.html.pdf");
        assert_eq!(FileKind::Pdf.with_extension("SURAT.PDF"), "SURAT.PDF");
        assert_eq!(FileKind::Jpeg.with_extension("foto.jpeg"), "foto.jpeg");
        assert_eq!(FileKind::Jpeg.with_extension("foto.svg"), "foto.svg.jpg");
        assert_eq!(FileKind::Png.with_extension("ktp"), "ktp.png");
    }

    #[tokio::test]
    async fn the_same_file_is_stored_once_under_its_digest() {
        let dir = std::env::temp_dir().join(format!("sigap-blobs-{}", crate::ids::new_id()));
        let store = BlobStore::new(&dir);
        let first = store.put(b"%PDF-1.4 %%EOF").await.expect("stored");
        let second = store.put(b"%PDF-1.4 %%EOF").await.expect("stored again");
        assert_eq!(first, second);
        assert_eq!(
            store.get(&first.sha256).await.expect("read"),
            b"%PDF-1.4 %%EOF"
        );
        assert!(
            store.get("../../etc/passwd").await.is_err(),
            "only digests are paths"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
