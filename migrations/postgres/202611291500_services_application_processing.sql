-- Back-office processing: who claimed an application, and since when the SLA clock is paused
-- (returned to the citizen for revision).
ALTER TABLE applications ADD COLUMN claimed_by TEXT;
ALTER TABLE applications ADD COLUMN paused_ms BIGINT;
