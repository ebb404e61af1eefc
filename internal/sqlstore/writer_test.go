package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/pii"
)

func openInternal(t *testing.T) *Store {
	t.Helper()
	sealer, err := pii.NewSealer(map[string][]byte{"k": make([]byte, pii.KeySize)}, "k")
	if err != nil {
		t.Fatal(err)
	}
	st, err := Open(context.Background(), Options{URL: filepath.Join(t.TempDir(), "w.db"), Sealer: sealer,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestBatchIsolatesAFailingOp runs one batch directly on the writer: the
// failing op's tenant row and audit entry are undone, the others commit
// and their audit entries chain without a gap.
func TestBatchIsolatesAFailingOp(t *testing.T) {
	st := openInternal(t)
	boom := errors.New("boom")
	op := func(id string, fail bool) *writeOp {
		return &writeOp{ctx: context.Background(), done: make(chan error, 1), fn: func(ctx context.Context, tx *sql.Tx) error {
			if _, err := st.txExec(ctx, tx, "INSERT INTO tenants (id, name, sandbox, created_at) VALUES (?, ?, ?, ?)", id, id, false, 1); err != nil {
				return err
			}
			if err := st.appendAudit(ctx, tx, &idgate.AuditEntry{Actor: "test", Action: "tenant.create", Subject: id}); err != nil {
				return err
			}
			if fail {
				return boom
			}
			return nil
		}}
	}
	batch := []*writeOp{op("a", false), op("b", true), op("c", false), op("a", false)} // the second "a" conflicts
	st.w.run(batch)
	var got []string
	for _, o := range batch {
		got = append(got, fmt.Sprint(<-o.done != nil))
	}
	want := "[false true false true]"
	if fmt.Sprint(got) != want {
		t.Errorf("failed ops = %v, want %s", got, want)
	}
	tenants, err := st.Tenants(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(tenants) != 2 || tenants[0].ID != "a" || tenants[1].ID != "c" {
		t.Errorf("tenants = %v, want a and c", tenants)
	}
	entries, err := st.AuditEntries(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Subject != "a" || entries[1].Subject != "c" || entries[1].Seq != 2 {
		t.Fatalf("audit = %+v, want a (1) and c (2)", entries)
	}
	if seq, hash, _ := st.AuditHead(context.Background()); seq != 2 || string(hash) != string(entries[1].Hash) {
		t.Errorf("audit head = %d, want 2 and the last entry's hash", seq)
	}
}

// TestBatchSkipsCancelledCallers checks that an op whose caller gave up
// before its turn does not run.
func TestBatchSkipsCancelledCallers(t *testing.T) {
	st := openInternal(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	o := &writeOp{ctx: ctx, done: make(chan error, 1), fn: func(context.Context, *sql.Tx) error { ran = true; return nil }}
	st.w.run([]*writeOp{o})
	if err := <-o.done; !errors.Is(err, context.Canceled) || ran {
		t.Errorf("cancelled op: err %v, ran %v; want context.Canceled and not run", err, ran)
	}
}
