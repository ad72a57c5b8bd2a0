//! Demo catalogue: realistic PATEN services of the Alak district office, each with its full
//! service standard, and the fixed-date national holidays. Idempotent.
//! The movable holidays and collective leave days of each year come from the joint ministerial
//! decree (SKB 3 Menteri) and are entered by the service admin; they are not guessed here.

use platform::AppState;

use crate::{
    catalogue::{self, Actor},
    holidays::{self, HolidayInput},
    model::ServiceInput,
    store,
};

const LEGAL_BASIS: &str = "UU 25/2009 tentang Pelayanan Publik; PP 96/2012 tentang Pelaksanaan UU Pelayanan Publik; \
Permendagri 4/2010 tentang Pedoman Pelayanan Administrasi Terpadu Kecamatan (PATEN); PermenPAN-RB 15/2014 tentang \
Pedoman Standar Pelayanan; Peraturan Wali Kota Kupang tentang pelimpahan sebagian kewenangan Wali Kota kepada Camat.";
const FACILITIES: &str = "Ruang pelayanan PATEN Kantor Camat Alak: loket, ruang tunggu ber-AC, kursi prioritas untuk lansia, \
ibu hamil dan penyandang disabilitas, komputer dan printer, toilet; layanan online Sigap.";
const COMPETENCE: &str = "Memahami standar pelayanan dan ketentuan administrasi kependudukan; mampu mengoperasikan Sigap; \
ramah, komunikatif, dan mampu melayani penyandang disabilitas.";
const SUPERVISION: &str = "Pengawasan langsung oleh Sekretaris Camat dan Camat; pengawasan fungsional oleh Inspektorat Kota Kupang.";
const STAFFING: &str =
    "2 petugas loket, 1 verifikator, 1 penandatangan (Camat atau Sekretaris Camat)";
const GUARANTEE: &str = "Pelayanan diberikan sesuai standar pelayanan ini dan maklumat pelayanan yang dipajang di ruang pelayanan.";
const SAFETY: &str = "Data pribadi pemohon dijaga kerahasiaannya sesuai UU 27/2022; dokumen terbit dapat diverifikasi keasliannya \
melalui kode QR; ruang pelayanan dilengkapi APAR dan jalur evakuasi.";
const EVALUATION: &str = "Survei Kepuasan Masyarakat (SKM) minimal sekali setahun (PermenPAN-RB 14/2017); evaluasi kinerja pelayanan setiap triwulan.";
const COMPLAINTS_ID: &str = "Melalui menu Pengaduan di Sigap, SP4N-LAPOR! (lapor.go.id), kotak saran di Kantor Camat Alak, \
atau langsung kepada Sekretaris Camat pada jam kerja. Pengaduan diverifikasi paling lama 3 hari kerja.";
const COMPLAINTS_EN: &str = "Through the Complaints menu of Sigap, SP4N-LAPOR! (lapor.go.id), the suggestion box at the Alak \
District Office, or in person to the District Secretary during office hours. Complaints are verified within 3 working days.";

const FIRST_STEP: (&str, &str) = (
    "Pemohon mengajukan permohonan melalui Sigap atau di loket PATEN Kantor Camat Alak dan melampirkan persyaratan.",
    "The applicant applies through Sigap or at the PATEN counter of the Alak District Office and attaches the requirements.",
);
const VERIFY_STEP: (&str, &str) = (
    "Petugas memverifikasi kelengkapan dan keabsahan berkas; berkas yang belum lengkap dikembalikan dengan alasan yang jelas.",
    "Staff check that the file is complete and valid; an incomplete file is returned with clear reasons.",
);
const LAST_STEP: (&str, &str) = (
    "Dokumen terbit dapat diunduh di Sigap atau diambil di loket; keasliannya dapat diperiksa melalui kode QR.",
    "The issued document can be downloaded from Sigap or collected at the counter; its authenticity can be checked by its QR code.",
);

struct DemoService {
    code: &'static str,
    category: &'static str,
    days: &'static str,
    name: (&'static str, &'static str),
    summary: (&'static str, &'static str),
    requirements: &'static [(&'static str, &'static str)],
    middle_steps: &'static [(&'static str, &'static str)],
    product: (&'static str, &'static str),
}

const SERVICES: &[DemoService] = &[
    DemoService {
        code: "skdu",
        category: "non_licensing",
        days: "3",
        name: (
            "Surat Keterangan Domisili Usaha",
            "Business Domicile Letter",
        ),
        summary: (
            "Surat keterangan dari Camat bahwa suatu usaha berlokasi di wilayah Kecamatan Alak, untuk keperluan perizinan, perbankan, atau tender.",
            "A letter from the Camat that a business is located in Alak district, for licences, banks or tenders.",
        ),
        requirements: &[
            (
                "KTP pemohon | pdf, jpeg, png",
                "Applicant's identity card (KTP)",
            ),
            ("Kartu Keluarga | pdf, jpeg, png", "Family card (KK)"),
            (
                "Surat pengantar RT/RW yang diketahui Lurah | pdf, jpeg, png",
                "Covering letter from the RT/RW acknowledged by the Lurah",
            ),
            (
                "Foto tempat usaha tampak depan | jpeg, png",
                "Photo of the business premises from the front",
            ),
            (
                "Bukti lunas PBB tahun berjalan atau surat perjanjian sewa tempat usaha | pdf, jpeg, png",
                "Paid land and building tax (PBB) of this year, or the lease of the premises",
            ),
        ],
        middle_steps: &[(
            "Petugas dapat meninjau lokasi usaha bila diperlukan; Camat menandatangani surat keterangan.",
            "Staff may visit the business location when needed; the Camat signs the letter.",
        )],
        product: (
            "Surat Keterangan Domisili Usaha",
            "Business Domicile Letter",
        ),
    },
    DemoService {
        code: "sktm",
        category: "non_licensing",
        days: "1",
        name: ("Surat Keterangan Tidak Mampu", "Certificate of Low Income"),
        summary: (
            "Surat keterangan bagi warga kurang mampu untuk keringanan biaya pendidikan, kesehatan, atau bantuan sosial.",
            "A certificate for low-income residents to obtain reduced school or health costs or social assistance.",
        ),
        requirements: &[
            (
                "KTP pemohon | pdf, jpeg, png",
                "Applicant's identity card (KTP)",
            ),
            ("Kartu Keluarga | pdf, jpeg, png", "Family card (KK)"),
            (
                "Surat pengantar RT/RW yang diketahui Lurah | pdf, jpeg, png",
                "Covering letter from the RT/RW acknowledged by the Lurah",
            ),
            (
                "Surat pernyataan tidak mampu bermeterai | pdf, jpeg, png",
                "Signed statement of low income with duty stamp",
            ),
        ],
        middle_steps: &[(
            "Camat atau Sekretaris Camat menandatangani surat keterangan.",
            "The Camat or the District Secretary signs the certificate.",
        )],
        product: ("Surat Keterangan Tidak Mampu", "Certificate of Low Income"),
    },
    DemoService {
        code: "ahli-waris",
        category: "non_licensing",
        days: "5",
        name: ("Surat Keterangan Ahli Waris", "Certificate of Heirs"),
        summary: (
            "Penguatan surat pernyataan ahli waris oleh Lurah dan Camat, untuk balik nama sertifikat, pencairan tabungan, atau pensiun.",
            "The Lurah and the Camat witness the heirs' statement, for transferring a land title, closing a savings account or a pension.",
        ),
        requirements: &[
            (
                "KTP seluruh ahli waris | pdf, jpeg, png",
                "Identity cards of all heirs",
            ),
            (
                "Kartu Keluarga pewaris dan ahli waris | pdf, jpeg, png",
                "Family cards of the deceased and the heirs",
            ),
            (
                "Akta kematian pewaris | pdf, jpeg, png",
                "Death certificate of the deceased",
            ),
            (
                "Surat pernyataan ahli waris bermeterai, ditandatangani seluruh ahli waris dan 2 orang saksi | pdf",
                "Heirs' statement with duty stamp, signed by all heirs and two witnesses",
            ),
            (
                "KTP 2 orang saksi | pdf, jpeg, png",
                "Identity cards of the two witnesses",
            ),
            (
                "Surat pengantar dari Lurah | pdf, jpeg, png",
                "Covering letter from the Lurah",
            ),
        ],
        middle_steps: &[(
            "Ahli waris dan saksi hadir di Kantor Camat untuk penandatanganan di hadapan Camat sesuai jadwal yang diberikan.",
            "The heirs and witnesses come to the district office to sign before the Camat at the appointment given.",
        )],
        product: (
            "Surat pernyataan ahli waris yang dikuatkan Camat",
            "Heirs' statement witnessed by the Camat",
        ),
    },
    DemoService {
        code: "izin-keramaian",
        category: "non_licensing",
        days: "3",
        name: (
            "Rekomendasi Izin Keramaian",
            "Recommendation for a Crowd-Event Permit",
        ),
        summary: (
            "Surat rekomendasi Camat untuk pengajuan izin keramaian (pesta, pentas, kegiatan keagamaan atau olahraga) ke Polresta Kupang Kota.",
            "The Camat's recommendation for a crowd-event permit (celebration, performance, religious or sports event) from the Kupang City Police.",
        ),
        requirements: &[
            (
                "KTP penanggung jawab kegiatan | pdf, jpeg, png",
                "Identity card of the person responsible",
            ),
            ("Surat permohonan | pdf", "Application letter"),
            (
                "Surat pengantar dari Lurah | pdf, jpeg, png",
                "Covering letter from the Lurah",
            ),
            (
                "Susunan acara dan perkiraan jumlah peserta | pdf",
                "Programme and expected number of participants",
            ),
            (
                "Denah lokasi kegiatan | pdf, jpeg, png",
                "Site plan of the event",
            ),
            (
                "Surat persetujuan tetangga sekitar lokasi | pdf, jpeg, png",
                "Consent of the neighbours around the site",
            ),
        ],
        middle_steps: &[(
            "Petugas berkoordinasi dengan Bhabinkamtibmas dan Lurah setempat; Camat menandatangani surat rekomendasi.",
            "Staff coordinate with the local community police officer and the Lurah; the Camat signs the recommendation.",
        )],
        product: (
            "Surat rekomendasi Camat kepada Polresta Kupang Kota",
            "The Camat's recommendation letter to the Kupang City Police",
        ),
    },
    DemoService {
        code: "nib-umk",
        category: "licensing",
        days: "2",
        name: (
            "Pendampingan Pendaftaran NIB Usaha Mikro dan Kecil",
            "Help Registering a Business Number (NIB) for Micro and Small Enterprises",
        ),
        summary: (
            "Petugas kecamatan membantu pelaku usaha mikro dan kecil yang tidak dapat mendaftar sendiri untuk memperoleh Nomor Induk Berusaha (NIB) melalui sistem OSS.",
            "District staff help micro and small business owners who cannot register online to obtain a Business Identification Number (NIB) through the OSS system.",
        ),
        requirements: &[
            (
                "KTP pemilik usaha | pdf, jpeg, png",
                "Business owner's identity card",
            ),
            (
                "Surat Keterangan Domisili Usaha atau foto tempat usaha | pdf, jpeg, png",
                "Business Domicile Letter or a photo of the premises",
            ),
        ],
        middle_steps: &[(
            "Petugas bersama pemohon mengisi data usaha di sistem OSS (oss.go.id); pemohon memeriksa dan menyetujui pernyataan mandiri.",
            "Staff and the applicant enter the business data in the OSS system (oss.go.id); the applicant checks and accepts the self-declaration.",
        )],
        product: (
            "Nomor Induk Berusaha (NIB) yang diterbitkan sistem OSS",
            "Business Identification Number (NIB) issued by the OSS system",
        ),
    },
    DemoService {
        code: "rek-pbg",
        category: "licensing",
        days: "7",
        name: (
            "Rekomendasi Persetujuan Bangunan Gedung Rumah Tinggal",
            "Recommendation for a Building Approval (Dwelling)",
        ),
        summary: (
            "Rekomendasi Camat sebagai kelengkapan permohonan Persetujuan Bangunan Gedung (PBG) rumah tinggal sederhana, dengan rekomendasi teknis dari DPMPTSP.",
            "The Camat's recommendation supporting an application for a Building Approval (PBG) of a simple dwelling, with a technical recommendation from DPMPTSP.",
        ),
        requirements: &[
            ("KTP pemohon | pdf, jpeg, png", "Applicant's identity card"),
            (
                "Bukti kepemilikan tanah (sertifikat atau akta jual beli) | pdf",
                "Proof of land ownership (title or deed of sale)",
            ),
            ("Gambar rencana bangunan | pdf", "Building plans"),
            (
                "Bukti lunas PBB tahun berjalan | pdf, jpeg, png",
                "Paid land and building tax (PBB) of this year",
            ),
            (
                "Surat pengantar dari Lurah | pdf, jpeg, png",
                "Covering letter from the Lurah",
            ),
            (
                "Foto lokasi rencana bangunan | jpeg, png",
                "Photo of the building site",
            ),
        ],
        middle_steps: &[
            (
                "Berkas diteruskan ke DPMPTSP untuk rekomendasi teknis; petugas meninjau lokasi bersama Lurah.",
                "The file goes to DPMPTSP for a technical recommendation; staff visit the site with the Lurah.",
            ),
            (
                "Camat menandatangani surat rekomendasi.",
                "The Camat signs the recommendation.",
            ),
        ],
        product: (
            "Surat rekomendasi Camat untuk permohonan PBG",
            "The Camat's recommendation for the PBG application",
        ),
    },
    DemoService {
        code: "legalisasi",
        category: "non_licensing",
        days: "1",
        name: (
            "Legalisasi Fotokopi Dokumen",
            "Legalisation of Document Copies",
        ),
        summary: (
            "Pengesahan fotokopi dokumen yang diterbitkan atau diketahui kecamatan (misalnya surat keterangan) sesuai dengan aslinya.",
            "Certifying that copies of documents issued or acknowledged by the district (such as certificates) match the original.",
        ),
        requirements: &[
            (
                "Pindaian dokumen asli | pdf, jpeg, png",
                "Scan of the original document",
            ),
            (
                "Fotokopi dokumen yang akan dilegalisasi | pdf",
                "The copies to be legalised",
            ),
        ],
        middle_steps: &[(
            "Pemohon menunjukkan dokumen asli di loket; Camat atau Sekretaris Camat membubuhkan cap dan tanda tangan.",
            "The applicant shows the original at the counter; the Camat or the District Secretary stamps and signs.",
        )],
        product: (
            "Fotokopi dokumen yang telah dilegalisasi",
            "Legalised copies",
        ),
    },
    DemoService {
        code: "domisili",
        category: "non_licensing",
        days: "1",
        name: (
            "Surat Keterangan Domisili Penduduk",
            "Residence Domicile Letter",
        ),
        summary: (
            "Surat keterangan tempat tinggal bagi penduduk yang berdomisili di Kecamatan Alak, termasuk pendatang yang belum pindah KTP.",
            "A letter confirming residence in Alak district, including for newcomers whose identity card is still from elsewhere.",
        ),
        requirements: &[
            ("KTP pemohon | pdf, jpeg, png", "Applicant's identity card"),
            ("Kartu Keluarga | pdf, jpeg, png", "Family card"),
            (
                "Surat pengantar RT/RW yang diketahui Lurah | pdf, jpeg, png",
                "Covering letter from the RT/RW acknowledged by the Lurah",
            ),
        ],
        middle_steps: &[(
            "Camat atau Sekretaris Camat menandatangani surat keterangan.",
            "The Camat or the District Secretary signs the letter.",
        )],
        product: ("Surat Keterangan Domisili", "Residence Domicile Letter"),
    },
];

/// Fixed-date national holidays (UU/Keppres); the movable ones are added by admins each year.
const FIXED_HOLIDAYS: &[(&str, &str, &str)] = &[
    ("01-01", "Tahun Baru Masehi", "New Year's Day"),
    (
        "05-01",
        "Hari Buruh Internasional",
        "International Labour Day",
    ),
    ("06-01", "Hari Lahir Pancasila", "Pancasila Day"),
    (
        "08-17",
        "Hari Kemerdekaan Republik Indonesia",
        "Independence Day",
    ),
    ("12-25", "Hari Raya Natal", "Christmas Day"),
];

fn join(lines: impl Iterator<Item = &'static str>) -> String {
    lines.collect::<Vec<_>>().join("\n")
}

/// Loads the demo catalogue; returns how many services and holidays were added.
pub async fn load(app: &AppState) -> anyhow::Result<(usize, usize)> {
    let mut services = 0;
    for demo in SERVICES {
        if store::find_service(&app.db, demo.code).await?.is_some() {
            continue;
        }
        let steps: Vec<(&str, &str)> = std::iter::once(FIRST_STEP)
            .chain(std::iter::once(VERIFY_STEP))
            .chain(demo.middle_steps.iter().copied())
            .chain(std::iter::once(LAST_STEP))
            .collect();
        let input = ServiceInput {
            code: demo.code.into(),
            agency_code: "kec-alak".into(),
            category: demo.category.into(),
            name_id: demo.name.0.into(),
            name_en: demo.name.1.into(),
            summary_id: demo.summary.0.into(),
            summary_en: demo.summary.1.into(),
            requirements_id: join(demo.requirements.iter().map(|r| r.0)),
            requirements_en: join(demo.requirements.iter().map(|r| r.1)),
            steps_id: join(steps.iter().map(|s| s.0)),
            steps_en: join(steps.iter().map(|s| s.1)),
            completion_days: demo.days.into(),
            cost_idr: "0".into(),
            cost_note_id: "Tidak dipungut biaya".into(),
            cost_note_en: "No fee is charged".into(),
            product_id: demo.product.0.into(),
            product_en: demo.product.1.into(),
            complaints_id: COMPLAINTS_ID.into(),
            complaints_en: COMPLAINTS_EN.into(),
            legal_basis: LEGAL_BASIS.into(),
            facilities: FACILITIES.into(),
            staff_competence: COMPETENCE.into(),
            internal_supervision: SUPERVISION.into(),
            staff_count: STAFFING.into(),
            service_guarantee: GUARANTEE.into(),
            safety_guarantee: SAFETY.into(),
            performance_evaluation: EVALUATION.into(),
            published: "yes".into(),
        };
        catalogue::create_service(app, Actor::Operator, &input)
            .await
            .map_err(|e| anyhow::anyhow!("demo service {}: {e}", demo.code))?;
        services += 1;
    }
    let mut added = 0;
    let known = store::list_holidays(&app.db, None).await?;
    for year in [2026, 2027] {
        for (month_day, name_id, name_en) in FIXED_HOLIDAYS {
            let day = format!("{year}-{month_day}");
            if known.iter().any(|h| h.day == day) {
                continue;
            }
            let input = HolidayInput {
                day,
                name_id: (*name_id).into(),
                name_en: (*name_en).into(),
                kind: "national".into(),
            };
            holidays::add_holiday(app, None, &input)
                .await
                .map_err(|e| anyhow::anyhow!("demo holiday: {e}"))?;
            added += 1;
        }
    }
    crate::forms::demo::load(app).await?;
    Ok((services, added))
}
