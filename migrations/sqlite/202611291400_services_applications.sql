-- Applications for a service: the citizen's answers, their documents (stored by content in the
-- blob store), and the timeline of every status change.

CREATE TABLE applications (
    id              TEXT PRIMARY KEY,
    tracking_number TEXT UNIQUE,
    service_id      TEXT NOT NULL REFERENCES services(id),
    service_version INTEGER NOT NULL,
    agency_id       TEXT NOT NULL REFERENCES agencies(id),
    applicant_id    TEXT NOT NULL REFERENCES users(id),
    status          TEXT NOT NULL,
    purpose         TEXT NOT NULL DEFAULT '',
    kelurahan_code  TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    submitted_ms    BIGINT,
    due_day         TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    created_ms      BIGINT NOT NULL,
    updated_ms      BIGINT NOT NULL
);
CREATE INDEX applications_applicant ON applications(applicant_id, created_ms);
CREATE INDEX applications_agency_status ON applications(agency_id, status);

CREATE TABLE application_documents (
    id                   TEXT PRIMARY KEY,
    application_id       TEXT NOT NULL REFERENCES applications(id),
    requirement_position INTEGER NOT NULL,
    requirement_name     TEXT NOT NULL,
    blob_sha256          TEXT NOT NULL,
    file_kind            TEXT NOT NULL,
    file_name            TEXT NOT NULL,
    size_bytes           BIGINT NOT NULL,
    uploaded_ms          BIGINT NOT NULL,
    UNIQUE (application_id, requirement_position)
);

CREATE TABLE application_events (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    at_ms          BIGINT NOT NULL,
    actor_id       TEXT,
    status         TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX application_events_application ON application_events(application_id, at_ms);
