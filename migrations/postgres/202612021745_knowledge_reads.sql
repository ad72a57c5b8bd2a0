-- Knowledge articles read, per WITA day, article and reader's agency: counted when a civil
-- servant opens an article (page or API), for "shared and read" on the leaders' dashboard.
CREATE TABLE article_daily_reads (
    day              TEXT NOT NULL,
    article_id       TEXT NOT NULL REFERENCES articles(id),
    owner_agency_id  TEXT NOT NULL REFERENCES agencies(id),
    -- The reader's (first) agency; '' for a reader without one.
    reader_agency_id TEXT NOT NULL,
    reads            BIGINT NOT NULL,
    PRIMARY KEY (day, article_id, reader_agency_id)
);
CREATE INDEX article_daily_reads_owner ON article_daily_reads(owner_agency_id, day);
