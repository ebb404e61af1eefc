// Command load is idgate's HTTP load generator: closed-loop workers send
// the same request over keep-alive connections for a fixed time and report
// requests per second and latency percentiles. It is deliberately simple so
// that the idgate run and the ceiling run (a trivial net/http handler,
// bench/ceiling) are measured the same way on the same machine.
//
//	go run ./bench/load -url http://127.0.0.1:8080/Citizen/RSAIDVerification \
//	    -header "Authorization: Bearer $KEY" -body @bench/rsaid.json -c 32 -d 20s
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type headers []string

func (h *headers) String() string     { return strings.Join(*h, ", ") }
func (h *headers) Set(v string) error { *h = append(*h, v); return nil }

// Result is one run's figures, printed as JSON.
type Result struct {
	Label      string  `json:"label"`
	Requests   int64   `json:"requests"`
	Errors     int64   `json:"errors"` // transport errors and unexpected statuses
	Seconds    float64 `json:"seconds"`
	RPS        float64 `json:"rps"`
	P50ms      float64 `json:"p50_ms"`
	P90ms      float64 `json:"p90_ms"`
	P99ms      float64 `json:"p99_ms"`
	MaxMs      float64 `json:"max_ms"`
	Concurrent int     `json:"concurrency"`
}

func main() {
	url := flag.String("url", "", "target URL")
	method := flag.String("method", "POST", "HTTP method")
	body := flag.String("body", "", "request body, or @file")
	var hs headers
	flag.Var(&hs, "header", "request header 'Name: value' (repeatable)")
	conc := flag.Int("c", 32, "concurrent workers (connections)")
	dur := flag.Duration("d", 20*time.Second, "measured duration")
	warm := flag.Duration("warmup", 3*time.Second, "unmeasured warm-up")
	status := flag.Int("status", 200, "expected status")
	label := flag.String("label", "", "label for the result")
	flag.Parse()
	if *url == "" {
		fmt.Fprintln(os.Stderr, "load: -url is required")
		os.Exit(2)
	}
	payload, err := readBody(*body)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	res, err := run(*url, *method, payload, hs, *conc, *warm, *dur, *status)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	res.Label = *label
	json.NewEncoder(os.Stdout).Encode(res)
}

func readBody(b string) ([]byte, error) {
	if strings.HasPrefix(b, "@") {
		return os.ReadFile(b[1:])
	}
	return []byte(b), nil
}

func run(url, method string, payload []byte, hs headers, conc int, warm, dur time.Duration, wantStatus int) (*Result, error) {
	tr := &http.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	newReq := func() (*http.Request, error) {
		req, err := http.NewRequest(method, url, bytes.NewReader(payload))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		for _, h := range hs {
			k, v, _ := strings.Cut(h, ":")
			req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
		}
		return req, nil
	}
	if _, err := newReq(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), warm+dur)
	defer cancel()
	measureFrom := time.Now().Add(warm)
	var errs, firstErr atomic.Int64
	var firstErrMsg atomic.Value
	lat := make([][]time.Duration, conc)
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for ctx.Err() == nil {
				req, _ := newReq()
				start := time.Now()
				resp, err := client.Do(req.WithContext(ctx))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				el := time.Since(start)
				if ctx.Err() != nil {
					return
				}
				if start.Before(measureFrom) {
					continue
				}
				if err != nil || resp.StatusCode != wantStatus {
					errs.Add(1)
					if firstErr.Add(1) == 1 {
						msg := fmt.Sprint(err)
						if err == nil {
							msg = resp.Status
						}
						firstErrMsg.Store(msg)
					}
					continue
				}
				lat[w] = append(lat[w], el)
			}
		}(w)
	}
	wg.Wait()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("no successful request (first error: %v)", firstErrMsg.Load())
	}
	if m := firstErrMsg.Load(); m != nil {
		fmt.Fprintf(os.Stderr, "load: %d errors, first: %v\n", errs.Load(), m)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) float64 {
		return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000
	}
	secs := dur.Seconds()
	return &Result{
		Requests: int64(len(all)), Errors: errs.Load(), Seconds: secs, RPS: float64(len(all)) / secs,
		P50ms: pct(0.50), P90ms: pct(0.90), P99ms: pct(0.99), MaxMs: pct(1), Concurrent: conc,
	}, nil
}
