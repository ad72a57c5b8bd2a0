-- Issued documents and the instance's Ed25519 signing key. The key is kept in the database so
-- every node signs with the same key; the public half is published at /verify/key.
CREATE TABLE signing_keys (
    id         TEXT PRIMARY KEY,
    secret_b64 TEXT NOT NULL,
    public_b64 TEXT NOT NULL,
    created_ms BIGINT NOT NULL
);

CREATE TABLE issued_documents (
    id              TEXT PRIMARY KEY,
    application_id  TEXT NOT NULL UNIQUE REFERENCES applications(id),
    document_number TEXT NOT NULL UNIQUE,
    blob_sha256     TEXT NOT NULL,
    signature_b64   TEXT NOT NULL,
    key_id          TEXT NOT NULL,
    signer_id       TEXT,
    issued_ms       BIGINT NOT NULL,
    revoked_ms      BIGINT,
    revoked_reason  TEXT
);
