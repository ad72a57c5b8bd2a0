-- ASN capacity: background runs of the web CSV import of employees. The outcome (report or the
-- reason it failed) is kept so any node can show it; a running row's heartbeat tells a live run
-- from one whose node stopped.
CREATE TABLE employee_imports (
    id           TEXT PRIMARY KEY,
    started_by   TEXT NOT NULL REFERENCES users(id),
    commit_rows  INTEGER NOT NULL,
    file_name    TEXT NOT NULL,
    rows_in_file BIGINT NOT NULL,
    status       TEXT NOT NULL,
    report_json  TEXT,
    reason       TEXT,
    heartbeat_ms BIGINT NOT NULL,
    started_ms   BIGINT NOT NULL,
    finished_ms  BIGINT
);
CREATE INDEX employee_imports_started ON employee_imports(started_ms);
