package laboremus

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

// pageFields are the response values of page 002, exactly.
var pageFields = []string{
	"id", "initiator", "initiatorId", "initiatorEmail", "participantId", "receivedAt", "submittedAt",
	"receivedFromNira", "requestStatus", "surname", "givenNames", "otherNames", "cardNumber", "maskedCardNumber",
	"nin", "maskedNin", "multipleReferenceId", "dateOfBirth", "resultJson",
}

var resultFields = []string{"matchingStatus", "cardStatus", "status", "error", "isError", "ninStatus"}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

func sameKeys(t *testing.T, what string, m map[string]any, want []string) {
	t.Helper()
	if got, want := strings.Join(keys(m), ","), strings.Join(sorted(want), ","); got != want {
		t.Errorf("%s fields:\n got %s\nwant %s", what, got, want)
	}
}

func isTime(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	_, err := time.Parse(time.RFC3339, s)
	return err == nil && strings.HasSuffix(s, "Z")
}

// TestPageFields creates a request over HTTP with a token from the token
// endpoint and checks every field of the GET answer against page 002:
// names, casing, types and values, Pending and then Completed.
func TestPageFields(t *testing.T) {
	if testing.Short() {
		t.Skip("runs River against a real database")
	}
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		s := newStack(t, st)
		h := authHeaders(s.token(t, s.a), s.a.subKey)
		body := `{"surname":"Akello","givenNames":"Grace","otherNames":"Nansubuga","nin":"cf12345678901a","cardNumber":"001234567","dateOfBirth":"1990-04-12"}`
		code, hdr, raw := s.call(t, "POST", "/idv/api/requests?api-version=2.0", h, body)
		if code != http.StatusCreated {
			t.Fatalf("POST: %d %s", code, raw)
		}
		created := decodeMap(t, raw)
		sameKeys(t, "created request", created, pageFields)
		id, _ := created["id"].(string)
		if !uuidPattern.MatchString(id) || hdr.Get("Location") != "/idv/api/requests/"+id+"?v=2.0" {
			t.Errorf("id %q, Location %q", id, hdr.Get("Location"))
		}
		if created["requestStatus"] != "Pending" || created["resultJson"] != nil || created["receivedFromNira"] != nil || !isTime(created["receivedAt"]) {
			t.Errorf("created = %v", created)
		}

		done := s.await(t, h, id)
		sameKeys(t, "completed request", done, pageFields)
		want := map[string]any{
			"id": id, "initiator": "Jane Mukasa", "initiatorId": "b631b8d8-c217-4b56-82fc-36ea91cf342a", "initiatorEmail": "jane@acme.test",
			"participantId": s.a.tenant.ID, "requestStatus": "Completed", "surname": "Akello", "givenNames": "Grace",
			"otherNames": "Nansubuga", "cardNumber": "001234567", "maskedCardNumber": "00****567", "nin": "CF12345678901A",
			"maskedNin": "CF12*******01A", "multipleReferenceId": nil, "dateOfBirth": "1990-04-12",
		}
		for k, w := range want {
			if done[k] != w {
				t.Errorf("%s = %#v, want %#v", k, done[k], w)
			}
		}
		for _, k := range []string{"receivedAt", "submittedAt", "receivedFromNira"} {
			if !isTime(done[k]) {
				t.Errorf("%s = %#v, want a UTC date-time", k, done[k])
			}
		}
		if done["submittedAt"].(string) < done["receivedAt"].(string) || done["receivedFromNira"].(string) < done["submittedAt"].(string) {
			t.Errorf("times out of order: %v %v %v", done["receivedAt"], done["submittedAt"], done["receivedFromNira"])
		}
		res, ok := done["resultJson"].(map[string]any)
		if !ok {
			t.Fatalf("resultJson = %#v", done["resultJson"])
		}
		sameKeys(t, "resultJson", res, resultFields)
		wantRes := map[string]any{"matchingStatus": true, "cardStatus": "Valid", "status": "Ok", "error": nil, "isError": false, "ninStatus": "Active"}
		for k, w := range wantRes {
			if res[k] != w {
				t.Errorf("resultJson.%s = %#v, want %#v", k, res[k], w)
			}
		}
	})
}

// TestOutcomesOverHTTP checks resultJson for a mismatch, an unknown NIN and
// a NIRA error.
func TestOutcomesOverHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("runs River against a real database")
	}
	s := newStack(t, openSQLite(t))
	ctx := context.Background()
	if err := s.st.PutFaults(ctx, []idgate.Fault{{Country: idgate.Uganda, IDType: idgate.NIN, Number: "CM99999999999E", Kind: idgate.FaultError, Code: "NIRA-500"}}); err != nil {
		t.Fatal(err)
	}
	h := authHeaders(s.a.apiKey, s.a.subKey)
	cases := []struct {
		name, body, status string
		result             map[string]any
		errorCode          string
	}{
		{"name mismatch", `{"surname":"Odongo","givenNames":"Grace","nin":"CF12345678901A","cardNumber":"001234567","dateOfBirth":"1990-04-12"}`,
			"Completed", map[string]any{"matchingStatus": false, "cardStatus": "Valid", "status": "Ok", "isError": false, "error": nil}, ""},
		{"unknown NIN", `{"surname":"Odongo","givenNames":"Grace","nin":"CM00000000000A","cardNumber":"001234567","dateOfBirth":"1990-04-12"}`,
			"Completed", map[string]any{"matchingStatus": false, "cardStatus": nil, "status": "Error", "isError": true, "ninStatus": nil}, "NIN_NOT_FOUND"},
		{"NIRA error", `{"surname":"Odongo","givenNames":"Grace","nin":"CM99999999999E","cardNumber":"001234567","dateOfBirth":"1990-04-12"}`,
			"Failed", map[string]any{"matchingStatus": false, "status": "Error", "isError": true}, "NIRA-500"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, raw := s.call(t, "POST", "/idv/api/requests?v=1.0", h, c.body)
			if code != 201 {
				t.Fatalf("POST: %d %s", code, raw)
			}
			done := s.await(t, h, decodeMap(t, raw)["id"].(string))
			if done["requestStatus"] != c.status {
				t.Errorf("requestStatus = %v, want %s", done["requestStatus"], c.status)
			}
			res := done["resultJson"].(map[string]any)
			for k, w := range c.result {
				if res[k] != w {
					t.Errorf("resultJson.%s = %#v, want %#v", k, res[k], w)
				}
			}
			if c.errorCode != "" {
				e, _ := res["error"].(map[string]any)
				if e == nil || e["code"] != c.errorCode || e["message"] == nil {
					t.Errorf("resultJson.error = %#v, want code %s", res["error"], c.errorCode)
				}
			}
		})
	}
}

func TestMultipleAndList(t *testing.T) {
	if testing.Short() {
		t.Skip("runs River against a real database")
	}
	s := newStack(t, openSQLite(t))
	h := authHeaders(s.token(t, s.a), s.a.subKey)
	one := `{"surname":"Akello","givenNames":"Grace","nin":"CF12345678901A","cardNumber":"001234567","dateOfBirth":"1990-04-12"}`
	code, _, raw := s.call(t, "POST", "/idv/api/requests?v=2.0", h, "["+one+","+one+","+one+"]")
	if code != 201 {
		t.Fatalf("POST multiple: %d %s", code, raw)
	}
	var batch []map[string]any
	if err := json.Unmarshal(raw, &batch); err != nil || len(batch) != 3 {
		t.Fatalf("multiple answer: %s", raw)
	}
	group, _ := batch[0]["multipleReferenceId"].(string)
	if !uuidPattern.MatchString(group) {
		t.Fatalf("multipleReferenceId = %v", batch[0]["multipleReferenceId"])
	}
	for _, b := range batch {
		if b["multipleReferenceId"] != group || b["requestStatus"] != "Pending" {
			t.Errorf("batch member = %v", b)
		}
	}
	// A single request outside the batch.
	if code, _, raw := s.call(t, "POST", "/idv/api/requests?v=2.0", h, one); code != 201 {
		t.Fatalf("POST: %d %s", code, raw)
	}
	for _, b := range batch {
		s.await(t, h, b["id"].(string))
	}
	list := func(query string) ([]any, map[string]any) {
		code, _, raw := s.call(t, "GET", "/idv/api/requests?v=2.0&"+query, h, "")
		if code != 200 {
			t.Fatalf("list %s: %d %s", query, code, raw)
		}
		page := decodeMap(t, raw)
		return page["items"].([]any), page
	}
	if items, _ := list("multipleReferenceId=" + group); len(items) != 3 {
		t.Errorf("group filter: %d items, want 3", len(items))
	}
	items, page := list("pageSize=2")
	token, _ := page["continuationToken"].(string)
	if len(items) != 2 || token == "" {
		t.Fatalf("first page: %d items, token %q", len(items), token)
	}
	rest, page2 := list("pageSize=2&continuationToken=" + token)
	if len(rest) != 2 || page2["continuationToken"] != nil {
		t.Errorf("second page: %d items, token %v", len(rest), page2["continuationToken"])
	}
	today := time.Now().UTC().Format(time.DateOnly)
	if items, _ := list("from=" + today + "&to=" + today); len(items) != 4 {
		t.Errorf("today's range: %d items, want 4", len(items))
	}
	if items, _ := list("to=2000-01-01"); len(items) != 0 {
		t.Errorf("range in the past: %d items, want 0", len(items))
	}
	if items, _ := list("status=Completed&multipleReferenceId=" + group); len(items) != 3 {
		t.Errorf("completed in group: %d items, want 3", len(items))
	}
	// Another tenant sees none of them, and gets 404 for their ids.
	hb := authHeaders(s.token(t, s.b), s.b.subKey)
	code, _, raw = s.call(t, "GET", "/idv/api/requests?v=2.0", hb, "")
	if code != 200 || len(decodeMap(t, raw)["items"].([]any)) != 0 {
		t.Errorf("other tenant's list: %d %s", code, raw)
	}
	code, _, raw = s.call(t, "GET", "/idv/api/requests/"+batch[0]["id"].(string)+"?v=2.0", hb, "")
	if code != 404 || decodeMap(t, raw)["error"].(map[string]any)["code"] != "NotFound" {
		t.Errorf("other tenant's id: %d %s", code, raw)
	}
}

// TestAuth: both credentials are required, of one tenant; expired, forged
// and wrong-audience tokens and wrong keys are refused.
func TestAuth(t *testing.T) {
	s := newStack(t, openSQLite(t))
	good := s.token(t, s.a)
	expiredIssuer, err := auth.New(s.st, auth.Config{Issuer: testIssuer, Audience: testAudience, Now: func() time.Time { return time.Now().Add(-time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	expired, err := expiredIssuer.IssueToken(context.Background(), s.a.clientID, s.a.secret, "")
	if err != nil {
		t.Fatal(err)
	}
	otherAudience, err := auth.New(s.st, auth.Config{Issuer: testIssuer, Audience: "someone-else"})
	if err != nil {
		t.Fatal(err)
	}
	wrongAud, err := otherAudience.IssueToken(context.Background(), s.a.clientID, s.a.secret, "")
	if err != nil {
		t.Fatal(err)
	}
	forged := good[:len(good)-4] + "AAAA"
	if forged == good {
		forged = good[:len(good)-4] + "BBBB"
	}
	cases := []struct {
		name    string
		path    string
		headers map[string]string
		status  int
		code    string
	}{
		{"token and key", "/idv/api/requests?v=2.0", authHeaders(good, s.a.subKey), 200, ""},
		{"API key and key", "/idv/api/requests?v=2.0", authHeaders(s.a.apiKey, s.a.subKey), 200, ""},
		{"key as query parameter", "/idv/api/requests?v=2.0&Ocp-Apim-Subscription-Key=" + s.a.subKey, map[string]string{"Authorization": "Bearer " + good}, 200, ""},
		{"no key", "/idv/api/requests?v=2.0", map[string]string{"Authorization": "Bearer " + good}, 401, "Unauthorized"},
		{"no token", "/idv/api/requests?v=2.0", map[string]string{"Ocp-Apim-Subscription-Key": s.a.subKey}, 401, "Unauthorized"},
		{"wrong key", "/idv/api/requests?v=2.0", authHeaders(good, strings.Repeat("0", len(s.a.subKey))), 401, "Unauthorized"},
		{"expired token", "/idv/api/requests?v=2.0", authHeaders(expired.AccessToken, s.a.subKey), 401, "Unauthorized"},
		{"forged token", "/idv/api/requests?v=2.0", authHeaders(forged, s.a.subKey), 401, "Unauthorized"},
		{"wrong audience", "/idv/api/requests?v=2.0", authHeaders(wrongAud.AccessToken, s.a.subKey), 401, "Unauthorized"},
		{"key of another tenant", "/idv/api/requests?v=2.0", authHeaders(good, s.b.subKey), 403, "Forbidden"},
		{"subscription key as bearer", "/idv/api/requests?v=2.0", authHeaders(s.a.subKey, s.a.subKey), 401, "Unauthorized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, hdr, raw := s.call(t, "GET", c.path, c.headers, "")
			if code != c.status {
				t.Fatalf("status %d, want %d: %s", code, c.status, raw)
			}
			if c.code == "" {
				return
			}
			var env ErrorEnvelope
			if err := json.Unmarshal(raw, &env); err != nil || env.Error.Code != c.code || env.Error.Message == "" {
				t.Errorf("body %s, want error code %s", raw, c.code)
			}
			if c.status == 401 && hdr.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
}

// TestVersion: the version may come from api-version, v or x-version;
// 1.0 and 2.0 are served, anything else is a 400 naming api-version.
func TestVersion(t *testing.T) {
	s := newStack(t, openSQLite(t))
	h := authHeaders(s.a.apiKey, s.a.subKey)
	withVersion := func(v string) map[string]string {
		m := authHeaders(s.a.apiKey, s.a.subKey)
		m["x-version"] = v
		return m
	}
	cases := []struct {
		name    string
		query   string
		headers map[string]string
		status  int
	}{
		{"api-version 2.0", "?api-version=2.0", h, 200},
		{"v 1.0", "?v=1.0", h, 200},
		{"v 2", "?v=2", h, 200},
		{"x-version header", "", withVersion("2.0"), 200},
		{"agreeing", "?v=2.0&api-version=2.0", h, 200},
		{"missing", "", h, 400},
		{"unsupported", "?v=3.0", h, 400},
		{"disagreeing", "?v=1.0&api-version=2.0", h, 400},
		{"bad header", "?v=2.0", withVersion("latest"), 400},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, raw := s.call(t, "GET", "/idv/api/requests"+c.query, c.headers, "")
			if code != c.status {
				t.Fatalf("status %d, want %d: %s", code, c.status, raw)
			}
			if c.status == 400 {
				var p Problem
				if err := json.Unmarshal(raw, &p); err != nil || p.Status != 400 || len(p.Errors["api-version"]) != 1 {
					t.Errorf("problem = %s", raw)
				}
			}
		})
	}
}

// TestProblemDetails checks the 400 envelope field by field.
func TestProblemDetails(t *testing.T) {
	s := newStack(t, openSQLite(t))
	h := authHeaders(s.a.apiKey, s.a.subKey)
	h["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	code, hdr, raw := s.call(t, "POST", "/idv/api/requests?v=2.0", h, `{"surname":"","givenNames":7,"nin":"XX1","cardNumber":"12","dateOfBirth":"1990-13-01"}`)
	if code != 400 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("%d %s %s", code, hdr.Get("Content-Type"), raw)
	}
	m := decodeMap(t, raw)
	sameKeys(t, "problem", m, []string{"type", "title", "status", "traceId", "errors"})
	if m["status"] != float64(400) || m["traceId"] != h["traceparent"] || m["title"] == "" || m["type"] == "" {
		t.Errorf("problem = %v", m)
	}
	errs := m["errors"].(map[string]any)
	sameKeys(t, "errors", errs, []string{"surname", "givenNames", "nin", "cardNumber", "dateOfBirth"})
	for k, v := range errs {
		if list, ok := v.([]any); !ok || len(list) != 1 {
			t.Errorf("errors.%s = %#v, want one message", k, v)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	s := newStack(t, openSQLite(t))
	h := authHeaders(s.a.apiKey, s.a.subKey)
	code, _, raw := s.call(t, "POST", "/idv/api/requests?v=2.0", h, `{"surname":"`+strings.Repeat("a", DefaultMaxBodyBytes)+`"}`)
	if code != http.StatusRequestEntityTooLarge || decodeMap(t, raw)["error"] == nil {
		t.Errorf("%d %s", code, raw)
	}
}
