-- Returning an application for revision names what to fix, per answer or document, and gives
-- the citizen a deadline (working days) to send it back; after it the application lapses.

CREATE TABLE application_revision_notes (
    id             TEXT PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications(id),
    returned_ms    BIGINT NOT NULL,
    item           TEXT NOT NULL,
    note           TEXT NOT NULL
);
CREATE INDEX application_revision_notes_application ON application_revision_notes(application_id, returned_ms);

ALTER TABLE applications ADD COLUMN revise_by_day TEXT;
