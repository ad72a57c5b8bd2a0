-- The citizen's document locker: files a citizen uploaded once (KTP, KK, ...) kept by content
-- in the blob store, to attach to later applications without uploading again.

CREATE TABLE locker_documents (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL REFERENCES users(id),
    label       TEXT NOT NULL,
    blob_sha256 TEXT NOT NULL,
    file_kind   TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    size_bytes  BIGINT NOT NULL,
    created_ms  BIGINT NOT NULL,
    UNIQUE (owner_id, blob_sha256)
);
CREATE INDEX locker_documents_owner ON locker_documents(owner_id, created_ms);
