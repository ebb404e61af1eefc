-- Dashboard operators (idgate admin create) and their sessions.
-- password_hash is a PHC argon2id string; sessions keep only the SHA-256 of
-- the browser's token, so a copy of the database signs nobody in.

CREATE TABLE admins (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    disabled_at   BIGINT
);

CREATE TABLE admin_sessions (
    token_hash BYTEA PRIMARY KEY,
    admin_id   TEXT NOT NULL REFERENCES admins (id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX admin_sessions_admin ON admin_sessions (admin_id);
CREATE INDEX admin_sessions_expires ON admin_sessions (expires_at);

-- Operators list verifications across tenants, newest first.
CREATE INDEX verifications_created ON verifications (created_at DESC, id DESC);
