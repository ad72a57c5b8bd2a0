-- Foundation: organisation, people, sessions, audit chain, notification outbox.
-- Portable types only: ids TEXT (UUIDv7), instants BIGINT ms since the Unix epoch, flags INTEGER 0/1.

CREATE TABLE agencies (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name_id     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parent_id   TEXT REFERENCES agencies(id),
    region_code TEXT,
    created_ms  BIGINT NOT NULL
);
CREATE INDEX agencies_parent ON agencies(parent_id);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    username      TEXT UNIQUE,
    nik           TEXT UNIQUE,
    email         TEXT UNIQUE,
    phone         TEXT UNIQUE,
    password_hash TEXT NOT NULL,
    lang          TEXT NOT NULL DEFAULT 'id',
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_ms    BIGINT NOT NULL,
    updated_ms    BIGINT NOT NULL
);

CREATE TABLE role_grants (
    user_id    TEXT NOT NULL REFERENCES users(id),
    role       TEXT NOT NULL,
    agency_id  TEXT NOT NULL REFERENCES agencies(id),
    granted_ms BIGINT NOT NULL,
    granted_by TEXT,
    PRIMARY KEY (user_id, role, agency_id)
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL,
    created_ms   BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    expires_ms   BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
    id           TEXT PRIMARY KEY,
    subject_hash TEXT NOT NULL,
    at_ms        BIGINT NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures(subject_hash, at_ms);

CREATE TABLE password_resets (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    code_hash  TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    used_ms    BIGINT
);
CREATE INDEX password_resets_user ON password_resets(user_id, created_ms);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at_ms     BIGINT NOT NULL,
    actor_id  TEXT,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    channel         TEXT NOT NULL,
    user_id         TEXT,
    address         TEXT,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms BIGINT NOT NULL,
    lease_owner     TEXT,
    lease_until_ms  BIGINT,
    last_error      TEXT,
    created_ms      BIGINT NOT NULL,
    delivered_ms    BIGINT
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_ms);

CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    read_ms    BIGINT
);
CREATE INDEX notifications_user ON notifications(user_id, created_ms);
