//! Demo complaints in Alak: a blocked drain in Namosain (waiting past the 3-working-day
//! verification deadline), a slow letter service (answered and closed), piled-up rubbish in
//! Fatufeto (anonymous, accepted), a leaking water pipe in Manulai II; and one Open311 key for
//! trying the partner interface, documented in the README as demo-only. Idempotent: a complaint
//! whose text is already on record is not filed again. Needs the accounts and services demo.

use platform::{
    AppState,
    auth::{CurrentUser, Role, RoleGrant, UserKind},
    web::i18n::Lang,
};

use crate::{
    filing::{self, Channel311, ComplaintInput, Extras},
    model::Action,
    office, store,
};

/// The Open311 key of the demo data set: for trying the interface, never for production.
pub const DEMO_OPEN311_KEY: &str = "demo-open311-alak-2026";

struct DemoComplaint {
    /// NIK of the demo citizen who files it; empty for an anonymous complaint.
    citizen: &'static str,
    category: &'static str,
    service: &'static str,
    description: &'static str,
    location: Option<(&'static str, &'static str)>,
    address: &'static str,
    kelurahan: &'static str,
    contact_phone: &'static str,
    /// Days ago it was filed (to show the verification deadline).
    days_ago: i64,
    /// Staff actions taken since, with their note.
    actions: &'static [(Action, &'static str)],
}

const COMPLAINTS: &[DemoComplaint] = &[
    DemoComplaint {
        citizen: "5371014107900001",
        category: "jalan-drainase",
        service: "",
        description: "Got di depan SD Inpres Namosain tersumbat sampah dan lumpur sejak dua minggu. Setiap hujan air meluap ke jalan dan masuk ke halaman rumah warga RT 005.",
        location: Some(("-10.1628", "123.5502")),
        address: "Jl. Pantai Namosain, depan SD Inpres Namosain",
        kelurahan: "kel-namosain",
        contact_phone: "",
        days_ago: 6,
        actions: &[],
    },
    DemoComplaint {
        citizen: "5371011508850002",
        category: "layanan",
        service: "domisili",
        description: "Surat keterangan domisili yang saya ajukan minggu lalu belum selesai padahal standar pelayanannya 2 hari kerja. Mohon penjelasan.",
        location: None,
        address: "",
        kelurahan: "kel-alak",
        contact_phone: "",
        days_ago: 4,
        actions: &[
            (Action::Accept, ""),
            (
                Action::Respond,
                "Mohon maaf atas keterlambatan. Berkas Bapak tertunda karena penandatangan sedang dinas luar; surat sudah ditandatangani dan dapat diunduh di Sigap. Ke depan kami menunjuk penandatangan pengganti.",
            ),
            (Action::Close, ""),
        ],
    },
    DemoComplaint {
        citizen: "",
        category: "kebersihan",
        service: "",
        description: "Sampah menumpuk di lahan kosong dekat pasar Fatufeto dan mulai dibakar warga pada malam hari, asapnya masuk ke rumah.",
        location: Some(("-10.1685", "123.5741")),
        address: "Lahan kosong dekat Pasar Fatufeto",
        kelurahan: "kel-fatufeto",
        contact_phone: "081234569900",
        days_ago: 1,
        actions: &[(Action::Accept, "")],
    },
    DemoComplaint {
        citizen: "",
        category: "air-bersih",
        service: "",
        description: "Pipa air bersih bocor di pinggir jalan menuju Manulai II, air terbuang sejak tiga hari dan warga di ujung jalur tidak kebagian air.",
        location: Some(("-10.2098", "123.5467")),
        address: "Jalan masuk Kelurahan Manulai II",
        kelurahan: "kel-manulai-2",
        contact_phone: "",
        days_ago: 0,
        actions: &[],
    },
];

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// What one run added: (complaints, keys).
pub async fn load(app: &AppState) -> anyhow::Result<(usize, usize)> {
    let keys_added = usize::from(
        crate::keys::ensure_fixed_key(app, "Demo partner app (demo only)", DEMO_OPEN311_KEY)
            .await
            .map_err(|e| anyhow::anyhow!("demo Open311 key: {e}"))?,
    );
    let staff = service_admin(app).await?;
    let mut added = 0;
    for demo in COMPLAINTS {
        if store::description_exists(&app.db, demo.description).await? {
            continue;
        }
        let citizen = if demo.citizen.is_empty() {
            None
        } else {
            Some(citizen(app, demo.citizen).await?)
        };
        let (lat, long) = demo.location.unwrap_or_default();
        let input = ComplaintInput {
            category: demo.category.into(),
            service: demo.service.into(),
            description: demo.description.into(),
            lat: lat.into(),
            long: long.into(),
            address: demo.address.into(),
            kelurahan: demo.kelurahan.into(),
            contact_phone: demo.contact_phone.into(),
            ..Default::default()
        };
        let filed = filing::file(
            app,
            citizen.as_ref(),
            &input,
            None,
            Channel311::Web,
            Extras::default(),
            Lang::Id,
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo complaint: {e}"))?;
        if demo.days_ago > 0 {
            store::backdate(&app.db, &filed.number, demo.days_ago * DAY_MS).await?;
        }
        for (action, note) in demo.actions {
            office::act(app, &staff, &filed.number, *action, note, "")
                .await
                .map_err(|e| anyhow::anyhow!("demo complaint action: {e}"))?;
        }
        added += 1;
    }
    Ok((added, keys_added))
}

/// The demo service admin of Kecamatan Alak, as the office pages would see them.
async fn service_admin(app: &AppState) -> anyhow::Result<CurrentUser> {
    let id = accounts::staff::find_staff_id(app, "admin.layanan")
        .await
        .map_err(|e| anyhow::anyhow!("demo staff admin.layanan: {e}"))?;
    let agency = accounts::organisation::find_agency(app, "kec-alak")
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo agency kec-alak is missing"))?;
    Ok(CurrentUser {
        id,
        display_name: "Oktovianus Tefa".into(),
        kind: UserKind::Staff,
        lang: Lang::Id,
        grants: vec![RoleGrant {
            role: Role::ServiceAdmin,
            agency_id: agency.id,
            agency_code: agency.code,
        }],
    })
}

/// A demo citizen, signed in with the demo password.
async fn citizen(app: &AppState, nik: &str) -> anyhow::Result<CurrentUser> {
    let user = accounts::signin::authenticate(app, nik, accounts::demo::DEMO_PASSWORD, "demo")
        .await
        .map_err(|e| anyhow::anyhow!("demo citizen: {e}"))?;
    Ok(CurrentUser {
        id: user.id,
        display_name: user.full_name,
        kind: UserKind::Citizen,
        lang: Lang::parse(&user.lang).unwrap_or_default(),
        grants: Vec::new(),
    })
}
