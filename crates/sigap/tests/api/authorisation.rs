//! Every route (web and API), walked as an anonymous visitor, a citizen, another citizen, and
//! every staff role of the owning agency (Kecamatan Alak) and of another one (Dinas Kesehatan):
//! exactly the people listed get past the door; everyone else gets 401/403/404 or is sent to
//! sign in (never a page, never a change, never a validation message that would show the
//! request reached the domain). The routes are read from the source (see `routes`): a route
//! without a door, or a door that matches no route, fails the test.

mod routes;

use std::collections::{BTreeMap, BTreeSet};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    applications::{YULIANA, submitted_sktm},
    support::{Browser, DEMO_PASSWORD, TestApp, on_both, pdf, png},
};

const ROLES: [&str; 10] = [
    "front_office",
    "verifier",
    "technical_reviewer",
    "signer",
    "service_admin",
    "asn",
    "competency_admin",
    "communications",
    "leader",
    "superadmin",
];

/// The other demo citizen: "another citizen" to Yuliana's applications, documents and tickets.
const YOHANES: &str = "5371011508850002";

/// Who knocks: `role@agency`, `citizen` (Yuliana, who owns the citizen's things walked here),
/// `other-citizen` (Yohanes) or `anonymous`.
struct Visitor {
    name: String,
    web: Browser,
    token: Option<String>,
}

async fn signed_in_visitor(app: &TestApp, name: &str, login: &str, password: &str) -> Visitor {
    let web = app.browser();
    web.login_ok(login, password).await;
    let mut api = app.api();
    api.sign_in(login, password).await;
    Visitor {
        name: name.into(),
        web,
        token: api.token,
    }
}

/// Everyone, the owner (Yuliana) last: a door that the owner may pass and that changes
/// something (removing a document) is then knocked by everyone else while the thing exists.
async fn visitors(app: &TestApp) -> Vec<Visitor> {
    let mut all = vec![
        Visitor {
            name: "anonymous".into(),
            web: app.browser(),
            token: None,
        },
        signed_in_visitor(app, "other-citizen", YOHANES, DEMO_PASSWORD).await,
    ];
    for agency in ["kec-alak", "dinkes"] {
        for role in ROLES {
            let username = format!("{}.{}", role.replace('_', "-"), agency);
            let password = app
                .create_staff(
                    &format!("Staf {}", role.replace('_', " ")),
                    &username,
                    role,
                    agency,
                )
                .await;
            all.push(
                signed_in_visitor(app, &format!("{role}@{agency}"), &username, &password).await,
            );
        }
    }
    all.push(signed_in_visitor(app, "citizen", YULIANA, DEMO_PASSWORD).await);
    all
}

fn visitor<'a>(people: &'a [Visitor], name: &str) -> &'a Visitor {
    people
        .iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("no visitor {name}"))
}

/// A door: how to knock, and who may pass.
struct Door {
    method: Method,
    path: String,
    /// Form fields (web) or JSON (API) that pass authorisation but fail validation or state
    /// checks for those allowed, so walking the door changes nothing.
    form: Vec<(&'static str, String)>,
    json: Option<Value>,
    /// Sent as a multipart form (with no file), like the pages that take an attachment.
    multipart: bool,
    /// A raw body (API uploads).
    body: Option<Vec<u8>>,
    /// A redirect here also counts as a refusal (besides the sign-in page).
    refused_at: Option<&'static str>,
    /// SQL run before every knock: puts back what an admitted knock removed (a holiday, an
    /// Open311 key), so that every admitted visitor finds it.
    reset: Option<String>,
    allowed: BTreeSet<String>,
}

fn door(method: Method, path: &str, allowed: &BTreeSet<String>) -> Door {
    Door {
        method,
        path: path.to_string(),
        form: Vec::new(),
        json: None,
        multipart: false,
        body: None,
        refused_at: None,
        reset: None,
        allowed: allowed.clone(),
    }
}

fn get(path: &str, allowed: &BTreeSet<String>) -> Door {
    door(Method::GET, path, allowed)
}

fn post(path: &str, allowed: &BTreeSet<String>) -> Door {
    door(Method::POST, path, allowed)
}

impl Door {
    fn form(mut self, fields: &[(&'static str, &str)]) -> Door {
        self.form = fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
        self
    }
    fn json(mut self, body: Value) -> Door {
        self.json = Some(body);
        self
    }
    fn multipart(mut self) -> Door {
        self.multipart = true;
        self
    }
    fn body(mut self, bytes: Vec<u8>) -> Door {
        self.body = Some(bytes);
        self
    }
    fn reset(mut self, sql: &str) -> Door {
        self.reset = Some(sql.to_string());
        self
    }
    fn refused_at(mut self, path: &'static str) -> Door {
        self.refused_at = Some(path);
        self
    }
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn any_agency(roles: &[&str]) -> BTreeSet<String> {
    roles
        .iter()
        .flat_map(|r| [format!("{r}@kec-alak"), format!("{r}@dinkes")])
        .collect()
}

/// `roles` in the owning agency (Kecamatan Alak) only.
fn alak(roles: &[&str]) -> BTreeSet<String> {
    roles.iter().map(|r| format!("{r}@kec-alak")).collect()
}

fn union(sets: &[&BTreeSet<String>]) -> BTreeSet<String> {
    sets.iter().flat_map(|s| s.iter().cloned()).collect()
}

fn is_refusal(status: StatusCode) -> bool {
    matches!(status.as_u16(), 401 | 403 | 404) || (status == StatusCode::SEE_OTHER)
}

async fn knock(app: &TestApp, visitor: &Visitor, door: &Door) -> (StatusCode, Option<String>) {
    let form: Vec<(&str, &str)> = door.form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = if door.path.starts_with("/api/") {
        let mut request = app
            .api()
            .client
            .request(door.method.clone(), format!("{}{}", app.base, door.path));
        if let Some(token) = &visitor.token {
            request = request.bearer_auth(token);
        }
        if let Some(json) = &door.json {
            request = request.json(json);
        }
        if let Some(body) = &door.body {
            request = request.body(body.clone());
        }
        request.send().await.expect("send")
    } else if door.multipart {
        visitor
            .web
            .upload_with(&door.path, &form, "", Vec::new())
            .await
    } else if door.method == Method::GET {
        visitor.web.get(&door.path).await
    } else {
        visitor.web.post(&door.path, &form).await
    };
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_string);
    (response.status(), location)
}

/// One text column of the first row `query` returns.
async fn text(app: &TestApp, query: &str) -> String {
    use sqlx::Row as _;
    sqlx::query(query)
        .fetch_one(&app.state.db.read)
        .await
        .unwrap_or_else(|e| panic!("{query}: {e}"))
        .get::<String, _>(0)
}

/// An API call as `visitor`; the status and the JSON answer (null when there is none).
async fn call(
    app: &TestApp,
    visitor: &Visitor,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = app
        .api()
        .client
        .request(method, format!("{}{path}", app.base));
    if let Some(token) = &visitor.token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("send");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A multipart form with `file` under the field `file_field`, CSRF token first.
async fn upload(
    web: &Browser,
    path: &str,
    fields: &[(&str, &str)],
    file_field: &str,
    file: (&str, Vec<u8>),
) -> reqwest::Response {
    if web.cookie("sigap_csrf").is_none() {
        web.get("/").await;
    }
    let token = web.cookie("sigap_csrf").expect("a CSRF cookie");
    let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    let form = form.part(
        file_field.to_string(),
        reqwest::multipart::Part::bytes(file.1).file_name(file.0.to_string()),
    );
    web.client
        .post(web.url(path))
        .multipart(form)
        .send()
        .await
        .expect("upload reaches the server")
}

/// Tables whose rows are counted before and after the walk: walking changes none of them,
/// except as `expected_changes` says. Left out: sessions, sign-in failures, the audit log, the
/// outbox and notifications, job runs, statistics and read counters, which reads and refusals
/// may write, and personal calendar links, which the walk renews.
const WATCHED: &[&str] = &[
    "agencies",
    "announcement_audiences",
    "announcement_cap_messages",
    "announcement_subscriptions",
    "announcement_versions",
    "announcements",
    "application_documents",
    "application_events",
    "application_revision_notes",
    "applications",
    "article_comments",
    "article_shares",
    "article_tags",
    "article_versions",
    "articles",
    "assessments",
    "attendance",
    "certificates",
    "competencies",
    "competency_levels",
    "complaint_categories",
    "complaint_events",
    "complaints",
    "dashboard_commentaries",
    "employee_imports",
    "employees",
    "enrolments",
    "evaluations",
    "event_invited_agencies",
    "event_materials",
    "event_organisers",
    "event_registrations",
    "events",
    "holidays",
    "issued_documents",
    "jp_entries",
    "locker_documents",
    "open311_keys",
    "password_resets",
    "position_requirements",
    "queue_appointments",
    "queue_calls",
    "queue_counter_groups",
    "queue_counters",
    "queue_groups",
    "queue_hours",
    "queue_offices",
    "queue_slot_seats",
    "queue_ticket_numbers",
    "queue_tickets",
    "recommendation_requests",
    "role_grants",
    "service_forms",
    "service_requirements",
    "service_steps",
    "services",
    "skm_responses",
    "training_competencies",
    "training_sessions",
    "trainings",
    "users",
];

async fn row_counts(app: &TestApp) -> BTreeMap<&'static str, i64> {
    let mut counts = BTreeMap::new();
    for &table in WATCHED {
        counts.insert(
            table,
            app.count(&format!("SELECT COUNT(*) FROM {table}")).await,
        );
    }
    counts
}

/// The things walked: owned by Yuliana (the citizen) or by Kecamatan Alak, so that Yohanes is
/// "another citizen" and Dinas Kesehatan's staff are "another agency".
struct Things {
    /// Yuliana's SKTM application, submitted and claimed by Kecamatan Alak's verifier.
    claimed: String,
    /// Her open draft (Yohanes has one too, so starting again changes nothing for either).
    draft: String,
    /// Her SKTM application, approved and issued, and its issued document.
    issued: String,
    document: String,
    /// Her application routed to Dinas Kesehatan, answered with an attachment.
    routed: String,
    recommendation: String,
    /// Her application routed to Dinas Kesehatan, not answered yet.
    asked: String,
    /// Documents in her locker: one kept, two that the walk removes (web and API).
    locker: String,
    doomed_web: String,
    doomed_api: String,
    /// Her complaint, with a photo.
    complaint: String,
    /// Her queue appointment (cancelled, so cancelling or moving it again is refused).
    appointment: String,
    /// A walk-in ticket at Kantor Camat Alak.
    ticket: String,
    /// A staff account the walk may change (its password is reset by those admitted).
    target: String,
}

async fn yuliana_things(app: &TestApp, people: &[Visitor]) -> Things {
    let citizen = visitor(people, "citizen");
    let other = visitor(people, "other-citizen");
    let (claimed, _) = submitted_sktm(app, &citizen.web).await;
    let verifier = visitor(people, "verifier@kec-alak");
    let office_action = async |id: &str, who: &Visitor, action: &str| {
        let response = who
            .web
            .post(
                &format!("/office/applications/{id}/actions"),
                &[("action", action)],
            )
            .await;
        assert_eq!(response.status(), 303, "{action} {id}");
    };
    office_action(&claimed, verifier, "claim").await;
    let (issued, _) = submitted_sktm(app, &citizen.web).await;
    office_action(&issued, verifier, "claim").await;
    office_action(&issued, verifier, "verify").await;
    office_action(&issued, visitor(people, "signer@kec-alak"), "approve").await;
    let document = text(
        app,
        &format!("SELECT id FROM issued_documents WHERE application_id = '{issued}'"),
    )
    .await;
    let route = async |id: &str| {
        office_action(id, verifier, "claim").await;
        let asked = verifier
            .web
            .post(
                &format!("/office/applications/{id}/route"),
                &[
                    ("agency_code", "dinkes"),
                    (
                        "question",
                        "Apakah pemohon terdaftar sebagai peserta JKN PBI?",
                    ),
                    ("days", "3"),
                ],
            )
            .await;
        assert_eq!(asked.status(), 303, "routed to Dinas Kesehatan");
    };
    let (routed, _) = submitted_sktm(app, &citizen.web).await;
    route(&routed).await;
    let (asked, _) = submitted_sktm(app, &citizen.web).await;
    route(&asked).await;
    use base64::Engine as _;
    let (answered, body) = call(
        app,
        visitor(people, "technical_reviewer@dinkes"),
        Method::POST,
        &format!("/api/v1/office/applications/{routed}/recommendation"),
        Some(json!({
            "verdict": "recommended",
            "answer": "Terdaftar sebagai peserta PBI sejak 2024.",
            "attachment_name": "surat.pdf",
            "attachment_base64": base64::engine::general_purpose::STANDARD.encode(pdf()),
        })),
    )
    .await;
    assert!(
        answered.is_success(),
        "the recommendation: {answered} {body}"
    );
    let recommendation = text(
        app,
        &format!("SELECT id FROM recommendation_requests WHERE application_id = '{routed}'"),
    )
    .await;
    // The drafts: both citizens have one open, so "apply" resumes it.
    for who in [citizen, other] {
        let started = who.web.post("/services/sktm/apply", &[]).await;
        assert_eq!(started.status(), 303);
    }
    let draft = text(
        app,
        &format!(
            "SELECT a.id FROM applications a JOIN users u ON u.id = a.applicant_id \
             WHERE u.nik = '{YULIANA}' AND a.status = 'draft'"
        ),
    )
    .await;
    let mut locker = Vec::new();
    for label in ["KTP", "Kartu Keluarga", "Surat lama", "Surat usang"] {
        let added = upload(
            &citizen.web,
            "/documents",
            &[("label", label)],
            "file",
            // Each its own file: the locker keeps one copy of the same file.
            (
                "berkas.pdf",
                [pdf(), format!("% {label}\n").into_bytes()].concat(),
            ),
        )
        .await;
        assert_eq!(added.status(), 303, "locker {label}");
        locker.push(
            text(
                app,
                &format!("SELECT id FROM locker_documents WHERE label = '{label}'"),
            )
            .await,
        );
    }
    let filed = upload(
        &citizen.web,
        "/complaints/new",
        &[
            ("category", "kebersihan"),
            (
                "description",
                "Sampah menumpuk di depan pasar sejak seminggu.",
            ),
        ],
        "photo",
        ("foto.png", png()),
    )
    .await;
    assert_eq!(filed.status(), 200, "the complaint is filed");
    let complaint = text(
        app,
        "SELECT c.number FROM complaints c JOIN users u ON u.id = c.complainant_id \
         WHERE u.nik = '5371014107900001' AND c.photo_sha256 IS NOT NULL",
    )
    .await;
    // An appointment on the first day with a free 09:00 seat, then cancelled.
    let mut appointment = None;
    let mut day = services::calendar::wita_date(platform::clock::now_ms());
    for _ in 0..30 {
        day = day.tomorrow().expect("a date");
        let (booked, body) = call(
            app,
            citizen,
            Method::POST,
            "/api/v1/queue/offices/kantor-camat-alak/appointments",
            Some(json!({"group": "A", "day": day.to_string(), "slot": "09:00"})),
        )
        .await;
        if booked == StatusCode::CREATED {
            appointment = body["id"].as_str().map(str::to_string);
            break;
        }
    }
    let appointment = appointment.expect("a bookable day within 30 days");
    let (cancelled, _) = call(
        app,
        citizen,
        Method::DELETE,
        &format!("/api/v1/queue/appointments/{appointment}"),
        None,
    )
    .await;
    assert_eq!(cancelled, StatusCode::NO_CONTENT);
    let ticket = {
        // The office may be closed now: the ticket is written straight into the table.
        app.sql(
            "INSERT INTO queue_tickets (id, office_id, group_id, day, seq, number, status, issued_ms) \
             SELECT 'walked-ticket', o.id, g.id, '2026-01-05', 901, 'A-901', 'waiting', 1000 \
             FROM queue_offices o JOIN queue_groups g ON g.office_id = o.id \
             WHERE o.code = 'kantor-camat-alak' AND g.letter = 'A'",
        )
        .await;
        "walked-ticket".to_string()
    };
    let _ = app
        .create_staff("Staf Sasaran", "walk.target", "asn", "kec-alak")
        .await;
    let target = text(app, "SELECT id FROM users WHERE username = 'walk.target'").await;
    let mut locker = locker.into_iter();
    Things {
        claimed,
        draft,
        issued,
        document,
        routed,
        recommendation,
        asked,
        locker: locker.next().expect("KTP"),
        doomed_web: {
            let _ = locker.next();
            locker.next().expect("old")
        },
        doomed_api: locker.next().expect("stale"),
        complaint,
        appointment,
        ticket,
        target,
    }
}

#[tokio::test]
async fn every_route_admits_exactly_the_people_the_table_names() {
    on_both(async |app| {
        app.load_demo().await;
        capacity::demo::load(&app.state).await.expect("capacity demo loads");
        collaboration::demo::load(&app.state).await.expect("collaboration demo loads");
        let people = visitors(app).await;
        let things = yuliana_things(app, &people).await;
        let everyone: BTreeSet<String> = people.iter().map(|v| v.name.clone()).collect();
        let signed_in: BTreeSet<String> = everyone
            .iter()
            .filter(|n| *n != "anonymous")
            .cloned()
            .collect();
        let owner = set(&["citizen"]);
        let citizens = set(&["citizen", "other-citizen"]);
        let all_staff = any_agency(&ROLES);
        let superadmins = any_agency(&["superadmin"]);
        let nobody = set(&[]);
        let mut doors = Vec::new();

        // ---------- accounts: public pages, the signed-in person, superadmin pages ----------
        let target = &things.target;
        doors.extend([
            get("/", &everyone),
            post("/lang", &everyone).form(&[("lang", "id"), ("next", "/")]),
            get("/register", &everyone),
            // Empty forms: field errors (422) for those admitted, nothing written.
            post("/register", &everyone),
            get("/login", &everyone),
            post("/login", &everyone),
            get("/password/forgot", &everyone),
            post("/password/forgot", &everyone),
            get("/password/reset", &everyone),
            post("/password/reset", &everyone),
            get("/account", &signed_in),
            get("/notifications", &signed_in),
            post("/notifications/read", &signed_in),
            get("/admin/users", &superadmins),
            get("/admin/users/new", &superadmins),
            post("/admin/users/new", &superadmins),
            get(&format!("/admin/users/{target}"), &superadmins),
            post(&format!("/admin/users/{target}/roles"), &superadmins)
                .form(&[("role", "x"), ("agency_code", "kec-alak")]),
            post(&format!("/admin/users/{target}/roles/revoke"), &superadmins)
                .form(&[("role", "x"), ("agency_code", "kec-alak")]),
            // The walk's own staff account: those admitted do reset its password.
            post(&format!("/admin/users/{target}/password"), &superadmins),
            // Enabling an enabled account changes nothing.
            post(&format!("/admin/users/{target}/status"), &superadmins)
                .form(&[("disabled", "0")]),
            get("/admin/agencies", &superadmins),
            post("/admin/agencies", &superadmins),
            get("/admin/audit", &superadmins),
            door(Method::POST, "/api/v1/auth/token", &everyone).json(json!({})),
            get("/api/v1/me", &signed_in),
            post("/api/v1/citizens", &everyone).json(json!({})),
            post("/api/v1/password-resets", &everyone).json(json!({})),
            post("/api/v1/password-resets/confirm", &everyone).json(json!({})),
            get("/api/v1/agencies", &everyone),
            post("/api/v1/agencies", &superadmins).json(json!({})),
            get("/api/v1/notifications", &signed_in),
            post("/api/v1/staff", &superadmins).json(json!({})),
            post(&format!("/api/v1/staff/{target}/roles"), &superadmins)
                .json(json!({"role": "x", "agency_code": "kec-alak"})),
            door(
                Method::DELETE,
                &format!("/api/v1/staff/{target}/roles/x/kec-alak"),
                &superadmins,
            ),
            get("/api/v1/audit/verify", &superadmins),
        ]);

        // ---------- services: the catalogue, forms, holidays ----------
        let service_admins = any_agency(&["service_admin", "superadmin"]);
        let own_service_admins = union(&[&alak(&["service_admin"]), &superadmins]);
        // A holiday that those admitted remove, put back before every knock.
        let holiday = "INSERT INTO holidays (day, name_id, name_en, kind, created_ms) \
                       VALUES ('2027-01-04', 'Cuti bersama (uji)', 'Collective leave (test)', \
                       'collective_leave', 1000) ON CONFLICT (day) DO NOTHING";
        app.sql(holiday).await;
        doors.extend([
            get("/services", &everyone),
            get("/services/sktm", &everyone),
            get("/services/sktm/maklumat", &everyone),
            get("/admin/services", &service_admins),
            get("/admin/services/new", &service_admins),
            post("/admin/services/new", &service_admins),
            get("/admin/services/sktm/edit", &own_service_admins),
            // A stale version: those admitted are told someone changed it (409).
            post("/admin/services/sktm/edit", &own_service_admins).form(&[("version", "0")]),
            get("/admin/services/sktm/form", &own_service_admins),
            post("/admin/services/sktm/form", &own_service_admins)
                .form(&[("base_version", "0")]),
            post("/admin/services/sktm/form/remove", &own_service_admins)
                .form(&[("base_version", "0"), ("key", "used_for")]),
            post("/admin/services/sktm/form/move-up", &own_service_admins)
                .form(&[("base_version", "0"), ("key", "used_for")]),
            get("/admin/holidays", &service_admins),
            post("/admin/holidays", &service_admins),
            post("/admin/holidays/2027-01-04/delete", &service_admins).reset(holiday),
            get("/admin/skm", &union(&[&service_admins, &any_agency(&["leader"])])),
            get("/api/v1/services", &everyone),
            post("/api/v1/services", &service_admins).json(json!({})),
            get("/api/v1/services/sktm", &everyone),
            door(Method::PUT, "/api/v1/services/sktm", &own_service_admins)
                .json(json!({"version": 0})),
            get("/api/v1/services/sktm/form", &everyone),
            door(Method::PUT, "/api/v1/services/sktm/form", &own_service_admins)
                .json(json!({"base_version": 0, "fields": []})),
            get("/api/v1/services/sktm/form/history", &own_service_admins),
            get("/api/v1/services/sktm/form/versions/1", &everyone),
            get("/api/v1/holidays", &everyone),
            post("/api/v1/holidays", &service_admins).json(json!({})),
            door(Method::DELETE, "/api/v1/holidays/2027-01-04", &service_admins).reset(holiday),
            get(
                "/api/v1/working-days/deadline?from=2026-12-01&days=3",
                &everyone,
            ),
        ]);

        // ---------- applications: the citizen's own, the office's, public checks ----------
        let (claimed, draft, issued) = (&things.claimed, &things.draft, &things.issued);
        let locker = &things.locker;
        doors.extend([
            // Both citizens have a draft open: applying again resumes it.
            post("/services/sktm/apply", &citizens),
            // Lists of one's own: staff see an empty one.
            get("/applications", &signed_in),
            get(&format!("/applications/{claimed}"), &owner),
            get(&format!("/applications/{draft}/details"), &owner),
            // A submitted application is no longer editable (409) for its owner.
            post(&format!("/applications/{claimed}/details"), &owner),
            get(&format!("/applications/{draft}/documents"), &owner),
            get(&format!("/applications/{claimed}/documents/0"), &owner),
            post(&format!("/applications/{claimed}/documents/0"), &owner).multipart(),
            post(
                &format!("/applications/{claimed}/documents/0/from-locker"),
                &owner,
            )
            .form(&[("locker_id", locker)]),
            get(&format!("/applications/{draft}/check"), &owner),
            post(&format!("/applications/{claimed}/submit"), &owner),
            get(&format!("/applications/{issued}/document"), &owner),
            get(&format!("/applications/{issued}/survey"), &owner),
            // An empty survey: field errors for the owner.
            post(&format!("/applications/{issued}/survey"), &owner),
            get("/track", &everyone),
            post("/track", &everyone),
            get("/verify/key", &everyone),
            get(&format!("/verify/{}", things.document), &everyone),
            get("/api/v1/applications", &signed_in),
            post("/api/v1/applications", &citizens).json(json!({"service_code": "sktm"})),
            get(&format!("/api/v1/applications/{claimed}"), &owner),
            door(
                Method::PUT,
                &format!("/api/v1/applications/{claimed}/details"),
                &owner,
            )
            .json(json!({})),
            door(
                Method::PUT,
                &format!("/api/v1/applications/{claimed}/documents/0?file_name=berkas.pdf"),
                &owner,
            )
            .body(pdf()),
            get(&format!("/api/v1/applications/{claimed}/documents/0"), &owner),
            post(
                &format!("/api/v1/applications/{claimed}/documents/0/from-locker"),
                &owner,
            )
            .json(json!({"locker_id": locker})),
            post(&format!("/api/v1/applications/{claimed}/submit"), &owner),
            post(&format!("/api/v1/applications/{issued}/survey"), &owner)
                .json(json!({"answers": []})),
            get(&format!("/api/v1/applications/{issued}/document"), &owner),
            post("/api/v1/track", &everyone).json(json!({})),
            // The locker.
            get("/documents", &citizens),
            post("/documents", &citizens).multipart(),
            get(&format!("/documents/{locker}/file"), &owner),
            // Removed by its owner (who knocks last).
            post(&format!("/documents/{}/remove", things.doomed_web), &owner),
            get("/api/v1/me/documents", &citizens),
            post("/api/v1/me/documents?label=K&file_name=x.pdf", &citizens),
            get(&format!("/api/v1/me/documents/{locker}"), &owner),
            door(
                Method::DELETE,
                &format!("/api/v1/me/documents/{}", things.doomed_api),
                &owner,
            ),
        ]);
        let office = format!("/office/applications/{claimed}");
        let api = format!("/api/v1/office/applications/{claimed}");
        let viewers = alak(&["verifier", "signer"]);
        let office_staff = any_agency(&["verifier", "signer", "technical_reviewer"]);
        let claimer = alak(&["verifier"]);
        let routed = &things.routed;
        let reviewer = set(&["technical_reviewer@dinkes"]);
        doors.extend([
            get("/office", &office_staff),
            get(&office, &viewers),
            get(&format!("{office}/documents/0"), &viewers),
            post(&format!("{office}/actions"), &claimer)
                .form(&[("action", "reject"), ("reason", "")]),
            post(&format!("{office}/route"), &claimer).form(&[
                ("agency_code", "dinkes"),
                ("question", ""),
                ("days", "3"),
            ]),
            // Not routed to anyone: no reviewer may answer.
            post(&format!("{office}/recommendation"), &nobody)
                .form(&[("verdict", ""), ("answer", "")])
                .multipart(),
            // Routed to Dinas Kesehatan: its reviewer may answer (an empty answer is refused).
            post(
                &format!("/office/applications/{}/recommendation", things.asked),
                &reviewer,
            )
            .form(&[("verdict", ""), ("answer", "")])
            .multipart(),
            get(
                &format!(
                    "/office/applications/{routed}/recommendations/{}/attachment",
                    things.recommendation
                ),
                &union(&[&viewers, &reviewer]),
            ),
            // Not issued: nothing to revoke, for anyone.
            post(&format!("{office}/revoke"), &nobody).form(&[("reason", "")]),
            // Issued: its signer may revoke, with a reason (an empty one is refused, 422).
            post(&format!("/office/applications/{issued}/revoke"), &alak(&["signer"]))
                .form(&[("reason", "")]),
            get("/api/v1/office/inbox", &office_staff),
            get(&api, &viewers),
            get(&format!("{api}/documents/0"), &viewers),
            post(&format!("{api}/actions"), &claimer)
                .json(json!({"action": "reject", "reason": ""})),
            post(&format!("{api}/route"), &claimer)
                .json(json!({"agency_code": "dinkes", "question": "", "days": "3"})),
            post(&format!("{api}/recommendation"), &nobody)
                .json(json!({"verdict": "", "answer": ""})),
            post(
                &format!("/api/v1/office/applications/{}/recommendation", things.asked),
                &reviewer,
            )
            .json(json!({"verdict": "", "answer": ""})),
            post(&format!("{api}/revoke"), &nobody).json(json!({"reason": ""})),
            post(&format!("/api/v1/office/applications/{issued}/revoke"), &alak(&["signer"]))
                .json(json!({"reason": ""})),
            get(
                "/api/v1/skm/report",
                &union(&[&service_admins, &any_agency(&["leader"])]),
            ),
        ]);

        // ---------- queue ----------
        let counter_staff = union(&[&alak(&["front_office", "service_admin"]), &superadmins]);
        let queue_readers = union(&[&counter_staff, &any_agency(&["leader"])]);
        let queue = "/queue/kantor-camat-alak";
        let queue_api = "/api/v1/queue/offices/kantor-camat-alak";
        let appointment = &things.appointment;
        let ticket = &things.ticket;
        doors.extend([
            get("/queue", &everyone),
            get("/queue/board.js", &everyone),
            get(&format!("{queue}/board"), &everyone),
            get(&format!("{queue}/events"), &everyone),
            get(&format!("{queue}/book"), &signed_in),
            // An empty booking: field errors for citizens; staff do not book.
            post(&format!("{queue}/book"), &citizens),
            get(&format!("{queue}/kiosk"), &counter_staff),
            post(&format!("{queue}/tickets"), &counter_staff).form(&[("group", "Z")]),
            post(&format!("{queue}/check-in"), &counter_staff).form(&[("code", "")]),
            get(&format!("{queue}/counters/1"), &counter_staff),
            post(&format!("{queue}/counters/1/transfer"), &counter_staff)
                .form(&[("group", "Z")]),
            get(&format!("{queue}/figures"), &queue_readers),
            get(&format!("{queue}/settings"), &own_service_admins),
            post(&format!("{queue}/settings"), &own_service_admins)
                .form(&[("opens_1", "25:00"), ("closes_1", "08:00")]),
            get(&format!("/queue/tickets/{ticket}"), &everyone),
            get("/appointments", &signed_in),
            // Cancelled already: cancelling or moving it again is refused (409) for its owner.
            post(&format!("/appointments/{appointment}/cancel"), &owner),
            post(&format!("/appointments/{appointment}/reschedule"), &owner)
                .form(&[("day", ""), ("slot", "")]),
            get("/api/v1/queue/offices", &everyone),
            get(&format!("{queue_api}/slots?group=A&day=2026-12-10"), &everyone),
            post(&format!("{queue_api}/appointments"), &citizens).json(json!({})),
            get("/api/v1/queue/appointments", &signed_in),
            door(
                Method::PUT,
                &format!("/api/v1/queue/appointments/{appointment}"),
                &owner,
            )
            .json(json!({"day": "", "slot": ""})),
            door(
                Method::DELETE,
                &format!("/api/v1/queue/appointments/{appointment}"),
                &owner,
            ),
            post(&format!("{queue_api}/tickets"), &counter_staff).json(json!({"group": "Z"})),
            post(&format!("{queue_api}/check-in"), &counter_staff).json(json!({"code": ""})),
            get(&format!("/api/v1/queue/tickets/{ticket}"), &everyone),
            post(&format!("{queue_api}/counters/1/recall"), &counter_staff),
            get(&format!("{queue_api}/calls"), &everyone),
            get(&format!("{queue_api}/figures"), &queue_readers),
            door(Method::PUT, &format!("{queue_api}/hours"), &own_service_admins).json(
                json!({"hours": [{"weekday": 1, "opens": "25:00", "closes": "08:00"}]}),
            ),
            door(
                Method::PUT,
                &format!("{queue_api}/counters/1"),
                &own_service_admins,
            )
            .json(json!({"active": true, "groups": ["Z"]})),
        ]);

        // ---------- complaints ----------
        let complaint = &things.complaint;
        let key_admin = visitor(&people, "service_admin@kec-alak");
        let (issued_key, key) = call(
            app,
            key_admin,
            Method::POST,
            "/api/v1/open311-keys",
            Some(json!({"label": "Aplikasi kelurahan (dicabut)"})),
        )
        .await;
        assert_eq!(issued_key, StatusCode::CREATED, "an Open311 key: {key}");
        let key_id = key["id"].as_str().expect("a key id").to_string();
        // Those admitted revoke it; it is made active again before every knock.
        let key_reset = format!("UPDATE open311_keys SET revoked_ms = NULL WHERE id = '{key_id}'");
        // An anonymous complaint, read by anyone with its number and access code.
        let (filed, anonymous) = call(
            app,
            visitor(&people, "anonymous"),
            Method::POST,
            "/api/v1/complaints",
            Some(json!({"category": "kebersihan", "description": "Selokan tersumbat di Jl. Namosain."})),
        )
        .await;
        assert_eq!(filed, StatusCode::CREATED, "{anonymous}");
        let lookup = [
            ("number", anonymous["number"].as_str().expect("a number")),
            ("access_code", anonymous["access_code"].as_str().expect("a code")),
        ];
        // The public (citizens and visitors without an account) complain; staff do not.
        let public = union(&[&citizens, &set(&["anonymous"])]);
        doors.extend([
            get("/complaints", &everyone),
            get("/complaints/new", &public),
            // An empty complaint gets field errors (422).
            post("/complaints/new", &public),
            get("/complaints/lookup", &everyone),
            post("/complaints/lookup", &everyone).form(&lookup),
            get(&format!("/complaints/{complaint}"), &owner).refused_at("/complaints/lookup"),
            get(
                &format!("/complaints/{complaint}/photo"),
                &union(&[&owner, &own_service_admins]),
            ),
            get("/office/complaints", &service_admins),
            get(&format!("/office/complaints/{complaint}"), &own_service_admins),
            // Closing a complaint nobody accepted is refused (409) for those admitted.
            post(&format!("/office/complaints/{complaint}/actions"), &own_service_admins)
                .form(&[("action", "close"), ("note", "")]),
            get("/admin/open311-keys", &service_admins),
            post("/admin/open311-keys", &service_admins).form(&[("label", "")]),
            // Keys belong to the city, not to an agency: any service admin revokes them.
            post(&format!("/admin/open311-keys/{key_id}/revoke"), &service_admins)
                .reset(&key_reset),
            get("/api/v1/complaint-categories", &everyone),
            get("/api/v1/complaints", &signed_in),
            post("/api/v1/complaints", &public).json(json!({})),
            post("/api/v1/complaints/lookup", &everyone)
                .json(json!({"number": lookup[0].1, "access_code": lookup[1].1})),
            get(&format!("/api/v1/complaints/{complaint}"), &owner),
            get("/api/v1/office/complaints", &service_admins),
            get(&format!("/api/v1/office/complaints/{complaint}"), &own_service_admins),
            post(
                &format!("/api/v1/office/complaints/{complaint}/actions"),
                &own_service_admins,
            )
            .json(json!({"action": "close", "note": ""})),
            get("/api/v1/open311-keys", &service_admins),
            post("/api/v1/open311-keys", &service_admins).json(json!({})),
            door(
                Method::DELETE,
                &format!("/api/v1/open311-keys/{key_id}"),
                &service_admins,
            )
            .reset(&key_reset),
            // Open311 GeoReport v2: public reads; filing needs an API key, which nobody sends.
            get("/open311/v2/discovery.json", &everyone),
            get("/open311/v2/services.json", &everyone),
            get("/open311/v2/services.xml", &everyone),
            get("/open311/v2/services/kebersihan.json", &everyone),
            get("/open311/v2/requests.json", &everyone),
            get("/open311/v2/requests.xml", &everyone),
            post("/open311/v2/requests.json", &nobody),
            post("/open311/v2/requests.xml", &nobody),
            get(&format!("/open311/v2/requests/{complaint}.json"), &everyone),
            get("/open311/v2/nothing/here", &nobody),
        ]);

        // ---------- capacity: the BKPPD's competency admins (and superadmins) manage; leaders
        // read; an ASN sees their own record. Kecamatan Alak's ASN visitor is made the user of
        // the demo ASN Theresia Bano, with a completed enrolment, its certificate and an
        // external JP entry awaiting approval; Dinas Kesehatan's ASN is "another ASN". ----------
        let asn = visitor(&people, "asn@kec-alak");
        let nip = capacity::demo::ASN_NIP;
        app.sql(
            "UPDATE employees SET user_id = NULL WHERE user_id = \
             (SELECT id FROM users WHERE username = 'asn.alak')",
        )
        .await;
        app.sql(&format!(
            "UPDATE employees SET user_id = (SELECT id FROM users WHERE username = 'asn.kec-alak') \
             WHERE nip = '{nip}'"
        ))
        .await;
        // Dinas Kesehatan's ASN visitor is the user of one of its demo employees.
        app.sql(
            "UPDATE employees SET user_id = (SELECT id FROM users WHERE username = 'asn.dinkes') \
             WHERE id = (SELECT e.id FROM employees e JOIN agencies a ON a.id = e.agency_id \
             WHERE a.code = 'dinkes' AND e.user_id IS NULL ORDER BY e.id LIMIT 1)",
        )
        .await;
        let session = text(
            app,
            &format!(
                "SELECT s.id FROM training_sessions s WHERE s.completed_ms IS NOT NULL AND NOT EXISTS \
                 (SELECT 1 FROM enrolments e JOIN employees m ON m.id = e.employee_id \
                  WHERE e.session_id = s.id AND m.nip = '{nip}') ORDER BY s.id LIMIT 1"
            ),
        )
        .await;
        let training = text(
            app,
            &format!("SELECT training_id FROM training_sessions WHERE id = '{session}'"),
        )
        .await;
        app.sql(&format!(
            "INSERT INTO enrolments (id, session_id, employee_id, status, route, requested_ms) \
             SELECT 'walked-enrolment', '{session}', id, 'completed', 'nomination', 1000 \
             FROM employees WHERE nip = '{nip}'"
        ))
        .await;
        let enrolment = "walked-enrolment";
        let (issued_certificate, certificate) = call(
            app,
            visitor(&people, "competency_admin@kec-alak"),
            Method::POST,
            &format!("/api/v1/enrolments/{enrolment}/certificate"),
            None,
        )
        .await;
        assert_eq!(issued_certificate, StatusCode::CREATED, "{certificate}");
        let certificate = certificate["id"].as_str().expect("a certificate id").to_string();
        use base64::Engine as _;
        let (submitted_jp, external) = call(
            app,
            asn,
            Method::POST,
            "/api/v1/me/jp",
            Some(json!({
                "title": "Kursus daring pelayanan prima",
                "jp": "4",
                "completed_on": "2026-11-02",
                "proof_name": "bukti.pdf",
                "proof_base64": base64::engine::general_purpose::STANDARD.encode(pdf()),
            })),
        )
        .await;
        assert_eq!(submitted_jp, StatusCode::CREATED, "{external}");
        let external = external["id"].as_str().expect("a JP entry id").to_string();
        // Approved long ago: approving or rejecting it again is refused (409).
        let decided = text(
            app,
            "SELECT id FROM jp_entries WHERE status = 'approved' ORDER BY id LIMIT 1",
        )
        .await;
        app.sql(
            "INSERT INTO employee_imports (id, started_by, commit_rows, file_name, rows_in_file, status, report_json, heartbeat_ms, started_ms) \
             SELECT 'walked-run', id, 0, 'x.csv', 1, 'finished', '{\"rows\":1,\"new\":1,\"updated\":0,\"committed\":false,\"problems\":[]}', 1000, 1000 \
             FROM users WHERE username = 'admin.bkppd'",
        )
        .await;
        let capacity_admins = any_agency(&["competency_admin", "superadmin"]);
        let capacity_readers = union(&[&capacity_admins, &any_agency(&["leader"])]);
        let theresia = set(&["asn@kec-alak"]);
        let hers = union(&[&capacity_admins, &theresia]);
        // Staff without an employee record reach the ASN's own pages and are told so (409)
        // before anything else; citizens are refused.
        let unlinked: BTreeSet<String> = all_staff
            .iter()
            .filter(|n| !n.starts_with("asn@"))
            .cloned()
            .collect();
        let self_service = all_staff.clone();
        let approvers = alak(&["leader"]);
        let employee = format!("/capacity/employees/{nip}");
        let employee_api = format!("/api/v1/employees/{nip}");
        doors.extend([
            get("/capacity/employees", &capacity_readers),
            get("/capacity/employees/new", &capacity_admins),
            post("/capacity/employees/new", &capacity_admins),
            get("/capacity/employees/import", &capacity_admins),
            post("/capacity/employees/import", &capacity_admins).multipart(),
            get("/capacity/employees/import/walked-run", &capacity_admins),
            get(&employee, &capacity_readers),
            get(&format!("{employee}/edit"), &capacity_admins),
            post(&format!("{employee}/edit"), &capacity_admins),
            post(&format!("{employee}/assessments"), &capacity_admins),
            get("/capacity/jp", &capacity_admins),
            get(&format!("/capacity/jp/{external}/proof"), &hers),
            post(&format!("/capacity/jp/{decided}/approve"), &capacity_admins),
            post(&format!("/capacity/jp/{decided}/reject"), &capacity_admins),
            get("/capacity/compliance", &capacity_readers),
            get("/capacity/me", &self_service),
            // No file: field errors for the ASN.
            post("/capacity/me", &self_service).multipart(),
            get("/capacity/needs", &capacity_readers),
            get("/capacity/needs.csv", &capacity_readers),
            get("/capacity/trainings", &all_staff),
            post("/capacity/trainings", &capacity_admins),
            get(&format!("/capacity/trainings/{training}"), &all_staff),
            post(&format!("/capacity/trainings/{training}/sessions"), &capacity_admins),
            get(&format!("/capacity/sessions/{session}"), &all_staff),
            get(&format!("/capacity/sessions/{session}/calendar.ics"), &all_staff),
            // A session of the past: enrolling or nominating is refused (409) for those admitted;
            // competency admins nominate anyone, an agency's leader its own staff.
            post(&format!("/capacity/sessions/{session}/enrol"), &self_service),
            post(
                &format!("/capacity/sessions/{session}/nominate"),
                &union(&[&capacity_admins, &approvers]),
            )
            .form(&[("nip", nip)]),
            // Completed: approving, rejecting or cancelling it is refused (409). The employee's
            // supervisor or agency leader approves; competency admins do not.
            post(&format!("/capacity/enrolments/{enrolment}/approve"), &approvers),
            post(&format!("/capacity/enrolments/{enrolment}/reject"), &approvers),
            post(&format!("/capacity/enrolments/{enrolment}/cancel"), &hers),
            // Requests waiting for the visitor's decision: an empty list for most staff.
            get("/capacity/approvals", &all_staff),
            get(&format!("/capacity/sessions/{session}/checkin"), &all_staff),
            post(&format!("/capacity/sessions/{session}/checkin"), &self_service)
                .form(&[("code", "")]),
            post(&format!("/capacity/sessions/{session}/attendance"), &capacity_admins)
                .form(&[("day", ""), ("present_199107142016032003", "1")]),
            post(&format!("/capacity/sessions/{session}/complete"), &capacity_admins),
            post(&format!("/capacity/enrolments/{enrolment}/post-test"), &capacity_admins)
                .form(&[("score", "")]),
            post(
                &format!("/capacity/enrolments/{enrolment}/evaluation"),
                &union(&[&theresia, &unlinked]),
            ),
            // Issued already: asking again gives the same certificate.
            post(&format!("/capacity/enrolments/{enrolment}/certificate"), &hers),
            get(&format!("/capacity/certificates/{certificate}/pdf"), &hers),
            get(
                &format!("/capacity/certificates/{certificate}/credential.json"),
                &hers,
            ),
            post(&format!("/capacity/certificates/{certificate}/revoke"), &capacity_admins)
                .form(&[("reason", "")]),
            get(&format!("/verify/certificates/{certificate}"), &everyone),
            // The dictionary is read by all staff; requirements by those who read the records.
            get("/capacity/competencies", &all_staff),
            post("/capacity/competencies", &capacity_admins),
            get("/capacity/requirements", &capacity_readers),
            post("/capacity/requirements", &capacity_admins),
            get("/api/v1/employees", &capacity_readers),
            post("/api/v1/employees", &capacity_admins).json(json!({})),
            post("/api/v1/employees/import", &capacity_admins),
            post("/api/v1/employee-imports", &capacity_admins),
            get("/api/v1/employee-imports/walked-run", &capacity_admins),
            get(&employee_api, &capacity_readers),
            door(Method::PUT, &employee_api, &capacity_admins).json(json!({})),
            get(&format!("{employee_api}/assessments"), &capacity_readers),
            post(&format!("{employee_api}/assessments"), &capacity_admins).json(json!({})),
            get(&format!("{employee_api}/gaps"), &capacity_readers),
            get("/api/v1/trainings", &all_staff),
            post("/api/v1/trainings", &capacity_admins).json(json!({})),
            get(&format!("/api/v1/trainings/{training}"), &all_staff),
            post(&format!("/api/v1/trainings/{training}/sessions"), &capacity_admins)
                .json(json!({})),
            get(&format!("/api/v1/sessions/{session}"), &all_staff),
            get(&format!("/api/v1/sessions/{session}/enrolments"), &capacity_readers),
            post(&format!("/api/v1/sessions/{session}/enrolments"), &self_service)
                .json(json!({})),
            get(&format!("/api/v1/sessions/{session}/calendar.ics"), &all_staff),
            post(&format!("/api/v1/sessions/{session}/attendance"), &capacity_admins)
                .json(json!({})),
            post(&format!("/api/v1/sessions/{session}/checkin"), &self_service)
                .json(json!({"code": ""})),
            post(&format!("/api/v1/sessions/{session}/complete"), &capacity_admins),
            door(
                Method::PUT,
                &format!("/api/v1/enrolments/{enrolment}/post-test"),
                &capacity_admins,
            )
            .json(json!({})),
            post(
                &format!("/api/v1/enrolments/{enrolment}/evaluation"),
                &union(&[&theresia, &unlinked]),
            )
            .json(json!({})),
            get("/api/v1/me/jp", &self_service),
            post("/api/v1/me/jp", &self_service).json(json!({})),
            post(&format!("/api/v1/jp/{decided}/approve"), &capacity_admins),
            post(&format!("/api/v1/jp/{decided}/reject"), &capacity_admins),
            get("/api/v1/jp/compliance", &capacity_readers),
            post(&format!("/api/v1/enrolments/{enrolment}/certificate"), &hers),
            get("/api/v1/training-needs", &capacity_readers),
            get(&format!("/api/v1/certificates/{certificate}"), &everyone),
            get(&format!("/api/v1/certificates/{certificate}/credential"), &hers),
            post(&format!("/api/v1/certificates/{certificate}/revoke"), &capacity_admins)
                .json(json!({"reason": ""})),
            post(&format!("/api/v1/enrolments/{enrolment}/approve"), &approvers),
            post(&format!("/api/v1/enrolments/{enrolment}/reject"), &approvers),
            post(&format!("/api/v1/enrolments/{enrolment}/cancel"), &hers),
            get("/api/v1/competencies", &all_staff),
            post("/api/v1/competencies", &capacity_admins).json(json!({})),
            get("/api/v1/position-requirements", &capacity_readers),
            door(Method::PUT, "/api/v1/position-requirements", &capacity_admins)
                .json(json!({})),
        ]);

        // ---------- collaboration: events and the knowledge base. Communications and service
        // admins manage their agency's (superadmins all); an event for Kecamatan Alak's staff
        // only and an article kept within Kecamatan Alak are walked, with the demo seminar of
        // Dikbud and Dinkes. ----------
        let humas = visitor(&people, "communications@kec-alak");
        let in_days = |days: i64| {
            services::calendar::wita_date(platform::clock::now_ms())
                .checked_add(jiff::Span::new().days(days))
                .expect("a date")
                .to_string()
        };
        // Invited: Dikbud, whose staff do not walk; Dinas Kesehatan's are "another agency".
        let new_event = async |title: &str, audience: &str, invited: &str| -> String {
            let (created, body) = call(
                app,
                humas,
                Method::POST,
                "/api/v1/events",
                Some(json!({
                    "title": title, "kind": "coordination", "description": "Rapat staf kecamatan.",
                    "audience": audience, "organisers": "kec-alak", "invited": invited,
                    "place": "Kantor Camat Alak", "online_url": "",
                    "starts_at": format!("{}T09:00", in_days(20)),
                    "ends_at": format!("{}T11:00", in_days(20)),
                    "capacity": "30", "jp": "", "base_version": "",
                })),
            )
            .await;
            assert_eq!(created, StatusCode::CREATED, "event {title}: {body}");
            body["id"].as_str().expect("an event id").to_string()
        };
        let own_event = new_event("Rapat Staf Kecamatan Alak", "agencies", "dikbud").await;
        let gone = new_event("Sosialisasi yang dibatalkan", "public", "").await;
        let cancelled = humas.web.post(&format!("/events/{gone}/cancel"), &[]).await;
        assert_eq!(cancelled.status(), 303, "the event is cancelled");
        let material = upload(
            &humas.web,
            &format!("/events/{own_event}/materials"),
            &[],
            "file",
            ("bahan.pdf", pdf()),
        )
        .await;
        assert_eq!(material.status(), 303, "a material");
        let material = text(
            app,
            &format!("SELECT id FROM event_materials WHERE event_id = '{own_event}'"),
        )
        .await;
        let seminar = text(
            app,
            &format!(
                "SELECT id FROM events WHERE title = '{}'",
                collaboration::demo::SEMINAR_TITLE
            ),
        )
        .await;
        let (registered, body) = call(
            app,
            visitor(&people, "citizen"),
            Method::POST,
            &format!("/api/v1/events/{seminar}/registration"),
            None,
        )
        .await;
        assert!(registered.is_success(), "Yuliana registers: {registered} {body}");
        let registration = text(
            app,
            &format!("SELECT id FROM event_registrations WHERE event_id = '{seminar}'"),
        )
        .await;
        // A personal calendar link of someone who is not walking (a new link ends the old).
        let feed_owner = app.browser();
        feed_owner.login_ok("asn.alak", DEMO_PASSWORD).await;
        let page = feed_owner
            .post("/events/mine/feed", &[])
            .await
            .text()
            .await
            .expect("text");
        let feed = page
            .split("/calendar/")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .expect("a personal calendar link")
            .to_string();
        let (written, article) = call(
            app,
            humas,
            Method::POST,
            "/api/v1/knowledge/articles",
            Some(json!({
                "agency_code": "kec-alak", "title": "Tata naskah dinas kecamatan",
                "body": "Nomor surat mengikuti klasifikasi arsip.", "tags": "arsip",
                "sharing": "own", "shared_with": "", "base_version": "",
            })),
        )
        .await;
        assert_eq!(written, StatusCode::CREATED, "{article}");
        let article = article["id"].as_str().expect("an article id").to_string();
        let filed = upload(
            &humas.web,
            "/knowledge/new-document",
            &[
                ("agency_code", "kec-alak"),
                ("title", "Formulir cuti pegawai"),
                ("tags", "arsip"),
                ("sharing", "own"),
            ],
            "file",
            ("formulir.pdf", pdf()),
        )
        .await;
        assert_eq!(filed.status(), 303, "a knowledge document");
        let document = text(
            app,
            "SELECT id FROM articles WHERE title = 'Formulir cuti pegawai'",
        )
        .await;
        let managers = any_agency(&["communications", "service_admin", "superadmin"]);
        let alak_staff = union(&[&alak(&ROLES), &superadmins]);
        let own_managers = union(&[&alak(&["communications", "service_admin"]), &superadmins]);
        let seminar_organisers = union(&[
            &set(&["communications@dinkes", "service_admin@dinkes"]),
            &superadmins,
        ]);
        doors.extend([
            get("/events", &everyone),
            get("/events/new", &managers),
            post("/events/new", &managers),
            get("/events/mine", &signed_in),
            // A new personal calendar link for each one admitted (their old link ends).
            post("/events/mine/feed", &signed_in),
            get(&format!("/events/{own_event}"), &alak_staff),
            // Cancelled: registering or cancelling a registration is refused (409).
            post(&format!("/events/{gone}/register"), &signed_in),
            post(&format!("/events/{gone}/cancel-registration"), &signed_in),
            get(&format!("/events/{own_event}/checkin"), &alak_staff),
            post(&format!("/events/{own_event}/checkin"), &alak_staff).form(&[("code", "")]),
            // Before the seminar starts nobody is marked attended (409 for its organisers).
            post(
                &format!("/events/{seminar}/attendance/{registration}"),
                &seminar_organisers,
            ),
            post(&format!("/events/{gone}/cancel"), &own_managers),
            post(&format!("/events/{own_event}/materials"), &own_managers).multipart(),
            get(
                &format!("/events/{own_event}/materials/{material}"),
                &alak_staff,
            ),
            get(&format!("/events/{own_event}/calendar.ics"), &alak_staff),
            get("/agencies/kec-alak/events.ics", &everyone),
            get(&format!("/calendar/{feed}/events.ics"), &everyone),
            get(&format!("/events/{seminar}/edit"), &seminar_organisers),
            // An empty edit: organisers get 422 and nothing is written.
            post(&format!("/events/{seminar}/edit"), &seminar_organisers),
            post(&format!("/events/{seminar}/summary"), &seminar_organisers)
                .form(&[("summary", "")]),
            get("/api/v1/events", &everyone),
            post("/api/v1/events", &managers).json(json!({})),
            get(&format!("/api/v1/events/{own_event}"), &alak_staff),
            door(
                Method::PUT,
                &format!("/api/v1/events/{seminar}"),
                &seminar_organisers,
            )
            .json(json!({})),
            post(&format!("/api/v1/events/{gone}/registration"), &signed_in),
            door(
                Method::DELETE,
                &format!("/api/v1/events/{gone}/registration"),
                &signed_in,
            ),
            get(
                &format!("/api/v1/events/{seminar}/registrations"),
                &seminar_organisers,
            ),
            post(&format!("/api/v1/events/{own_event}/checkin"), &alak_staff)
                .json(json!({"code": ""})),
            get("/api/v1/me/events", &signed_in),
            get("/knowledge", &all_staff),
            get("/knowledge/new", &managers),
            post("/knowledge/new", &managers),
            get("/knowledge/new-document", &managers),
            post("/knowledge/new-document", &managers).multipart(),
            get(&format!("/knowledge/{article}"), &alak_staff),
            get(&format!("/knowledge/{article}/edit"), &own_managers),
            // A stale version: those admitted are told someone changed it (409).
            post(&format!("/knowledge/{article}/edit"), &own_managers)
                .form(&[("base_version", "0")]),
            post(&format!("/knowledge/{article}/comments"), &alak_staff)
                .form(&[("body", "")]),
            get(&format!("/knowledge/{article}/versions"), &alak_staff),
            get(&format!("/knowledge/{article}/versions/1"), &alak_staff),
            get(&format!("/knowledge/{document}/file"), &alak_staff),
            get("/knowledge/tags", &all_staff),
            get("/knowledge/tags/gizi", &all_staff),
            get("/api/v1/knowledge/articles", &all_staff),
            post("/api/v1/knowledge/articles", &managers).json(json!({})),
            get(&format!("/api/v1/knowledge/articles/{article}"), &alak_staff),
            door(
                Method::PUT,
                &format!("/api/v1/knowledge/articles/{article}"),
                &own_managers,
            )
            .json(json!({"base_version": "0"})),
            get(
                &format!("/api/v1/knowledge/articles/{article}/comments"),
                &alak_staff,
            ),
            post(
                &format!("/api/v1/knowledge/articles/{article}/comments"),
                &alak_staff,
            )
            .json(json!({"body": ""})),
            get("/api/v1/knowledge/search?q=gizi", &all_staff),
            get("/api/v1/knowledge/tags", &all_staff),
            get("/api/v1/knowledge/tags/gizi", &all_staff),
        ]);

        // ---------- announcements: Humas/Kominfo of the owning agency (Kecamatan Alak here)
        // and superadmins change them; every Humas/Kominfo officer and superadmin reaches the
        // office list; everyone reads the published ones, their feeds and CAP alerts. ----------
        let mut humas_api = app.api();
        humas_api.token = humas.token.clone();
        let announcement = async |title: &str| -> String {
            let created: Value = humas_api
                .request(Method::POST, "/api/v1/office/announcements")
                .json(&json!({"category": "policy", "audience": "public", "title": title, "body": "Isi."}))
                .send()
                .await
                .expect("send")
                .json()
                .await
                .expect("json");
            let id = created["id"].as_str().expect("an announcement id").to_string();
            let published = humas_api
                .request(Method::POST, &format!("/api/v1/office/announcements/{id}/publish"))
                .send()
                .await
                .expect("send");
            assert_eq!(published.status(), 200);
            id
        };
        let live = announcement("Berlaku").await;
        let withdrawn = announcement("Dibatalkan").await;
        let cancelled = humas_api
            .request(Method::POST, &format!("/api/v1/office/announcements/{withdrawn}/cancel"))
            .send()
            .await
            .expect("send");
        assert_eq!(cancelled.status(), 200);
        let authors = any_agency(&["communications", "superadmin"]);
        let owners = union(&[&alak(&["communications"]), &superadmins]);
        doors.extend([
            get("/announcements", &everyone),
            get(&format!("/announcements/{live}"), &everyone),
            get("/announcements/subscribe", &everyone),
            // An empty form: field errors for everyone, nothing written.
            post("/announcements/subscribe", &everyone),
            get("/announcements/unsubscribe?token=tidak-ada", &everyone),
            get("/announcements/confirm?token=tidak-ada", &everyone),
            // The token is the only key: without a real one nobody gets through.
            post("/announcements/unsubscribe", &nobody).form(&[("token", "tidak-ada")]),
            post("/announcements/confirm", &nobody).form(&[("token", "tidak-ada")]),
            get("/api/v1/announcements", &everyone),
            get(&format!("/api/v1/announcements/{live}"), &everyone),
            post("/api/v1/announcement-subscriptions", &everyone).json(json!({})),
            post("/api/v1/announcement-subscriptions/confirm", &nobody)
                .json(json!({"token": "tidak-ada"})),
            door(
                Method::DELETE,
                "/api/v1/announcement-subscriptions/tidak-ada",
                &nobody,
            ),
            get("/feeds/announcements.atom", &everyone),
            get("/feeds/announcements/policy.atom", &everyone),
            get("/cap/alerts.xml", &everyone),
            // Not an alert: no CAP document, for anyone.
            get(&format!("/cap/alerts/{live}.xml"), &nobody),
            get("/office/announcements", &authors),
            get("/office/announcements/new", &authors),
            // An empty form: those admitted get field errors (422), nothing is written.
            post("/office/announcements/new", &authors),
            get(&format!("/office/announcements/{live}/edit"), &owners),
            post(&format!("/office/announcements/{live}/edit"), &owners)
                .form(&[("based_on", "1")]),
            // Publishing a published one and cancelling a cancelled one are refused (409).
            post(&format!("/office/announcements/{live}/publish"), &owners),
            post(&format!("/office/announcements/{withdrawn}/cancel"), &owners),
            // Ending: the first owner ends it, the others are refused as "not now" (409).
            post(&format!("/office/announcements/{live}/end"), &owners),
            post("/api/v1/office/announcements", &authors).json(json!({})),
            door(
                Method::PUT,
                &format!("/api/v1/office/announcements/{live}"),
                &owners,
            )
            .json(json!({"based_on": 1})),
            post(&format!("/api/v1/office/announcements/{live}/publish"), &owners),
            post(&format!("/api/v1/office/announcements/{withdrawn}/cancel"), &owners),
            post(&format!("/api/v1/office/announcements/{live}/end"), &owners),
        ]);

        // ---------- the dashboard: leaders (of any agency: each sees their own) and
        // superadmins; a chosen agency only by its leaders and superadmins; public statistics
        // for everyone. ----------
        let dashboard_readers = any_agency(&["leader", "superadmin"]);
        let alak_readers = union(&[&alak(&["leader"]), &superadmins]);
        doors.extend([
            get("/statistics", &everyone),
            get("/api/v1/statistics/services", &everyone),
            get("/api/v1/statistics/queue", &everyone),
            get("/dashboard", &dashboard_readers),
            get("/dashboard/services.csv", &dashboard_readers),
            get("/api/v1/dashboard/services", &dashboard_readers),
            get("/api/v1/dashboard/capacity", &dashboard_readers),
            get("/api/v1/dashboard/services?agency=kec-alak", &alak_readers),
            get("/dashboard?agency=kec-alak", &alak_readers),
            get("/api/v1/dashboard/queue", &dashboard_readers),
            get("/api/v1/dashboard/collaboration", &dashboard_readers),
            get("/api/v1/dashboard/collaboration?agency=kec-alak", &alak_readers),
            get("/api/v1/dashboard/queue?office=kantor-camat-alak", &alak_readers),
            get("/dashboard?office=kantor-camat-alak", &alak_readers),
            get("/dashboard/queue.csv", &dashboard_readers),
            get("/dashboard/queue.xlsx?table=heat", &dashboard_readers),
            get("/dashboard/queue.csv?office=kantor-camat-alak", &alak_readers),
            get("/dashboard/collaboration.csv", &dashboard_readers),
            get(
                "/dashboard/collaboration.xlsx?table=pairs&agency=kec-alak",
                &alak_readers,
            ),
            // Its exports and the monthly report (the empty commentary is refused as invalid).
            get("/dashboard/services.xlsx", &dashboard_readers),
            get("/dashboard/capacity.csv", &dashboard_readers),
            get("/dashboard/capacity.xlsx?table=gaps", &dashboard_readers),
            get("/dashboard/applications.csv", &dashboard_readers),
            get("/dashboard/applications.xlsx", &dashboard_readers),
            get("/dashboard/applications.csv?agency=kec-alak", &alak_readers),
            get("/dashboard/report", &dashboard_readers),
            get("/dashboard/report.pdf", &dashboard_readers),
            get("/dashboard/report.pdf?agency=kec-alak", &alak_readers),
            get("/api/v1/dashboard/report", &dashboard_readers),
            get("/api/v1/dashboard/report?agency=kec-alak", &alak_readers),
            post("/dashboard/report", &dashboard_readers).form(&[("commentary", "")]),
            post("/dashboard/report", &alak_readers)
                .form(&[("agency", "kec-alak"), ("commentary", "")]),
        ]);

        // ---------- personal data rights: citizens only (staff data follows personnel
        // rules); a wrong password stops the deletion before anything changes. ----------
        doors.extend([
            get("/account/data", &citizens),
            get("/account/data/export", &citizens),
            post("/account/data/delete", &citizens)
                .form(&[("password", "wrong"), ("confirmation", "HAPUS")]),
            get("/account/deleted", &everyone),
            get("/api/v1/me/data", &citizens),
            door(Method::DELETE, "/api/v1/me", &citizens).json(json!({"password": "wrong"})),
        ]);

        // ---------- the platform: assets, health, metrics, the API description ----------
        doors.extend([
            get("/static/sigap.css", &everyone),
            get("/sw.js", &everyone),
            get("/manifest.webmanifest", &everyone),
            get("/favicon.ico", &everyone),
            get("/healthz", &everyone),
            get("/readyz", &everyone),
            get("/metrics", &everyone),
            get("/api/v1/openapi.json", &everyone),
        ]);

        // Last, because they end the visitor's session and token.
        doors.extend([
            post("/logout", &signed_in),
            door(Method::DELETE, "/api/v1/auth/token", &signed_in),
        ]);

        // Every route has a door, and every door a route.
        let (declared, calls) = routes::declared();
        assert!(
            calls >= 300 && declared.len() >= 380,
            "the route scan found only {} routes in {calls} .route( calls: is it broken?",
            declared.len()
        );
        let patterns: BTreeSet<&str> = declared.iter().map(|r| r.pattern.as_str()).collect();
        let mut covered = BTreeSet::new();
        let mut stale = Vec::new();
        for door in &doors {
            let method = door.method.as_str();
            let route = routes::pattern_of(patterns.iter().copied(), &door.path).and_then(|p| {
                declared
                    .iter()
                    .find(|r| r.pattern == p && (r.method == method || r.method == "ANY"))
            });
            match route {
                Some(route) => {
                    covered.insert(route.clone());
                }
                None => stale.push(format!("{method} {}", door.path)),
            }
        }
        let uncovered: Vec<String> = declared
            .iter()
            .filter(|r| !covered.contains(*r))
            .map(|r| format!("{} {}", r.method, r.pattern))
            .collect();
        assert!(
            uncovered.is_empty() && stale.is_empty(),
            "routes without a door ({}):\n{}\ndoors that match no route ({}):\n{}",
            uncovered.len(),
            uncovered.join("\n"),
            stale.len(),
            stale.join("\n")
        );

        let before = row_counts(app).await;
        let mut wrong = Vec::new();
        for door in &doors {
            for visitor in &people {
                if let Some(reset) = &door.reset {
                    app.sql(reset).await;
                }
                let (status, location) = knock(app, visitor, door).await;
                let location = location.unwrap_or_default();
                let sent_away = location.starts_with("/login")
                    || door.refused_at.is_some_and(|p| location.starts_with(p));
                let passed = !is_refusal(status) || (status == StatusCode::SEE_OTHER && !sent_away);
                let may = door.allowed.contains(&visitor.name);
                if passed != may {
                    wrong.push(format!(
                        "{} {} as {}: {} (expected {})",
                        door.method,
                        door.path,
                        visitor.name,
                        status,
                        if may { "admitted" } else { "refused" }
                    ));
                }
            }
        }
        eprintln!(
            "authorisation matrix on {:?}: {} routes, {} doors x {} visitors = {} checks",
            app.state.settings.backend,
            declared.len(),
            doors.len(),
            people.len(),
            doors.len() * people.len()
        );
        assert!(
            wrong.is_empty(),
            "doors that let the wrong people in or out ({}):\n{}",
            wrong.len(),
            wrong.join("\n")
        );

        // Nothing changed on the way, except what the doors above say they change.
        let after = row_counts(app).await;
        let mut expected = before.clone();
        // Yuliana removed two locker documents.
        *expected.entry("locker_documents").or_default() -= 2;
        let changed: Vec<String> = WATCHED
            .iter()
            .filter(|t| expected[*t] != after[*t])
            .map(|t| format!("{t}: {} before, {} after, {} expected", before[t], after[t], expected[t]))
            .collect();
        assert!(changed.is_empty(), "the walk changed rows:\n{}", changed.join("\n"));
        // The applications are where they were.
        for (id, status) in [
            (claimed, "in_verification"),
            (issued, "issued"),
            (draft, "draft"),
        ] {
            assert_eq!(
                app.count(&format!(
                    "SELECT COUNT(*) FROM applications WHERE id = '{id}' AND status = '{status}'"
                ))
                .await,
                1,
                "{id} is still {status}"
            );
        }
        // Nor did any event (still at version 1) or any announcement (two, at version 1).
        assert_eq!(
            app.count("SELECT COUNT(*) FROM events WHERE version <> 1").await,
            0
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM announcements WHERE version = 1")
                .await,
            2
        );
        // The article is at its first version, the certificate not revoked, the JP entry
        // still awaiting a decision, the Open311 key and the holiday still there.
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM articles WHERE id = '{article}' AND version = 1"))
                .await,
            1
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM certificates WHERE id = '{certificate}' AND revoked_ms IS NULL"
            ))
            .await,
            1
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM jp_entries WHERE id = '{external}' AND status = 'pending'"
            ))
            .await,
            1
        );
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM open311_keys WHERE id = '{key_id}' AND revoked_ms IS NULL"
            ))
            .await,
            1
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM holidays WHERE day = '2027-01-04'").await,
            1
        );
    })
    .await;
}
