package youverify

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/verify"
)

// lookupOnly prices a plain vNIN lookup at 100 and nothing else.
var lookupOnly = verify.Prices{Lookup: 100}

func TestInsufficientFundStoresNothing(t *testing.T) {
	st := openSQLite(t)
	e := newEnv(t, st, envOptions{prices: lookupOnly, balance: 99})
	status, body := e.post(t, "/v1/api/identity/ng/vnin", e.keys["paid"], vninBody(pageVNIN, ""))
	want := `{"success":false,"statusCode":402,"message":"Insufficient fund","name":"PaymentRequiredError","data":{}}` + "\n"
	if status != http.StatusPaymentRequired || string(body) != want {
		t.Fatalf("got %d %s, want 402 %s", status, body, want)
	}
	assertWallet(t, st, paidTenantID, 99, 0)
}

func TestWalletConcurrencySQLite(t *testing.T) {
	testWalletConcurrency(t, openSQLite(t))
}

func TestWalletConcurrencyPostgres(t *testing.T) {
	testWalletConcurrency(t, openPostgres(t))
}

// testWalletConcurrency gives a tenant the balance for exactly n checks
// and fires many more at once: exactly n succeed, the rest get 402, the
// wallet ends at zero and exactly n verifications are stored.
func testWalletConcurrency(t *testing.T, st idgate.Store) {
	const n, callers = 10, 40
	e := newEnv(t, st, envOptions{prices: lookupOnly, balance: n * lookupOnly.Lookup})
	var wg sync.WaitGroup
	statuses := make(chan int, callers)
	for range callers {
		wg.Go(func() {
			status, body := e.post(t, "/v1/api/identity/ng/vnin", e.keys["paid"], vninBody(pageVNIN, ""))
			if status != http.StatusOK && status != http.StatusPaymentRequired {
				t.Errorf("status %d: %s", status, body)
			}
			statuses <- status
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[http.StatusOK] != n || count[http.StatusPaymentRequired] != callers-n {
		t.Errorf("statuses = %v, want %d × 200 and %d × 402", count, n, callers-n)
	}
	assertWallet(t, st, paidTenantID, 0, n)
}

// assertWallet checks the balance and the number of stored verifications.
func assertWallet(t *testing.T, st idgate.Store, tenantID string, balance int64, verifications int) {
	t.Helper()
	ctx := context.Background()
	w, err := st.Wallet(ctx, tenantID)
	must(t, err)
	if w.Balance != balance {
		t.Errorf("balance = %d, want %d", w.Balance, balance)
	}
	vs, _, err := st.ListVerifications(ctx, idgate.VerificationFilter{TenantID: tenantID, Limit: 100})
	must(t, err)
	if len(vs) != verifications {
		t.Errorf("%d verifications stored, want %d", len(vs), verifications)
	}
	var debited int64
	for _, v := range vs {
		debited += v.Price
	}
	if want := int64(verifications) * lookupOnly.Lookup; debited != want {
		t.Errorf("stored verifications cost %d in all, want %d", debited, want)
	}
	entries, err := st.AuditEntries(ctx, 0, 1000)
	must(t, err)
	debits := 0
	for _, a := range entries {
		if a.TenantID == tenantID && a.Action == "verification.create" && a.Amount == -lookupOnly.Lookup {
			debits++
		}
	}
	if debits != verifications {
		t.Errorf("%d debits in the audit log, want %d", debits, verifications)
	}
}
