-- Coarse waiting and service time histograms beside the tenths ones (see queue::stats; issue
-- #7): kinds 'wait_min' and 'service_min' count per whole minute (the `tenths` column then holds
-- the minute, tenths / 10). A p90 is located in them first, then read from the tenths of one
-- minute only: exact, from about a tenth of the rows a year of tenths takes.
INSERT INTO queue_time_stats (span, bucket, office_id, kind, tenths, tickets)
SELECT span, bucket, office_id, kind || '_min', tenths / 10, SUM(tickets)
FROM queue_time_stats
WHERE kind IN ('wait', 'service')
GROUP BY span, bucket, office_id, kind, tenths / 10;
