package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/idgate/idgate/internal/app"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

// BenchmarkRSAIDVerification runs the whole request path in process: auth,
// validation, registry lookup, name scoring, storing with audit.
func BenchmarkRSAIDVerification(b *testing.B) {
	st := sqlstoretest.Open(b, sqlstoretest.SQLiteURL(b))
	a, err := app.New(context.Background(), st, app.Config{Sandbox: true})
	if err != nil {
		b.Fatal(err)
	}
	body := `{"ConsentReceived":true,"IdNumber":"8507145123085","FirstNames":"Thabo Johannes","LastName":"Mokoena","RequestReason":"bench"}`
	b.ReportAllocs()
	b.SetParallelism(16) // many clients at once, as a server sees them, so group commits batch
	start := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/Citizen/RSAIDVerification", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+a.SandboxKey)
			rec := httptest.NewRecorder()
			a.Handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		}
	})
	// CPU time per request is steadier than wall time on a shared machine.
	b.ReportMetric(float64((cpuTime()-start).Microseconds())/float64(b.N), "cpu-µs/op")
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
