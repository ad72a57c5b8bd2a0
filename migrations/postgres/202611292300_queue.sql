-- The service-office queue: offices with counters (loket) that serve groups of services,
-- opening hours per weekday, booked appointments in slots, and numbered tickets (walk-in or
-- checked-in appointments) that counters call.

CREATE TABLE queue_offices (
    id         TEXT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    agency_id  TEXT NOT NULL REFERENCES agencies(id),
    name_id    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    created_ms BIGINT NOT NULL
);

-- A service group has its own ticket letter (A, B, ...) and slot length.
CREATE TABLE queue_groups (
    id           TEXT PRIMARY KEY,
    office_id    TEXT NOT NULL REFERENCES queue_offices(id),
    letter       TEXT NOT NULL,
    name_id      TEXT NOT NULL,
    name_en      TEXT NOT NULL,
    slot_minutes INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    UNIQUE (office_id, letter)
);

CREATE TABLE queue_counters (
    id        TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES queue_offices(id),
    number    INTEGER NOT NULL,
    name      TEXT NOT NULL,
    active    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (office_id, number)
);

CREATE TABLE queue_counter_groups (
    counter_id TEXT NOT NULL REFERENCES queue_counters(id),
    group_id   TEXT NOT NULL REFERENCES queue_groups(id),
    PRIMARY KEY (counter_id, group_id)
);

-- Opening hours per ISO weekday (1 Monday … 7 Sunday), local WITA time "HH:MM".
CREATE TABLE queue_hours (
    office_id TEXT NOT NULL REFERENCES queue_offices(id),
    weekday   INTEGER NOT NULL,
    opens     TEXT NOT NULL,
    closes    TEXT NOT NULL,
    PRIMARY KEY (office_id, weekday)
);

CREATE TABLE queue_appointments (
    id             TEXT PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    office_id      TEXT NOT NULL REFERENCES queue_offices(id),
    group_id       TEXT NOT NULL REFERENCES queue_groups(id),
    user_id        TEXT NOT NULL REFERENCES users(id),
    application_id TEXT REFERENCES applications(id),
    day            TEXT NOT NULL,
    slot           TEXT NOT NULL,
    status         TEXT NOT NULL,
    reminded       INTEGER NOT NULL DEFAULT 0,
    created_ms     BIGINT NOT NULL,
    updated_ms     BIGINT NOT NULL
);
CREATE INDEX queue_appointments_day ON queue_appointments(office_id, day, slot);
-- One open booking per person, group and day.
CREATE UNIQUE INDEX queue_appointments_one_per_day ON queue_appointments(user_id, group_id, day)
    WHERE status IN ('booked', 'checked_in');

-- Seats of a slot: one row per booked seat; the primary key makes "the last seat" go to exactly
-- one of two people booking at once.
CREATE TABLE queue_slot_seats (
    group_id       TEXT NOT NULL REFERENCES queue_groups(id),
    day            TEXT NOT NULL,
    slot           TEXT NOT NULL,
    seat           INTEGER NOT NULL,
    appointment_id TEXT NOT NULL REFERENCES queue_appointments(id),
    PRIMARY KEY (group_id, day, slot, seat)
);

CREATE TABLE queue_tickets (
    id             TEXT PRIMARY KEY,
    office_id      TEXT NOT NULL REFERENCES queue_offices(id),
    group_id       TEXT NOT NULL REFERENCES queue_groups(id),
    day            TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    number         TEXT NOT NULL,
    appointment_id TEXT REFERENCES queue_appointments(id),
    -- Appointments are served from their slot time; walk-ins in the order they came.
    slot           TEXT,
    status         TEXT NOT NULL,
    issued_ms      BIGINT NOT NULL,
    called_ms      BIGINT,
    counter_id     TEXT REFERENCES queue_counters(id),
    finished_ms    BIGINT,
    recalls        INTEGER NOT NULL DEFAULT 0,
    application_id TEXT REFERENCES applications(id),
    -- The number keeps its letter when a ticket is transferred to another group.
    UNIQUE (office_id, day, number)
);
CREATE INDEX queue_tickets_waiting ON queue_tickets(office_id, day, status);

-- The last ticket number drawn per group and day: one atomic upsert draws the next, so tickets
-- drawn at the same moment never wait on each other's retries.
CREATE TABLE queue_ticket_numbers (
    group_id TEXT NOT NULL REFERENCES queue_groups(id),
    day      TEXT NOT NULL,
    last     INTEGER NOT NULL,
    PRIMARY KEY (group_id, day)
);

-- Calls as they happen, for the display boards: a board that reconnects asks for what came
-- after the last id it saw.
CREATE TABLE queue_calls (
    id         BIGSERIAL PRIMARY KEY,
    office_id  TEXT NOT NULL REFERENCES queue_offices(id),
    ticket_id  TEXT NOT NULL REFERENCES queue_tickets(id),
    number     TEXT NOT NULL,
    counter    INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    at_ms      BIGINT NOT NULL
);
CREATE INDEX queue_calls_office ON queue_calls(office_id, id);
