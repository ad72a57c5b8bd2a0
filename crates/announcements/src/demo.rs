//! The Alak demo announcements (`sigap demo`): policy and service-change notices, a health
//! protocol with two versions, and an emergency alert that has expired; the service-hours
//! notice and the alert also have an English text. Fixed ids make loading
//! twice change nothing.

use platform::{AppState, audit, clock};
use serde_json::json;

use crate::{
    model::{Audience, Category, Texts},
    store::{self, CapMessageRow},
};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

struct DemoAnnouncement {
    id: &'static str,
    category: Category,
    pinned: bool,
    /// Days from now (negative: in the past).
    published_days: i64,
    expires_days: Option<i64>,
    /// Each version: (title, body, instruction).
    versions: &'static [(&'static str, &'static str, &'static str)],
    /// The English (title, body, instruction) of the last version, if any.
    english: Option<(&'static str, &'static str, &'static str)>,
}

const DEMO: &[DemoAnnouncement] = &[
    DemoAnnouncement {
        id: "0193a000-0000-7000-8000-00000000a001",
        category: Category::Policy,
        pinned: true,
        published_days: -20,
        expires_days: None,
        versions: &[(
            "Layanan surat keterangan tanpa biaya",
            "Sesuai standar pelayanan Kecamatan Alak, **semua surat keterangan** (domisili, domisili usaha, tidak mampu) diterbitkan **tanpa biaya**. Laporkan pungutan apa pun melalui menu Pengaduan.",
            "",
        )],
        english: None,
    },
    DemoAnnouncement {
        id: "0193a000-0000-7000-8000-00000000a002",
        category: Category::ServiceChange,
        pinned: false,
        published_days: -3,
        expires_days: Some(30),
        versions: &[(
            "Jam layanan loket selama Desember 2026",
            "Mulai 7 Desember 2026 loket Kantor Camat Alak buka **Senin–Jumat 08.00–14.00 WITA**. Antrean online tetap dapat dipesan melalui menu Antrean.",
            "",
        )],
        english: Some((
            "Counter opening hours during December 2026",
            "From 7 December 2026 the counters of the Alak District Office are open **Monday–Friday 08:00–14:00 WITA**. Online queue tickets can still be booked from the Queue menu.",
            "",
        )),
    },
    DemoAnnouncement {
        id: "0193a000-0000-7000-8000-00000000a003",
        category: Category::HealthProtocol,
        pinned: false,
        published_days: -10,
        expires_days: Some(60),
        versions: &[
            (
                "Protokol kesehatan di ruang layanan",
                "Pengunjung ruang layanan Kantor Camat Alak diminta:\n\n- mencuci tangan sebelum masuk\n- memakai masker bila sedang batuk atau pilek",
                "Cuci tangan di wastafel depan pintu masuk.",
            ),
            (
                "Protokol kesehatan di ruang layanan (diperbarui)",
                "Pengunjung ruang layanan Kantor Camat Alak diminta:\n\n- mencuci tangan sebelum masuk\n- memakai masker bila sedang batuk atau pilek\n- menjaga jarak di ruang tunggu selama kasus DBD meningkat",
                "Cuci tangan di wastafel depan pintu masuk dan duduk berselang satu kursi.",
            ),
        ],
        english: None,
    },
    DemoAnnouncement {
        id: "0193a000-0000-7000-8000-00000000a004",
        category: Category::Emergency,
        pinned: false,
        published_days: -40,
        expires_days: Some(-38),
        versions: &[(
            "Peringatan banjir rob di pesisir Namosain dan Nunhila",
            "Air laut pasang tinggi disertai gelombang diperkirakan menggenangi permukiman pesisir Kelurahan Namosain dan Nunhila.",
            "Amankan dokumen penting, jauhi bibir pantai, dan ikuti arahan petugas kelurahan.",
        )],
        english: Some((
            "Tidal flood warning for the Namosain and Nunhila coast",
            "A high tide with waves is expected to flood the coastal neighbourhoods of Namosain and Nunhila.",
            "Keep important documents safe, stay away from the shoreline and follow the kelurahan officers.",
        )),
    },
];

/// Loads the demo announcements; returns how many were added.
pub async fn load(app: &AppState) -> anyhow::Result<usize> {
    let Some(kominfo) = accounts::organisation::find_agency(app, "kominfo").await? else {
        anyhow::bail!("the demo agencies must be loaded first (kominfo missing)");
    };
    let now = clock::now_ms();
    let mut added = 0;
    for demo in DEMO {
        if store::find(&app.db, demo.id).await?.is_some() {
            continue;
        }
        let published = now + demo.published_days * DAY_MS;
        let mut tx = app.db.begin().await?;
        store::insert_announcement(
            &mut tx,
            &store::NewAnnouncement {
                id: demo.id,
                owner_agency_id: &kominfo.id,
                category: demo.category,
                audience: Audience::Public,
                pinned: demo.pinned,
                urgent: demo.category == Category::Emergency,
                publish_at_ms: Some(published),
                expires_at_ms: demo.expires_days.map(|d| now + d * DAY_MS),
                created_by: "demo",
                now_ms: published,
            },
        )
        .await?;
        for (index, (title, body, instruction)) in demo.versions.iter().enumerate() {
            let version = i64::try_from(index).unwrap_or(0) + 1;
            let english = demo
                .english
                .filter(|_| index + 1 == demo.versions.len())
                .map(|(title, body, instruction)| Texts {
                    title: title.into(),
                    summary: String::new(),
                    body: body.into(),
                    instruction: instruction.into(),
                })
                .unwrap_or_default();
            store::insert_version(
                &mut tx,
                &store::NewVersion {
                    announcement_id: demo.id,
                    version,
                    title,
                    body,
                    instruction,
                    summary: "",
                    english: &english,
                    edited_by: "demo",
                    now_ms: published + (version - 1) * 2 * DAY_MS,
                },
            )
            .await?;
        }
        let versions = i64::try_from(demo.versions.len()).unwrap_or(1);
        let updated = published + (versions - 1) * 2 * DAY_MS;
        // Demo subscribers did not exist then: mark every version as already handed over.
        sqlx::query(
            "UPDATE announcements SET status = 'published', published_ms = $2, version = $3, dispatched_version = $3, updated_ms = $4 WHERE id = $1",
        )
        .bind(demo.id)
        .bind(published)
        .bind(versions)
        .bind(updated)
        .execute(&mut *tx)
        .await?;
        if demo.category == Category::Emergency {
            store::insert_cap_message(
                &mut tx,
                &CapMessageRow {
                    identifier: format!("{}-1", demo.id),
                    announcement_id: demo.id.to_string(),
                    version: 1,
                    msg_type: "Alert".into(),
                    sent_ms: published,
                },
            )
            .await?;
        }
        audit::record(
            &mut tx,
            audit::Entry {
                actor_id: None,
                action: "announcement.demo_loaded",
                subject: &format!("announcement:{}", demo.id),
                detail: json!({"category": demo.category.as_str(), "versions": versions}),
            },
        )
        .await?;
        tx.commit().await?;
        added += 1;
    }
    app.banners.invalidate();
    Ok(added)
}
