package youverify

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/verify"
)

// The vNIN benchmarks run the whole request path in process: token auth,
// decoding, alias resolution and record lookup, storing the verification
// with its audit entry (and debit), encoding. The plain lookup is page
// 003's first sample; the validation one adds name scoring.

func BenchmarkVNINSQLite(b *testing.B) { benchmarkVNIN(b, openSQLite(b)) }

func BenchmarkVNINPostgres(b *testing.B) { benchmarkVNIN(b, openPostgres(b)) }

func benchmarkVNIN(b *testing.B, st idgate.Store) {
	e := newEnv(b, st, envOptions{prices: verify.DefaultPrices, balance: 1 << 40})
	for _, bb := range []struct{ name, tenant, body string }{
		{"lookup", "sandbox", vninBody(pageVNIN, "")},
		{"validation", "sandbox", vninBody(pageVNIN, `"validations":{"data":{"firstName":"Sarah","lastName":"Doe","dateOfBirth":"1988-04-04"}}`)},
		{"paid", "paid", vninBody(pageVNIN, "")},
	} {
		b.Run(bb.name, func(b *testing.B) {
			key := e.keys[bb.tenant]
			b.ReportAllocs()
			// Several requests in flight per core, as a server has: the
			// store commits concurrent writes together.
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest(http.MethodPost, "/v1/api/identity/ng/vnin", strings.NewReader(bb.body))
					req.Header.Set("token", key)
					rec := httptest.NewRecorder()
					e.handler.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Errorf("status %d: %s", rec.Code, rec.Body)
						return
					}
				}
			})
		})
	}
}
