package idgate

import "time"

// Tenant is a business that uses idgate. A subsidiary is a tenant with a
// parent; it has its own credentials and its own wallet.
type Tenant struct {
	ID        string // UUID
	ParentID  string // "" for a top-level business
	Name      string // shown to operators; not PII
	Sandbox   bool   // sandbox tenants are not billed
	CreatedAt time.Time
}

// CredentialKind says how a credential authenticates.
type CredentialKind string

const (
	// APIKey is a secret sent as "Authorization: Bearer <key>" or in
	// Youverify's "token" header.
	APIKey CredentialKind = "api_key"
	// OAuthClient is a client id and secret exchanged at the token endpoint
	// for short-lived JWT access tokens.
	OAuthClient CredentialKind = "oauth_client"
	// SubscriptionKey is Laboremus' Ocp-Apim-Subscription-Key.
	SubscriptionKey CredentialKind = "subscription_key"
)

// Credential is a way for a tenant to authenticate. The secret is never
// stored: only SecretHash (SHA-256 of the high-entropy secret; see
// internal/auth), compared in constant time.
type Credential struct {
	ID         string // public identifier, also the key's lookup prefix
	TenantID   string
	Kind       CredentialKind
	Name       string // operator's label
	SecretHash []byte
	User       User // the person or system the credential acts for
	CreatedAt  time.Time
	RevokedAt  *time.Time
}

// Active reports whether the credential may be used.
func (c *Credential) Active() bool { return c.RevokedAt == nil }

// User is the person (or API user) a credential acts for; vendor dialects
// report it as the requester.
type User struct {
	ID        string `json:"id"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email,omitempty"`
}
