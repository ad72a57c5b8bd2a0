-- JP compliance kept on write for the leaders' dashboard (see capacity::jp_totals), so the
-- compliance of every agency is read from a few rows instead of summing the JP ledger of 50,000
-- civil servants on every request.
--
-- Approved JP per employee and ledger year.
CREATE TABLE jp_year_totals (
    employee_id TEXT NOT NULL REFERENCES employees(id),
    year        BIGINT NOT NULL,
    approved_jp BIGINT NOT NULL,
    PRIMARY KEY (employee_id, year)
);
-- Per agency and year: how many of its PNS have at least the 20 JP right (JP_RIGHT) that year.
-- The number of PNS itself is counted when read (an index answers it).
CREATE TABLE jp_compliance (
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    year      BIGINT NOT NULL,
    compliant BIGINT NOT NULL,
    PRIMARY KEY (agency_id, year)
);

INSERT INTO jp_year_totals (employee_id, year, approved_jp)
SELECT employee_id, year, SUM(jp) FROM jp_entries WHERE status = 'approved' GROUP BY employee_id, year;

INSERT INTO jp_compliance (agency_id, year, compliant)
SELECT e.agency_id, t.year, COUNT(*) FROM jp_year_totals t JOIN employees e ON e.id = t.employee_id
WHERE e.employment_type = 'pns' AND t.approved_jp >= 20 GROUP BY e.agency_id, t.year;

CREATE INDEX employees_type_agency ON employees(employment_type, agency_id);
