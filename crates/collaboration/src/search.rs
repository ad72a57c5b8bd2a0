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
/// ranked among its newest (SQLite) or first found (PostgreSQL) readable matches: ranking every
/// match of 100,000 articles takes hundreds of milliseconds, and such a query needs another word.
const CANDIDATES: u32 = 5000;

/// The values a statement binds, in its placeholder order.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Arg {
    Id,
    Title,
    Body,
    Tags,
    Readers,
}

/// Marks around the matched words in a snippet: control characters, which stored text never
/// contains (`clean_text` drops them), so they are replaced by `<mark>` after escaping.
pub(crate) const MARK_START: char = '\u{2}';
pub(crate) const MARK_END: char = '\u{3}';

/// Who may read an article, as words of its search entry: `rall` when shared with all agencies,
/// else `r<agency id>` for the owner and each agency it is shared with. A search asks for the
/// reader's own tokens in the same index lookup as the words, so the index hands back only
/// readable matches (filtering afterwards meant checking every match of a common word).
pub(crate) fn article_readers(sharing: &str, owner_id: &str, shared_with: &[&str]) -> String {
    if sharing == "all" {
        return "rall".to_string();
    }
    let mut tokens = vec![reader_token(owner_id)];
    if sharing == "agencies" {
        tokens.extend(shared_with.iter().map(|id| reader_token(id)));
    }
    tokens.join(" ")
}

/// The tokens of a reader who is staff of `agency_ids` (any role): what is shared with all,
/// and what their agencies own or were given.
pub(crate) fn reader_tokens<'a>(agency_ids: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut tokens = vec!["rall".to_string()];
    tokens.extend(agency_ids.into_iter().map(reader_token));
    tokens.sort();
    tokens.dedup();
    tokens
}

/// An agency id as one index word (ids are UUIDs: the tokenisers split at hyphens).
fn reader_token(agency_id: &str) -> String {
    let id: String = agency_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("r{}", id.to_ascii_lowercase())
}

/// A backend's search statement and the texts it binds.
pub(crate) struct SearchStatement {
    /// Binds `$1` [`SearchStatement::query`], `$2` the searcher's user id, `$3` 1 for a
    /// superadmin (reads everything) else 0, `$4` the row limit, then `$5`
    /// [`SearchStatement::readers`] when there is one. Returns `id, title, agency_code,
    /// agency_name, updated_ms, snippet`.
    pub sql: String,
    pub query: String,
    pub readers: Option<String>,
}

pub(crate) trait FullText: Sync {
    /// Statements that write one article's entry, each with its arguments.
    fn reindex(&self) -> &'static [(&'static str, &'static [Arg])];
    /// The ranked search for normalised `words` (letters and digits only), limited to the
    /// articles of `readers` ([`reader_tokens`]); `None` reads everything (a superadmin).
    fn search(&self, words: &[String], readers: Option<&[String]>) -> SearchStatement;
}

/// Who may read an article `a` (staff of the owner; of a chosen agency; everyone for `all`):
/// `$2` the reader's user id, `$3` 1 for a superadmin. The index's reader tokens already narrow
/// a search to these; the page of hits is checked again with this rule, so a stale entry can
/// never show a snippet of an article its reader may not open.
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
                "INSERT INTO article_search (rowid, title, body, tags, readers) \
                 SELECT search_rowid, $2, $3, $4, $5 FROM article_search_rows WHERE article_id = $1",
                &[Arg::Id, Arg::Title, Arg::Body, Arg::Tags, Arg::Readers],
            ),
        ]
    }

    fn search(&self, words: &[String], readers: Option<&[String]>) -> SearchStatement {
        // The words are looked for in title, body and tags only (a reader token is never a
        // hit), and the reader's tokens in `readers` by the same MATCH. Three steps: the newest
        // CANDIDATES matches (FTS5 walks its index by rowid and stops), ranked with bm25
        // (`readers` weighs nothing), and snippets (from the body) only for the page of hits
        // (SQLite computes result columns for every row it sorts).
        let phrases = words
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" ");
        let mut query = format!("{{title body tags}} : ({phrases})");
        if let Some(readers) = readers {
            let tokens = readers
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(" OR ");
            query.push_str(&format!(" AND readers : ({tokens})"));
        }
        SearchStatement {
            sql: format!(
                "WITH recent AS MATERIALIZED (SELECT MIN(rowid) AS low FROM (SELECT rowid FROM article_search \
                 WHERE article_search MATCH $1 ORDER BY rowid DESC LIMIT {CANDIDATES})), \
                 top AS MATERIALIZED (SELECT rowid AS search_rowid, bm25(article_search, 8.0, 1.0, 4.0, 0.0) AS score \
                 FROM article_search WHERE article_search MATCH $1 AND rowid >= (SELECT low FROM recent) \
                 ORDER BY score, rowid LIMIT $4) \
                 SELECT a.id, a.title, ag.code AS agency_code, ag.name_id AS agency_name, a.updated_ms, \
                 snippet(article_search, 1, char(2), char(3), '…', 24) AS snippet \
                 FROM top JOIN article_search ON article_search.rowid = top.search_rowid \
                 JOIN article_search_rows r ON r.search_rowid = top.search_rowid \
                 JOIN articles a ON a.id = r.article_id JOIN agencies ag ON ag.id = a.agency_id \
                 WHERE article_search MATCH $1 AND {READABLE} ORDER BY top.score, top.search_rowid"
            ),
            query,
            readers: None,
        }
    }
}

struct PostgresTsvector;

impl FullText for PostgresTsvector {
    fn reindex(&self) -> &'static [(&'static str, &'static [Arg])] {
        &[(
            "INSERT INTO article_search (article_id, document, readers) VALUES ($1, \
             setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $4), 'B') || \
             setweight(to_tsvector('simple', $3), 'C'), to_tsvector('simple', $5)) \
             ON CONFLICT (article_id) DO UPDATE SET document = excluded.document, readers = excluded.readers",
            &[Arg::Id, Arg::Title, Arg::Body, Arg::Tags, Arg::Readers],
        )]
    }

    fn search(&self, words: &[String], readers: Option<&[String]>) -> SearchStatement {
        // The reader's tokens are matched against `readers` (a GIN index of its own, which
        // PostgreSQL ANDs with the document's), so every candidate is readable. At most
        // CANDIDATES are ranked (ts_rank reads each whole tsvector), and headlines are made for
        // the page of hits only.
        let query = words
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & ");
        let (filter, readers) = match readers {
            Some(tokens) => (
                " AND s.readers @@ to_tsquery('simple', $5)",
                Some(tokens.join(" | ")),
            ),
            None => ("", None),
        };
        SearchStatement {
            sql: format!(
                "WITH q AS (SELECT to_tsquery('simple', $1) AS query), \
                 candidates AS MATERIALIZED (SELECT s.article_id AS id, s.document FROM q JOIN article_search s \
                 ON s.document @@ q.query{filter} LIMIT {CANDIDATES}), \
                 top AS MATERIALIZED (SELECT c.id, ts_rank(c.document, q.query) AS score FROM candidates c, q \
                 ORDER BY score DESC, c.id LIMIT $4) \
                 SELECT a.id, a.title, ag.code AS agency_code, ag.name_id AS agency_name, a.updated_ms, \
                 ts_headline('simple', a.body, q.query, 'StartSel=\u{2}, StopSel=\u{3}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"') AS snippet \
                 FROM top JOIN articles a ON a.id = top.id JOIN agencies ag ON ag.id = a.agency_id, q \
                 WHERE {READABLE} ORDER BY top.score DESC, a.id"
            ),
            query,
            readers,
        }
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
        let words = words("sehat anak");
        let readers = reader_tokens(["0193-ab", "0193-AB", "7f"]);
        assert_eq!(
            readers,
            ["r0193ab", "r7f", "rall"],
            "one token per agency, no hyphen"
        );
        let sqlite = full_text(Backend::Sqlite).search(&words, Some(&readers));
        assert_eq!(
            sqlite.query,
            "{title body tags} : (\"sehat\"* \"anak\"*) AND readers : (\"r0193ab\" OR \"r7f\" OR \"rall\")"
        );
        let postgres = full_text(Backend::Postgres).search(&words, Some(&readers));
        assert_eq!(postgres.query, "sehat:* & anak:*");
        assert_eq!(postgres.readers.as_deref(), Some("r0193ab | r7f | rall"));
        let everything = full_text(Backend::Postgres).search(&words, None);
        assert!(everything.readers.is_none() && !everything.sql.contains("$5"));
    }

    #[test]
    fn an_article_is_read_by_all_or_by_its_owner_and_the_agencies_it_is_shared_with() {
        assert_eq!(article_readers("all", "a-1", &["b-2"]), "rall");
        assert_eq!(article_readers("own", "a-1", &["b-2"]), "ra1");
        assert_eq!(
            article_readers("agencies", "a-1", &["b-2", "c-3"]),
            "ra1 rb2 rc3"
        );
    }
}
