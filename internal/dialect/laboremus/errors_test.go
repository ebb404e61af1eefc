package laboremus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idgate/idgate"
)

// Hand-written fakes for the envelope tests.
type fakeAuth struct{ p *idgate.Principal }

func (f fakeAuth) AuthenticateBearer(context.Context, string) (*idgate.Principal, error) {
	return f.p, nil
}
func (f fakeAuth) AuthenticateSubscriptionKey(context.Context, string) (*idgate.Principal, error) {
	return f.p, nil
}

type fakeBackend struct{ err error }

func (f fakeBackend) Submit(context.Context, *idgate.Principal, []idgate.VerificationRequest, string) ([]*idgate.Verification, error) {
	return nil, f.err
}
func (f fakeBackend) Get(context.Context, *idgate.Principal, string) (*idgate.Verification, error) {
	return nil, f.err
}
func (f fakeBackend) List(context.Context, *idgate.Principal, idgate.VerificationFilter) ([]*idgate.Verification, string, error) {
	return nil, "", f.err
}

// TestErrorEnvelopes: what the core reports maps to the page's envelope,
// and internal details never reach the client.
func TestErrorEnvelopes(t *testing.T) {
	p := &idgate.Principal{Tenant: &idgate.Tenant{ID: "t1"}, Credential: &idgate.Credential{ID: "c1"}}
	secret := errors.New("pq: relation \"verifications\" does not exist (CF12345678901A)")
	cases := []struct {
		name   string
		err    error
		method string
		status int
		code   string
	}{
		{"internal on get", secret, "GET", 500, "InternalServerError"},
		{"internal on create", secret, "POST", 500, "InternalServerError"},
		{"wallet short", idgate.Errorf(idgate.EPAYMENTREQ, "Insufficient fund"), "POST", 402, "PaymentRequired"},
		{"registry store down", idgate.Errorf(idgate.EUNAVAILABLE, "database unavailable"), "GET", 503, "ServiceUnavailable"},
		{"not found", idgate.Errorf(idgate.ENOTFOUND, "verification not found"), "GET", 404, "NotFound"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var logs bytes.Buffer
			b := fakeBackend{err: c.err}
			mux := http.NewServeMux()
			Register(mux, &Handler{Submitter: b, Verifications: b, Auth: fakeAuth{p}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			path, body := "/idv/api/requests/497f6eca-6276-4993-bfeb-53cbbbba6f08?v=2.0", ""
			if c.method == "POST" {
				path, body = "/idv/api/requests?v=2.0", `{"surname":"A","givenNames":"B","nin":"CF12345678901A","cardNumber":"001234567","dateOfBirth":"1990-01-01"}`
			}
			req := httptest.NewRequest(c.method, path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer x")
			req.Header.Set("Ocp-Apim-Subscription-Key", "k")
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			var env ErrorEnvelope
			if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || rec.Code != c.status || env.Error.Code != c.code {
				t.Fatalf("%d %s, want %d %s", rec.Code, rec.Body, c.status, c.code)
			}
			if strings.Contains(rec.Body.String(), "pq:") || strings.Contains(rec.Body.String(), "CF123") {
				t.Errorf("internal detail leaked: %s", rec.Body)
			}
			if c.status == 500 && !strings.Contains(logs.String(), "err_id") {
				t.Errorf("internal error not logged with an id: %s", logs.String())
			}
		})
	}
}
