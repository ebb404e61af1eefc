-- Times are INTEGER Unix nanoseconds (UTC) in every table, on both engines.
-- Columns named sealed hold pii.Sealer output; lookup columns hold
-- pii.Sealer.BlindIndex output, never a clear ID number.

CREATE TABLE tenants (
    id         TEXT PRIMARY KEY,
    parent_id  TEXT REFERENCES tenants (id),
    name       TEXT NOT NULL,
    sandbox    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE credentials (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    secret_hash BLOB NOT NULL,
    user_json   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX credentials_tenant ON credentials (tenant_id, created_at);

CREATE TABLE signing_keys (
    id             TEXT PRIMARY KEY,
    algorithm      TEXT NOT NULL,
    private_sealed BLOB NOT NULL,
    public_key     BLOB NOT NULL,
    created_at     INTEGER NOT NULL,
    retired_at     INTEGER
);

CREATE TABLE wallets (
    tenant_id  TEXT PRIMARY KEY REFERENCES tenants (id),
    balance    INTEGER NOT NULL CHECK (balance >= 0),
    currency   TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL
);

CREATE TABLE registry_records (
    lookup     BLOB PRIMARY KEY,
    country    TEXT NOT NULL,
    id_type    TEXT NOT NULL,
    sealed     BLOB NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX registry_records_kind ON registry_records (country, id_type);

CREATE TABLE vnin_aliases (
    lookup     BLOB PRIMARY KEY,
    sealed     BLOB NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE registry_faults (
    lookup BLOB PRIMARY KEY,
    sealed BLOB NOT NULL
);

CREATE TABLE identity_cache (
    lookup    BLOB PRIMARY KEY,
    sealed    BLOB NOT NULL,
    cached_at INTEGER NOT NULL
);

CREATE TABLE verifications (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants (id),
    credential_id   TEXT NOT NULL,
    status          TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    country         TEXT NOT NULL,
    id_type         TEXT NOT NULL,
    dialect         TEXT NOT NULL,
    group_id        TEXT NOT NULL,
    client_ref      TEXT NOT NULL,
    idempotency_key TEXT,
    price           INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    submitted_at    INTEGER,
    received_at     INTEGER,
    sealed          BLOB NOT NULL
);
CREATE INDEX verifications_tenant_created ON verifications (tenant_id, created_at DESC, id DESC);
CREATE UNIQUE INDEX verifications_idempotency ON verifications (tenant_id, idempotency_key);
CREATE INDEX verifications_group ON verifications (tenant_id, group_id) WHERE group_id <> '';

CREATE TABLE fraud_listings (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    country    TEXT NOT NULL,
    lookup     BLOB NOT NULL,
    sealed     BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX fraud_listings_lookup ON fraud_listings (lookup);
CREATE INDEX fraud_listings_tenant ON fraud_listings (tenant_id, created_at DESC);

CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY,
    time          INTEGER NOT NULL,
    tenant_id     TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    reason        TEXT NOT NULL,
    consent       INTEGER NOT NULL,
    outcome       TEXT NOT NULL,
    amount        INTEGER NOT NULL,
    prev_hash     BLOB NOT NULL,
    hash          BLOB NOT NULL
);

-- The chain head: one row, read and updated by every append, so appends are
-- serialised (PostgreSQL locks it with SELECT ... FOR UPDATE).
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, X'');
