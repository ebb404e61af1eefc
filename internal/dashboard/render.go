package dashboard

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/idgate/idgate"
)

// page is what every template gets: the layout's fields and the page's own
// data.
type page struct {
	Title string
	Nav   string // the active menu entry
	Admin string // the signed-in admin's email; "" on the login page
	CSRF  string
	Flash string
	Data  any
}

var funcs = template.FuncMap{
	"money":    money,
	"when":     when,
	"short":    short,
	"maskID":   maskID,
	"maskName": maskName,
	"pct":      func(f float64) string { return fmt.Sprintf("%.1f%%", f*100) },
	"kind":     kindLabel,
	"yesno": func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	},
}

// parsePages parses layout.html with each page template into its own set,
// so every page can define "content". versions fingerprints the assets
// for the "asset" function.
func parsePages(versions map[string]string) (map[string]*template.Template, error) {
	fm := template.FuncMap{"asset": func(name string) string { return Prefix + "/static/" + name + "?v=" + versions[name] }}
	for k, v := range funcs {
		fm[k] = v
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(path.Base(n), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(fm).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("dashboard: parse %s: %w", n, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// render executes a page into a buffer first, so a template error becomes
// an error page rather than half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, p page) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("dashboard: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return fmt.Errorf("dashboard: render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// pageFor starts a page for a signed-in admin.
func pageFor(c *pageCtx, nav, title string, data any) page {
	return page{Title: title, Nav: nav, Admin: c.Admin.Email, CSRF: c.Session.CSRFToken, Data: data}
}

// money formats minor units as major units with two decimals: 123456 →
// "1,234.56".
func money(minor int64) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	whole := fmt.Sprint(minor / 100)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s%s.%02d", sign, b.String(), minor%100)
}

func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// short is the first eight characters of an id, enough to tell ids apart
// on a page.
func short(id string) string {
	if len(id) <= 8 {
		return id
	}
	return id[:8]
}

// maskID shows only the last four characters of an identity number.
func maskID(n string) string {
	k := utf8.RuneCountInString(n)
	if k <= 4 {
		return strings.Repeat("•", k)
	}
	r := []rune(n)
	return strings.Repeat("•", k-4) + string(r[k-4:])
}

// maskName keeps the first letter of each word of a name.
func maskName(name string) string {
	words := strings.Fields(name)
	for i, w := range words {
		r := []rune(w)
		words[i] = string(r[0]) + strings.Repeat("•", len(r)-1)
	}
	return strings.Join(words, " ")
}

// kindLabel names a credential kind for people.
func kindLabel(k idgate.CredentialKind) string {
	switch k {
	case idgate.APIKey:
		return "API key"
	case idgate.OAuthClient:
		return "OAuth client"
	case idgate.SubscriptionKey:
		return "subscription key"
	}
	return string(k)
}
