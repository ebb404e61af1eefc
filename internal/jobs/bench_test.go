package jobs

import (
	"context"
	"testing"

	"github.com/idgate/idgate"

	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
	"github.com/idgate/idgate/internal/verify"
)

// BenchmarkSubmit measures storing a Pending request with its job (one
// transaction through group commit), with the workers stopped.
func BenchmarkSubmit(b *testing.B) {
	for _, engine := range []string{sqlstore.EngineSQLite, sqlstore.EnginePostgres} {
		b.Run(engine, func(b *testing.B) {
			st := sqlstoretest.Open(b, sqlstoretest.URL(b, engine))
			f := &fixture{st: st}
			f.p = benchPrincipal(b, st)
			r, err := New(context.Background(), st, &verify.Service{Store: st}, Config{})
			if err != nil {
				b.Fatal(err)
			}
			req := ugRequest("Grace", "Akello", "1990-04-12", testCard)
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := r.Submit(context.Background(), f.p, []idgate.VerificationRequest{req}, ""); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

func benchPrincipal(b *testing.B, st *sqlstore.Store) *idgate.Principal {
	b.Helper()
	tenant := &idgate.Tenant{ID: idgate.NewID(), Name: "bench", Sandbox: true}
	if err := st.CreateTenant(context.Background(), tenant, nil); err != nil {
		b.Fatal(err)
	}
	return &idgate.Principal{Tenant: tenant, Credential: &idgate.Credential{ID: "key_bench", TenantID: tenant.ID}}
}
