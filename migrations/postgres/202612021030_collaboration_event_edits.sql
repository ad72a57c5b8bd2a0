-- Collaboration: organisers edit events. `version` grows by one with every saved edit; an edit
-- names the version it started from and is refused when someone saved after it (optimistic
-- concurrency). `sequence` (RFC 5545 SEQUENCE) keeps growing only on changes calendar apps show.
ALTER TABLE events ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
