package storetest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/idgate/idgate"
)

// NewVerification returns a realistic completed verification: a request
// with subject names and a found record with name scores. Benchmarks use
// it too.
func NewVerification(id, tenantID string, at time.Time) *idgate.Verification {
	first := 92
	match := true
	return &idgate.Verification{
		ID: id, TenantID: tenantID, CredentialID: "key-" + tenantID, Status: idgate.StatusCompleted,
		Request: idgate.VerificationRequest{
			Dialect: idgate.DialectSecureCitizen, Country: idgate.SouthAfrica, IDType: idgate.NationalID,
			Number: "8001015009087", Consent: true, Reason: "account opening",
			Subject: idgate.Subject{FirstNames: "Thabo Sipho", LastName: "Mokoena", BirthDate: "1980-01-01", Mobile: "0821234567"},
			Checks:  idgate.Checks{Names: true, Fraud: true}, Cache: idgate.CachePolicy{Allow: true},
			ClientRef: "cref-" + id, Extra: json.RawMessage(`{"metadata":{"branch":"7"}}`),
		},
		Result: &idgate.Result{
			Outcome: idgate.OutcomeFound,
			Record: &idgate.Record{Country: idgate.SouthAfrica, IDType: idgate.NationalID, Number: "8001015009087",
				FirstNames: "THABO SIPHO", LastName: "MOKOENA", BirthDate: "1980-01-01", Gender: "M",
				ZA: &idgate.ZACitizen{SmartCardIssued: true, OnHANIS: true, OnNPR: true, IDIssueDate: "20150301"}, UpdatedAt: at},
			Names: &idgate.NameScores{FirstNames: 100, LastName: 100, MiddleName: &first, BirthDateMatch: &match, Threshold: 70},
			Fraud: &idgate.FraudScreening{Listings: []idgate.FraudListing{}},
		},
		CreatedAt: at, UpdatedAt: at,
	}
}

func verificationAudit(v *idgate.Verification) *idgate.AuditEntry {
	return &idgate.AuditEntry{TenantID: v.TenantID, CredentialID: v.CredentialID, Actor: "api",
		Action: "verification.create", Subject: v.ID, Reason: v.Request.Reason, Consent: true, Outcome: "found"}
}

func testVerifications(t *testing.T, st idgate.Store) {
	newTenant(t, st, "t-a", "")
	v := NewVerification("v-1", "t-a", base)
	must(t, st.CreateVerification(ctx(), v, verificationAudit(v)))
	got, err := st.Verification(ctx(), "t-a", "v-1")
	must(t, err)
	if !reflect.DeepEqual(got, v) {
		t.Errorf("Verification =\n%s\nwant\n%s", dump(got), dump(v))
	}
	_, err = st.Verification(ctx(), "t-a", "v-unknown")
	wantCode(t, err, idgate.ENOTFOUND)
	wantCode(t, st.CreateVerification(ctx(), NewVerification("v-1", "t-a", base), nil), idgate.ECONFLICT)
	wantCode(t, st.CreateVerification(ctx(), NewVerification("v-2", "t-nope", base), nil), idgate.ENOTFOUND)

	// A pending asynchronous verification without a result.
	p := &idgate.Verification{ID: "v-p", TenantID: "t-a", Status: idgate.StatusPending,
		Request: idgate.VerificationRequest{Country: idgate.Uganda, IDType: idgate.NIN, Number: "CM12345678ABCD"}, CreatedAt: base, UpdatedAt: base}
	must(t, st.CreateVerification(ctx(), p, nil))
	got, err = st.Verification(ctx(), "t-a", "v-p")
	must(t, err)
	if !reflect.DeepEqual(got, p) {
		t.Errorf("pending Verification =\n%s\nwant\n%s", dump(got), dump(p))
	}
}

func dump(v any) string {
	b, _ := json.MarshalIndent(v, "", " ")
	return string(b)
}

func testUpdateVerification(t *testing.T, st idgate.Store) {
	newTenant(t, st, "t-a", "")
	newTenant(t, st, "t-b", "")
	v := &idgate.Verification{ID: "v-1", TenantID: "t-a", Status: idgate.StatusPending,
		Request:   idgate.VerificationRequest{Country: idgate.Uganda, IDType: idgate.NIN, Number: "CM12345678ABCD", IdempotencyKey: "k1"},
		CreatedAt: base, UpdatedAt: base}
	must(t, st.CreateVerification(ctx(), v, nil))
	submitted, received := base.Add(time.Second), base.Add(3*time.Second)
	v.Status = idgate.StatusCompleted
	v.Result = &idgate.Result{Outcome: idgate.OutcomeNotFound}
	v.SubmittedAt, v.ReceivedAt, v.UpdatedAt = &submitted, &received, received
	must(t, st.UpdateVerification(ctx(), v, &idgate.AuditEntry{Actor: "worker", Action: "verification.complete", Subject: "v-1"}))
	got, err := st.Verification(ctx(), "t-a", "v-1")
	must(t, err)
	if !reflect.DeepEqual(got, v) {
		t.Errorf("updated Verification =\n%s\nwant\n%s", dump(got), dump(v))
	}
	// Listing filters see the new status and outcome.
	list, _, err := st.ListVerifications(ctx(), idgate.VerificationFilter{TenantID: "t-a", Status: idgate.StatusCompleted, Outcome: idgate.OutcomeNotFound})
	must(t, err)
	if len(list) != 1 {
		t.Errorf("listing by new status found %d, want 1", len(list))
	}
	other := *v
	other.TenantID = "t-b"
	wantCode(t, st.UpdateVerification(ctx(), &other, nil), idgate.ENOTFOUND)
	unknown := *v
	unknown.ID = "v-unknown"
	wantCode(t, st.UpdateVerification(ctx(), &unknown, nil), idgate.ENOTFOUND)
}

func testIdempotency(t *testing.T, st idgate.Store) {
	newTenant(t, st, "t-a", "")
	newTenant(t, st, "t-b", "")
	v := NewVerification("v-1", "t-a", base)
	v.Request.IdempotencyKey = "idem-1"
	must(t, st.CreateVerification(ctx(), v, nil))
	got, err := st.VerificationByIdempotencyKey(ctx(), "t-a", "idem-1")
	must(t, err)
	if got.ID != "v-1" || got.Request.IdempotencyKey != "idem-1" {
		t.Errorf("VerificationByIdempotencyKey = %s (key %q), want v-1", got.ID, got.Request.IdempotencyKey)
	}
	again := NewVerification("v-2", "t-a", base)
	again.Request.IdempotencyKey = "idem-1"
	wantCode(t, st.CreateVerification(ctx(), again, nil), idgate.ECONFLICT)
	_, err = st.Verification(ctx(), "t-a", "v-2")
	wantCode(t, err, idgate.ENOTFOUND)

	// Keys are per tenant; empty keys never conflict.
	b := NewVerification("v-3", "t-b", base)
	b.Request.IdempotencyKey = "idem-1"
	must(t, st.CreateVerification(ctx(), b, nil))
	must(t, st.CreateVerification(ctx(), NewVerification("v-4", "t-a", base), nil))
	must(t, st.CreateVerification(ctx(), NewVerification("v-5", "t-a", base), nil))
	_, err = st.VerificationByIdempotencyKey(ctx(), "t-a", "idem-2")
	wantCode(t, err, idgate.ENOTFOUND)
	_, err = st.VerificationByIdempotencyKey(ctx(), "t-a", "")
	wantCode(t, err, idgate.ENOTFOUND)
	got, err = st.VerificationByIdempotencyKey(ctx(), "t-b", "idem-1")
	must(t, err)
	if got.ID != "v-3" {
		t.Errorf("t-b's idem-1 = %s, want v-3", got.ID)
	}
}

func testListVerifications(t *testing.T, st idgate.Store) {
	newTenant(t, st, "t-a", "")
	newTenant(t, st, "t-b", "")
	// v-00..v-09, one minute apart; v-03 and v-04 share a time so the id
	// breaks the tie.
	for i := range 10 {
		at := base.Add(time.Duration(i) * time.Minute)
		if i == 4 {
			at = base.Add(3 * time.Minute)
		}
		v := NewVerification(fmt.Sprintf("v-%02d", i), "t-a", at)
		if i%2 == 1 {
			v.Request.Country, v.Request.Dialect = idgate.Nigeria, idgate.DialectYouverify
			v.Result.Outcome = idgate.OutcomeNotFound
		}
		if i%3 == 0 {
			v.GroupID = "g-1"
		}
		if i == 9 {
			v.Status = idgate.StatusPending
		}
		must(t, st.CreateVerification(ctx(), v, nil))
	}
	must(t, st.CreateVerification(ctx(), NewVerification("v-b", "t-b", base.Add(time.Hour)), nil))

	// Paging through everything, three at a time, newest first.
	var ids []string
	cursor := ""
	for page := 0; ; page++ {
		list, next, err := st.ListVerifications(ctx(), idgate.VerificationFilter{TenantID: "t-a", Limit: 3, Cursor: cursor})
		must(t, err)
		for _, v := range list {
			ids = append(ids, v.ID)
		}
		if next == "" {
			break
		}
		if page > 5 {
			t.Fatal("cursor does not advance")
		}
		cursor = next
	}
	want := []string{"v-09", "v-08", "v-07", "v-06", "v-05", "v-04", "v-03", "v-02", "v-01", "v-00"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("paged ids = %v, want %v", ids, want)
	}

	filters := []struct {
		name string
		f    idgate.VerificationFilter
		want []string
	}{
		{"country", idgate.VerificationFilter{Country: idgate.Nigeria}, []string{"v-09", "v-07", "v-05", "v-03", "v-01"}},
		{"dialect", idgate.VerificationFilter{Dialect: idgate.DialectSecureCitizen}, []string{"v-08", "v-06", "v-04", "v-02", "v-00"}},
		{"outcome", idgate.VerificationFilter{Outcome: idgate.OutcomeFound}, []string{"v-08", "v-06", "v-04", "v-02", "v-00"}},
		{"status", idgate.VerificationFilter{Status: idgate.StatusPending}, []string{"v-09"}},
		{"group", idgate.VerificationFilter{GroupID: "g-1"}, []string{"v-09", "v-06", "v-03", "v-00"}},
		{"from", idgate.VerificationFilter{From: base.Add(7 * time.Minute)}, []string{"v-09", "v-08", "v-07"}},
		{"to", idgate.VerificationFilter{To: base.Add(2 * time.Minute)}, []string{"v-01", "v-00"}},
		{"range and country", idgate.VerificationFilter{From: base.Add(time.Minute), To: base.Add(6 * time.Minute), Country: idgate.SouthAfrica}, []string{"v-04", "v-02"}},
	}
	for _, tt := range filters {
		tt.f.TenantID = "t-a"
		list, next, err := st.ListVerifications(ctx(), tt.f)
		must(t, err)
		var got []string
		for _, v := range list {
			got = append(got, v.ID)
		}
		if !reflect.DeepEqual(got, tt.want) || next != "" {
			t.Errorf("%s: ids = %v next %q, want %v and no next page", tt.name, got, next, tt.want)
		}
	}

	for _, bad := range []string{"!!!", "bm9jb2xvbg", "MTIz"} {
		_, _, err := st.ListVerifications(ctx(), idgate.VerificationFilter{TenantID: "t-a", Cursor: bad})
		wantCode(t, err, idgate.EINVALID)
	}
	_, _, err := st.ListVerifications(ctx(), idgate.VerificationFilter{})
	wantCode(t, err, idgate.EINVALID)
}

func testListVerificationsLimit(t *testing.T, st idgate.Store) {
	newTenant(t, st, "t-a", "")
	done := make(chan error, 120)
	for i := range 120 {
		go func() {
			done <- st.CreateVerification(ctx(), NewVerification(fmt.Sprintf("v-%03d", i), "t-a", base.Add(time.Duration(i)*time.Second)), nil)
		}()
	}
	for range 120 {
		must(t, <-done)
	}
	for _, tt := range []struct{ limit, want int }{{0, 50}, {7, 7}, {100, 100}, {101, 100}, {1000, 100}} {
		list, next, err := st.ListVerifications(ctx(), idgate.VerificationFilter{TenantID: "t-a", Limit: tt.limit})
		must(t, err)
		if len(list) != tt.want || next == "" {
			t.Errorf("Limit %d: got %d (next %q), want %d and a next page", tt.limit, len(list), next, tt.want)
		}
	}
}
