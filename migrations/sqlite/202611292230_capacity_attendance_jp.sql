-- ASN capacity: attendance per day, reaction evaluations, the JP ledger (completed trainings and
-- externally earned development with proof, approved by an admin), and the yearly reminders.
CREATE TABLE attendance (
    session_id  TEXT NOT NULL REFERENCES training_sessions(id),
    employee_id TEXT NOT NULL REFERENCES employees(id),
    day         TEXT NOT NULL,
    method      TEXT NOT NULL,
    recorded_by TEXT,
    recorded_ms BIGINT NOT NULL,
    PRIMARY KEY (session_id, employee_id, day)
);
CREATE TABLE evaluations (
    enrolment_id TEXT PRIMARY KEY REFERENCES enrolments(id),
    relevance    INTEGER NOT NULL,
    content      INTEGER NOT NULL,
    trainer      INTEGER NOT NULL,
    organisation INTEGER NOT NULL,
    comment      TEXT NOT NULL,
    submitted_ms BIGINT NOT NULL
);
CREATE TABLE jp_entries (
    id           TEXT PRIMARY KEY,
    employee_id  TEXT NOT NULL REFERENCES employees(id),
    year         INTEGER NOT NULL,
    jp           INTEGER NOT NULL,
    source       TEXT NOT NULL,
    enrolment_id TEXT UNIQUE REFERENCES enrolments(id),
    title        TEXT NOT NULL,
    proof_sha256 TEXT,
    proof_name   TEXT,
    status       TEXT NOT NULL,
    decided_by   TEXT,
    decided_ms   BIGINT,
    created_ms   BIGINT NOT NULL
);
CREATE INDEX jp_entries_employee ON jp_entries(employee_id, year, status);
CREATE INDEX jp_entries_status ON jp_entries(status, created_ms);
CREATE TABLE jp_reminders (
    employee_id TEXT NOT NULL REFERENCES employees(id),
    year        INTEGER NOT NULL,
    sent_ms     BIGINT NOT NULL,
    PRIMARY KEY (employee_id, year)
);
