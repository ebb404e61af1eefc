package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/storetest"
)

// BenchmarkCreateVerification measures stored-and-audited verifications per
// second from many concurrent callers, as the HTTP layer produces them: a
// realistic verification (record, names, scores) with a wallet debit and an
// audit entry, on each engine.
//
//	go test -run XXX -bench CreateVerification -benchtime 20000x ./internal/sqlstore
func BenchmarkCreateVerification(b *testing.B) {
	b.Run("sqlite-normal", func(b *testing.B) {
		benchCreate(b, openURL(b, "sqlite://"+filepath.Join(b.TempDir(), "idgate.db")))
	})
	b.Run("sqlite-full", func(b *testing.B) {
		benchCreate(b, openURL(b, "sqlite://"+filepath.Join(b.TempDir(), "idgate.db")+"?synchronous=full"))
	})
	b.Run("postgres", func(b *testing.B) {
		benchCreate(b, openPostgres(b))
	})
}

func benchCreate(b *testing.B, st *sqlstore.Store) {
	ctx := context.Background()
	if err := st.CreateTenant(ctx, &idgate.Tenant{ID: "t", Name: "Bench"}, nil); err != nil {
		b.Fatal(err)
	}
	if _, err := st.TopUp(ctx, "t", 1<<50, nil); err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	b.SetParallelism(32) // 64 callers on 2 CPUs, like concurrent HTTP requests
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			v := storetest.NewVerification(fmt.Sprintf("v-%d", i), "t", time.Now())
			v.Price = 1
			v.Request.IdempotencyKey = fmt.Sprintf("k-%d", i)
			a := &idgate.AuditEntry{TenantID: "t", CredentialID: v.CredentialID, Actor: "api", Action: "verification.create",
				Subject: v.ID, Reason: v.Request.Reason, Consent: true, Outcome: "found"}
			if err := st.CreateVerification(ctx, v, a); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "verifications/s")
}
