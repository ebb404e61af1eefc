package metrics_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/app"
	"github.com/idgate/idgate/internal/jobs"
	"github.com/idgate/idgate/internal/metrics"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	_ "modernc.org/sqlite"
)

// series returns the series of name whose labels include want.
func series(t *testing.T, g prometheus.Gatherer, name string, want map[string]string) []*dto.Metric {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	var out []*dto.Metric
	for _, f := range families {
		for _, m := range f.GetMetric() {
			if f.GetName() == name && hasLabels(m, want) {
				out = append(out, m)
			}
		}
	}
	return out
}

// value sums the series of name whose labels include want (0 when there
// is none). Histograms count their samples.
func value(t *testing.T, g prometheus.Gatherer, name string, want map[string]string) float64 {
	t.Helper()
	total := 0.0
	for _, m := range series(t, g, name, want) {
		switch {
		case m.Counter != nil:
			total += m.Counter.GetValue()
		case m.Gauge != nil:
			total += m.Gauge.GetValue()
		case m.Histogram != nil:
			total += float64(m.Histogram.GetSampleCount())
		}
	}
	return total
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	got := map[string]string{}
	for _, l := range m.GetLabel() {
		got[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

func newApp(t *testing.T) *app.App {
	t.Helper()
	a, err := app.New(context.Background(), sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t)), app.Config{Sandbox: true})
	if err != nil {
		t.Fatalf("wire app: %v", err)
	}
	return a
}

func send(t *testing.T, h http.Handler, method, path, key, body string) int {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// TestRequestsMoveTheMetrics sends real requests through the wired app
// and checks that each family moved as it should.
func TestRequestsMoveTheMetrics(t *testing.T) {
	a := newApp(t)
	reg := a.Metrics.Registry
	h, key := a.Handler, a.SandboxKey
	rsa := func(number, first, last, extra string) string {
		return `{"ConsentReceived":true,"IdNumber":"` + number + `","FirstNames":"` + first + `","LastName":"` + last + `","RequestReason":"r"` + extra + `}`
	}

	if code := send(t, h, "POST", "/Citizen/RSAIDVerification", key, rsa("8507145123085", "Thabo Johannes", "Mokoena", `,"SAFPSRequired":true`)); code != 200 {
		t.Fatalf("found: %d", code)
	}
	if code := send(t, h, "POST", "/Citizen/RSAIDVerification", key, rsa("8812014321087", "Lerato", "Molefe", `,"IdentityCache":true`)); code != 200 {
		t.Fatalf("cached: %d", code)
	}
	if code := send(t, h, "POST", "/Citizen/RSAIDVerification", key, rsa("7504041111083", "A", "B", "")); code != http.StatusGatewayTimeout {
		t.Fatalf("down: %d", code)
	}
	if code := send(t, h, "POST", "/Citizen/RSAIDVerification", key, rsa("7010105100087", "Johan", "Botha", `,"SAFPSRequired":true`)); code != 200 {
		t.Fatalf("listed: %d", code)
	}
	if code := send(t, h, "POST", "/Citizen/RSAIDVerification", "", rsa("8507145123085", "Thabo", "Mokoena", "")); code != 401 {
		t.Fatalf("no key: %d", code)
	}
	send(t, h, "GET", "/no/such/route/8507145123085", "", "")
	for range 2 { // the second is a replay: counted as such, not as a new verification
		req := httptest.NewRequest("POST", "/Citizen/RSAIDVerification", strings.NewReader(rsa("9203021234084", "Naledi", "Dlamini", "")))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Idempotency-Key", "metrics-test-1")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("idempotent request: %d %s", rec.Code, rec.Body)
		}
	}

	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"idgate_http_requests_total", map[string]string{"route": "POST /Citizen/RSAIDVerification", "dialect": "securecitizen", "status": "200"}, 5},
		{"idgate_http_requests_total", map[string]string{"route": "POST /Citizen/RSAIDVerification", "status": "504"}, 1},
		{"idgate_http_requests_total", map[string]string{"route": "POST /Citizen/RSAIDVerification", "status": "401"}, 1},
		{"idgate_http_requests_total", map[string]string{"route": metrics.Unmatched, "dialect": "none", "status": "404"}, 1},
		{"idgate_http_request_duration_seconds", map[string]string{"route": "POST /Citizen/RSAIDVerification", "dialect": "securecitizen"}, 7},
		{"idgate_verifications_total", map[string]string{"dialect": "securecitizen", "country": "ZA", "id_type": "national-id", "outcome": "found"}, 4},
		{"idgate_verification_replays_total", map[string]string{"dialect": "securecitizen"}, 1},
		{"idgate_verification_errors_total", map[string]string{"dialect": "securecitizen", "country": "ZA", "code": "unavailable"}, 1},
		{"idgate_verification_duration_seconds", map[string]string{"country": "ZA", "id_type": "national-id"}, 5},
		{"idgate_verification_checks_total", map[string]string{"check": "names", "result": "pass"}, 4},
		{"idgate_verification_checks_total", map[string]string{"check": "fraud", "result": "clear"}, 1},
		{"idgate_verification_checks_total", map[string]string{"check": "fraud", "result": "listed"}, 1},
		{"idgate_identity_cache_total", map[string]string{"country": "ZA", "result": "stale"}, 1},
		{"idgate_registry_lookups_total", map[string]string{"source": "local", "country": "ZA", "result": "found"}, 3},
		{"idgate_registry_lookups_total", map[string]string{"source": "local", "country": "ZA", "result": "unavailable"}, 2},
		{"idgate_registry_lookup_duration_seconds", map[string]string{"source": "local", "country": "ZA"}, 5},
	}
	for _, c := range checks {
		if got := value(t, reg, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
}

// TestScrapeHasNoPII scrapes /metrics over HTTP after requests full of
// personal data and finds none of it in the answer.
func TestScrapeHasNoPII(t *testing.T) {
	a := newApp(t)
	send(t, a.Handler, "POST", "/Citizen/RSAIDVerification", a.SandboxKey,
		`{"ConsentReceived":true,"IdNumber":"8507145123085","FirstNames":"Thabo","LastName":"Mokoena","RequestReason":"r"}`)
	send(t, a.Handler, "GET", "/v1/verifications/0b6f1d2e-5c1a-4c3e-9a59-6d1f2f0c0001", a.SandboxKey, "")
	send(t, a.Handler, "GET", "/Citizen/8507145123085", a.SandboxKey, "")
	req := httptest.NewRequest("GET", "/metrics", nil)
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, req)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	body, _ := io.ReadAll(rec.Body)
	text := string(body)
	for _, must := range []string{"idgate_http_requests_total", "idgate_verifications_total", "go_goroutines", `route="GET /v1/verifications/{id}"`} {
		if !strings.Contains(text, must) {
			t.Errorf("scrape lacks %s", must)
		}
	}
	for _, pii := range []string{"8507145123085", "Thabo", "Mokoena", "0b6f1d2e", a.SandboxKey, a.Sandbox.ID} {
		if strings.Contains(text, pii) {
			t.Errorf("scrape contains %q", pii)
		}
	}
}

// TestLabelsStayInClosedSets feeds odd values: they become "other", never
// new series named after the input.
func TestLabelsStayInClosedSets(t *testing.T) {
	m := metrics.New()
	m.ObserveFaceStage("detect", 3*time.Millisecond)
	m.ObserveFaceStage("Thabo Mokoena 8507145123085", time.Millisecond)
	m.ObserveWebhookDelivery(metrics.WebhookDelivered)
	m.ObserveWebhookDelivery("https://hooks.example/abc")
	req := &idgate.VerificationRequest{Dialect: "evil", Country: "8507145123085", IDType: "x y"}
	m.ObserveVerification(req, nil, false, idgate.Errorf(idgate.EINVALID, "bad"), time.Millisecond)
	m.ObserveVerification(req, nil, false, errors.New("boom"), time.Millisecond)

	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"idgate_face_stage_duration_seconds", map[string]string{"stage": "detect"}, 1},
		{"idgate_face_stage_duration_seconds", map[string]string{"stage": "other"}, 1},
		{"idgate_webhook_deliveries_total", map[string]string{"result": "delivered"}, 1},
		{"idgate_webhook_deliveries_total", map[string]string{"result": "other"}, 1},
		{"idgate_verification_errors_total", map[string]string{"dialect": "other", "country": "other", "id_type": "other", "code": "invalid"}, 1},
		{"idgate_verification_errors_total", map[string]string{"code": "internal"}, 1},
	} {
		if got := value(t, m.Registry, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	var nilMetrics *metrics.Metrics
	nilMetrics.ObserveFaceStage("detect", time.Second) // must not panic
	nilMetrics.ObserveVerification(req, nil, false, nil, 0)
}

// TestQueueCollector reads a River-shaped job table.
func TestQueueCollector(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+t.TempDir()+"/q.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics.NewQueueCollector(db, func() time.Time { return now }))
	if got := value(t, reg, "idgate_jobs_up", nil); got != 0 {
		t.Fatalf("up without a table = %v, want 0", got)
	}
	for _, q := range []string{
		`CREATE TABLE river_job (id INTEGER PRIMARY KEY, queue TEXT, state TEXT, created_at TIMESTAMP)`,
		`INSERT INTO river_job (queue, state, created_at) VALUES
			('verify', 'available', '2026-11-23 11:59:00'), ('verify', 'available', '2026-11-23 11:58:00'),
			('webhooks', 'retryable', '2026-11-23T11:00:00Z'), ('verify', 'completed', '2026-11-22 00:00:00')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"idgate_jobs_up", nil, 1},
		{"idgate_jobs", map[string]string{"queue": "verify", "state": "available"}, 2},
		{"idgate_jobs", map[string]string{"queue": "webhooks", "state": "retryable"}, 1},
		{"idgate_jobs", map[string]string{"state": "completed"}, 0},
		{"idgate_jobs_oldest_age_seconds", map[string]string{"queue": "verify", "state": "available"}, 120},
		{"idgate_jobs_oldest_age_seconds", map[string]string{"queue": "webhooks"}, 3600},
	} {
		if got := value(t, reg, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
}

// TestQueueCollectorOnRiver enqueues real Uganda verification jobs with
// River (not started, so they wait) and reads them back on scrape.
func TestQueueCollectorOnRiver(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	runner, err := jobs.New(ctx, a.Store, a.Verify, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Auth.AuthenticateBearer(ctx, a.SandboxKey)
	if err != nil {
		t.Fatal(err)
	}
	req := idgate.VerificationRequest{
		Dialect: idgate.DialectLaboremus, Country: idgate.Uganda, IDType: idgate.NIN, Number: "CF12345678901A",
		Consent: true, Reason: "test", Checks: idgate.Checks{Names: true},
		Subject: idgate.Subject{FirstNames: "Grace", LastName: "Akello", BirthDate: "1990-04-12"},
		Extra:   jobs.WithCard(jobs.UgandaCard{CardNumber: "001234567"}),
	}
	if _, err := runner.Submit(ctx, p, []idgate.VerificationRequest{req, req}, idgate.NewID()); err != nil {
		t.Fatal(err)
	}
	reg := a.Metrics.Registry
	if got := value(t, reg, "idgate_verifications_total", map[string]string{"dialect": "laboremus", "country": "UG", "outcome": "pending"}); got != 2 {
		t.Errorf("pending verifications counted = %v, want 2", got)
	}
	if got := value(t, reg, "idgate_jobs_up", nil); got != 1 {
		t.Fatalf("idgate_jobs_up = %v", got)
	}
	if got := value(t, reg, "idgate_jobs", map[string]string{"queue": jobs.QueueVerify, "state": "available"}); got != 2 {
		t.Errorf("available verify jobs = %v, want 2", got)
	}
	ageLabels := map[string]string{"queue": jobs.QueueVerify, "state": "available"}
	if len(series(t, reg, "idgate_jobs_oldest_age_seconds", ageLabels)) != 1 {
		t.Fatal("no oldest-age series: River's created_at was not read")
	}
	if age := value(t, reg, "idgate_jobs_oldest_age_seconds", ageLabels); age < 0 || age > 60 {
		t.Errorf("oldest job age = %vs", age)
	}
}
