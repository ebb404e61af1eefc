package storetest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/audit"
)

func testAuditChain(t *testing.T, st idgate.Store) {
	wantCode(t, st.AppendAudit(ctx(), nil), idgate.EINVALID)
	first := &idgate.AuditEntry{Time: base, TenantID: "t-a", CredentialID: "key-1", Actor: "api", Action: "verification.create",
		Subject: "v-1", Reason: "kyc", Consent: true, Outcome: "found", Amount: -5}
	must(t, st.AppendAudit(ctx(), first))
	if first.Seq != 1 || len(first.PrevHash) != 0 || !bytes.Equal(first.Hash, first.ChainHash(nil)) {
		t.Errorf("first entry: seq %d prev %x hash %x, want seq 1, empty prev, ChainHash", first.Seq, first.PrevHash, first.Hash)
	}
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := st.AppendAudit(ctx(), &idgate.AuditEntry{Actor: "cli", Action: "test", Subject: fmt.Sprint(i)}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()

	all, err := st.AuditEntries(ctx(), 0, 0)
	must(t, err)
	if len(all) != 31 {
		t.Fatalf("AuditEntries = %d entries, want 31", len(all))
	}
	var prev []byte
	for i, e := range all {
		if e.Seq != int64(i+1) || !bytes.Equal(e.PrevHash, prev) || !bytes.Equal(e.Hash, e.ChainHash(prev)) {
			t.Fatalf("entry %d (seq %d) does not chain", i, e.Seq)
		}
		if e.Time.IsZero() || e.Time.Location() != time.UTC {
			t.Errorf("entry %d time = %v, want a UTC time (zero times are set by the store)", e.Seq, e.Time)
		}
		prev = e.Hash
	}
	got := *all[0]
	want := *first
	if !got.Time.Equal(want.Time) || got.TenantID != want.TenantID || got.CredentialID != want.CredentialID ||
		got.Reason != want.Reason || !got.Consent || got.Outcome != want.Outcome || got.Amount != -5 {
		t.Errorf("first entry read back = %+v, want %+v", got, want)
	}
	page, err := st.AuditEntries(ctx(), 10, 5)
	must(t, err)
	if len(page) != 5 || page[0].Seq != 11 || page[4].Seq != 15 {
		t.Errorf("AuditEntries(10, 5) = %d entries from %d, want 11..15", len(page), page[0].Seq)
	}
	page, err = st.AuditEntries(ctx(), 31, 5)
	must(t, err)
	if len(page) != 0 {
		t.Errorf("AuditEntries past the end = %d entries, want 0", len(page))
	}
}

// testAuditOnEveryWrite checks that every write that takes an audit entry
// appends it, and that failed writes append nothing.
func testAuditOnEveryWrite(t *testing.T, st idgate.Store) {
	entry := func(action string) *idgate.AuditEntry {
		return &idgate.AuditEntry{Actor: "cli", Action: action, Subject: "x"}
	}
	must(t, st.CreateTenant(ctx(), &idgate.Tenant{ID: "t-a", Name: "A"}, entry("tenant.create")))
	must(t, st.CreateCredential(ctx(), &idgate.Credential{ID: "k", TenantID: "t-a", SecretHash: []byte{1}}, entry("key.create")))
	must(t, st.RevokeCredential(ctx(), "t-a", "k", base, entry("key.revoke")))
	v := NewVerification("v-1", "t-a", base)
	must(t, st.CreateVerification(ctx(), v, entry("verification.create")))
	must(t, st.UpdateVerification(ctx(), v, entry("verification.update")))
	must(t, st.CreateFraudListing(ctx(), listing("f", "t-a", "1", "PR1", base), entry("fraud.create")))
	_, err := st.TopUp(ctx(), "t-a", 5, entry("wallet.topup"))
	must(t, err)
	// Failures append nothing.
	wantCode(t, st.CreateTenant(ctx(), &idgate.Tenant{ID: "t-a"}, entry("fail")), idgate.ECONFLICT)
	wantCode(t, st.RevokeCredential(ctx(), "t-a", "nope", base, entry("fail")), idgate.ENOTFOUND)
	wantCode(t, st.CreateVerification(ctx(), v, entry("fail")), idgate.ECONFLICT)

	all, err := st.AuditEntries(ctx(), 0, 0)
	must(t, err)
	var actions []string
	for _, e := range all {
		actions = append(actions, e.Action)
	}
	want := "[tenant.create key.create key.revoke verification.create verification.update fraud.create wallet.topup]"
	if fmt.Sprint(actions) != want {
		t.Errorf("audit actions = %v, want %s", actions, want)
	}
}

// testConcurrentMixedWrites sends concurrent creates of which half reuse an
// idempotency key another goroutine is using at the same moment: group
// commit must undo exactly the losers and keep the audit chain whole.
func testConcurrentMixedWrites(t *testing.T, st idgate.Store) {
	const workers, perWorker = 40, 10
	newTenant(t, st, "t-a", "")
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				v := NewVerification(fmt.Sprintf("v-%d-%d", w, i), "t-a", base)
				v.Request.IdempotencyKey = fmt.Sprintf("k-%d-%d", w%(workers/2), i)
				err := st.CreateVerification(ctx(), v, verificationAudit(v))
				mu.Lock()
				codes[idgate.ErrorCode(err)]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	want := map[string]int{"": workers * perWorker / 2, idgate.ECONFLICT: workers * perWorker / 2}
	if fmt.Sprint(codes) != fmt.Sprint(want) {
		t.Errorf("results by error code = %v, want %v", codes, want)
	}
	checked, broken, err := audit.VerifyChain(ctx(), st)
	must(t, err)
	if broken != 0 || checked != int64(1+workers*perWorker/2) {
		t.Errorf("audit chain: %d checked, first broken %d; want %d intact", checked, broken, 1+workers*perWorker/2)
	}
	entries, err := st.AuditEntries(ctx(), 0, 0)
	must(t, err)
	for _, e := range entries[1:] {
		if _, err := st.Verification(ctx(), "t-a", e.Subject); err != nil {
			t.Fatalf("audit entry %d names %s, which was not stored: %v", e.Seq, e.Subject, err)
		}
	}
}
