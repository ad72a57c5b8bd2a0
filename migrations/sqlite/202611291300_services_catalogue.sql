-- Service catalogue with its service standard (UU 25/2009; PermenPAN-RB 15/2014), and the
-- working-day calendar (holidays and collective leave) that SLAs count with.

CREATE TABLE services (
    id                    TEXT PRIMARY KEY,
    code                  TEXT NOT NULL UNIQUE,
    agency_id             TEXT NOT NULL REFERENCES agencies(id),
    category              TEXT NOT NULL,
    name_id               TEXT NOT NULL,
    name_en               TEXT NOT NULL,
    summary_id            TEXT NOT NULL,
    summary_en            TEXT NOT NULL,
    completion_days       INTEGER NOT NULL,
    cost_idr              BIGINT NOT NULL,
    cost_note_id          TEXT NOT NULL,
    cost_note_en          TEXT NOT NULL,
    product_id            TEXT NOT NULL,
    product_en            TEXT NOT NULL,
    complaints_id         TEXT NOT NULL,
    complaints_en         TEXT NOT NULL,
    legal_basis           TEXT NOT NULL,
    facilities            TEXT NOT NULL,
    staff_competence      TEXT NOT NULL,
    internal_supervision  TEXT NOT NULL,
    staff_count           TEXT NOT NULL,
    service_guarantee     TEXT NOT NULL,
    safety_guarantee      TEXT NOT NULL,
    performance_evaluation TEXT NOT NULL,
    published             INTEGER NOT NULL DEFAULT 0,
    version               INTEGER NOT NULL DEFAULT 1,
    created_ms            BIGINT NOT NULL,
    updated_ms            BIGINT NOT NULL
);
CREATE INDEX services_agency ON services(agency_id);

CREATE TABLE service_requirements (
    id             TEXT PRIMARY KEY,
    service_id     TEXT NOT NULL REFERENCES services(id),
    position       INTEGER NOT NULL,
    name_id        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    accepted_types TEXT NOT NULL
);
CREATE INDEX service_requirements_service ON service_requirements(service_id, position);

CREATE TABLE service_steps (
    id         TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services(id),
    position   INTEGER NOT NULL,
    text_id    TEXT NOT NULL,
    text_en    TEXT NOT NULL
);
CREATE INDEX service_steps_service ON service_steps(service_id, position);

CREATE TABLE holidays (
    day        TEXT PRIMARY KEY,
    name_id    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);
