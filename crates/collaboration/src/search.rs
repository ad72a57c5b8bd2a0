//! Full-text search of the knowledge base: the one place where SQLite and PostgreSQL differ.
//! [`FullText`] gives the backend's SQL for keeping an article's entry up to date and for a
//! ranked search with highlighted snippets; [`full_text`] picks it from the backend of the URL.
//! Both search queries filter by who may read before ranking, so a snippet is only ever made
//! from an article the searcher may open.
//!
//! Indonesian: no stemmer ships for it (and affixes such as *pe-an*, *ke-an* defeat simple ones),
//! so words are lowercased (SQLite also drops diacritics) and every query word matches as a
//! prefix: `pendidik` finds *pendidikan*, `sehat` finds *sehat* and *sehatan*.

use platform::config::Backend;

/// How many readable matches are ranked at most. A query matching more (a word in most
/// articles) is ranked among its newest (SQLite) or first found (PostgreSQL) readable matches:
/// ranking costs per match (bm25 and ts_rank read each entry), and 1,000 keeps a search of a
/// word found in a fifth of 100,000 articles near 10 ms; such a query needs another word anyway.
const CANDIDATES: u32 = 1000;

/// The values a statement binds, in its placeholder order.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Arg {
    Id,
    Title,
    Body,
    Tags,
}

/// Marks around the matched words in a snippet: control characters, which stored text never
/// contains (`clean_text` drops them), so they are replaced by `<mark>` after escaping.
pub(crate) const MARK_START: char = '\u{2}';
pub(crate) const MARK_END: char = '\u{3}';

pub(crate) trait FullText: Sync {
    /// Statements that write one article's entry, each with its arguments.
    fn reindex(&self) -> &'static [(&'static str, &'static [Arg])];
    /// The ranked search. Binds `$1` the query (from [`FullText::query`]), `$2` the searcher's
    /// user id, `$3` 1 for a superadmin (reads everything) else 0, `$4` the row limit.
    /// Returns `id, title, agency_code, agency_name, updated_ms, body` (snippets are made from
    /// the bodies of the page of hits by [`snippet`], the same on both backends).
    fn search(&self) -> String;
    /// The backend's query text for normalised words (letters and digits only).
    fn query(&self, words: &[String]) -> String;
}

/// Who may read an article `a` (staff of the owner; of a chosen agency; everyone for `all`):
/// `$2` the reader's user id, `$3` 1 for a superadmin.
pub(crate) const READABLE: &str = "($3 = 1 OR a.sharing = 'all' OR EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = $2 AND \
     (g.agency_id = a.agency_id OR (a.sharing = 'agencies' AND EXISTS (SELECT 1 FROM article_shares sh \
     WHERE sh.article_id = a.id AND sh.agency_id = g.agency_id)))))";

struct SqliteFts5;

impl FullText for SqliteFts5 {
    fn reindex(&self) -> &'static [(&'static str, &'static [Arg])] {
        &[
            (
                "INSERT INTO article_search_rows (article_id) VALUES ($1) ON CONFLICT (article_id) DO NOTHING",
                &[Arg::Id],
            ),
            (
                "DELETE FROM article_search WHERE rowid = (SELECT search_rowid FROM article_search_rows WHERE article_id = $1)",
                &[Arg::Id],
            ),
            (
                "INSERT INTO article_search (rowid, title, body, tags) \
                 SELECT search_rowid, $2, $3, $4 FROM article_search_rows WHERE article_id = $1",
                &[Arg::Id, Arg::Title, Arg::Body, Arg::Tags],
            ),
        ]
    }

    fn search(&self) -> String {
        // One pass over the index: FTS5 walks the matches newest first (its rowid order), the
        // reader's rule is checked per match, and bm25 is computed only for the CANDIDATES rows
        // it keeps; those are then ranked. (Ranking every match, or matching a second time for
        // snippets, cost tens of milliseconds for common words.)
        format!(
            "WITH recent AS MATERIALIZED (SELECT a.id AS id, bm25(article_search, 8.0, 1.0, 4.0) AS score \
             FROM article_search JOIN article_search_rows r ON r.search_rowid = article_search.rowid \
             JOIN articles a ON a.id = r.article_id \
             WHERE article_search MATCH $1 AND {READABLE} ORDER BY article_search.rowid DESC LIMIT {CANDIDATES}), \
             top AS MATERIALIZED (SELECT id, score FROM recent ORDER BY score, id LIMIT $4) \
             SELECT a.id, a.title, ag.code AS agency_code, ag.name_id AS agency_name, a.updated_ms, a.body \
             FROM top JOIN articles a ON a.id = top.id JOIN agencies ag ON ag.id = a.agency_id \
             ORDER BY top.score, a.id"
        )
    }

    fn query(&self, words: &[String]) -> String {
        words
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

struct PostgresTsvector;

impl FullText for PostgresTsvector {
    fn reindex(&self) -> &'static [(&'static str, &'static [Arg])] {
        &[(
            "INSERT INTO article_search (article_id, document) VALUES ($1, \
             setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $4), 'B') || \
             setweight(to_tsvector('simple', $3), 'C')) \
             ON CONFLICT (article_id) DO UPDATE SET document = excluded.document",
            &[Arg::Id, Arg::Title, Arg::Body, Arg::Tags],
        )]
    }

    fn search(&self) -> String {
        // At most CANDIDATES readable matches are ranked (ts_rank reads each whole tsvector).
        format!(
            "WITH q AS (SELECT to_tsquery('simple', $1) AS query), \
             candidates AS MATERIALIZED (SELECT a.id, s.document FROM q JOIN article_search s ON s.document @@ q.query \
             JOIN articles a ON a.id = s.article_id WHERE {READABLE} LIMIT {CANDIDATES}), \
             top AS MATERIALIZED (SELECT c.id, ts_rank(c.document, q.query) AS score FROM candidates c, q \
             ORDER BY score DESC, c.id LIMIT $4) \
             SELECT a.id, a.title, ag.code AS agency_code, ag.name_id AS agency_name, a.updated_ms, a.body \
             FROM top JOIN articles a ON a.id = top.id JOIN agencies ag ON ag.id = a.agency_id \
             ORDER BY top.score DESC, a.id"
        )
    }

    fn query(&self, words: &[String]) -> String {
        words
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

/// The full-text search of the running backend.
pub(crate) fn full_text(backend: Backend) -> &'static dyn FullText {
    match backend {
        Backend::Sqlite => &SqliteFts5,
        Backend::Postgres => &PostgresTsvector,
    }
}

/// The words of a query: lowercased runs of letters and digits, at most 8, each at most 40
/// characters (so nothing of the backend's query syntax can come through).
pub(crate) fn words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().chars().take(40).collect::<String>())
        .take(8)
        .collect()
}

/// About 24 words of `body` around the first word that matches a query word (each query word
/// matches as a prefix, as the search does), with every matching word between [`MARK_START`]
/// and [`MARK_END`]; the start of the body when only the title or tags matched.
pub(crate) fn snippet(body: &str, words: &[String]) -> String {
    const BEFORE: usize = 8;
    const LENGTH: usize = 24;
    let tokens: Vec<&str> = body.split_whitespace().collect();
    let matches = |token: &str| {
        let bare: String = token
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        !bare.is_empty() && words.iter().any(|w| bare.starts_with(w.as_str()))
    };
    let first = tokens.iter().position(|t| matches(t)).unwrap_or(0);
    let start = first.saturating_sub(BEFORE);
    let end = (start + LENGTH).min(tokens.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    for (i, token) in tokens[start..end].iter().enumerate() {
        if i > 0 || start > 0 {
            out.push(' ');
        }
        if matches(token) {
            out.push(MARK_START);
            out.push_str(token);
            out.push(MARK_END);
        } else {
            out.push_str(token);
        }
    }
    if end < tokens.len() {
        out.push_str(" …");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snippet_marks_prefix_matches_around_the_first_one() {
        let body = format!(
            "{} Posyandu **Pendidikan** anak, sehat. {}",
            "kata ".repeat(20),
            "akhir ".repeat(30)
        );
        let snippet = snippet(&body, &["pendidik".to_string(), "sehat".to_string()]);
        assert!(snippet.starts_with("… kata"), "{snippet}");
        assert!(
            snippet.contains("\u{2}**Pendidikan**\u{3}") && snippet.contains("\u{2}sehat.\u{3}"),
            "{snippet}"
        );
        assert!(snippet.ends_with(" …") && !snippet.contains("\u{2}kata"));
        assert_eq!(snippet_of_title_only(), "awal tengah");
    }

    fn snippet_of_title_only() -> String {
        snippet("awal tengah", &["judul".to_string()])
    }

    #[test]
    fn query_words_keep_only_letters_and_digits() {
        assert_eq!(
            words("Pendidikan\" OR 1=1; -- *KESEHATAN* (2026)"),
            ["pendidikan", "or", "1", "1", "kesehatan", "2026"]
        );
        assert_eq!(
            full_text(Backend::Sqlite).query(&words("sehat anak")),
            "\"sehat\"* \"anak\"*"
        );
        assert_eq!(
            full_text(Backend::Postgres).query(&words("sehat anak")),
            "sehat:* & anak:*"
        );
    }
}
