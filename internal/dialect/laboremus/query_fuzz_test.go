package laboremus

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzListFilter: any query either yields a filter within the documented
// bounds or a property error; it never panics.
func FuzzListFilter(f *testing.F) {
	f.Add("status=Pending&pageSize=5")
	f.Add("from=2026-01-01&to=2026-01-02T10:00:00Z&multipleReferenceId=d2df34d1-f938-4240-9d1b-a11677d881e0")
	f.Add("pageSize=-1&status=x&colour=blue")
	f.Add("to=2020-01-01&from=2021-01-01")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		fl, err := listFilter(q)
		if err != nil {
			if verr, ok := err.(*validationError); !ok || verr.empty() {
				t.Fatalf("error %v is not a property error", err)
			}
			return
		}
		if fl.Limit < 1 || fl.Limit > MaxPageSize {
			t.Fatalf("page size %d accepted", fl.Limit)
		}
		if !fl.From.IsZero() && !fl.To.IsZero() && fl.To.Before(fl.From) {
			t.Fatalf("range %v..%v accepted", fl.From, fl.To)
		}
		if fl.GroupID != "" && !uuidPattern.MatchString(fl.GroupID) {
			t.Fatalf("group %q accepted", fl.GroupID)
		}
	})
}

// FuzzCheckVersion: only 1.0 and 2.0 (and their short forms) pass.
func FuzzCheckVersion(f *testing.F) {
	f.Add("2.0", "", "")
	f.Add("1", "1.0", "")
	f.Add("", "", "2.0")
	f.Add("3.0", "2.0", "x")
	f.Fuzz(func(t *testing.T, apiVersion, v, header string) {
		q := url.Values{}
		if apiVersion != "" {
			q.Set("api-version", apiVersion)
		}
		if v != "" {
			q.Set("v", v)
		}
		r := httptest.NewRequest("GET", "/idv/api/requests?"+q.Encode(), nil)
		if header != "" {
			r.Header.Set("x-version", header)
		}
		err := checkVersion(r)
		for _, g := range []string{apiVersion, v, header} {
			if _, ok := versions[strings.TrimSpace(g)]; g != "" && !ok && err == nil {
				t.Fatalf("version %q accepted", g)
			}
		}
		if apiVersion == "" && v == "" && header == "" && err == nil {
			t.Fatal("no version accepted")
		}
	})
}
