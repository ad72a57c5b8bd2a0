-- Collaboration: the knowledge base. Articles and documents owned by an agency, shared with all
-- agencies or chosen ones, every edit kept as a version, comments between agencies.
-- Full-text search (PostgreSQL): one tsvector per article ('simple' configuration: lowercased
-- words, no stemming, which suits Indonesian better than any shipped stemmer) under a GIN index.
CREATE TABLE articles (
    id          TEXT PRIMARY KEY,
    agency_id   TEXT NOT NULL REFERENCES agencies(id),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    tags        TEXT NOT NULL,
    sharing     TEXT NOT NULL,
    version     INTEGER NOT NULL,
    file_sha256 TEXT,
    file_kind   TEXT,
    file_name   TEXT,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_ms  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES users(id),
    updated_ms  BIGINT NOT NULL
);
CREATE INDEX articles_agency ON articles(agency_id, updated_ms);
CREATE INDEX articles_updated ON articles(updated_ms);
CREATE TABLE article_shares (
    article_id TEXT NOT NULL REFERENCES articles(id),
    agency_id  TEXT NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (article_id, agency_id)
);
CREATE INDEX article_shares_agency ON article_shares(agency_id, article_id);
CREATE TABLE article_versions (
    article_id TEXT NOT NULL REFERENCES articles(id),
    version    INTEGER NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    tags       TEXT NOT NULL,
    edited_by  TEXT NOT NULL REFERENCES users(id),
    edited_ms  BIGINT NOT NULL,
    PRIMARY KEY (article_id, version)
);
CREATE TABLE article_comments (
    id         TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    author_id  TEXT NOT NULL REFERENCES users(id),
    body       TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);
CREATE INDEX article_comments_article ON article_comments(article_id, created_ms);
CREATE TABLE article_search (
    article_id TEXT PRIMARY KEY REFERENCES articles(id),
    document   TSVECTOR NOT NULL
);
CREATE INDEX article_search_document ON article_search USING GIN (document);
