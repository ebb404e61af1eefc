package auth

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/idgate/idgate"
)

func TestCreateCredential(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	user := idgate.User{ID: "u9", FirstName: "Ada", LastName: "Okafor"}
	tests := []struct {
		tenant       *idgate.Tenant
		kind         idgate.CredentialKind
		secretPrefix string
	}{
		{f.tenant, idgate.APIKey, APIKeyPrefixLive},
		{f.sandbox, idgate.APIKey, APIKeyPrefixTest},
		{f.sandbox, idgate.OAuthClient, ClientSecretPrefix},
		{f.tenant, idgate.SubscriptionKey, ""},
	}
	for _, tt := range tests {
		audits := len(f.store.audit)
		cred, secret, err := CreateCredential(ctx, f.store, tt.tenant.ID, tt.kind, "ci", user, "cli")
		if err != nil {
			t.Fatalf("%s for %s: %v", tt.kind, tt.tenant.ID, err)
		}
		if !strings.HasPrefix(secret, tt.secretPrefix) {
			t.Errorf("%s secret %q lacks prefix %q", tt.kind, secret, tt.secretPrefix)
		}
		stored, err := f.store.Credential(ctx, cred.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(stored.SecretHash, Hash(secret)) || stored.Kind != tt.kind || stored.TenantID != tt.tenant.ID ||
			stored.Name != "ci" || stored.User != user || stored.CreatedAt.IsZero() || !stored.Active() {
			t.Errorf("stored %+v", stored)
		}
		if len(f.store.audit) != audits+1 {
			t.Fatalf("%d audit entries written, want 1", len(f.store.audit)-audits)
		}
		a := f.store.audit[len(f.store.audit)-1]
		if a.Action != ActionKeyCreate || a.Subject != cred.ID || a.TenantID != tt.tenant.ID || a.Actor != "cli" || a.Outcome != string(tt.kind) {
			t.Errorf("audit = %+v", a)
		}
		if strings.Contains(a.Subject+a.Outcome+a.Reason, secret) {
			t.Error("the audit entry contains the secret")
		}
	}
}

func TestCreateCredentialErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		name, tenant, kind, credName, wantCode string
	}{
		{"unknown tenant", "nope", "api_key", "x", idgate.ENOTFOUND},
		{"unknown kind", f.tenant.ID, "password", "x", idgate.EINVALID},
		{"long name", f.tenant.ID, "api_key", strings.Repeat("é", maxCredentialName+1), idgate.EINVALID},
		{"control character", f.tenant.ID, "api_key", "a\nb", idgate.EINVALID},
		{"invalid UTF-8", f.tenant.ID, "api_key", "\xff", idgate.EINVALID},
	}
	for _, tt := range tests {
		_, _, err := CreateCredential(ctx, f.store, tt.tenant, idgate.CredentialKind(tt.kind), tt.credName, idgate.User{}, "cli")
		if got := idgate.ErrorCode(err); got != tt.wantCode {
			t.Errorf("%s: code = %q (%v), want %q", tt.name, got, err, tt.wantCode)
		}
	}
}

func TestEnsureAPIKey(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, key, _ := NewSecret(idgate.APIKey, true)
	cred, err := EnsureAPIKey(ctx, f.store, f.sandbox.ID, key, "sandbox", idgate.User{}, "system")
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.auth.AuthenticateAPIKey(ctx, key)
	if err != nil || p.Tenant.ID != f.sandbox.ID || p.Credential.ID != cred.ID {
		t.Fatalf("the ensured key does not authenticate: %v", err)
	}
	audits := len(f.store.audit)
	again, err := EnsureAPIKey(ctx, f.store, f.sandbox.ID, key, "sandbox", idgate.User{}, "system")
	if err != nil || again.ID != cred.ID {
		t.Fatalf("second EnsureAPIKey = %v, %v; want the same credential", again, err)
	}
	if len(f.store.audit) != audits {
		t.Error("an idempotent EnsureAPIKey wrote to the audit log")
	}

	_, liveKey, _ := NewSecret(idgate.APIKey, false)
	tests := []struct {
		name, tenant, key, wantCode string
	}{
		{"live key for sandbox tenant", f.sandbox.ID, liveKey, idgate.EINVALID},
		{"test key for live tenant", f.tenant.ID, key, idgate.EINVALID},
		{"malformed", f.sandbox.ID, "sandbox-key", idgate.EINVALID},
		{"unknown tenant", "nope", key, idgate.ENOTFOUND},
		{"same id, other secret", f.sandbox.ID, sameIDOtherSecret(key), idgate.ECONFLICT},
	}
	for _, tt := range tests {
		_, err := EnsureAPIKey(ctx, f.store, tt.tenant, tt.key, "", idgate.User{}, "system")
		if got := idgate.ErrorCode(err); got != tt.wantCode {
			t.Errorf("%s: code = %q (%v), want %q", tt.name, got, err, tt.wantCode)
		}
	}

	if err := RevokeCredential(ctx, f.store, f.sandbox.ID, cred.ID, "cli"); err != nil {
		t.Fatal(err)
	}
	if _, err := EnsureAPIKey(ctx, f.store, f.sandbox.ID, key, "", idgate.User{}, "system"); idgate.ErrorCode(err) != idgate.ECONFLICT {
		t.Errorf("a revoked key came back: %v", err)
	}
}

func TestRevokeCredential(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := ParseAPIKey(f.apiKey)
	if err := RevokeCredential(ctx, f.store, f.sandbox.ID, id, "cli"); idgate.ErrorCode(err) != idgate.ENOTFOUND {
		t.Errorf("revoking another tenant's key: %v, want %s", err, idgate.ENOTFOUND)
	}
	if err := RevokeCredential(ctx, f.store, f.tenant.ID, id, "admin:ops"); err != nil {
		t.Fatal(err)
	}
	a := f.store.audit[len(f.store.audit)-1]
	if a.Action != ActionKeyRevoke || a.Subject != id || a.Actor != "admin:ops" || a.TenantID != f.tenant.ID {
		t.Errorf("audit = %+v", a)
	}
}

func TestUsageHint(t *testing.T) {
	tests := []struct {
		kind idgate.CredentialKind
		want string
	}{
		{idgate.APIKey, "Authorization: Bearer"},
		{idgate.OAuthClient, "/oauth/token"},
		{idgate.SubscriptionKey, SubscriptionKeyHeader},
	}
	for _, tt := range tests {
		if got := UsageHint(&idgate.Credential{ID: "c1", Kind: tt.kind}); !strings.Contains(got, tt.want) {
			t.Errorf("UsageHint(%s) = %q, want it to mention %q", tt.kind, got, tt.want)
		}
	}
}
