-- Service figures kept on write for the dashboard and the public statistics (see services::stats):
-- per WITA day, agency and service, the events counted once in the transaction that made them.
CREATE TABLE service_daily_stats (
    day               TEXT NOT NULL,
    agency_id         TEXT NOT NULL REFERENCES agencies(id),
    service_id        TEXT NOT NULL REFERENCES services(id),
    received          BIGINT NOT NULL DEFAULT 0,
    returned          BIGINT NOT NULL DEFAULT 0,
    completed         BIGINT NOT NULL DEFAULT 0,
    completed_on_time BIGINT NOT NULL DEFAULT 0,
    issued            BIGINT NOT NULL DEFAULT 0,
    rejected          BIGINT NOT NULL DEFAULT 0,
    withdrawn         BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, agency_id, service_id)
);
-- Completed applications per processing time (working days): exact medians and p90s.
CREATE TABLE service_duration_stats (
    day          TEXT NOT NULL,
    agency_id    TEXT NOT NULL REFERENCES agencies(id),
    service_id   TEXT NOT NULL REFERENCES services(id),
    working_days BIGINT NOT NULL,
    completed    BIGINT NOT NULL,
    PRIMARY KEY (day, agency_id, service_id, working_days)
);
-- SKM respondents and the sum of each of the nine elements' answers: the exact IKM.
CREATE TABLE skm_daily_stats (
    day         TEXT NOT NULL,
    agency_id   TEXT NOT NULL REFERENCES agencies(id),
    service_id  TEXT NOT NULL REFERENCES services(id),
    respondents BIGINT NOT NULL,
    e1 BIGINT NOT NULL, e2 BIGINT NOT NULL, e3 BIGINT NOT NULL, e4 BIGINT NOT NULL, e5 BIGINT NOT NULL,
    e6 BIGINT NOT NULL, e7 BIGINT NOT NULL, e8 BIGINT NOT NULL, e9 BIGINT NOT NULL,
    PRIMARY KEY (day, agency_id, service_id)
);
-- Figures are only counted from now on: what is already on file is counted by
-- `sigap rebuild-stats`, which `sigap serve` runs by itself when it finds these tables empty.
