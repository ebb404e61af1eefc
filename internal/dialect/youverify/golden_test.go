package youverify

import (
	"strings"
	"testing"

	"github.com/idgate/idgate/internal/exchangetest"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
	"github.com/idgate/idgate/internal/verify"
)

// TestGoldenExchanges runs testdata/exchanges/*.txt, one subtest per file
// (see internal/exchangetest for the format; `go test -update` rewrites the
// expected responses). {{sandbox}}, {{paid}} and {{broke}} are the tenants'
// API keys. testdata/exchanges-noface runs on a server without a face
// engine. They run on SQLite, and on PostgreSQL when
// IDGATE_TEST_DATABASE_URL is set.
func TestGoldenExchanges(t *testing.T) {
	for _, tt := range []struct {
		dir  string
		opts envOptions
	}{
		{"testdata/exchanges", envOptions{face: pageFace, prices: verify.DefaultPrices, balance: 1_000_000}},
		{"testdata/exchanges-noface", envOptions{prices: verify.DefaultPrices}},
	} {
		for _, engine := range []string{"sqlite", "postgres"} {
			t.Run(engine+"/"+tt.dir, func(t *testing.T) {
				e := newEnv(t, sqlstoretest.Open(t, sqlstoretest.URL(t, engine)), tt.opts)
				exchangetest.Runner{
					Handler:  e.handler,
					Vars:     e.keys,
					Volatile: map[string]string{"id": "<id>", "image": "<len>"},
				}.Run(t, tt.dir)
				if logs := e.logs.String(); strings.Contains(logs, pageVNIN) || strings.Contains(logs, "Sarah") {
					t.Errorf("logs contain PII:\n%s", logs)
				}
			})
		}
	}
}
