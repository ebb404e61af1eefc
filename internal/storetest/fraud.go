package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/idgate/idgate"
)

func listing(id, tenant, number, ref string, at time.Time) *idgate.FraudListing {
	return &idgate.FraudListing{ID: id, TenantID: tenant, Country: idgate.SouthAfrica, IDNumber: number,
		FirstName: "Thabo", Surname: "Mokoena", BirthDate: "1980-01-01", ReferenceNo: ref, Category: "Impersonation", CreatedAt: at}
}

func testFraudListings(t *testing.T, st idgate.Store) {
	newTenant(t, st, "t-a", "")
	newTenant(t, st, "t-b", "")
	a1 := listing("f-1", "t-a", "8001015009087", "PR00000001", base)
	b1 := listing("f-2", "t-b", "8001015009087", "VICTIM00000001", base.Add(time.Minute))
	a2 := listing("f-3", "t-a", "7501015009082", "SH00000001", base.Add(2*time.Minute))
	for _, l := range []*idgate.FraudListing{a1, b1, a2} {
		must(t, st.CreateFraudListing(ctx(), l, &idgate.AuditEntry{TenantID: l.TenantID, Actor: "api", Action: "fraud.create", Subject: l.ID}))
	}
	wantCode(t, st.CreateFraudListing(ctx(), listing("f-1", "t-a", "1", "PR1", base), nil), idgate.ECONFLICT)

	got, err := st.FraudListingsFor(ctx(), idgate.SouthAfrica, "8001015009087")
	must(t, err)
	if want := []idgate.FraudListing{*a1, *b1}; !reflect.DeepEqual(got, want) {
		t.Errorf("FraudListingsFor = %+v\nwant every tenant's %+v", got, want)
	}
	got, err = st.FraudListingsFor(ctx(), idgate.Kenya, "8001015009087")
	must(t, err)
	if len(got) != 0 {
		t.Errorf("FraudListingsFor(KE) = %+v, want none", got)
	}
	got, err = st.FraudListings(ctx(), "t-a", 0)
	must(t, err)
	if want := []idgate.FraudListing{*a2, *a1}; !reflect.DeepEqual(got, want) {
		t.Errorf("FraudListings(t-a) = %+v\nwant newest first %+v", got, want)
	}
	got, err = st.FraudListings(ctx(), "t-a", 1)
	must(t, err)
	if len(got) != 1 || got[0].ID != "f-3" {
		t.Errorf("FraudListings(t-a, 1) = %+v, want [f-3]", got)
	}

	// An empty ID is assigned.
	l := listing("", "t-b", "7501015009082", "PR2", base)
	must(t, st.CreateFraudListing(ctx(), l, nil))
	if len(l.ID) != 36 {
		t.Errorf("assigned listing ID = %q, want a UUID", l.ID)
	}
}

// testTenantIsolation checks that nothing of tenant A is readable as
// tenant B by id.
func testTenantIsolation(t *testing.T, st idgate.Store) {
	newTenant(t, st, "t-a", "")
	newTenant(t, st, "t-b", "")
	v := NewVerification("v-a", "t-a", base)
	v.Request.IdempotencyKey = "idem-a"
	must(t, st.CreateVerification(ctx(), v, nil))
	must(t, st.CreateCredential(ctx(), &idgate.Credential{ID: "key-a", TenantID: "t-a", Kind: idgate.APIKey, SecretHash: []byte{1}}, nil))
	must(t, st.CreateFraudListing(ctx(), listing("f-a", "t-a", "8001015009087", "PR1", base), nil))

	_, err := st.Verification(ctx(), "t-b", "v-a")
	wantCode(t, err, idgate.ENOTFOUND)
	_, err = st.VerificationByIdempotencyKey(ctx(), "t-b", "idem-a")
	wantCode(t, err, idgate.ENOTFOUND)
	list, _, err := st.ListVerifications(ctx(), idgate.VerificationFilter{TenantID: "t-b"})
	must(t, err)
	if len(list) != 0 {
		t.Errorf("t-b lists %d verifications, want 0", len(list))
	}
	creds, err := st.Credentials(ctx(), "t-b")
	must(t, err)
	if len(creds) != 0 {
		t.Errorf("t-b has %d credentials, want 0", len(creds))
	}
	wantCode(t, st.RevokeCredential(ctx(), "t-b", "key-a", base, nil), idgate.ENOTFOUND)
	fl, err := st.FraudListings(ctx(), "t-b", 0)
	must(t, err)
	if len(fl) != 0 {
		t.Errorf("t-b lists %d fraud listings, want 0", len(fl))
	}
	other := *v
	other.TenantID = "t-b"
	wantCode(t, st.UpdateVerification(ctx(), &other, nil), idgate.ENOTFOUND)
	// A's data is intact.
	if _, err := st.Verification(ctx(), "t-a", "v-a"); err != nil {
		t.Errorf("t-a cannot read its own verification: %v", err)
	}
}
