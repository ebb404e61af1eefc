package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/idgate/idgate"
)

func testWallet(t *testing.T, st idgate.Store) {
	newTenant(t, st, "t-a", "")
	_, err := st.Wallet(ctx(), "t-nope")
	wantCode(t, err, idgate.ENOTFOUND)
	w, err := st.Wallet(ctx(), "t-a")
	must(t, err)
	if w.Balance != 0 || w.TenantID != "t-a" {
		t.Errorf("new Wallet = %+v, want zero balance for t-a", w)
	}
	audit := &idgate.AuditEntry{TenantID: "t-a", Actor: "cli", Action: "wallet.topup", Subject: "t-a"}
	w, err = st.TopUp(ctx(), "t-a", 1000, audit)
	must(t, err)
	if w.Balance != 1000 {
		t.Errorf("TopUp balance = %d, want 1000", w.Balance)
	}
	if audit.Amount != 1000 || audit.Seq == 0 {
		t.Errorf("top-up audit = %+v, want Amount 1000 and a Seq", audit)
	}
	w, err = st.TopUp(ctx(), "t-a", 250, nil)
	must(t, err)
	if w.Balance != 1250 {
		t.Errorf("second TopUp balance = %d, want 1250", w.Balance)
	}
	for _, amount := range []int64{0, -5} {
		_, err = st.TopUp(ctx(), "t-a", amount, nil)
		wantCode(t, err, idgate.EINVALID)
	}
	_, err = st.TopUp(ctx(), "t-nope", 10, nil)
	wantCode(t, err, idgate.ENOTFOUND)

	v := NewVerification("v-1", "t-a", base)
	v.Price = 250
	va := verificationAudit(v)
	must(t, st.CreateVerification(ctx(), v, va))
	if va.Amount != -250 {
		t.Errorf("debit audit Amount = %d, want -250", va.Amount)
	}
	w, err = st.Wallet(ctx(), "t-a")
	must(t, err)
	if w.Balance != 1000 {
		t.Errorf("balance after a 250 debit = %d, want 1000", w.Balance)
	}
}

func testWalletPaymentRequired(t *testing.T, st idgate.Store) {
	newTenant(t, st, "t-a", "")
	_, err := st.TopUp(ctx(), "t-a", 100, nil)
	must(t, err)
	entries, err := st.AuditEntries(ctx(), 0, 0)
	must(t, err)
	before := len(entries)

	v := NewVerification("v-1", "t-a", base)
	v.Price = 101
	v.Request.IdempotencyKey = "k-1"
	wantCode(t, st.CreateVerification(ctx(), v, verificationAudit(v)), idgate.EPAYMENTREQ)
	_, err = st.Verification(ctx(), "t-a", "v-1")
	wantCode(t, err, idgate.ENOTFOUND)
	_, err = st.VerificationByIdempotencyKey(ctx(), "t-a", "k-1")
	wantCode(t, err, idgate.ENOTFOUND)
	entries, err = st.AuditEntries(ctx(), 0, 0)
	must(t, err)
	if len(entries) != before {
		t.Errorf("audit entries after a refused debit = %d, want %d", len(entries), before)
	}
	w, err := st.Wallet(ctx(), "t-a")
	must(t, err)
	if w.Balance != 100 {
		t.Errorf("balance after a refused debit = %d, want 100", w.Balance)
	}

	// An exact balance pays; a price of 0 (sandbox) never fails, even with
	// no wallet at all.
	v.Price = 100
	must(t, st.CreateVerification(ctx(), v, nil))
	newTenant(t, st, "t-sandbox", "")
	must(t, st.CreateVerification(ctx(), NewVerification("v-free", "t-sandbox", base), nil))
	v2 := NewVerification("v-2", "t-a", base)
	v2.Price = 1
	wantCode(t, st.CreateVerification(ctx(), v2, nil), idgate.EPAYMENTREQ)
}

func testWalletSubsidiary(t *testing.T, st idgate.Store) {
	newTenant(t, st, "parent", "")
	newTenant(t, st, "sub", "parent")
	_, err := st.TopUp(ctx(), "parent", 100, nil)
	must(t, err)
	v := NewVerification("v-1", "sub", base)
	v.Price = 60
	must(t, st.CreateVerification(ctx(), v, nil))
	w, err := st.Wallet(ctx(), "sub")
	must(t, err)
	if w.TenantID != "parent" || w.Balance != 40 {
		t.Errorf("subsidiary Wallet = %+v, want the parent's with 40", w)
	}
	// With a wallet of its own the subsidiary pays from it alone.
	_, err = st.TopUp(ctx(), "sub", 10, nil)
	must(t, err)
	v2 := NewVerification("v-2", "sub", base)
	v2.Price = 20
	wantCode(t, st.CreateVerification(ctx(), v2, nil), idgate.EPAYMENTREQ)
	v2.Price = 10
	must(t, st.CreateVerification(ctx(), v2, nil))
	if w, _ := st.Wallet(ctx(), "parent"); w.Balance != 40 {
		t.Errorf("parent balance = %d, want 40 untouched", w.Balance)
	}
}

// testWalletConcurrentDebits hammers one wallet from 50 goroutines: the
// number of successful debits and the final balance must be exact.
func testWalletConcurrentDebits(t *testing.T, st idgate.Store) {
	const (
		workers   = 50
		perWorker = 20
		price     = 3
		balance   = 1000 // pays for 333 debits, leaving 1
	)
	newTenant(t, st, "t-a", "")
	_, err := st.TopUp(ctx(), "t-a", balance, nil)
	must(t, err)
	var ok, refused atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				v := NewVerification(fmt.Sprintf("v-%d-%d", w, i), "t-a", base)
				v.Price = price
				err := st.CreateVerification(ctx(), v, verificationAudit(v))
				switch idgate.ErrorCode(err) {
				case "":
					ok.Add(1)
				case idgate.EPAYMENTREQ:
					refused.Add(1)
				default:
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if ok.Load() != balance/price || refused.Load() != workers*perWorker-balance/price {
		t.Errorf("debits: %d ok, %d refused; want %d ok, %d refused", ok.Load(), refused.Load(), balance/price, workers*perWorker-balance/price)
	}
	w, err := st.Wallet(ctx(), "t-a")
	must(t, err)
	if w.Balance != balance%price {
		t.Errorf("final balance = %d, want %d", w.Balance, balance%price)
	}
	entries, err := st.AuditEntries(ctx(), 0, 0)
	must(t, err)
	// Tenant creation and one entry per successful debit (the top-up had none).
	if want := 1 + int(ok.Load()); len(entries) != want {
		t.Errorf("audit entries = %d, want %d", len(entries), want)
	}
	list, _, err := st.ListVerifications(ctx(), idgate.VerificationFilter{TenantID: "t-a", Limit: 100})
	must(t, err)
	if len(list) != 100 {
		t.Errorf("stored verifications (first page) = %d, want 100", len(list))
	}
}
