//! Browsing the knowledge base by tag: the tags with how many articles carry them, and the
//! articles of one tag, newest first, a page at a time. Both count and show only what the
//! reader may read ([`crate::search::READABLE`], the rule of the search and the list), so a tag
//! that only appears on articles someone may not read is not even listed for them.
//!
//! Owns `article_tags`: one row per tag of an article, written by [`write`] in the transaction
//! that saves the article (`articles.tags` stays the text shown and kept in versions).

use platform::{
    AppState,
    auth::{CurrentUser, Role},
};
use serde::Serialize;
use sqlx::{AnyConnection, Row as _};
use utoipa::ToSchema;

use crate::{
    error::CollaborationError,
    knowledge::{self, Article},
    search::READABLE,
};

/// Articles on one page of a tag.
pub const PER_PAGE: i64 = 20;
/// At most this many tags are listed (the most used first).
pub const MOST_TAGS: i64 = 500;

/// A tag and how many of the articles the reader may read carry it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TagCount {
    pub tag: String,
    pub count: i64,
}

/// One page of the articles of a tag.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TagPage {
    pub tag: String,
    /// From 1.
    pub page: i64,
    pub per_page: i64,
    /// Articles with this tag the reader may read (on all pages).
    pub total: i64,
    pub articles: Vec<Article>,
}

impl TagPage {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// Replaces the tag rows of an article (inside the transaction that saves it).
pub(crate) async fn write(
    conn: &mut AnyConnection,
    article_id: &str,
    tags: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM article_tags WHERE article_id = $1")
        .bind(article_id)
        .execute(&mut *conn)
        .await?;
    for tag in tags {
        // Two typed tags that differ only after the 40th character become one.
        sqlx::query(
            "INSERT INTO article_tags (article_id, tag) VALUES ($1, $2) ON CONFLICT (article_id, tag) DO NOTHING",
        )
        .bind(article_id)
        .bind(tag)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A tag as typed (or from a link) in its stored form; `None` when it names no single tag.
pub fn normalise(raw: &str) -> Option<String> {
    let mut tags = knowledge::tags_of(raw);
    (tags.len() == 1).then(|| tags.remove(0))
}

/// The path of a tag's page, the tag percent-encoded as one path segment.
pub fn path(tag: &str) -> String {
    let mut out = String::from("/knowledge/tags/");
    for byte in tag.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn staff_only(user: &CurrentUser) -> Result<(), CollaborationError> {
    if user.is_citizen() {
        Err(CollaborationError::Forbidden)
    } else {
        Ok(())
    }
}

/// The tags of the articles `user` may read, the most used first (then by name).
pub async fn tag_counts(
    app: &AppState,
    user: &CurrentUser,
) -> Result<Vec<TagCount>, CollaborationError> {
    staff_only(user)?;
    let rows = sqlx::query(&format!(
        "SELECT t.tag, COUNT(*) AS n FROM article_tags t JOIN articles a ON a.id = t.article_id \
         WHERE {READABLE} GROUP BY t.tag ORDER BY COUNT(*) DESC, t.tag LIMIT $1"
    ))
    .bind(MOST_TAGS)
    .bind(&user.id)
    .bind(i64::from(user.has_role(Role::Superadmin)))
    .fetch_all(&app.db.read)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TagCount {
                tag: r.try_get("tag")?,
                count: r.try_get("n")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Page `page` (from 1) of the articles with `tag` that `user` may read, newest first (last
/// saved). An unknown tag, or one only on articles the reader may not read, has no articles.
pub async fn articles_tagged(
    app: &AppState,
    user: &CurrentUser,
    tag: &str,
    page: i64,
) -> Result<TagPage, CollaborationError> {
    staff_only(user)?;
    let page = page.clamp(1, 10_000);
    let Some(tag) = normalise(tag) else {
        return Ok(TagPage {
            tag: tag.trim().to_string(),
            page,
            per_page: PER_PAGE,
            total: 0,
            articles: Vec::new(),
        });
    };
    let superadmin = i64::from(user.has_role(Role::Superadmin));
    let total: i64 = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM article_tags t JOIN articles a ON a.id = t.article_id \
         WHERE t.tag = $1 AND {READABLE}"
    ))
    .bind(&tag)
    .bind(&user.id)
    .bind(superadmin)
    .fetch_one(&app.db.read)
    .await?
    .try_get("n")?;
    let rows = sqlx::query(&format!(
        "SELECT {} {} JOIN article_tags t ON t.article_id = a.id WHERE t.tag = $1 AND {READABLE} \
         ORDER BY a.updated_ms DESC, a.id LIMIT $4 OFFSET $5",
        knowledge::COLUMNS,
        knowledge::FROM
    ))
    .bind(&tag)
    .bind(&user.id)
    .bind(superadmin)
    .bind(PER_PAGE)
    .bind((page - 1) * PER_PAGE)
    .fetch_all(&app.db.read)
    .await?;
    Ok(TagPage {
        tag,
        page,
        per_page: PER_PAGE,
        total,
        articles: rows
            .iter()
            .map(knowledge::article_row)
            .collect::<Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_path_is_one_percent_encoded_segment() {
        assert_eq!(path("gizi anak"), "/knowledge/tags/gizi%20anak");
        assert_eq!(path("a/b?c#d"), "/knowledge/tags/a%2Fb%3Fc%23d");
        assert_eq!(path("ibu-hamil_2026"), "/knowledge/tags/ibu-hamil_2026");
        assert_eq!(path("é"), "/knowledge/tags/%C3%A9");
    }

    #[test]
    fn a_tag_from_a_link_is_normalised_like_a_typed_one() {
        assert_eq!(normalise("  Gizi   Anak "), Some("gizi anak".into()));
        assert_eq!(normalise("gizi, anak"), None);
        assert_eq!(normalise(" "), None);
    }
}
