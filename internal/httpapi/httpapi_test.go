package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/app"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

type client struct {
	t       *testing.T
	handler http.Handler
	key     string
}

func (c client) do(method, path, body string, headers ...string) (int, map[string]any) {
	c.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	c.handler.ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		c.t.Fatalf("%s %s: response is not JSON (%v): %s", method, path, err, rec.Body)
	}
	return rec.Code, out
}

func newApp(t *testing.T, st *sqlstore.Store, cfg app.Config) *app.App {
	t.Helper()
	cfg.Sandbox = true
	a, err := app.New(context.Background(), st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// otherTenant creates a second, non-sandbox tenant with an API key.
func otherTenant(t *testing.T, st idgate.Store) string {
	t.Helper()
	ctx := context.Background()
	tenant := &idgate.Tenant{ID: idgate.NewID(), Name: "Other Bank", CreatedAt: time.Now().UTC()}
	if err := st.CreateTenant(ctx, tenant, &idgate.AuditEntry{Time: tenant.CreatedAt, Actor: "test", Action: "tenant.create", Subject: tenant.ID}); err != nil {
		t.Fatal(err)
	}
	_, key, err := auth.CreateCredential(ctx, st, tenant.ID, idgate.APIKey, "test", idgate.User{ID: "u1"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return key
}

const foundBody = `{"country":"ZA","idType":"national-id","number":"8507145123085","consent":true,"reason":"onboarding",
	"subject":{"firstNames":"Thabo Johannes","lastName":"Mokoena","birthDate":"1985-07-14"},"checks":{"names":true,"photo":true},"clientRef":"c-1"}`

func TestVerificationLifecycle(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		a := newApp(t, st, app.Config{})
		c := client{t, a.Handler, a.SandboxKey}

		code, v := c.do("POST", "/v1/verifications", foundBody)
		if code != http.StatusCreated {
			t.Fatalf("create: %d %v", code, v)
		}
		if v["outcome"] != "found" || v["status"] != "completed" {
			t.Fatalf("create: outcome %v status %v", v["outcome"], v["status"])
		}
		names := v["names"].(map[string]any)
		if names["firstNames"] != float64(100) || names["lastName"] != float64(100) || names["birthDateMatch"] != true {
			t.Fatalf("names = %v", names)
		}
		rec := v["record"].(map[string]any)
		if rec["photo"] == nil || rec["za"] == nil {
			t.Fatalf("record lacks photo or NPR fields: %v", rec)
		}
		id := v["id"].(string)

		code, got := c.do("GET", "/v1/verifications/"+id, "")
		if code != http.StatusOK || got["id"] != id || got["clientRef"] != "c-1" {
			t.Fatalf("get: %d %v", code, got)
		}

		// Another tenant sees neither the verification nor the list entry.
		other := client{t, a.Handler, otherTenant(t, st)}
		if code, p := other.do("GET", "/v1/verifications/"+id, ""); code != http.StatusNotFound {
			t.Fatalf("other tenant get: %d %v, want 404", code, p)
		}
		if _, list := other.do("GET", "/v1/verifications", ""); len(list["data"].([]any)) != 0 {
			t.Fatalf("other tenant lists %v", list["data"])
		}
	})
}

func TestListPagination(t *testing.T) {
	a := newApp(t, sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t)), app.Config{})
	c := client{t, a.Handler, a.SandboxKey}
	for i := 0; i < 5; i++ {
		if code, v := c.do("POST", "/v1/verifications", foundBody); code != http.StatusCreated {
			t.Fatalf("create %d: %d %v", i, code, v)
		}
	}
	seen := map[string]bool{}
	cursor := ""
	for page := 0; page < 5; page++ {
		code, out := c.do("GET", "/v1/verifications?limit=2&country=za&cursor="+cursor, "")
		if code != http.StatusOK {
			t.Fatalf("list: %d %v", code, out)
		}
		for _, v := range out["data"].([]any) {
			seen[v.(map[string]any)["id"].(string)] = true
		}
		cursor, _ = out["nextCursor"].(string)
		if cursor == "" {
			break
		}
	}
	if len(seen) != 5 {
		t.Fatalf("pages held %d distinct verifications, want 5", len(seen))
	}
	if code, p := c.do("GET", "/v1/verifications?countyr=ZA", ""); code != http.StatusBadRequest {
		t.Fatalf("unknown query parameter: %d %v, want 400", code, p)
	}
}

func TestProblemDetails(t *testing.T) {
	a := newApp(t, sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t)), app.Config{MaxBody: 2048})
	c := client{t, a.Handler, a.SandboxKey}
	tests := []struct {
		name, body string
		status     int
		field      string
	}{
		{"unknown field", `{"country":"ZA","number":"8507145123085","consent":true,"reason":"r","nickname":"x"}`, 400, "nickname"},
		{"no consent", `{"country":"ZA","number":"8507145123085","reason":"r","subject":{"firstNames":"A","lastName":"B"},"checks":{"names":true}}`, 400, "consent"},
		{"bad country", `{"country":"XX","number":"1","consent":true,"reason":"r"}`, 400, "country"},
		{"bad number", `{"country":"ZA","number":"8507145123086","consent":true,"reason":"r","subject":{"firstNames":"A","lastName":"B"},"checks":{"names":true}}`, 400, "number"},
		{"wrong type", `{"country":"ZA","number":8507145123085}`, 400, "number"},
		{"bad selfie", `{"country":"ZA","number":"8507145123085","consent":true,"reason":"r","selfie":"%%%"}`, 400, "selfie"},
		{"face without engine", `{"country":"ZA","number":"8507145123085","consent":true,"reason":"r","selfie":"aGVsbG8=","checks":{"face":true}}`, 501, ""},
		{"malformed", `{"country":`, 400, ""},
		{"too large", `{"reason":"` + strings.Repeat("x", 4096) + `"}`, 413, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, p := c.do("POST", "/v1/verifications", tt.body)
			if code != tt.status || p["status"] != float64(tt.status) || p["type"] == nil || p["detail"] == "" {
				t.Fatalf("got %d %v, want %d problem details", code, p, tt.status)
			}
			if tt.field != "" {
				errs, _ := p["errors"].([]any)
				if len(errs) != 1 || errs[0].(map[string]any)["field"] != tt.field {
					t.Fatalf("errors = %v, want field %s", p["errors"], tt.field)
				}
			}
		})
	}
	// Nothing was stored by the failed requests.
	_, list := c.do("GET", "/v1/verifications", "")
	if n := len(list["data"].([]any)); n != 0 {
		t.Fatalf("%d verifications stored by failed requests", n)
	}
	if code, _ := (client{t, a.Handler, ""}).do("GET", "/v1/verifications", ""); code != http.StatusUnauthorized {
		t.Fatalf("no key: %d, want 401", code)
	}
	if code, _ := c.do("GET", "/v1/nothing-here", ""); code != http.StatusNotFound {
		t.Fatalf("unknown route: %d, want 404", code)
	}
}

func TestFraudListingsScreenVerifications(t *testing.T) {
	st := sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t))
	a := newApp(t, st, app.Config{})
	filer := client{t, a.Handler, otherTenant(t, st)}
	code, l := filer.do("POST", "/v1/fraud-listings", `{"country":"ZA","idNumber":"9203021234084","firstName":"Naledi","surname":"Dlamini",
		"birthDate":"1992-03-02","referenceNo":"SH12345678","category":"Impersonation","reason":"confirmed fraud case 77"}`)
	if code != http.StatusCreated || l["referenceNo"] != "SH12345678" {
		t.Fatalf("file listing: %d %v", code, l)
	}
	if code, p := filer.do("POST", "/v1/fraud-listings", `{"idNumber":"9203021234084","firstName":"N","surname":"D","referenceNo":"XX1","category":"c","reason":"r"}`); code != 400 {
		t.Fatalf("bad reference: %d %v", code, p)
	}
	// The sandbox tenant's screening sees the other tenant's filing...
	c := client{t, a.Handler, a.SandboxKey}
	_, v := c.do("POST", "/v1/verifications", `{"country":"ZA","number":"9203021234084","consent":true,"reason":"credit",
		"subject":{"firstNames":"Naledi","lastName":"Dlamini"},"checks":{"names":true,"fraud":true}}`)
	listings := v["fraud"].(map[string]any)["listings"].([]any)
	if len(listings) != 1 || listings[0].(map[string]any)["referenceNo"] != "SH12345678" {
		t.Fatalf("screening = %v", v["fraud"])
	}
	if filer, shown := listings[0].(map[string]any)["tenantId"]; shown {
		t.Fatalf("screening shows the filing tenant %v to another tenant", filer)
	}
	// ...but cannot list it.
	_, mine := c.do("GET", "/v1/fraud-listings", "")
	for _, m := range mine["data"].([]any) {
		if m.(map[string]any)["referenceNo"] == "SH12345678" {
			t.Fatalf("sandbox tenant lists another tenant's filing")
		}
	}
}

func TestWalletPaysAndRefuses(t *testing.T) {
	st := sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t))
	a := newApp(t, st, app.Config{})
	key := otherTenant(t, st)
	c := client{t, a.Handler, key}
	if code, p := c.do("POST", "/v1/verifications", foundBody); code != http.StatusPaymentRequired {
		t.Fatalf("empty wallet: %d %v, want 402", code, p)
	}
	p, err := a.Auth.AuthenticateAPIKey(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.TopUp(context.Background(), p.Tenant.ID, 100, &idgate.AuditEntry{Time: time.Now(), Actor: "test", Action: "wallet.topup", Subject: p.Tenant.ID, Amount: 100}); err != nil {
		t.Fatal(err)
	}
	if code, v := c.do("POST", "/v1/verifications", strings.Replace(foundBody, `"photo":true`, `"photo":false`, 1)); code != http.StatusCreated || v["price"] != float64(100) {
		t.Fatalf("paid lookup: %d %v", code, v)
	}
	w, _ := st.Wallet(context.Background(), p.Tenant.ID)
	if w.Balance != 0 {
		t.Fatalf("balance after one lookup = %d, want 0", w.Balance)
	}
	if code, _ := c.do("POST", "/v1/verifications", foundBody); code != http.StatusPaymentRequired {
		t.Fatalf("second lookup: %d, want 402", code)
	}
}

func TestHealth(t *testing.T) {
	a := newApp(t, sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t)), app.Config{})
	c := client{t, a.Handler, ""}
	if code, out := c.do("GET", "/healthz", ""); code != 200 || out["status"] != "ok" {
		t.Fatalf("healthz: %d %v", code, out)
	}
	if code, out := c.do("GET", "/readyz", ""); code != 200 || out["ready"] != true {
		t.Fatalf("readyz: %d %v", code, out)
	}
	c.key = a.SandboxKey
	_, out := c.do("GET", "/v1/registries", "")
	if n := len(out["data"].([]any)); n != 4 {
		t.Fatalf("registries: %d entries, want 4", n)
	}
}

// FuzzCreateVerification sends arbitrary bodies to the native API: the
// answer is a verification or problem details, never an internal error.
func FuzzCreateVerification(f *testing.F) {
	f.Add(foundBody)
	f.Add(`{"country":"NG","idType":"vnin","number":"AB123456789012CD","consent":true,"reason":"r"}`)
	f.Add(`{"country":"ZA","number":"8507145123085","consent":true,"reason":"r","selfie":"data:image/png;base64,AAAA"}`)
	f.Add(`{"checks":{"names":"yes"}}`)
	f.Add(`null`)
	st := sqlstoretest.Open(f, sqlstoretest.SQLiteURL(f))
	a, err := app.New(context.Background(), st, app.Config{Sandbox: true, MaxBody: 4096})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/v1/verifications", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+a.SandboxKey)
		rec := httptest.NewRecorder()
		a.Handler.ServeHTTP(rec, req)
		if rec.Code == http.StatusInternalServerError {
			t.Fatalf("500 for %q: %s", body, rec.Body)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("not JSON for %q: %s", body, rec.Body)
		}
		if rec.Code >= 400 && out["type"] == nil {
			t.Fatalf("error without problem details for %q: %s", body, rec.Body)
		}
	})
}
