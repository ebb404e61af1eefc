// Package auth authenticates idgate's callers: API keys (Bearer or
// Youverify's "token" header), OAuth2 client credentials exchanged for
// short-lived Ed25519-signed JWT access tokens, and Laboremus-style
// subscription keys. It also creates credentials (one way for the CLI, the
// sandbox seeding and the admin UI) and serves the token endpoint.
//
// Every refusal is an idgate.Error with code EUNAUTHORIZED and the same
// message, whatever the reason, so a caller cannot probe which part of a
// credential was wrong; the reason is in Err, for logs only. Dialects map
// the code to their own envelopes. docs/SECURITY.md describes the formats.
package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/idgate/idgate"
)

// Store is what the authenticator reads and writes.
type Store interface {
	idgate.TenantStore
	idgate.SigningKeyStore
}

// Config configures an Authenticator.
type Config struct {
	Issuer   string // the JWT "iss"; required, e.g. "https://idgate.example.com"
	Audience string // the JWT "aud" every token must carry; required
	// TokenTTL is the access-token lifetime; default 900 s.
	TokenTTL time.Duration
	// Now is the clock; default time.Now.
	Now idgate.Clock
	// KeyRotation is the age at which the signing key is replaced on the
	// next token issue; default 30 days.
	KeyRotation time.Duration
	// Scopes lists the scopes a client may request; the default grant when
	// none is requested is all of them. Nil accepts any well-formed scope.
	Scopes []string
	// Logger receives key rotations and internal errors; default discards.
	Logger *slog.Logger
}

const (
	defaultTokenTTL    = 900 * time.Second
	defaultKeyRotation = 30 * 24 * time.Hour
	// leeway absorbs clock differences between replicas.
	leeway = 5 * time.Second

	maxScopeLen = 1024
)

// Reasons a secret is refused (see errMalformed and friends for tokens).
var (
	errNoCredential      = errors.New("no credential given")
	errBadFormat         = errors.New("credential malformed")
	errUnknownCredential = errors.New("credential unknown")
	errWrongSecret       = errors.New("credential secret wrong")
	errWrongKind         = errors.New("credential of another kind")
	errRevoked           = errors.New("credential revoked")
	errTenantGone        = errors.New("credential's tenant not found")
)

// unauthorizedMessage is the one message every refusal carries.
const unauthorizedMessage = "invalid or missing credentials"

func unauthorized(reason error) error {
	return &idgate.Error{Code: idgate.EUNAUTHORIZED, Message: unauthorizedMessage, Err: reason}
}

// Authenticator checks credentials and issues access tokens. It is safe for
// concurrent use.
type Authenticator struct {
	store Store
	cfg   Config
	ring  keyRing
	// tokens caches verified access tokens.
	tokens tokenCache
	// tenants caches tenants by id for tenantTTL: tenants are never deleted
	// and what auth reads of them (id, parent, sandbox) does not change,
	// while credentials are read every time so a revocation is immediate.
	tenants     sync.Map // id → cachedTenant
	tenantCount atomic.Int64
	// dummyHash is compared against when a credential id is unknown, so an
	// unknown id costs the same as a wrong secret.
	dummyHash []byte
}

// New returns an Authenticator over store.
func New(store Store, cfg Config) (*Authenticator, error) {
	if cfg.Issuer == "" || cfg.Audience == "" {
		return nil, errors.New("auth: Config.Issuer and Config.Audience are required")
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = defaultTokenTTL
	}
	if cfg.TokenTTL < time.Second {
		return nil, fmt.Errorf("auth: token TTL %v is too short", cfg.TokenTTL)
	}
	if cfg.KeyRotation == 0 {
		cfg.KeyRotation = defaultKeyRotation
	}
	// Rotating faster than tokens expire would pile up keys that must all
	// still verify.
	if cfg.KeyRotation < cfg.TokenTTL {
		return nil, fmt.Errorf("auth: key rotation %v is shorter than the token TTL %v", cfg.KeyRotation, cfg.TokenTTL)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	for _, s := range cfg.Scopes {
		if !validScopeToken(s) {
			return nil, fmt.Errorf("auth: scope %q is not a valid scope token", s)
		}
	}
	dummy, err := randomBase32(secretBytes)
	if err != nil {
		return nil, err
	}
	return &Authenticator{store: store, cfg: cfg, dummyHash: Hash(dummy)}, nil
}

// AuthenticateAPIKey returns the principal of an API key. Errors:
// EUNAUTHORIZED for a missing, malformed, unknown, wrong or revoked key.
func (a *Authenticator) AuthenticateAPIKey(ctx context.Context, key string) (*idgate.Principal, error) {
	if key == "" {
		return nil, unauthorized(errNoCredential)
	}
	id, ok := ParseAPIKey(key)
	if !ok {
		return nil, unauthorized(errBadFormat)
	}
	return a.authenticateSecret(ctx, id, key, idgate.APIKey)
}

// AuthenticateSubscriptionKey returns the principal of a subscription key
// (Ocp-Apim-Subscription-Key). Errors: EUNAUTHORIZED.
func (a *Authenticator) AuthenticateSubscriptionKey(ctx context.Context, key string) (*idgate.Principal, error) {
	if key == "" {
		return nil, unauthorized(errNoCredential)
	}
	id, key, ok := ParseSubscriptionKey(key)
	if !ok {
		return nil, unauthorized(errBadFormat)
	}
	return a.authenticateSecret(ctx, id, key, idgate.SubscriptionKey)
}

// AuthenticateBearer returns the principal of the value of an
// "Authorization: Bearer" header (see BearerToken): an API key or an access
// token from IssueToken. Errors: EUNAUTHORIZED.
func (a *Authenticator) AuthenticateBearer(ctx context.Context, value string) (*idgate.Principal, error) {
	switch {
	case value == "":
		return nil, unauthorized(errNoCredential)
	case strings.HasPrefix(value, APIKeyPrefixLive) || strings.HasPrefix(value, APIKeyPrefixTest):
		return a.AuthenticateAPIKey(ctx, value)
	default:
		return a.authenticateAccessToken(ctx, value)
	}
}

// AuthenticateBearerAndSubscriptionKey authenticates a request that must
// carry both a Bearer credential and a subscription key, as Laboremus'
// routes do. It returns the Bearer credential's principal. Errors:
// EUNAUTHORIZED when either is missing or invalid, EFORBIDDEN when both are
// valid but belong to different tenants.
func (a *Authenticator) AuthenticateBearerAndSubscriptionKey(ctx context.Context, bearer, subscriptionKey string) (*idgate.Principal, error) {
	p, err := a.AuthenticateBearer(ctx, bearer)
	if err != nil {
		return nil, err
	}
	sp, err := a.AuthenticateSubscriptionKey(ctx, subscriptionKey)
	if err != nil {
		return nil, err
	}
	if sp.Tenant.ID != p.Tenant.ID {
		return nil, idgate.Errorf(idgate.EFORBIDDEN, "the subscription key belongs to another tenant than the access token")
	}
	return p, nil
}

// authenticateSecret finds credential id and checks secret against it.
func (a *Authenticator) authenticateSecret(ctx context.Context, id, secret string, kind idgate.CredentialKind) (*idgate.Principal, error) {
	cred, err := a.store.Credential(ctx, id)
	if idgate.ErrorCode(err) == idgate.ENOTFOUND {
		secretMatches(a.dummyHash, secret)
		return nil, unauthorized(errUnknownCredential)
	}
	if err != nil {
		return nil, fmt.Errorf("load credential %s: %w", id, err)
	}
	switch {
	case !secretMatches(cred.SecretHash, secret):
		return nil, unauthorized(errWrongSecret)
	case cred.Kind != kind:
		return nil, unauthorized(errWrongKind)
	case !cred.Active():
		return nil, unauthorized(errRevoked)
	}
	return a.principal(ctx, cred)
}

// principal loads the credential's tenant. The returned credential has no
// SecretHash: nothing downstream needs it, and it cannot leak from there.
func (a *Authenticator) principal(ctx context.Context, cred *idgate.Credential) (*idgate.Principal, error) {
	tenant, err := a.tenant(ctx, cred.TenantID)
	if idgate.ErrorCode(err) == idgate.ENOTFOUND {
		return nil, unauthorized(errTenantGone)
	}
	if err != nil {
		return nil, fmt.Errorf("load tenant %s of credential %s: %w", cred.TenantID, cred.ID, err)
	}
	c := *cred
	c.SecretHash = nil
	return &idgate.Principal{Tenant: tenant, Credential: &c}, nil
}

// Token is an OAuth2 access token response (RFC 6749 §5.1).
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"` // "Bearer"
	ExpiresIn   int    `json:"expires_in"` // seconds
	Scope       string `json:"scope,omitempty"`
}

// IssueToken exchanges OAuth client credentials for an access token
// (client credentials grant, RFC 6749 §4.4). scope is the space-separated
// "scope" parameter, possibly empty. Errors: EUNAUTHORIZED for a bad client,
// EINVALID with Field "scope" for a scope the client may not have.
func (a *Authenticator) IssueToken(ctx context.Context, clientID, clientSecret, scope string) (Token, error) {
	if clientID == "" || clientSecret == "" {
		return Token{}, unauthorized(errNoCredential)
	}
	if !validClientID(clientID) || !validClientSecret(clientSecret) {
		return Token{}, unauthorized(errBadFormat)
	}
	p, err := a.authenticateSecret(ctx, clientID, clientSecret, idgate.OAuthClient)
	if err != nil {
		return Token{}, err
	}
	granted, err := a.grantScope(scope)
	if err != nil {
		return Token{}, err
	}
	key, err := a.signingKeyNow(ctx)
	if err != nil {
		return Token{}, fmt.Errorf("issue token: %w", err)
	}
	jti, err := randomBase32(16)
	if err != nil {
		return Token{}, err
	}
	now := a.cfg.Now().Unix()
	exp := now + int64(a.cfg.TokenTTL/time.Second)
	c := &claims{
		Issuer: a.cfg.Issuer, Audience: a.cfg.Audience,
		Subject: p.Credential.ID, ClientID: p.Credential.ID, TenantID: p.Tenant.ID,
		Scope: granted, IssuedAt: &now, NotBefore: &now, Expiry: &exp, ID: jti,
	}
	tok, err := signJWS(key.id, key.private, c)
	if err != nil {
		return Token{}, err
	}
	return Token{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int(a.cfg.TokenTTL / time.Second), Scope: granted}, nil
}

// authenticateAccessToken verifies a JWT from IssueToken and checks that its
// client may still act.
func (a *Authenticator) authenticateAccessToken(ctx context.Context, token string) (*idgate.Principal, error) {
	c, err := a.verifyAccessToken(ctx, token)
	if err != nil {
		return nil, err
	}
	cred, err := a.store.Credential(ctx, c.Subject)
	if idgate.ErrorCode(err) == idgate.ENOTFOUND {
		return nil, unauthorized(errUnknownCredential)
	}
	if err != nil {
		return nil, fmt.Errorf("load credential %s: %w", c.Subject, err)
	}
	switch {
	case cred.Kind != idgate.OAuthClient || cred.TenantID != c.TenantID:
		return nil, unauthorized(errWrongKind)
	case !cred.Active():
		return nil, unauthorized(errRevoked)
	}
	return a.principal(ctx, cred)
}

// verifyAccessToken checks the token's form, signature and claims.
func (a *Authenticator) verifyAccessToken(ctx context.Context, token string) (*claims, error) {
	if cached, ok := a.tokens.get(token); ok {
		if _, err := a.verificationKey(ctx, cached.kid); err != nil {
			return nil, keyError(err)
		}
		if err := a.checkClaims(cached.claims); err != nil {
			return nil, unauthorized(err)
		}
		return cached.claims, nil
	}
	t, err := parseJWS(token)
	if err != nil {
		return nil, unauthorized(err)
	}
	key, err := a.verificationKey(ctx, t.header.Kid)
	if err != nil {
		return nil, keyError(err)
	}
	c, err := t.verify(key.public)
	if err != nil {
		return nil, unauthorized(err)
	}
	if err := a.checkClaims(c); err != nil {
		return nil, unauthorized(err)
	}
	a.tokens.put(token, cachedToken{claims: c, kid: key.id}, a.cfg.Now().Unix())
	return c, nil
}

// keyError: an unknown or retired key is the client's problem, a store
// failure while loading keys is ours.
func keyError(err error) error {
	if errors.Is(err, errUnknownKey) || errors.Is(err, errRetiredKey) {
		return unauthorized(err)
	}
	return fmt.Errorf("verify token: %w", err)
}

// checkClaims compares in whole seconds, subtracting rather than adding the
// leeway so that absurd values cannot overflow.
func (a *Authenticator) checkClaims(c *claims) error {
	now, lw := a.cfg.Now().Unix(), int64(leeway/time.Second)
	switch {
	case now-lw >= *c.Expiry:
		return errExpired
	case c.NotBefore != nil && *c.NotBefore-lw > now:
		return errNotYetValid
	case *c.IssuedAt-lw > now:
		return errIssuedFuture
	case c.Issuer != a.cfg.Issuer:
		return errIssuer
	case c.Audience != a.cfg.Audience:
		return errAudience
	}
	return nil
}

// grantScope validates a requested scope (RFC 6749 §3.3) and returns the
// scope granted.
func (a *Authenticator) grantScope(scope string) (string, error) {
	if scope == "" {
		return strings.Join(a.cfg.Scopes, " "), nil
	}
	if len(scope) > maxScopeLen {
		return "", idgate.FieldError("scope", "scope is too long")
	}
	var granted []string
	for _, s := range strings.Split(scope, " ") {
		if !validScopeToken(s) {
			return "", idgate.FieldError("scope", "scope is malformed")
		}
		if a.cfg.Scopes != nil && !slices.Contains(a.cfg.Scopes, s) {
			return "", idgate.FieldError("scope", "scope %q is not available", s)
		}
		if !slices.Contains(granted, s) {
			granted = append(granted, s)
		}
	}
	return strings.Join(granted, " "), nil
}

// validScopeToken: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
func validScopeToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

type cachedTenant struct {
	t  *idgate.Tenant
	at time.Time
}

// tenantTTL bounds how stale a cached tenant may be; maxCachedTenants
// bounds the cache.
const (
	tenantTTL        = time.Minute
	maxCachedTenants = 10_000
)

// tenant returns a tenant, from the cache when it is fresh.
func (a *Authenticator) tenant(ctx context.Context, id string) (*idgate.Tenant, error) {
	now := a.cfg.Now()
	if c, ok := a.tenants.Load(id); ok && now.Sub(c.(cachedTenant).at) < tenantTTL {
		return c.(cachedTenant).t, nil
	}
	t, err := a.store.Tenant(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.tenantCount.Add(1) > maxCachedTenants {
		a.tenants.Clear()
		a.tenantCount.Store(0)
	}
	a.tenants.Store(id, cachedTenant{t: t, at: now})
	return t, nil
}
