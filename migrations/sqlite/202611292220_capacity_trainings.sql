-- ASN capacity: the training catalogue, sessions (with their completion rule) and enrolments.
-- A session's seats_taken only moves through a conditional UPDATE (seats_taken < capacity), so
-- two people enrolling at once can never overshoot; the CHECK is the last line of defence.
CREATE TABLE trainings (
    id                  TEXT PRIMARY KEY,
    title               TEXT NOT NULL,
    kind                TEXT NOT NULL,
    form                TEXT NOT NULL,
    jp                  INTEGER NOT NULL,
    organiser_agency_id TEXT NOT NULL REFERENCES agencies(id),
    co_organisers       TEXT NOT NULL,
    provider            TEXT NOT NULL,
    description         TEXT NOT NULL,
    created_ms          BIGINT NOT NULL
);
CREATE TABLE training_competencies (
    training_id   TEXT NOT NULL REFERENCES trainings(id),
    competency_id TEXT NOT NULL REFERENCES competencies(id),
    target_level  INTEGER NOT NULL,
    PRIMARY KEY (training_id, competency_id)
);
CREATE INDEX training_competencies_competency ON training_competencies(competency_id, target_level);
CREATE TABLE training_sessions (
    id                 TEXT PRIMARY KEY,
    training_id        TEXT NOT NULL REFERENCES trainings(id),
    starts_on          TEXT NOT NULL,
    ends_on            TEXT NOT NULL,
    place              TEXT NOT NULL,
    online_url         TEXT NOT NULL,
    capacity           INTEGER NOT NULL,
    seats_taken        INTEGER NOT NULL,
    enrol_from         TEXT NOT NULL,
    enrol_until        TEXT NOT NULL,
    min_attendance_pct INTEGER NOT NULL,
    post_test_min      INTEGER,
    checkin_secret     TEXT NOT NULL,
    completed_ms       BIGINT,
    created_ms         BIGINT NOT NULL,
    CHECK (seats_taken >= 0 AND seats_taken <= capacity)
);
CREATE INDEX training_sessions_training ON training_sessions(training_id, starts_on);
CREATE TABLE enrolments (
    id              TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL REFERENCES training_sessions(id),
    employee_id     TEXT NOT NULL REFERENCES employees(id),
    status          TEXT NOT NULL,
    route           TEXT NOT NULL,
    requested_by    TEXT,
    requested_ms    BIGINT NOT NULL,
    decided_by      TEXT,
    decided_ms      BIGINT,
    waitlisted_ms   BIGINT,
    post_test_score INTEGER,
    UNIQUE (session_id, employee_id)
);
CREATE INDEX enrolments_session ON enrolments(session_id, status, waitlisted_ms);
CREATE INDEX enrolments_employee ON enrolments(employee_id, status);
