//! The knowledge base: articles (Markdown) and documents (an uploaded file with a description)
//! owned by an agency and shared with all agencies or chosen ones; every save is kept as a
//! version (diffs between versions are shown); staff of agencies that may read an article
//! comment on it or ask questions. Edits are optimistic: a save names the version it started
//! from and is refused, with the typed text kept, when someone saved meanwhile. Owns
//! `articles`, `article_shares`, `article_versions`, `article_comments` and, through
//! [`crate::search`], the search entries.

use platform::{
    AppState, audit,
    auth::{CurrentUser, Role},
    blobs::FileKind,
    clock, ids,
};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row as _, any::AnyRow};
use utoipa::ToSchema;

use crate::{
    MANAGING_ROLES,
    error::CollaborationError,
    events::{AgencyRef, resolve_agencies},
    files,
    search::{self, Arg, MARK_END, MARK_START},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sharing {
    /// Staff of the owning agency only.
    Own,
    /// Staff of the owning agency and of the chosen agencies.
    Agencies,
    /// Staff of every agency.
    All,
}

impl Sharing {
    pub const ALL: [Sharing; 3] = [Sharing::Own, Sharing::Agencies, Sharing::All];
    pub fn as_str(self) -> &'static str {
        match self {
            Sharing::Own => "own",
            Sharing::Agencies => "agencies",
            Sharing::All => "all",
        }
    }
    pub fn parse(raw: &str) -> Option<Sharing> {
        Sharing::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Sharing::Own => "collaboration.sharing_own",
            Sharing::Agencies => "collaboration.sharing_agencies",
            Sharing::All => "collaboration.sharing_all",
        }
    }
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Article {
    pub id: String,
    pub agency: AgencyRef,
    pub title: String,
    /// Markdown as written.
    pub body: String,
    pub tags: Vec<String>,
    pub sharing: Sharing,
    pub shared_with: Vec<AgencyRef>,
    /// Grows by one with every save; an edit names the version it started from.
    pub version: i64,
    /// A document's file (PDF, JPEG or PNG), if the entry is a document.
    pub file_name: Option<String>,
    pub file_kind: Option<FileKind>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub updated_by_name: String,
}

impl Article {
    /// Who may read: staff of the owner, of a chosen agency, anyone on staff for `all`.
    pub fn readable_by(&self, user: &CurrentUser) -> bool {
        if user.is_citizen() {
            return false;
        }
        user.has_role(Role::Superadmin)
            || self.sharing == Sharing::All
            || user.grants.iter().any(|g| {
                g.agency_id == self.agency.id
                    || (self.sharing == Sharing::Agencies
                        && self.shared_with.iter().any(|a| a.id == g.agency_id))
            })
    }

    /// Who may edit: communications or service admin of the owner, or a superadmin.
    pub fn editable_by(&self, user: &CurrentUser) -> bool {
        crate::manages_any(user, std::slice::from_ref(&self.agency.id))
    }
}

/// What an author types (web form and JSON alike).
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(default)]
pub struct ArticleInput {
    /// Code of the owning agency (on creation; ignored on edits).
    pub agency_code: String,
    pub title: String,
    /// Markdown; raw HTML in it is shown harmless.
    pub body: String,
    /// Tags separated by commas.
    pub tags: String,
    /// `own`, `agencies` or `all`.
    pub sharing: String,
    /// With sharing `agencies`: agency codes separated by commas.
    pub shared_with: String,
    /// On edits: the version the edit started from.
    pub base_version: String,
}

struct ArticleDraft {
    title: String,
    body: String,
    tags: Vec<String>,
    sharing: Sharing,
    shared_with: Vec<AgencyRef>,
}

pub(crate) fn tags_of(raw: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    // Cut to 40 characters before the duplicate check: two long tags that differ only past the
    // cut are one tag, and a second copy would break article_tags' primary key on save.
    for tag in raw.split(',').map(|t| {
        crate::one_line(t)
            .to_lowercase()
            .chars()
            .take(40)
            .collect::<String>()
    }) {
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags
}

async fn check(
    app: &AppState,
    input: &ArticleInput,
    has_file: bool,
) -> Result<ArticleDraft, CollaborationError> {
    let mut problems: Vec<(String, &'static str)> = Vec::new();
    let title = crate::one_line(&input.title);
    if title.chars().count() < 3 || title.chars().count() > 200 {
        problems.push(("title".into(), "collaboration.title_invalid"));
    }
    let body = crate::clean_text(&input.body);
    if (body.is_empty() && !has_file) || body.chars().count() > 100_000 {
        problems.push(("body".into(), "collaboration.body_invalid"));
    }
    let tags = tags_of(&input.tags);
    if tags.len() > 12 {
        problems.push(("tags".into(), "collaboration.tags_invalid"));
    }
    let sharing = Sharing::parse(&input.sharing);
    if sharing.is_none() {
        problems.push(("sharing".into(), "collaboration.sharing_invalid"));
    }
    let shared_with = resolve_agencies(app, &input.shared_with).await?;
    match (&shared_with, sharing) {
        (None, _) => problems.push(("shared_with".into(), "collaboration.agency_unknown")),
        (Some(list), Some(Sharing::Agencies)) if list.is_empty() => {
            problems.push(("shared_with".into(), "collaboration.shared_with_missing"));
        }
        _ => {}
    }
    match (sharing, shared_with) {
        (Some(sharing), Some(shared_with)) if problems.is_empty() => Ok(ArticleDraft {
            title,
            body,
            tags,
            sharing,
            shared_with: if sharing == Sharing::Agencies {
                shared_with
            } else {
                Vec::new()
            },
        }),
        _ => Err(CollaborationError::Invalid(problems)),
    }
}

pub(crate) const COLUMNS: &str = "a.id, a.agency_id, ag.code, ag.name_id, a.title, a.body, a.tags, a.sharing, a.version, \
     a.file_name, a.file_kind, a.created_ms, a.updated_ms, u.full_name";
pub(crate) const FROM: &str =
    "FROM articles a JOIN agencies ag ON ag.id = a.agency_id JOIN users u ON u.id = a.updated_by";

pub(crate) fn article_row(row: &AnyRow) -> Result<Article, sqlx::Error> {
    let tags: String = row.try_get("tags")?;
    let sharing: String = row.try_get("sharing")?;
    let kind: Option<String> = row.try_get("file_kind")?;
    Ok(Article {
        id: row.try_get("id")?,
        agency: AgencyRef {
            id: row.try_get("agency_id")?,
            code: row.try_get("code")?,
            name: row.try_get("name_id")?,
        },
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        tags: tags_of(&tags),
        // A sharing this build does not know is treated as the narrowest.
        sharing: Sharing::parse(&sharing).unwrap_or(Sharing::Own),
        shared_with: Vec::new(),
        version: row.try_get("version")?,
        file_name: row.try_get("file_name")?,
        file_kind: kind.as_deref().and_then(FileKind::parse),
        created_ms: row.try_get("created_ms")?,
        updated_ms: row.try_get("updated_ms")?,
        updated_by_name: row.try_get("full_name")?,
    })
}

async fn load(conn: &mut AnyConnection, id: &str) -> Result<Option<Article>, sqlx::Error> {
    let Some(row) = sqlx::query(&format!("SELECT {COLUMNS} {FROM} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let mut article = article_row(&row)?;
    let rows = sqlx::query(
        "SELECT ag.id, ag.code, ag.name_id FROM article_shares s JOIN agencies ag ON ag.id = s.agency_id \
         WHERE s.article_id = $1 ORDER BY ag.code",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    article.shared_with = rows
        .iter()
        .map(|r| {
            Ok(AgencyRef {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                name: r.try_get("name_id")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(Some(article))
}

/// The article if `user` may read it; otherwise "not found" (its existence leaks not).
pub async fn get_article(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Article, CollaborationError> {
    let mut conn = app.db.read.acquire().await?;
    load(&mut conn, id)
        .await?
        .filter(|a| a.readable_by(user))
        .ok_or(CollaborationError::NotFound)
}

/// The newest articles `user` may read (same rule as the search).
pub async fn list_articles(
    app: &AppState,
    user: &CurrentUser,
    limit: i64,
) -> Result<Vec<Article>, CollaborationError> {
    if user.is_citizen() {
        return Err(CollaborationError::Forbidden);
    }
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE {} ORDER BY a.updated_ms DESC, a.id LIMIT $1",
        search::READABLE
    ))
    .bind(limit)
    .bind(&user.id)
    .bind(i64::from(user.has_role(Role::Superadmin)))
    .fetch_all(&app.db.read)
    .await?;
    Ok(rows.iter().map(article_row).collect::<Result<_, _>>()?)
}

async fn reindex(
    app: &AppState,
    conn: &mut AnyConnection,
    id: &str,
    title: &str,
    body: &str,
    tags: &str,
) -> Result<(), sqlx::Error> {
    for (sql, args) in search::full_text(app.db.backend).reindex() {
        let mut query = sqlx::query(sql);
        for arg in *args {
            query = match arg {
                Arg::Id => query.bind(id),
                Arg::Title => query.bind(title),
                Arg::Body => query.bind(body),
                Arg::Tags => query.bind(tags),
            };
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Rebuilds every article's search entry (after a restore or a bulk import), in batches of
/// 1,000 per transaction; returns how many were indexed.
pub async fn reindex_all(app: &AppState) -> Result<u64, CollaborationError> {
    let mut after = String::new();
    let mut done = 0;
    loop {
        let rows = sqlx::query(
            "SELECT id, title, body, tags FROM articles WHERE id > $1 ORDER BY id LIMIT 1000",
        )
        .bind(&after)
        .fetch_all(&app.db.read)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(done);
        };
        after = last.try_get("id")?;
        let mut tx = app.db.begin().await?;
        for row in &rows {
            let tags: String = row.try_get("tags")?;
            reindex(
                app,
                &mut tx,
                &row.try_get::<String, _>("id")?,
                &row.try_get::<String, _>("title")?,
                &row.try_get::<String, _>("body")?,
                &tags_of(&tags).join(" "),
            )
            .await?;
            done += 1;
        }
        tx.commit().await?;
    }
}

async fn write_shares(
    conn: &mut AnyConnection,
    id: &str,
    shared_with: &[AgencyRef],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM article_shares WHERE article_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for agency in shared_with {
        sqlx::query("INSERT INTO article_shares (article_id, agency_id) VALUES ($1, $2)")
            .bind(id)
            .bind(&agency.id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn write_version(
    conn: &mut AnyConnection,
    id: &str,
    version: i64,
    draft: &ArticleDraft,
    user: &CurrentUser,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO article_versions (article_id, version, title, body, tags, edited_by, edited_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(version)
    .bind(&draft.title)
    .bind(&draft.body)
    .bind(draft.tags.join(", "))
    .bind(&user.id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A communications or service admin of the owning agency (or a superadmin) writes an article,
/// or a document when `file` is given (its type checked by content, stored before the row).
pub async fn create_article(
    app: &AppState,
    user: &CurrentUser,
    input: &ArticleInput,
    file: Option<(&str, &[u8])>,
) -> Result<Article, CollaborationError> {
    if !crate::is_manager(user) {
        return Err(CollaborationError::Forbidden);
    }
    let owner = accounts::organisation::find_agency(app, &input.agency_code).await?;
    let draft = check(app, input, file.is_some()).await;
    let owner = match (owner, draft) {
        (Some(owner), Ok(_)) if !crate::manages_any(user, std::slice::from_ref(&owner.id)) => {
            return Err(CollaborationError::field(
                "agency_code",
                "collaboration.agency_not_yours",
            ));
        }
        (Some(owner), Ok(draft)) => (owner, draft),
        (None, Ok(_)) => {
            return Err(CollaborationError::field(
                "agency_code",
                "collaboration.agency_unknown",
            ));
        }
        (owner, Err(CollaborationError::Invalid(mut problems))) => {
            if owner.is_none() {
                problems.push(("agency_code".into(), "collaboration.agency_unknown"));
            }
            return Err(CollaborationError::Invalid(problems));
        }
        (_, Err(other)) => return Err(other),
    };
    let (owner, draft) = owner;
    let stored = match file {
        Some((name, bytes)) => Some(files::store(app, name, bytes).await?),
        None => None,
    };
    let id = ids::new_id();
    let now = clock::now_ms();
    let mut tx = app.db.begin().await?;
    sqlx::query(
        "INSERT INTO articles (id, agency_id, title, body, tags, sharing, version, file_sha256, file_kind, file_name, \
         created_by, created_ms, updated_by, updated_ms) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10, $11, $10, $11)",
    )
    .bind(&id)
    .bind(&owner.id)
    .bind(&draft.title)
    .bind(&draft.body)
    .bind(draft.tags.join(", "))
    .bind(draft.sharing.as_str())
    .bind(stored.as_ref().map(|s| s.sha256.clone()))
    .bind(stored.as_ref().map(|s| s.kind.as_str()))
    .bind(stored.as_ref().map(|s| s.file_name.clone()))
    .bind(&user.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    write_shares(&mut tx, &id, &draft.shared_with).await?;
    crate::tags::write(&mut tx, &id, &draft.tags).await?;
    write_version(&mut tx, &id, 1, &draft, user, now).await?;
    reindex(
        app,
        &mut tx,
        &id,
        &draft.title,
        &draft.body,
        &draft.tags.join(" "),
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "article.created",
            subject: &format!("article:{id}"),
            detail: serde_json::json!({ "agency": owner.code, "sharing": draft.sharing.as_str() }),
        },
    )
    .await?;
    let article = load(&mut tx, &id)
        .await?
        .ok_or(CollaborationError::NotFound)?;
    tx.commit().await?;
    Ok(article)
}

/// Saves an edit made from `input.base_version`. Refused with [`CollaborationError::EditConflict`]
/// (nothing written) when someone saved after that version.
pub async fn update_article(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
    input: &ArticleInput,
) -> Result<Article, CollaborationError> {
    let current = get_article(app, user, id).await?;
    if !current.editable_by(user) {
        return Err(CollaborationError::Forbidden);
    }
    let base = input.base_version.trim().parse::<i64>().ok();
    let draft = check(app, input, current.file_name.is_some()).await?;
    let Some(base) = base else {
        return Err(CollaborationError::field(
            "base_version",
            "collaboration.base_version_missing",
        ));
    };
    let now = clock::now_ms();
    let mut tx = app.db.begin().await?;
    let saved = sqlx::query(
        "UPDATE articles SET title = $3, body = $4, tags = $5, sharing = $6, version = version + 1, \
         updated_by = $7, updated_ms = $8 WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(base)
    .bind(&draft.title)
    .bind(&draft.body)
    .bind(draft.tags.join(", "))
    .bind(draft.sharing.as_str())
    .bind(&user.id)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if saved != 1 {
        let latest = load(&mut tx, id)
            .await?
            .map_or(current.version, |a| a.version);
        return Err(CollaborationError::EditConflict { current: latest });
    }
    let version = base + 1;
    write_shares(&mut tx, id, &draft.shared_with).await?;
    crate::tags::write(&mut tx, id, &draft.tags).await?;
    write_version(&mut tx, id, version, &draft, user, now).await?;
    reindex(
        app,
        &mut tx,
        id,
        &draft.title,
        &draft.body,
        &draft.tags.join(" "),
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "article.edited",
            subject: &format!("article:{id}"),
            detail: serde_json::json!({ "version": version, "sharing": draft.sharing.as_str() }),
        },
    )
    .await?;
    let article = load(&mut tx, id)
        .await?
        .ok_or(CollaborationError::NotFound)?;
    tx.commit().await?;
    Ok(article)
}

/// One kept version.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Version {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub tags: String,
    pub edited_by_name: String,
    pub edited_ms: i64,
}

/// Every version of a readable article, newest first.
pub async fn versions(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Vec<Version>, CollaborationError> {
    get_article(app, user, id).await?;
    let rows = sqlx::query(
        "SELECT v.version, v.title, v.body, v.tags, u.full_name, v.edited_ms FROM article_versions v \
         JOIN users u ON u.id = v.edited_by WHERE v.article_id = $1 ORDER BY v.version DESC",
    )
    .bind(id)
    .fetch_all(&app.db.read)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Version {
                version: r.try_get("version")?,
                title: r.try_get("title")?,
                body: r.try_get("body")?,
                tags: r.try_get("tags")?,
                edited_by_name: r.try_get("full_name")?,
                edited_ms: r.try_get("edited_ms")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

pub use platform::web::text::DiffLine;

/// The line diff from the version before `version` to `version` (title and body).
pub async fn diff(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
    version: i64,
) -> Result<(Version, Vec<DiffLine>), CollaborationError> {
    let all = versions(app, user, id).await?;
    let new = all
        .iter()
        .find(|v| v.version == version)
        .ok_or(CollaborationError::NotFound)?;
    let old_text = all
        .iter()
        .find(|v| v.version == version - 1)
        .map(|v| format!("# {}\n\n{}\n", v.title, v.body))
        .unwrap_or_default();
    let new_text = format!("# {}\n\n{}\n", new.title, new.body);
    let lines = platform::web::text::line_diff(&old_text, &new_text);
    Ok((new.clone(), lines))
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Comment {
    pub id: String,
    pub author_name: String,
    /// Agencies the author works in (codes), so readers see who asks.
    pub author_agencies: String,
    /// As written; shown as plain text.
    pub body: String,
    pub created_ms: i64,
}

/// Comments on a readable article, oldest first.
pub async fn comments(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<Vec<Comment>, CollaborationError> {
    get_article(app, user, id).await?;
    let rows = sqlx::query(
        "SELECT c.id, u.full_name, c.body, c.created_ms, c.author_id FROM article_comments c \
         JOIN users u ON u.id = c.author_id WHERE c.article_id = $1 ORDER BY c.created_ms, c.id",
    )
    .bind(id)
    .fetch_all(&app.db.read)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let author: String = r.try_get("author_id")?;
        let agencies = platform::auth::session::list_grants(&app.db, &author).await?;
        let mut codes: Vec<String> = agencies.into_iter().map(|g| g.agency_code).collect();
        codes.dedup();
        out.push(Comment {
            id: r.try_get("id")?,
            author_name: r.try_get("full_name")?,
            author_agencies: codes.join(", "),
            body: r.try_get("body")?,
            created_ms: r.try_get("created_ms")?,
        });
    }
    Ok(out)
}

/// Someone who may read the article comments or asks; its author is told.
pub async fn add_comment(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
    body: &str,
) -> Result<Comment, CollaborationError> {
    let article = get_article(app, user, id).await?;
    let body = crate::clean_text(body);
    if body.is_empty() || body.chars().count() > 4000 {
        return Err(CollaborationError::field(
            "body",
            "collaboration.comment_invalid",
        ));
    }
    let author: String = sqlx::query("SELECT created_by FROM articles WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.read)
        .await?
        .try_get("created_by")?;
    let comment_id = ids::new_id();
    let now = clock::now_ms();
    let mut tx = app.db.begin().await?;
    sqlx::query(
        "INSERT INTO article_comments (id, article_id, author_id, body, created_ms) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&comment_id)
    .bind(id)
    .bind(&user.id)
    .bind(&body)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if author != user.id {
        crate::registrations::notify(
            app,
            &mut tx,
            &author,
            "collaboration.notice_comment",
            &article.title,
        )
        .await?;
    }
    audit::record(
        &mut tx,
        audit::Entry {
            actor_id: Some(&user.id),
            action: "article.commented",
            subject: &format!("article:{id}"),
            detail: serde_json::json!({ "comment_id": comment_id }),
        },
    )
    .await?;
    tx.commit().await?;
    let codes: Vec<&str> = user.grants.iter().map(|g| g.agency_code.as_str()).collect();
    Ok(Comment {
        id: comment_id,
        author_name: user.display_name.clone(),
        author_agencies: codes.join(", "),
        body,
        created_ms: now,
    })
}

/// The file of a document, for those who may read it.
pub async fn document_file(
    app: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<(Vec<u8>, FileKind, String), CollaborationError> {
    let article = get_article(app, user, id).await?;
    let (Some(kind), Some(name)) = (article.file_kind, article.file_name) else {
        return Err(CollaborationError::NotFound);
    };
    let sha256: String = sqlx::query("SELECT file_sha256 FROM articles WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.read)
        .await?
        .try_get("file_sha256")?;
    Ok((files::read(app, &sha256).await?, kind, name))
}

/// One search hit: the snippet is HTML, escaped, with the matched words in `<mark>`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Hit {
    pub id: String,
    pub title: String,
    pub agency_code: String,
    pub agency_name: String,
    pub updated_ms: i64,
    pub snippet_html: String,
}

/// Escapes a snippet and turns the backend's marks into `<mark>`.
fn snippet_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        match c {
            MARK_START => out.push_str("<mark>"),
            MARK_END => out.push_str("</mark>"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Ranked full-text search over what `user` may read (never a snippet of anything else).
pub async fn search(
    app: &AppState,
    user: &CurrentUser,
    query: &str,
    limit: i64,
) -> Result<Vec<Hit>, CollaborationError> {
    if user.is_citizen() {
        return Err(CollaborationError::Forbidden);
    }
    let words = search::words(query);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let backend = search::full_text(app.db.backend);
    let rows = sqlx::query(&backend.search())
        .bind(backend.query(&words))
        .bind(&user.id)
        .bind(i64::from(user.has_role(Role::Superadmin)))
        .bind(limit.clamp(1, 100))
        .fetch_all(&app.db.read)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Hit {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
                agency_code: r.try_get("agency_code")?,
                agency_name: r.try_get("agency_name")?,
                updated_ms: r.try_get("updated_ms")?,
                snippet_html: snippet_html(&search::snippet(
                    &r.try_get::<String, _>("body")?,
                    &words,
                )),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Codes of the agencies in which `user` may write articles and organise events.
pub fn writable_agencies(user: &CurrentUser) -> Vec<String> {
    let mut codes: Vec<String> = user
        .grants
        .iter()
        .filter(|g| MANAGING_ROLES.contains(&g.role) || g.role == Role::Superadmin)
        .map(|g| g.agency_code.clone())
        .collect();
    codes.dedup();
    codes
}

#[cfg(test)]
mod tests {
    use super::tags_of;

    #[test]
    fn tags_are_normalised_cut_to_40_characters_and_kept_once() {
        let long = "a".repeat(45);
        let longer = format!("{}b", "a".repeat(45));
        let tags = tags_of(&format!("Kesehatan, kesehatan ,, {long}, {longer}, PAUD"));
        assert_eq!(
            tags,
            vec!["kesehatan".to_string(), "a".repeat(40), "paud".to_string()]
        );
    }
}
