-- A technical recommendation may carry one attachment (a signed letter, a site photo), kept by
-- content in the blob store.
ALTER TABLE recommendation_requests ADD COLUMN attachment_sha256 TEXT;
ALTER TABLE recommendation_requests ADD COLUMN attachment_kind TEXT;
ALTER TABLE recommendation_requests ADD COLUMN attachment_name TEXT;
