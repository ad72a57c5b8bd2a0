-- Complaints (pengaduan): categories as data, each complaint with its timeline, and the API keys
-- of partner apps that file through Open311 GeoReport v2 (only a SHA-256 of each key is kept).

CREATE TABLE complaint_categories (
    code           TEXT PRIMARY KEY,
    -- 'service': about a service of the catalogue (its agency answers); 'public': a public matter.
    kind           TEXT NOT NULL,
    -- The agency responsible for public matters, by code; empty for 'service' (the service's agency).
    agency_code    TEXT NOT NULL DEFAULT '',
    name_id        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    description_id TEXT NOT NULL,
    description_en TEXT NOT NULL,
    keywords       TEXT NOT NULL DEFAULT '',
    group_name     TEXT NOT NULL DEFAULT '',
    position       INTEGER NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1
);

INSERT INTO complaint_categories (code, kind, agency_code, name_id, name_en, description_id, description_en, keywords, group_name, position) VALUES
('layanan', 'service', '', 'Pelayanan publik', 'A public service', 'Pengaduan tentang layanan dalam katalog Sigap: waktu, biaya, persyaratan, perilaku petugas.', 'A complaint about a service in the Sigap catalogue: time, cost, requirements, staff behaviour.', 'layanan,service,pelayanan,surat,izin', 'pelayanan', 1),
('jalan-drainase', 'public', 'kec-alak', 'Jalan dan drainase', 'Roads and drainage', 'Jalan rusak, got atau saluran tersumbat, genangan air.', 'Damaged roads, blocked drains or gutters, standing water.', 'jalan,got,drainase,banjir,road,drain,flood', 'prasarana', 2),
('kebersihan', 'public', 'kec-alak', 'Kebersihan dan sampah', 'Cleanliness and waste', 'Sampah menumpuk, tempat sampah penuh, pembakaran sampah.', 'Piled-up rubbish, full bins, burning of waste.', 'sampah,kebersihan,waste,rubbish', 'lingkungan', 3),
('ketertiban', 'public', 'kec-alak', 'Ketertiban umum', 'Public order', 'Gangguan ketertiban, kebisingan, parkir liar, pedagang di trotoar.', 'Disturbances, noise, illegal parking, street vendors on pavements.', 'ketertiban,kebisingan,order,noise,parking', 'ketertiban', 4),
('kesehatan', 'public', 'kec-alak', 'Kesehatan masyarakat', 'Public health', 'Sarang nyamuk, air tergenang, bau, hewan mati.', 'Mosquito breeding sites, standing water, smells, dead animals.', 'kesehatan,nyamuk,dbd,health,mosquito', 'lingkungan', 5),
('air-bersih', 'public', 'kec-alak', 'Air bersih', 'Clean water', 'Air bersih tidak mengalir, pipa bocor, kualitas air buruk.', 'No running water, leaking pipes, poor water quality.', 'air,pipa,pdam,water,pipe', 'prasarana', 6),
('lainnya', 'public', 'kec-alak', 'Lainnya', 'Other', 'Masalah umum lain di wilayah Kecamatan Alak.', 'Any other public matter in Alak District.', 'lain,other', 'lainnya', 7);

CREATE TABLE complaints (
    id               TEXT PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    category_code    TEXT NOT NULL REFERENCES complaint_categories(code),
    service_code     TEXT NOT NULL DEFAULT '',
    agency_id        TEXT NOT NULL REFERENCES agencies(id),
    complainant_id   TEXT REFERENCES users(id),
    -- Contact of an anonymous complainant (optional), for the answer; never shown publicly.
    contact_name     TEXT NOT NULL DEFAULT '',
    contact_email    TEXT NOT NULL DEFAULT '',
    contact_phone    TEXT NOT NULL DEFAULT '',
    access_code_hash TEXT,
    lang             TEXT NOT NULL DEFAULT 'id',
    channel          TEXT NOT NULL,
    api_key_id       TEXT,
    description      TEXT NOT NULL,
    photo_sha256     TEXT,
    photo_kind       TEXT,
    media_url        TEXT NOT NULL DEFAULT '',
    lat              DOUBLE PRECISION,
    lon              DOUBLE PRECISION,
    address          TEXT NOT NULL DEFAULT '',
    kelurahan_code   TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL,
    status_note      TEXT NOT NULL DEFAULT '',
    response         TEXT NOT NULL DEFAULT '',
    version          INTEGER NOT NULL DEFAULT 1,
    created_ms       BIGINT NOT NULL,
    triaged_ms       BIGINT,
    responded_ms     BIGINT,
    closed_ms        BIGINT,
    updated_ms       BIGINT NOT NULL
);
CREATE INDEX complaints_agency_status ON complaints(agency_id, status);
CREATE INDEX complaints_complainant ON complaints(complainant_id, created_ms);
CREATE INDEX complaints_created ON complaints(created_ms);

CREATE TABLE complaint_events (
    id           TEXT PRIMARY KEY,
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    at_ms        BIGINT NOT NULL,
    actor_id     TEXT,
    action       TEXT NOT NULL,
    status       TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_events_complaint ON complaint_events(complaint_id, at_ms);

CREATE TABLE open311_keys (
    id          TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    key_hash    TEXT NOT NULL UNIQUE,
    created_by  TEXT REFERENCES users(id),
    created_ms  BIGINT NOT NULL,
    revoked_ms  BIGINT
);
