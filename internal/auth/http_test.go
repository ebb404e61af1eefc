package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

type tokenRequest struct {
	method, target, contentType string
	basic                       string // Authorization header value, "" for none
	form                        url.Values
	body                        string // overrides form
}

func (f *fixture) post(t *testing.T, h http.Handler, req tokenRequest) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	if req.method == "" {
		req.method = http.MethodPost
	}
	if req.target == "" {
		req.target = "/oauth/token"
	}
	if req.contentType == "" {
		req.contentType = "application/x-www-form-urlencoded"
	}
	body := req.body
	if body == "" {
		body = req.form.Encode()
	}
	r := httptest.NewRequest(req.method, req.target, strings.NewReader(body))
	r.Header.Set("Content-Type", req.contentType)
	if req.basic != "" {
		r.Header.Set("Authorization", req.basic)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var got map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatalf("body %q is not JSON: %v", w.Body.String(), err)
	}
	return w, got
}

func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

func TestTokenHandlerIssues(t *testing.T) {
	f := newFixture(t)
	h := TokenHandler(f.auth)
	grant := url.Values{"grant_type": {"client_credentials"}}
	percentEncodedID := "idgc%5F" + strings.TrimPrefix(f.clientID, "idgc_") // RFC 6749 §2.3.1: decode before use
	tests := []struct {
		name string
		req  tokenRequest
	}{
		{"client_secret_basic", tokenRequest{basic: basic(f.clientID, f.clientSecret), form: grant}},
		{"client_secret_basic percent-encoded", tokenRequest{
			basic: "Basic " + base64.StdEncoding.EncodeToString([]byte(percentEncodedID+":"+f.clientSecret)), form: grant}},
		{"basic with matching client_id", tokenRequest{basic: basic(f.clientID, f.clientSecret),
			form: url.Values{"grant_type": {"client_credentials"}, "client_id": {f.clientID}}}},
		{"client_secret_post", tokenRequest{form: url.Values{
			"grant_type": {"client_credentials"}, "client_id": {f.clientID}, "client_secret": {f.clientSecret}}}},
		{"connect/token with charset", tokenRequest{target: "/connect/token", contentType: "application/x-www-form-urlencoded; charset=utf-8",
			basic: basic(f.clientID, f.clientSecret), form: grant}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, got := f.post(t, h, tt.req)
			if w.Code != http.StatusOK {
				t.Fatalf("status = %d, body %s", w.Code, w.Body)
			}
			for header, want := range map[string]string{
				"Cache-Control": "no-store", "Pragma": "no-cache", "Content-Type": "application/json;charset=UTF-8",
			} {
				if v := w.Header().Get(header); v != want {
					t.Errorf("%s = %q, want %q", header, v, want)
				}
			}
			if got["token_type"] != "Bearer" || got["expires_in"] != float64(900) {
				t.Errorf("body = %v, want token_type Bearer, expires_in 900", got)
			}
			if _, hasScope := got["scope"]; hasScope {
				t.Errorf("scope %v present though none was requested or configured", got["scope"])
			}
			tok, _ := got["access_token"].(string)
			p, err := f.auth.AuthenticateBearer(context.Background(), tok)
			if err != nil {
				t.Fatalf("issued token refused: %v", err)
			}
			if p.Credential.ID != f.clientID {
				t.Errorf("token acts for %s, want %s", p.Credential.ID, f.clientID)
			}
		})
	}
}

func TestTokenHandlerErrors(t *testing.T) {
	f := newFixture(t)
	a, err := New(f.store, Config{Issuer: testIssuer, Audience: testAudience, Now: f.clock.Now, Scopes: []string{"idv"}})
	if err != nil {
		t.Fatal(err)
	}
	h := TokenHandler(a)
	good := basic(f.clientID, f.clientSecret)
	grant := url.Values{"grant_type": {"client_credentials"}}
	_, otherSecret, _ := NewSecret("oauth_client", false)
	tests := []struct {
		name       string
		req        tokenRequest
		wantStatus int
		wantError  string
	}{
		{"GET", tokenRequest{method: http.MethodGet, basic: good, form: grant}, http.StatusMethodNotAllowed, "invalid_request"},
		{"JSON body", tokenRequest{contentType: "application/json", basic: good, body: `{"grant_type":"client_credentials"}`}, 400, "invalid_request"},
		{"no grant_type", tokenRequest{basic: good, form: url.Values{}}, 400, "invalid_request"},
		{"password grant", tokenRequest{basic: good, form: url.Values{"grant_type": {"password"}}}, 400, "unsupported_grant_type"},
		{"repeated parameter", tokenRequest{basic: good, body: "grant_type=client_credentials&grant_type=client_credentials"}, 400, "invalid_request"},
		{"bad form encoding", tokenRequest{basic: good, body: "grant_type=%zz"}, 400, "invalid_request"},
		{"secret in URL", tokenRequest{target: "/oauth/token?client_secret=" + f.clientSecret, basic: good, form: grant}, 400, "invalid_request"},
		{"both methods", tokenRequest{basic: good, form: url.Values{"grant_type": {"client_credentials"}, "client_secret": {f.clientSecret}}}, 400, "invalid_request"},
		{"client_id differs from basic", tokenRequest{basic: good, form: url.Values{"grant_type": {"client_credentials"}, "client_id": {"idgc_aaaaaaaaaaaaaaaa"}}}, 400, "invalid_request"},
		{"no client authentication", tokenRequest{form: grant}, 401, "invalid_client"},
		{"only client_id", tokenRequest{form: url.Values{"grant_type": {"client_credentials"}, "client_id": {f.clientID}}}, 401, "invalid_client"},
		{"wrong secret basic", tokenRequest{basic: basic(f.clientID, otherSecret), form: grant}, 401, "invalid_client"},
		{"wrong secret post", tokenRequest{form: url.Values{"grant_type": {"client_credentials"}, "client_id": {f.clientID}, "client_secret": {otherSecret}}}, 401, "invalid_client"},
		{"bearer instead of basic", tokenRequest{basic: "Bearer " + f.apiKey, form: grant}, 401, "invalid_client"},
		{"basic not base64", tokenRequest{basic: "Basic !!!", form: grant}, 401, "invalid_client"},
		{"api key as client", tokenRequest{basic: basic(f.apiKey, f.apiKey), form: grant}, 401, "invalid_client"},
		{"unknown scope", tokenRequest{basic: good, form: url.Values{"grant_type": {"client_credentials"}, "scope": {"admin"}}}, 400, "invalid_scope"},
		{"oversized body", tokenRequest{basic: good, body: "grant_type=client_credentials&pad=" + strings.Repeat("a", maxTokenRequest)}, http.StatusRequestEntityTooLarge, "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, got := f.post(t, h, tt.req)
			if w.Code != tt.wantStatus || got["error"] != tt.wantError {
				t.Fatalf("got %d %v, want %d error %q", w.Code, got, tt.wantStatus, tt.wantError)
			}
			if w.Header().Get("Cache-Control") != "no-store" {
				t.Error("error response may be cached")
			}
			if wa := w.Header().Get("WWW-Authenticate"); (w.Code == 401) != strings.HasPrefix(wa, "Basic ") {
				t.Errorf("status %d with WWW-Authenticate %q", w.Code, wa)
			}
			if strings.Contains(w.Body.String(), f.clientSecret) {
				t.Error("the response echoes the client secret")
			}
		})
	}
}

func TestTokenHandlerStoreFailure(t *testing.T) {
	f := newFixture(t)
	broken := &failingStore{memStore: f.store, err: errors.New("connection refused to 10.0.0.5")}
	a, _ := New(broken, Config{Issuer: testIssuer, Audience: testAudience})
	w, got := f.post(t, TokenHandler(a), tokenRequest{basic: basic(f.clientID, f.clientSecret),
		form: url.Values{"grant_type": {"client_credentials"}}})
	if w.Code != http.StatusInternalServerError || got["error"] != "server_error" {
		t.Fatalf("got %d %v, want 500 server_error", w.Code, got)
	}
	if strings.Contains(w.Body.String(), "10.0.0.5") {
		t.Error("internal error leaked to the client")
	}
}

func TestBearerToken(t *testing.T) {
	tests := []struct {
		header, want string
		ok           bool
	}{
		{"Bearer abc", "abc", true},
		{"bearer abc", "abc", true},
		{"BEARER  abc ", "abc", true},
		{"Bearer", "", false},
		{"Bearer ", "", false},
		{"Basic abc", "", false},
		{"", "", false},
		{"Bearerabc", "", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if tt.header != "" {
			r.Header.Set("Authorization", tt.header)
		}
		got, ok := BearerToken(r)
		if got != tt.want || ok != tt.ok {
			t.Errorf("BearerToken(%q) = %q, %v; want %q, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSubscriptionKey(t *testing.T) {
	tests := []struct {
		name, target, header, want string
		ok                         bool
	}{
		{"header", "/idv/api/requests/1", "k1", "k1", true},
		{"query APIM name", "/idv/api/requests/1?subscription-key=k2", "", "k2", true},
		{"query header name", "/idv/api/requests/1?Ocp-Apim-Subscription-Key=k3", "", "k3", true},
		{"header wins", "/idv/api/requests/1?subscription-key=k2", "k1", "k1", true},
		{"none", "/idv/api/requests/1", "", "", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, tt.target, nil)
		if tt.header != "" {
			r.Header.Set(SubscriptionKeyHeader, tt.header)
		}
		got, ok := SubscriptionKey(r)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: SubscriptionKey = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzBasicCredentials(f *testing.F) {
	f.Add(basic("idgc_aaaaaaaaaaaaaaaa", "secret"))
	f.Add("Basic Og==")
	f.Add("Basic " + base64.StdEncoding.EncodeToString([]byte("a%zz:b")))
	f.Add("basic YTpi")
	f.Fuzz(func(t *testing.T, header string) {
		id, secret, ok := basicCredentials(header)
		if !ok {
			if id != "" || secret != "" {
				t.Fatalf("basicCredentials(%q) refused but returned %q, %q", header, id, secret)
			}
			return
		}
		if id == "" || secret == "" {
			t.Fatalf("basicCredentials(%q) accepted an empty id or secret", header)
		}
		// Re-encoding what was read must read back the same.
		id2, secret2, ok2 := basicCredentials(basic(id, secret))
		if !ok2 || id2 != id || secret2 != secret {
			t.Fatalf("round trip of %q, %q gave %q, %q, %v", id, secret, id2, secret2, ok2)
		}
	})
}
