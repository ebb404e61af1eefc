package youverify

import (
	"strings"
	"testing"

	"github.com/idgate/idgate/internal/exchangetest"
	"github.com/idgate/idgate/internal/verify"
)

// TestGoldenExchanges runs testdata/exchanges/*.txt, one subtest per file
// (see internal/exchangetest for the format; `go test -update` rewrites the
// expected responses). {{sandbox}}, {{paid}} and {{broke}} are the tenants'
// API keys. testdata/exchanges-noface runs on a server without a face
// engine.
func TestGoldenExchanges(t *testing.T) {
	for _, tt := range []struct {
		dir  string
		opts envOptions
	}{
		{"testdata/exchanges", envOptions{face: pageFace, prices: verify.DefaultPrices, balance: 1_000_000}},
		{"testdata/exchanges-noface", envOptions{prices: verify.DefaultPrices}},
	} {
		t.Run(tt.dir, func(t *testing.T) {
			e := newEnv(t, openSQLite(t), tt.opts)
			exchangetest.Runner{
				Handler:  e.handler,
				Vars:     e.keys,
				Volatile: map[string]string{"id": "<id>"},
			}.Run(t, tt.dir)
			if logs := e.logs.String(); strings.Contains(logs, pageVNIN) || strings.Contains(logs, "Sarah") {
				t.Errorf("logs contain PII:\n%s", logs)
			}
		})
	}
}
