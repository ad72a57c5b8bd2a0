//! The Alak demo data set: the organisation tree, one staff account per role, a few citizens.
//! Loading twice changes nothing (every record is looked up before it is created).

use platform::{AppState, auth::Role, web::i18n::Lang};

use crate::{
    model::RegistrationInput,
    organisation::{self, AgencyInput},
    registration,
    staff::{self, Actor, StaffInput},
    store,
};

/// The password of every demo account (printed by `sigap demo`, listed in the README).
pub const DEMO_PASSWORD: &str = "Alak-Demo-2026";

/// (code, name_id, name_en, kind, parent code, region code)
const AGENCIES: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "pemkot-kupang",
        "Pemerintah Kota Kupang",
        "Kupang City Government",
        "city",
        "",
        "53.71",
    ),
    (
        "kec-alak",
        "Kecamatan Alak",
        "Alak District",
        "kecamatan",
        "pemkot-kupang",
        "53.71.01",
    ),
    (
        "kel-namosain",
        "Kelurahan Namosain",
        "Namosain Village",
        "kelurahan",
        "kec-alak",
        "53.71.01.1001",
    ),
    (
        "kel-nunbaun-sabu",
        "Kelurahan Nunbaun Sabu",
        "Nunbaun Sabu Village",
        "kelurahan",
        "kec-alak",
        "53.71.01.1002",
    ),
    (
        "kel-nunbaun-delha",
        "Kelurahan Nunbaun Delha",
        "Nunbaun Delha Village",
        "kelurahan",
        "kec-alak",
        "53.71.01.1003",
    ),
    (
        "kel-nunhila",
        "Kelurahan Nunhila",
        "Nunhila Village",
        "kelurahan",
        "kec-alak",
        "53.71.01.1004",
    ),
    (
        "kel-fatufeto",
        "Kelurahan Fatufeto",
        "Fatufeto Village",
        "kelurahan",
        "kec-alak",
        "53.71.01.1005",
    ),
    (
        "kel-manutapen",
        "Kelurahan Manutapen",
        "Manutapen Village",
        "kelurahan",
        "kec-alak",
        "53.71.01.1006",
    ),
    (
        "kel-mantasi",
        "Kelurahan Mantasi",
        "Mantasi Village",
        "kelurahan",
        "kec-alak",
        "53.71.01.1007",
    ),
    (
        "kel-alak",
        "Kelurahan Alak",
        "Alak Village",
        "kelurahan",
        "kec-alak",
        "53.71.01.1008",
    ),
    (
        "kel-batu-plat",
        "Kelurahan Batu Plat",
        "Batu Plat Village",
        "kelurahan",
        "kec-alak",
        "53.71.01.1009",
    ),
    (
        "kel-manulai-2",
        "Kelurahan Manulai II",
        "Manulai II Village",
        "kelurahan",
        "kec-alak",
        "53.71.01.1010",
    ),
    (
        "kel-naioni",
        "Kelurahan Naioni",
        "Naioni Village",
        "kelurahan",
        "kec-alak",
        "53.71.01.1011",
    ),
    (
        "kel-penkase-oeleta",
        "Kelurahan Penkase Oeleta",
        "Penkase Oeleta Village",
        "kelurahan",
        "kec-alak",
        "53.71.01.1012",
    ),
    (
        "dpmptsp",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "Investment and One-Stop Integrated Services Agency",
        "dinas",
        "pemkot-kupang",
        "",
    ),
    (
        "dukcapil",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "Population and Civil Registration Agency",
        "dinas",
        "pemkot-kupang",
        "",
    ),
    (
        "dinkes",
        "Dinas Kesehatan",
        "Health Agency",
        "dinas",
        "pemkot-kupang",
        "",
    ),
    (
        "dikbud",
        "Dinas Pendidikan dan Kebudayaan",
        "Education and Culture Agency",
        "dinas",
        "pemkot-kupang",
        "",
    ),
    (
        "kominfo",
        "Dinas Komunikasi dan Informatika",
        "Communication and Informatics Agency",
        "dinas",
        "pemkot-kupang",
        "",
    ),
    (
        "bkppd",
        "Badan Kepegawaian, Pendidikan dan Pelatihan Daerah",
        "Regional Personnel, Education and Training Agency",
        "badan",
        "pemkot-kupang",
        "",
    ),
];

/// (username, full name, role, agency code)
pub const STAFF: &[(&str, &str, Role, &str)] = &[
    (
        "admin.sigap",
        "Admin Sigap",
        Role::Superadmin,
        "pemkot-kupang",
    ),
    (
        "loket.alak",
        "Maria Goreti Seran",
        Role::FrontOffice,
        "kec-alak",
    ),
    (
        "verifikator.alak",
        "Yosef Nahak",
        Role::Verifier,
        "kec-alak",
    ),
    (
        "reviewer.dinkes",
        "dr. Ketut Widiastuti",
        Role::TechnicalReviewer,
        "dinkes",
    ),
    ("camat.alak", "Imanuel Ndoen", Role::Signer, "kec-alak"),
    (
        "admin.layanan",
        "Oktovianus Tefa",
        Role::ServiceAdmin,
        "kec-alak",
    ),
    ("asn.alak", "Theresia Bano", Role::Asn, "kec-alak"),
    (
        "admin.bkppd",
        "Stefanus Lay",
        Role::CompetencyAdmin,
        "bkppd",
    ),
    (
        "humas.kominfo",
        "Ruth Manafe",
        Role::Communications,
        "kominfo",
    ),
    (
        "pimpinan.kota",
        "Daniel Adoe",
        Role::Leader,
        "pemkot-kupang",
    ),
];

/// (full name, NIK, email, phone)
pub const CITIZENS: &[(&str, &str, &str, &str)] = &[
    (
        "Yuliana Ndun",
        "5371014107900001",
        "yuliana.ndun@example.id",
        "081234560001",
    ),
    ("Yohanes Bria", "5371011508850002", "", "081234560002"),
    (
        "Agustina Lakapu",
        "5371015203950003",
        "agustina.lakapu@example.id",
        "",
    ),
];

/// What was added by one run.
#[derive(Debug, Default)]
pub struct DemoReport {
    pub agencies_created: usize,
    pub staff_created: usize,
    pub citizens_created: usize,
}

pub async fn load(app: &AppState) -> anyhow::Result<DemoReport> {
    let mut report = DemoReport::default();
    for (code, name_id, name_en, kind, parent, region) in AGENCIES {
        let mut conn = app.db.read.acquire().await?;
        let exists = store::find_agency_by_code(&mut conn, code).await?.is_some();
        drop(conn);
        if !exists {
            let input = AgencyInput {
                code: (*code).into(),
                name_id: (*name_id).into(),
                name_en: (*name_en).into(),
                kind: (*kind).into(),
                parent_code: (*parent).into(),
                region_code: (*region).into(),
            };
            organisation::create_agency(app, Actor::Operator, &input)
                .await
                .map_err(|e| anyhow::anyhow!("demo agency {code}: {e}"))?;
            report.agencies_created += 1;
        }
    }
    for (username, name, role, agency) in STAFF {
        if store::find_by_login(&app.db, username).await?.is_none() {
            let input = StaffInput {
                full_name: (*name).into(),
                username: (*username).into(),
                role: role.as_str().into(),
                agency_code: (*agency).into(),
                ..Default::default()
            };
            staff::create_staff_with_password(app, Actor::Operator, &input, Some(DEMO_PASSWORD))
                .await
                .map_err(|e| anyhow::anyhow!("demo staff {username}: {e}"))?;
            report.staff_created += 1;
        }
    }
    for (name, nik, email, phone) in CITIZENS {
        if store::find_by_login(&app.db, nik).await?.is_none() {
            let input = RegistrationInput {
                full_name: (*name).into(),
                nik: (*nik).into(),
                email: (*email).into(),
                phone: (*phone).into(),
                password: DEMO_PASSWORD.into(),
                password_confirm: DEMO_PASSWORD.into(),
                consent: "yes".into(),
            };
            registration::register_citizen(app, &input, Lang::Id)
                .await
                .map_err(|e| anyhow::anyhow!("demo citizen: {e}"))?;
            report.citizens_created += 1;
        }
    }
    Ok(report)
}
