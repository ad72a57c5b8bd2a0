-- Announcements, second step (issue #6): subscriptions confirmed by their address (double
-- opt-in) that may also carry internal announcements, the notice that an announcement was
-- withdrawn or ended early, and an optional English text beside the Indonesian one.

-- When the subscription was confirmed (by its address, or made from the subscriber's own
-- account). Rows from before this step were active without confirming: they count as
-- confirmed when they were made.
ALTER TABLE announcement_subscriptions ADD COLUMN confirmed_ms BIGINT;
-- SHA-256 of the outstanding one-time confirmation secret (the secret itself is only in the
-- message), and when it stops working (48 hours after it was asked for).
ALTER TABLE announcement_subscriptions ADD COLUMN confirm_token_hash TEXT;
ALTER TABLE announcement_subscriptions ADD COLUMN confirm_expires_ms BIGINT;
-- What confirming sets (categories, language) while the confirmation is outstanding.
ALTER TABLE announcement_subscriptions ADD COLUMN pending_categories TEXT;
ALTER TABLE announcement_subscriptions ADD COLUMN pending_lang TEXT;
-- 1: also announcements for all civil servants or the subscriber's agencies. Only for a
-- subscription tied to a staff account; the account's grants are checked at dispatch time.
ALTER TABLE announcement_subscriptions ADD COLUMN include_internal INTEGER NOT NULL DEFAULT 0;
UPDATE announcement_subscriptions SET confirmed_ms = created_ms WHERE active = 1;
CREATE UNIQUE INDEX announcement_subscriptions_confirm ON announcement_subscriptions (confirm_token_hash);

-- When it was ended before its expiry (for example an emergency that is over).
ALTER TABLE announcements ADD COLUMN ended_ms BIGINT;
-- 1 once the notice "withdrawn" / "ended" went to everyone who had received it. Its delivery
-- rows are in announcement_deliveries with version 0 (versions start at 1), so each
-- subscriber gets it once. Announcements withdrawn before this step need no notice.
ALTER TABLE announcements ADD COLUMN ending_dispatched INTEGER NOT NULL DEFAULT 0;
UPDATE announcements SET ending_dispatched = 1 WHERE status = 'cancelled';

-- An optional Indonesian summary (else the start of the body is used) and the optional
-- English text; an empty string means "not written".
ALTER TABLE announcement_versions ADD COLUMN summary TEXT NOT NULL DEFAULT '';
ALTER TABLE announcement_versions ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE announcement_versions ADD COLUMN summary_en TEXT NOT NULL DEFAULT '';
ALTER TABLE announcement_versions ADD COLUMN body_en TEXT NOT NULL DEFAULT '';
ALTER TABLE announcement_versions ADD COLUMN instruction_en TEXT NOT NULL DEFAULT '';
