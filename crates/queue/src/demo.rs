//! The demo office: the Kantor Camat Alak front desk with three service groups, three counters
//! and its weekly hours. Loading twice changes nothing.

use platform::AppState;

use crate::store;

pub const DEMO_OFFICE: &str = "kantor-camat-alak";

/// (letter, Indonesian name, English name, slot minutes)
const GROUPS: [(&str, &str, &str, i32); 3] = [
    (
        "A",
        "Surat keterangan dan administrasi",
        "Letters and administration",
        10,
    ),
    (
        "B",
        "Perizinan dan rekomendasi",
        "Licences and recommendations",
        15,
    ),
    (
        "C",
        "Informasi dan pengaduan",
        "Information and complaints",
        10,
    ),
];

/// (number, name, letters served)
const COUNTERS: [(i64, &str, &[&str]); 3] = [
    (1, "Loket 1", &["A"]),
    (2, "Loket 2", &["A", "B"]),
    (3, "Loket 3", &["B", "C"]),
];

/// Monday–Thursday 08:00–15:00, Friday 08:00–14:00 (WITA); closed at the weekend.
const HOURS: [(i64, &str, &str); 5] = [
    (1, "08:00", "15:00"),
    (2, "08:00", "15:00"),
    (3, "08:00", "15:00"),
    (4, "08:00", "15:00"),
    (5, "08:00", "14:00"),
];

/// Returns whether the office was created now.
pub async fn load(app: &AppState) -> anyhow::Result<bool> {
    if store::find_office(&app.db, DEMO_OFFICE).await?.is_some() {
        return Ok(false);
    }
    let agency = accounts::organisation::find_agency(app, "kec-alak")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo agencies must be loaded first"))?;
    let mut tx = app.db.begin().await?;
    let office = store::insert_office(
        &mut tx,
        DEMO_OFFICE,
        &agency.id,
        ("Kantor Camat Alak", "Alak District Office"),
        "Jl. Yos Sudarso, Penkase Oeleta, Alak, Kota Kupang",
    )
    .await?;
    let mut groups = Vec::new();
    for (position, (letter, name_id, name_en, minutes)) in GROUPS.iter().enumerate() {
        let id = store::insert_group(
            &mut tx,
            &office,
            letter,
            (name_id, name_en),
            *minutes,
            i32::try_from(position).unwrap_or(0),
        )
        .await?;
        groups.push((*letter, id));
    }
    for (number, name, letters) in COUNTERS {
        let id = store::insert_counter(&mut tx, &office, number, name).await?;
        let served: Vec<String> = groups
            .iter()
            .filter(|(l, _)| letters.contains(l))
            .map(|(_, id)| id.clone())
            .collect();
        store::set_counter(&mut tx, &id, true, &served).await?;
    }
    for (weekday, opens, closes) in HOURS {
        store::set_hours(&mut tx, &office, weekday, Some((opens, closes))).await?;
    }
    tx.commit().await?;
    Ok(true)
}
