//! Certificates of completed trainings: a PDF with a QR code to the public verification page
//! `/verify/certificates/{id}` (name, training, JP, dates, issuing agency), the SHA-256 of the
//! PDF signed with the instance's Ed25519 key exactly as `services` signs issued documents (its
//! `signing_key`, `public_key` and `verify_signature` are reused, never copied), revocation, and
//! an Open Badges 3.0 credential (see [`credential`]). Owns `certificates`.

use base64::{Engine as _, engine::general_purpose::STANDARD as B64};
use ed25519_dalek::{Signer as _, SigningKey};
use platform::{AppState, audit, auth::CurrentUser, blobs::BlobStore, clock, ids, web::i18n::Lang};
use printpdf::{BuiltinFont, Mm, PdfDocument, Rect};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use sqlx::Row as _;
use utoipa::ToSchema;

use crate::{
    employees,
    enrolment::{self, EnrolmentStatus},
    error::CapacityError,
    is_admin,
};
use services::applications::issuance;

const KEY_ID: &str = "primary";

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Certificate {
    pub id: String,
    pub enrolment_id: String,
    pub employee_id: String,
    pub number: String,
    pub holder_name: String,
    pub training_id: String,
    pub training_title: String,
    pub jp: i64,
    pub starts_on: String,
    pub ends_on: String,
    pub agency_name: String,
    pub sha256: String,
    pub signature: String,
    pub key_id: String,
    pub issued_ms: i64,
    pub revoked_ms: Option<i64>,
    pub revoked_reason: Option<String>,
}

const COLUMNS: &str = "id, enrolment_id, employee_id, number, holder_name, training_id, training_title, jp, starts_on, ends_on, \
     agency_name, blob_sha256, signature_b64, key_id, issued_ms, revoked_ms, revoked_reason";

fn row(r: &sqlx::any::AnyRow) -> Result<Certificate, sqlx::Error> {
    Ok(Certificate {
        id: r.try_get("id")?,
        enrolment_id: r.try_get("enrolment_id")?,
        employee_id: r.try_get("employee_id")?,
        number: r.try_get("number")?,
        holder_name: r.try_get("holder_name")?,
        training_id: r.try_get("training_id")?,
        training_title: r.try_get("training_title")?,
        jp: r.try_get("jp")?,
        starts_on: r.try_get("starts_on")?,
        ends_on: r.try_get("ends_on")?,
        agency_name: r.try_get("agency_name")?,
        sha256: r.try_get("blob_sha256")?,
        signature: r.try_get("signature_b64")?,
        key_id: r.try_get("key_id")?,
        issued_ms: r.try_get("issued_ms")?,
        revoked_ms: r.try_get("revoked_ms")?,
        revoked_reason: r.try_get("revoked_reason")?,
    })
}

pub async fn find(app: &AppState, id: &str) -> Result<Option<Certificate>, CapacityError> {
    Ok(
        sqlx::query(&format!("SELECT {COLUMNS} FROM certificates WHERE id = $1"))
            .bind(id)
            .fetch_optional(&app.db.read)
            .await?
            .as_ref()
            .map(row)
            .transpose()?,
    )
}

pub async fn list_for_employee(
    app: &AppState,
    employee_id: &str,
) -> Result<Vec<Certificate>, CapacityError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM certificates WHERE employee_id = $1 ORDER BY issued_ms DESC"
    ))
    .bind(employee_id)
    .fetch_all(&app.db.read)
    .await?;
    Ok(rows.iter().map(row).collect::<Result<_, _>>()?)
}

fn verify_url(app: &AppState, id: &str) -> String {
    format!(
        "{}/verify/certificates/{id}",
        app.settings.base_url.as_str().trim_end_matches('/')
    )
}

/// The certificate of a completed enrolment (its participant or a competency admin). Asked
/// again, the same certificate comes back; asked at once by two, one is written.
/// Returns the certificate and whether it was issued now.
pub async fn issue(
    app: &AppState,
    user: &CurrentUser,
    enrolment_id: &str,
) -> Result<(Certificate, bool), CapacityError> {
    let mut conn = app.db.read.acquire().await?;
    let enrolment = enrolment::find_enrolment(&mut conn, enrolment_id)
        .await?
        .ok_or(CapacityError::NotFound)?;
    drop(conn);
    let employee = employees::find_employee_by_id(app, &enrolment.employee_id)
        .await?
        .ok_or(CapacityError::NotFound)?;
    let own = employee.user_id.as_deref() == Some(user.id.as_str());
    if !(own || is_admin(user)) {
        return Err(CapacityError::Forbidden);
    }
    if enrolment.status != EnrolmentStatus::Completed {
        return Err(CapacityError::NotCompleted);
    }
    if let Some(existing) = existing_for(app, enrolment_id).await? {
        return Ok((existing, false));
    }
    let training = crate::trainings::get_training(app, &enrolment.training_id, Lang::Id).await?;
    // Fetched before the transaction: on SQLite the transaction holds the only write connection.
    let key = issuance::signing_key(app).await?;
    let id = ids::new_id();
    let issued = clock::now_ms();
    let year = crate::today_wita().year();
    let number = format!(
        "SRT/{}/{year}/{}",
        training.organiser_agency_code.to_uppercase(),
        &id.replace('-', "")[20..]
    );
    let content = CertificateContent {
        number: number.clone(),
        holder_name: employee.full_name.clone(),
        holder_nip: employee.nip.clone(),
        training_title: training.title.clone(),
        jp: training.jp,
        dates: format!("{} s.d. {}", enrolment.starts_on, enrolment.ends_on),
        agency_name: training.organiser_agency_name.clone(),
        date_wita: clock::format_wita(issued, Lang::Id),
        verify_url: verify_url(app, &id),
    };
    let pdf = render_pdf(&content)?;
    let blob = BlobStore::new(&app.settings.data_dir)
        .put(&pdf)
        .await
        .map_err(|e| CapacityError::Internal(e.into()))?;
    let digest = hex::decode(&blob.sha256).map_err(|e| CapacityError::Internal(e.into()))?;
    let signature = B64.encode(key.sign(&digest).to_bytes());
    let mut tx = app.db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO certificates (id, enrolment_id, employee_id, number, holder_name, holder_nip, training_id, training_title, jp, \
         starts_on, ends_on, agency_name, blob_sha256, signature_b64, key_id, issued_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT (enrolment_id) DO NOTHING",
    )
    .bind(&id)
    .bind(enrolment_id)
    .bind(&employee.id)
    .bind(&number)
    .bind(&employee.full_name)
    .bind(&employee.nip)
    .bind(&training.id)
    .bind(&training.title)
    .bind(training.jp)
    .bind(&enrolment.starts_on)
    .bind(&enrolment.ends_on)
    .bind(&training.organiser_agency_name)
    .bind(&blob.sha256)
    .bind(&signature)
    .bind(KEY_ID)
    .bind(issued)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        // Someone else issued it a moment ago: theirs is the one.
        drop(tx);
        let existing = existing_for(app, enrolment_id)
            .await?
            .ok_or(CapacityError::NotFound)?;
        return Ok((existing, false));
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "certificate.issued",
            subject: &format!("certificate:{id}"),
            detail: serde_json::json!({ "enrolment_id": enrolment_id, "sha256": blob.sha256 }),
        },
    )
    .await?;
    tx.commit().await?;
    let certificate = find(app, &id).await?.ok_or(CapacityError::NotFound)?;
    Ok((certificate, true))
}

async fn existing_for(
    app: &AppState,
    enrolment_id: &str,
) -> Result<Option<Certificate>, CapacityError> {
    Ok(sqlx::query(&format!(
        "SELECT {COLUMNS} FROM certificates WHERE enrolment_id = $1"
    ))
    .bind(enrolment_id)
    .fetch_optional(&app.db.write)
    .await?
    .as_ref()
    .map(row)
    .transpose()?)
}

/// Revokes (competency admin); the certificate is kept and its page says so.
pub async fn revoke(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
    reason: &str,
) -> Result<(), CapacityError> {
    if !is_admin(user) {
        return Err(CapacityError::Forbidden);
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(CapacityError::field("reason", "capacity.reason_invalid"));
    }
    let mut tx = app.db.begin().await?;
    let done = sqlx::query(
        "UPDATE certificates SET revoked_ms = $2, revoked_reason = $3 WHERE id = $1 AND revoked_ms IS NULL",
    )
    .bind(id)
    .bind(clock::now_ms())
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(match find(app, id).await? {
            Some(_) => CapacityError::AlreadyRevoked,
            None => CapacityError::NotFound,
        });
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "certificate.revoked",
            subject: &format!("certificate:{id}"),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The PDF (its participant or a competency admin).
pub async fn pdf(app: &AppState, user: &CurrentUser, id: &str) -> Result<Vec<u8>, CapacityError> {
    let certificate = readable(app, user, id).await?;
    BlobStore::new(&app.settings.data_dir)
        .get(&certificate.sha256)
        .await
        .map_err(|e| CapacityError::Internal(e.into()))
}

async fn readable(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Certificate, CapacityError> {
    let certificate = find(app, id).await?.ok_or(CapacityError::NotFound)?;
    let employee = employees::find_employee_by_id(app, &certificate.employee_id)
        .await?
        .ok_or(CapacityError::NotFound)?;
    if !(is_admin(user) || employee.user_id.as_deref() == Some(user.id.as_str())) {
        return Err(CapacityError::Forbidden);
    }
    Ok(certificate)
}

/// What the public verification page shows.
pub struct Verification {
    pub certificate: Certificate,
    /// The signature verifies against the published key and the stored PDF has the signed hash.
    pub signature_valid: bool,
    pub public_key: String,
}

pub async fn verify(app: &AppState, id: &str) -> Result<Verification, CapacityError> {
    let certificate = find(app, id).await?.ok_or(CapacityError::NotFound)?;
    let public_key = issuance::public_key(app).await?;
    let digest = hex::decode(&certificate.sha256).unwrap_or_default();
    let stored = BlobStore::new(&app.settings.data_dir)
        .get(&certificate.sha256)
        .await
        .map(|bytes| hex::encode(Sha256::digest(&bytes)) == certificate.sha256)
        .unwrap_or(false);
    let signature_valid =
        stored && issuance::verify_signature(&public_key, &digest, &certificate.signature);
    Ok(Verification {
        certificate,
        signature_valid,
        public_key,
    })
}

struct CertificateContent {
    number: String,
    holder_name: String,
    holder_nip: String,
    training_title: String,
    jp: i64,
    dates: String,
    agency_name: String,
    date_wita: String,
    verify_url: String,
}

fn truncate(text: &str, max: usize) -> String {
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    if text.chars().count() <= max {
        text
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

fn render_pdf(c: &CertificateContent) -> Result<Vec<u8>, CapacityError> {
    let fail = |e: printpdf::Error| CapacityError::Internal(anyhow::anyhow!("PDF: {e}"));
    let (doc, page, layer) = PdfDocument::new("Sertifikat", Mm(297.0), Mm(210.0), "certificate");
    let layer = doc.get_page(page).get_layer(layer);
    let bold = doc
        .add_builtin_font(BuiltinFont::HelveticaBold)
        .map_err(fail)?;
    let regular = doc.add_builtin_font(BuiltinFont::Helvetica).map_err(fail)?;
    layer.use_text("PEMERINTAH KOTA KUPANG", 14.0, Mm(25.0), Mm(185.0), &bold);
    layer.use_text(
        c.agency_name.to_uppercase(),
        12.0,
        Mm(25.0),
        Mm(178.0),
        &bold,
    );
    layer.add_rect(Rect::new(Mm(25.0), Mm(174.0), Mm(272.0), Mm(174.6)));
    layer.use_text("SERTIFIKAT", 28.0, Mm(25.0), Mm(155.0), &bold);
    layer.use_text(
        format!("Nomor: {}", c.number),
        10.0,
        Mm(25.0),
        Mm(147.0),
        &regular,
    );
    layer.use_text("diberikan kepada", 11.0, Mm(25.0), Mm(135.0), &regular);
    layer.use_text(
        truncate(&c.holder_name, 60),
        20.0,
        Mm(25.0),
        Mm(124.0),
        &bold,
    );
    layer.use_text(
        format!("NIP {}", c.holder_nip),
        11.0,
        Mm(25.0),
        Mm(116.0),
        &regular,
    );
    layer.use_text(
        "yang telah menyelesaikan pengembangan kompetensi",
        11.0,
        Mm(25.0),
        Mm(104.0),
        &regular,
    );
    layer.use_text(
        truncate(&c.training_title, 70),
        16.0,
        Mm(25.0),
        Mm(94.0),
        &bold,
    );
    layer.use_text(
        format!("{} · {} JP (jam pelajaran)", c.dates, c.jp),
        11.0,
        Mm(25.0),
        Mm(86.0),
        &regular,
    );
    layer.use_text(
        format!("Kupang, {}", c.date_wita),
        10.5,
        Mm(190.0),
        Mm(60.0),
        &regular,
    );
    layer.use_text(
        truncate(&c.agency_name, 50),
        10.5,
        Mm(190.0),
        Mm(54.0),
        &bold,
    );
    layer.use_text(
        "Ditandatangani secara elektronik",
        9.0,
        Mm(190.0),
        Mm(48.0),
        &regular,
    );
    services::applications::issuance::draw_qr(&layer, &c.verify_url, (25.0, 66.0), 36.0)
        .map_err(|e| CapacityError::Internal(anyhow::anyhow!("QR: {e}")))?;
    layer.use_text(
        "Pindai untuk memeriksa keaslian / Scan to verify:",
        8.0,
        Mm(65.0),
        Mm(60.0),
        &regular,
    );
    layer.use_text(
        truncate(&c.verify_url, 90),
        8.0,
        Mm(65.0),
        Mm(55.0),
        &regular,
    );
    layer.use_text(
        "Tanda tangan elektronik Ed25519 atas SHA-256 dokumen.",
        8.0,
        Mm(65.0),
        Mm(50.0),
        &regular,
    );
    doc.save_to_bytes().map_err(fail)
}

// ---------- Open Badges 3.0 ----------
//
// The credential carries a Data Integrity proof with the `eddsa-jcs-2022` cryptosuite (W3C "Data
// Integrity EdDSA Cryptosuites v1.0"), signed with the same instance Ed25519 key. We chose it
// over `eddsa-rdfc-2022` because RDF canonicalisation needs a JSON-LD processor that fetches and
// expands remote contexts (none is available here, and a network fetch at signing time is a
// failure mode); JCS (RFC 8785) canonicalises plain JSON, so any verifier can check the proof with
// ordinary JSON tooling, and the proof object has the same shape as the rdfc one. We chose it over
// a JWS because Open Badges wallets read the credential's JSON directly, with its proof inside.

/// The key as a `did:key` (multicodec ed25519-pub 0xed01, base58btc multibase).
pub fn did_key(public: &[u8; 32]) -> String {
    let mut bytes = vec![0xed, 0x01];
    bytes.extend_from_slice(public);
    format!("did:key:z{}", base58btc(&bytes))
}

/// Base58 (Bitcoin alphabet).
pub fn base58btc(input: &[u8]) -> String {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut digits: Vec<u8> = Vec::new();
    for byte in input {
        let mut carry = u32::from(*byte);
        for digit in &mut digits {
            carry += u32::from(*digit) << 8;
            *digit = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = input.iter().take_while(|b| **b == 0).count();
    std::iter::repeat_n('1', zeros)
        .chain(
            digits
                .iter()
                .rev()
                .map(|d| char::from(ALPHABET[usize::from(*d)])),
        )
        .collect()
}

fn base58btc_decode(input: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut bytes: Vec<u8> = Vec::new();
    for c in input.bytes() {
        let mut carry = ALPHABET.iter().position(|a| *a == c)? as u32;
        for byte in &mut bytes {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.push((carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = input.bytes().take_while(|b| *b == b'1').count();
    Some(
        std::iter::repeat_n(0, zeros)
            .chain(bytes.into_iter().rev())
            .collect(),
    )
}

/// JSON Canonicalization Scheme (RFC 8785) for the values a credential holds: object keys
/// sorted by UTF-16 code units, no whitespace, strings escaped as ECMAScript does. Numbers in
/// our credentials are integers, which serialise identically.
pub fn jcs(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), jcs(&map[k])))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => {
            format!("[{}]", items.iter().map(jcs).collect::<Vec<_>>().join(","))
        }
        other => other.to_string(),
    }
}

fn hash_data(document: &Value, proof_config: &Value) -> Vec<u8> {
    let mut data = Sha256::digest(jcs(proof_config).as_bytes()).to_vec();
    data.extend_from_slice(&Sha256::digest(jcs(document).as_bytes()));
    data
}

fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// The certificate as a signed Open Badges 3.0 `OpenBadgeCredential` (its participant or a
/// competency admin). The holder is named with their NIP hashed (salted SHA-256), not in clear.
pub async fn credential(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Value, CapacityError> {
    let certificate = readable(app, user, id).await?;
    let key = issuance::signing_key(app).await?;
    let nip: String = sqlx::query("SELECT holder_nip FROM certificates WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.read)
        .await?
        .try_get("holder_nip")?;
    Ok(sign_credential(app, &key, &certificate, &nip))
}

fn sign_credential(app: &AppState, key: &SigningKey, c: &Certificate, nip: &str) -> Value {
    let base = app.settings.base_url.as_str().trim_end_matches('/');
    let did = did_key(&key.verifying_key().to_bytes());
    let salt = &c.id;
    let identity = hex::encode(Sha256::digest(format!("{nip}{salt}").as_bytes()));
    let mut document = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": format!("{base}/verify/certificates/{}", c.id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": did,
            "type": ["Profile"],
            "name": c.agency_name,
            "url": base
        },
        "validFrom": iso(c.issued_ms),
        "name": c.training_title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": c.holder_name,
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": format!("sha256${identity}"),
                "identityType": "identifier",
                "hashed": true,
                "salt": salt
            }],
            "achievement": {
                "id": format!("{base}/capacity/trainings/{}", c.training_id),
                "type": ["Achievement"],
                "achievementType": "Course",
                "name": c.training_title,
                "description": format!("{} JP, {} s.d. {}", c.jp, c.starts_on, c.ends_on),
                "criteria": {"narrative": "Kehadiran minimum dan post-test sesuai syarat kelulusan sesi / Minimum attendance and post-test as set by the session"},
                "creditsAvailable": c.jp
            }
        },
        "credentialStatus": {
            "id": format!("{base}/verify/certificates/{}", c.id),
            "type": "SigapVerificationPage"
        }
    });
    let mut proof = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": iso(c.issued_ms),
        "verificationMethod": format!("{did}#{}", did.trim_start_matches("did:key:")),
        "proofPurpose": "assertionMethod",
        "@context": document["@context"].clone()
    });
    let signature = key.sign(&hash_data(&document, &proof));
    if let Value::Object(map) = &mut proof {
        map.remove("@context");
        map.insert(
            "proofValue".into(),
            Value::String(format!("z{}", base58btc(&signature.to_bytes()))),
        );
    }
    if let Value::Object(map) = &mut document {
        map.insert("proof".into(), proof);
    }
    document
}

/// Checks an `eddsa-jcs-2022` proof made by [`credential`] against the key in its
/// `verificationMethod` (a `did:key`).
pub fn verify_credential(credential: &Value) -> bool {
    let mut document = credential.clone();
    let Some(Value::Object(mut proof)) = document.as_object_mut().and_then(|m| m.remove("proof"))
    else {
        return false;
    };
    let Some(Value::String(value)) = proof.remove("proofValue") else {
        return false;
    };
    let method = proof
        .get("verificationMethod")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let Some(multibase) = method
        .strip_prefix("did:key:z")
        .and_then(|rest| rest.split('#').next())
    else {
        return false;
    };
    let Some(public) = base58btc_decode(multibase)
        .and_then(|b| b.strip_prefix(&[0xed, 0x01]).map(<[u8]>::to_vec))
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
    else {
        return false;
    };
    let Some(signature) = value
        .strip_prefix('z')
        .and_then(base58btc_decode)
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
    else {
        return false;
    };
    proof.insert("@context".into(), document["@context"].clone());
    let data = hash_data(&document, &Value::Object(proof));
    issuance::verify_signature(&B64.encode(public), &data, &B64.encode(signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jcs_sorts_keys_and_drops_whitespace() {
        let value = json!({"b": [1, {"z": "é\n", "a": true}], "a": null, "\u{20ac}": 1, "\r": 2});
        assert_eq!(
            jcs(&value),
            "{\"\\r\":2,\"a\":null,\"b\":[1,{\"a\":true,\"z\":\"é\\n\"}],\"€\":1}"
        );
    }

    #[test]
    fn base58_round_trips_and_keeps_leading_zeros() {
        assert_eq!(base58btc(b"hello world"), "StV1DL6CwTryKyV");
        assert_eq!(base58btc(&[0, 0, 1]), "112");
        for input in [&b""[..], &[0, 1, 2, 255][..], b"Sigap"] {
            assert_eq!(base58btc_decode(&base58btc(input)).as_deref(), Some(input));
        }
    }

    #[test]
    fn a_did_key_of_an_ed25519_key_starts_with_z6mk() {
        let key = SigningKey::from_bytes(&[7; 32]);
        assert!(did_key(&key.verifying_key().to_bytes()).starts_with("did:key:z6Mk"));
    }
}
