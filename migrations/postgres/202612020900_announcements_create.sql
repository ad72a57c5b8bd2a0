-- Announcements (pengumuman): the current state of each announcement, every version of its text,
-- the agencies a restricted one is for, the CAP messages sent for urgent ones, and subscriptions
-- with the deliveries already made (one per subscriber and version, never twice).

CREATE TABLE announcements (
    id                TEXT PRIMARY KEY,
    owner_agency_id   TEXT NOT NULL REFERENCES agencies(id),
    -- 'policy', 'health_protocol', 'service_change', 'emergency'.
    category          TEXT NOT NULL,
    -- 'public', 'all_asn', 'agencies' (see announcement_audiences).
    audience          TEXT NOT NULL,
    pinned            INTEGER NOT NULL DEFAULT 0,
    -- Urgent announcements show in the banner and go out as CAP alerts (emergencies always do).
    urgent            INTEGER NOT NULL DEFAULT 0,
    -- 'draft', 'published', 'cancelled'.
    status            TEXT NOT NULL,
    publish_at_ms     BIGINT,
    expires_at_ms     BIGINT,
    -- Number of the current version (announcement_versions).
    version           BIGINT NOT NULL,
    -- The version last handed to subscribers, and the lease of the node handing it over.
    dispatched_version BIGINT NOT NULL DEFAULT 0,
    dispatch_owner    TEXT,
    dispatch_lease_ms BIGINT,
    created_by        TEXT NOT NULL,
    created_ms        BIGINT NOT NULL,
    updated_ms        BIGINT NOT NULL,
    published_ms      BIGINT,
    cancelled_ms      BIGINT
);
CREATE INDEX announcements_listing ON announcements (status, publish_at_ms);

CREATE TABLE announcement_versions (
    announcement_id TEXT NOT NULL REFERENCES announcements(id),
    version         BIGINT NOT NULL,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    instruction     TEXT NOT NULL DEFAULT '',
    edited_by       TEXT NOT NULL,
    edited_ms       BIGINT NOT NULL,
    PRIMARY KEY (announcement_id, version)
);

CREATE TABLE announcement_audiences (
    announcement_id TEXT NOT NULL REFERENCES announcements(id),
    agency_id       TEXT NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (announcement_id, agency_id)
);

-- One row per CAP message (Alert, Update, Cancel); `identifier` is the CAP identifier.
CREATE TABLE announcement_cap_messages (
    identifier      TEXT PRIMARY KEY,
    announcement_id TEXT NOT NULL REFERENCES announcements(id),
    version         BIGINT NOT NULL,
    msg_type        TEXT NOT NULL,
    sent_ms         BIGINT NOT NULL
);
CREATE INDEX announcement_cap_by_announcement ON announcement_cap_messages (announcement_id, sent_ms);

CREATE TABLE announcement_subscriptions (
    id          TEXT PRIMARY KEY,
    -- 'email' or 'sms'.
    channel     TEXT NOT NULL,
    address     TEXT NOT NULL,
    user_id     TEXT,
    -- Comma-separated category codes.
    categories  TEXT NOT NULL,
    lang        TEXT NOT NULL,
    -- Put in every message's unsubscribe link; it can only end this subscription.
    unsubscribe_token TEXT NOT NULL UNIQUE,
    active      INTEGER NOT NULL DEFAULT 1,
    created_ms  BIGINT NOT NULL,
    updated_ms  BIGINT NOT NULL,
    UNIQUE (channel, address)
);

CREATE TABLE announcement_deliveries (
    announcement_id TEXT NOT NULL,
    version         BIGINT NOT NULL,
    subscription_id TEXT NOT NULL,
    outbox_id       TEXT NOT NULL,
    created_ms      BIGINT NOT NULL,
    PRIMARY KEY (announcement_id, version, subscription_id)
);
