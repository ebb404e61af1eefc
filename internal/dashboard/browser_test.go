package dashboard_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/dashboard"
	"github.com/idgate/idgate/internal/sqlstore"
)

// EnvScreenshots names a folder to keep the browser test's screenshots in;
// without it they go to the test's temporary folder.
const EnvScreenshots = "IDGATE_SCREENSHOTS"

// findChromium returns the path of a Chromium or Chrome binary, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser starts headless Chromium with a fresh profile and returns a
// context for chromedp actions, bounded by timeout.
func browser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	exe := findChromium()
	if exe == "" {
		t.Skip("chromium not found on PATH; install it (apt-get install -y chromium) to run the browser tests")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 860),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// Accept confirm() dialogs (revoking a key asks first). An open dialog
	// blocks the click that opened it, so another goroutine answers it.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			if _, err := chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true}); err != nil {
				return
			}
		}
	}()
	return ctx
}

func screenshotDir(t *testing.T) string {
	dir := os.Getenv(EnvScreenshots)
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// shot saves a full-page PNG screenshot as dir/name.png.
func shot(dir, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		png, err := chromedp.FullScreenshot(100)(ctx, t)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	})
}

// TestBrowser drives the dashboard in headless Chromium through an
// operator's day: sign in, create a tenant, top it up, create an API key,
// send a verification with it from the sandbox console, find it in the
// list, reveal its personal data and find the reveal in the audit log,
// then revoke the key and see the API refuse it.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	f := newFixture(t)
	ctx := browser(t, 60*time.Second)
	dir := screenshotDir(t)
	t.Logf("screenshots in %s", dir)
	base := f.srv.URL

	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	read := func(step string, a chromedp.Action[string]) string {
		t.Helper()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return v
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	// Signing in: an unsigned visit lands on the login page, and signing
	// in goes back to where the operator was headed.
	run("login page",
		chromedp.Navigate(base+"/admin/verifications"),
		chromedp.WaitVisible(css(`input[name=email]`)),
		shot(dir, "01-login"),
	)
	if loc := read("location", chromedp.Location()); !strings.Contains(loc, "/admin/login?next=") {
		t.Errorf("unsigned visit ended at %s, want the login page", loc)
	}
	run("sign in",
		chromedp.SendKeys(css(`input[name=email]`), adminEmail),
		chromedp.SendKeys(css(`input[name=password]`), adminPassword),
		loadAfter(chromedp.Submit(css(`input[name=password]`))),
		chromedp.WaitVisible(css(`header.top`)),
	)
	if loc := read("location", chromedp.Location()); !strings.HasSuffix(loc, "/admin/verifications") {
		t.Errorf("after sign-in at %s, want back at /admin/verifications", loc)
	}

	// A live tenant with money in its wallet and an API key.
	run("create tenant",
		chromedp.Navigate(base+"/admin/tenants"),
		chromedp.SendKeys(css(`#tenant-name`), "Acme Bank"),
		loadAfter(chromedp.Click(css(`#create-tenant`))),
		chromedp.WaitVisible(css(`#balance`)),
	)
	loc := read("location", chromedp.Location())
	tenantID := loc[strings.LastIndex(loc, "/")+1:]
	run("create subsidiary",
		chromedp.Navigate(base+"/admin/tenants"),
		chromedp.SendKeys(css(`#tenant-name`), "Acme Bank Kenya"),
		chromedp.SetValue(css(`select[name=parent]`), tenantID),
		loadAfter(chromedp.Click(css(`#create-tenant`))),
		chromedp.WaitVisible(css(`#balance`)),
	)
	if parent := read("subsidiary's parent", chromedp.Text(css(`dl dd a`))); parent != "Acme Bank" {
		t.Errorf("subsidiary's parent link %q, want Acme Bank", parent)
	}
	run("back to the parent", chromedp.Navigate(base+"/admin/tenants/"+tenantID), chromedp.WaitVisible(css(`#balance`)))
	run("top up",
		chromedp.SendKeys(css(`#topup-amount`), "500"),
		loadAfter(chromedp.Click(css(`#topup`))),
		chromedp.WaitVisible(css(`#balance`)),
	)
	if balance := read("balance", chromedp.Text(css(`#balance`))); !strings.Contains(balance, "500.00") {
		t.Errorf("balance after top-up %q, want 500.00", balance)
	}
	run("create key",
		chromedp.SendKeys(css(`#key-name`), "onboarding service"),
		loadAfter(chromedp.Click(css(`#create-key`))),
		chromedp.WaitVisible(css(`#secret-value`)),
		shot(dir, "02-tenant-new-key"),
	)
	secret := read("secret", chromedp.Value(css(`#secret-value`)))
	if !strings.HasPrefix(secret, "idg_live_") {
		t.Fatalf("new key %q, want an idg_live_ key", secret)
	}

	// The sandbox console sends a native verification with the new key.
	run("console",
		chromedp.Navigate(base+"/admin/sandbox"),
		chromedp.SetValue(css(`#sample-native input[name=key]`), secret),
		loadAfter(chromedp.Click(css(`button[data-send=native]`))),
		chromedp.WaitVisible(css(`#response-body`)),
		chromedp.ScrollIntoView(css(`#response`)),
		shot(dir, "03-sandbox-console"),
	)
	status := read("status", chromedp.Text(css(`#response .status`)))
	answer := read("answer", chromedp.Text(css(`#response-body`)))
	if status != "201 Created" && status != "200 OK" {
		t.Fatalf("console answer %q:\n%s", status, answer)
	}
	if !strings.Contains(answer, `"outcome": "found"`) {
		t.Errorf("console answer lacks the found outcome:\n%s", answer)
	}

	// The verification is in the list, filtered by the tenant, masked.
	run("list",
		chromedp.Navigate(base+"/admin/verifications?tenant="+tenantID),
		chromedp.WaitVisible(css(`table.list tbody tr td a`)),
		shot(dir, "04-verifications"),
	)
	if row := read("row", chromedp.Text(css(`table.list tbody tr`))); !strings.Contains(row, "Acme Bank") ||
		!strings.Contains(row, "found") || strings.Contains(row, "8507145123085") {
		t.Errorf("list row %q: want Acme Bank, found, and a masked number", row)
	}
	run("detail",
		loadAfter(chromedp.Click(css(`table.list tbody tr td a`))),
		chromedp.WaitVisible(css(`#reveal`)),
		shot(dir, "05-verification-masked"),
	)
	verificationURL := read("location", chromedp.Location())
	verificationID := verificationURL[strings.LastIndex(verificationURL, "/")+1:]
	if masked := read("masked", chromedp.Text(css(`#record`))); strings.Contains(masked, "Mokoena") {
		t.Errorf("masked record shows the surname: %q", masked)
	}
	run("reveal",
		chromedp.SendKeys(css(`input[name=reason]`), "support ticket 1234"),
		loadAfter(chromedp.Click(css(`#reveal`))),
		chromedp.WaitVisible(css(`.head .badge.warn`)),
		shot(dir, "06-verification-revealed"),
	)
	if revealed := read("revealed", chromedp.Text(css(`#record`))); !strings.Contains(revealed, "Thabo Johannes") || !strings.Contains(revealed, "Mokoena") {
		t.Errorf("revealed record %q lacks the names", revealed)
	}

	// The reveal is in the audit log, and the chain holds.
	run("audit",
		chromedp.Navigate(base+"/admin/audit"),
		chromedp.WaitVisible(css(`#chain-status`)),
		shot(dir, "07-audit"),
	)
	if chain := read("chain", chromedp.Text(css(`#chain-status`))); !strings.Contains(chain, "Chain intact") {
		t.Errorf("chain status %q", chain)
	}
	run("audit filtered",
		chromedp.Navigate(base+"/admin/audit?action=pii.reveal"),
		chromedp.WaitVisible(css(`#audit-entries`)),
	)
	entries := read("entries", chromedp.Text(css(`#audit-entries tbody`)))
	if !strings.Contains(entries, "pii.reveal") || !strings.Contains(entries, verificationID[:8]) ||
		!strings.Contains(entries, "admin:"+adminEmail) || !strings.Contains(entries, "support ticket 1234") {
		t.Errorf("audit entries %q lack the reveal of %s by the operator", entries, verificationID)
	}

	// Revoking the key: the API refuses it at once.
	if got := apiStatus(t, base, secret); got != http.StatusOK {
		t.Fatalf("API with the new key: status %d, want 200 before revoking", got)
	}
	run("revoke",
		chromedp.Navigate(base+"/admin/tenants/"+tenantID),
		loadAfter(chromedp.Click(css(`button[data-revoke]`))),
		chromedp.WaitVisible(css(`#credentials .badge.fail`)),
		shot(dir, "08-tenant-key-revoked"),
	)
	if creds := read("credentials", chromedp.Text(css(`#credentials`))); !strings.Contains(creds, "revoked") {
		t.Errorf("credentials table %q does not show the key revoked", creds)
	}
	if got := apiStatus(t, base, secret); got != http.StatusUnauthorized {
		t.Errorf("API with the revoked key: status %d, want 401", got)
	}

	// The remaining pages, for the record, with two weeks of history so
	// the chart has something to show.
	seedHistory(t, f, 14)
	delivery := seedWebhook(t, f)
	for _, p := range []struct{ path, name, ready string }{
		{"/admin/", "00-overview", "svg.chart"},
		{"/admin/keys", "09-keys", "table.list"},
		{"/admin/wallets", "10-wallets", "table.list"},
		{"/admin/fraud", "11-fraud", "table.list"},
		{"/admin/webhooks", "12-webhooks", "table.list"},
		{"/admin/tenants", "13-tenants", "table.list"},
	} {
		run(p.name, chromedp.Navigate(base+p.path), chromedp.WaitVisible(css(p.ready)), shot(dir, p.name))
	}

	// Replaying the failed delivery queues its event again.
	run("replay",
		chromedp.Navigate(base+"/admin/webhooks"),
		loadAfter(chromedp.Click(css(`form[action="/admin/webhooks/replay/`+delivery.ID+`"] button`))),
		chromedp.WaitVisible(css(`.alert.ok`)),
	)
	replays, err := f.store.AuditEntriesNewest(context.Background(), sqlstore.AuditFilter{Action: dashboard.ActionWebhookReplay})
	if err != nil || len(replays) != 1 || replays[0].Subject != delivery.EventID {
		t.Errorf("replay audit entries = %v, %v; want one for event %s", replays, err, delivery.EventID)
	}
}

// loadAfter runs a (click or submit) action and waits for the page it
// leads to to load, so later steps do not read the page it left.
func loadAfter(a chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.WaitEvent(page.LoadEventFired, nil, a)(ctx, t)
		return err
	})
}

// seedHistory stores verifications of the sandbox tenant over the last
// days, with a fixed mix of outcomes.
func seedHistory(t *testing.T, f *fixture, days int) {
	t.Helper()
	outcomes := []idgate.Outcome{idgate.OutcomeFound, idgate.OutcomeFound, idgate.OutcomeFound, idgate.OutcomeNotFound,
		idgate.OutcomeFound, idgate.OutcomeRegistryError, idgate.OutcomeFound, idgate.OutcomePhotoOnly, idgate.OutcomeMarkedForDeletion}
	now := time.Now().UTC()
	n := 0
	for d := 0; d < days; d++ {
		for i := 0; i < 3+(d*7)%11; i++ {
			n++
			v := &idgate.Verification{
				ID: idgate.NewID(), TenantID: f.app.Sandbox.ID, Status: idgate.StatusCompleted,
				CreatedAt: now.Add(-time.Duration(d)*24*time.Hour - time.Duration(i)*time.Minute),
				Request:   idgate.VerificationRequest{Dialect: idgate.DialectSecureCitizen, Country: idgate.SouthAfrica, IDType: idgate.NationalID, Number: "8507145123085"},
				Result:    &idgate.Result{Outcome: outcomes[n%len(outcomes)]},
			}
			if err := f.store.CreateVerification(context.Background(), v, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// seedWebhook registers a webhook for the sandbox tenant with a delivered
// and a failed attempt in its log, and returns the failed one.
func seedWebhook(t *testing.T, f *fixture) *sqlstore.WebhookDelivery {
	t.Helper()
	ctx := context.Background()
	hook := &sqlstore.Webhook{ID: idgate.NewID(), TenantID: f.app.Sandbox.ID, URL: "http://127.0.0.1:9/hooks/idgate", // loopback: nothing leaves the machine even if workers run
		Events: []string{"verification.completed", "verification.failed"}, Secret: "whsec_test"}
	if err := f.store.CreateWebhook(ctx, hook, nil); err != nil {
		t.Fatal(err)
	}
	list, _, err := f.store.ListVerifications(ctx, idgate.VerificationFilter{TenantID: f.app.Sandbox.ID, Limit: 2})
	if err != nil || len(list) < 2 {
		t.Fatalf("verifications to hook: %d, %v", len(list), err)
	}
	ok := &sqlstore.WebhookDelivery{ID: idgate.NewID(), WebhookID: hook.ID, TenantID: hook.TenantID, EventID: idgate.NewID(),
		EventType: "verification.completed", VerificationID: list[0].ID, Attempt: 1, StatusCode: 200,
		Duration: 84 * time.Millisecond, Succeeded: true}
	failed := &sqlstore.WebhookDelivery{ID: idgate.NewID(), WebhookID: hook.ID, TenantID: hook.TenantID, EventID: idgate.NewID(),
		EventType: "verification.completed", VerificationID: list[1].ID, Attempt: 3, StatusCode: 502,
		Duration: 1200 * time.Millisecond, Error: "receiver answered 502"}
	for _, d := range []*sqlstore.WebhookDelivery{failed, ok} {
		if err := f.store.RecordWebhookDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	return failed
}

// apiStatus asks the native API for the caller's verifications with key.
func apiStatus(t *testing.T, base, key string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/v1/verifications", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
