//! Tag pages of the knowledge base: every tag of the articles the reader may read with its
//! count, and one tag's articles, newest first, a page at a time (links work without script).

use askama::Template;
use axum::{
    Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
    routing::get,
};
use platform::{
    AppState,
    auth::CurrentUser,
    clock,
    web::{Shell, WebError, page},
};
use serde::Deserialize;

use super::knowledge::ArticleRow;
use crate::tags::{self, TagCount};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/knowledge/tags", get(list))
        .route("/knowledge/tags/{tag}", get(tagged))
}

#[derive(Template)]
#[template(path = "collaboration_tags.html")]
struct TagsPage {
    shell: Shell,
    /// Each tag with the path of its page.
    tags: Vec<(TagCount, String)>,
}

async fn list(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
) -> Result<Response, WebError> {
    let tags = tags::tag_counts(&app, &user)
        .await?
        .into_iter()
        .map(|t| {
            let path = tags::path(&t.tag);
            (t, path)
        })
        .collect();
    page(&TagsPage { shell, tags }, StatusCode::OK)
}

#[derive(Template)]
#[template(path = "collaboration_tag.html")]
struct TagPage {
    shell: Shell,
    tag: String,
    total: i64,
    page: i64,
    pages: i64,
    articles: Vec<ArticleRow>,
    /// Links to the previous and the next page, when there are such.
    previous: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PageQuery {
    page: Option<String>,
}

async fn tagged(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(tag): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    // A page number that is not one shows the first page rather than an error page.
    let number = query
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(1);
    let found = tags::articles_tagged(&app, &user, &tag, number).await?;
    let pages = found.pages();
    let path = tags::path(&found.tag);
    let link = |n: i64| format!("{path}?page={n}");
    page(
        &TagPage {
            previous: (found.page > 1).then(|| link((found.page - 1).min(pages))),
            next: (found.page < pages).then(|| link(found.page + 1)),
            articles: found
                .articles
                .into_iter()
                .map(|a| ArticleRow {
                    updated: clock::format_wita(a.updated_ms, shell.tr.lang),
                    article: a,
                })
                .collect(),
            tag: found.tag,
            total: found.total,
            page: found.page,
            pages,
            shell,
        },
        StatusCode::OK,
    )
}
