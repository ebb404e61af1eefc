-- Times are BIGINT Unix nanoseconds (UTC) in every table, on both engines.
-- Columns named sealed hold pii.Sealer output; lookup columns hold
-- pii.Sealer.BlindIndex output, never a clear ID number.

CREATE TABLE tenants (
    id         TEXT PRIMARY KEY,
    parent_id  TEXT REFERENCES tenants (id),
    name       TEXT NOT NULL,
    sandbox    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);

CREATE TABLE credentials (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    secret_hash BYTEA NOT NULL,
    user_json   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX credentials_tenant ON credentials (tenant_id, created_at);

CREATE TABLE signing_keys (
    id             TEXT PRIMARY KEY,
    algorithm      TEXT NOT NULL,
    private_sealed BYTEA NOT NULL,
    public_key     BYTEA NOT NULL,
    created_at     BIGINT NOT NULL,
    retired_at     BIGINT
);

CREATE TABLE wallets (
    tenant_id  TEXT PRIMARY KEY REFERENCES tenants (id),
    balance    BIGINT NOT NULL CHECK (balance >= 0),
    currency   TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);

CREATE TABLE registry_records (
    lookup     BYTEA PRIMARY KEY,
    country    TEXT NOT NULL,
    id_type    TEXT NOT NULL,
    sealed     BYTEA NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX registry_records_kind ON registry_records (country, id_type);

CREATE TABLE vnin_aliases (
    lookup     BYTEA PRIMARY KEY,
    sealed     BYTEA NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE registry_faults (
    lookup BYTEA PRIMARY KEY,
    sealed BYTEA NOT NULL
);

CREATE TABLE identity_cache (
    lookup    BYTEA PRIMARY KEY,
    sealed    BYTEA NOT NULL,
    cached_at BIGINT NOT NULL
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
    price           BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    submitted_at    BIGINT,
    received_at     BIGINT,
    sealed          BYTEA NOT NULL
);
CREATE INDEX verifications_tenant_created ON verifications (tenant_id, created_at DESC, id DESC);
CREATE UNIQUE INDEX verifications_idempotency ON verifications (tenant_id, idempotency_key);
CREATE INDEX verifications_group ON verifications (tenant_id, group_id) WHERE group_id <> '';

CREATE TABLE fraud_listings (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    country    TEXT NOT NULL,
    lookup     BYTEA NOT NULL,
    sealed     BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX fraud_listings_lookup ON fraud_listings (lookup);
CREATE INDEX fraud_listings_tenant ON fraud_listings (tenant_id, created_at DESC);

CREATE TABLE audit_log (
    seq           BIGINT PRIMARY KEY,
    time          BIGINT NOT NULL,
    tenant_id     TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    reason        TEXT NOT NULL,
    consent       BOOLEAN NOT NULL,
    outcome       TEXT NOT NULL,
    amount        BIGINT NOT NULL,
    prev_hash     BYTEA NOT NULL,
    hash          BYTEA NOT NULL
);

-- The chain head: one row, read and updated by every append, so appends are
-- serialised (PostgreSQL locks it with SELECT ... FOR UPDATE).
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash BYTEA NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '\x'::bytea);
