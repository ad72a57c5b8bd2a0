//! The capacity demo data set, deterministic: 300 ASN across the demo agencies (10 % PPPK), each
//! agency's first employee the others' supervisor, a head of section account `kasi.alak` who
//! supervises the demo ASN `asn.alak`, position requirements, an assessment of every required
//! competency, six trainings with a year of completed sessions (attendance, JP in the ledger;
//! about two thirds stay below 20 JP), a session running today and two open for enrolment.
//! Loads once: a second run finds the demo employees and adds nothing. Acts as the demo BKPPD
//! admin (`admin.bkppd`), so the audit log names who loaded it.

use anyhow::Context as _;
use platform::{
    AppState, audit,
    auth::{CurrentUser, Role, RoleGrant, UserKind},
    clock, ids,
    web::i18n::Lang,
};
use sqlx::Row as _;

use crate::{
    competencies::{self, CompetencyInput, RequirementInput},
    employees::{self, CSV_HEADER},
    trainings::{self, SessionInput, TrainingInput},
};

/// The demo supervisor of `asn.alak` (password: the demo password).
pub const SUPERVISOR_USERNAME: &str = "kasi.alak";
/// NIP of the demo ASN Theresia Bano (`asn.alak`).
pub const ASN_NIP: &str = "199107142016032003";
const SUPERVISOR_NIP: &str = "198204102008011001";

const FIRST: [&str; 20] = [
    "Yohanes",
    "Maria",
    "Agustinus",
    "Yuliana",
    "Fransiskus",
    "Theresia",
    "Petrus",
    "Elisabeth",
    "Yosef",
    "Margaretha",
    "Stefanus",
    "Katarina",
    "Markus",
    "Veronika",
    "Daniel",
    "Ruth",
    "Imanuel",
    "Oktaviana",
    "Melkianus",
    "Serlina",
];
const LAST: [&str; 20] = [
    "Ndun",
    "Bria",
    "Lakapu",
    "Seran",
    "Nahak",
    "Tefa",
    "Manafe",
    "Adoe",
    "Bano",
    "Ndoen",
    "Lay",
    "Tallo",
    "Fanggidae",
    "Messakh",
    "Kana",
    "Riwu",
    "Haning",
    "Benu",
    "Sabuna",
    "Nenobais",
];

/// (agency code, employees, unit names)
const AGENCIES: [(&str, usize, &[&str]); 20] = [
    (
        "kec-alak",
        58,
        &["Sekretariat", "Seksi Pelayanan Umum", "Seksi Pemerintahan"],
    ),
    ("kel-namosain", 10, &["Kantor Kelurahan"]),
    ("kel-nunbaun-sabu", 10, &["Kantor Kelurahan"]),
    ("kel-nunbaun-delha", 10, &["Kantor Kelurahan"]),
    ("kel-nunhila", 10, &["Kantor Kelurahan"]),
    ("kel-fatufeto", 10, &["Kantor Kelurahan"]),
    ("kel-manutapen", 10, &["Kantor Kelurahan"]),
    ("kel-mantasi", 10, &["Kantor Kelurahan"]),
    ("kel-alak", 10, &["Kantor Kelurahan"]),
    ("kel-batu-plat", 10, &["Kantor Kelurahan"]),
    ("kel-manulai-2", 10, &["Kantor Kelurahan"]),
    ("kel-naioni", 10, &["Kantor Kelurahan"]),
    ("kel-penkase-oeleta", 10, &["Kantor Kelurahan"]),
    ("dinkes", 30, &["Bidang Pelayanan Kesehatan", "Sekretariat"]),
    (
        "dukcapil",
        30,
        &["Bidang Pendaftaran Penduduk", "Bidang Pencatatan Sipil"],
    ),
    ("dikbud", 20, &["Bidang Pembinaan SD", "Sekretariat"]),
    ("dpmptsp", 15, &["Bidang Pelayanan Perizinan"]),
    ("kominfo", 15, &["Bidang Aplikasi Informatika"]),
    ("bkppd", 10, &["Bidang Pengembangan Kompetensi"]),
    ("pemkot-kupang", 0, &[]),
];

const POSITIONS: [&str; 4] = [
    "Analis Pelayanan",
    "Pengadministrasi Umum",
    "Pranata Komputer",
    "Analis Kebijakan",
];
const HEAD: &str = "Kepala Seksi";

/// (position, [(competency code, level)])
const REQUIREMENTS: [(&str, &[(&str, i64)]); 5] = [
    (
        "Analis Pelayanan",
        &[
            ("integritas", 3),
            ("pelayanan-publik", 3),
            ("komunikasi", 3),
            ("kerjasama", 2),
            ("perekat-bangsa", 2),
        ],
    ),
    (
        "Pengadministrasi Umum",
        &[
            ("integritas", 2),
            ("pelayanan-publik", 2),
            ("pengelolaan-arsip", 3),
            ("kerjasama", 2),
            ("perekat-bangsa", 2),
        ],
    ),
    (
        "Pranata Komputer",
        &[
            ("integritas", 2),
            ("literasi-digital", 4),
            ("komunikasi", 2),
            ("kerjasama", 2),
            ("perekat-bangsa", 2),
        ],
    ),
    (
        "Analis Kebijakan",
        &[
            ("integritas", 3),
            ("pengambilan-keputusan", 3),
            ("komunikasi", 3),
            ("orientasi-hasil", 3),
            ("perekat-bangsa", 2),
        ],
    ),
    (
        HEAD,
        &[
            ("integritas", 4),
            ("pengambilan-keputusan", 3),
            ("mengelola-perubahan", 3),
            ("pengembangan-diri", 3),
            ("kerjasama", 3),
            ("perekat-bangsa", 3),
        ],
    ),
];

/// (title, kind, form, JP, competencies)
const TRAININGS: [(&str, &str, &str, i64, &str); 6] = [
    (
        "Pelayanan Prima Berbasis Digital",
        "managerial",
        "training",
        24,
        "pelayanan-publik:4\nkomunikasi:3",
    ),
    (
        "Integritas dan Antikorupsi ASN",
        "managerial",
        "seminar",
        8,
        "integritas:4",
    ),
    (
        "Wawasan Kebangsaan dan Moderasi",
        "socio_cultural",
        "workshop",
        12,
        "perekat-bangsa:3",
    ),
    (
        "Pengelolaan Arsip Dinamis",
        "technical",
        "course",
        16,
        "pengelolaan-arsip:3",
    ),
    (
        "Coaching Kepemimpinan Kepala Seksi",
        "managerial",
        "coaching",
        10,
        "pengambilan-keputusan:4\nmengelola-perubahan:4",
    ),
    (
        "E-learning Literasi Digital ASN",
        "technical",
        "e_learning",
        6,
        "literasi-digital:3\nkomunikasi:2",
    ),
];

/// What one run added.
#[derive(Debug, Default)]
pub struct DemoReport {
    pub employees: usize,
    pub trainings: usize,
    pub sessions: usize,
    pub jp_entries: usize,
}

struct Person {
    nip: String,
    name: String,
    agency: &'static str,
    unit: String,
    position: &'static str,
    rank: String,
    kind: &'static str,
    username: &'static str,
    supervisor: String,
}

fn people() -> Vec<Person> {
    let mut out = Vec::new();
    let mut i = 0usize;
    for (agency, count, units) in AGENCIES {
        let mut head = String::new();
        for n in 0..count {
            i += 1;
            let first = i % 20;
            let sex = if first.is_multiple_of(2) { 1 } else { 2 };
            let birth_year = 1968 + (i * 7) % 30;
            let (month, day) = (1 + i % 12, 1 + (i * 3) % 28);
            let tmt_year = birth_year + 23 + i % 5;
            let tmt_month = 1 + (i * 5) % 12;
            let pppk = n > 0 && i.is_multiple_of(10);
            let nip = if pppk {
                format!("{birth_year:04}{month:02}{day:02}2023{sex}{:05}", i)
            } else {
                format!(
                    "{birth_year:04}{month:02}{day:02}{tmt_year:04}{tmt_month:02}{sex}{:03}",
                    i % 999 + 1
                )
            };
            let position = if n == 0 {
                HEAD
            } else {
                POSITIONS[i % POSITIONS.len()]
            };
            let rank = if pppk {
                ["V", "VII", "IX"][i % 3].to_string()
            } else if n == 0 {
                "III/d".to_string()
            } else {
                ["II/c", "III/a", "III/b", "III/c"][i % 4].to_string()
            };
            let person = Person {
                nip: nip.clone(),
                name: format!("{} {}", FIRST[first], LAST[(i / 20 + i * 3) % 20]),
                agency,
                unit: units[n % units.len()].to_string(),
                position,
                rank,
                kind: if pppk { "pppk" } else { "pns" },
                username: "",
                supervisor: head.clone(),
            };
            if n == 0 {
                head = nip;
            }
            out.push(person);
        }
    }
    // The section head and the ASN of the demo accounts, in Kecamatan Alak.
    out.push(Person {
        nip: SUPERVISOR_NIP.into(),
        name: "Agustinus Seran".into(),
        agency: "kec-alak",
        unit: "Seksi Pelayanan Umum".into(),
        position: HEAD,
        rank: "III/d".into(),
        kind: "pns",
        username: SUPERVISOR_USERNAME,
        supervisor: out.first().map(|p| p.nip.clone()).unwrap_or_default(),
    });
    out.push(Person {
        nip: ASN_NIP.into(),
        name: "Theresia Bano".into(),
        agency: "kec-alak",
        unit: "Seksi Pelayanan Umum".into(),
        position: "Analis Pelayanan",
        rank: "III/b".into(),
        kind: "pns",
        username: "asn.alak",
        supervisor: SUPERVISOR_NIP.into(),
    });
    out
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// A number 0..modulo from two integers (a cheap deterministic mix).
fn mix(a: usize, b: usize, modulo: usize) -> usize {
    (a.wrapping_mul(2_654_435_761) ^ b.wrapping_mul(40_503)).wrapping_add(a + b) % modulo
}

fn day(offset: i64) -> anyhow::Result<jiff::civil::Date> {
    Ok(crate::today_wita().checked_add(jiff::Span::new().days(offset))?)
}

async fn demo_admin(app: &AppState) -> anyhow::Result<CurrentUser> {
    let id = accounts::staff::find_staff_id(app, "admin.bkppd")
        .await
        .map_err(|e| {
            anyhow::anyhow!("the demo BKPPD admin is missing (load the accounts demo first): {e}")
        })?;
    let bkppd = accounts::organisation::find_agency(app, "bkppd")
        .await?
        .context("agency bkppd")?;
    Ok(CurrentUser {
        id,
        display_name: "Stefanus Lay".into(),
        kind: UserKind::Staff,
        lang: Lang::Id,
        grants: vec![RoleGrant {
            role: Role::CompetencyAdmin,
            agency_id: bkppd.id,
            agency_code: bkppd.code,
        }],
    })
}

/// Loads the data set (after the accounts and services demos).
pub async fn load(app: &AppState) -> anyhow::Result<DemoReport> {
    let mut report = DemoReport::default();
    if employees::find_employee(app, ASN_NIP).await?.is_some() {
        return Ok(report);
    }
    let admin = demo_admin(app).await?;
    if accounts::staff::find_staff_id(app, SUPERVISOR_USERNAME)
        .await
        .is_err()
    {
        let input = accounts::staff::StaffInput {
            full_name: "Agustinus Seran".into(),
            username: SUPERVISOR_USERNAME.into(),
            role: Role::Asn.as_str().into(),
            agency_code: "kec-alak".into(),
            ..Default::default()
        };
        accounts::staff::create_staff_with_password(
            app,
            accounts::staff::Actor::Operator,
            &input,
            Some(accounts::demo::DEMO_PASSWORD),
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo supervisor: {e}"))?;
    }
    // Employees, through the import (one transaction).
    let people = people();
    let mut csv = CSV_HEADER.join(",");
    csv.push('\n');
    for p in &people {
        let line = [
            p.nip.as_str(),
            &p.name,
            p.agency,
            &p.unit,
            p.position,
            &p.rank,
            p.kind,
            "",
            "",
            p.username,
            &p.supervisor,
        ]
        .map(csv_cell)
        .join(",");
        csv.push_str(&line);
        csv.push('\n');
    }
    let imported = crate::import::import_csv(app, &admin, csv.as_bytes(), true)
        .await
        .map_err(|e| anyhow::anyhow!("demo employees: {e}"))?;
    anyhow::ensure!(
        imported.committed,
        "demo employees have problems: {:?}",
        imported.problems.first()
    );
    report.employees = imported.new;
    // Technical competencies and the requirements of each position.
    for (code, name, en, levels) in [
        (
            "pengelolaan-arsip",
            "Pengelolaan Arsip Dinamis",
            "Records Management",
            [
                "Memberkaskan arsip aktif",
                "Menata arsip sesuai klasifikasi",
                "Menyusun daftar arsip dan JRA",
                "Menilai dan menyusutkan arsip",
                "Merancang sistem kearsipan instansi",
            ],
        ),
        (
            "literasi-digital",
            "Literasi Digital Pemerintahan",
            "Digital Government Literacy",
            [
                "Menggunakan aplikasi kantor dan layanan daring",
                "Mengelola data dan dokumen elektronik dengan aman",
                "Mengolah data layanan menjadi informasi",
                "Merancang layanan digital unit kerja",
                "Memimpin transformasi digital instansi",
            ],
        ),
    ] {
        let input = CompetencyInput {
            code: code.into(),
            name_id: name.into(),
            name_en: en.into(),
            description_id: format!("Kompetensi teknis: {name}."),
            description_en: format!("Technical competency: {en}."),
            level_1: levels[0].into(),
            level_2: levels[1].into(),
            level_3: levels[2].into(),
            level_4: levels[3].into(),
            level_5: levels[4].into(),
        };
        competencies::create_competency(app, &admin, &input)
            .await
            .map_err(|e| anyhow::anyhow!("demo competency {code}: {e}"))?;
    }
    for (position, list) in REQUIREMENTS {
        for (code, level) in list {
            let input = RequirementInput {
                position: position.into(),
                competency_code: (*code).into(),
                level: level.to_string(),
            };
            competencies::set_requirement(app, &admin, &input)
                .await
                .map_err(|e| anyhow::anyhow!("demo requirement: {e}"))?;
        }
    }
    // Trainings and sessions: two completed in the past year each, one running today, two open.
    let mut past = Vec::new();
    let mut running = String::new();
    for (t, (title, kind, form, jp, addressed)) in TRAININGS.iter().enumerate() {
        let input = TrainingInput {
            title: (*title).into(),
            kind: (*kind).into(),
            form: (*form).into(),
            jp: jp.to_string(),
            organiser_agency_code: "bkppd".into(),
            co_organisers: if t % 2 == 0 {
                "Kecamatan Alak".into()
            } else {
                String::new()
            },
            provider: [
                "Widyaiswara BKPPD Kota Kupang",
                "BPSDM Provinsi NTT",
                "LAN RI (daring)",
            ][t % 3]
                .into(),
            description: String::new(),
            competencies: (*addressed).into(),
        };
        let training = trainings::create_training(app, &admin, &input)
            .await
            .map_err(|e| anyhow::anyhow!("demo training {title}: {e}"))?;
        report.trainings += 1;
        let mut schedule = vec![
            (-300 + 45 * t as i64, 2, false),
            (-150 + 20 * t as i64, 2, false),
        ];
        if t == 0 {
            schedule.push((-1, 1, true));
        }
        if t < 2 {
            schedule.push((14 + 7 * t as i64, 2, true));
        }
        for (start, extra_days, open) in schedule {
            let (starts, ends) = (day(start)?, day(start + extra_days)?);
            let (from, until) = if open {
                (
                    day(start.min(0) - 3)?,
                    ends.min(day(start.max(1) - 1)?.max(day(0)?)),
                )
            } else {
                (day(start - 30)?, day(start - 1)?)
            };
            let input = SessionInput {
                starts_on: starts.to_string(),
                ends_on: ends.to_string(),
                place: if *form == "e_learning" {
                    String::new()
                } else {
                    "Aula BKPPD Kota Kupang".into()
                },
                online_url: if *form == "e_learning" {
                    "https://elearning.kupangkota.go.id/kelas/literasi-digital".into()
                } else {
                    String::new()
                },
                capacity: "60".into(),
                enrol_from: from.to_string(),
                enrol_until: until.to_string(),
                min_attendance_pct: "80".into(),
                post_test_min: if t % 2 == 0 {
                    "70".into()
                } else {
                    String::new()
                },
            };
            let session = trainings::create_session(app, &admin, &training, &input)
                .await
                .map_err(|e| anyhow::anyhow!("demo session of {title}: {e}"))?;
            report.sessions += 1;
            if !open {
                past.push((session, *jp, starts, ends, t));
            } else if start == -1 {
                running = session;
            }
        }
    }
    // Assessments, past enrolments with attendance and results, and the JP they earned: written
    // directly in one transaction (the domain functions above checked the shapes).
    let rows = sqlx::query("SELECT id, nip, position FROM employees ORDER BY nip")
        .fetch_all(&app.db.read)
        .await?;
    let mut staff = Vec::new();
    for row in &rows {
        staff.push((
            row.try_get::<String, _>("id")?,
            row.try_get::<String, _>("nip")?,
            row.try_get::<String, _>("position")?,
        ));
    }
    let competency_ids: std::collections::HashMap<String, String> =
        sqlx::query("SELECT code, id FROM competencies")
            .fetch_all(&app.db.read)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("code")?, r.try_get("id")?)))
            .collect::<Result<_, sqlx::Error>>()?;
    let now = clock::now_ms();
    let mut tx = app.db.begin().await?;
    for (index, (employee, nip, position)) in staff.iter().enumerate() {
        let Some((_, list)) = REQUIREMENTS.iter().find(|(p, _)| p == position) else {
            continue;
        };
        for (c, (code, _)) in list.iter().enumerate() {
            let Some(competency) = competency_ids.get(*code) else {
                continue;
            };
            let level = 1 + mix(index, c, 4) as i64;
            let method = ["supervisor", "assessment_centre", "self_assessment"][mix(c, index, 3)];
            sqlx::query(
                "INSERT INTO assessments (id, employee_id, competency_id, level, assessed_on, method, evidence, assessor_id, is_current, created_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)",
            )
            .bind(ids::new_id())
            .bind(employee)
            .bind(competency)
            .bind(level)
            .bind(day(-200 + (index % 150) as i64)?.to_string())
            .bind(method)
            .bind(format!("Penilaian kompetensi 2026 (data demo) NIP {}", &nip[..8]))
            .bind(&admin.id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    for (s, (session, jp, starts, ends, t)) in past.iter().enumerate() {
        let days: Vec<String> = {
            let mut list = Vec::new();
            let mut d = *starts;
            while d <= *ends {
                list.push(d.to_string());
                d = d.tomorrow()?;
            }
            list
        };
        let mut seats = 0;
        for (index, (employee, _, position)) in staff.iter().enumerate() {
            let chosen = (index + s * 17) % 10 == 0 || (*t == 4 && position == HEAD);
            if !chosen || seats >= 60 {
                continue;
            }
            seats += 1;
            let passed = mix(index, s, 11) != 0;
            let enrolment = ids::new_id();
            sqlx::query(
                "INSERT INTO enrolments (id, session_id, employee_id, status, route, requested_by, requested_ms, decided_by, decided_ms, post_test_score) \
                 VALUES ($1, $2, $3, $4, 'nomination', $5, $6, $5, $6, $7)",
            )
            .bind(&enrolment)
            .bind(session)
            .bind(employee)
            .bind(if passed { "completed" } else { "not_completed" })
            .bind(&admin.id)
            .bind(now)
            .bind((t % 2 == 0).then_some(if passed { 75 + mix(index, s, 25) as i64 } else { 55 }))
            .execute(&mut *tx)
            .await?;
            let attended = if passed { days.len() } else { 1 };
            for d in days.iter().take(attended) {
                sqlx::query(
                    "INSERT INTO attendance (session_id, employee_id, day, method, recorded_by, recorded_ms) VALUES ($1, $2, $3, 'register', $4, $5)",
                )
                .bind(session)
                .bind(employee)
                .bind(d)
                .bind(&admin.id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            if passed {
                sqlx::query(
                    "INSERT INTO jp_entries (id, employee_id, year, jp, source, enrolment_id, title, status, decided_by, decided_ms, created_ms) \
                     VALUES ($1, $2, $3, $4, 'training', $5, $6, 'approved', $7, $8, $8)",
                )
                .bind(ids::new_id())
                .bind(employee)
                .bind(i64::from(ends.year()))
                .bind(jp)
                .bind(&enrolment)
                .bind(TRAININGS[*t].0)
                .bind(&admin.id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                report.jp_entries += 1;
            }
        }
        sqlx::query(
            "UPDATE training_sessions SET seats_taken = $2, completed_ms = $3 WHERE id = $1",
        )
        .bind(session)
        .bind(seats)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    // The session running today: ten participants, yesterday's attendance recorded.
    let yesterday = day(-1)?.to_string();
    let mut seats = 0;
    for (index, (employee, nip, _)) in staff.iter().enumerate() {
        if index % 29 != 3 || nip == ASN_NIP || seats >= 10 {
            continue;
        }
        seats += 1;
        sqlx::query(
            "INSERT INTO enrolments (id, session_id, employee_id, status, route, requested_by, requested_ms, decided_by, decided_ms) \
             VALUES ($1, $2, $3, 'enrolled', 'nomination', $4, $5, $4, $5)",
        )
        .bind(ids::new_id())
        .bind(&running)
        .bind(employee)
        .bind(&admin.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO attendance (session_id, employee_id, day, method, recorded_by, recorded_ms) VALUES ($1, $2, $3, 'register', $4, $5)",
        )
        .bind(&running)
        .bind(employee)
        .bind(&yesterday)
        .bind(&admin.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE training_sessions SET seats_taken = $2 WHERE id = $1")
        .bind(&running)
        .bind(seats)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&admin.id),
            action: "demo.capacity_loaded",
            subject: "capacity",
            detail: serde_json::json!({ "employees": report.employees, "sessions": report.sessions }),
        },
    )
    .await?;
    // The assessments above were written directly: the gap totals are recomputed from them.
    crate::gap_totals::rebuild(&mut tx).await?;
    // So were the JP entries: the compliance totals too.
    crate::jp_totals::rebuild(&mut tx).await?;
    tx.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_person_has_a_valid_number_rank_and_a_unique_nip() {
        let people = people();
        assert!(people.len() >= 300);
        let mut nips = std::collections::HashSet::new();
        for p in &people {
            let kind = crate::nip::EmploymentType::parse(p.kind).expect("kind");
            assert!(
                crate::nip::parse_employee_number(&p.nip, kind).is_ok(),
                "{}",
                p.nip
            );
            assert!(
                crate::nip::parse_rank(&p.rank, kind).is_some(),
                "{}",
                p.rank
            );
            assert!(nips.insert(p.nip.clone()), "duplicate {}", p.nip);
        }
        assert!(people.iter().filter(|p| p.kind == "pppk").count() >= 20);
    }
}
