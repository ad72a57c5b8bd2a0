-- Queue figures kept on write for the dashboard and the public statistics (see queue::stats):
-- a ticket is counted once, in the transaction that ends it (served or no-show), on the WITA day
-- and hour it was drawn, for its office and the service group it ended in.
CREATE TABLE queue_daily_stats (
    day        TEXT NOT NULL,
    hour       BIGINT NOT NULL,
    office_id  TEXT NOT NULL REFERENCES queue_offices(id),
    group_id   TEXT NOT NULL REFERENCES queue_groups(id),
    tickets    BIGINT NOT NULL,
    no_shows   BIGINT NOT NULL,
    -- Tickets called (their waiting time is known) and the sum of those waits.
    waited     BIGINT NOT NULL,
    wait_ms    BIGINT NOT NULL,
    -- Tickets served to the end and the sum of their service times.
    served     BIGINT NOT NULL,
    service_ms BIGINT NOT NULL,
    PRIMARY KEY (day, office_id, group_id, hour)
);
-- Waiting and service times per tenth of a minute (the precision the figures are shown with),
-- per day and per month: exact p90s of a year from a few thousand rows.
CREATE TABLE queue_time_stats (
    -- 'day' (bucket YYYY-MM-DD) or 'month' (bucket YYYY-MM).
    span      TEXT NOT NULL,
    bucket    TEXT NOT NULL,
    office_id TEXT NOT NULL REFERENCES queue_offices(id),
    -- 'wait' or 'service'.
    kind      TEXT NOT NULL,
    tenths    BIGINT NOT NULL,
    tickets   BIGINT NOT NULL,
    PRIMARY KEY (span, kind, bucket, office_id, tenths)
);
-- Tickets already ended are counted by `sigap rebuild-figures`, which `sigap serve` runs by
-- itself when it finds these tables empty.
