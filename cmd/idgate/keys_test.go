package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

type keysEnv struct {
	st     idgate.Store
	auth   *auth.Authenticator
	tenant string
}

func newKeysEnv(t *testing.T) *keysEnv {
	t.Helper()
	st := sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t))
	tenant := &idgate.Tenant{ID: idgate.NewID(), Name: "Acme", CreatedAt: time.Now().UTC()}
	if err := st.CreateTenant(context.Background(), tenant, &idgate.AuditEntry{Time: tenant.CreatedAt, Actor: "test", Action: "tenant.create"}); err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(st, auth.Config{Issuer: "idgate", Audience: "idgate-api"})
	if err != nil {
		t.Fatal(err)
	}
	return &keysEnv{st: st, auth: a, tenant: tenant.ID}
}

func (e *keysEnv) keys(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = runKeys(context.Background(), args, e.st, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestKeysCreateAPIKey(t *testing.T) {
	e := newKeysEnv(t)
	out, errOut, err := e.keys(t, "create", "--tenant", e.tenant, "--name", "crm")
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		k, v, _ := strings.Cut(line, ":")
		fields[k] = strings.TrimSpace(v)
	}
	if fields["kind"] != "api_key" || !strings.HasPrefix(fields["secret"], auth.APIKeyPrefixLive) {
		t.Fatalf("stdout = %q", out)
	}
	if !strings.Contains(errOut, "will not show it again") {
		t.Errorf("stderr lacks the shown-once warning: %q", errOut)
	}
	if strings.Contains(errOut, fields["secret"]) {
		t.Error("the secret went to stderr, where logs collect")
	}
	p, err := e.auth.AuthenticateAPIKey(context.Background(), fields["secret"])
	if err != nil || p.Tenant.ID != e.tenant || p.Credential.ID != fields["id"] || p.Credential.Name != "crm" {
		t.Fatalf("the printed key does not authenticate: %v %+v", err, p)
	}
}

func TestKeysCreateJSON(t *testing.T) {
	e := newKeysEnv(t)
	ctx := context.Background()
	for _, kind := range []string{"oauth_client", "subscription_key"} {
		out, _, err := e.keys(t, "create", "--tenant", e.tenant, "--kind", kind, "--json")
		if err != nil {
			t.Fatal(err)
		}
		var got struct{ ID, Kind, Secret string }
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("stdout %q: %v", out, err)
		}
		if got.Kind != kind || got.ID == "" || got.Secret == "" {
			t.Fatalf("got %+v", got)
		}
		switch kind {
		case "oauth_client":
			_, err = e.auth.IssueToken(ctx, got.ID, got.Secret, "")
		case "subscription_key":
			_, err = e.auth.AuthenticateSubscriptionKey(ctx, got.Secret)
		}
		if err != nil {
			t.Errorf("%s printed by keys create does not authenticate: %v", kind, err)
		}
	}
}

func TestKeysListAndRevoke(t *testing.T) {
	e := newKeysEnv(t)
	out, _, err := e.keys(t, "create", "--tenant", e.tenant, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID, Secret string }
	json.Unmarshal([]byte(out), &created)

	list, _, err := e.keys(t, "list", "--tenant", e.tenant)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list, created.ID) || !strings.Contains(list, "api_key") {
		t.Errorf("list lacks the key:\n%s", list)
	}
	if strings.Contains(list, created.Secret) || strings.Contains(list, created.Secret[len(created.Secret)-20:]) {
		t.Error("list shows the secret")
	}

	// KEYID before the flag works too.
	out, _, err = e.keys(t, "revoke", created.ID, "--tenant", e.tenant)
	if err != nil || strings.TrimSpace(out) != "revoked "+created.ID {
		t.Fatalf("revoke = %q, %v", out, err)
	}
	if _, err := e.auth.AuthenticateAPIKey(context.Background(), created.Secret); idgate.ErrorCode(err) != idgate.EUNAUTHORIZED {
		t.Errorf("revoked key still authenticates: %v", err)
	}

	all, _, err := e.keys(t, "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var listing []keyListing
	if err := json.Unmarshal([]byte(all), &listing); err != nil {
		t.Fatal(err)
	}
	if len(listing) != 1 || listing[0].ID != created.ID || listing[0].RevokedAt == nil || listing[0].TenantID != e.tenant {
		t.Errorf("listing after revoke = %+v", listing)
	}
}

func TestKeysErrors(t *testing.T) {
	e := newKeysEnv(t)
	tests := []struct {
		name      string
		args      []string
		wantUsage bool
		wantMsg   string
	}{
		{"no subcommand", nil, true, "usage"},
		{"unknown subcommand", []string{"rotate"}, true, "unknown subcommand"},
		{"rotate with argument", []string{"rotate-signing-key", "x"}, true, "no arguments"},
		{"create without tenant", []string{"create"}, true, "--tenant"},
		{"bad kind", []string{"create", "--tenant", e.tenant, "--kind", "password"}, true, "--kind"},
		{"bad name", []string{"create", "--tenant", e.tenant, "--name", "a\tb"}, true, "control characters"},
		{"unknown tenant", []string{"create", "--tenant", "nope"}, false, "tenant nope not found"},
		{"list unknown tenant", []string{"list", "--tenant", "nope"}, false, "tenant nope not found"},
		{"revoke without id", []string{"revoke", "--tenant", e.tenant}, true, "KEYID"},
		{"revoke unknown", []string{"revoke", "--tenant", e.tenant, "abcdefghijklmnop"}, false, "has no credential"},
		{"bad flag", []string{"list", "--bogus"}, true, "bogus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := e.keys(t, tt.args...)
			var ue usageError
			if err == nil || errors.As(err, &ue) != tt.wantUsage || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %v (usage %v), want usage %v containing %q", err, errors.As(err, &ue), tt.wantUsage, tt.wantMsg)
			}
		})
	}
	if _, _, err := e.keys(t, "create", "-h"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("create -h = %v, want flag.ErrHelp", err)
	}
}

func TestKeysRotateSigningKey(t *testing.T) {
	e := newKeysEnv(t)
	ctx := context.Background()
	out, _, err := e.keys(t, "create", "--tenant", e.tenant, "--kind", "oauth_client", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var client struct{ ID, Secret string }
	json.Unmarshal([]byte(out), &client)
	tok, err := e.auth.IssueToken(ctx, client.ID, client.Secret, "")
	if err != nil {
		t.Fatal(err)
	}
	if out, _, err = e.keys(t, "rotate-signing-key"); err != nil || !strings.HasPrefix(out, "signing key ") {
		t.Fatalf("rotate = %q, %v", out, err)
	}
	// A fresh authenticator (no key cache) sees the rotation; the old
	// token still verifies.
	fresh, _ := auth.New(e.st, auth.Config{Issuer: "idgate", Audience: "idgate-api"})
	if _, err := fresh.AuthenticateBearer(ctx, tok.AccessToken); err != nil {
		t.Errorf("token refused after a plain rotation: %v", err)
	}
	fresh, _ = auth.New(e.st, auth.Config{Issuer: "idgate", Audience: "idgate-api"})
	tok, err = fresh.IssueToken(ctx, client.ID, client.Secret, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err = e.keys(t, "rotate-signing-key", "--invalidate-tokens"); err != nil {
		t.Fatal(err)
	}
	fresh, _ = auth.New(e.st, auth.Config{Issuer: "idgate", Audience: "idgate-api"})
	if _, err := fresh.AuthenticateBearer(ctx, tok.AccessToken); idgate.ErrorCode(err) != idgate.EUNAUTHORIZED {
		t.Errorf("token still accepted after --invalidate-tokens: %v", err)
	}
}
