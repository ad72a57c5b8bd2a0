//! Every back-office route, walked with every role (in the owning agency and in another one), a
//! citizen and an anonymous visitor: exactly the people listed get past the door; everyone else
//! gets 401/403/404 (never a page, never a change, never a validation message that would show
//! the request reached the domain).

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};

use crate::{
    applications::{YULIANA, submitted_sktm},
    support::{Browser, DEMO_PASSWORD, TestApp, on_both},
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

/// Who knocks: `role@agency`, `citizen` or `anonymous`.
struct Visitor {
    name: String,
    web: Browser,
    token: Option<String>,
}

async fn visitors(app: &TestApp) -> Vec<Visitor> {
    let mut all = Vec::new();
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
            let web = app.browser();
            web.login_ok(&username, &password).await;
            let mut api = app.api();
            api.sign_in(&username, &password).await;
            all.push(Visitor {
                name: format!("{role}@{agency}"),
                web,
                token: api.token,
            });
        }
    }
    let web = app.browser();
    web.login_ok(YULIANA, DEMO_PASSWORD).await;
    let mut api = app.api();
    api.sign_in(YULIANA, DEMO_PASSWORD).await;
    all.push(Visitor {
        name: "citizen".into(),
        web,
        token: api.token,
    });
    all.push(Visitor {
        name: "anonymous".into(),
        web: app.browser(),
        token: None,
    });
    all
}

/// A door: how to knock, and who may pass.
struct Door {
    method: Method,
    path: String,
    /// Form fields (web) or JSON (API) that pass authorisation but fail validation or state
    /// checks for those allowed, so walking the door changes nothing.
    form: Vec<(&'static str, &'static str)>,
    json: Option<serde_json::Value>,
    /// Sent as a multipart form (with no file), like the pages that take an attachment.
    multipart: bool,
    allowed: BTreeSet<String>,
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

fn is_refusal(status: StatusCode) -> bool {
    matches!(status.as_u16(), 401 | 403 | 404) || (status == StatusCode::SEE_OTHER)
}

async fn knock(app: &TestApp, visitor: &Visitor, door: &Door) -> (StatusCode, Option<String>) {
    if door.path.starts_with("/api/") {
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
        let response = request.send().await.expect("send");
        (response.status(), None)
    } else if door.multipart {
        let response = visitor
            .web
            .upload_with(&door.path, &door.form, "", Vec::new())
            .await;
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        (response.status(), location)
    } else if door.method == Method::GET {
        let response = visitor.web.get(&door.path).await;
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        (response.status(), location)
    } else {
        let response = visitor.web.post(&door.path, &door.form).await;
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        (response.status(), location)
    }
}

#[tokio::test]
async fn every_back_office_route_admits_exactly_the_roles_that_may_use_it() {
    on_both(async |app| {
        app.load_demo().await;
        let citizen = app.browser();
        citizen.login_ok(YULIANA, DEMO_PASSWORD).await;
        let (id, _) = submitted_sktm(app, &citizen).await;
        let people = visitors(app).await;
        // The owning agency's verifier claims it, so that verifier-only steps are reachable.
        let verifier = people
            .iter()
            .find(|v| v.name == "verifier@kec-alak")
            .expect("a verifier");
        let claimed = verifier
            .web
            .post(
                &format!("/office/applications/{id}/actions"),
                &[("action", "claim")],
            )
            .await;
        assert_eq!(claimed.status(), 303);

        let office = format!("/office/applications/{id}");
        let api = format!("/api/v1/office/applications/{id}");
        let viewers = set(&["verifier@kec-alak", "signer@kec-alak"]);
        let office_staff = any_agency(&["verifier", "signer", "technical_reviewer"]);
        let service_admins = {
            let mut s = any_agency(&["service_admin"]);
            s.extend(any_agency(&["superadmin"]));
            s
        };
        let own_service_admins = set(&[
            "service_admin@kec-alak",
            "superadmin@kec-alak",
            "superadmin@dinkes",
        ]);
        let skm_readers = {
            let mut s = service_admins.clone();
            s.extend(any_agency(&["leader"]));
            s
        };
        let door = |method: Method, path: &str, allowed: &BTreeSet<String>| Door {
            method,
            path: path.to_string(),
            form: Vec::new(),
            json: None,
            multipart: false,
            allowed: allowed.clone(),
        };
        let doors = vec![
            door(Method::GET, "/office", &office_staff),
            door(Method::GET, &office, &viewers),
            door(Method::GET, &format!("{office}/documents/0"), &viewers),
            Door {
                form: vec![("action", "reject"), ("reason", "")],
                ..door(
                    Method::POST,
                    &format!("{office}/actions"),
                    &set(&["verifier@kec-alak"]),
                )
            },
            Door {
                form: vec![("agency_code", "dinkes"), ("question", ""), ("days", "3")],
                ..door(
                    Method::POST,
                    &format!("{office}/route"),
                    &set(&["verifier@kec-alak"]),
                )
            },
            Door {
                form: vec![("verdict", ""), ("answer", "")],
                multipart: true,
                ..door(Method::POST, &format!("{office}/recommendation"), &set(&[]))
            },
            Door {
                form: vec![("reason", "")],
                ..door(Method::POST, &format!("{office}/revoke"), &set(&[]))
            },
            door(Method::GET, "/admin/services", &service_admins),
            door(
                Method::GET,
                "/admin/services/sktm/edit",
                &own_service_admins,
            ),
            door(
                Method::GET,
                "/admin/services/sktm/form",
                &own_service_admins,
            ),
            Door {
                // A stale version: those admitted are told someone changed the form (409).
                form: vec![("base_version", "0"), ("key", "used_for")],
                ..door(
                    Method::POST,
                    "/admin/services/sktm/form/remove",
                    &own_service_admins,
                )
            },
            door(Method::GET, "/admin/holidays", &service_admins),
            door(Method::GET, "/admin/skm", &skm_readers),
            door(Method::GET, "/admin/users", &any_agency(&["superadmin"])),
            door(Method::GET, "/api/v1/office/inbox", &office_staff),
            door(Method::GET, &api, &viewers),
            door(Method::GET, &format!("{api}/documents/0"), &viewers),
            Door {
                json: Some(serde_json::json!({"action": "reject", "reason": ""})),
                ..door(
                    Method::POST,
                    &format!("{api}/actions"),
                    &set(&["verifier@kec-alak"]),
                )
            },
            Door {
                json: Some(serde_json::json!({"verdict": "", "answer": ""})),
                ..door(Method::POST, &format!("{api}/recommendation"), &set(&[]))
            },
            door(Method::GET, "/api/v1/skm/report", &skm_readers),
            door(
                Method::GET,
                "/api/v1/services/sktm/form/history",
                &own_service_admins,
            ),
        ];
        // A complaint about a public matter: Kecamatan Alak's service admins handle it.
        let mut complainant = app.api();
        complainant.sign_in(YULIANA, DEMO_PASSWORD).await;
        let filed: serde_json::Value = complainant
            .request(Method::POST, "/api/v1/complaints")
            .json(&serde_json::json!({"category": "kebersihan", "description": "Sampah menumpuk di depan pasar sejak seminggu."}))
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        let number = filed["number"].as_str().expect("a complaint number").to_string();
        let complaint = format!("/office/complaints/{number}");
        let complaint_api = format!("/api/v1/office/complaints/{number}");
        let counter_staff = {
            let mut s = set(&["front_office@kec-alak", "service_admin@kec-alak"]);
            s.extend(any_agency(&["superadmin"]));
            s
        };
        let queue_readers = {
            let mut s = counter_staff.clone();
            s.extend(any_agency(&["leader"]));
            s
        };
        let queue = "/queue/kantor-camat-alak";
        let queue_api = "/api/v1/queue/offices/kantor-camat-alak";
        let mut doors = doors;
        doors.extend([
            door(Method::GET, "/office/complaints", &service_admins),
            door(Method::GET, &complaint, &own_service_admins),
            Door {
                // Closing a complaint nobody accepted is refused (409) for those admitted.
                form: vec![("action", "close"), ("note", "")],
                ..door(Method::POST, &format!("{complaint}/actions"), &own_service_admins)
            },
            door(Method::GET, "/api/v1/office/complaints", &service_admins),
            door(Method::GET, &complaint_api, &own_service_admins),
            door(Method::GET, "/admin/open311-keys", &service_admins),
            door(Method::GET, &format!("{queue}/kiosk"), &counter_staff),
            Door {
                form: vec![("group", "Z")],
                ..door(Method::POST, &format!("{queue}/tickets"), &counter_staff)
            },
            door(Method::GET, &format!("{queue}/counters/1"), &counter_staff),
            Door {
                form: vec![("group", "Z")],
                ..door(Method::POST, &format!("{queue}/counters/1/transfer"), &counter_staff)
            },
            door(Method::GET, &format!("{queue}/figures"), &queue_readers),
            door(Method::GET, &format!("{queue}/settings"), &own_service_admins),
            Door {
                form: vec![("opens_1", "25:00"), ("closes_1", "08:00")],
                ..door(Method::POST, &format!("{queue}/settings"), &own_service_admins)
            },
            Door {
                json: Some(serde_json::json!({"group": "Z"})),
                ..door(Method::POST, &format!("{queue_api}/tickets"), &counter_staff)
            },
            door(Method::POST, &format!("{queue_api}/counters/1/recall"), &counter_staff),
            door(Method::GET, &format!("{queue_api}/figures"), &queue_readers),
            Door {
                json: Some(serde_json::json!({"hours": [{"weekday": 1, "opens": "25:00", "closes": "08:00"}]})),
                ..door(Method::PUT, &format!("{queue_api}/hours"), &own_service_admins)
            },
        ]);
        // ASN capacity: the BKPPD's competency admins (and superadmins) manage; leaders read.
        capacity::demo::load(&app.state).await.expect("capacity demo loads");
        let capacity_admins = any_agency(&["competency_admin", "superadmin"]);
        let capacity_readers = {
            let mut s = capacity_admins.clone();
            s.extend(any_agency(&["leader"]));
            s
        };
        app.sql(
            "INSERT INTO employee_imports (id, started_by, commit_rows, file_name, rows_in_file, status, report_json, heartbeat_ms, started_ms) \
             SELECT 'walked-run', id, 0, 'x.csv', 1, 'finished', '{\"rows\":1,\"new\":1,\"updated\":0,\"committed\":false,\"problems\":[]}', 1000, 1000 \
             FROM users WHERE username = 'admin.bkppd'",
        )
        .await;
        doors.extend([
            door(Method::GET, "/capacity/employees/import/walked-run", &capacity_admins),
            door(Method::GET, "/api/v1/employee-imports/walked-run", &capacity_admins),
            door(Method::GET, "/capacity/employees", &capacity_readers),
            door(Method::GET, "/capacity/employees/new", &capacity_admins),
            door(Method::GET, "/capacity/employees/import", &capacity_admins),
            door(Method::GET, "/capacity/jp", &capacity_admins),
            door(Method::GET, "/capacity/needs", &capacity_readers),
            door(Method::GET, "/capacity/compliance", &capacity_readers),
            door(Method::GET, "/api/v1/employees", &capacity_readers),
        ]);
        // Collaboration: communications and service admins manage their agency's events and
        // articles (superadmins all); every staff member reads the knowledge base; only the
        // organisers of the demo seminar (Dikbud and Dinkes) see its participants.
        collaboration::demo::load(&app.state).await.expect("collaboration demo loads");
        let managers = any_agency(&["communications", "service_admin", "superadmin"]);
        let all_staff = any_agency(&ROLES);
        let seminar_organisers = {
            let mut s = set(&["communications@dinkes", "service_admin@dinkes"]);
            s.extend(any_agency(&["superadmin"]));
            s
        };
        let events: serde_json::Value = app
            .api()
            .request(Method::GET, "/api/v1/events")
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        let seminar = events
            .as_array()
            .and_then(|all| all.iter().find(|e| e["title"] == collaboration::demo::SEMINAR_TITLE))
            .and_then(|e| e["id"].as_str())
            .expect("the demo seminar")
            .to_string();
        doors.extend([
            door(Method::GET, "/events/new", &managers),
            door(Method::GET, "/knowledge/new", &managers),
            door(Method::GET, "/knowledge/new-document", &managers),
            door(Method::GET, "/knowledge", &all_staff),
            door(Method::GET, "/api/v1/knowledge/articles", &all_staff),
            door(Method::GET, "/api/v1/knowledge/search?q=gizi", &all_staff),
            Door {
                // Incomplete: those admitted get 422 and nothing is written.
                json: Some(serde_json::json!({})),
                ..door(Method::POST, "/api/v1/events", &managers)
            },
            Door {
                json: Some(serde_json::json!({})),
                ..door(Method::POST, "/api/v1/knowledge/articles", &managers)
            },
            door(
                Method::GET,
                &format!("/api/v1/events/{seminar}/registrations"),
                &seminar_organisers,
            ),
            door(Method::GET, "/knowledge/tags", &all_staff),
            door(Method::GET, "/knowledge/tags/gizi", &all_staff),
            door(Method::GET, "/api/v1/knowledge/tags", &all_staff),
            door(Method::GET, "/api/v1/knowledge/tags/gizi", &all_staff),
            door(Method::GET, &format!("/events/{seminar}/edit"), &seminar_organisers),
            // An empty edit: organisers get 422 and nothing is written.
            door(Method::POST, &format!("/events/{seminar}/edit"), &seminar_organisers),
            Door {
                json: Some(serde_json::json!({})),
                ..door(Method::PUT, &format!("/api/v1/events/{seminar}"), &seminar_organisers)
            },
            Door {
                // An empty summary: organisers get 422.
                form: vec![("summary", "")],
                ..door(
                    Method::POST,
                    &format!("/events/{seminar}/summary"),
                    &seminar_organisers,
                )
            },
        ]);
        // Announcements: Humas/Kominfo of the owning agency (Kecamatan Alak here) and superadmins
        // change them; every Humas/Kominfo officer and superadmin reaches the office list.
        let humas = people
            .iter()
            .find(|v| v.name == "communications@kec-alak")
            .expect("a Humas officer");
        let mut humas_api = app.api();
        humas_api.token = humas.token.clone();
        let announcement = async |title: &str| -> String {
            let created: serde_json::Value = humas_api
                .request(Method::POST, "/api/v1/office/announcements")
                .json(&serde_json::json!({"category": "policy", "audience": "public", "title": title, "body": "Isi."}))
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
        let owners = set(&["communications@kec-alak", "superadmin@kec-alak", "superadmin@dinkes"]);
        doors.extend([
            door(Method::GET, "/office/announcements", &authors),
            door(Method::GET, "/office/announcements/new", &authors),
            // An empty form: those admitted get field errors (422), nothing is written.
            door(Method::POST, "/office/announcements/new", &authors),
            door(Method::GET, &format!("/office/announcements/{live}/edit"), &owners),
            Door {
                form: vec![("based_on", "1")],
                ..door(Method::POST, &format!("/office/announcements/{live}/edit"), &owners)
            },
            // Publishing a published one and cancelling a cancelled one are refused (409).
            door(Method::POST, &format!("/office/announcements/{live}/publish"), &owners),
            door(Method::POST, &format!("/office/announcements/{withdrawn}/cancel"), &owners),
            // Ending: the first owner ends it, the others are refused as "not now" (409).
            door(Method::POST, &format!("/office/announcements/{live}/end"), &owners),
            Door {
                json: Some(serde_json::json!({})),
                ..door(Method::POST, "/api/v1/office/announcements", &authors)
            },
            Door {
                json: Some(serde_json::json!({"based_on": 1})),
                ..door(Method::PUT, &format!("/api/v1/office/announcements/{live}"), &owners)
            },
            door(Method::POST, &format!("/api/v1/office/announcements/{live}/publish"), &owners),
            door(Method::POST, &format!("/api/v1/office/announcements/{withdrawn}/cancel"), &owners),
            door(Method::POST, &format!("/api/v1/office/announcements/{live}/end"), &owners),
        ]);
        // The dashboard: leaders (of any agency: each sees their own) and superadmins; a
        // chosen agency only by its leaders and superadmins.
        let dashboard_readers = any_agency(&["leader", "superadmin"]);
        let alak_readers = {
            let mut s = set(&["leader@kec-alak"]);
            s.extend(any_agency(&["superadmin"]));
            s
        };
        doors.extend([
            door(Method::GET, "/dashboard", &dashboard_readers),
            door(Method::GET, "/dashboard/services.csv", &dashboard_readers),
            door(Method::GET, "/api/v1/dashboard/services", &dashboard_readers),
            door(Method::GET, "/api/v1/dashboard/capacity", &dashboard_readers),
            door(Method::GET, "/api/v1/dashboard/services?agency=kec-alak", &alak_readers),
            door(Method::GET, "/dashboard?agency=kec-alak", &alak_readers),
            door(Method::GET, "/api/v1/dashboard/queue", &dashboard_readers),
            door(Method::GET, "/api/v1/dashboard/collaboration", &dashboard_readers),
            door(Method::GET, "/api/v1/dashboard/collaboration?agency=kec-alak", &alak_readers),
            door(Method::GET, "/api/v1/dashboard/queue?office=kantor-camat-alak", &alak_readers),
            door(Method::GET, "/dashboard?office=kantor-camat-alak", &alak_readers),
            door(Method::GET, "/dashboard/queue.csv", &dashboard_readers),
            door(Method::GET, "/dashboard/queue.xlsx?table=heat", &dashboard_readers),
            door(Method::GET, "/dashboard/queue.csv?office=kantor-camat-alak", &alak_readers),
            door(Method::GET, "/dashboard/collaboration.csv", &dashboard_readers),
            door(Method::GET, "/dashboard/collaboration.xlsx?table=pairs&agency=kec-alak", &alak_readers),
            // Its exports and the monthly report (the empty commentary is refused as invalid).
            door(Method::GET, "/dashboard/services.xlsx", &dashboard_readers),
            door(Method::GET, "/dashboard/capacity.csv", &dashboard_readers),
            door(Method::GET, "/dashboard/capacity.xlsx?table=gaps", &dashboard_readers),
            door(Method::GET, "/dashboard/applications.csv", &dashboard_readers),
            door(Method::GET, "/dashboard/applications.xlsx", &dashboard_readers),
            door(Method::GET, "/dashboard/applications.csv?agency=kec-alak", &alak_readers),
            door(Method::GET, "/dashboard/report", &dashboard_readers),
            door(Method::GET, "/dashboard/report.pdf", &dashboard_readers),
            door(Method::GET, "/dashboard/report.pdf?agency=kec-alak", &alak_readers),
            door(Method::GET, "/api/v1/dashboard/report", &dashboard_readers),
            door(Method::GET, "/api/v1/dashboard/report?agency=kec-alak", &alak_readers),
            Door {
                form: vec![("commentary", "")],
                ..door(Method::POST, "/dashboard/report", &dashboard_readers)
            },
            Door {
                form: vec![("agency", "kec-alak"), ("commentary", "")],
                ..door(Method::POST, "/dashboard/report", &alak_readers)
            },
            // Personal data rights: citizens only (staff data follows personnel rules); a
            // wrong password stops the citizen's deletion before anything changes.
            door(Method::GET, "/account/data", &set(&["citizen"])),
            door(Method::GET, "/account/data/export", &set(&["citizen"])),
            Door {
                form: vec![("password", "wrong"), ("confirmation", "HAPUS")],
                ..door(Method::POST, "/account/data/delete", &set(&["citizen"]))
            },
            door(
                Method::GET,
                "/account/deleted",
                &people.iter().map(|v| v.name.clone()).collect(),
            ),
            door(Method::GET, "/api/v1/me/data", &set(&["citizen"])),
            Door {
                json: Some(serde_json::json!({"password": "wrong"})),
                ..door(Method::DELETE, "/api/v1/me", &set(&["citizen"]))
            },
        ]);
        let mut wrong = Vec::new();
        for door in &doors {
            for visitor in &people {
                let (status, location) = knock(app, visitor, door).await;
                let passed = !is_refusal(status)
                    || (status == StatusCode::SEE_OTHER
                        && !location.as_deref().unwrap_or("").starts_with("/login"));
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
        assert!(
            wrong.is_empty(),
            "doors that let the wrong people in or out:\n{}",
            wrong.join("\n")
        );
        // Nothing changed on the way: the application is still claimed, in verification.
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM applications WHERE id = '{id}' AND status = 'in_verification'"
            ))
            .await,
            1
        );
        // Nor did either demo event: both still at version 1.
        assert_eq!(
            app.count("SELECT COUNT(*) FROM events WHERE version = 1").await,
            2
        );
        // Nor did any announcement: still two, at version 1.
        assert_eq!(
            app.count("SELECT COUNT(*) FROM announcements WHERE version = 1")
                .await,
            2
        );
    })
    .await;
}
