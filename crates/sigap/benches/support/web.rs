//! The browser and API journeys the HTTP benches share: clients, CSRF tokens, a registered and
//! signed-in citizen, a complete application draft made through the pages, staff sign-in.

#![allow(dead_code, reason = "each bench uses part of it")]

pub fn client(cookies: bool) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(cookies)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(4)
        .build()
        .expect("client builds")
}

pub async fn get_ok(client: &reqwest::Client, url: &str) -> bool {
    match client.get(url).send().await {
        Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
        Err(_) => false,
    }
}

/// A unique valid NIK for bench citizen `n`: varies serial, day, month and year.
pub fn bench_nik(n: u64) -> String {
    let serial = n % 9999 + 1;
    let rest = n / 9999;
    let day = rest % 28 + 1;
    let month = (rest / 28) % 12 + 1;
    let year = (rest / 336) % 100;
    format!("537101{day:02}{month:02}{year:02}{serial:04}")
}

pub fn csrf_from(html: &str) -> Option<String> {
    html.split("name=\"csrf_token\" value=\"")
        .nth(1)?
        .split('"')
        .next()
        .map(str::to_string)
}

/// Registers a citizen with `nik` and one contact (`("email", …)` or `("phone", …)`) in the
/// browser `web` and signs in: the four requests a new citizen makes.
async fn register_and_sign_in(
    web: &reqwest::Client,
    base: &str,
    nik: &str,
    contact: (&str, &str),
) -> Option<()> {
    let html = web
        .get(format!("{base}/register"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    let token = csrf_from(&html)?;
    let password = "Bench-Alak-Senja-2026";
    let registered = web
        .post(format!("{base}/register"))
        .form(&[
            ("full_name", "Warga Bench"),
            ("nik", nik),
            contact,
            ("password", password),
            ("password_confirm", password),
            ("consent", "yes"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .ok()?;
    if registered.status() != 303 {
        return None;
    }
    let login = web
        .post(format!("{base}/login"))
        .form(&[
            ("login", nik),
            ("password", password),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .ok()?;
    (login.status() == 303).then_some(())
}

/// A new citizen `n` (with an email address) registers and signs in: whether both worked.
pub async fn register_and_login(base: &str, n: u64) -> bool {
    let email = format!("bench{n}@example.id");
    register_and_sign_in(&client(true), base, &bench_nik(n), ("email", &email))
        .await
        .is_some()
}

/// A signed-in citizen's browser: registers with a unique NIK and signs in (untimed set-up).
pub async fn citizen(base: &str, n: u64) -> Option<(reqwest::Client, String)> {
    let web = client(true);
    let phone = format!("0812{:08}", n);
    register_and_sign_in(&web, base, &bench_nik(900_000 + n), ("phone", &phone)).await?;
    // Signing in rotates the CSRF token: read the new one.
    let html = web
        .get(format!("{base}/track"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    Some((web, csrf_from(&html)?))
}

pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Prepares a complete SKTM draft through the pages (untimed) and returns its id.
pub async fn prepared_draft(base: &str, web: &reqwest::Client, token: &str) -> Option<String> {
    let started = web
        .post(format!("{base}/services/sktm/apply"))
        .form(&[("csrf_token", token)])
        .send()
        .await
        .ok()?;
    let id = started
        .headers()
        .get("location")?
        .to_str()
        .ok()?
        .trim_start_matches("/applications/")
        .trim_end_matches("/details")
        .to_string();
    let details = web
        .post(format!("{base}/applications/{id}/details"))
        .form(&[
            ("purpose", "Keringanan biaya sekolah"),
            ("kelurahan", "kel-alak"),
            ("address", "Jl. Alak Raya 1"),
            ("answers.household_members", "4"),
            ("answers.monthly_income", "1.250.000"),
            ("answers.used_for", "pendidikan"),
            ("csrf_token", token),
        ])
        .send()
        .await
        .ok()?;
    if details.status() != 303 {
        return None;
    }
    for position in 0..4 {
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", token.to_string())
            .part(
                "file",
                reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("berkas.pdf"),
            );
        let uploaded = web
            .post(format!("{base}/applications/{id}/documents/{position}"))
            .multipart(form)
            .send()
            .await
            .ok()?;
        if uploaded.status() != 303 {
            return None;
        }
    }
    Some(id)
}

/// A browser signed in as demo staff member `login` (untimed set-up).
pub async fn staff_browser(base: &str, login: &str) -> anyhow::Result<reqwest::Client> {
    let web = client(true);
    let html = web
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let token = csrf_from(&html).ok_or_else(|| anyhow::anyhow!("login form"))?;
    let signed_in = web
        .post(format!("{base}/login"))
        .form(&[
            ("login", login),
            ("password", accounts::demo::DEMO_PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await?;
    anyhow::ensure!(signed_in.status() == 303, "{login} signs in");
    Ok(web)
}

/// Submits a draft made with `prepared_draft`: whether the submission was accepted (303).
pub async fn submit(base: &str, web: &reqwest::Client, token: &str, id: &str) -> bool {
    web.post(format!("{base}/applications/{id}/submit"))
        .form(&[("csrf_token", token)])
        .send()
        .await
        .is_ok_and(|r| r.status() == 303)
}

/// Prepares and submits one application, then reads its tracking number off the page the
/// submission leads to.
pub async fn submitted_tracking_number(
    base: &str,
    web: &reqwest::Client,
    token: &str,
) -> Option<String> {
    let id = prepared_draft(base, web, token).await?;
    let page = web
        .post(format!("{base}/applications/{id}/submit"))
        .form(&[("csrf_token", token)])
        .send()
        .await
        .ok()?;
    let location = page.headers().get("location")?.to_str().ok()?.to_string();
    let html = web
        .get(format!("{base}{location}"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    html.split("data-testid=\"tracking-number\">")
        .nth(1)?
        .split('<')
        .next()
        .filter(|number| !number.is_empty())
        .map(str::to_string)
}

/// A tracking lookup on the public form: whether the page answered (200, found or not).
pub async fn track(base: &str, web: &reqwest::Client, token: &str, number: &str) -> bool {
    let found = web
        .post(format!("{base}/track"))
        .form(&[
            ("number", number),
            ("last_digits", "0000"),
            ("csrf_token", token),
        ])
        .send()
        .await;
    match found {
        Ok(r) if r.status() == 200 => r.bytes().await.is_ok(),
        _ => false,
    }
}

/// Opens `office` all day, every day, so a bench issues tickets at whatever hour it runs.
pub async fn open_all_day(base: &str, admin_token: &str, office: &str) -> anyhow::Result<()> {
    let hours: Vec<serde_json::Value> = (1..=7)
        .map(|d| serde_json::json!({"weekday": d, "opens": "00:00", "closes": "23:59"}))
        .collect();
    client(false)
        .put(format!("{base}/api/v1/queue/offices/{office}/hours"))
        .bearer_auth(admin_token)
        .json(&serde_json::json!({ "hours": hours }))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

/// The ETag of the public Atom feed, for conditional requests.
pub async fn feed_etag(base: &str) -> anyhow::Result<String> {
    client(false)
        .get(format!("{base}/feeds/announcements.atom"))
        .send()
        .await?
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("the feed has an ETag"))
}
