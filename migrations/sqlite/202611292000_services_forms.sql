-- Application forms as data: every change to a service's questions is a new version (the
-- fields as JSON, see services::forms::model); an application records the version it was
-- started under and its answers to those questions as a JSON object.

CREATE TABLE service_forms (
    service_id TEXT NOT NULL REFERENCES services(id),
    version    INTEGER NOT NULL,
    fields     TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    created_by TEXT REFERENCES users(id),
    PRIMARY KEY (service_id, version)
);

ALTER TABLE applications ADD COLUMN form_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN answers TEXT NOT NULL DEFAULT '{}';
