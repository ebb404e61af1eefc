package jobs_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

// TestCrashSafety kills `idgate serve` with SIGKILL while a few hundred
// Uganda requests are being created and worked, restarts it on the same
// database, and checks that every request the server accepted (201)
// reaches Completed or Failed exactly once: one completion audit entry and
// one recorded successful webhook delivery per request, none lost.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the idgate binary")
	}
	bin := buildIdgate(t)
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel() // PostgreSQL's recovery is mostly waiting for a lease
			dbURL := ""
			if engine == "postgres" {
				dbURL = sqlstoretest.PostgresURL(t) // skips without IDGATE_TEST_DATABASE_URL
			}
			crashAndRecover(t, bin, dbURL)
		})
	}
}

func buildIdgate(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "idgate")
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/idgate")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// server is one `idgate serve` child process.
type server struct {
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

func startServer(t *testing.T, bin string, env []string) *server {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	cmd.Stderr = &lockedWriter{w: logs}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, logs: logs}
	t.Cleanup(func() { s.kill() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case s.url = <-found:
	case <-time.After(60 * time.Second):
		t.Fatalf("idgate serve did not start:\n%s", logs)
	}
	return s
}

func (s *server) kill() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Signal(syscall.SIGKILL)
		s.cmd.Wait()
	}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// idgateCLI runs an idgate command against the same database.
func idgateCLI(t *testing.T, bin string, env []string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("idgate %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// sandboxCase is a Uganda sandbox card and the details sent for it.
type sandboxCase struct{ nin, surname, given, card, birth string }

var crashCases = []sandboxCase{
	{"CF12345678901A", "Akello", "Grace", "001234567", "1990-04-12"},   // match
	{"CF12345678901A", "Odongo", "Grace", "001234567", "1990-04-12"},   // name mismatch
	{"CM98765432109B", "Opio", "Okello", "007654321", "1985-10-09"},    // expired
	{"CM00000000000X", "Opio", "Okello", "007654321", "1985-10-09"},    // not found
	{"CM11112222333C", "Mugisha", "Daniel", "003332221", "1979-01-20"}, // NIRA error: Failed
	{"CF44445555666D", "Namutebi", "Sarah", "005556667", "1995-07-07"}, // slow NIRA: in flight at the kill
}

func crashAndRecover(t *testing.T, bin, dbURL string) {
	dataDir := t.TempDir()
	_, sandboxKey, err := auth.NewSecret(idgate.APIKey, true)
	if err != nil {
		t.Fatal(err)
	}
	env := []string{
		"IDGATE_DATA_DIR=" + dataDir, "IDGATE_DATABASE_URL=" + dbURL, "IDGATE_LISTEN=127.0.0.1:0",
		"IDGATE_SANDBOX=true", "IDGATE_SANDBOX_KEY=" + sandboxKey, "IDGATE_FACE=false", "IDGATE_LOG_LEVEL=warn",
	}
	srv := startServer(t, bin, env)

	var tenants []struct{ ID, Name string }
	if err := json.Unmarshal(idgateCLI(t, bin, env, "tenants", "list", "--json"), &tenants); err != nil {
		t.Fatal(err)
	}
	var sandboxID string
	for _, tn := range tenants {
		if tn.Name == "Sandbox" {
			sandboxID = tn.ID
		}
	}
	var key struct{ Secret string }
	if err := json.Unmarshal(idgateCLI(t, bin, env, "keys", "create", "--tenant", sandboxID, "--kind", "subscription_key", "--json"), &key); err != nil || key.Secret == "" {
		t.Fatalf("subscription key: %v", err)
	}
	headers := http.Header{"Authorization": {"Bearer " + sandboxKey}, "Ocp-Apim-Subscription-Key": {key.Secret}, "Content-Type": {"application/json"}}

	hooks := &hookCounter{seen: map[string]int{}}
	receiver := httptest.NewServer(hooks)
	t.Cleanup(receiver.Close)
	apiKey := http.Header{"Authorization": {"Bearer " + sandboxKey}, "Content-Type": {"application/json"}}
	code, body := send(srv.url, "POST", "/v1/webhooks", apiKey, `{"url":"`+receiver.URL+`/hook"}`)
	if code == http.StatusNotFound {
		t.Skip("idgate serve does not mount the webhook routes yet")
	}
	if code != http.StatusCreated {
		t.Fatalf("register webhook: %d %s", code, body)
	}
	var hook struct{ ID string }
	json.Unmarshal(body, &hook)
	hookID := hook.ID
	if code, _ := send(srv.url, "GET", "/idv/api/requests?v=2.0", headers, ""); code == http.StatusNotFound {
		t.Skip("idgate serve does not mount the Laboremus dialect yet")
	}

	// Create requests from 8 clients; kill the server after 150 were
	// accepted, while the rest are still being sent and worked.
	const total = 300
	var mu sync.Mutex
	var accepted []string
	var wg sync.WaitGroup
	next := make(chan int, total)
	for i := range total {
		next <- i
	}
	close(next)
	var killOnce sync.Once
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c := crashCases[i%len(crashCases)]
				code, body := send(srv.url, "POST", "/idv/api/requests?v=2.0", headers, fmt.Sprintf(
					`{"surname":%q,"givenNames":%q,"nin":%q,"cardNumber":%q,"dateOfBirth":%q}`, c.surname, c.given, c.nin, c.card, c.birth))
				if code != http.StatusCreated {
					continue // refused or cut off by the kill: never accepted
				}
				var r struct{ ID string }
				json.Unmarshal(body, &r)
				mu.Lock()
				accepted = append(accepted, r.ID)
				n := len(accepted)
				mu.Unlock()
				if n == total/2 {
					killOnce.Do(srv.kill)
				}
			}
		}()
	}
	wg.Wait()
	killOnce.Do(srv.kill)
	if len(accepted) < total/2 {
		t.Fatalf("only %d requests accepted before the kill", len(accepted))
	}
	t.Logf("%d requests accepted before and while SIGKILL hit", len(accepted))

	srv = startServer(t, bin, env)
	if n := pendingCount(t, srv.url, headers); n == 0 {
		t.Fatal("nothing was left Pending by the kill: the test did not test recovery")
	} else {
		t.Logf("%d or more requests Pending at restart", n)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		code, body := send(srv.url, "GET", "/idv/api/requests?v=2.0&status=Pending&pageSize=1", headers, "")
		if code != 200 {
			t.Fatalf("list pending: %d %s", code, body)
		}
		var page struct{ Items []json.RawMessage }
		json.Unmarshal(body, &page)
		if len(page.Items) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("requests still Pending after restart\n%s", srv.logs)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// Wait until every request's delivery is recorded (deliveries cut off
	// by the kill are retried once their jobs are rescued), then stop.
	waitUntil(t, 2*time.Minute, func() bool {
		code, body := send(srv.url, "GET", "/v1/webhooks/"+hookID+"/deliveries?limit=500", apiKey, "")
		var log struct {
			Data []struct {
				VerificationID string
				Succeeded      bool
			}
		}
		if code != 200 || json.Unmarshal(body, &log) != nil {
			return false
		}
		delivered := map[string]bool{}
		for _, d := range log.Data {
			if d.Succeeded {
				delivered[d.VerificationID] = true
			}
		}
		for _, id := range accepted {
			if !delivered[id] {
				return false
			}
		}
		return true
	})
	srv.cmd.Process.Signal(syscall.SIGTERM)
	srv.cmd.Wait()

	checkOnce(t, dataDir, dbURL, accepted)
	for _, id := range accepted {
		if hooks.count(id) == 0 {
			t.Errorf("no webhook delivery for %s", id)
		}
	}
}

// checkOnce counts, straight in the database, the completion audit entries
// and the recorded successful webhook deliveries of each request.
func checkOnce(t *testing.T, dataDir, dbURL string, ids []string) {
	t.Helper()
	driver, dsn := "sqlite", "file:"+filepath.Join(dataDir, "idgate.db")+"?mode=ro"
	if dbURL != "" {
		driver, dsn = "pgx", dbURL
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(query string) map[string]int {
		rows, err := db.Query(query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var id string
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				t.Fatal(err)
			}
			out[id] = n
		}
		return out
	}
	status := map[string]string{}
	rows, err := db.Query(`SELECT id, status FROM verifications`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, s string
		rows.Scan(&id, &s)
		status[id] = s
	}
	rows.Close()
	audits := count(`SELECT subject, COUNT(*) FROM audit_log WHERE action = 'verification.complete' GROUP BY subject`)
	deliveries := count(`SELECT verification_id, COUNT(*) FROM webhook_deliveries WHERE succeeded GROUP BY verification_id`)
	for _, id := range ids {
		s, ok := status[id]
		if !ok {
			t.Errorf("accepted request %s is lost", id)
			continue
		}
		if s != string(idgate.StatusCompleted) && s != string(idgate.StatusFailed) {
			t.Errorf("request %s: status %q, want completed or failed", id, s)
		}
		if audits[id] != 1 {
			t.Errorf("request %s: %d completion audit entries, want 1", id, audits[id])
		}
		if deliveries[id] != 1 {
			t.Errorf("request %s: %d successful deliveries recorded, want 1", id, deliveries[id])
		}
	}
}

// pendingCount counts Pending requests, up to one page of 100.
func pendingCount(t *testing.T, base string, headers http.Header) int {
	t.Helper()
	code, body := send(base, "GET", "/idv/api/requests?v=2.0&status=Pending&pageSize=100", headers, "")
	var page struct{ Items []json.RawMessage }
	if code != 200 || json.Unmarshal(body, &page) != nil {
		t.Fatalf("list pending: %d %s", code, body)
	}
	return len(page.Items)
}

func waitUntil(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var client = &http.Client{Timeout: 30 * time.Second}

func send(base, method, path string, h http.Header, body string) (int, []byte) {
	req, err := http.NewRequestWithContext(context.Background(), method, base+path, strings.NewReader(body))
	if err != nil {
		return 0, nil
	}
	req.Header = h.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// hookCounter is a webhook receiver counting deliveries per request. It
// does not check signatures: TestWebhookDelivery does.
type hookCounter struct {
	mu   sync.Mutex
	seen map[string]int
}

func (h *hookCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var e struct {
		Data struct{ ID string } `json:"data"`
	}
	json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&e)
	h.mu.Lock()
	h.seen[e.Data.ID]++
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (h *hookCounter) count(id string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seen[id]
}
