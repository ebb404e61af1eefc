package dashboard_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/dashboard"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

func TestLoginAndCookie(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)

	resp, _ := c.get("/admin/verifications?country=ZA")
	if got, want := resp.StatusCode, http.StatusSeeOther; got != want {
		t.Fatalf("unsigned GET: status %d, want %d", got, want)
	}
	if got, want := resp.Header.Get("Location"), "/admin/login?next=%2Fadmin%2Fverifications%3Fcountry%3DZA"; got != want {
		t.Errorf("unsigned GET: Location %q, want %q", got, want)
	}

	resp, body := c.login(adminEmail, "wrong password!!")
	if got, want := resp.StatusCode, http.StatusUnauthorized; got != want {
		t.Errorf("wrong password: status %d, want %d", got, want)
	}
	if !strings.Contains(body, "Email or password is wrong.") {
		t.Errorf("wrong password: page lacks the message")
	}
	resp, _ = c.login("nobody@example.com", adminPassword)
	if got, want := resp.StatusCode, http.StatusUnauthorized; got != want {
		t.Errorf("unknown email: status %d, want %d (same as a wrong password)", got, want)
	}

	resp, _ = c.login(strings.ToUpper(adminEmail), adminPassword)
	if got, want := resp.StatusCode, http.StatusSeeOther; got != want {
		t.Fatalf("login: status %d, want %d", got, want)
	}
	if got, want := resp.Header.Get("Location"), "/admin/tenants"; got != want {
		t.Errorf("login: Location %q, want %q (the next parameter)", got, want)
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "idgate_admin" {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("login set no session cookie")
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Path != "/admin" || session.Secure {
		t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Strict, Path=/admin, not Secure on plain HTTP", session)
	}

	// The store keeps only the token's hash.
	sum := sha256.Sum256([]byte(session.Value))
	if _, err := f.store.AdminSession(context.Background(), sum[:], timeNow()); err != nil {
		t.Errorf("session by token hash: %v", err)
	}
	if _, err := f.store.AdminSession(context.Background(), []byte(session.Value), timeNow()); idgate.ErrorCode(err) != idgate.ENOTFOUND {
		t.Errorf("session by raw token: err %v, want ENOTFOUND", err)
	}

	resp, page := c.get("/admin/")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Verifications, last 14 days") {
		t.Fatalf("overview: status %d\n%.500s", resp.StatusCode, page)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}
	if got := resp.Header.Get("Content-Security-Policy"); !strings.Contains(got, "default-src 'self'") {
		t.Errorf("Content-Security-Policy %q lacks default-src 'self'", got)
	}

	resp, _ = c.do(http.MethodPost, "/admin/logout", url.Values{"csrf": {csrf(t, page)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: status %d", resp.StatusCode)
	}
	if _, err := f.store.AdminSession(context.Background(), sum[:], timeNow()); idgate.ErrorCode(err) != idgate.ENOTFOUND {
		t.Errorf("session after logout: err %v, want ENOTFOUND", err)
	}
	// Replaying the old cookie does not sign in.
	c2 := f.client(t)
	u, _ := url.Parse(f.srv.URL + "/admin/")
	c2.jar.SetCookies(u, []*http.Cookie{{Name: "idgate_admin", Value: session.Value, Path: "/admin"}})
	if resp, _ := c2.get("/admin/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("old cookie after logout: status %d, want 303 to login", resp.StatusCode)
	}
}

func TestCSRF(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	token := c.mustLogin()
	for _, tc := range []struct {
		name string
		csrf string
		want int
	}{
		{"missing", "", http.StatusForbidden},
		{"wrong", token[:len(token)-2] + "xx", http.StatusForbidden},
		{"right", token, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"name": {"Acme " + tc.name}}
			if tc.csrf != "" {
				form.Set("csrf", tc.csrf)
			}
			resp, _ := c.do(http.MethodPost, "/admin/tenants", form)
			if resp.StatusCode != tc.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
	tenants, err := f.store.Tenants(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tn := range tenants {
		names = append(names, tn.Name)
	}
	if got, want := strings.Join(names, ","), "Sandbox,Acme right"; got != want {
		t.Errorf("tenants %q, want %q: only the form with the right token may act", got, want)
	}

	// Another session's token is refused: tokens belong to their session.
	other := f.client(t)
	otherToken := other.mustLogin()
	if resp, _ := c.do(http.MethodPost, "/admin/tenants", url.Values{"name": {"X"}, "csrf": {otherToken}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another session's token: status %d, want 403", resp.StatusCode)
	}

	// The login form needs its double-submitted token too.
	fresh := f.client(t)
	resp, _ := fresh.do(http.MethodPost, "/admin/login", url.Values{"email": {adminEmail}, "password": {adminPassword}, "csrf": {"forged"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("login without the login cookie: status %d, want 403", resp.StatusCode)
	}
}

func TestLoginRateLimitPerAccount(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	for i := range 5 {
		if resp, _ := c.login(adminEmail, "wrong password "+string(rune('a'+i))); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i+1, resp.StatusCode)
		}
	}
	resp, body := c.login(adminEmail, adminPassword)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("6th attempt with the right password: status %d, want 429", resp.StatusCode)
	}
	if resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "Too many failed sign-ins") {
		t.Errorf("429 lacks Retry-After or the message")
	}
}

// sandboxVerification creates a verification through the native API with
// the sandbox key and returns its id.
func sandboxVerification(t *testing.T, f *fixture) string {
	t.Helper()
	body := `{"country":"ZA","idType":"national-id","number":"8507145123085","consent":true,"reason":"test",
		"subject":{"firstNames":"Thabo Johannes","lastName":"Mokoena"},"checks":{"names":true}}`
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/v1/verifications", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+f.app.SandboxKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || v.ID == "" {
		t.Fatalf("create verification: status %d, err %v", resp.StatusCode, err)
	}
	return v.ID
}

func TestRevealIsAudited(t *testing.T) {
	f := newFixture(t)
	id := sandboxVerification(t, f)
	c := f.client(t)
	token := c.mustLogin()

	_, page := c.get("/admin/verifications")
	if !strings.Contains(page, "/admin/verifications/"+id) || !strings.Contains(page, "•••••••••3085") {
		t.Fatalf("list lacks the verification or its masked number:\n%.3000s", page)
	}
	resp, page := c.get("/admin/verifications/" + id)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("detail: status %d", resp.StatusCode)
	}
	for _, pii := range []string{"Mokoena", "8507145123085", "1985-07-14"} {
		if strings.Contains(page, pii) {
			t.Errorf("masked detail shows %q", pii)
		}
	}
	if !strings.Contains(page, "first names 100, last name 100") {
		t.Errorf("detail lacks the names check")
	}
	resp, page = c.do(http.MethodPost, "/admin/verifications/"+id, url.Values{"csrf": {token}, "reason": {"ticket 42"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reveal: status %d", resp.StatusCode)
	}
	for _, pii := range []string{"Mokoena", "8507145123085", "1985-07-14"} {
		if !strings.Contains(page, pii) {
			t.Errorf("revealed detail lacks %q", pii)
		}
	}
	entries, err := f.store.AuditEntriesNewest(context.Background(), sqlstore.AuditFilter{Action: "pii.reveal"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("%d pii.reveal entries, want 1", len(entries))
	}
	e := entries[0]
	if e.Subject != id || e.Actor != "admin:"+adminEmail || e.Reason != "ticket 42" || e.TenantID != f.app.Sandbox.ID {
		t.Errorf("reveal entry = %+v", e)
	}
	// A plain GET afterwards is masked again.
	if _, page := c.get("/admin/verifications/" + id); strings.Contains(page, "Mokoena") {
		t.Errorf("GET after reveal shows PII")
	}
}

func TestEveryPageRenders(t *testing.T) {
	f := newFixture(t)
	id := sandboxVerification(t, f)
	c := f.client(t)
	c.mustLogin()
	for path, want := range map[string]string{
		"/admin/":              "Registry health",
		"/admin/?range=24h":    "last 24 hours",
		"/admin/?range=90d":    "last 90 days",
		"/admin/verifications": "Filter",
		"/admin/verifications?outcome=found&country=ZA&from=2000-01-01&to=2100-01-01": id,
		"/admin/verifications/" + id:         "Reveal personal data",
		"/admin/tenants":                     "New tenant or subsidiary",
		"/admin/tenants/" + f.app.Sandbox.ID: "Credentials",
		"/admin/keys":                        "sandbox",
		"/admin/wallets":                     "Recent top-ups",
		"/admin/fraud":                       "PR00000001",
		"/admin/webhooks":                    "Webhooks",
		"/admin/audit":                       "Chain intact",
		"/admin/sandbox":                     "Sandbox console",
	} {
		resp, page := c.get(path)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("GET %s: status %d, has %q: %v", path, resp.StatusCode, want, strings.Contains(page, want))
		}
	}
	for path, want := range map[string]int{
		"/admin/nope":                         http.StatusNotFound,
		"/admin/verifications/unknown":        http.StatusNotFound,
		"/admin/verifications?from=yesterday": http.StatusBadRequest,
		"/admin/static/style.css":             http.StatusOK,
		"/admin/static/../dashboard.go":       http.StatusNotFound,
	} {
		// ServeMux answers a path with ".." by redirecting to the clean
		// path, which then is not an asset either.
		if resp, _ := c.get(path); resp.StatusCode != want && !(want == http.StatusNotFound && resp.StatusCode == http.StatusTemporaryRedirect) {
			t.Errorf("GET %s: status %d, want %d", path, resp.StatusCode, want)
		}
	}
}

func TestConsoleSendsThroughTheServer(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	token := c.mustLogin()
	_, page := c.get("/admin/sandbox")
	if !strings.Contains(page, f.app.SandboxKey) {
		t.Errorf("console does not pre-fill the sandbox key")
	}
	resp, page := c.do(http.MethodPost, "/admin/sandbox", url.Values{
		"csrf": {token}, "sample": {"securecitizen"}, "key": {f.app.SandboxKey}, "path": {"/Citizen/RSAIDVerification"},
		"headers": {"Authorization: Bearer {{key}}\nContent-Type: application/json"},
		"body":    {`{"ConsentReceived": true, "IdNumber": "8507145123085", "RequestReason": "console", "FirstNames": "Thabo Johannes", "LastName": "Mokoena"}`},
	})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("send: status %d\n%.2000s", resp.StatusCode, page)
	}
	if !strings.Contains(page, "200 OK") || !strings.Contains(page, "&#34;FirstNameResult&#34;: &#34;100&#34;") {
		t.Errorf("console page lacks the raw 200 answer:\n%.4000s", page)
	}
	entries, err := f.store.AuditEntriesNewest(context.Background(), sqlstore.AuditFilter{Action: dashboard.ActionConsoleSend})
	if err != nil || len(entries) != 1 || entries[0].Subject != "POST /Citizen/RSAIDVerification" || entries[0].Outcome != "200" ||
		entries[0].Actor != "admin:"+adminEmail {
		t.Errorf("console audit = %+v, %v", entries, err)
	}
	resp, _ = c.do(http.MethodPost, "/admin/sandbox", url.Values{
		"csrf": {token}, "sample": {"native"}, "key": {"x"}, "path": {"/admin/tenants"}, "body": {"{}"},
	})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("console aimed at the dashboard: status %d, want 400", resp.StatusCode)
	}
}

func TestTenantsKeysAndWallets(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.client(t)
	token := c.mustLogin()

	resp, _ := c.do(http.MethodPost, "/admin/tenants", url.Values{"csrf": {token}, "name": {"Acme Group"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create tenant: status %d", resp.StatusCode)
	}
	parentID := strings.TrimPrefix(resp.Header.Get("Location"), "/admin/tenants/")
	resp, _ = c.do(http.MethodPost, "/admin/tenants", url.Values{"csrf": {token}, "name": {"Acme Kenya"}, "parent": {parentID}, "sandbox": {"on"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create subsidiary: status %d", resp.StatusCode)
	}
	subID := strings.TrimPrefix(resp.Header.Get("Location"), "/admin/tenants/")
	sub, err := f.store.Tenant(ctx, subID)
	if err != nil {
		t.Fatal(err)
	}
	if sub.ParentID != parentID || sub.Sandbox {
		t.Errorf("subsidiary = %+v, want parent %s and live like its parent", sub, parentID)
	}
	if _, page := c.get("/admin/tenants/" + parentID); !strings.Contains(page, "Acme Kenya") {
		t.Errorf("parent's page does not list the subsidiary")
	}
	for _, bad := range []url.Values{
		{"name": {""}}, {"name": {strings.Repeat("x", 101)}}, {"name": {"ok"}, "parent": {"no-such-tenant"}},
	} {
		bad.Set("csrf", token)
		if resp, _ := c.do(http.MethodPost, "/admin/tenants", bad); resp.StatusCode < 400 {
			t.Errorf("create tenant %v: status %d, want a refusal", bad, resp.StatusCode)
		}
	}

	// Top-ups land on the parent; the subsidiary pays from it.
	resp, _ = c.do(http.MethodPost, "/admin/wallets", url.Values{"csrf": {token}, "tenant": {parentID}, "amount": {"1,250.50"}, "reason": {"invoice 7"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("top up: status %d", resp.StatusCode)
	}
	if w, err := f.store.Wallet(ctx, subID); err != nil || w.Balance != 125050 || w.TenantID != parentID {
		t.Errorf("subsidiary's wallet = %+v, %v; want the parent's 125050", w, err)
	}
	_, page := c.get("/admin/wallets?done=1")
	for _, want := range []string{"Top-up recorded.", "1,250.50", "invoice 7", "(parent's)"} {
		if !strings.Contains(page, want) {
			t.Errorf("wallets page lacks %q", want)
		}
	}
	for _, amount := range []string{"0", "-5", "abc", "1.234"} {
		if resp, _ := c.do(http.MethodPost, "/admin/wallets", url.Values{"csrf": {token}, "tenant": {parentID}, "amount": {amount}}); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("top up %q: status %d, want 400", amount, resp.StatusCode)
		}
	}

	// An OAuth client: its id and secret once, then only the id.
	resp, page = c.do(http.MethodPost, "/admin/keys", url.Values{"csrf": {token}, "tenant": {subID}, "kind": {"oauth_client"}, "name": {"CRM"}})
	if resp.StatusCode != http.StatusCreated || !strings.Contains(page, "idgcs_") || !strings.Contains(page, "/oauth/token") {
		t.Fatalf("create OAuth client: status %d; page shows secret %v", resp.StatusCode, strings.Contains(page, "idgcs_"))
	}
	creds, err := f.store.Credentials(ctx, subID)
	if err != nil || len(creds) != 1 || creds[0].Kind != idgate.OAuthClient {
		t.Fatalf("credentials = %v, %v", creds, err)
	}
	if _, page := c.get("/admin/keys"); !strings.Contains(page, creds[0].ID) || strings.Contains(page, "idgcs_") {
		t.Errorf("keys page: lists the client %v, shows a secret %v", strings.Contains(page, creds[0].ID), strings.Contains(page, "idgcs_"))
	}
	if resp, _ := c.do(http.MethodPost, "/admin/keys", url.Values{"csrf": {token}, "tenant": {subID}, "kind": {"root"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown kind: status %d, want 400", resp.StatusCode)
	}
	resp, _ = c.do(http.MethodPost, "/admin/keys/"+creds[0].ID+"/revoke", url.Values{"csrf": {token}, "tenant": {subID}, "back": {"/admin/keys"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/keys" {
		t.Errorf("revoke: status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if cr, _ := f.store.Credential(ctx, creds[0].ID); cr.Active() {
		t.Error("credential still active after revoke")
	}
	// Another tenant's credential id is not found, like an unknown one.
	if resp, _ := c.do(http.MethodPost, "/admin/keys/"+creds[0].ID+"/revoke", url.Values{"csrf": {token}, "tenant": {parentID}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("revoke under another tenant: status %d, want 404", resp.StatusCode)
	}

	entries, err := f.store.AuditEntriesNewest(ctx, sqlstore.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byAdmin := map[string]int{}
	for _, e := range entries {
		if e.Actor == "admin:"+adminEmail {
			byAdmin[e.Action]++
		}
	}
	for action, n := range map[string]int{"admin.login": 1, "tenant.create": 2, "wallet.topup": 1, "key.create": 1, "key.revoke": 1} {
		if byAdmin[action] != n {
			t.Errorf("audit entries %s by the operator = %d, want %d", action, byAdmin[action], n)
		}
	}
}

var (
	sampleSection = regexp.MustCompile(`(?s)<section class="card sample" id="sample-([a-z-]+)">(.*?)</section>`)
	sampleField   = func(name string) *regexp.Regexp {
		return regexp.MustCompile(`(?s)name="` + name + `"[^>]*?(?:value="([^"]*)"[^>]*>|>([^<]*)</textarea>)`)
	}
)

// TestConsoleSamplesWork sends every sample of the console, as the page
// offers it, through the wired app: each dialect must answer it with
// success, so the samples cannot drift from the dialects.
func TestConsoleSamplesWork(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	token := c.mustLogin()
	_, page := c.get("/admin/sandbox")
	sections := sampleSection.FindAllStringSubmatch(page, -1)
	if len(sections) < 4 {
		t.Fatalf("%d samples on the console page, want one per dialect", len(sections))
	}
	for _, sec := range sections {
		id, body := sec[1], sec[2]
		t.Run(id, func(t *testing.T) {
			form := url.Values{"csrf": {token}, "sample": {id}}
			for _, name := range []string{"key", "subscription_key", "path", "headers", "body"} {
				m := sampleField(name).FindStringSubmatch(body)
				if m == nil && name == "subscription_key" {
					continue // only samples that use one have the field
				}
				if m == nil {
					t.Fatalf("sample has no %s field", name)
				}
				form.Set(name, html.UnescapeString(m[1]+m[2]))
			}
			resp, answer := c.do(http.MethodPost, "/admin/sandbox", form)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("console: status %d", resp.StatusCode)
			}
			status := regexp.MustCompile(`<span class="status">(\d+)`).FindStringSubmatch(answer)
			if status == nil || (status[1] != "200" && status[1] != "201") {
				raw := regexp.MustCompile(`(?s)<pre class="mono body" id="response-body">(.*?)</pre>`).FindStringSubmatch(answer)
				t.Errorf("sample answered %v: %s", status, raw)
			}
		})
	}
}

// TestSecureCookieOnTLS checks that cookies get Secure on a TLS request.
func TestSecureCookieOnTLS(t *testing.T) {
	f := newFixture(t)
	tlsSrv := httptest.NewTLSServer(f.app.Handler)
	t.Cleanup(tlsSrv.Close)
	f.srv = tlsSrv
	c := f.client(t)
	c.c.Transport = tlsSrv.Client().Transport
	resp, _ := c.login(adminEmail, adminPassword)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login over TLS: status %d", resp.StatusCode)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "idgate_admin" && !ck.Secure {
			t.Errorf("session cookie over TLS is not Secure: %+v", ck)
		}
	}
}

// TestPagesOnPostgres renders the pages whose queries differ per engine
// (volume, queue depth, cross-tenant lists) on PostgreSQL.
func TestPagesOnPostgres(t *testing.T) {
	f := newFixtureAt(t, sqlstoretest.PostgresURL(t))
	id := sandboxVerification(t, f)
	c := f.client(t)
	c.mustLogin()
	for path, want := range map[string]string{
		"/admin/":                    "found <b>1</b>",
		"/admin/?range=24h":          "waiting",
		"/admin/verifications":       id,
		"/admin/verifications/" + id: "first names 100",
		"/admin/audit":               "Chain intact",
	} {
		resp, page := c.get(path)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("GET %s: status %d, has %q: %v", path, resp.StatusCode, want, strings.Contains(page, want))
		}
	}
}

func TestAssetsAreFingerprinted(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	_, page := c.get("/admin/login")
	m := regexp.MustCompile(`href="(/admin/static/style\.css\?v=[0-9a-f]{12})"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("login page does not link a fingerprinted stylesheet")
	}
	resp, css := c.get(m[1])
	if resp.StatusCode != http.StatusOK || !strings.Contains(css, "--accent") {
		t.Fatalf("stylesheet: status %d", resp.StatusCode)
	}
	if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("fingerprinted asset Cache-Control %q", got)
	}
	if resp, _ := c.get("/admin/static/style.css?v=old"); resp.Header.Get("Cache-Control") != "public, max-age=86400" {
		t.Errorf("stale version cached for good: %q", resp.Header.Get("Cache-Control"))
	}
}

func TestDisabledAdminIsSignedOut(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.client(t)
	c.mustLogin()
	a, err := f.store.AdminByEmail(ctx, adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	now := timeNow()
	if err := f.store.SetAdminDisabled(ctx, a.ID, &now, nil); err != nil {
		t.Fatal(err)
	}
	if resp, _ := c.get("/admin/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("disabled admin's session: status %d, want 303 to sign-in", resp.StatusCode)
	}
	if resp, _ := c.login(adminEmail, adminPassword); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("disabled admin signing in: status %d, want 401", resp.StatusCode)
	}
}

func TestLoginRateLimitPerAddress(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	// Guessing across many accounts from one address: 20 failures, then
	// even the right password for a fresh account is refused.
	for i := range 20 {
		if resp, _ := c.login(fmt.Sprintf("guess%d@example.com", i), "wrong password!!"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i+1, resp.StatusCode)
		}
	}
	if resp, _ := c.login(adminEmail, adminPassword); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("21st attempt from the address: status %d, want 429", resp.StatusCode)
	}
}
