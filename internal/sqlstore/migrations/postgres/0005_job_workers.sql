-- Liveness of the processes that work River jobs (internal/jobs): each
-- replica writes a heartbeat with the database's clock; the jobs still
-- running under a replica whose heartbeat stopped are put back in the queue
-- by the others.
CREATE TABLE job_workers (
    id           TEXT PRIMARY KEY, -- River client id
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL
);
CREATE INDEX job_workers_heartbeat ON job_workers (heartbeat_at);
