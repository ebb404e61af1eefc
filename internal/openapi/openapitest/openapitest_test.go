package openapitest

import (
	"strings"
	"testing"
)

func TestPathOf(t *testing.T) {
	for _, c := range []struct{ pattern, method, path string }{
		{"GET /v1/verifications/{id}", "get", "/v1/verifications/{id}"},
		{"POST /Citizen/RSAIDVerification", "post", "/Citizen/RSAIDVerification"},
		{"GET /files/{path...}", "get", "/files/{path}"},
		{"GET /admin/{$}", "get", "/admin/"},
		{"/v1/", "", "/v1/"},
	} {
		m, p := PathOf(c.pattern)
		if m != c.method || p != c.path {
			t.Errorf("PathOf(%q) = %q, %q; want %q, %q", c.pattern, m, p, c.method, c.path)
		}
	}
}

// FuzzPathOf: any pattern gives a lower-case method and a path with no
// rest-wildcard syntax left; a valid pattern ends in at most one {$}.
func FuzzPathOf(f *testing.F) {
	for _, s := range []string{"GET /a/{id}", "/v1/", "POST /x/{rest...}", "GET /{$}", " ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		m, p := PathOf(pattern)
		if m != strings.ToLower(m) || strings.Contains(p, "...}") || strings.Count(pattern, "{$}") == 1 && strings.HasSuffix(p, "{$}") {
			t.Fatalf("PathOf(%q) = %q, %q", pattern, m, p)
		}
	})
}
