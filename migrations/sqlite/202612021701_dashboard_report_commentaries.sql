-- The leaders' commentary on a month's report for the Camat, per agency scope ('' = every
-- agency). Every save is a new version (never overwritten), with who wrote it and when; the
-- newest version is the one printed. The author's name is kept as it was when written.
CREATE TABLE dashboard_commentaries (
    id          TEXT PRIMARY KEY,
    month       TEXT NOT NULL,
    agency_id   TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    author_id   TEXT NOT NULL REFERENCES users(id),
    author_name TEXT NOT NULL,
    written_ms  BIGINT NOT NULL,
    UNIQUE (month, agency_id, version)
);
