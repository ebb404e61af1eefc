package laboremus

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/jobs"
	"github.com/idgate/idgate/internal/registry"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
	"github.com/idgate/idgate/internal/verify"
)

const (
	testIssuer   = "https://idgate.test"
	testAudience = "idgate-api"

	ninMatch = "CF12345678901A" // Grace Akello, card 001234567
	cardOK   = "001234567"
)

// tenantCreds are one tenant's credentials.
type tenantCreds struct {
	tenant   *idgate.Tenant
	subKey   string
	clientID string
	secret   string
	apiKey   string
}

// stack is the whole Laboremus path on a real store: auth, the local
// registry, the verification core, River workers and the HTTP handler.
type stack struct {
	st     *sqlstore.Store
	auth   *auth.Authenticator
	reg    *registry.Local
	runner *jobs.Runner
	mux    *http.ServeMux
	srv    *httptest.Server
	a, b   tenantCreds
}

func newStack(t *testing.T, st *sqlstore.Store) *stack {
	t.Helper()
	ctx := context.Background()
	a, err := auth.New(st, auth.Config{Issuer: testIssuer, Audience: testAudience})
	if err != nil {
		t.Fatal(err)
	}
	s := &stack{st: st, auth: a, reg: registry.NewLocal(st, nil)}
	rec := &idgate.Record{
		Country: idgate.Uganda, IDType: idgate.NIN, Number: ninMatch,
		FirstNames: "Grace", MiddleNames: "Nansubuga", LastName: "Akello", BirthDate: "1990-04-12", Gender: "F",
		UG: &idgate.UGPerson{OtherNames: "Nansubuga", CardNumber: cardOK, CardExpiry: "2031-01-01", CardStatus: "Valid", NINStatus: "Active"},
	}
	if _, err := st.PutRecords(ctx, []*idgate.Record{rec}); err != nil {
		t.Fatal(err)
	}
	svc := &verify.Service{Store: st, Source: s.reg}
	s.runner, err = jobs.New(ctx, st, svc, jobs.Config{PollInterval: 20 * time.Millisecond, RetryBase: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s.runner.SetEncoder(idgate.DialectLaboremus, func(v *idgate.Verification) any { return Encode(v) })
	if err := s.runner.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.runner.Stop(ctx)
	})
	s.a = s.tenant(t, "acme", idgate.User{ID: "b631b8d8-c217-4b56-82fc-36ea91cf342a", FirstName: "Jane", LastName: "Mukasa", Email: "jane@acme.test"})
	s.b = s.tenant(t, "globex", idgate.User{ID: "u-b"})
	s.mux = http.NewServeMux()
	Register(s.mux, &Handler{Submitter: s.runner, Verifications: svc, Auth: a})
	s.mux.Handle("POST /oauth/token", auth.TokenHandler(a))
	s.srv = httptest.NewServer(s.mux)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *stack) tenant(t *testing.T, name string, user idgate.User) tenantCreds {
	t.Helper()
	ctx := context.Background()
	tn := &idgate.Tenant{ID: idgate.NewID(), Name: name, Sandbox: true}
	if err := s.st.CreateTenant(ctx, tn, nil); err != nil {
		t.Fatal(err)
	}
	c := tenantCreds{tenant: tn}
	for _, k := range []struct {
		kind idgate.CredentialKind
		id   *string
		dst  *string
	}{{idgate.SubscriptionKey, nil, &c.subKey}, {idgate.OAuthClient, &c.clientID, &c.secret}, {idgate.APIKey, nil, &c.apiKey}} {
		cred, secret, err := auth.CreateCredential(ctx, s.st, tn.ID, k.kind, name+" "+string(k.kind), user, "test")
		if err != nil {
			t.Fatal(err)
		}
		*k.dst = secret
		if k.id != nil {
			*k.id = cred.ID
		}
	}
	return c
}

// token gets an access token from the token endpoint, as a client would.
func (s *stack) token(t *testing.T, c tenantCreds) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.clientID}, "client_secret": {c.secret}}
	resp, err := http.PostForm(s.srv.URL+"/oauth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok auth.Token
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != 200 {
		t.Fatalf("token: %d %v", resp.StatusCode, err)
	}
	if tok.ExpiresIn != 900 || tok.TokenType != "Bearer" {
		t.Errorf("token = %+v, want Bearer expiring in 900 s", tok)
	}
	return tok.AccessToken
}

// call sends a request to the running server and returns the status and
// the decoded JSON body.
func (s *stack) call(t *testing.T, method, path string, headers map[string]string, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

func authHeaders(token, key string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token, "Ocp-Apim-Subscription-Key": key}
}

// await polls GET until the request leaves Pending.
func (s *stack) await(t *testing.T, h map[string]string, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		code, _, body := s.call(t, "GET", "/idv/api/requests/"+id+"?v=2.0", h, "")
		if code != 200 {
			t.Fatalf("GET %s: %d %s", id, code, body)
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		if m["requestStatus"] != StatusPending {
			return m
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("request %s still Pending", id)
	return nil
}

func decodeMap(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return m
}

func openSQLite(t *testing.T) *sqlstore.Store {
	return sqlstoretest.Open(t, sqlstoretest.URL(t, sqlstore.EngineSQLite))
}
