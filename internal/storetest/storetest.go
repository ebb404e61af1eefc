// Package storetest is the contract test suite for idgate.Store: every
// implementation runs the same subtests against a real database, so the
// engines cannot drift apart.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/idgate/idgate"
)

// Run runs the contract suite. open returns a new, empty, migrated store
// for each subtest; it should register its own cleanup.
func Run(t *testing.T, open func(t *testing.T) idgate.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st idgate.Store)
	}{
		{"Ping", testPing},
		{"Tenants", testTenants},
		{"Credentials", testCredentials},
		{"SigningKeys", testSigningKeys},
		{"Records", testRecords},
		{"VNINAliases", testVNINAliases},
		{"Faults", testFaults},
		{"IdentityCache", testIdentityCache},
		{"Verifications", testVerifications},
		{"UpdateVerification", testUpdateVerification},
		{"Idempotency", testIdempotency},
		{"ListVerifications", testListVerifications},
		{"ListVerificationsLimit", testListVerificationsLimit},
		{"Wallet", testWallet},
		{"WalletPaymentRequired", testWalletPaymentRequired},
		{"WalletSubsidiary", testWalletSubsidiary},
		{"WalletConcurrentDebits", testWalletConcurrentDebits},
		{"FraudListings", testFraudListings},
		{"TenantIsolation", testTenantIsolation},
		{"AuditChain", testAuditChain},
		{"AuditOnEveryWrite", testAuditOnEveryWrite},
		{"ConcurrentMixedWrites", testConcurrentMixedWrites},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

// base is the fixed time tests start from; stores keep nanoseconds.
var base = time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)

func ctx() context.Context { return context.Background() }

// wantCode fails unless err carries the idgate error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := idgate.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testPing(t *testing.T, st idgate.Store) {
	must(t, st.Ping(ctx()))
}

// newTenant creates a tenant with id.
func newTenant(t *testing.T, st idgate.Store, id, parent string) *idgate.Tenant {
	t.Helper()
	tn := &idgate.Tenant{ID: id, ParentID: parent, Name: "Tenant " + id, CreatedAt: base}
	must(t, st.CreateTenant(ctx(), tn, &idgate.AuditEntry{Actor: "cli", Action: "tenant.create", Subject: id}))
	return tn
}

func testTenants(t *testing.T, st idgate.Store) {
	a := newTenant(t, st, "t-a", "")
	sub := &idgate.Tenant{ID: "t-sub", ParentID: "t-a", Name: "Sub", Sandbox: true, CreatedAt: base.Add(time.Second)}
	must(t, st.CreateTenant(ctx(), sub, nil))
	got, err := st.Tenant(ctx(), "t-sub")
	must(t, err)
	if *got != *sub {
		t.Errorf("Tenant = %+v, want %+v", got, sub)
	}
	all, err := st.Tenants(ctx())
	must(t, err)
	if len(all) != 2 || all[0].ID != a.ID || all[1].ID != sub.ID {
		t.Errorf("Tenants = %v, want [t-a t-sub]", all)
	}
	_, err = st.Tenant(ctx(), "nope")
	wantCode(t, err, idgate.ENOTFOUND)
	wantCode(t, st.CreateTenant(ctx(), &idgate.Tenant{ID: "t-a", Name: "again"}, nil), idgate.ECONFLICT)
	wantCode(t, st.CreateTenant(ctx(), &idgate.Tenant{ID: "orphan", ParentID: "nope"}, nil), idgate.ENOTFOUND)
}

func testCredentials(t *testing.T, st idgate.Store) {
	newTenant(t, st, "t-a", "")
	newTenant(t, st, "t-b", "")
	c1 := &idgate.Credential{ID: "key1", TenantID: "t-a", Kind: idgate.APIKey, Name: "first",
		SecretHash: []byte{1, 2, 3}, User: idgate.User{ID: "u1", FirstName: "Ada", LastName: "L"}, CreatedAt: base}
	c2 := &idgate.Credential{ID: "key2", TenantID: "t-a", Kind: idgate.OAuthClient, Name: "second",
		SecretHash: []byte{4}, CreatedAt: base.Add(time.Minute)}
	must(t, st.CreateCredential(ctx(), c1, &idgate.AuditEntry{Actor: "cli", Action: "key.create", Subject: "key1"}))
	must(t, st.CreateCredential(ctx(), c2, nil))
	wantCode(t, st.CreateCredential(ctx(), &idgate.Credential{ID: "key1", TenantID: "t-b", SecretHash: []byte{9}}, nil), idgate.ECONFLICT)

	got, err := st.Credential(ctx(), "key1")
	must(t, err)
	if got.ID != c1.ID || got.TenantID != "t-a" || got.Kind != idgate.APIKey || string(got.SecretHash) != string(c1.SecretHash) ||
		got.User != c1.User || !got.CreatedAt.Equal(base) || got.RevokedAt != nil {
		t.Errorf("Credential = %+v, want %+v", got, c1)
	}
	list, err := st.Credentials(ctx(), "t-a")
	must(t, err)
	if len(list) != 2 || list[0].ID != "key2" || list[1].ID != "key1" {
		t.Errorf("Credentials = %v, want newest first [key2 key1]", list)
	}
	if list, err := st.Credentials(ctx(), "t-b"); err != nil || len(list) != 0 {
		t.Errorf("Credentials(t-b) = %v, %v; want none", list, err)
	}

	// Another tenant cannot revoke it.
	wantCode(t, st.RevokeCredential(ctx(), "t-b", "key1", base, nil), idgate.ENOTFOUND)
	wantCode(t, st.RevokeCredential(ctx(), "t-a", "nope", base, nil), idgate.ENOTFOUND)
	at := base.Add(time.Hour)
	must(t, st.RevokeCredential(ctx(), "t-a", "key1", at, &idgate.AuditEntry{Actor: "cli", Action: "key.revoke", Subject: "key1"}))
	must(t, st.RevokeCredential(ctx(), "t-a", "key1", at.Add(time.Hour), nil))
	got, err = st.Credential(ctx(), "key1")
	must(t, err)
	if got.Active() || !got.RevokedAt.Equal(at) {
		t.Errorf("RevokedAt = %v, want %v (the first revocation)", got.RevokedAt, at)
	}
	_, err = st.Credential(ctx(), "nope")
	wantCode(t, err, idgate.ENOTFOUND)
}
