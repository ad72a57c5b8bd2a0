-- The leaders' anonymised applications export reads applications in submission order, a page
-- at a time (keyset on submitted_ms, id): this index serves every page without a sort.
CREATE INDEX applications_submitted ON applications(submitted_ms, id);
