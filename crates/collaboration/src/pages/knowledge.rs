//! Knowledge base pages: the list with the search box (ranked hits with highlighted snippets),
//! the article and document forms, one article (rendered Markdown, the file, comments), the edit
//! form with its conflict answer, and the versions with a diff against the previous one.

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use platform::{
    AppState,
    auth::CurrentUser,
    clock,
    web::{
        Shell, WebError,
        error::FieldError,
        forms::{CsrfForm, CsrfUpload, FieldView, UploadProblem, field_errors},
        page, private_file,
    },
};
use serde::Deserialize;

use crate::{
    error::CollaborationError,
    is_manager,
    knowledge::{self, Article, ArticleInput, Comment, DiffLine, Hit, Sharing, Version},
    markdown,
};

pub fn routes(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/knowledge", get(list))
        .route("/knowledge/new", get(new_form).post(create))
        .route(
            "/knowledge/new-document",
            get(new_document_form)
                .post(create_document)
                .layer(DefaultBodyLimit::max(max_upload_bytes + 64 * 1024)),
        )
        .route("/knowledge/{id}", get(show))
        .route("/knowledge/{id}/edit", get(edit_form).post(save))
        .route("/knowledge/{id}/comments", axum::routing::post(comment))
        .route("/knowledge/{id}/versions", get(versions))
        .route("/knowledge/{id}/versions/{version}", get(version_diff))
        .route("/knowledge/{id}/file", get(file))
}

fn staff(user: &CurrentUser) -> Result<(), WebError> {
    if user.is_citizen() {
        Err(WebError::Forbidden)
    } else {
        Ok(())
    }
}

pub(crate) struct ArticleRow {
    pub article: Article,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "collaboration_knowledge.html")]
struct ListPage {
    shell: Shell,
    q: String,
    hits: Vec<Hit>,
    searched: bool,
    articles: Vec<ArticleRow>,
    manager: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SearchQuery {
    q: String,
}

async fn list(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Query(query): Query<SearchQuery>,
) -> Result<Response, WebError> {
    staff(&user)?;
    let q: String = query.q.trim().chars().take(200).collect();
    let searched = !q.is_empty();
    let hits = if searched {
        knowledge::search(&app, &user, &q, 20).await?
    } else {
        Vec::new()
    };
    let articles = if searched {
        Vec::new()
    } else {
        knowledge::list_articles(&app, &user, 50)
            .await?
            .into_iter()
            .map(|a| ArticleRow {
                updated: clock::format_wita(a.updated_ms, shell.tr.lang),
                article: a,
            })
            .collect()
    };
    page(
        &ListPage {
            q,
            hits,
            searched,
            articles,
            manager: is_manager(&user),
            shell,
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "collaboration_article_form.html")]
struct FormPage {
    shell: Shell,
    action: String,
    document: bool,
    conflict: Option<i64>,
    article_id: String,
    base_version: String,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
}

fn fields(
    shell: &Shell,
    input: &ArticleInput,
    errors: &[FieldError],
    owner: bool,
    document: bool,
) -> Vec<FieldView> {
    let tr = &shell.tr;
    let text = |name: &str, key: &str, value: &str| FieldView::text(tr, name, key, value, errors);
    let sharings = Sharing::ALL
        .into_iter()
        .map(|s| (s.as_str().to_string(), tr.t(s.label_key()).to_string()))
        .collect();
    let mut out = Vec::new();
    if owner {
        out.push(
            text(
                "agency_code",
                "collaboration.owner_agency",
                &input.agency_code,
            )
            .hint(tr, "collaboration.owner_agency_hint"),
        );
    }
    out.push(text("title", "collaboration.article_title", &input.title));
    let body = text(
        "body",
        if document {
            "collaboration.document_description"
        } else {
            "collaboration.article_body"
        },
        &input.body,
    )
    .kind("textarea")
    .hint(tr, "collaboration.markdown_hint");
    out.push(if document { body.optional(tr) } else { body });
    out.push(
        text("tags", "collaboration.tags", &input.tags)
            .optional(tr)
            .hint(tr, "collaboration.tags_hint"),
    );
    out.push(text("sharing", "collaboration.sharing", &input.sharing).select(tr, sharings));
    out.push(
        text(
            "shared_with",
            "collaboration.shared_with",
            &input.shared_with,
        )
        .optional(tr)
        .hint(tr, "collaboration.agency_codes_hint"),
    );
    out
}

fn new_page(
    shell: Shell,
    input: &ArticleInput,
    errors: Vec<FieldError>,
    document: bool,
) -> FormPage {
    FormPage {
        fields: fields(&shell, input, &errors, true, document),
        action: if document {
            "/knowledge/new-document".into()
        } else {
            "/knowledge/new".into()
        },
        document,
        conflict: None,
        article_id: String::new(),
        base_version: String::new(),
        errors,
        shell,
    }
}

fn default_input(user: &CurrentUser) -> ArticleInput {
    ArticleInput {
        agency_code: knowledge::writable_agencies(user)
            .into_iter()
            .next()
            .unwrap_or_default(),
        sharing: "all".into(),
        ..ArticleInput::default()
    }
}

async fn new_form(shell: Shell, user: CurrentUser) -> Result<Response, WebError> {
    if !is_manager(&user) {
        return Err(WebError::Forbidden);
    }
    page(
        &new_page(shell, &default_input(&user), Vec::new(), false),
        StatusCode::OK,
    )
}

async fn new_document_form(shell: Shell, user: CurrentUser) -> Result<Response, WebError> {
    if !is_manager(&user) {
        return Err(WebError::Forbidden);
    }
    page(
        &new_page(shell, &default_input(&user), Vec::new(), true),
        StatusCode::OK,
    )
}

async fn create(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfForm(input): CsrfForm<ArticleInput>,
) -> Result<Response, WebError> {
    match knowledge::create_article(&app, &user, &input, None).await {
        Ok(article) => Ok(Redirect::to(&format!("/knowledge/{}", article.id)).into_response()),
        Err(CollaborationError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &new_page(shell, &input, errors, false),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

async fn create_document(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    CsrfUpload(file, text): CsrfUpload,
) -> Result<Response, WebError> {
    if !is_manager(&user) {
        return Err(WebError::Forbidden);
    }
    let get = |name: &str| {
        text.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let input = ArticleInput {
        agency_code: get("agency_code"),
        title: get("title"),
        body: get("body"),
        tags: get("tags"),
        sharing: get("sharing"),
        shared_with: get("shared_with"),
        base_version: String::new(),
    };
    let outcome = match &file {
        Ok(file) => {
            knowledge::create_article(&app, &user, &input, Some((&file.file_name, &file.bytes)))
                .await
        }
        Err(UploadProblem::TooLarge) => Err(CollaborationError::field(
            "file",
            "collaboration.file_too_large",
        )),
        Err(UploadProblem::Missing) => Err(CollaborationError::field(
            "file",
            "collaboration.file_missing",
        )),
    };
    match outcome {
        Ok(article) => Ok(Redirect::to(&format!("/knowledge/{}", article.id)).into_response()),
        Err(CollaborationError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &new_page(shell, &input, errors, true),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "collaboration_article.html")]
struct ArticlePage {
    shell: Shell,
    article: Article,
    body_html: String,
    sharing: String,
    updated: String,
    editable: bool,
    comments: Vec<(Comment, String)>,
    errors: Vec<FieldError>,
    comment_field: FieldView,
}

async fn article_page(
    app: &AppState,
    shell: Shell,
    user: &CurrentUser,
    id: &str,
    comment_input: &str,
    errors: Vec<FieldError>,
) -> Result<ArticlePage, WebError> {
    let article = knowledge::get_article(app, user, id).await?;
    let comments = knowledge::comments(app, user, id)
        .await?
        .into_iter()
        .map(|c| {
            let when = clock::format_wita(c.created_ms, shell.tr.lang);
            (c, when)
        })
        .collect();
    let comment_field = FieldView::text(
        &shell.tr,
        "body",
        "collaboration.comment",
        comment_input,
        &errors,
    )
    .kind("textarea");
    Ok(ArticlePage {
        body_html: markdown::to_safe_html(&article.body),
        sharing: shell.t(article.sharing.label_key()).to_string(),
        updated: clock::format_wita(article.updated_ms, shell.tr.lang),
        editable: article.editable_by(user),
        article,
        comments,
        errors,
        comment_field,
        shell,
    })
}

async fn show(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let view = article_page(&app, shell, &user, &id, "", Vec::new()).await?;
    crate::stats::count_read(&app, &user, &view.article).await;
    page(&view, StatusCode::OK)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CommentForm {
    body: String,
}

async fn comment(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> Result<Response, WebError> {
    match knowledge::add_comment(&app, &user, &id, &form.body).await {
        Ok(_) => Ok(Redirect::to(&format!("/knowledge/{id}#comments")).into_response()),
        Err(CollaborationError::Invalid(problems)) => {
            let errors = field_errors(&shell.tr, &problems);
            page(
                &article_page(&app, shell, &user, &id, &form.body, errors).await?,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(other) => Err(other.into()),
    }
}

fn edit_page(
    shell: Shell,
    article: &Article,
    input: &ArticleInput,
    errors: Vec<FieldError>,
    conflict: Option<i64>,
) -> FormPage {
    FormPage {
        fields: fields(&shell, input, &errors, false, article.file_name.is_some()),
        action: format!("/knowledge/{}/edit", article.id),
        document: article.file_name.is_some(),
        conflict,
        article_id: article.id.clone(),
        base_version: input.base_version.clone(),
        errors,
        shell,
    }
}

async fn edit_form(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let article = knowledge::get_article(&app, &user, &id).await?;
    if !article.editable_by(&user) {
        return Err(WebError::Forbidden);
    }
    let input = ArticleInput {
        agency_code: article.agency.code.clone(),
        title: article.title.clone(),
        body: article.body.clone(),
        tags: article.tags.join(", "),
        sharing: article.sharing.as_str().into(),
        shared_with: article
            .shared_with
            .iter()
            .map(|a| a.code.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        base_version: article.version.to_string(),
    };
    page(
        &edit_page(shell, &article, &input, Vec::new(), None),
        StatusCode::OK,
    )
}

async fn save(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
    CsrfForm(input): CsrfForm<ArticleInput>,
) -> Result<Response, WebError> {
    match knowledge::update_article(&app, &user, &id, &input).await {
        Ok(article) => Ok(Redirect::to(&format!("/knowledge/{}", article.id)).into_response()),
        Err(CollaborationError::Invalid(problems)) => {
            let article = knowledge::get_article(&app, &user, &id).await?;
            let errors = field_errors(&shell.tr, &problems);
            page(
                &edit_page(shell, &article, &input, errors, None),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(CollaborationError::EditConflict { current }) => {
            // Nothing was written. The typed text stays in the form, now based on the current
            // version: after reading that version the person decides to save again (or not).
            let article = knowledge::get_article(&app, &user, &id).await?;
            let input = ArticleInput {
                base_version: current.to_string(),
                ..input
            };
            page(
                &edit_page(shell, &article, &input, Vec::new(), Some(current)),
                StatusCode::CONFLICT,
            )
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "collaboration_versions.html")]
struct VersionsPage {
    shell: Shell,
    article: Article,
    versions: Vec<(Version, String)>,
    shown: Option<Version>,
    diff: Vec<DiffLine>,
}

async fn versions(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    versions_page(&app, shell, &user, &id, None).await
}

async fn version_diff(
    State(app): State<AppState>,
    shell: Shell,
    user: CurrentUser,
    Path((id, version)): Path<(String, i64)>,
) -> Result<Response, WebError> {
    versions_page(&app, shell, &user, &id, Some(version)).await
}

async fn versions_page(
    app: &AppState,
    shell: Shell,
    user: &CurrentUser,
    id: &str,
    version: Option<i64>,
) -> Result<Response, WebError> {
    let article = knowledge::get_article(app, user, id).await?;
    let all = knowledge::versions(app, user, id)
        .await?
        .into_iter()
        .map(|v| {
            let when = clock::format_wita(v.edited_ms, shell.tr.lang);
            (v, when)
        })
        .collect();
    let (shown, diff) = match version {
        Some(n) => {
            let (v, lines) = knowledge::diff(app, user, id, n).await?;
            (Some(v), lines)
        }
        None => (None, Vec::new()),
    };
    page(
        &VersionsPage {
            shell,
            article,
            versions: all,
            shown,
            diff,
        },
        StatusCode::OK,
    )
}

async fn file(
    State(app): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (bytes, kind, name) = knowledge::document_file(&app, &user, &id).await?;
    Ok(private_file(bytes, kind.content_type(), Some(&name), false))
}
