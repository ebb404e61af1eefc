// Command laboremus measures idgate's asynchronous Uganda card requests
// (Laboremus dialect on River): how fast requests are created over HTTP,
// and how long the queue takes to drain to Completed, with N requests
// queued, on SQLite or PostgreSQL.
//
// For each N it opens a fresh database, builds the real stack in-process
// (store, authenticator, local registry, verification core, River workers,
// the dialect's HTTP handler on a loopback listener) and runs two phases:
//
//   - queued: the workers are stopped; N requests are created with C
//     concurrent keep-alive clients (creation throughput), then the
//     workers start and the time until the last request is Completed is
//     measured (drain time, completions per second);
//
//   - live: a fresh database with the workers running while N requests
//     are created; creation-to-Completed latency per request (p50, p99,
//     max) from the stored times.
//
//     go run ./bench/laboremus -n 100,1000,10000 -c 16
//     go run ./bench/laboremus -database-url 'postgres://…' -n 100,1000,10000
//
// It prints one Markdown table row per phase and N. Each run is bounded by
// -timeout.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/dialect/laboremus"
	"github.com/idgate/idgate/internal/jobs"
	"github.com/idgate/idgate/internal/pii"
	"github.com/idgate/idgate/internal/registry"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/verify"
)

func main() {
	dbURL := flag.String("database-url", "", "PostgreSQL URL (a fresh schema per run); empty runs SQLite in a temporary folder")
	counts := flag.String("n", "100,1000,10000", "comma-separated numbers of requests")
	conc := flag.Int("c", 16, "concurrent HTTP clients")
	workers := flag.Int("workers", 50, "River verification workers")
	timeout := flag.Duration("timeout", 10*time.Minute, "give up on one run after this long")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	engine := "sqlite"
	if *dbURL != "" {
		engine = "postgres"
	}
	fmt.Println("| engine | phase | requests | created/s | create p50 | create p99 | drain | completed/s | latency p50 | latency p99 | latency max |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	for _, s := range strings.Split(*counts, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fatal(fmt.Errorf("bad -n %q", s))
		}
		for _, live := range []bool{false, true} {
			r, err := run(engine, *dbURL, n, *conc, *workers, live, *timeout)
			if err != nil {
				fatal(err)
			}
			r.print(engine, n, live)
		}
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "laboremus bench:", err)
	os.Exit(1)
}

type result struct {
	created                   time.Duration // wall time to create all
	createLat                 []time.Duration
	drain                     time.Duration // workers started (queued) or first create (live) → last completed
	latency                   []time.Duration
	createdPerSec, donePerSec float64
}

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, int(float64(len(d))*p))]
}

func (r result) print(engine string, n int, live bool) {
	phase := "queued"
	if live {
		phase = "live"
	}
	lat := func(p float64) string {
		if !live {
			return "–"
		}
		return pct(r.latency, p).Round(time.Millisecond).String()
	}
	fmt.Printf("| %s | %s | %d | %.0f | %s | %s | %s | %.0f | %s | %s | %s |\n", engine, phase, n, r.createdPerSec,
		pct(r.createLat, 0.5).Round(100*time.Microsecond), pct(r.createLat, 0.99).Round(100*time.Microsecond),
		r.drain.Round(10*time.Millisecond), r.donePerSec, lat(0.5), lat(0.99), lat(1))
}

// stack is the in-process service.
type stack struct {
	st      *sqlstore.Store
	runner  *jobs.Runner
	srv     *http.Server
	base    string
	headers http.Header
	tenant  string
	cleanup func()
}

func run(engine, baseURL string, n, conc, workers int, live bool, timeout time.Duration) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	s, err := newStack(ctx, engine, baseURL, workers)
	if err != nil {
		return result{}, err
	}
	defer s.cleanup()
	var r result
	start := time.Now()
	if live {
		if err := s.runner.Start(ctx); err != nil {
			return r, err
		}
	}
	r.createLat, err = s.create(ctx, n, conc)
	if err != nil {
		return r, err
	}
	r.created = time.Since(start)
	r.createdPerSec = float64(n) / r.created.Seconds()
	drainStart := start
	if !live {
		drainStart = time.Now()
		if err := s.runner.Start(ctx); err != nil {
			return r, err
		}
	}
	if err := s.waitDone(ctx); err != nil {
		return r, err
	}
	r.drain = time.Since(drainStart)
	r.donePerSec = float64(n) / r.drain.Seconds()
	if live {
		r.latency, err = s.latencies(ctx)
	}
	return r, err
}

func newStack(ctx context.Context, engine, baseURL string, workers int) (*stack, error) {
	dir, err := os.MkdirTemp("", "idgate-bench-laboremus-")
	if err != nil {
		return nil, err
	}
	cleanups := []func(){func() { os.RemoveAll(dir) }}
	s := &stack{cleanup: func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}}
	fail := func(err error) (*stack, error) { s.cleanup(); return nil, err }
	dsn := "sqlite://" + filepath.Join(dir, "idgate.db")
	if engine == "postgres" {
		dsn, err = freshSchema(baseURL, &cleanups)
		if err != nil {
			return fail(err)
		}
	}
	key := make([]byte, pii.KeySize)
	rand.Read(key)
	sealer, err := pii.NewSealer(map[string][]byte{"bench": key}, "bench")
	if err != nil {
		return fail(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	s.st, err = sqlstore.Open(ctx, sqlstore.Options{URL: dsn, Sealer: sealer, Logger: quiet})
	if err != nil {
		return fail(err)
	}
	cleanups = append(cleanups, func() { s.st.Close() })
	a, err := auth.New(s.st, auth.Config{Issuer: "bench", Audience: "bench"})
	if err != nil {
		return fail(err)
	}
	if err := seed(ctx, s, a); err != nil {
		return fail(err)
	}
	svc := &verify.Service{Store: s.st, Source: registry.NewLocal(s.st, nil)}
	s.runner, err = jobs.New(ctx, s.st, svc, jobs.Config{VerifyWorkers: workers, Logger: quiet})
	if err != nil {
		return fail(err)
	}
	cleanups = append(cleanups, func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s.runner.Stop(stopCtx)
	})
	mux := http.NewServeMux()
	laboremus.Register(mux, &laboremus.Handler{Submitter: s.runner, Verifications: svc, Auth: a, Logger: quiet})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	cleanups = append(cleanups, func() { s.srv.Close() })
	s.base = "http://" + ln.Addr().String()
	return s, nil
}

// freshSchema creates a schema for one run and returns a URL selecting it.
func freshSchema(base string, cleanups *[]func()) (string, error) {
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	schema := "bench_" + strings.ToLower(rand.Text()[:10])
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		db.Close()
		return "", fmt.Errorf("create schema: %w", err)
	}
	*cleanups = append(*cleanups, func() {
		db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// seed makes a sandbox tenant with an API key and a subscription key, and
// one NIRA record every request matches.
func seed(ctx context.Context, s *stack, a *auth.Authenticator) error {
	tn := &idgate.Tenant{ID: idgate.NewID(), Name: "bench", Sandbox: true}
	if err := s.st.CreateTenant(ctx, tn, nil); err != nil {
		return err
	}
	s.tenant = tn.ID
	_, apiKey, err := auth.CreateCredential(ctx, s.st, tn.ID, idgate.APIKey, "bench", idgate.User{ID: "bench"}, "bench")
	if err != nil {
		return err
	}
	_, subKey, err := auth.CreateCredential(ctx, s.st, tn.ID, idgate.SubscriptionKey, "bench", idgate.User{ID: "bench"}, "bench")
	if err != nil {
		return err
	}
	s.headers = http.Header{"Authorization": {"Bearer " + apiKey}, "Ocp-Apim-Subscription-Key": {subKey}, "Content-Type": {"application/json"}}
	rec := &idgate.Record{Country: idgate.Uganda, IDType: idgate.NIN, Number: "CF12345678901A",
		FirstNames: "Grace", LastName: "Akello", BirthDate: "1990-04-12",
		UG: &idgate.UGPerson{CardNumber: "001234567", CardStatus: "Valid", NINStatus: "Active"}}
	_, err = s.st.PutRecords(ctx, []*idgate.Record{rec})
	return err
}

var body = []byte(`{"surname":"Akello","givenNames":"Grace","nin":"CF12345678901A","cardNumber":"001234567","dateOfBirth":"1990-04-12"}`)

// create POSTs n requests with conc keep-alive clients and returns each
// request's latency, sorted.
func (s *stack) create(ctx context.Context, n, conc int) ([]time.Duration, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc}, Timeout: time.Minute}
	var next atomic.Int64
	lat := make([]time.Duration, n)
	var firstErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				start := time.Now()
				err := s.post(ctx, client)
				lat[i] = time.Since(start)
				if err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat, ctx.Err()
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func (s *stack) post(ctx context.Context, client *http.Client) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/idv/api/requests?v=2.0", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = s.headers.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated || out["requestStatus"] != "Pending" {
		return fmt.Errorf("create: %d %v", resp.StatusCode, out)
	}
	return nil
}

// waitDone polls until no request is Pending.
func (s *stack) waitDone(ctx context.Context) error {
	q := `SELECT COUNT(*) FROM verifications WHERE status = 'pending'`
	for {
		var pending int
		if err := s.st.DB().QueryRowContext(ctx, q).Scan(&pending); err != nil {
			return fmt.Errorf("count pending: %w", err)
		}
		if pending == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d requests still pending: %w", pending, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	var failed int
	if err := s.st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM verifications WHERE status <> 'completed'`).Scan(&failed); err != nil {
		return err
	}
	if failed > 0 {
		return errors.New("some requests did not complete")
	}
	return nil
}

// latencies are the creation-to-Completed times of every request, sorted.
func (s *stack) latencies(ctx context.Context) ([]time.Duration, error) {
	rows, err := s.st.DB().QueryContext(ctx, `SELECT updated_at - created_at FROM verifications`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var ns int64
		if err := rows.Scan(&ns); err != nil {
			return nil, err
		}
		out = append(out, time.Duration(ns))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, rows.Err()
}
