-- Training needs (capacity): the competency gaps summed per agency, unit, position and competency,
-- recomputed for the groups a write touches in that write's transaction (see
-- capacity::gap_totals), so the analysis and the leaders' dashboard read a few thousand rows
-- instead of every employee with their assessments.
CREATE TABLE competency_gap_totals (
    agency_id     TEXT NOT NULL REFERENCES agencies(id),
    unit          TEXT NOT NULL,
    position      TEXT NOT NULL,
    competency_id TEXT NOT NULL REFERENCES competencies(id),
    employees     BIGINT NOT NULL,
    with_gap      BIGINT NOT NULL,
    total_gap     BIGINT NOT NULL,
    PRIMARY KEY (agency_id, unit, position, competency_id)
);
CREATE INDEX competency_gap_totals_position ON competency_gap_totals(position);
-- One row per position: writers of the same position take its lock before recomputing.
CREATE TABLE competency_gap_locks (
    position     TEXT PRIMARY KEY,
    refreshed_ms BIGINT NOT NULL
);
-- The totals of what is already on file (the same rule as capacity::gap_totals::recompute).
INSERT INTO competency_gap_totals (agency_id, unit, position, competency_id, employees, with_gap, total_gap)
SELECT g.agency_id, g.unit, g.position, g.competency_id, CAST(SUM(g.employees) AS BIGINT),
       CAST(SUM(g.with_gap) AS BIGINT), CAST(SUM(g.total_gap) AS BIGINT)
FROM (
    SELECT p.agency_id, p.unit, p.position, r.competency_id, p.n AS employees, p.n AS with_gap, p.n * r.level AS total_gap
    FROM (SELECT agency_id, unit, position, COUNT(*) AS n FROM employees GROUP BY agency_id, unit, position) p
    JOIN position_requirements r ON r.position = p.position
    UNION ALL
    SELECT x.agency_id, x.unit, x.position, r.competency_id, 0,
           -SUM(CASE WHEN s.level >= r.level THEN 1 ELSE 0 END),
           -SUM(CASE WHEN s.level >= r.level THEN r.level ELSE s.level END)
    FROM assessments s JOIN employees x ON x.id = s.employee_id
    JOIN position_requirements r ON r.position = x.position AND r.competency_id = s.competency_id
    WHERE s.is_current = 1
    GROUP BY x.agency_id, x.unit, x.position, r.competency_id
) g
GROUP BY g.agency_id, g.unit, g.position, g.competency_id;
