-- Webhooks: callback URLs a tenant registers for verification events, and
-- the log of every delivery attempt (internal/jobs DeliverWebhook).
-- The signing secret is sealed like other secrets idgate must read back.

CREATE TABLE webhooks (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id),
    url           TEXT NOT NULL,
    events        TEXT NOT NULL,
    secret_sealed BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    disabled_at   INTEGER
);
CREATE INDEX webhooks_tenant ON webhooks (tenant_id, created_at DESC);

-- No PII: a delivery names the verification by id and records what the
-- receiver answered, never the body sent.
CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    webhook_id      TEXT NOT NULL REFERENCES webhooks (id),
    tenant_id       TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    verification_id TEXT NOT NULL,
    attempt         INTEGER NOT NULL,
    attempted_at    INTEGER NOT NULL,
    duration_ns     INTEGER NOT NULL,
    status_code     INTEGER NOT NULL,
    error           TEXT NOT NULL,
    succeeded       INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, attempted_at DESC, id DESC);
CREATE INDEX webhook_deliveries_verification ON webhook_deliveries (verification_id);
