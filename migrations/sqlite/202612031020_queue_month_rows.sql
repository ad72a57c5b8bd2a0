-- Queue figures of long periods from month rows (see queue::stats; issue #7): per calendar
-- month, office, weekday (1 = Monday) and hour of drawing — the weekday keeps the heat map of
-- busy hours exact — and, in queue_time_stats, a 'year' span (bucket 'YYYY') beside 'day' and
-- 'month', so the p90 of a year is read from one histogram instead of twelve.
CREATE TABLE queue_month_stats (
    month      TEXT NOT NULL,
    office_id  TEXT NOT NULL REFERENCES queue_offices(id),
    weekday    BIGINT NOT NULL,
    hour       BIGINT NOT NULL,
    tickets    BIGINT NOT NULL,
    no_shows   BIGINT NOT NULL,
    waited     BIGINT NOT NULL,
    wait_ms    BIGINT NOT NULL,
    served     BIGINT NOT NULL,
    service_ms BIGINT NOT NULL,
    PRIMARY KEY (month, office_id, weekday, hour)
);
-- Filled from the tickets by `sigap rebuild-figures`, which `sigap serve` runs by itself when it
-- finds this table empty while tickets have ended.
