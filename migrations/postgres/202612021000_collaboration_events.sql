-- Collaboration: joint events co-organised by agencies, their audience (public, all ASN, or chosen
-- agencies), registrations with a waitlist, materials, and the secret tokens of personal calendar
-- feeds. seats_taken only moves through a conditional UPDATE (seats_taken < capacity) after the
-- event row is locked, so concurrent registrations never overshoot; the CHECK is the last guard.
CREATE TABLE events (
    id             TEXT PRIMARY KEY,
    title          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    description    TEXT NOT NULL,
    audience       TEXT NOT NULL,
    place          TEXT NOT NULL,
    online_url     TEXT NOT NULL,
    starts_ms      BIGINT NOT NULL,
    ends_ms        BIGINT NOT NULL,
    capacity       INTEGER NOT NULL,
    seats_taken    INTEGER NOT NULL DEFAULT 0,
    jp             INTEGER NOT NULL,
    status         TEXT NOT NULL,
    summary        TEXT NOT NULL,
    checkin_secret TEXT NOT NULL,
    sequence       INTEGER NOT NULL DEFAULT 0,
    created_by     TEXT NOT NULL REFERENCES users(id),
    created_ms     BIGINT NOT NULL,
    updated_ms     BIGINT NOT NULL,
    CHECK (seats_taken >= 0 AND seats_taken <= capacity)
);
CREATE INDEX events_starts ON events(starts_ms);
CREATE TABLE event_organisers (
    event_id  TEXT NOT NULL REFERENCES events(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (event_id, agency_id)
);
CREATE INDEX event_organisers_agency ON event_organisers(agency_id, event_id);
CREATE TABLE event_invited_agencies (
    event_id  TEXT NOT NULL REFERENCES events(id),
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (event_id, agency_id)
);
CREATE TABLE event_registrations (
    id            TEXT PRIMARY KEY,
    event_id      TEXT NOT NULL REFERENCES events(id),
    user_id       TEXT NOT NULL REFERENCES users(id),
    status        TEXT NOT NULL,
    registered_ms BIGINT NOT NULL,
    waitlisted_ms BIGINT,
    checked_in_ms BIGINT,
    UNIQUE (event_id, user_id)
);
CREATE INDEX event_registrations_user ON event_registrations(user_id, status);
CREATE INDEX event_registrations_waitlist ON event_registrations(event_id, status, waitlisted_ms, id);
CREATE TABLE event_materials (
    id          TEXT PRIMARY KEY,
    event_id    TEXT NOT NULL REFERENCES events(id),
    file_sha256 TEXT NOT NULL,
    file_kind   TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    size_bytes  BIGINT NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users(id),
    uploaded_ms BIGINT NOT NULL
);
CREATE INDEX event_materials_event ON event_materials(event_id, uploaded_ms);
CREATE TABLE calendar_tokens (
    user_id    TEXT PRIMARY KEY REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_ms BIGINT NOT NULL
);
