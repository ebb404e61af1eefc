package openapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/app"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/openapi/openapitest"
	"github.com/idgate/idgate/internal/sandbox"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

// server is the real wired app behind a validating recorder.
type server struct {
	app *app.App
	rec *openapitest.Recorder
	v   *openapitest.Validator
}

func newServer(t *testing.T, cfg app.Config) *server {
	t.Helper()
	cfg.Sandbox = true
	a, err := app.New(context.Background(), sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t)), cfg)
	if err != nil {
		t.Fatalf("wire app: %v", err)
	}
	v, err := openapitest.New()
	if err != nil {
		t.Fatal(err)
	}
	return &server{app: a, v: v, rec: openapitest.NewRecorder(t, v, a.Handler)}
}

// call sends one request through the validating recorder.
func (s *server) call(t *testing.T, method, target string, headers map[string]string, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.rec.ServeHTTP(rec, req)
	return rec
}

func (s *server) bearer() map[string]string {
	return map[string]string{"Authorization": "Bearer " + s.app.SandboxKey}
}

func (s *server) mounted(pattern string) bool {
	return slices.Contains(s.app.API.Patterns(), pattern)
}

// TestEveryRouteIsDocumented walks every pattern the wired server
// registers and requires an operation for it, and the reverse: every
// operation must be served.
func TestEveryRouteIsDocumented(t *testing.T) {
	s := newServer(t, app.Config{})
	doc := s.v.Document()
	fallbacks := map[string]bool{}
	for p := range doc["x-idgate-fallbacks"].(map[string]any)["patterns"].(map[string]any) {
		fallbacks[p] = true
	}
	var notAPI []string
	for _, p := range doc["x-idgate-not-api"].(map[string]any)["prefixes"].([]any) {
		notAPI = append(notAPI, p.(string))
	}
	served := map[string]bool{}
	for _, pattern := range s.app.API.Patterns() {
		method, path := openapitest.PathOf(pattern)
		if slices.ContainsFunc(notAPI, func(prefix string) bool { return path == prefix || strings.HasPrefix(path, prefix+"/") }) {
			continue
		}
		if method == "" {
			if !fallbacks[pattern] {
				t.Errorf("pattern %q has no method and is not listed in x-idgate-fallbacks", pattern)
			}
			continue
		}
		served[method+" "+path] = true
		if s.v.Operation(pattern) == nil {
			t.Errorf("route %q is served but not in openapi.json", pattern)
		}
	}
	for path, item := range doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			if !served[method+" "+path] {
				t.Errorf("openapi.json documents %s %s, which the server does not serve", strings.ToUpper(method), path)
			}
		}
	}
	if len(served) < 15 {
		t.Fatalf("only %d routes found: Patterns is not reporting the server's routes", len(served))
	}
}

// TestExamplesAreAccepted sends every request example in the document to
// the server: the example must validate against its own schema and be
// answered with a documented success.
func TestExamplesAreAccepted(t *testing.T) {
	s := newServer(t, app.Config{})
	paths := s.v.Document()["paths"].(map[string]any)
	examples := 0
	for path, item := range paths {
		for method, opv := range item.(map[string]any) {
			op := opv.(map[string]any)
			rb, ok := op["requestBody"].(map[string]any)
			if !ok {
				continue
			}
			for mt, m := range rb["content"].(map[string]any) {
				ex, ok := m.(map[string]any)["example"]
				if !ok {
					continue
				}
				examples++
				body, _ := json.Marshal(ex)
				pattern := strings.ToUpper(method) + " " + path
				if err := s.v.CheckRequestBody(pattern, mt, body); err != nil {
					t.Errorf("%s: example does not match its schema: %v", pattern, err)
				}
				if !s.mounted(pattern) {
					continue // reported by TestEveryRouteIsDocumented
				}
				target := path
				params, _ := op["parameters"].([]any)
				for _, prm := range params {
					if prm.(map[string]any)["$ref"] == "#/components/parameters/LaboremusApiVersion" {
						target += "?api-version=2.0"
					}
				}
				rec := s.call(t, strings.ToUpper(method), target, authFor(t, s, op), string(body))
				if rec.Code >= 300 {
					t.Errorf("%s: example answered %d: %s", pattern, rec.Code, rec.Body)
				}
			}
		}
	}
	if examples < 5 {
		t.Fatalf("only %d request examples in the document", examples)
	}
}

// authFor returns the headers that satisfy an operation's first security
// requirement with the sandbox key.
func authFor(t *testing.T, s *server, op map[string]any) map[string]string {
	h := map[string]string{}
	reqs, _ := op["security"].([]any)
	if len(reqs) == 0 {
		return h
	}
	for scheme := range reqs[0].(map[string]any) {
		switch scheme {
		case "bearerAuth", "oauth2":
			h["Authorization"] = "Bearer " + s.app.SandboxKey
		case "youverifyToken":
			h["token"] = s.app.SandboxKey
		case "subscriptionKey":
			_, key, err := auth.CreateCredential(context.Background(), s.app.Store, s.app.Sandbox.ID, idgate.SubscriptionKey,
				"example", idgate.User{ID: "u5"}, "test")
			if err != nil {
				t.Fatal(err)
			}
			h["Ocp-Apim-Subscription-Key"] = key
		}
	}
	return h
}

// TestSecureCitizenExchanges replays every SecureCitizen golden request
// (success and error cases) and validates the real responses.
func TestSecureCitizenExchanges(t *testing.T) {
	s := newServer(t, app.Config{})
	files, err := filepath.Glob("../dialect/securecitizen/testdata/exchanges/*.txt")
	if err != nil || len(files) < 20 {
		t.Fatalf("SecureCitizen exchanges: %d files (%v)", len(files), err)
	}
	statuses := map[int]bool{}
	for _, f := range files {
		req := readExchangeRequest(t, f, map[string]string{"key": s.app.SandboxKey})
		rec := httptest.NewRecorder()
		s.rec.ServeHTTP(rec, req)
		statuses[rec.Code] = true
	}
	for _, want := range []int{200, 400, 401, 404, 504} {
		if !statuses[want] {
			t.Errorf("no exchange answered %d; statuses seen: %v", want, statuses)
		}
	}
	if n := len(s.rec.Seen()); n != len(files) {
		t.Errorf("%d of %d exchanges were checked", n, len(files))
	}
}

// responseMarker separates request and response in the golden files
// ("=== response" in exchangetest's, "==== response" in Youverify's).
var responseMarker = regexp.MustCompile(`\n=+ response\n`)

// readExchangeRequest reads the request half of a golden exchange file
// (see internal/exchangetest for the format).
func readExchangeRequest(t *testing.T, path string, vars map[string]string) *http.Request {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := responseMarker.Split(string(raw), 2)[0]
	for k, v := range vars {
		text = strings.ReplaceAll(text, "{{"+k+"}}", v)
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	var lines []string
	for sc.Scan() {
		if len(lines) == 0 && (strings.HasPrefix(sc.Text(), "#") || strings.TrimSpace(sc.Text()) == "") {
			continue
		}
		lines = append(lines, sc.Text())
	}
	method, target, _ := strings.Cut(lines[0], " ")
	i := 1
	header := http.Header{}
	for ; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
		k, v, _ := strings.Cut(lines[i], ":")
		header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	body := strings.TrimSpace(strings.Join(lines[min(i+1, len(lines)):], "\n"))
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header = header
	if body != "" && header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// TestNativeAPIResponses drives the native API through its lifecycle and
// its error answers; every response is validated.
func TestNativeAPIResponses(t *testing.T) {
	s := newServer(t, app.Config{MaxBody: 64 << 10})
	key := s.bearer()
	want := func(rec *httptest.ResponseRecorder, status int) map[string]any {
		t.Helper()
		if rec.Code != status {
			t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
		}
		var out map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		return out
	}
	create := `{"country":"ZA","idType":"national-id","number":"8507145123085","consent":true,"reason":"onboarding",
		"subject":{"firstNames":"Thabo","lastName":"Mokoena","birthDate":"1985-07-14"},"checks":{"names":true,"fraud":true,"photo":true},"clientRef":"c-1"}`
	v := want(s.call(t, "POST", "/v1/verifications", key, create), 201)
	id, _ := v["id"].(string)
	want(s.call(t, "GET", "/v1/verifications/"+id, key, ""), 200)
	want(s.call(t, "GET", "/v1/verifications?limit=1&country=ZA", key, ""), 200)
	want(s.call(t, "GET", "/v1/verifications", key, ""), 200)

	// Other outcomes: not on the register, register down with a cache.
	for _, number := range sandboxNumbers(t, s) {
		body := fmt.Sprintf(`{"country":"ZA","idType":"national-id","number":%q,"consent":true,"reason":"r","subject":{"firstNames":"A","lastName":"B"},"cache":{"allow":true},"checks":{"fraud":true}}`, number)
		s.call(t, "POST", "/v1/verifications", key, body)
	}

	// Error answers.
	want(s.call(t, "POST", "/v1/verifications", nil, create), 401)
	want(s.call(t, "POST", "/v1/verifications", map[string]string{"Authorization": "Bearer idg_test_nope"}, create), 401)
	want(s.call(t, "POST", "/v1/verifications", key, `{"country":`), 400)
	want(s.call(t, "POST", "/v1/verifications", key, `{"country":"ZA","colour":"blue"}`), 400)
	want(s.call(t, "POST", "/v1/verifications", key, `{"country":"ZA","idType":"national-id","number":"8507145123086","consent":true,"reason":"r"}`), 400)
	want(s.call(t, "POST", "/v1/verifications", key, `{"selfie":"`+strings.Repeat("A", 70<<10)+`"}`), 413)
	want(s.call(t, "POST", "/v1/verifications", key, strings.Replace(create, `"checks":{`, `"selfie":"aGVsbG8=","checks":{"face":true,`, 1)), 501)
	want(s.call(t, "GET", "/v1/verifications/"+idgate.NewID(), key, ""), 404)
	want(s.call(t, "GET", "/v1/verifications?limit=1000", key, ""), 400)
	want(s.call(t, "GET", "/v1/verifications?colour=blue", key, ""), 400)
	want(s.call(t, "GET", "/v1/no-such-thing", key, ""), 404)
	idem := map[string]string{"Authorization": key["Authorization"], "Idempotency-Key": "k-1"}
	want(s.call(t, "POST", "/v1/verifications", idem, create), 201)
	want(s.call(t, "POST", "/v1/verifications", idem, strings.Replace(create, "c-1", "c-2", 1)), 409)

	// Fraud listings, registries, health, the description itself.
	listing := `{"idNumber":"8001015009087","firstName":"John","surname":"Doe","birthDate":"1980-01-01","referenceNo":"SH00000001","category":"Impersonation","reason":"r"}`
	want(s.call(t, "POST", "/v1/fraud-listings", key, listing), 201)
	want(s.call(t, "POST", "/v1/fraud-listings", key, strings.Replace(listing, "SH00000001", "XX1", 1)), 400)
	want(s.call(t, "GET", "/v1/fraud-listings", key, ""), 200)
	want(s.call(t, "GET", "/v1/registries", key, ""), 200)
	want(s.call(t, "GET", "/healthz", nil, ""), 200)
	want(s.call(t, "GET", "/readyz", nil, ""), 200)
	want(s.call(t, "GET", "/openapi.json", nil, ""), 200)
	for _, path := range []string{"/docs", "/metrics"} {
		if rec := s.call(t, "GET", path, nil, ""); rec.Code != 200 {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
	}

	// The token endpoint and a JWT on the native API.
	tokenBody := s.oauthClient(t)
	rec := s.form(t, "/oauth/token", tokenBody)
	tok := want(rec, 200)
	want(s.call(t, "GET", "/v1/verifications", map[string]string{"Authorization": "Bearer " + tok["access_token"].(string)}, ""), 200)
	bad := url.Values{"grant_type": {"client_credentials"}, "client_id": {tokenBody.Get("client_id")}, "client_secret": {"wrong"}}
	want(s.form(t, "/oauth/token", bad), 401)
	want(s.form(t, "/connect/token", url.Values{"grant_type": {"password"}}), 400)

	seen := map[string]bool{}
	for _, x := range s.rec.Seen() {
		seen[fmt.Sprintf("%s %d", x.Pattern, x.Status)] = true
	}
	for _, must := range []string{"POST /v1/verifications 201", "GET /v1/verifications/{id} 200", "GET /v1/verifications 200",
		"POST /v1/verifications 400", "POST /v1/verifications 401", "GET /v1/verifications/{id} 404", "POST /oauth/token 200", "/v1/ 404"} {
		if !seen[must] {
			t.Errorf("exchange %q was not checked", must)
		}
	}
}

// sandboxNumbers returns the sandbox's South African ID numbers, which
// play the register's cases (not found, deleted, down, photo only…).
func sandboxNumbers(t *testing.T, s *server) []string {
	t.Helper()
	var out []string
	for _, id := range sandbox.Identities(time.Now()) {
		if id.Country == idgate.SouthAfrica && id.IDType == idgate.NationalID {
			out = append(out, id.Number)
		}
	}
	if len(out) < 5 {
		t.Fatalf("only %d South African sandbox identities", len(out))
	}
	return out
}

func (s *server) oauthClient(t *testing.T) url.Values {
	t.Helper()
	cred, secret, err := auth.CreateCredential(context.Background(), s.app.Store, s.app.Sandbox.ID, idgate.OAuthClient,
		"openapi test", idgate.User{ID: "u1", FirstName: "API", LastName: "User"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {cred.ID}, "client_secret": {secret}}
}

func (s *server) form(t *testing.T, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	s.rec.ServeHTTP(rec, req)
	return rec
}

// TestValidatorRejects proves the checks can fail: a missing field, an
// extra field, a wrong type, an undocumented status and media type.
func TestValidatorRejects(t *testing.T) {
	v, err := openapitest.New()
	if err != nil {
		t.Fatal(err)
	}
	ok := `{"id":"0b6f1d2e-5c1a-4c3e-9a59-6d1f2f0c0001","status":"completed","dialect":"native","country":"ZA","idType":"national-id",
		"number":"8507145123085","cached":false,"price":0,"createdAt":"2026-11-23T12:00:00Z","updatedAt":"2026-11-23T12:00:00Z"}`
	jsonHeader := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	if err := v.CheckResponse("GET /v1/verifications/{id}", 200, jsonHeader, []byte(ok)); err != nil {
		t.Fatalf("a valid verification was refused: %v", err)
	}
	cases := map[string]struct {
		status int
		header http.Header
		body   string
	}{
		"missing field":   {200, jsonHeader, strings.Replace(ok, `"cached":false,`, "", 1)},
		"extra field":     {200, jsonHeader, strings.Replace(ok, `"cached":false,`, `"cached":false,"Cached":true,`, 1)},
		"wrong type":      {200, jsonHeader, strings.Replace(ok, `"price":0`, `"price":"0"`, 1)},
		"bad enum":        {200, jsonHeader, strings.Replace(ok, `"completed"`, `"done"`, 1)},
		"bad format":      {200, jsonHeader, strings.Replace(ok, `"2026-11-23T12:00:00Z"`, `"yesterday"`, 1)},
		"undocumented":    {418, jsonHeader, ok},
		"wrong media":     {200, http.Header{"Content-Type": {"text/html"}}, ok},
		"not json":        {200, jsonHeader, ok + "}"},
		"problem as json": {404, jsonHeader, `{"type":"x","title":"Not Found","status":404}`},
	}
	for name, c := range cases {
		if err := v.CheckResponse("GET /v1/verifications/{id}", c.status, c.header, []byte(c.body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := v.CheckResponse("GET /v1/nothing", 200, jsonHeader, []byte(ok)); err == nil {
		t.Error("an undocumented route was accepted")
	}
}

// TestDocsPage checks that the reference page shows every operation and
// schema, and loads nothing from elsewhere.
func TestDocsPage(t *testing.T) {
	s := newServer(t, app.Config{})
	rec := s.call(t, "GET", "/docs", nil, "")
	page := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /docs: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	doc := s.v.Document()
	for _, section := range []string{"paths", "webhooks"} {
		for path, item := range doc[section].(map[string]any) {
			for method, op := range item.(map[string]any) {
				id := op.(map[string]any)["operationId"].(string)
				if !strings.Contains(page, `id="op-`+id+`"`) {
					t.Errorf("%s %s (%s) is not on the page", method, path, id)
				}
			}
		}
	}
	for name := range doc["components"].(map[string]any)["schemas"].(map[string]any) {
		if !strings.Contains(page, `id="schema-`+name+`"`) {
			t.Errorf("schema %s is not on the page", name)
		}
	}
	for _, must := range []string{"Ocp-Apim-Subscription-Key", "/oauth/token", "FirstNameResult", "firstNameResult", "statusCode", "traceId"} {
		if !strings.Contains(page, must) {
			t.Errorf("page does not mention %s", must)
		}
	}
	for _, banned := range []string{"<script", `src="http`, `href="http`, "@import", "url("} {
		if strings.Contains(page, banned) {
			t.Errorf("page contains %q: it must work offline with no external resources", banned)
		}
	}
}

// TestDocumentIsWellFormed lints what a JSON Schema validator would not:
// unknown (misspelt) schema keywords, missing operation ids, undefined
// tags and security schemes, and every schema compiles.
func TestDocumentIsWellFormed(t *testing.T) {
	v, err := openapitest.New()
	if err != nil {
		t.Fatal(err)
	}
	doc := v.Document()
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v", doc["openapi"])
	}
	comps := doc["components"].(map[string]any)
	schemes := comps["securitySchemes"].(map[string]any)
	tags := map[string]bool{}
	for _, tg := range doc["tags"].([]any) {
		tags[tg.(map[string]any)["name"].(string)] = true
	}
	ids := map[string]bool{}
	operations := map[string]any{}
	for path, item := range doc["paths"].(map[string]any) {
		operations[path] = item
	}
	for name, item := range doc["webhooks"].(map[string]any) {
		operations["webhook "+name] = item
	}
	for path, item := range operations {
		for method, opv := range item.(map[string]any) {
			op := opv.(map[string]any)
			where := strings.ToUpper(method) + " " + path
			id, _ := op["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s: operationId %q missing or repeated", where, id)
			}
			ids[id] = true
			for _, tg := range op["tags"].([]any) {
				if !tags[tg.(string)] {
					t.Errorf("%s: tag %v is not declared", where, tg)
				}
			}
			if rb, ok := op["requestBody"].(map[string]any); ok && !strings.HasPrefix(path, "webhook ") {
				if m, ok := rb["content"].(map[string]any)["application/json"].(map[string]any); ok && m["example"] == nil {
					t.Errorf("%s: the JSON request body has no example (the docs page's curl command needs one)", where)
				}
			}
			sec, ok := op["security"].([]any)
			if !ok && !strings.HasPrefix(path, "webhook ") {
				t.Errorf("%s: no security requirement (use [] for none)", where)
			}
			for _, req := range sec {
				for name := range req.(map[string]any) {
					if schemes[name] == nil {
						t.Errorf("%s: security scheme %s is not declared", where, name)
					}
				}
			}
		}
	}
	for name, sch := range comps["schemas"].(map[string]any) {
		lintSchema(t, "#/components/schemas/"+name, sch)
		if err := v.CheckValue("#/components/schemas/"+name, nil); err != nil && strings.Contains(err.Error(), "compile") {
			t.Errorf("%s: %v", name, err)
		}
	}
	var walk func(where string, x any)
	walk = func(where string, x any) {
		switch x := x.(type) {
		case map[string]any:
			for k, val := range x {
				if k == "schema" {
					lintSchema(t, where+"/schema", val)
					continue
				}
				walk(where+"/"+k, val)
			}
		case []any:
			for i, val := range x {
				walk(fmt.Sprintf("%s/%d", where, i), val)
			}
		}
	}
	walk("#/paths", doc["paths"])
	walk("#/webhooks", doc["webhooks"])
	walk("#/components/responses", comps["responses"])
}

var schemaKeywords = map[string]bool{
	"$ref": true, "type": true, "description": true, "properties": true, "required": true,
	"additionalProperties": true, "items": true, "enum": true, "const": true, "format": true,
	"oneOf": true, "allOf": true, "anyOf": true, "minimum": true, "maximum": true, "maxLength": true,
	"pattern": true, "maxItems": true, "maxProperties": true, "minItems": true, "contentEncoding": true, "default": true,
}

func lintSchema(t *testing.T, where string, x any) {
	t.Helper()
	m, ok := x.(map[string]any)
	if !ok {
		return
	}
	for k, val := range m {
		if !schemaKeywords[k] {
			t.Errorf("%s: unknown schema keyword %q", where, k)
		}
		switch k {
		case "properties":
			for name, sub := range val.(map[string]any) {
				lintSchema(t, where+"/properties/"+name, sub)
			}
		case "items", "additionalProperties":
			lintSchema(t, where+"/"+k, val)
		case "oneOf", "allOf", "anyOf":
			for i, sub := range val.([]any) {
				lintSchema(t, fmt.Sprintf("%s/%s/%d", where, k, i), sub)
			}
		case "required":
			props, _ := m["properties"].(map[string]any)
			for _, r := range val.([]any) {
				if _, ok := props[r.(string)]; !ok && m["allOf"] == nil {
					t.Errorf("%s: required %q is not a property", where, r)
				}
			}
		}
	}
}

// TestCurlExamplesRun runs the page's "Try it" commands with curl against
// a live server on loopback: each one that needs no placeholder filled in
// must succeed, so the commands people copy cannot rot.
func TestCurlExamplesRun(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	s := newServer(t, app.Config{})
	live := httptest.NewServer(s.rec)
	defer live.Close()
	ctx := context.Background()
	_, subKey, err := auth.CreateCredential(ctx, s.app.Store, s.app.Sandbox.ID, idgate.SubscriptionKey, "curl", idgate.User{ID: "u4"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	client := s.oauthClient(t)
	env := append(os.Environ(), "IDGATE_URL="+live.URL, "IDGATE_KEY="+s.app.SandboxKey, "IDGATE_SUBSCRIPTION_KEY="+subKey,
		"IDGATE_CLIENT_ID="+client.Get("client_id"), "IDGATE_CLIENT_SECRET="+client.Get("client_secret"))

	page := s.call(t, "GET", "/docs", nil, "").Body.String()
	blocks := regexp.MustCompile(`(?s)<h4>Try it</h4><pre>(.*?)</pre>`).FindAllStringSubmatch(page, -1)
	ran := 0
	for _, b := range blocks {
		command := html.UnescapeString(b[1])
		if strings.Contains(command, "<") {
			continue // a path parameter to fill in
		}
		ran++
		cmd := exec.Command("sh", "-c", command+` -sS -o /dev/null -w '%{http_code}'`)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if code := strings.TrimSpace(string(out)); err != nil || len(code) != 3 || code[0] != '2' {
			t.Errorf("%s\n→ %s (%v)", command, out, err)
		}
	}
	if ran < 15 {
		t.Errorf("only %d of %d commands ran", ran, len(blocks))
	}
}
