package youverify

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/exchangetest"
	"github.com/idgate/idgate/internal/registry"
	"github.com/idgate/idgate/internal/sandbox"
	"github.com/idgate/idgate/internal/verify"
)

// The vendor pages' samples, copied as JSON into testdata/vendor/, are the
// contract: every field a sample prints must be in idgate's answer to the
// same request, with the same JSON type, and the same value unless the
// value is one the vendor made up per call (ids, times, the requester).

var (
	objectIDPattern  = regexp.MustCompile(`^[0-9a-f]{24}$`)
	timestampPattern = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
)

// perCall are the fields whose sample values cannot be reproduced; their
// format is checked instead.
var perCall = map[string]*regexp.Regexp{
	"data.id":             objectIDPattern,
	"data.businessId":     objectIDPattern,
	"data.requestedById":  objectIDPattern,
	"data.requestedBy.id": objectIDPattern,
	"data.createdAt":      timestampPattern,
	"data.updatedAt":      timestampPattern,
	"data.lastModifiedAt": timestampPattern,
	"data.requestedAt":    timestampPattern,
}

// perCallAny are fields whose sample values are placeholders.
var perCallAny = map[string]bool{
	"data.image": true, // the page truncates it with "..."
	"data.validations.selfie.selfieVerification.image": true, // likewise; golden files check the echo
	"data.requestedBy.firstName":                       true, // "Onyeka" in one sample, "API" in another
	"data.requestedBy.lastName":                        true,
}

func readSample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "vendor", name+".json"))
	must(t, err)
	return string(b)
}

func TestPagesFieldByField(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		tenant   string
		request  string // sample name or literal JSON
		response string // sample name
		status   int
		setup    func(e *env)
	}{
		{"003 vNIN verification", "/v1/api/identity/ng/vnin", "sandbox", "003-vnin-request", "003-vnin-response", 200, nil},
		{"003 vNIN facial matching", "/v1/api/identity/ng/vnin", "sandbox", "003-facial-request", "003-facial-response", 200, nil},
		{"003 vNIN validation", "/v1/api/identity/ng/vnin", "sandbox", "003-validation-request", "003-validation-response", 200, nil},
		{"003 vNIN at v2", "/v2/api/identity/ng/vnin", "sandbox", "003-vnin-request", "003-vnin-response", 200, nil},
		{"003 402", "/v1/api/identity/ng/vnin", "broke", "003-vnin-request", "003-402", 402, nil},
		{"003 403", "/v1/api/identity/ng/vnin", "wrong", "003-vnin-request", "003-403", 403, nil},
		{"003 500", "/v1/api/identity/ng/vnin", "sandbox", "003-vnin-request", "003-500", 500, func(e *env) {
			e.registry.SetMode(idgate.Nigeria, registry.Mode{Down: true})
		}},
		{"004 found", "/v2/api/identity/ke/id-scrub", "sandbox", "004-found-request", "004-found-response", 200, nil},
		{"004 not found", "/v2/api/identity/ke/id-scrub", "paid",
			`{"id": "00000000", "idType": "national-id", "isSubjectConsent": true}`, "004-not-found-response", 200, nil},
		{"004 404", "/v2/api/identity/ke/unknown", "sandbox", "004-found-request", "004-404", 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, openSQLite(t), envOptions{face: pageFace, prices: verify.DefaultPrices, balance: 1_000_000})
			if tt.setup != nil {
				tt.setup(e)
			}
			req := tt.request
			if !strings.HasPrefix(req, "{") {
				// The page truncates images with "...", which is not base64.
				req = strings.ReplaceAll(readSample(t, req), "...", "")
			}
			key := e.keys[tt.tenant]
			if tt.tenant == "wrong" {
				key = "idg_test_aaaaaaaaaaaaaaaa_" + strings.Repeat("a", 59)
			}
			status, body := e.post(t, tt.path, key, req)
			if status != tt.status {
				t.Fatalf("status = %d, want %d: %s", status, tt.status, body)
			}
			var got, want any
			must(t, json.Unmarshal(body, &got))
			must(t, json.Unmarshal([]byte(readSample(t, tt.response)), &want))
			compareFields(t, "", got, want)
		})
	}
}

// compareFields checks that got has every field of want, recursively.
func compareFields(t *testing.T, path string, got, want any) {
	t.Helper()
	if re, ok := perCall[path]; ok {
		s, isString := got.(string)
		if !isString || !re.MatchString(s) {
			t.Errorf("%s = %#v, want a string matching %s", path, got, re)
		}
		return
	}
	if want != nil && exchangetest.JSONType(got) != exchangetest.JSONType(want) {
		t.Errorf("%s is %s (%#v), the page has %s (%#v)", path, exchangetest.JSONType(got), got, exchangetest.JSONType(want), want)
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for k, wv := range w {
			p := strings.TrimPrefix(path+"."+k, ".")
			gv, ok := g[k]
			if !ok {
				t.Errorf("%s is missing", p)
				continue
			}
			compareFields(t, p, gv, wv)
		}
	case []any:
		if len(got.([]any)) != len(w) {
			t.Errorf("%s has %d elements, the page %d", path, len(got.([]any)), len(w))
		}
	case nil:
		if got != nil && exchangetest.JSONType(got) != "string" {
			t.Errorf("%s is %s, the page has null (want null or a string)", path, exchangetest.JSONType(got))
		}
	default:
		if !perCallAny[path] && got != want {
			t.Errorf("%s = %#v, the page has %#v", path, got, want)
		}
	}
}

// TestInternalErrorLeaksNothing breaks the store under a running server:
// the answer is the page's 500, and the cause is only in the log, with an
// error id.
func TestInternalErrorLeaksNothing(t *testing.T) {
	st := openSQLite(t)
	e := newEnv(t, st, envOptions{prices: verify.DefaultPrices})
	must(t, st.Close())
	status, body := e.post(t, "/v1/api/identity/ng/vnin", e.keys["sandbox"], vninBody(pageVNIN, ""))
	if status != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500: %s", status, body)
	}
	want := `{"success":false,"statusCode":500,"message":"Service unavailable","name":"Error","data":{}}`
	if got := strings.TrimSpace(string(body)); got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if !strings.Contains(e.logs.String(), "err_id=") {
		t.Errorf("internal error not logged with an error id:\n%s", e.logs)
	}
}

func TestSizeLimits(t *testing.T) {
	e := newEnv(t, openSQLite(t), envOptions{face: pageFace, config: Config{MaxBodyBytes: 4096, MaxSelfieBytes: 1024}})
	tests := []struct{ name, body string }{
		{"body", vninBody(pageVNIN, `"metadata":{"pad":"`+strings.Repeat("x", 5000)+`"}`)},
		{"selfie", vninBody(pageVNIN, `"validations":{"selfie":{"image":"`+strings.Repeat("QUFB", 500)+`"}}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.post(t, "/v1/api/identity/ng/vnin", e.keys["sandbox"], tt.body)
			var env errorEnvelope
			must(t, json.Unmarshal(body, &env))
			if status != http.StatusRequestEntityTooLarge || env.StatusCode != 413 || env.Name != "PayloadTooLargeError" || env.Success {
				t.Errorf("got %d %s, want 413 PayloadTooLargeError", status, body)
			}
		})
	}
}

// TestImages checks what the golden files mask: the registry photo comes
// back as a data URI of the sandbox photo, and the selfie is echoed exactly.
func TestImages(t *testing.T) {
	e := newEnv(t, openSQLite(t), envOptions{face: pageFace})
	selfie := "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(sandbox.Photo("ng_person_selfie.jpg"))
	status, body := e.post(t, "/v1/api/identity/ng/vnin", e.keys["sandbox"],
		vninBody(pageVNIN, `"validations":{"selfie":{"image":"`+selfie+`"}}`))
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var got struct {
		Data struct {
			Image       string `json:"image"`
			Validations struct {
				Selfie struct {
					SelfieVerification struct {
						Image string `json:"image"`
					} `json:"selfieVerification"`
				} `json:"selfie"`
			} `json:"validations"`
		} `json:"data"`
	}
	must(t, json.Unmarshal(body, &got))
	if got.Data.Validations.Selfie.SelfieVerification.Image != selfie {
		t.Errorf("selfie not echoed as sent")
	}
	const prefix = "data:image/jpg;base64,"
	photo, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(got.Data.Image, prefix))
	if !strings.HasPrefix(got.Data.Image, prefix) || err != nil || !bytes.Equal(photo, sandbox.Photo("ng_person.jpg")) {
		t.Errorf("image is not the registry photo as a %s data URI (%.40s…)", prefix, got.Data.Image)
	}
}
