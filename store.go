package idgate

import (
	"context"
	"time"
)

// TenantStore keeps tenants and their credentials.
type TenantStore interface {
	// CreateTenant stores t (ID and CreatedAt set by the caller) with audit.
	CreateTenant(ctx context.Context, t *Tenant, audit *AuditEntry) error
	// Tenant returns one tenant. Errors: ENOTFOUND.
	Tenant(ctx context.Context, id string) (*Tenant, error)
	// Tenants returns every tenant, oldest first.
	Tenants(ctx context.Context) ([]*Tenant, error)

	// CreateCredential stores c with audit. Errors: ECONFLICT on a duplicate ID.
	CreateCredential(ctx context.Context, c *Credential, audit *AuditEntry) error
	// Credential returns a credential by ID, revoked or not. Errors: ENOTFOUND.
	Credential(ctx context.Context, id string) (*Credential, error)
	// Credentials returns a tenant's credentials, newest first.
	Credentials(ctx context.Context, tenantID string) ([]*Credential, error)
	// RevokeCredential marks a tenant's credential revoked at `at`, with
	// audit. Errors: ENOTFOUND (also for another tenant's credential).
	RevokeCredential(ctx context.Context, tenantID, id string, at time.Time, audit *AuditEntry) error
}

// SigningKey is a key that signs OAuth2 access tokens. Keys rotate: the
// newest active key signs, retired keys still verify until their tokens
// have expired.
type SigningKey struct {
	ID        string // the JWT "kid"
	Algorithm string // "EdDSA"
	Private   []byte // encrypted at rest by the store
	Public    []byte
	CreatedAt time.Time
	RetiredAt *time.Time
}

// SigningKeyStore keeps token signing keys.
type SigningKeyStore interface {
	CreateSigningKey(ctx context.Context, k *SigningKey) error
	// SigningKeys returns all keys not retired before `since`, newest first.
	SigningKeys(ctx context.Context, since time.Time) ([]*SigningKey, error)
	RetireSigningKey(ctx context.Context, id string, at time.Time) error
}

// Store is everything idgate persists. Implementations: internal/sqlstore
// (SQLite and PostgreSQL). Every method is safe for concurrent use.
type Store interface {
	TenantStore
	SigningKeyStore
	RegistryStore
	IdentityCache
	VerificationStore
	FraudStore
	WalletStore
	AuditStore
	// Ping reports whether the database answers and its migrations are current.
	Ping(ctx context.Context) error
	Close() error
}
