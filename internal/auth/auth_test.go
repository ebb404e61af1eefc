package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idgate/idgate"
)

// wantUnauthorized checks err is the one client-facing refusal, with the
// given reason for the logs.
func wantUnauthorized(t *testing.T, err, reason error) {
	t.Helper()
	var e *idgate.Error
	if !errors.As(err, &e) || e.Code != idgate.EUNAUTHORIZED {
		t.Fatalf("err = %v, want code %s", err, idgate.EUNAUTHORIZED)
	}
	if e.Message != unauthorizedMessage {
		t.Errorf("message = %q, want the shared %q", e.Message, unauthorizedMessage)
	}
	if reason != nil && !errors.Is(err, reason) {
		t.Errorf("reason = %v, want %v", e.Err, reason)
	}
}

func TestAuthenticateAPIKey(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, err := f.auth.AuthenticateAPIKey(ctx, f.apiKey)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := ParseAPIKey(f.apiKey)
	if p.Tenant.ID != f.tenant.ID || p.Credential.ID != id || p.Credential.Kind != idgate.APIKey {
		t.Errorf("principal = %+v / %+v", p.Tenant, p.Credential)
	}
	if p.Credential.User.ID != "u1" {
		t.Errorf("user = %+v, want u1", p.Credential.User)
	}
	if p.Credential.SecretHash != nil {
		t.Error("principal carries the secret hash")
	}

	_, unknown, _ := NewSecret(idgate.APIKey, false)
	wrong := sameIDOtherSecret(f.apiKey)
	tests := []struct {
		name   string
		key    string
		reason error
	}{
		{"missing", "", errNoCredential},
		{"malformed", "not-a-key", errBadFormat},
		{"unknown", unknown, errUnknownCredential},
		{"wrong secret", wrong, errWrongSecret},
		{"client secret", f.clientSecret, errBadFormat},
		{"subscription key", f.subscriptionKey, errBadFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.auth.AuthenticateAPIKey(ctx, tt.key)
			wantUnauthorized(t, err, tt.reason)
		})
	}

	t.Run("revoked", func(t *testing.T) {
		if err := RevokeCredential(ctx, f.store, f.tenant.ID, id, "test"); err != nil {
			t.Fatal(err)
		}
		_, err := f.auth.AuthenticateAPIKey(ctx, f.apiKey)
		wantUnauthorized(t, err, errRevoked)
	})
}

func TestAuthenticateAPIKeyOfAnotherKind(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// A credential stored as an OAuth client whose secret happens to be an
	// API key must not authenticate as an API key.
	id, key, _ := NewSecret(idgate.APIKey, false)
	cred := &idgate.Credential{ID: id, TenantID: f.tenant.ID, Kind: idgate.OAuthClient, SecretHash: Hash(key)}
	if err := f.store.CreateCredential(ctx, cred, &idgate.AuditEntry{}); err != nil {
		t.Fatal(err)
	}
	_, err := f.auth.AuthenticateAPIKey(ctx, key)
	wantUnauthorized(t, err, errWrongKind)
}

func TestAuthenticateAPIKeyTenantGone(t *testing.T) {
	f := newFixture(t)
	delete(f.store.tenants, f.tenant.ID)
	_, err := f.auth.AuthenticateAPIKey(context.Background(), f.apiKey)
	wantUnauthorized(t, err, errTenantGone)
}

func TestAuthenticateAPIKeyStoreFailure(t *testing.T) {
	f := newFixture(t)
	broken := &failingStore{memStore: f.store, err: errors.New("database is locked")}
	a, _ := New(broken, Config{Issuer: testIssuer, Audience: testAudience})
	_, err := a.AuthenticateAPIKey(context.Background(), f.apiKey)
	if got := idgate.ErrorCode(err); got != idgate.EINTERNAL {
		t.Errorf("code = %q, want %q: an outage is not a bad key", got, idgate.EINTERNAL)
	}
}

// failingStore fails every credential lookup.
type failingStore struct {
	*memStore
	err error
}

func (s *failingStore) Credential(context.Context, string) (*idgate.Credential, error) {
	return nil, s.err
}

func TestAuthenticateSubscriptionKey(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, key := range []string{f.subscriptionKey, strings.ToUpper(f.subscriptionKey)} {
		p, err := f.auth.AuthenticateSubscriptionKey(ctx, key)
		if err != nil {
			t.Fatalf("AuthenticateSubscriptionKey(%q): %v", key, err)
		}
		if p.Tenant.ID != f.tenant.ID || p.Credential.Kind != idgate.SubscriptionKey {
			t.Errorf("principal = %+v / %+v", p.Tenant, p.Credential)
		}
	}
	_, unknown, _ := NewSecret(idgate.SubscriptionKey, false)
	tests := []struct {
		name   string
		key    string
		reason error
	}{
		{"missing", "", errNoCredential},
		{"short", "d484a1f0d34f43019", errBadFormat},
		{"unknown", unknown, errUnknownCredential},
		{"api key", f.apiKey, errBadFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.auth.AuthenticateSubscriptionKey(ctx, tt.key)
			wantUnauthorized(t, err, tt.reason)
		})
	}
	t.Run("revoked", func(t *testing.T) {
		if err := RevokeCredential(ctx, f.store, f.tenant.ID, SubscriptionKeyID(f.subscriptionKey), "test"); err != nil {
			t.Fatal(err)
		}
		_, err := f.auth.AuthenticateSubscriptionKey(ctx, f.subscriptionKey)
		wantUnauthorized(t, err, errRevoked)
	})
}

func TestIssueToken(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tok, err := f.auth.IssueToken(ctx, f.clientID, f.clientSecret, "")
	if err != nil {
		t.Fatal(err)
	}
	if tok.TokenType != "Bearer" || tok.ExpiresIn != 900 || tok.Scope != "" {
		t.Errorf("token = %+v, want Bearer, 900 s, no scope", tok)
	}
	p, err := f.auth.AuthenticateBearer(ctx, tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if p.Tenant.ID != f.tenant.ID || p.Credential.ID != f.clientID || p.Credential.SecretHash != nil {
		t.Errorf("principal = %+v / %+v", p.Tenant, p.Credential)
	}

	unknownID, unknownSecret, _ := NewSecret(idgate.OAuthClient, false)
	tests := []struct {
		name, id, secret string
		reason           error
	}{
		{"missing secret", f.clientID, "", errNoCredential},
		{"missing id", "", f.clientSecret, errNoCredential},
		{"unknown client", unknownID, unknownSecret, errUnknownCredential},
		{"wrong secret", f.clientID, unknownSecret, errWrongSecret},
		{"api key as secret", f.clientID, f.apiKey, errBadFormat},
		{"malformed id", "client", f.clientSecret, errBadFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.auth.IssueToken(ctx, tt.id, tt.secret, "")
			wantUnauthorized(t, err, tt.reason)
		})
	}
}

func TestIssueTokenScopes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a, err := New(f.store, Config{Issuer: testIssuer, Audience: testAudience, Now: f.clock.Now, Scopes: []string{"idv.read", "idv.write"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		scope, want string
		ok          bool
	}{
		{"", "idv.read idv.write", true},
		{"idv.read", "idv.read", true},
		{"idv.write idv.read idv.write", "idv.write idv.read", true},
		{"admin", "", false},
		{"idv.read  idv.write", "", false},
		{`idv"read`, "", false},
		{strings.Repeat("a", maxScopeLen+1), "", false},
	}
	for _, tt := range tests {
		tok, err := a.IssueToken(ctx, f.clientID, f.clientSecret, tt.scope)
		if !tt.ok {
			var e *idgate.Error
			if !errors.As(err, &e) || e.Code != idgate.EINVALID || e.Field != "scope" {
				t.Errorf("IssueToken(scope %q) err = %v, want EINVALID on scope", tt.scope, err)
			}
			continue
		}
		if err != nil || tok.Scope != tt.want {
			t.Errorf("IssueToken(scope %q) = %q, %v; want %q", tt.scope, tok.Scope, err, tt.want)
		}
	}
	// A bad client learns nothing about scopes.
	_, err = a.IssueToken(ctx, f.clientID, "idgcs_"+strings.Repeat("a", 59), "admin")
	wantUnauthorized(t, err, nil)
}

func TestNewValidatesConfig(t *testing.T) {
	tests := []Config{
		{Audience: testAudience},
		{Issuer: testIssuer},
		{Issuer: testIssuer, Audience: testAudience, TokenTTL: time.Millisecond},
		{Issuer: testIssuer, Audience: testAudience, Scopes: []string{"a b"}},
		{Issuer: testIssuer, Audience: testAudience, KeyRotation: -time.Hour},
		{Issuer: testIssuer, Audience: testAudience, KeyRotation: time.Minute},
	}
	for _, cfg := range tests {
		if _, err := New(newMemStore(), cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
}

func TestAuthenticateBearer(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, v := range []string{f.apiKey, f.token(t)} {
		if _, err := f.auth.AuthenticateBearer(ctx, v); err != nil {
			t.Errorf("AuthenticateBearer(%.20s…): %v", v, err)
		}
	}
	for _, v := range []string{"", "garbage", f.clientSecret, f.subscriptionKey, "a.b.c", f.apiKey + "x"} {
		_, err := f.auth.AuthenticateBearer(ctx, v)
		wantUnauthorized(t, err, nil)
	}
}

func TestConcurrentUse(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 8 {
		wg.Go(func() {
			for range 20 {
				tok, err := f.auth.IssueToken(ctx, f.clientID, f.clientSecret, "")
				if err == nil {
					_, err = f.auth.AuthenticateBearer(ctx, tok.AccessToken)
				}
				if err == nil {
					_, err = f.auth.AuthenticateAPIKey(ctx, f.apiKey)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 5 {
			if _, err := f.auth.RotateSigningKey(ctx); err != nil {
				errs <- err
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestAuthenticateBearerAndSubscriptionKey(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tok := f.token(t)
	_, sandboxKey, err := CreateCredential(ctx, f.store, f.sandbox.ID, idgate.SubscriptionKey, "", idgate.User{}, "test")
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.auth.AuthenticateBearerAndSubscriptionKey(ctx, tok, f.subscriptionKey)
	if err != nil {
		t.Fatal(err)
	}
	if p.Credential.ID != f.clientID || p.Tenant.ID != f.tenant.ID {
		t.Errorf("principal = %+v / %+v, want the token's", p.Tenant, p.Credential)
	}
	tests := []struct {
		name, bearer, key, wantCode string
	}{
		{"no subscription key", tok, "", idgate.EUNAUTHORIZED},
		{"no token", "", f.subscriptionKey, idgate.EUNAUTHORIZED},
		{"wrong subscription key", tok, strings.Repeat("0", 32), idgate.EUNAUTHORIZED},
		{"another tenant's subscription key", tok, sandboxKey, idgate.EFORBIDDEN},
	}
	for _, tt := range tests {
		_, err := f.auth.AuthenticateBearerAndSubscriptionKey(ctx, tt.bearer, tt.key)
		if got := idgate.ErrorCode(err); got != tt.wantCode {
			t.Errorf("%s: code = %q, want %q", tt.name, got, tt.wantCode)
		}
	}
}
