-- Daily jobs: the node that inserts today's row runs the job; the others skip it.
CREATE TABLE job_runs (
    job        TEXT NOT NULL,
    day        TEXT NOT NULL,
    started_ms BIGINT NOT NULL,
    PRIMARY KEY (job, day)
);
