-- Technical recommendations: an application routed to another agency, with its own deadline.
CREATE TABLE recommendation_requests (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    agency_id      TEXT NOT NULL REFERENCES agencies(id),
    requested_by   TEXT NOT NULL,
    requested_ms   BIGINT NOT NULL,
    due_day        TEXT NOT NULL,
    question       TEXT NOT NULL,
    verdict        TEXT,
    answer         TEXT,
    answered_by    TEXT,
    answered_ms    BIGINT
);
CREATE INDEX recommendation_requests_agency ON recommendation_requests(agency_id, answered_ms);
CREATE INDEX recommendation_requests_application ON recommendation_requests(application_id);
