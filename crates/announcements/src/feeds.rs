//! The machine-readable faces: Atom feeds (RFC 4287) of public announcements, all and per
//! category, and CAP 1.2 alerts for urgent public ones (an Atom index of the active alerts at
//! `/cap/alerts.xml`, one document per CAP message at `/cap/alerts/{identifier}.xml`). Every
//! response carries an ETag and Last-Modified and answers 304 to a matching conditional GET.

use askama::Template;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse as _, Response},
    routing::get,
};
use platform::{
    AppState, clock, ids,
    web::{
        WebError,
        i18n::{Lang, Tr},
    },
};

use crate::{
    model::Category,
    publishing, render,
    store::{self, AnnouncementRow, CapMessageRow},
};

/// The CAP `sender`: the platform's own address.
pub const CAP_SENDER: &str = "sigap@alak.kupangkota.go.id";
const FEED_SIZE: i64 = 50;
const ATOM: &str = "application/atom+xml; charset=utf-8";
/// Feeds and alerts: any cache may keep them for a minute.
const PUBLIC: &str = "public, max-age=60";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/feeds/announcements.atom", get(feed_all))
        .route("/feeds/announcements/{file}", get(feed_category))
        .route("/cap/alerts.xml", get(cap_index))
        .route("/cap/alerts/{file}", get(cap_document))
}

/// RFC 3339 in WITA (`2026-12-02T09:00:00+08:00`), seconds precision, as Atom and CAP want it.
pub fn wita_rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(clock::wita().clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        })
        .unwrap_or_default()
}

fn http_date(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .unwrap_or_default()
}

fn parse_http_date(raw: &str) -> Option<i64> {
    let civil = jiff::civil::DateTime::strptime("%a, %d %b %Y %H:%M:%S GMT", raw.trim()).ok()?;
    Some(
        civil
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()?
            .timestamp()
            .as_millisecond(),
    )
}

/// Whether the client's copy is current: If-None-Match first, else If-Modified-Since
/// (RFC 9110 section 13.2.2).
fn is_fresh(request: &HeaderMap, etag: &str, last_modified_ms: i64) -> bool {
    match request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        Some(tags) => tags
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == etag || t == "*"),
        None => request
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date)
            .is_some_and(|since| last_modified_ms / 1000 <= since / 1000),
    }
}

fn etag_of(text: &str) -> String {
    format!("\"{}\"", &ids::sha256_hex(text.as_bytes())[..32])
}

/// A response that caches, its ETag the hash of `body`: 304 when the client's copy is current.
pub fn conditional(
    request: &HeaderMap,
    body: String,
    content_type: &'static str,
    last_modified_ms: i64,
    cache_control: &'static str,
) -> Response {
    let etag = etag_of(&body);
    let fresh = is_fresh(request, &etag, last_modified_ms);
    with_validators(
        if fresh { None } else { Some(body) },
        content_type,
        &etag,
        last_modified_ms,
        cache_control,
    )
}

/// `body` (or, when `None`, a 304) with its validators and caching headers.
fn with_validators(
    body: Option<String>,
    content_type: &'static str,
    etag: &str,
    last_modified_ms: i64,
    cache_control: &'static str,
) -> Response {
    let last_modified = http_date(last_modified_ms);
    let mut response = match body {
        None => StatusCode::NOT_MODIFIED.into_response(),
        Some(body) => {
            let mut response = body.into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            response
        }
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    if let Ok(value) = HeaderValue::from_str(&last_modified) {
        headers.insert(header::LAST_MODIFIED, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Cookie, Accept-Language"),
    );
    response
}

struct Entry {
    /// `xml:lang` of the entry when it differs from the feed's; empty otherwise.
    lang: &'static str,
    id: String,
    title: String,
    updated: String,
    published: String,
    link: String,
    link_type: &'static str,
    category_term: &'static str,
    category_label: String,
    author: String,
    summary: String,
    content_html: String,
}

#[derive(Template)]
#[template(path = "atom.xml")]
struct AtomFeed {
    lang: &'static str,
    self_url: String,
    alternate_url: String,
    title: String,
    subtitle: String,
    updated: String,
    author: String,
    entries: Vec<Entry>,
}

fn base(app: &AppState) -> String {
    app.settings
        .base_url
        .as_str()
        .trim_end_matches('/')
        .to_string()
}

async fn agency_name(app: &AppState, id: &str) -> Result<String, sqlx::Error> {
    Ok(accounts::organisation::find_agency_by_id(app, id)
        .await?
        .map(|a| a.name_id)
        .unwrap_or_default())
}

/// Agency names looked up once per request (a feed has few authors and many entries).
#[derive(Default)]
struct AgencyNames(std::collections::HashMap<String, String>);

impl AgencyNames {
    async fn get(&mut self, app: &AppState, id: &str) -> Result<String, sqlx::Error> {
        if let Some(name) = self.0.get(id) {
            return Ok(name.clone());
        }
        let name = agency_name(app, id).await?;
        self.0.insert(id.to_string(), name.clone());
        Ok(name)
    }
}

/// The ETag of a feed, from what its entries are made of, so that a reader's repeated request
/// is answered (304) before anything is rendered. Agency names are left out: they change
/// almost never, and the next new version refreshes the feed anyway.
fn feed_etag(kind: &str, base: &str, rows: &[&AnnouncementRow], extra: &[String]) -> String {
    let mut text = format!("{kind}|{base}");
    for row in rows {
        text.push_str(&format!(
            "|{}:{}:{}:{}",
            row.id,
            row.version,
            row.updated_ms,
            row.shown_from_ms()
        ));
    }
    for part in extra {
        text.push('|');
        text.push_str(part);
    }
    etag_of(&text)
}

/// `?lang=en`: the English feed (entries without English text stay Indonesian, marked so).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct FeedQuery {
    lang: String,
}

impl FeedQuery {
    fn lang(&self) -> Lang {
        if self.lang == "en" {
            Lang::En
        } else {
            Lang::Id
        }
    }
}

async fn feed(
    app: &AppState,
    headers: &HeaderMap,
    category: Option<Category>,
    lang: Lang,
) -> Result<Response, WebError> {
    let now = clock::now_ms();
    let tr = Tr::new(lang, app.catalogue.clone());
    let query = if lang == Lang::En { "?lang=en" } else { "" };
    let rows: Vec<AnnouncementRow> = store::list_public_started(&app.db, now, FEED_SIZE * 4)
        .await?
        .into_iter()
        .filter(|r| category.is_none_or(|c| r.category == c))
        .take(usize::try_from(FEED_SIZE).unwrap_or(50))
        .collect();
    let base = base(app);
    let (self_url, title) = match category {
        Some(c) => (
            format!("{base}/feeds/announcements/{}.atom{query}", c.slug()),
            format!(
                "{} — {}",
                tr.t("announcements.feed_title"),
                tr.t(c.label_key())
            ),
        ),
        None => (
            format!("{base}/feeds/announcements.atom{query}"),
            tr.t("announcements.feed_title").to_string(),
        ),
    };
    let last_modified = rows
        .iter()
        .map(|r| r.updated_ms.max(r.shown_from_ms()))
        .max()
        .unwrap_or(0);
    let kind = category.map_or("all", Category::slug);
    let etag = feed_etag(
        kind,
        &base,
        &rows.iter().collect::<Vec<_>>(),
        &[lang.code().to_string()],
    );
    if is_fresh(headers, &etag, last_modified) {
        return Ok(with_validators(None, ATOM, &etag, last_modified, PUBLIC));
    }
    let mut names = AgencyNames::default();
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        let shown = row.shown(lang);
        entries.push(Entry {
            lang: if shown.lang == lang {
                ""
            } else {
                shown.lang.code()
            },
            id: format!("urn:uuid:{}", row.id),
            title: shown.texts.title.clone(),
            updated: wita_rfc3339(row.updated_ms.max(row.shown_from_ms())),
            published: wita_rfc3339(row.shown_from_ms()),
            link: format!("{base}/announcements/{}", row.id),
            link_type: "text/html",
            category_term: row.category.as_str(),
            category_label: tr.t(row.category.label_key()).to_string(),
            author: names.get(app, &row.owner_agency_id).await?,
            summary: shown.summary(),
            content_html: render::markdown_html(&shown.texts.body),
        });
    }
    let page = AtomFeed {
        lang: lang.code(),
        alternate_url: format!("{base}/announcements"),
        self_url,
        title,
        subtitle: tr.t("announcements.feed_subtitle").to_string(),
        // An empty feed still needs a valid `updated`: the epoch says "nothing yet".
        updated: wita_rfc3339(last_modified),
        author: tr.t("announcements.feed_author").to_string(),
        entries,
    };
    let body = page.render().map_err(|e| WebError::Internal(e.into()))?;
    Ok(with_validators(
        Some(body),
        ATOM,
        &etag,
        last_modified,
        PUBLIC,
    ))
}

async fn feed_all(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<FeedQuery>,
) -> Result<Response, WebError> {
    feed(&app, &headers, None, query.lang()).await
}

async fn feed_category(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
    Query(query): Query<FeedQuery>,
) -> Result<Response, WebError> {
    let category = file
        .strip_suffix(".atom")
        .and_then(Category::from_slug)
        .ok_or(WebError::NotFound)?;
    feed(&app, &headers, Some(category), query.lang()).await
}

/// The active alerts: for each urgent public announcement showing now, its latest CAP message.
async fn cap_index(State(app): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let now = clock::now_ms();
    let tr = Tr::new(Lang::Id, app.catalogue.clone());
    let base = base(&app);
    let mut entries = Vec::new();
    let mut names = AgencyNames::default();
    let mut last_modified = 0;
    for row in store::list_showing(&app.db, now).await? {
        if !publishing::is_cap_alert(row.urgent, row.audience) {
            continue;
        }
        let messages = store::list_cap_messages(&app.db, &row.id).await?;
        let Some(latest) = messages.iter().rev().find(|m| m.sent_ms <= now) else {
            continue;
        };
        if latest.msg_type == "Cancel" {
            continue;
        }
        last_modified = last_modified.max(latest.sent_ms);
        entries.push(Entry {
            lang: "",
            id: format!("urn:uuid:{}", latest.identifier),
            title: row.title.clone(),
            updated: wita_rfc3339(latest.sent_ms),
            published: wita_rfc3339(messages.first().map_or(latest.sent_ms, |m| m.sent_ms)),
            link: format!("{base}/cap/alerts/{}.xml", latest.identifier),
            link_type: "application/cap+xml",
            category_term: row.category.as_str(),
            category_label: tr.t(row.category.label_key()).to_string(),
            author: names.get(&app, &row.owner_agency_id).await?,
            summary: row.shown(Lang::Id).summary(),
            content_html: String::new(),
        });
    }
    let page = AtomFeed {
        lang: "id",
        self_url: format!("{base}/cap/alerts.xml"),
        alternate_url: format!("{base}/announcements"),
        title: tr.t("announcements.cap_index_title").to_string(),
        subtitle: tr.t("announcements.cap_index_subtitle").to_string(),
        updated: wita_rfc3339(last_modified),
        author: tr.t("announcements.feed_author").to_string(),
        entries,
    };
    let body = page.render().map_err(|e| WebError::Internal(e.into()))?;
    Ok(conditional(&headers, body, ATOM, last_modified, PUBLIC))
}

#[derive(Template)]
#[template(path = "cap_alert.xml")]
struct CapAlert {
    identifier: String,
    sender: &'static str,
    sent: String,
    msg_type: String,
    references: String,
    category: &'static str,
    urgency: &'static str,
    severity: &'static str,
    certainty: &'static str,
    effective: String,
    expires: Option<String>,
    sender_name: String,
    web: String,
    /// Indonesian first; a second block in English when that text exists.
    infos: Vec<CapInfo>,
}

/// One `info` block's language-dependent part.
struct CapInfo {
    language: &'static str,
    event: String,
    headline: String,
    description: String,
    instruction: String,
}

/// CAP `references`: every earlier message of the alert as "sender,identifier,sent".
fn references(earlier: &[CapMessageRow]) -> String {
    earlier
        .iter()
        .map(|m| format!("{CAP_SENDER},{},{}", m.identifier, wita_rfc3339(m.sent_ms)))
        .collect::<Vec<_>>()
        .join(" ")
}

async fn cap_document(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let now = clock::now_ms();
    let identifier = file.strip_suffix(".xml").ok_or(WebError::NotFound)?;
    let message = store::find_cap_message(&app.db, identifier)
        .await?
        .filter(|m| m.sent_ms <= now)
        .ok_or(WebError::NotFound)?;
    let row = store::find(&app.db, &message.announcement_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let versions = store::list_versions(&app.db, &row.id).await?;
    let text = versions
        .iter()
        .find(|v| v.version == message.version)
        .ok_or(WebError::NotFound)?;
    let all = store::list_cap_messages(&app.db, &row.id).await?;
    let earlier: Vec<CapMessageRow> = all
        .into_iter()
        .take_while(|m| m.identifier != message.identifier)
        .collect();
    let mut infos = vec![CapInfo {
        language: "id-ID",
        event: Tr::new(Lang::Id, app.catalogue.clone())
            .t(row.category.label_key())
            .to_string(),
        headline: text.title.clone(),
        description: text.body.clone(),
        instruction: text.instruction.clone(),
    }];
    if !text.english.is_empty() {
        infos.push(CapInfo {
            language: "en-US",
            event: Tr::new(Lang::En, app.catalogue.clone())
                .t(row.category.label_key())
                .to_string(),
            headline: text.english.title.clone(),
            description: text.english.body.clone(),
            instruction: text.english.instruction.clone(),
        });
    }
    let emergency = row.category == Category::Emergency;
    let expired_or_cancelled = message.msg_type == "Cancel";
    let document = CapAlert {
        identifier: message.identifier.clone(),
        sender: CAP_SENDER,
        sent: wita_rfc3339(message.sent_ms),
        msg_type: message.msg_type.clone(),
        references: if message.msg_type == "Alert" {
            String::new()
        } else {
            references(&earlier)
        },
        category: row.category.cap_category(),
        urgency: if expired_or_cancelled {
            "Past"
        } else if emergency {
            "Immediate"
        } else {
            "Expected"
        },
        severity: if emergency { "Severe" } else { "Moderate" },
        certainty: if emergency { "Observed" } else { "Likely" },
        effective: wita_rfc3339(row.shown_from_ms()),
        expires: row.expires_at_ms.map(wita_rfc3339),
        sender_name: agency_name(&app, &row.owner_agency_id).await?,
        infos,
        web: format!("{}/announcements/{}", base(&app), row.id),
    };
    let body = document
        .render()
        .map_err(|e| WebError::Internal(e.into()))?;
    Ok(conditional(
        &headers,
        body,
        "application/cap+xml; charset=utf-8",
        message.sent_ms,
        PUBLIC,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_carry_the_wita_offset() {
        // 2026-12-02T01:00:00Z is 09:00 in Kupang.
        assert_eq!(wita_rfc3339(1_796_173_200_000), "2026-12-02T09:00:00+08:00");
    }

    #[test]
    fn http_dates_round_trip() {
        let ms = 1_796_173_200_000;
        assert_eq!(http_date(ms), "Wed, 02 Dec 2026 01:00:00 GMT");
        assert_eq!(parse_http_date(&http_date(ms)), Some(ms));
    }
}
