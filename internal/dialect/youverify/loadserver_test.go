package youverify

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
	"github.com/idgate/idgate/internal/verify"
)

// Flags of TestLoadServer, which serves the dialect for the load generator
// (bench/load) until -load-for has passed; see docs/benchmarks/youverify.md.
var (
	loadListen = flag.String("load-listen", "", "serve the Youverify dialect here for a load test (TestLoadServer)")
	loadDB     = flag.String("load-db", "", "store URL for TestLoadServer (sqlite:///path or postgres://…)")
	loadKeys   = flag.String("load-keys", "", "file TestLoadServer writes the sandbox and paid tenants' API keys to")
	loadFor    = flag.Duration("load-for", 2*time.Minute, "how long TestLoadServer serves")
)

// TestLoadServer serves the dialect over a store given by URL on a real
// listener, with the test tenants (sandbox: free; paid: billed from a huge
// balance) and identities of the other tests, until -load-for has passed.
// It wires what `idgate serve` wires for this surface — token auth, the
// verification core, the local registry, the store — without internal/app,
// which will import this package. Skipped unless -load-listen is given.
func TestLoadServer(t *testing.T) {
	if *loadListen == "" {
		t.Skip("serves only for load tests: -load-listen ADDR -load-db URL -load-keys FILE")
	}
	st := sqlstoretest.Open(t, *loadDB)
	e := newEnv(t, st, envOptions{prices: verify.DefaultPrices, balance: 1 << 50})
	e.srv.Close()
	must(t, os.WriteFile(*loadKeys, fmt.Appendf(nil, "sandbox=%s\npaid=%s\n", e.keys["sandbox"], e.keys["paid"]), 0o600))
	ln, err := net.Listen("tcp", *loadListen)
	must(t, err)
	srv := &http.Server{Handler: e.handler, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		time.Sleep(*loadFor)
		srv.Close()
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		t.Fatal(err)
	}
}
