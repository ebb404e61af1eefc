// Package openapitest checks HTTP exchanges against idgate's OpenAPI
// document, so tests anywhere can prove that what the server really sends
// is what the document promises.
//
// Schemas are validated with santhosh-tekuri/jsonschema (JSON Schema
// 2020-12, the dialect of OpenAPI 3.1), with format assertions on, over the
// embedded document: a $ref resolves within it and nothing is fetched.
// The validator lives here, not in package openapi, so that the server
// binary does not link it.
package openapitest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/idgate/idgate/internal/openapi"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// documentURL names the document inside the compiler. It is never fetched:
// the document is added as a resource under this name, and the loader
// refuses every other URL.
const documentURL = "https://idgate.invalid/openapi.json"

// Validator checks requests and responses against the document.
type Validator struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	mu       sync.Mutex
	compiled map[string]*jsonschema.Schema
}

// New returns a validator over the embedded document.
func New() (*Validator, error) {
	return NewFromDocument(openapi.Document())
}

// NewFromDocument returns a validator over doc (tests of the validator
// itself use small documents).
func NewFromDocument(doc []byte) (*Validator, error) {
	parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("decode openapi document: %w", err)
	}
	m, ok := parsed.(map[string]any)
	if !ok {
		return nil, errors.New("openapi document is not a JSON object")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseLoader(refuseLoader{})
	if err := c.AddResource(documentURL, parsed); err != nil {
		return nil, fmt.Errorf("add openapi document: %w", err)
	}
	return &Validator{doc: m, compiler: c, compiled: map[string]*jsonschema.Schema{}}, nil
}

type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("refusing to load %s: only the embedded document is used", url)
}

// Document returns the parsed document (numbers as json.Number).
func (v *Validator) Document() map[string]any { return v.doc }

// PathOf returns the method and OpenAPI path of a ServeMux pattern:
// "GET /v1/verifications/{id}" → "get", "/v1/verifications/{id}". A
// pattern without a method returns method "".
func PathOf(pattern string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "", pattern
	}
	path = strings.ReplaceAll(path, "...}", "}")
	path = strings.TrimSuffix(path, "{$}")
	return strings.ToLower(method), path
}

// Operation returns the operation object for a pattern, or nil.
func (v *Validator) Operation(pattern string) map[string]any {
	method, path := PathOf(pattern)
	paths, _ := v.doc["paths"].(map[string]any)
	item, _ := paths[path].(map[string]any)
	op, _ := item[method].(map[string]any)
	return op
}

// CheckResponse validates a response to the route pattern: the status must
// be documented, the media type must be one the document lists for it, and
// a JSON body must validate against that media type's schema. A fallback
// pattern (no method, listed in x-idgate-fallbacks) must answer 404 in its
// surface's envelope.
func (v *Validator) CheckResponse(pattern string, status int, header http.Header, body []byte) error {
	method, path := PathOf(pattern)
	key := strconv.Itoa(status)
	var resp map[string]any
	var pointer string
	if method == "" {
		// A fallback: its one answer is a 404 in the response named by
		// x-idgate-fallbacks.
		fallbacks, _ := v.doc["x-idgate-fallbacks"].(map[string]any)
		patterns, _ := fallbacks["patterns"].(map[string]any)
		ref, ok := patterns[pattern].(string)
		if !ok {
			return fmt.Errorf("%s: not an operation nor a documented fallback", pattern)
		}
		if status != http.StatusNotFound {
			return fmt.Errorf("%s: fallback answered %d, not 404", pattern, status)
		}
		resp, pointer = map[string]any{"$ref": ref}, ref
	} else {
		op := v.Operation(pattern)
		if op == nil {
			return fmt.Errorf("%s: no operation in the document", pattern)
		}
		responses, _ := op["responses"].(map[string]any)
		var ok bool
		if resp, ok = responses[key].(map[string]any); !ok {
			return fmt.Errorf("%s: status %d is not documented (documented: %s)", pattern, status, strings.Join(keys(responses), ", "))
		}
		pointer = "#/paths/" + escape(path) + "/" + method + "/responses/" + key
	}
	if ref, ok := resp["$ref"].(string); ok {
		pointer = ref
		resp = v.resolve(ref)
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(bytes.TrimSpace(body)) > 0 {
			return fmt.Errorf("%s %d: body sent but none documented", pattern, status)
		}
		return nil
	}
	mt, _, err := mime.ParseMediaType(header.Get("Content-Type"))
	if err != nil {
		return fmt.Errorf("%s %d: Content-Type %q: %v", pattern, status, header.Get("Content-Type"), err)
	}
	if _, ok := content[mt]; !ok {
		return fmt.Errorf("%s %d: Content-Type %s is not documented (documented: %s)", pattern, status, mt, strings.Join(keys(content), ", "))
	}
	return v.checkBody(pointer+"/content/"+escape(mt)+"/schema", mt, body)
}

// CheckRequestBody validates a request body against the operation's
// request schema for its media type.
func (v *Validator) CheckRequestBody(pattern, contentType string, body []byte) error {
	method, path := PathOf(pattern)
	op := v.Operation(pattern)
	if op == nil {
		return fmt.Errorf("%s: no operation in the document", pattern)
	}
	rb, _ := op["requestBody"].(map[string]any)
	content, _ := rb["content"].(map[string]any)
	mt, _, _ := mime.ParseMediaType(contentType)
	if _, ok := content[mt]; !ok {
		return fmt.Errorf("%s: request media type %q is not documented", pattern, contentType)
	}
	return v.checkBody("#/paths/"+escape(path)+"/"+method+"/requestBody/content/"+escape(mt)+"/schema", mt, body)
}

// CheckValue validates a decoded JSON value (numbers as json.Number)
// against the schema at a JSON pointer into the document, e.g.
// "#/components/schemas/Verification".
func (v *Validator) CheckValue(pointer string, value any) error {
	sch, err := v.schema(pointer)
	if err != nil {
		return err
	}
	return sch.Validate(value)
}

func (v *Validator) checkBody(pointer, mediaType string, body []byte) error {
	if mediaType != "application/json" && !strings.HasSuffix(mediaType, "+json") {
		return nil // HTML, Prometheus text: the media type check is the contract
	}
	value, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: body is not one JSON value: %v", pointer, err)
	}
	if err := v.CheckValue(pointer, value); err != nil {
		return fmt.Errorf("%s: %v", pointer, err)
	}
	return nil
}

func (v *Validator) schema(pointer string) (*jsonschema.Schema, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if s, ok := v.compiled[pointer]; ok {
		return s, nil
	}
	s, err := v.compiler.Compile(documentURL + pointer)
	if err != nil {
		return nil, fmt.Errorf("compile schema %s: %w", pointer, err)
	}
	v.compiled[pointer] = s
	return s, nil
}

// resolve follows a local $ref ("#/components/responses/X").
func (v *Validator) resolve(ref string) map[string]any {
	var cur any = v.doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, _ := cur.(map[string]any)
		cur = m[part]
	}
	m, _ := cur.(map[string]any)
	return m
}

// escape makes s one JSON pointer token.
func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Seen is one checked exchange: the route pattern and the status.
type Seen struct {
	Pattern string
	Status  int
}

// Recorder wraps a handler and checks every response it writes against
// the document, reporting failures on t. The wrapped handler must let the
// ServeMux set Request.Pattern on the request it was given (no middleware
// between here and the mux replaces the request), as idgate's is built.
type Recorder struct {
	t    testing.TB
	v    *Validator
	next http.Handler
	mu   sync.Mutex
	seen []Seen
}

// NewRecorder wraps next.
func NewRecorder(t testing.TB, v *Validator, next http.Handler) *Recorder {
	return &Recorder{t: t, v: v, next: next}
}

// ServeHTTP serves r with the wrapped handler and checks the response,
// and — when the server accepted it (2xx) — the request body: what the
// server takes must be what the document describes.
func (c *Recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(r.Body, 32<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	rec := httptest.NewRecorder()
	c.next.ServeHTTP(rec, r)
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())

	c.mu.Lock()
	defer c.mu.Unlock()
	if r.Pattern == "" {
		return // the ServeMux itself answered (404, 405): no surface's envelope
	}
	c.seen = append(c.seen, Seen{Pattern: r.Pattern, Status: rec.Code})
	if err := c.v.CheckResponse(r.Pattern, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
		c.t.Errorf("%s %s → %d does not match the document: %v\nbody: %.600s", r.Method, r.URL.Path, rec.Code, err, rec.Body.String())
	}
	if rec.Code/100 == 2 && len(bytes.TrimSpace(body)) > 0 {
		if err := c.v.CheckRequestBody(r.Pattern, r.Header.Get("Content-Type"), body); err != nil {
			c.t.Errorf("%s %s was accepted (%d) but its body does not match the document: %v\nbody: %.600s", r.Method, r.URL.Path, rec.Code, err, body)
		}
	}
}

// Seen returns the exchanges checked so far.
func (c *Recorder) Seen() []Seen {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.seen)
}
