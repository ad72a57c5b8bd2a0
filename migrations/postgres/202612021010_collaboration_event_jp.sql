-- The JP ledger (capacity) learns a second source: an event registration whose ASN attended.
-- The reference is unique, so the same attendance is written to the ledger once.
ALTER TABLE jp_entries ADD COLUMN event_registration_id TEXT REFERENCES event_registrations(id);
CREATE UNIQUE INDEX jp_entries_event_registration ON jp_entries(event_registration_id);
