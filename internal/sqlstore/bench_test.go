package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/storetest"
)

// BenchmarkCreateVerification measures stored-and-audited verifications per
// second from concurrent callers, as the HTTP layer produces them: a
// realistic verification (record, names, scores) with a wallet debit and an
// audit entry, on each engine and durability setting, with 8 and 64
// callers. It reports throughput and the p50/p99 latency of one call.
//
//	IDGATE_TEST_DATABASE_URL=postgres://... go test -run XXX -bench CreateVerification -benchtime 20000x ./internal/sqlstore
func BenchmarkCreateVerification(b *testing.B) {
	engines := []struct {
		name string
		open func(b *testing.B) *sqlstore.Store
	}{
		{"sqlite-normal", func(b *testing.B) *sqlstore.Store {
			return openURL(b, "sqlite://"+filepath.Join(b.TempDir(), "idgate.db")+"?synchronous=normal")
		}},
		{"sqlite-full", func(b *testing.B) *sqlstore.Store {
			return openURL(b, "sqlite://"+filepath.Join(b.TempDir(), "idgate.db")+"?synchronous=full")
		}},
		{"postgres", func(b *testing.B) *sqlstore.Store { return openPostgres(b) }},
	}
	for _, e := range engines {
		for _, perCPU := range []int{4, 32} {
			b.Run(fmt.Sprintf("%s/callers=%dxCPU", e.name, perCPU), func(b *testing.B) {
				benchCreate(b, e.open(b), perCPU)
			})
		}
	}
}

func benchCreate(b *testing.B, st *sqlstore.Store, perCPU int) {
	benchCreateWith(b, st, perCPU, st.CreateVerification)
}

func benchCreateWith(b *testing.B, st *sqlstore.Store, perCPU int, create func(context.Context, *idgate.Verification, *idgate.AuditEntry) error) {
	ctx := context.Background()
	if err := st.CreateTenant(ctx, &idgate.Tenant{ID: "t", Name: "Bench"}, nil); err != nil {
		b.Fatal(err)
	}
	if _, err := st.TopUp(ctx, "t", 1<<50, nil); err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	var mu sync.Mutex
	var latencies []time.Duration
	b.SetParallelism(perCPU)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			i := n.Add(1)
			v := storetest.NewVerification(fmt.Sprintf("v-%d", i), "t", time.Now())
			v.Price = 1
			v.Request.IdempotencyKey = fmt.Sprintf("k-%d", i)
			a := &idgate.AuditEntry{TenantID: "t", CredentialID: v.CredentialID, Actor: "api", Action: "verification.create",
				Subject: v.ID, Reason: v.Request.Reason, Consent: true, Outcome: "found"}
			t0 := time.Now()
			if err := create(ctx, v, a); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		latencies = append(latencies, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(latencies)
	if len(latencies) > 0 {
		b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "verifications/s")
		b.ReportMetric(ms(latencies[len(latencies)/2]), "p50-ms")
		b.ReportMetric(ms(latencies[len(latencies)*99/100]), "p99-ms")
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkPostgresPlainTx measures the alternative to group commit on
// PostgreSQL: one transaction per verification on the connection pool, the
// audit head locked by each (SELECT ... FOR UPDATE) until its commit.
func BenchmarkPostgresPlainTx(b *testing.B) {
	for _, perCPU := range []int{4, 32} {
		b.Run(fmt.Sprintf("callers=%dxCPU", perCPU), func(b *testing.B) {
			st := openPostgres(b)
			benchCreateWith(b, st, perCPU, st.CreateVerificationPlainTx)
		})
	}
}

// BenchmarkReads measures the lookups every verification request makes
// (credential, registry record, fraud listings) and a verification read
// back, in parallel, on SQLite's reader pool.
//
//	go test -run XXX -bench Reads ./internal/sqlstore
func BenchmarkReads(b *testing.B) {
	st := openURL(b, "sqlite://"+filepath.Join(b.TempDir(), "idgate.db"))
	ctx := context.Background()
	if err := st.CreateTenant(ctx, &idgate.Tenant{ID: "t", Name: "Bench"}, nil); err != nil {
		b.Fatal(err)
	}
	if err := st.CreateCredential(ctx, &idgate.Credential{ID: "key-t", TenantID: "t", Kind: idgate.APIKey, SecretHash: make([]byte, 32)}, nil); err != nil {
		b.Fatal(err)
	}
	v := storetest.NewVerification("v-1", "t", time.Now())
	if err := st.CreateVerification(ctx, v, nil); err != nil {
		b.Fatal(err)
	}
	rec := v.Result.Record
	if _, err := st.PutRecords(ctx, []*idgate.Record{rec}); err != nil {
		b.Fatal(err)
	}
	reads := []struct {
		name string
		read func() error
	}{
		{"credential", func() error { _, err := st.Credential(ctx, "key-t"); return err }},
		{"record", func() error { _, err := st.Record(ctx, rec.Country, rec.IDType, rec.Number); return err }},
		{"fraud-listings", func() error { _, err := st.FraudListingsFor(ctx, rec.Country, rec.Number); return err }},
		{"verification", func() error { _, err := st.Verification(ctx, "t", "v-1"); return err }},
	}
	for _, r := range reads {
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := r.read(); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
