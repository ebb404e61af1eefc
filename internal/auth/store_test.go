package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

// TestWithSQLStore runs the authenticator against the real stores, to
// check what the in-memory fake assumes: error codes, sealed signing keys
// read back intact, retirement filtering.
func TestWithSQLStore(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		tenant := &idgate.Tenant{ID: idgate.NewID(), Name: "Acme", CreatedAt: time.Now().UTC()}
		if err := st.CreateTenant(ctx, tenant, &idgate.AuditEntry{Time: tenant.CreatedAt, Actor: "test", Action: "tenant.create"}); err != nil {
			t.Fatal(err)
		}
		cfg := auth.Config{Issuer: "idgate", Audience: "idgate-api"}
		a, err := auth.New(st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		user := idgate.User{ID: "u1", FirstName: "API", LastName: "User"}
		secrets := map[idgate.CredentialKind]string{}
		ids := map[idgate.CredentialKind]string{}
		for _, kind := range []idgate.CredentialKind{idgate.APIKey, idgate.OAuthClient, idgate.SubscriptionKey} {
			cred, secret, err := auth.CreateCredential(ctx, st, tenant.ID, kind, string(kind), user, "test")
			if err != nil {
				t.Fatalf("create %s: %v", kind, err)
			}
			secrets[kind], ids[kind] = secret, cred.ID
		}

		if p, err := a.AuthenticateAPIKey(ctx, secrets[idgate.APIKey]); err != nil || p.Tenant.ID != tenant.ID || p.Credential.User != user {
			t.Fatalf("API key: %v %+v", err, p)
		}
		if _, err := a.AuthenticateSubscriptionKey(ctx, secrets[idgate.SubscriptionKey]); err != nil {
			t.Fatalf("subscription key: %v", err)
		}
		_, unknown, _ := auth.NewSecret(idgate.APIKey, false)
		if _, err := a.AuthenticateAPIKey(ctx, unknown); idgate.ErrorCode(err) != idgate.EUNAUTHORIZED {
			t.Errorf("unknown key: %v, want %s (the store's not-found must read as a refusal)", err, idgate.EUNAUTHORIZED)
		}

		tok, err := a.IssueToken(ctx, ids[idgate.OAuthClient], secrets[idgate.OAuthClient], "")
		if err != nil {
			t.Fatal(err)
		}
		// A second server reads the sealed key back from the database.
		b, _ := auth.New(st, cfg)
		if _, err := b.AuthenticateBearer(ctx, tok.AccessToken); err != nil {
			t.Fatalf("token refused by a server that loaded the key from the store: %v", err)
		}
		if _, err := b.RotateSigningKey(ctx); err != nil {
			t.Fatal(err)
		}
		c, _ := auth.New(st, cfg)
		if _, err := c.AuthenticateBearer(ctx, tok.AccessToken); err != nil {
			t.Errorf("token of a just-retired key refused: %v", err)
		}
		if _, err := c.IssueToken(ctx, ids[idgate.OAuthClient], secrets[idgate.OAuthClient], ""); err != nil {
			t.Errorf("issue after rotation: %v", err)
		}

		if err := auth.RevokeCredential(ctx, st, tenant.ID, ids[idgate.OAuthClient], "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AuthenticateBearer(ctx, tok.AccessToken); idgate.ErrorCode(err) != idgate.EUNAUTHORIZED {
			t.Errorf("token of a revoked client: %v, want %s", err, idgate.EUNAUTHORIZED)
		}

		_, fixed, _ := auth.NewSecret(idgate.APIKey, false)
		first, err := auth.EnsureAPIKey(ctx, st, tenant.ID, fixed, "fixed", user, "test")
		if err != nil {
			t.Fatal(err)
		}
		again, err := auth.EnsureAPIKey(ctx, st, tenant.ID, fixed, "fixed", user, "test")
		if err != nil || again.ID != first.ID {
			t.Errorf("EnsureAPIKey again = %v, %v", again, err)
		}
		creds, err := st.Credentials(ctx, tenant.ID)
		if err != nil || len(creds) != 4 {
			t.Errorf("tenant has %d credentials (%v), want 4", len(creds), err)
		}
	})
}
