//! The collaboration demo data set: a joint Pendidikan–Kesehatan seminar on health awareness
//! through education (public, 2 JP for attending ASN), an inter-agency coordination meeting
//! (internal to the invited agencies), and knowledge articles of several agencies: four shared
//! with all agencies, one of Dinas Kesehatan shared only with Kecamatan Alak. Written by the demo
//! superadmin through the same domain functions as the pages. Loading twice adds nothing
//! (each item is looked up by its title first).

use anyhow::Context as _;
use platform::{
    AppState,
    auth::{CurrentUser, Role, RoleGrant, UserKind},
    web::i18n::Lang,
};
use sqlx::Row as _;

use crate::{
    events::{self, EventInput},
    knowledge::{self, ArticleInput},
};

/// Title of the demo joint seminar.
pub const SEMINAR_TITLE: &str = "Seminar Bersama: Sadar Sehat Lewat Sekolah";
/// Title of the demo coordination meeting.
pub const MEETING_TITLE: &str =
    "Rapat Koordinasi Lintas Instansi: Gerakan Sekolah Sehat Kecamatan Alak";
/// Title of the demo article that Dinas Kesehatan shares only with Kecamatan Alak.
pub const RESTRICTED_TITLE: &str =
    "Catatan Internal: Sasaran Pemeriksaan Gizi Anak Sekolah per Kelurahan";

/// What one load added.
#[derive(Debug, Default)]
pub struct Loaded {
    pub events: usize,
    pub articles: usize,
}

async fn demo_admin(app: &AppState) -> anyhow::Result<CurrentUser> {
    let id = accounts::staff::find_staff_id(app, "admin.sigap")
        .await
        .map_err(|e| {
            anyhow::anyhow!("the demo superadmin is missing (load the accounts demo first): {e}")
        })?;
    let city = accounts::organisation::find_agency(app, "pemkot-kupang")
        .await?
        .context("agency pemkot-kupang")?;
    Ok(CurrentUser {
        id,
        display_name: "Admin Sigap".into(),
        kind: UserKind::Staff,
        lang: Lang::Id,
        grants: vec![RoleGrant {
            role: Role::Superadmin,
            agency_id: city.id,
            agency_code: city.code,
        }],
    })
}

async fn exists(app: &AppState, table: &str, title: &str) -> anyhow::Result<bool> {
    let row = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM {table} WHERE title = $1"
    ))
    .bind(title)
    .fetch_one(&app.db.read)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// `days` from today (WITA) at `hour`:00, as the event form's `YYYY-MM-DDTHH:MM`.
fn day_at(days: i64, hour: i8) -> anyhow::Result<String> {
    let today = jiff::Timestamp::now()
        .to_zoned(platform::clock::wita().clone())
        .date();
    let day = today.checked_add(jiff::Span::new().days(days))?;
    Ok(format!("{day}T{hour:02}:00"))
}

const ARTICLES: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "dinkes",
        "Panduan Penjaringan Kesehatan Anak Sekolah (UKS)",
        "kesehatan, sekolah, uks",
        "all",
        "",
        "## Tujuan\n\nPenjaringan kesehatan dilakukan setiap awal tahun ajaran bagi peserta didik kelas 1, 7 dan 10. \
         Puskesmas bersama guru UKS memeriksa tinggi dan berat badan, tajam penglihatan, pendengaran, \
         kebersihan gigi dan mulut, serta status imunisasi.\n\n## Langkah\n\n1. Sekolah mengirim daftar peserta didik ke puskesmas.\n\
         2. Petugas puskesmas dan guru UKS melaksanakan pemeriksaan di sekolah.\n3. Hasil dicatat dan anak yang perlu rujukan diberi surat rujukan.\n\n\
         Pertanyaan tentang jadwal dapat diajukan di kolom komentar.",
    ),
    (
        "dikbud",
        "Integrasi Pendidikan Kesehatan dalam Pembelajaran Sekolah Dasar",
        "pendidikan, kesehatan, kurikulum",
        "all",
        "",
        "Pendidikan kesehatan tidak harus menjadi mata pelajaran tersendiri. Guru dapat memasukkan materi \
         **cuci tangan pakai sabun**, gizi seimbang dan kesehatan reproduksi remaja ke dalam projek penguatan profil \
         pelajar Pancasila.\n\n- Kelas rendah: kebiasaan bersih dan sarapan sehat.\n- Kelas tinggi: membaca label gizi, \
         mengenali tanda anemia.\n\nContoh modul ajar tersedia dari Dinas Pendidikan dan Kebudayaan.",
    ),
    (
        "kominfo",
        "Pedoman Publikasi Kegiatan Bersama di Kanal Resmi Pemerintah Kota",
        "publikasi, humas, media sosial",
        "all",
        "",
        "Setiap kegiatan bersama antarinstansi diumumkan paling lambat tujuh hari sebelumnya. Naskah memuat \
         nama kegiatan, penyelenggara, waktu (WITA), tempat, sasaran dan kontak. Foto peserta hanya dipublikasikan \
         dengan persetujuan mereka; wajah anak tidak ditampilkan.",
    ),
    (
        "bkppd",
        "Cara Mencatat JP dari Seminar dan Lokakarya",
        "jp, pengembangan kompetensi, asn",
        "all",
        "",
        "Seminar dan lokakarya di Sigap yang memberikan JP mencatat JP peserta ASN secara otomatis saat \
         peserta melakukan presensi dengan kode QR di ruangan. JP tersebut tampil di halaman *Pengembangan saya* \
         dan dihitung terhadap hak 20 JP per tahun.",
    ),
    (
        "dinkes",
        RESTRICTED_TITLE,
        "gizi, sekolah, internal",
        "agencies",
        "kec-alak",
        "Catatan kerja Dinas Kesehatan untuk Kecamatan Alak (angka contoh untuk data demo): sasaran pemeriksaan gizi \
         tahun ini diprioritaskan di Kelurahan Naioni, Manulai II dan Batu Plat. Mohon kelurahan membantu \
         mengumpulkan orang tua pada hari pemeriksaan.",
    ),
];

/// Loads the data set (after the accounts demo).
pub async fn load(app: &AppState) -> anyhow::Result<Loaded> {
    let admin = demo_admin(app).await?;
    let mut loaded = Loaded::default();
    if !exists(app, "events", SEMINAR_TITLE).await? {
        let input = EventInput {
            title: SEMINAR_TITLE.into(),
            kind: "seminar".into(),
            description: "Seminar bersama Dinas Pendidikan dan Kebudayaan dan Dinas Kesehatan Kota Kupang \
                          tentang peran sekolah dalam membangun kesadaran hidup sehat: UKS, gizi anak, dan \
                          kebersihan lingkungan sekolah. Terbuka untuk guru, tenaga kesehatan, orang tua dan warga. \
                          ASN yang hadir (presensi QR) memperoleh 2 JP."
                .into(),
            audience: "public".into(),
            organisers: "dikbud, dinkes".into(),
            invited: String::new(),
            place: "Aula Kantor Camat Alak, Jl. Alak, Kota Kupang".into(),
            online_url: String::new(),
            starts_at: day_at(14, 9)?,
            ends_at: day_at(14, 12)?,
            capacity: "120".into(),
            jp: "2".into(),
            base_version: String::new(),
        };
        events::create_event(app, &admin, &input)
            .await
            .map_err(|e| anyhow::anyhow!("demo seminar: {e}"))?;
        loaded.events += 1;
    }
    if !exists(app, "events", MEETING_TITLE).await? {
        let input = EventInput {
            title: MEETING_TITLE.into(),
            kind: "coordination".into(),
            description: "Koordinasi jadwal penjaringan kesehatan dan pembagian tugas antara puskesmas, sekolah \
                          dan kelurahan."
                .into(),
            audience: "agencies".into(),
            organisers: "dinkes".into(),
            invited: "dikbud, kec-alak".into(),
            place: "Ruang Rapat Dinas Kesehatan Kota Kupang".into(),
            online_url: "https://meet.kupangkota.go.id/rakor-sekolah-sehat".into(),
            starts_at: day_at(7, 13)?,
            ends_at: day_at(7, 15)?,
            capacity: "30".into(),
            jp: String::new(),
            base_version: String::new(),
        };
        events::create_event(app, &admin, &input)
            .await
            .map_err(|e| anyhow::anyhow!("demo meeting: {e}"))?;
        loaded.events += 1;
    }
    for (agency, title, tags, sharing, shared_with, body) in ARTICLES {
        if exists(app, "articles", title).await? {
            continue;
        }
        let input = ArticleInput {
            agency_code: (*agency).into(),
            title: (*title).into(),
            body: (*body).into(),
            tags: (*tags).into(),
            sharing: (*sharing).into(),
            shared_with: (*shared_with).into(),
            base_version: String::new(),
        };
        knowledge::create_article(app, &admin, &input, None)
            .await
            .map_err(|e| anyhow::anyhow!("demo article {title}: {e}"))?;
        loaded.articles += 1;
    }
    Ok(loaded)
}
