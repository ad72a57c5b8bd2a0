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

/// How many matches are ranked at most. A query matching more (a word in most articles) is
/// ranked among its newest (SQLite) or first found (PostgreSQL) matches: ranking every match
/// of 100,000 articles takes hundreds of milliseconds, and such a query needs another word.
const CANDIDATES: u32 = 5000;

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
    /// Returns `id, title, agency_code, agency_name, updated_ms, snippet`.
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
        // Three steps: the newest CANDIDATES matches (FTS5 walks its index by rowid and stops),
        // ranked with bm25 among those the reader may see, and snippets only for the page of
        // hits (SQLite computes result columns for every row it sorts).
        format!(
            "WITH recent AS MATERIALIZED (SELECT MIN(rowid) AS low FROM (SELECT rowid FROM article_search \
             WHERE article_search MATCH $1 ORDER BY rowid DESC LIMIT {CANDIDATES})), \
             top AS MATERIALIZED (SELECT article_search.rowid AS search_rowid, a.id AS article_id, \
             bm25(article_search, 8.0, 1.0, 4.0) AS score \
             FROM article_search JOIN article_search_rows r ON r.search_rowid = article_search.rowid \
             JOIN articles a ON a.id = r.article_id \
             WHERE article_search MATCH $1 AND article_search.rowid >= (SELECT low FROM recent) AND {READABLE} \
             ORDER BY score, a.id LIMIT $4) \
             SELECT a.id, a.title, ag.code AS agency_code, ag.name_id AS agency_name, a.updated_ms, \
             snippet(article_search, -1, char(2), char(3), '…', 24) AS snippet \
             FROM top JOIN article_search ON article_search.rowid = top.search_rowid \
             JOIN articles a ON a.id = top.article_id JOIN agencies ag ON ag.id = a.agency_id \
             WHERE article_search MATCH $1 ORDER BY top.score, a.id"
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
        // At most CANDIDATES readable matches are ranked (ts_rank reads each whole tsvector),
        // and headlines are made for the page of hits only.
        format!(
            "WITH q AS (SELECT to_tsquery('simple', $1) AS query), \
             candidates AS MATERIALIZED (SELECT a.id, s.document FROM q JOIN article_search s ON s.document @@ q.query \
             JOIN articles a ON a.id = s.article_id WHERE {READABLE} LIMIT {CANDIDATES}), \
             top AS MATERIALIZED (SELECT c.id, ts_rank(c.document, q.query) AS score FROM candidates c, q \
             ORDER BY score DESC, c.id LIMIT $4) \
             SELECT a.id, a.title, ag.code AS agency_code, ag.name_id AS agency_name, a.updated_ms, \
             ts_headline('simple', a.body, q.query, 'StartSel=\u{2}, StopSel=\u{3}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"') AS snippet \
             FROM top JOIN articles a ON a.id = top.id JOIN agencies ag ON ag.id = a.agency_id, q \
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

#[cfg(test)]
mod tests {
    use super::*;

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
