-- Account deletion on the citizen's request (UU 27/2022 Pelindungan Data Pribadi): when the
-- account was deleted, and whether name and NIK stay because issued documents are under legal hold.
ALTER TABLE users ADD COLUMN deleted_ms BIGINT;
ALTER TABLE users ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
