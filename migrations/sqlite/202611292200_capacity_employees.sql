-- ASN capacity: employees (PNS with a NIP, PPPK with an NI PPPK), linked to a user for self-service.
CREATE TABLE employees (
    id              TEXT PRIMARY KEY,
    nip             TEXT NOT NULL UNIQUE,
    full_name       TEXT NOT NULL,
    agency_id       TEXT NOT NULL REFERENCES agencies(id),
    unit            TEXT NOT NULL,
    position        TEXT NOT NULL,
    rank            TEXT NOT NULL,
    employment_type TEXT NOT NULL,
    email           TEXT,
    phone           TEXT,
    user_id         TEXT UNIQUE REFERENCES users(id),
    supervisor_nip  TEXT,
    created_ms      BIGINT NOT NULL,
    updated_ms      BIGINT NOT NULL
);
-- Covers the needs analysis (agency, unit, position and id of every employee, read in one scan).
CREATE INDEX employees_agency ON employees(agency_id, unit, position, id);
CREATE INDEX employees_position ON employees(position);
CREATE INDEX employees_supervisor ON employees(supervisor_nip);
