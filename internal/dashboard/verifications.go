package dashboard

import (
	"context"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/sqlstore"
)

// ActionPIIReveal is the audit action recorded when an operator reveals a
// verification's personal data.
const ActionPIIReveal = "pii.reveal"

var countries = []idgate.Country{idgate.SouthAfrica, idgate.Uganda, idgate.Nigeria, idgate.Kenya}

// verificationFilterForm is the list page's filter, as the form sent it.
type verificationFilterForm struct {
	Tenant, Country, Outcome, Status, From, To, Cursor string
}

func (f verificationFilterForm) query(cursor string) template.URL {
	q := url.Values{}
	for k, v := range map[string]string{"tenant": f.Tenant, "country": f.Country, "outcome": f.Outcome,
		"status": f.Status, "from": f.From, "to": f.To, "cursor": cursor} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return template.URL(q.Encode())
}

type verificationRow struct {
	V      *idgate.Verification
	Tenant string
}

type verificationsView struct {
	Filter   verificationFilterForm
	Tenants  []*idgate.Tenant
	Outcomes []outcomeStyle
	Statuses []idgate.Status
	Country  []idgate.Country
	Rows     []verificationRow
	NextURL  template.URL
}

const dateForm = "2006-01-02"

func (s *Server) verifications(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	q := r.URL.Query()
	form := verificationFilterForm{Tenant: q.Get("tenant"), Country: q.Get("country"), Outcome: q.Get("outcome"),
		Status: q.Get("status"), From: q.Get("from"), To: q.Get("to"), Cursor: q.Get("cursor")}
	f := idgate.VerificationFilter{TenantID: form.Tenant, Country: idgate.Country(form.Country),
		Outcome: idgate.Outcome(form.Outcome), Status: idgate.Status(form.Status), Cursor: form.Cursor, Limit: 50}
	if form.From != "" {
		t, err := time.Parse(dateForm, form.From)
		if err != nil {
			return idgate.FieldError("from", "from must be a date like 2026-01-31")
		}
		f.From = t
	}
	if form.To != "" {
		t, err := time.Parse(dateForm, form.To)
		if err != nil {
			return idgate.FieldError("to", "to must be a date like 2026-01-31")
		}
		f.To = t.Add(24 * time.Hour) // the whole "to" day is included
	}
	list, next, err := s.store.OperatorVerifications(r.Context(), f)
	if err != nil {
		return err
	}
	tenants, names, err := s.tenantIndex(r.Context())
	if err != nil {
		return err
	}
	v := verificationsView{Filter: form, Tenants: tenants, Outcomes: outcomeStyles[:len(outcomeStyles)-1],
		Statuses: []idgate.Status{idgate.StatusPending, idgate.StatusCompleted, idgate.StatusFailed}, Country: countries}
	for _, ver := range list {
		v.Rows = append(v.Rows, verificationRow{V: ver, Tenant: names[ver.TenantID]})
	}
	if next != "" {
		v.NextURL = template.URL(Prefix+"/verifications?") + form.query(next)
	}
	return s.render(w, http.StatusOK, "verifications", pageFor(c, "verifications", "Verifications", v))
}

// tenantIndex returns the tenants and their names by id.
func (s *Server) tenantIndex(ctx context.Context) ([]*idgate.Tenant, map[string]string, error) {
	tenants, err := s.store.Tenants(ctx)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[string]string, len(tenants))
	for _, t := range tenants {
		names[t.ID] = t.Name
	}
	return tenants, names, nil
}

// check is one line of the detail page's "checks" table.
type check struct {
	Name   string
	Result string
	Pass   string // "pass", "fail" or "" (informational)
}

type verificationView struct {
	V          *idgate.Verification
	Tenant     string
	Revealed   bool
	Checks     []check
	Photo      template.URL // data URI of the registry photo, only when revealed
	Deliveries []*sqlstore.WebhookDelivery
}

func (s *Server) verification(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	return s.showVerification(w, r, c, false)
}

// revealVerification appends pii.reveal to the audit log before showing
// the verification unmasked. The page is the POST's answer (no redirect),
// so the unmasked view is never a bookmarkable URL.
func (s *Server) revealVerification(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	v, err := s.store.OperatorVerification(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	audit := &idgate.AuditEntry{Time: s.now(), TenantID: v.TenantID, Actor: c.actor(), Action: ActionPIIReveal,
		Subject: v.ID, Reason: limitText(r.PostForm.Get("reason"), 200)}
	if err := s.store.AppendAudit(r.Context(), audit); err != nil {
		return fmt.Errorf("audit reveal: %w", err)
	}
	return s.showVerification(w, r, c, true)
}

func (s *Server) showVerification(w http.ResponseWriter, r *http.Request, c *pageCtx, reveal bool) error {
	v, err := s.store.OperatorVerification(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	view := verificationView{V: v, Revealed: reveal, Checks: checksOf(v)}
	if t, err := s.store.Tenant(r.Context(), v.TenantID); err == nil {
		view.Tenant = t.Name
	}
	if reveal && v.Result != nil && v.Result.Record != nil {
		view.Photo = photoURI(v.Result.Record.Photo)
	}
	if ws, ok := s.store.(WebhookStore); ok {
		if view.Deliveries, err = ws.WebhookDeliveries(r.Context(), sqlstore.WebhookDeliveryFilter{TenantID: v.TenantID, VerificationID: v.ID}); err != nil {
			return err
		}
	}
	return s.render(w, http.StatusOK, "verification", pageFor(c, "verifications", "Verification "+short(v.ID), view))
}

// photoURI returns a data URI for an image the browser can show, or ""
// for anything that is not a JPEG, PNG or WebP.
func photoURI(b []byte) template.URL {
	ct := http.DetectContentType(b)
	switch ct {
	case "image/jpeg", "image/png", "image/webp":
		return template.URL("data:" + ct + ";base64," + base64.StdEncoding.EncodeToString(b))
	}
	return ""
}

// checksOf lists the result of every check the verification ran.
func checksOf(v *idgate.Verification) []check {
	res := v.Result
	if res == nil {
		return []check{{Name: "registry", Result: "no result yet (" + string(v.Status) + ")"}}
	}
	reg := check{Name: "registry lookup", Result: string(res.Outcome), Pass: passIf(res.Outcome == idgate.OutcomeFound)}
	if res.Cached {
		reg.Result += ", from the identity cache of " + when(derefTime(res.CacheDate))
	}
	if res.ErrorCode != "" {
		reg.Result += fmt.Sprintf(" (%s: %s)", res.ErrorCode, res.ErrorMessage)
	}
	out := []check{reg}
	if n := res.Names; n != nil {
		ok := n.FirstNames >= n.Threshold && n.LastName >= n.Threshold
		txt := fmt.Sprintf("first names %d, last name %d", n.FirstNames, n.LastName)
		if n.MiddleName != nil {
			txt += fmt.Sprintf(", middle name %d", *n.MiddleName)
		}
		txt += fmt.Sprintf(" (threshold %d)", n.Threshold)
		if n.BirthDateMatch != nil {
			txt += fmt.Sprintf("; birth date matches: %s", yesno(*n.BirthDateMatch))
			ok = ok && *n.BirthDateMatch
		}
		out = append(out, check{Name: "names", Result: txt, Pass: passIf(ok)})
	} else if v.Request.Checks.Names {
		out = append(out, check{Name: "names", Result: "not scored"})
	}
	if f := res.Face; f != nil {
		out = append(out, check{Name: "face match", Result: fmt.Sprintf("similarity %.3f, confidence %.1f%% (threshold %.3f)",
			f.Similarity, f.Confidence*100, f.Threshold), Pass: passIf(f.Match)})
	} else if v.Request.Checks.Face {
		out = append(out, check{Name: "face match", Result: "not available"})
	}
	if l := res.Liveness; l != nil {
		out = append(out, check{Name: "liveness", Result: fmt.Sprintf("score %.2f, quality %.2f, spoof %s — %s",
			l.Score, l.Quality, yesno(l.Spoof), l.Message), Pass: passIf(l.Pass)})
	} else if v.Request.Checks.Liveness {
		out = append(out, check{Name: "liveness", Result: "not available"})
	}
	if fr := res.Fraud; fr != nil {
		switch {
		case fr.Unavailable:
			out = append(out, check{Name: "fraud listings", Result: "listing service unavailable"})
		case len(fr.Listings) == 0:
			out = append(out, check{Name: "fraud listings", Result: "no listing", Pass: "pass"})
		default:
			txt := ""
			for i, l := range fr.Listings {
				if i > 0 {
					txt += "; "
				}
				txt += l.ReferenceNo + " (" + l.Category + ")"
			}
			out = append(out, check{Name: "fraud listings", Result: txt, Pass: "fail"})
		}
	} else if v.Request.Checks.Fraud {
		out = append(out, check{Name: "fraud listings", Result: "not screened"})
	}
	return out
}

func passIf(ok bool) string {
	if ok {
		return "pass"
	}
	return "fail"
}

func yesno(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// limitText trims free text from a form to at most n bytes, without
// splitting a character.
func limitText(s string, n int) string {
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "")
	}
	return s
}
