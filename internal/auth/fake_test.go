package auth

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/idgate/idgate"
)

var _ Store = (*memStore)(nil)

// memStore is an in-memory TenantStore and SigningKeyStore for tests.
type memStore struct {
	mu          sync.Mutex
	tenants     map[string]*idgate.Tenant
	credentials map[string]*idgate.Credential
	keys        []*idgate.SigningKey
	audit       []*idgate.AuditEntry
	// keyLoads counts SigningKeys calls, to check the cache.
	keyLoads int
}

func newMemStore() *memStore {
	return &memStore{tenants: map[string]*idgate.Tenant{}, credentials: map[string]*idgate.Credential{}}
}

func (m *memStore) CreateTenant(_ context.Context, t *idgate.Tenant, a *idgate.AuditEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.tenants[t.ID]; ok {
		return idgate.Errorf(idgate.ECONFLICT, "tenant exists")
	}
	c := *t
	m.tenants[t.ID] = &c
	m.audit = append(m.audit, a)
	return nil
}

func (m *memStore) Tenant(_ context.Context, id string) (*idgate.Tenant, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tenants[id]
	if !ok {
		return nil, idgate.Errorf(idgate.ENOTFOUND, "tenant not found")
	}
	c := *t
	return &c, nil
}

func (m *memStore) Tenants(context.Context) ([]*idgate.Tenant, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ts []*idgate.Tenant
	for _, t := range m.tenants {
		c := *t
		ts = append(ts, &c)
	}
	slices.SortFunc(ts, func(a, b *idgate.Tenant) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return ts, nil
}

func (m *memStore) CreateCredential(_ context.Context, c *idgate.Credential, a *idgate.AuditEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.credentials[c.ID]; ok {
		return idgate.Errorf(idgate.ECONFLICT, "credential exists")
	}
	cp := *c
	m.credentials[c.ID] = &cp
	m.audit = append(m.audit, a)
	return nil
}

func (m *memStore) Credential(_ context.Context, id string) (*idgate.Credential, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.credentials[id]
	if !ok {
		return nil, idgate.Errorf(idgate.ENOTFOUND, "credential not found")
	}
	cp := *c
	return &cp, nil
}

func (m *memStore) Credentials(_ context.Context, tenantID string) ([]*idgate.Credential, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var cs []*idgate.Credential
	for _, c := range m.credentials {
		if c.TenantID == tenantID {
			cp := *c
			cs = append(cs, &cp)
		}
	}
	slices.SortFunc(cs, func(a, b *idgate.Credential) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return cs, nil
}

func (m *memStore) RevokeCredential(_ context.Context, tenantID, id string, at time.Time, a *idgate.AuditEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.credentials[id]
	if !ok || c.TenantID != tenantID {
		return idgate.Errorf(idgate.ENOTFOUND, "credential not found")
	}
	c.RevokedAt = &at
	m.audit = append(m.audit, a)
	return nil
}

func (m *memStore) CreateSigningKey(_ context.Context, k *idgate.SigningKey) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	cp := *k
	m.keys = append(m.keys, &cp)
	return nil
}

func (m *memStore) SigningKeys(_ context.Context, since time.Time) ([]*idgate.SigningKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keyLoads++
	var ks []*idgate.SigningKey
	for i := len(m.keys) - 1; i >= 0; i-- {
		k := m.keys[i]
		if k.RetiredAt == nil || !k.RetiredAt.Before(since) {
			cp := *k
			ks = append(ks, &cp)
		}
	}
	return ks, nil
}

func (m *memStore) RetireSigningKey(_ context.Context, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range m.keys {
		if k.ID == id {
			// Retiring again can only move the time earlier.
			if k.RetiredAt == nil || at.Before(*k.RetiredAt) {
				k.RetiredAt = &at
			}
			return nil
		}
	}
	return idgate.Errorf(idgate.ENOTFOUND, "signing key not found")
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is a store with a live and a sandbox tenant, an authenticator on
// a fake clock, and one credential of each kind for the live tenant.
type fixture struct {
	store   *memStore
	clock   *fakeClock
	auth    *Authenticator
	tenant  *idgate.Tenant
	sandbox *idgate.Tenant

	apiKey, clientID, clientSecret, subscriptionKey string
}

const (
	testIssuer   = "https://idgate.test"
	testAudience = "idgate-api"
)

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{store: newMemStore(), clock: &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}}
	f.tenant = &idgate.Tenant{ID: "t-live", Name: "Acme", CreatedAt: f.clock.Now()}
	f.sandbox = &idgate.Tenant{ID: "t-sandbox", Name: "Sandbox", Sandbox: true, CreatedAt: f.clock.Now()}
	for _, tn := range []*idgate.Tenant{f.tenant, f.sandbox} {
		if err := f.store.CreateTenant(ctx, tn, &idgate.AuditEntry{}); err != nil {
			t.Fatal(err)
		}
	}
	a, err := New(f.store, Config{Issuer: testIssuer, Audience: testAudience, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	f.auth = a
	user := idgate.User{ID: "u1", FirstName: "Test", LastName: "User"}
	var cred *idgate.Credential
	if _, f.apiKey, err = CreateCredential(ctx, f.store, f.tenant.ID, idgate.APIKey, "api", user, "test"); err != nil {
		t.Fatal(err)
	}
	if cred, f.clientSecret, err = CreateCredential(ctx, f.store, f.tenant.ID, idgate.OAuthClient, "oauth", user, "test"); err != nil {
		t.Fatal(err)
	}
	f.clientID = cred.ID
	if _, f.subscriptionKey, err = CreateCredential(ctx, f.store, f.tenant.ID, idgate.SubscriptionKey, "sub", user, "test"); err != nil {
		t.Fatal(err)
	}
	return f
}

// token issues an access token for the fixture's OAuth client.
func (f *fixture) token(t testing.TB) string {
	t.Helper()
	tok, err := f.auth.IssueToken(context.Background(), f.clientID, f.clientSecret, "")
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

// sameIDOtherSecret returns a well-formed API key with key's id and another
// secret.
func sameIDOtherSecret(key string) string {
	body := key[:len(key)-checkLen]
	c := byte('a')
	if body[len(body)-1] == 'a' {
		c = 'b'
	}
	return withCheck(body[:len(body)-1] + string(c))
}
