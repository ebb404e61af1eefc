package auth

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/idgate/idgate"
)

const maxCredentialName = 100 // runes

// Audit actions for credentials.
const (
	ActionKeyCreate = "key.create"
	ActionKeyRevoke = "key.revoke"
)

// CreateCredential creates a credential of kind for a tenant, stores only
// its hash, and returns the secret, which cannot be recovered later: the
// caller must show it once. API keys of sandbox tenants get the idg_test_
// prefix. actor is recorded in the audit log ("cli", "admin:<name>",
// "system"). Errors: ENOTFOUND for an unknown tenant, EINVALID for a bad
// kind or name.
func CreateCredential(ctx context.Context, store idgate.TenantStore, tenantID string, kind idgate.CredentialKind,
	name string, user idgate.User, actor string) (cred *idgate.Credential, secret string, err error) {
	if err := validateName(name); err != nil {
		return nil, "", err
	}
	tenant, err := store.Tenant(ctx, tenantID)
	if err != nil {
		return nil, "", fmt.Errorf("create credential: load tenant %s: %w", tenantID, err)
	}
	// A random id can collide only by astronomical bad luck; retry rather
	// than fail if it does.
	for attempt := 0; ; attempt++ {
		id, secret, err := NewSecret(kind, tenant.Sandbox)
		if err != nil {
			return nil, "", err
		}
		cred, err := storeCredential(ctx, store, tenant.ID, id, kind, name, user, Hash(secret), actor)
		if idgate.ErrorCode(err) == idgate.ECONFLICT && attempt < 2 {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		return cred, secret, nil
	}
}

// EnsureAPIKey makes key, an API key chosen by the operator (serve
// --sandbox-key), a credential of the tenant. It is idempotent: if the key
// is already the tenant's active credential it returns it unchanged. The
// key must have the format NewSecret produces, with idg_test_ for a
// sandbox tenant and idg_live_ otherwise. Errors: EINVALID for a malformed
// key or the wrong prefix, ENOTFOUND for an unknown tenant, ECONFLICT when
// the key's id is taken by another credential or the key was revoked.
func EnsureAPIKey(ctx context.Context, store idgate.TenantStore, tenantID, key, name string, user idgate.User,
	actor string) (*idgate.Credential, error) {
	id, ok := ParseAPIKey(key)
	if !ok {
		return nil, idgate.FieldError("key", "not an idgate API key (generate one with `idgate keys create`)")
	}
	if err := validateName(name); err != nil {
		return nil, err
	}
	tenant, err := store.Tenant(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("ensure API key: load tenant %s: %w", tenantID, err)
	}
	if want := apiKeyPrefix(tenant.Sandbox); !strings.HasPrefix(key, want) {
		return nil, idgate.FieldError("key", "tenant %s needs an API key starting with %s", tenant.ID, want)
	}
	existing, err := store.Credential(ctx, id)
	switch {
	case err == nil:
		if existing.TenantID != tenant.ID || existing.Kind != idgate.APIKey || !secretMatches(existing.SecretHash, key) {
			return nil, idgate.Errorf(idgate.ECONFLICT, "credential id %s is taken by another credential", id)
		}
		if !existing.Active() {
			return nil, idgate.Errorf(idgate.ECONFLICT, "API key %s was revoked; choose another key", id)
		}
		return existing, nil
	case idgate.ErrorCode(err) != idgate.ENOTFOUND:
		return nil, fmt.Errorf("ensure API key: load credential %s: %w", id, err)
	}
	return storeCredential(ctx, store, tenant.ID, id, idgate.APIKey, name, user, Hash(key), actor)
}

// RevokeCredential revokes a tenant's credential now; its API key, client
// secret or subscription key stops working at once, and so do access
// tokens issued to it. Errors: ENOTFOUND, also for another tenant's
// credential.
func RevokeCredential(ctx context.Context, store idgate.TenantStore, tenantID, id, actor string) error {
	now := time.Now().UTC()
	audit := &idgate.AuditEntry{Time: now, TenantID: tenantID, Actor: actor, Action: ActionKeyRevoke, Subject: id}
	if err := store.RevokeCredential(ctx, tenantID, id, now, audit); err != nil {
		return fmt.Errorf("revoke credential %s: %w", id, err)
	}
	return nil
}

// UsageHint tells an operator where a new credential goes, for the CLI and
// the dashboard to show next to the secret.
func UsageHint(c *idgate.Credential) string {
	switch c.Kind {
	case idgate.OAuthClient:
		return "POST /oauth/token with grant_type=client_credentials, client_id " + c.ID + " and the secret (HTTP Basic or form fields)."
	case idgate.SubscriptionKey:
		return "Send it as the Ocp-Apim-Subscription-Key header (or ?subscription-key=)."
	default:
		return "Send it as Authorization: Bearer <key> (or Youverify's token header)."
	}
}

func storeCredential(ctx context.Context, store idgate.TenantStore, tenantID, id string, kind idgate.CredentialKind,
	name string, user idgate.User, hash []byte, actor string) (*idgate.Credential, error) {
	now := time.Now().UTC()
	cred := &idgate.Credential{
		ID: id, TenantID: tenantID, Kind: kind, Name: name, SecretHash: hash, User: user, CreatedAt: now,
	}
	audit := &idgate.AuditEntry{
		Time: now, TenantID: tenantID, Actor: actor, Action: ActionKeyCreate, Subject: id, Outcome: string(kind),
	}
	if err := store.CreateCredential(ctx, cred, audit); err != nil {
		return nil, fmt.Errorf("store credential %s: %w", id, err)
	}
	return cred, nil
}

func apiKeyPrefix(sandbox bool) string {
	if sandbox {
		return APIKeyPrefixTest
	}
	return APIKeyPrefixLive
}

func validateName(name string) error {
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxCredentialName {
		return idgate.FieldError("name", "name must be valid UTF-8 of at most %d characters", maxCredentialName)
	}
	if strings.ContainsFunc(name, unicode.IsControl) {
		return idgate.FieldError("name", "name must not contain control characters")
	}
	return nil
}
