package youverify_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/app"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
	"github.com/idgate/idgate/internal/verify"
)

// TestThroughTheApp runs the dialect as `idgate serve` wires it: the
// sandbox key answers from the seeded identities, a paying tenant gets 402
// until an operator tops its wallet up, then pays per lookup, and its
// balance shows on the native wallet API.
func TestThroughTheApp(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		a, err := app.New(ctx, st, app.Config{Sandbox: true})
		if err != nil {
			t.Fatal(err)
		}
		send := func(method, path, header, key, body string) (int, map[string]any) {
			t.Helper()
			req := httptest.NewRequest(method, path, strings.NewReader(body))
			req.Header.Set(header, key)
			rec := httptest.NewRecorder()
			a.Handler.ServeHTTP(rec, req)
			var out map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatalf("%s %s: not JSON: %s", method, path, rec.Body)
			}
			return rec.Code, out
		}
		vnin := `{"id":"AB123456789012CD","isSubjectConsent":true}`

		code, out := send("POST", "/v1/api/identity/ng/vnin", "token", a.SandboxKey, vnin)
		if data, _ := out["data"].(map[string]any); code != 200 || data["status"] != "found" || data["firstName"] != "Sarah" {
			t.Fatalf("sandbox vNIN: %d %v", code, out)
		}
		code, out = send("POST", "/v2/api/identity/ke/id-scrub", "token", a.SandboxKey,
			`{"id":"1234567","idType":"national-id","isSubjectConsent":true}`)
		if data, _ := out["data"].(map[string]any); code != 200 || data["fullName"] != "John M Doe" || out["links"] == nil {
			t.Fatalf("sandbox KE: %d %v", code, out)
		}

		tenant := &idgate.Tenant{ID: idgate.NewID(), Name: "Paying Bank", CreatedAt: time.Now().UTC()}
		if err := st.CreateTenant(ctx, tenant, nil); err != nil {
			t.Fatal(err)
		}
		_, key, err := auth.CreateCredential(ctx, st, tenant.ID, idgate.APIKey, "crm", idgate.User{ID: "u-1", FirstName: "Ada", LastName: "Obi"}, "test")
		if err != nil {
			t.Fatal(err)
		}
		code, out = send("POST", "/v1/api/identity/ng/vnin", "token", key, vnin)
		if code != 402 || out["message"] != "Insufficient fund" || out["name"] != "PaymentRequiredError" {
			t.Fatalf("empty wallet: %d %v", code, out)
		}
		if code, out = send("POST", "/v1/wallet/top-ups", "Authorization", "Bearer "+key, `{"amount":1000}`); code != 403 {
			t.Fatalf("self top-up of a live tenant: %d %v, want 403", code, out)
		}
		if _, err := st.TopUp(ctx, tenant.ID, 1000, &idgate.AuditEntry{Actor: "cli", Action: "wallet.topup", Subject: tenant.ID, TenantID: tenant.ID}); err != nil {
			t.Fatal(err)
		}
		code, out = send("POST", "/v1/api/identity/ng/vnin", "token", key, vnin)
		if by, _ := out["data"].(map[string]any)["requestedBy"].(map[string]any); code != 200 || by["firstName"] != "Ada" {
			t.Fatalf("paid vNIN: %d %v", code, out)
		}
		code, out = send("GET", "/v1/wallet", "Authorization", "Bearer "+key, "")
		if want := float64(1000 - verify.DefaultPrices.Lookup); code != 200 || out["balance"] != want {
			t.Fatalf("wallet after one lookup: %d %v, want balance %v", code, out, want)
		}
	})
}
