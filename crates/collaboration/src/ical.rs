//! iCalendar feeds (RFC 5545): one event, an agency's public events, and a person's own events
//! behind a secret-token URL (calendar apps subscribe without a cookie). Lines end in CRLF and
//! are folded at 75 octets without splitting a character (§3.1); TEXT values escape backslash,
//! semicolon, comma and line breaks (§3.3.11); times are UTC (`…Z`, §3.3.5); every event has a
//! stable UID and a DTSTAMP (§3.8.7.2). Owns `calendar_tokens` (only the SHA-256 of a token).

use jiff::Timestamp;
use platform::{AppState, audit, auth::CurrentUser, clock, ids};
use sqlx::Row as _;

use crate::{error::CollaborationError, events::Event};

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line: at most 75 octets per physical line, continuation lines start with
/// a space, never inside a UTF-8 sequence (RFC 5545 §3.1). Ends with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut width = 0;
    for c in line.chars() {
        let size = c.len_utf8();
        // The first line holds 75 octets; a continuation line holds 74 after its leading space.
        if width + size > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += size;
    }
    out.push_str("\r\n");
    out
}

/// A UTC instant as `YYYYMMDDTHHMMSSZ`.
pub fn utc(ms: i64) -> String {
    Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_else(|_| String::from("19700101T000000Z"))
}

/// A whole calendar of `events` named `name`; `base_url` makes the links.
pub fn calendar(name: &str, events: &[Event], base_url: &str) -> String {
    let base = base_url.trim_end_matches('/');
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Sigap Kecamatan Alak//Kolaborasi//ID",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        out.push_str(&fold(line));
    }
    out.push_str(&fold(&format!("X-WR-CALNAME:{}", escape(name))));
    out.push_str(&fold("X-WR-TIMEZONE:Asia/Makassar"));
    for event in events {
        let location = match (event.place.is_empty(), event.online_url.is_empty()) {
            (false, false) => format!("{} ({})", event.place, event.online_url),
            (false, true) => event.place.clone(),
            _ => event.online_url.clone(),
        };
        let mut description = event.description.clone();
        let organisers = event.organiser_names();
        if !organisers.is_empty() {
            description = format!("{description}\n\nPenyelenggara: {organisers}");
        }
        if event.jp > 0 {
            description = format!("{description}\n{} JP", event.jp);
        }
        let lines = [
            "BEGIN:VEVENT".to_string(),
            format!("UID:event-{}@sigap.alak", event.id),
            format!("DTSTAMP:{}", utc(event.updated_ms)),
            format!("DTSTART:{}", utc(event.starts_ms)),
            format!("DTEND:{}", utc(event.ends_ms)),
            format!("SEQUENCE:{}", event.sequence),
            format!("SUMMARY:{}", escape(&event.title)),
            format!("DESCRIPTION:{}", escape(description.trim())),
            format!("LOCATION:{}", escape(&location)),
            format!("URL:{base}/events/{}", event.id),
            format!(
                "STATUS:{}",
                if event.cancelled {
                    "CANCELLED"
                } else {
                    "CONFIRMED"
                }
            ),
            "END:VEVENT".to_string(),
        ];
        for line in lines {
            out.push_str(&fold(&line));
        }
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

/// Creates (or replaces) the person's feed token; returns it once, to be shown as a URL.
/// A replaced token stops working at once.
pub async fn new_feed_token(
    app: &AppState,
    user: &CurrentUser,
) -> Result<String, CollaborationError> {
    let token = ids::random_secret();
    let mut tx = app.db.begin().await?;
    sqlx::query(
        "INSERT INTO calendar_tokens (user_id, token_hash, created_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_ms = excluded.created_ms",
    )
    .bind(&user.id)
    .bind(ids::sha256_hex(token.as_bytes()))
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "calendar.token_created",
            subject: &format!("user:{}", user.id),
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Whether the person has a feed token (the URL itself is shown only when created).
pub async fn has_feed_token(
    app: &AppState,
    user: &CurrentUser,
) -> Result<bool, CollaborationError> {
    Ok(
        sqlx::query("SELECT 1 AS one FROM calendar_tokens WHERE user_id = $1")
            .bind(&user.id)
            .fetch_optional(&app.db.read)
            .await?
            .is_some(),
    )
}

/// The personal feed behind `token`: the events its owner registered for or waits for.
pub async fn personal_feed(app: &AppState, token: &str) -> Result<String, CollaborationError> {
    let user_id: String = sqlx::query("SELECT user_id FROM calendar_tokens WHERE token_hash = $1")
        .bind(ids::sha256_hex(token.trim().as_bytes()))
        .fetch_optional(&app.db.read)
        .await?
        .ok_or(CollaborationError::NotFound)?
        .try_get("user_id")?;
    let events: Vec<Event> = crate::registrations::my_events_of(app, &user_id)
        .await?
        .into_iter()
        .map(|(event, _)| event)
        .collect();
    Ok(calendar(
        "Sigap: acara saya",
        &events,
        app.settings.base_url.as_str(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_escape_the_four_specials() {
        assert_eq!(
            escape("Rapat; lintas, dinas\\kota\nbaris 2"),
            "Rapat\\; lintas\\, dinas\\\\kota\\nbaris 2"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let line = format!("SUMMARY:{}", "é".repeat(100));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        for physical in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
    }

    #[test]
    fn instants_are_utc() {
        // 2026-12-10 09:00 WITA is 01:00 UTC.
        assert_eq!(utc(1_796_864_400_000), "20261210T010000Z");
    }
}
