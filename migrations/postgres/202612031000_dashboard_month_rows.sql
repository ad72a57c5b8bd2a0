-- Dashboard speed at a million applications (issue #7). Two changes, figures unchanged:
--
-- 1. The service figures also keep one row per calendar month beside the daily rows (`span`
--    'month', `day` holding 'YYYY-MM'), counted in the same transaction as the day's row: a
--    period of three years is then summed from its 36 month rows and the days at its two ends,
--    not from 1,100 days × every service.
-- 2. "Being processed now" counts applications by status: an index that starts with the status
--    answers it from the few thousand open ones instead of reading all of them.
ALTER TABLE service_daily_stats ADD COLUMN span TEXT NOT NULL DEFAULT 'day';
ALTER TABLE service_duration_stats ADD COLUMN span TEXT NOT NULL DEFAULT 'day';
ALTER TABLE skm_daily_stats ADD COLUMN span TEXT NOT NULL DEFAULT 'day';

INSERT INTO service_daily_stats (span, day, agency_id, service_id, received, returned, completed,
    completed_on_time, issued, rejected, withdrawn)
SELECT 'month', SUBSTR(day, 1, 7), agency_id, service_id, SUM(received), SUM(returned), SUM(completed),
    SUM(completed_on_time), SUM(issued), SUM(rejected), SUM(withdrawn)
FROM service_daily_stats WHERE span = 'day' GROUP BY SUBSTR(day, 1, 7), agency_id, service_id;

INSERT INTO service_duration_stats (span, day, agency_id, service_id, working_days, completed)
SELECT 'month', SUBSTR(day, 1, 7), agency_id, service_id, working_days, SUM(completed)
FROM service_duration_stats WHERE span = 'day' GROUP BY SUBSTR(day, 1, 7), agency_id, service_id, working_days;

INSERT INTO skm_daily_stats (span, day, agency_id, service_id, respondents, e1, e2, e3, e4, e5, e6, e7, e8, e9)
SELECT 'month', SUBSTR(day, 1, 7), agency_id, service_id, SUM(respondents), SUM(e1), SUM(e2), SUM(e3),
    SUM(e4), SUM(e5), SUM(e6), SUM(e7), SUM(e8), SUM(e9)
FROM skm_daily_stats WHERE span = 'day' GROUP BY SUBSTR(day, 1, 7), agency_id, service_id;

CREATE INDEX service_daily_stats_span ON service_daily_stats(span, day);
CREATE INDEX service_duration_stats_span ON service_duration_stats(span, day);
CREATE INDEX skm_daily_stats_span ON skm_daily_stats(span, day);

CREATE INDEX applications_status_agency ON applications(status, agency_id);
