package youverify

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/idgate/idgate/internal/verify"
)

var update = flag.Bool("update", false, "rewrite the expected responses of testdata/*.txt")

// responseMarker separates the request from the expected response in a
// golden exchange file.
const responseMarker = "==== response"

// exchange is one golden file:
//
//	# comments; "# face: none" runs without a face engine
//	POST /v1/api/identity/ng/vnin
//	token: {{sandbox}}
//
//	{"id": "AB123456789012CD", "isSubjectConsent": true}
//	==== response
//	200
//	{ ...expected body, indented, volatile fields normalised... }
//
// {{sandbox}}, {{paid}} and {{broke}} stand for the tenants' API keys.
type exchange struct {
	noFace  bool
	method  string
	path    string
	headers [][2]string
	body    string
	status  int
	want    string
	head    string // everything before the response, kept on -update
}

func parseExchange(t *testing.T, data string) *exchange {
	t.Helper()
	req, resp, ok := strings.Cut(data, responseMarker+"\n")
	if !ok {
		t.Fatalf("no %q line", responseMarker)
	}
	x := &exchange{head: req}
	sc := bufio.NewScanner(strings.NewReader(req))
	inBody := false
	var body []string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case inBody:
			body = append(body, line)
		case strings.HasPrefix(line, "#"):
			x.noFace = x.noFace || strings.TrimSpace(strings.TrimPrefix(line, "#")) == "face: none"
		case x.method == "":
			method, path, _ := strings.Cut(line, " ")
			x.method, x.path = method, path
		case line == "":
			inBody = true
		default:
			name, value, _ := strings.Cut(line, ":")
			x.headers = append(x.headers, [2]string{name, strings.TrimSpace(value)})
		}
	}
	x.body = strings.Join(body, "\n")
	statusLine, want, _ := strings.Cut(resp, "\n")
	status, err := strconv.Atoi(strings.TrimSpace(statusLine))
	if err != nil {
		t.Fatalf("status line %q: %v", statusLine, err)
	}
	x.status, x.want = status, strings.TrimSpace(want)
	return x
}

// volatileID matches the verification's id, derived from a random UUID.
var volatileID = regexp.MustCompile(`"data":\{"id":"[0-9a-f]{24}"`)

// normalise indents a response body with volatile fields replaced.
func normalise(t *testing.T, body []byte) string {
	t.Helper()
	body = volatileID.ReplaceAll(bytes.TrimSpace(body), []byte(`"data":{"id":"<id>"`))
	var out bytes.Buffer
	if err := json.Indent(&out, body, "", "  "); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, body)
	}
	return out.String()
}

func TestGoldenExchanges(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	must(t, err)
	if len(files) == 0 {
		t.Fatal("no golden exchanges in testdata")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			must(t, err)
			x := parseExchange(t, string(data))
			o := envOptions{face: pageFace, prices: verify.DefaultPrices, balance: 1_000_000}
			if x.noFace {
				o.face = nil
			}
			e := newEnv(t, openSQLite(t), o)
			body := x.body
			for name, key := range e.keys {
				body = strings.ReplaceAll(body, "{{"+name+"}}", key)
			}
			req, err := http.NewRequest(x.method, e.srv.URL+x.path, strings.NewReader(body))
			must(t, err)
			for _, h := range x.headers {
				v := h[1]
				for name, key := range e.keys {
					v = strings.ReplaceAll(v, "{{"+name+"}}", key)
				}
				req.Header.Set(h[0], v)
			}
			status, resp := e.do(t, req)
			got := normalise(t, resp)
			if *update {
				out := x.head + responseMarker + "\n" + strconv.Itoa(status) + "\n" + got + "\n"
				must(t, os.WriteFile(file, []byte(out), 0o644))
				return
			}
			if status != x.status {
				t.Errorf("status = %d, want %d", status, x.status)
			}
			if got != x.want {
				t.Errorf("response differs from %s (run with -update to accept)\ngot:\n%s\nwant:\n%s", file, got, x.want)
			}
			if strings.Contains(e.logs.String(), pageVNIN) || strings.Contains(e.logs.String(), "Sarah") {
				t.Errorf("logs contain PII:\n%s", e.logs)
			}
		})
	}
}
