package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

// TestRescueDead: jobs running under a replica whose heartbeat stopped go
// back to the queue and finish; jobs of a live replica are left alone.
func TestRescueDead(t *testing.T) {
	if testing.Short() {
		t.Skip("runs River against PostgreSQL")
	}
	st := sqlstoretest.Open(t, sqlstoretest.URL(t, sqlstore.EnginePostgres))
	ctx := context.Background()
	f := newFixture(t, st) // started: its own heartbeat is fresh
	r := f.runner
	stale := time.Now().Add(-time.Minute).UnixNano()
	if _, err := st.DB().Exec(`INSERT INTO job_workers (id, started_at, heartbeat_at) VALUES ('dead', $1, $1), ('alive', $1, $2)`,
		stale, time.Now().Add(time.Hour).UnixNano()); err != nil {
		t.Fatal(err)
	}
	// Two requests whose jobs look taken by the dead and the live replica.
	if err := r.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	vs := f.submit(t, ugRequest("Grace", "Akello", "1990-04-12", testCard), ugRequest("Grace", "Akello", "1990-04-12", testCard))
	for i, who := range []string{"dead", "alive"} {
		if _, err := st.DB().Exec(`UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now(), attempted_by = ARRAY[$1]
			WHERE args->>'verificationId' = $2`, who, vs[i].ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.rescueDead(ctx); err != nil {
		t.Fatal(err)
	}
	state := func(id string) string {
		var s string
		if err := st.DB().QueryRow(`SELECT state FROM river_job WHERE args->>'verificationId' = $1`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if got := state(vs[0].ID); got != "available" {
		t.Errorf("job of the dead replica: %s, want available", got)
	}
	if got := state(vs[1].ID); got != "running" {
		t.Errorf("job of the live replica: %s, want running", got)
	}
	var forgotten int
	st.DB().QueryRow(`SELECT COUNT(*) FROM job_workers WHERE id = $1`, r.clientID).Scan(&forgotten)
	if forgotten != 0 {
		t.Errorf("a cleanly stopped runner left its heartbeat")
	}
	r2, err := New(ctx, st, r.svc, r.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := r2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r2.Stop(context.Background()) })
	if v := f.await(t, vs[0].ID); v.Status != idgate.StatusCompleted {
		t.Errorf("rescued request: %s", v.Status)
	}
}
