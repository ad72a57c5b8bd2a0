-- Community satisfaction survey (SKM): one response per completed application, nine answers 1–4.
CREATE TABLE skm_responses (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL UNIQUE REFERENCES applications(id),
    service_id     TEXT NOT NULL REFERENCES services(id),
    agency_id      TEXT NOT NULL REFERENCES agencies(id),
    answers        TEXT NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    created_ms     BIGINT NOT NULL
);
CREATE INDEX skm_responses_service ON skm_responses(service_id, created_ms);
