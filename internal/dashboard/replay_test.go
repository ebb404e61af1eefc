package dashboard_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/dashboard"
	"github.com/idgate/idgate/internal/jobs"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

// TestWebhookReplay shows a failed delivery on the webhooks page, replays
// it, and finds the event queued again on River with the same event id.
func TestWebhookReplay(t *testing.T) {
	ctx := context.Background()
	st := sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t))
	runner, err := jobs.New(ctx, st, nil, jobs.Config{}) // never started: the replay stays queued
	if err != nil {
		t.Fatal(err)
	}
	dash, err := dashboard.New(dashboard.Config{Store: st, Replay: dashboard.RiverReplay(st, runner.Client(), 3)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for pattern, h := range dash.Routes() {
		mux.Handle(pattern, h)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	createAdmin(t, st)
	f := &fixture{store: st, srv: srv}

	tenant := &idgate.Tenant{ID: idgate.NewID(), Name: "Acme", CreatedAt: time.Now()}
	if err := st.CreateTenant(ctx, tenant, nil); err != nil {
		t.Fatal(err)
	}
	hook := &sqlstore.Webhook{ID: idgate.NewID(), TenantID: tenant.ID, URL: "https://hooks.example/idgate",
		Events: []string{"verification.completed"}, Secret: "s3cret"}
	if err := st.CreateWebhook(ctx, hook, nil); err != nil {
		t.Fatal(err)
	}
	v := &idgate.Verification{ID: idgate.NewID(), TenantID: tenant.ID, Status: idgate.StatusCompleted,
		Request: idgate.VerificationRequest{Country: idgate.Uganda, IDType: idgate.IDCard, Number: "000012345"},
		Result:  &idgate.Result{Outcome: idgate.OutcomeFound}}
	if err := st.CreateVerification(ctx, v, nil); err != nil {
		t.Fatal(err)
	}
	d := &sqlstore.WebhookDelivery{ID: idgate.NewID(), WebhookID: hook.ID, TenantID: tenant.ID, EventID: idgate.NewID(),
		EventType: "verification.completed", VerificationID: v.ID, Attempt: 12, StatusCode: 503, Error: "receiver answered 503",
		Duration: 120 * time.Millisecond}
	if err := st.RecordWebhookDelivery(ctx, d); err != nil {
		t.Fatal(err)
	}

	c := f.client(t)
	token := c.mustLogin()
	_, page := c.get("/admin/webhooks")
	for _, want := range []string{"https://hooks.example/idgate", "receiver answered 503", "/admin/webhooks/replay/" + d.ID} {
		if !strings.Contains(page, want) {
			t.Errorf("webhooks page lacks %q", want)
		}
	}
	if _, page := c.get("/admin/verifications/" + v.ID); !strings.Contains(page, "Webhook deliveries") || !strings.Contains(page, "receiver answered 503") {
		t.Errorf("verification page does not list its webhook deliveries")
	}
	if _, _, ok, err := st.QueueDepth(ctx); err != nil || !ok {
		t.Fatalf("QueueDepth with River's tables: ok %v, err %v", ok, err)
	}
	resp, _ := c.do(http.MethodPost, "/admin/webhooks/replay/"+d.ID, url.Values{"csrf": {token}, "tenant": {tenant.ID}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("replay: status %d, want 303", resp.StatusCode)
	}
	byState, oldest, _, err := st.QueueDepth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if oldest < 0 || oldest > time.Minute {
		t.Errorf("oldest waiting job %v, want the replay's few milliseconds", oldest)
	}
	if got := byState["available"]; got != 1 {
		t.Errorf("available jobs after replay = %d (%v), want 1", got, byState)
	}
	var args string
	if err := st.DB().QueryRowContext(ctx, "SELECT args FROM river_job").Scan(&args); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(args, d.EventID) || !strings.Contains(args, hook.ID) {
		t.Errorf("queued job args %s lack the event %s or the webhook", args, d.EventID)
	}
	entries, err := st.AuditEntriesNewest(ctx, sqlstore.AuditFilter{Action: dashboard.ActionWebhookReplay})
	if err != nil || len(entries) != 1 || entries[0].Subject != d.EventID || entries[0].Actor != "admin:"+adminEmail {
		t.Errorf("replay audit = %+v, %v", entries, err)
	}
	if resp, _ := c.do(http.MethodPost, "/admin/webhooks/replay/unknown", url.Values{"csrf": {token}, "tenant": {tenant.ID}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("replay of an unknown delivery: status %d, want 404", resp.StatusCode)
	}
	if _, page := c.get("/admin/"); !strings.Contains(page, "1</b> waiting") {
		t.Errorf("overview does not show the waiting job")
	}
}
