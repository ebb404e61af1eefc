-- Liveness of the processes that work River jobs (internal/jobs). SQLite
-- has one process by design and puts orphaned jobs back at start-up, so the
-- table stays empty there; it exists to keep both schemas alike.
CREATE TABLE job_workers (
    id           TEXT PRIMARY KEY,
    started_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
);
CREATE INDEX job_workers_heartbeat ON job_workers (heartbeat_at);
