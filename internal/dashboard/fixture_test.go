package dashboard_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/app"
	"github.com/idgate/idgate/internal/dashboard"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

const (
	adminEmail    = "ops@example.com"
	adminPassword = "correct horse battery staple"
)

// fixture is the real wired app on a throw-away SQLite store, behind an
// httptest server, with one admin account.
type fixture struct {
	store *sqlstore.Store
	app   *app.App
	srv   *httptest.Server
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureAt(t, sqlstoretest.SQLiteURL(t))
}

// newFixtureAt is newFixture on the database at u.
func newFixtureAt(t testing.TB, u string) *fixture {
	t.Helper()
	ctx := context.Background()
	st := sqlstoretest.Open(t, u)
	a, err := app.New(ctx, st, app.Config{Sandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	createAdmin(t, st)
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	return &fixture{store: st, app: a, srv: srv}
}

// createAdmin adds the tests' operator account.
func createAdmin(t testing.TB, st *sqlstore.Store) {
	t.Helper()
	hash, err := dashboard.HashPassword(adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	admin := &idgate.Admin{ID: idgate.NewID(), Email: adminEmail, PasswordHash: hash, CreatedAt: time.Now()}
	if err := st.CreateAdmin(context.Background(), admin, nil); err != nil {
		t.Fatal(err)
	}
}

// client is a browser-like HTTP client: a cookie jar and no redirects
// followed, so tests see each answer.
type client struct {
	t   testing.TB
	f   *fixture
	c   *http.Client
	ip  string
	jar http.CookieJar
}

func (f *fixture) client(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, f: f, jar: jar, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (c *client) do(method, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.f.srv.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp, string(b)
}

func (c *client) get(path string) (*http.Response, string) { return c.do(http.MethodGet, path, nil) }

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the first CSRF token in a page.
func csrf(t testing.TB, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf field in page:\n%.2000s", page)
	}
	return m[1]
}

// login signs in and returns the dashboard's CSRF token.
func (c *client) login(email, password string) (*http.Response, string) {
	c.t.Helper()
	_, page := c.get("/admin/login")
	return c.do(http.MethodPost, "/admin/login", url.Values{
		"csrf": {csrf(c.t, page)}, "email": {email}, "password": {password}, "next": {"/admin/tenants"},
	})
}

// mustLogin signs in with the fixture's admin and returns the session's
// CSRF token.
func (c *client) mustLogin() string {
	c.t.Helper()
	resp, body := c.login(adminEmail, adminPassword)
	if resp.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("login: status %d, want 303\n%.1000s", resp.StatusCode, body)
	}
	_, page := c.get("/admin/")
	return csrf(c.t, page)
}

func timeNow() time.Time { return time.Now() }
