//! Issued documents: a PDF with the agency's letterhead, the applicant and the decision, the
//! number and the date in WITA, and a QR code linking to the public verification page. The
//! SHA-256 of the PDF is signed with the instance's Ed25519 key, so anyone can check a copy
//! offline against the published public key. A document can be revoked; its page then says so.
//! The national e-signature service (BSrE) would plug in at `sign_digest`.

use base64::{Engine as _, engine::general_purpose::STANDARD as B64};
use ed25519_dalek::{Signer as _, SigningKey, Verifier as _, VerifyingKey};
use platform::{AppState, blobs::BlobStore, clock, ids};
use printpdf::{BuiltinFont, Mm, PdfDocument, Rect};
use sqlx::{AnyConnection, Row as _};

use super::store::ApplicationRow;
use crate::error::ServiceError;

const KEY_ID: &str = "primary";

/// The instance's signing key, created on first use (race-safe across nodes).
pub async fn signing_key(app: &AppState) -> Result<SigningKey, ServiceError> {
    if let Some(key) = load_key(app).await? {
        return Ok(key);
    }
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    sqlx::query("INSERT INTO signing_keys (id, secret_b64, public_b64, created_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING")
        .bind(KEY_ID)
        .bind(B64.encode(key.to_bytes()))
        .bind(B64.encode(key.verifying_key().to_bytes()))
        .bind(clock::now_ms())
        .execute(&app.db.write)
        .await?;
    load_key(app).await?.ok_or_else(|| {
        ServiceError::Internal(anyhow::anyhow!("signing key missing after creation"))
    })
}

async fn load_key(app: &AppState) -> Result<Option<SigningKey>, ServiceError> {
    let row = sqlx::query("SELECT secret_b64 FROM signing_keys WHERE id = $1")
        .bind(KEY_ID)
        .fetch_optional(&app.db.write)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let secret: String = row.try_get("secret_b64")?;
    let bytes: [u8; 32] = B64
        .decode(secret)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            ServiceError::Internal(anyhow::anyhow!("stored signing key is malformed"))
        })?;
    Ok(Some(SigningKey::from_bytes(&bytes)))
}

/// Signs a document digest. The place where a national e-signature service would be called.
fn sign_digest(key: &SigningKey, digest: &[u8]) -> String {
    B64.encode(key.sign(digest).to_bytes())
}

/// Checks `signature_b64` over `digest` with `public_b64` (for the verification page and tests).
pub fn verify_signature(public_b64: &str, digest: &[u8], signature_b64: &str) -> bool {
    let Some(public): Option<[u8; 32]> =
        B64.decode(public_b64).ok().and_then(|b| b.try_into().ok())
    else {
        return false;
    };
    let Some(signature): Option<[u8; 64]> = B64
        .decode(signature_b64)
        .ok()
        .and_then(|b| b.try_into().ok())
    else {
        return false;
    };
    let Ok(key) = VerifyingKey::from_bytes(&public) else {
        return false;
    };
    key.verify(digest, &ed25519_dalek::Signature::from_bytes(&signature))
        .is_ok()
}

/// What goes on the letter.
pub struct LetterContent {
    pub agency_name: String,
    pub title: String,
    pub number: String,
    pub applicant_name: String,
    pub applicant_nik: String,
    pub address: String,
    pub kelurahan: String,
    pub purpose: String,
    pub service_name: String,
    pub date_wita: String,
    pub verify_url: String,
}

/// The PDF of a letter, with a QR code to `verify_url`.
/// Draws a QR code of `text` on a PDF page, its top-left corner at `(left, top)` mm and
/// `size` mm wide: the verification link on issued letters and certificates.
pub fn draw_qr(
    layer: &printpdf::PdfLayerReference,
    text: &str,
    (left, top): (f32, f32),
    size: f32,
) -> Result<(), qrcode::types::QrError> {
    let code = qrcode::QrCode::new(text.as_bytes())?;
    let width = code.width();
    let module = size / width as f32;
    for (index, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (x, y) = ((index % width) as f32, (index / width) as f32);
            let llx = left + x * module;
            let lly = top - (y + 1.0) * module;
            layer.add_rect(Rect::new(
                Mm(llx),
                Mm(lly),
                Mm(llx + module),
                Mm(lly + module),
            ));
        }
    }
    Ok(())
}

pub fn render_pdf(letter: &LetterContent) -> Result<Vec<u8>, ServiceError> {
    let fail = |e: printpdf::Error| ServiceError::Internal(anyhow::anyhow!("PDF: {e}"));
    let (doc, page, layer) = PdfDocument::new(&letter.title, Mm(210.0), Mm(297.0), "letter");
    let layer = doc.get_page(page).get_layer(layer);
    let bold = doc
        .add_builtin_font(BuiltinFont::HelveticaBold)
        .map_err(fail)?;
    let regular = doc.add_builtin_font(BuiltinFont::Helvetica).map_err(fail)?;
    // Letterhead.
    layer.use_text("PEMERINTAH KOTA KUPANG", 14.0, Mm(25.0), Mm(272.0), &bold);
    layer.use_text(
        letter.agency_name.to_uppercase(),
        16.0,
        Mm(25.0),
        Mm(264.0),
        &bold,
    );
    layer.use_text(
        "Jl. Alak, Penkase Oeleta, Kota Kupang, Nusa Tenggara Timur",
        9.0,
        Mm(25.0),
        Mm(258.0),
        &regular,
    );
    layer.add_rect(Rect::new(Mm(25.0), Mm(254.0), Mm(185.0), Mm(254.6)));
    // Title and number.
    layer.use_text(
        letter.title.to_uppercase(),
        13.0,
        Mm(25.0),
        Mm(242.0),
        &bold,
    );
    layer.use_text(
        format!("Nomor: {}", letter.number),
        10.0,
        Mm(25.0),
        Mm(236.0),
        &regular,
    );
    layer.use_text(
        format!(
            "Yang bertanda tangan di bawah ini, Camat {}, menerangkan bahwa:",
            letter.agency_name.trim_start_matches("Kecamatan ")
        ),
        10.5,
        Mm(25.0),
        Mm(224.0),
        &regular,
    );
    let rows = [
        ("Nama", &letter.applicant_name),
        ("NIK", &letter.applicant_nik),
        ("Alamat", &letter.address),
        ("Kelurahan", &letter.kelurahan),
        ("Keperluan", &letter.purpose),
        ("Layanan", &letter.service_name),
    ];
    let mut y = 214.0;
    for (label, value) in rows {
        layer.use_text(label, 10.5, Mm(30.0), Mm(y), &regular);
        layer.use_text(
            format!(": {}", truncate(value, 80)),
            10.5,
            Mm(62.0),
            Mm(y),
            &regular,
        );
        y -= 7.0;
    }
    layer.use_text(
        "telah memenuhi persyaratan dan permohonannya DISETUJUI.",
        10.5,
        Mm(25.0),
        Mm(y - 4.0),
        &regular,
    );
    layer.use_text(
        "Demikian surat ini dibuat untuk dipergunakan sebagaimana mestinya.",
        10.5,
        Mm(25.0),
        Mm(y - 11.0),
        &regular,
    );
    layer.use_text(
        format!("Kupang, {}", letter.date_wita),
        10.5,
        Mm(120.0),
        Mm(y - 26.0),
        &regular,
    );
    layer.use_text(
        format!(
            "CAMAT {}",
            letter
                .agency_name
                .trim_start_matches("Kecamatan ")
                .to_uppercase()
        ),
        10.5,
        Mm(120.0),
        Mm(y - 33.0),
        &bold,
    );
    layer.use_text(
        "Ditandatangani secara elektronik",
        9.0,
        Mm(120.0),
        Mm(y - 40.0),
        &regular,
    );
    // QR code to the verification page, bottom left.
    draw_qr(&layer, &letter.verify_url, (25.0, 70.0), 36.0)
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("QR: {e}")))?;
    layer.use_text(
        "Pindai untuk memeriksa keaslian dokumen / Scan to verify:",
        8.0,
        Mm(65.0),
        Mm(60.0),
        &regular,
    );
    layer.use_text(
        truncate(&letter.verify_url, 90),
        8.0,
        Mm(65.0),
        Mm(55.0),
        &regular,
    );
    layer.use_text(
        "Dokumen ini sah tanpa cap basah. Tanda tangan elektronik Ed25519 atas SHA-256 dokumen.",
        8.0,
        Mm(65.0),
        Mm(50.0),
        &regular,
    );
    doc.save_to_bytes().map_err(fail)
}

fn truncate(text: &str, max: usize) -> String {
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    if text.chars().count() <= max {
        text
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

/// A document as stored.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct IssuedDocument {
    pub id: String,
    pub application_id: String,
    pub document_number: String,
    pub sha256: String,
    pub signature: String,
    pub key_id: String,
    pub issued_ms: i64,
    pub revoked_ms: Option<i64>,
    pub revoked_reason: Option<String>,
}

/// Renders, stores and signs the document of an approved application, inside the caller's
/// transaction (the PDF file is written before the row that points to it). Fetch `key` with
/// [`signing_key`] before opening the transaction: on SQLite the transaction holds the only
/// write connection.
pub async fn issue(
    app: &AppState,
    conn: &mut AnyConnection,
    key: &SigningKey,
    row: &ApplicationRow,
    signer_id: &str,
) -> Result<IssuedDocument, ServiceError> {
    let service = super::journey::service_of(app, row).await?;
    let contact = accounts::contact(app, &row.applicant_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let agency = accounts::organisation::find_agency_by_id(app, &row.agency_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let kelurahan = super::journey::kelurahan_choices(app)
        .await?
        .into_iter()
        .find(|(c, _)| *c == row.kelurahan_code)
        .map(|(_, n)| n)
        .unwrap_or_default();
    let id = ids::new_id();
    let now = clock::now_ms();
    let year = crate::calendar::wita_date(now).year();
    let number = format!(
        "{}/{}/{year}",
        row.tracking_number.clone().unwrap_or_default(),
        service.code.to_uppercase()
    );
    let verify_url = format!(
        "{}/verify/{id}",
        app.settings.base_url.as_str().trim_end_matches('/')
    );
    let letter = LetterContent {
        agency_name: agency.name_id,
        title: service.product_id.clone(),
        number: number.clone(),
        applicant_name: contact.full_name,
        applicant_nik: contact.nik.unwrap_or_default(),
        address: row.address.clone(),
        kelurahan,
        purpose: row.purpose.clone(),
        service_name: service.name_id.clone(),
        date_wita: clock::format_wita(now, platform::web::i18n::Lang::Id),
        verify_url,
    };
    let pdf = render_pdf(&letter)?;
    let blob = BlobStore::new(&app.settings.data_dir)
        .put(&pdf)
        .await
        .map_err(|e| ServiceError::Internal(e.into()))?;
    let digest = hex::decode(&blob.sha256).map_err(|e| ServiceError::Internal(e.into()))?;
    let signature = sign_digest(key, &digest);
    sqlx::query(
        "INSERT INTO issued_documents (id, application_id, document_number, blob_sha256, signature_b64, key_id, signer_id, issued_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&row.id)
    .bind(&number)
    .bind(&blob.sha256)
    .bind(&signature)
    .bind(KEY_ID)
    .bind(signer_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(IssuedDocument {
        id,
        application_id: row.id.clone(),
        document_number: number,
        sha256: blob.sha256,
        signature,
        key_id: KEY_ID.into(),
        issued_ms: now,
        revoked_ms: None,
        revoked_reason: None,
    })
}

const DOCUMENT_COLUMNS: &str = "id, application_id, document_number, blob_sha256, signature_b64, key_id, issued_ms, revoked_ms, revoked_reason";

fn document_row(row: &sqlx::any::AnyRow) -> Result<IssuedDocument, sqlx::Error> {
    Ok(IssuedDocument {
        id: row.try_get("id")?,
        application_id: row.try_get("application_id")?,
        document_number: row.try_get("document_number")?,
        sha256: row.try_get("blob_sha256")?,
        signature: row.try_get("signature_b64")?,
        key_id: row.try_get("key_id")?,
        issued_ms: row.try_get("issued_ms")?,
        revoked_ms: row.try_get("revoked_ms")?,
        revoked_reason: row.try_get("revoked_reason")?,
    })
}

pub async fn find_document(
    app: &AppState,
    id: &str,
) -> Result<Option<IssuedDocument>, ServiceError> {
    let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM issued_documents WHERE id = $1");
    Ok(sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&app.db.read)
        .await?
        .as_ref()
        .map(document_row)
        .transpose()?)
}

pub async fn document_of(
    app: &AppState,
    application_id: &str,
) -> Result<Option<IssuedDocument>, ServiceError> {
    let sql = format!("SELECT {DOCUMENT_COLUMNS} FROM issued_documents WHERE application_id = $1");
    Ok(sqlx::query(&sql)
        .bind(application_id)
        .fetch_optional(&app.db.read)
        .await?
        .as_ref()
        .map(document_row)
        .transpose()?)
}

/// The published key, base64.
pub async fn public_key(app: &AppState) -> Result<String, ServiceError> {
    Ok(B64.encode(signing_key(app).await?.verifying_key().to_bytes()))
}

/// Marks the document revoked (kept, never deleted); false if it was revoked already.
pub async fn revoke(
    conn: &mut AnyConnection,
    document_id: &str,
    reason: &str,
) -> Result<bool, ServiceError> {
    let done = sqlx::query("UPDATE issued_documents SET revoked_ms = $2, revoked_reason = $3 WHERE id = $1 AND revoked_ms IS NULL")
        .bind(document_id)
        .bind(clock::now_ms())
        .bind(reason)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_renders_as_a_complete_pdf() {
        let letter = LetterContent {
            agency_name: "Kecamatan Alak".into(),
            title: "Surat Keterangan Tidak Mampu".into(),
            number: "ALK-0000-0000/SKTM/2026".into(),
            applicant_name: "Yuliana Ndun".into(),
            applicant_nik: "5371014107900001".into(),
            address: "Jl. Hati Mulia No. 5".into(),
            kelurahan: "Kelurahan Namosain".into(),
            purpose: "Keringanan biaya sekolah".into(),
            service_name: "Surat Keterangan Tidak Mampu".into(),
            date_wita: "29 November 2026 14.05 WITA".into(),
            verify_url: "https://sigap.example/verify/01".into(),
        };
        let pdf = render_pdf(&letter).expect("renders");
        if let Ok(path) = std::env::var("SIGAP_WRITE_SAMPLE_LETTER") {
            std::fs::write(path, &pdf).expect("sample written");
        }
        assert_eq!(
            platform::blobs::sniff(&pdf),
            Ok(platform::blobs::FileKind::Pdf)
        );
    }

    #[test]
    fn signatures_verify_only_for_the_signed_digest() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let public = B64.encode(key.verifying_key().to_bytes());
        let signature = sign_digest(&key, b"digest-one");
        assert!(verify_signature(&public, b"digest-one", &signature));
        assert!(!verify_signature(&public, b"digest-two", &signature));
        assert!(!verify_signature(&public, b"digest-one", "not base64"));
    }
}
