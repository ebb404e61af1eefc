package dashboard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/idgate/idgate"
)

// sample is one request the sandbox console can send. Headers are
// "Name: value" lines; {{key}} in them is replaced with the key field and
// {{subscription_key}} with the subscription key field (Laboremus wants
// both a bearer credential and a subscription key).
type sample struct {
	ID      string
	Dialect string
	Title   string
	Method  string
	Path    string
	Headers string
	Body    string
}

// samples has one request per dialect against the sandbox identities
// (`idgate sandbox list`). The operator may edit any part before sending.
var samples = []sample{
	{
		ID: "native", Dialect: "native API", Title: "South African ID with name check",
		Method: "POST", Path: "/v1/verifications",
		Headers: "Authorization: Bearer {{key}}\nContent-Type: application/json",
		Body: `{
  "country": "ZA",
  "idType": "national-id",
  "number": "8507145123085",
  "consent": true,
  "reason": "Sandbox console",
  "subject": {"firstNames": "Thabo Johannes", "lastName": "Mokoena"},
  "checks": {"names": true, "fraud": true}
}`,
	},
	{
		ID: "securecitizen", Dialect: "SecureCitizen", Title: "RSA ID verification",
		Method: "POST", Path: "/Citizen/RSAIDVerification",
		Headers: "Authorization: Bearer {{key}}\nContent-Type: application/json",
		Body: `{
  "ConsentReceived": true,
  "IdNumber": "8507145123085",
  "FirstNames": "Thabo Johannes",
  "LastName": "Mokoena",
  "RequestReason": "Sandbox console",
  "CRef": "CONSOLE1"
}`,
	},
	{
		ID: "youverify", Dialect: "Youverify", Title: "Nigerian vNIN lookup",
		Method: "POST", Path: "/v1/api/identity/ng/vnin",
		Headers: "token: {{key}}\nContent-Type: application/json",
		Body: `{
  "id": "AB123456789012CD",
  "isSubjectConsent": true
}`,
	},
	{
		ID: "youverify-ke", Dialect: "Youverify", Title: "Kenyan ID scrub",
		Method: "POST", Path: "/v2/api/identity/ke/id-scrub",
		Headers: "token: {{key}}\nContent-Type: application/json",
		Body: `{
  "id": "1234567",
  "idType": "national-id",
  "isSubjectConsent": true
}`,
	},
	{
		ID: "laboremus", Dialect: "Laboremus", Title: "Uganda card verification request",
		Method: "POST", Path: "/idv/api/requests?v=2.0",
		Headers: "Authorization: Bearer {{key}}\nOcp-Apim-Subscription-Key: {{subscription_key}}\nContent-Type: application/json",
		Body: `{
  "surname": "Akello",
  "givenNames": "Grace",
  "otherNames": "Nansubuga",
  "nin": "CF12345678901A",
  "cardNumber": "001234567",
  "dateOfBirth": "1990-04-12"
}`,
	},
}

// NeedsSubscriptionKey reports whether the sample's headers use the
// subscription key field.
func (s sample) NeedsSubscriptionKey() bool {
	return strings.Contains(s.Headers, subscriptionKeyPlaceholder)
}

const subscriptionKeyPlaceholder = "{{subscription_key}}"

// ActionConsoleSend is the audit action of a request sent from the
// sandbox console; its subject is the method and path, without the query.
const ActionConsoleSend = "console.send"

// pathOnly drops the query string, which might carry a key.
func pathOnly(p string) string {
	path, _, _ := strings.Cut(p, "?")
	return limitText(path, 200)
}

func findSample(id string) (sample, bool) {
	for _, s := range samples {
		if s.ID == id {
			return s, true
		}
	}
	return sample{}, false
}

// exchange is a request the console sent and the raw answer.
type exchange struct {
	SampleID string
	Request  string
	Status   string
	Headers  string
	Body     string
	Took     time.Duration
}

type consoleView struct {
	Key      string
	SubKey   string
	Samples  []sample
	Exchange *exchange
}

func (s *Server) sandbox(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	v := consoleView{Key: s.cfg.SandboxKey, SubKey: s.cfg.SandboxSubscriptionKey, Samples: samples}
	return s.render(w, http.StatusOK, "sandbox", pageFor(c, "sandbox", "Sandbox console", v))
}

// Console limits: what one sent request may carry and how much of the
// answer is shown.
const (
	maxConsoleBody     = 128 << 10
	maxConsoleResponse = 256 << 10
)

// sendSample sends the (possibly edited) sample through the server's own
// handler, in process, and shows the raw response. Only the sample's path
// prefixes are accepted, so the console cannot reach the dashboard itself.
func (s *Server) sendSample(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	if s.api == nil {
		return idgate.Errorf(idgate.ENOTIMPLEMENTED, "the sandbox console is not connected to the API")
	}
	base, ok := findSample(r.PostForm.Get("sample"))
	if !ok {
		return idgate.FieldError("sample", "unknown sample")
	}
	key := strings.TrimSpace(r.PostForm.Get("key"))
	subKey := strings.TrimSpace(r.PostForm.Get("subscription_key"))
	smp := base
	smp.Path = strings.TrimSpace(r.PostForm.Get("path"))
	smp.Headers = r.PostForm.Get("headers")
	smp.Body = r.PostForm.Get("body")
	if !strings.HasPrefix(smp.Path, "/") || strings.HasPrefix(smp.Path, Prefix) || strings.HasPrefix(smp.Path, "//") {
		return idgate.FieldError("path", "the path must be an API path such as %s", base.Path)
	}
	if len(smp.Body) > maxConsoleBody {
		return idgate.Errorf(idgate.ETOOLARGE, "the body may have at most %d bytes", maxConsoleBody)
	}
	req, err := http.NewRequestWithContext(r.Context(), base.Method, smp.Path, strings.NewReader(smp.Body))
	if err != nil {
		return idgate.FieldError("path", "invalid path")
	}
	req.RemoteAddr = r.RemoteAddr
	req.Host = r.Host
	for _, line := range strings.Split(smp.Headers, "\n") {
		name, value, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || strings.TrimSpace(name) == "" {
			continue
		}
		value = strings.ReplaceAll(strings.TrimSpace(value), "{{key}}", key)
		value = strings.ReplaceAll(value, subscriptionKeyPlaceholder, subKey)
		req.Header.Add(strings.TrimSpace(name), value)
	}
	rec := newRecorder()
	start := time.Now()
	s.api.ServeHTTP(rec, req)
	// The answer may carry a registry record: the operator who asked for
	// it is on record, next to the API's own verification.create entry.
	if err := s.store.AppendAudit(r.Context(), &idgate.AuditEntry{Time: s.now(), Actor: c.actor(), Action: ActionConsoleSend,
		Subject: base.Method + " " + pathOnly(smp.Path), Outcome: fmt.Sprint(rec.status)}); err != nil {
		return fmt.Errorf("audit console request: %w", err)
	}
	ex := &exchange{SampleID: base.ID, Took: time.Since(start).Round(time.Millisecond),
		Request: base.Method + " " + smp.Path, Status: fmt.Sprintf("%d %s", rec.status, http.StatusText(rec.status))}
	var hs []string
	for name, vals := range rec.header {
		for _, v := range vals {
			hs = append(hs, name+": "+v)
		}
	}
	sort.Strings(hs)
	ex.Headers = strings.Join(hs, "\n")
	ex.Body = prettyJSON(rec.body.Bytes())
	// Show what was sent in the form the operator left it.
	for i := range samples {
		if samples[i].ID == base.ID {
			v := consoleView{Key: key, SubKey: subKey, Exchange: ex}
			v.Samples = append([]sample(nil), samples...)
			v.Samples[i] = smp
			return s.render(w, http.StatusOK, "sandbox", pageFor(c, "sandbox", "Sandbox console", v))
		}
	}
	return nil
}

// prettyJSON indents a JSON body and leaves anything else as it is.
func prettyJSON(b []byte) string {
	var out bytes.Buffer
	if json.Indent(&out, b, "", "  ") == nil {
		return out.String()
	}
	return string(b)
}

// recorder is a minimal http.ResponseWriter that keeps the answer in
// memory, up to maxConsoleResponse bytes.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func newRecorder() *recorder { return &recorder{header: http.Header{}, status: http.StatusOK} }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	room := maxConsoleResponse - r.body.Len()
	if room > 0 {
		r.body.Write(b[:min(len(b), room)])
	}
	return len(b), nil
}

var _ io.Writer = (*recorder)(nil)
