//! The demo services' own questions (version 1 of their forms).

use platform::{AppState, clock};
use serde_json::json;

use super::{model::FieldDef, store};
use crate::store as catalogue_store;

fn demo_forms() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        (
            "skdu",
            json!([
                {"key": "business_name", "kind": "text", "label_id": "Nama usaha", "label_en": "Business name",
                 "required": true, "min": 3, "max": 100},
                {"key": "business_type", "kind": "choice", "label_id": "Jenis usaha", "label_en": "Type of business",
                 "required": true, "choices": [
                    {"value": "dagang", "label_id": "Perdagangan / kios", "label_en": "Trade / kiosk"},
                    {"value": "kuliner", "label_id": "Kuliner", "label_en": "Food and drink"},
                    {"value": "jasa", "label_id": "Jasa", "label_en": "Services"},
                    {"value": "kerajinan", "label_id": "Kerajinan (tenun ikat, dll.)", "label_en": "Crafts (ikat weaving, etc.)"},
                    {"value": "perikanan", "label_id": "Perikanan", "label_en": "Fisheries"},
                    {"value": "lainnya", "label_id": "Lainnya", "label_en": "Other"}]},
                {"key": "business_kelurahan", "kind": "kelurahan", "label_id": "Kelurahan tempat usaha",
                 "label_en": "Kelurahan of the business", "required": true},
                {"key": "business_address", "kind": "address", "label_id": "Alamat tempat usaha",
                 "label_en": "Address of the business", "required": true},
                {"key": "started_on", "kind": "date", "label_id": "Mulai berusaha sejak", "label_en": "In business since",
                 "required": true, "date_rule": "past_or_today"},
                {"key": "workers", "kind": "number", "label_id": "Jumlah pekerja", "label_en": "Number of workers",
                 "hint_id": "Termasuk pemilik.", "hint_en": "Including the owner.", "required": true, "min": 1, "max": 500}
            ]),
        ),
        (
            "sktm",
            json!([
                {"key": "household_members", "kind": "number", "label_id": "Jumlah anggota keluarga",
                 "label_en": "Household members", "required": true, "min": 1, "max": 30},
                {"key": "monthly_income", "kind": "number", "label_id": "Penghasilan keluarga per bulan (Rp)",
                 "label_en": "Household income per month (Rp)", "required": true, "min": 0, "max": 100000000},
                {"key": "used_for", "kind": "choice", "label_id": "Dipakai untuk", "label_en": "To be used for",
                 "required": true, "choices": [
                    {"value": "kesehatan", "label_id": "Keringanan biaya kesehatan", "label_en": "Health-care fee relief"},
                    {"value": "pendidikan", "label_id": "Beasiswa / keringanan biaya sekolah", "label_en": "Scholarship / school fee relief"},
                    {"value": "bantuan_sosial", "label_id": "Bantuan sosial", "label_en": "Social assistance"},
                    {"value": "lainnya", "label_id": "Lainnya", "label_en": "Other"}]}
            ]),
        ),
        (
            "izin-keramaian",
            json!([
                {"key": "event_name", "kind": "text", "label_id": "Nama kegiatan", "label_en": "Name of the event",
                 "required": true, "min": 3, "max": 120},
                {"key": "event_day", "kind": "date", "label_id": "Tanggal kegiatan", "label_en": "Date of the event",
                 "required": true, "date_rule": "today_or_future"},
                {"key": "attendance", "kind": "number", "label_id": "Perkiraan jumlah peserta",
                 "label_en": "Expected attendance", "required": true, "min": 1, "max": 100000},
                {"key": "event_address", "kind": "address", "label_id": "Tempat kegiatan", "label_en": "Venue",
                 "required": true},
                {"key": "sound_system", "kind": "choice", "label_id": "Memakai pengeras suara?",
                 "label_en": "Using loudspeakers?", "required": true, "choices": [
                    {"value": "ya", "label_id": "Ya", "label_en": "Yes"},
                    {"value": "tidak", "label_id": "Tidak", "label_en": "No"}]}
            ]),
        ),
        (
            "ahli-waris",
            json!([
                {"key": "deceased_name", "kind": "text", "label_id": "Nama pewaris (almarhum/almarhumah)",
                 "label_en": "Name of the deceased", "required": true, "min": 3, "max": 100},
                {"key": "date_of_death", "kind": "date", "label_id": "Tanggal meninggal", "label_en": "Date of death",
                 "required": true, "date_rule": "past_or_today"},
                {"key": "heirs", "kind": "number", "label_id": "Jumlah ahli waris", "label_en": "Number of heirs",
                 "required": true, "min": 1, "max": 50},
                {"key": "heirs_names", "kind": "long_text", "label_id": "Nama para ahli waris dan hubungannya",
                 "label_en": "Names of the heirs and their relation", "hint_id": "Satu orang per baris.",
                 "hint_en": "One person per line.", "required": true, "min": 3, "max": 2000}
            ]),
        ),
    ]
}

/// Gives the demo services their forms; services that already have one are left alone.
pub async fn load(app: &AppState) -> anyhow::Result<usize> {
    let mut added = 0;
    for (code, fields) in demo_forms() {
        let Some(service) = catalogue_store::find_service(&app.db, code).await? else {
            continue;
        };
        if store::latest(&app.db, &service.id).await?.is_some() {
            continue;
        }
        let fields: Vec<FieldDef> = serde_json::from_value(fields)?;
        let problems = super::model::check_definition(&fields);
        anyhow::ensure!(problems.is_empty(), "demo form {code}: {problems:?}");
        let mut tx = app.db.begin().await?;
        store::insert(
            &mut tx,
            &service.id,
            1,
            &serde_json::to_string(&fields)?,
            None,
            clock::now_ms(),
        )
        .await?;
        tx.commit().await?;
        added += 1;
    }
    Ok(added)
}
