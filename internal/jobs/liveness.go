package jobs

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"time"
)

// Replica liveness, PostgreSQL only. River rescues a job that has been
// running longer than RescueAfter, measured from when it started, and only
// on its leader's 30-second maintenance tick: after a replica is killed its
// requests may wait over a minute. So every replica also writes a
// heartbeat (job_workers, with the database's clock, so replicas' clocks
// need not agree), and puts back in the queue the jobs still running under
// a replica whose heartbeat is older than deadAfter. Taking a live but
// stalled replica for dead is harmless: finishing a verification is
// conditional (see the package comment).
const (
	heartbeatEvery  = 5 * time.Second
	deadAfter       = 20 * time.Second
	forgetWorkerAge = time.Hour
)

// dbNowNanos is the database's clock in Unix nanoseconds.
const dbNowNanos = `(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000000)::BIGINT`

// newClientID names this process for River (attempted_by) and for the
// heartbeat table: host, process and a random part, as River requires the
// id to be unique among live clients.
func newClientID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "idgate"
	}
	host = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, host)
	return fmt.Sprintf("%.40s_%d_%s", host, os.Getpid(), strings.ToLower(rand.Text()[:8]))
}

// watchLiveness beats and rescues until ctx ends.
func (r *Runner) watchLiveness(ctx context.Context) {
	defer close(r.livenessDone)
	defer func() {
		if v := recover(); v != nil {
			r.log.Error("jobs: liveness loop panic; heartbeats stopped", "panic", v)
		}
	}()
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		if err := r.heartbeat(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("jobs: heartbeat", "err", err)
		}
		if err := r.rescueDead(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("jobs: rescue jobs of stopped replicas", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (r *Runner) heartbeat(ctx context.Context) error {
	_, err := r.store.DB().ExecContext(ctx, `INSERT INTO job_workers (id, started_at, heartbeat_at)
		VALUES ($1, `+dbNowNanos+`, `+dbNowNanos+`)
		ON CONFLICT (id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at`, r.clientID)
	return err
}

// rescueDead makes the jobs of replicas whose heartbeat stopped available
// again, and forgets replicas gone for long.
func (r *Runner) rescueDead(ctx context.Context) error {
	res, err := r.store.DB().ExecContext(ctx, `UPDATE river_job SET state = 'available'
		WHERE state = 'running'
		  AND attempted_by[array_upper(attempted_by, 1)] IN (
		      SELECT id FROM job_workers WHERE heartbeat_at < `+dbNowNanos+` - $1)`, int64(deadAfter))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		r.log.Info("jobs: rescued jobs of a stopped replica", "jobs", n)
	}
	_, err = r.store.DB().ExecContext(ctx, `DELETE FROM job_workers WHERE heartbeat_at < `+dbNowNanos+` - $1`, int64(forgetWorkerAge))
	return err
}

// forget removes this process's heartbeat after a clean stop: it has no
// running jobs left to rescue.
func (r *Runner) forget(ctx context.Context) error {
	_, err := r.store.DB().ExecContext(ctx, `DELETE FROM job_workers WHERE id = $1`, r.clientID)
	return err
}
