package youverify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/registry"
	"github.com/idgate/idgate/internal/sandbox"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
	"github.com/idgate/idgate/internal/verify"
)

// testNow is the pinned clock of every test: the page's first sample time.
var testNow = time.Date(2023, 6, 20, 18, 20, 11, 552_000_000, time.UTC)

func clock() time.Time { return testNow }

// Fixed tenant ids so that businessId is stable in golden files.
const (
	sandboxTenantID = "0b6f1d2e-5c1a-4c3e-9a59-6d1f2f0c0001"
	paidTenantID    = "0b6f1d2e-5c1a-4c3e-9a59-6d1f2f0c0002"
	brokeTenantID   = "0b6f1d2e-5c1a-4c3e-9a59-6d1f2f0c0003"
	apiUserID       = "628b38f03ae28a5a122d4bf3" // the page's requestedById
)

// pageVNIN is page 003's sample vNIN (Sarah Jane Doe); the tests run on the
// sandbox identities (internal/sandbox), which include the pages' samples.
const pageVNIN = "AB123456789012CD"

// fakeFace is a face engine with a fixed answer.
type fakeFace struct{ match idgate.FaceMatch }

var _ idgate.FaceEngine = fakeFace{}

func (f fakeFace) Compare(context.Context, []byte, []byte) (idgate.FaceMatch, error) {
	return f.match, nil
}

func (f fakeFace) Liveness(context.Context, []byte) (idgate.LivenessResult, error) {
	return idgate.LivenessResult{Pass: true, Score: 1}, nil
}

// pageFace answers like the facial-matching sample: confidence 91.
var pageFace = fakeFace{idgate.FaceMatch{Similarity: 0.62, Confidence: 0.91, Match: true, Threshold: 0.45}}

// env is a running dialect over a real store.
type env struct {
	st       idgate.Store
	srv      *httptest.Server
	handler  http.Handler      // the mux the server serves, for in-process benchmarks
	keys     map[string]string // "sandbox", "paid", "broke" → API key
	logs     *bytes.Buffer
	registry *registry.Local
}

type envOptions struct {
	face    idgate.FaceEngine // nil: no face engine
	prices  verify.Prices
	balance int64  // the paid tenant's opening balance
	config  Config // the dialect's limits
}

// openSQLite opens a store on a new file in a temporary folder.
func openSQLite(t testing.TB) idgate.Store {
	t.Helper()
	return sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t))
}

// openPostgres opens a store on a fresh schema of the database named by
// IDGATE_TEST_DATABASE_URL (skipped when unset).
func openPostgres(t testing.TB) idgate.Store {
	t.Helper()
	return sqlstoretest.Open(t, sqlstoretest.PostgresURL(t))
}

// newEnv seeds st with three tenants (sandbox, paid, broke), their API
// keys and the test identities, and serves the dialect.
func newEnv(t testing.TB, st idgate.Store, o envOptions) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{st: st, keys: map[string]string{}, logs: &bytes.Buffer{}}
	user := idgate.User{ID: apiUserID, FirstName: "API", LastName: "User"}
	for _, tn := range []struct {
		name, id string
		sandbox  bool
		balance  int64
	}{
		{"sandbox", sandboxTenantID, true, 0},
		{"paid", paidTenantID, false, o.balance},
		{"broke", brokeTenantID, false, 0},
	} {
		tenant := &idgate.Tenant{ID: tn.id, Name: tn.name, Sandbox: tn.sandbox, CreatedAt: testNow.Add(-24 * time.Hour)}
		must(t, st.CreateTenant(ctx, tenant, nil))
		_, key, err := auth.CreateCredential(ctx, st, tn.id, idgate.APIKey, tn.name+" key", user, "test")
		must(t, err)
		e.keys[tn.name] = key
		if tn.balance > 0 {
			_, err := st.TopUp(ctx, tn.id, tn.balance, &idgate.AuditEntry{Actor: "test", Action: "wallet.topup", Subject: tn.id, TenantID: tn.id})
			must(t, err)
		}
	}
	must(t, sandbox.Seed(ctx, st, sandboxTenantID, testNow))

	authn, err := auth.New(st, auth.Config{Issuer: "https://idgate.test", Audience: "idgate", Now: clock})
	must(t, err)
	e.registry = registry.NewLocal(st, clock)
	svc := &verify.Service{Store: st, Source: e.registry, Config: verify.Config{Prices: o.prices}, Now: clock}
	if o.face != nil {
		svc.Face = o.face
	}
	h := &Handler{Service: svc, Auth: authn, Config: o.config, Logger: slog.New(slog.NewTextHandler(e.logs, nil))}
	mux := http.NewServeMux()
	Register(mux, h)
	e.handler = mux
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

// post sends body to path with the given token ("" sends none).
func (e *env) post(t testing.TB, path, token, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	must(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("token", token)
	}
	return e.do(t, req)
}

func (e *env) do(t testing.TB, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := e.srv.Client().Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	return resp.StatusCode, b
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func vninBody(vnin string, extra string) string {
	if extra != "" {
		extra = "," + extra
	}
	return fmt.Sprintf(`{"id":%q,"isSubjectConsent":true%s}`, vnin, extra)
}
