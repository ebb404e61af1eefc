// Package exchangetest runs golden HTTP exchanges: each file under a
// testdata folder holds one request and the response expected for it, so a
// dialect's wire format is pinned field by field and reviewed as text.
//
// File format:
//
//	# comments
//	POST /Citizen/RSAIDVerification
//	Authorization: Bearer {{key}}
//
//	{"ConsentReceived": true, ...}
//	=== response
//	200
//	{"title": "Citizen Api Output", ...}
//
// {{name}} in the request is replaced from Vars. Volatile response values
// (ids, times, images) are replaced by placeholders before comparing, by
// key name (Volatile). Run `go test -update` to rewrite the expected
// responses from the actual ones, then review the diff.
package exchangetest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden exchange responses")

const separator = "=== response"

// Runner runs the exchanges of one folder against a handler.
type Runner struct {
	Handler http.Handler
	Vars    map[string]string
	// Volatile maps a JSON key to the placeholder its value is replaced
	// with, e.g. {"TrackingNumber": "<uuid>"}.
	Volatile map[string]string
}

// Run runs every *.txt file in dir as a subtest, in name order.
func (r Runner) Run(t *testing.T, dir string) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no exchanges in %s (%v)", dir, err)
	}
	sort.Strings(files)
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) { r.runFile(t, f) })
	}
}

func (r Runner) runFile(t *testing.T, path string) {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	reqText, wantText, ok := strings.Cut(string(raw), separator+"\n")
	if !ok {
		t.Fatalf("%s: no %q line", path, separator)
	}
	req, err := r.parseRequest(reqText)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	rec := httptest.NewRecorder()
	r.Handler.ServeHTTP(rec, req)
	got := fmt.Sprintf("%d\n%s", rec.Code, r.normalize(t, rec.Body.Bytes()))
	if *update {
		if err := os.WriteFile(path, []byte(reqText+separator+"\n"+got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want := strings.TrimSpace(wantText); strings.TrimSpace(got) != want {
		t.Errorf("%s: response differs\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// parseRequest reads the request line, headers, a blank line and the body.
func (r Runner) parseRequest(text string) (*http.Request, error) {
	for k, v := range r.Vars {
		text = strings.ReplaceAll(text, "{{"+k+"}}", v)
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var lines []string
	for sc.Scan() {
		line := sc.Text()
		if len(lines) == 0 && (strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "") {
			continue
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("empty request")
	}
	method, target, ok := strings.Cut(lines[0], " ")
	if !ok {
		return nil, fmt.Errorf("request line %q is not METHOD PATH", lines[0])
	}
	headers := http.Header{}
	i := 1
	for ; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
		k, v, ok := strings.Cut(lines[i], ":")
		if !ok {
			return nil, fmt.Errorf("header line %q has no colon", lines[i])
		}
		headers.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	body := strings.TrimSpace(strings.Join(lines[min(i+1, len(lines)):], "\n"))
	req := httptest.NewRequest(method, target, io.NopCloser(strings.NewReader(body)))
	req.Header = headers
	if body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// normalize pretty-prints a JSON body with volatile values replaced.
func (r Runner) normalize(t *testing.T, body []byte) string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return string(body)
	}
	v = r.replace(v)
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func (r Runner) replace(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if ph, ok := r.Volatile[k]; ok && val != nil {
				if s, isStr := val.(string); isStr && ph == "<len>" {
					x[k] = "<" + strconv.Itoa(len(s)) + " chars>"
				} else {
					x[k] = ph
				}
				continue
			}
			x[k] = r.replace(val)
		}
	case []any:
		for i := range x {
			x[i] = r.replace(x[i])
		}
	}
	return v
}

// JSONType names the JSON type of a value decoded into any ("null",
// "boolean", "number", "string", "array", "object"), as the vendor pages
// name their field types; dialect tests compare fields with it.
func JSONType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64, json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}
