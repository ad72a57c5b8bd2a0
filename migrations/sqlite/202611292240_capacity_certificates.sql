-- ASN capacity: certificates of completed trainings. One per enrolment (asked twice, issued once);
-- the PDF is a content-addressed blob written before this row; revoked certificates are kept.
CREATE TABLE certificates (
    id             TEXT PRIMARY KEY,
    enrolment_id   TEXT NOT NULL UNIQUE REFERENCES enrolments(id),
    employee_id    TEXT NOT NULL REFERENCES employees(id),
    number         TEXT NOT NULL UNIQUE,
    holder_name    TEXT NOT NULL,
    holder_nip     TEXT NOT NULL,
    training_id    TEXT NOT NULL REFERENCES trainings(id),
    training_title TEXT NOT NULL,
    jp             INTEGER NOT NULL,
    starts_on      TEXT NOT NULL,
    ends_on        TEXT NOT NULL,
    agency_name    TEXT NOT NULL,
    blob_sha256    TEXT NOT NULL,
    signature_b64  TEXT NOT NULL,
    key_id         TEXT NOT NULL,
    issued_ms      BIGINT NOT NULL,
    revoked_ms     BIGINT,
    revoked_reason TEXT
);
CREATE INDEX certificates_employee ON certificates(employee_id, issued_ms);
