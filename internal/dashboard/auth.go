package dashboard

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/httpx"
)

// Cookie names. The login cookie carries the login form's CSRF token before
// there is a session (double submit); the session cookie carries the
// session token.
const (
	sessionCookie = "idgate_admin"
	loginCookie   = "idgate_admin_login"
)

// maxFormBytes bounds every dashboard form (the sandbox console's bodies
// are the largest).
const maxFormBytes = 256 << 10

// pageCtx is what an authenticated handler knows about the request.
type pageCtx struct {
	Admin   *idgate.Admin
	Session *idgate.AdminSession
}

// actor names the operator in the audit log.
func (c *pageCtx) actor() string { return "admin:" + c.Admin.Email }

type pageHandler func(w http.ResponseWriter, r *http.Request, c *pageCtx) error

// plain wraps a handler that needs no session.
func (s *Server) plain(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setPageHeaders(w)
		if err := h(w, r); err != nil {
			s.renderError(w, r, nil, err)
		}
	})
}

// authed wraps a handler that needs a signed-in admin. Unsigned GETs are
// sent to the login page; every POST must carry the session's CSRF token.
func (s *Server) authed(h pageHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setPageHeaders(w)
		c, err := s.session(r)
		if err != nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, Prefix+"/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.renderError(w, r, nil, idgate.Errorf(idgate.EUNAUTHORIZED, "your session has ended; sign in again"))
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if err := r.ParseForm(); err != nil {
				s.renderError(w, r, c, idgate.Errorf(idgate.ETOOLARGE, "the form is too large"))
				return
			}
			if !tokensEqual(r.PostForm.Get("csrf"), c.Session.CSRFToken) {
				s.renderError(w, r, c, idgate.Errorf(idgate.EFORBIDDEN, "the form has expired or did not come from this dashboard; reload the page and try again"))
				return
			}
		}
		if err := h(w, r, c); err != nil {
			s.renderError(w, r, c, err)
		}
	})
}

// setPageHeaders forbids caching (pages may show PII and secrets) and
// loading anything from outside the dashboard.
func setPageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

func tokensEqual(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// session loads the signed-in admin from the session cookie.
func (s *Server) session(r *http.Request) (*pageCtx, error) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" || len(ck.Value) > 100 {
		return nil, idgate.Errorf(idgate.EUNAUTHORIZED, "not signed in")
	}
	sess, err := s.store.AdminSession(r.Context(), hashToken(ck.Value), s.now())
	if err != nil {
		return nil, err
	}
	admin, err := s.store.Admin(r.Context(), sess.AdminID)
	if err != nil {
		return nil, err
	}
	if !admin.Active() {
		return nil, idgate.Errorf(idgate.EUNAUTHORIZED, "account disabled")
	}
	return &pageCtx{Admin: admin, Session: sess}, nil
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) secure(r *http.Request) bool { return s.cfg.SecureCookies || r.TLS != nil }

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: Prefix, MaxAge: int(maxAge / time.Second),
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode,
	})
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: Prefix, MaxAge: -1,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteStrictMode,
	})
}

// loginView is the login page's data.
type loginView struct {
	CSRF  string
	Next  string
	Email string
	Error string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.session(r); err == nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return s.renderLogin(w, r, http.StatusOK, loginView{Next: r.URL.Query().Get("next")})
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, v loginView) error {
	v.CSRF = randomToken()
	v.Next = safeNext(v.Next)
	s.setCookie(w, r, loginCookie, v.CSRF, time.Hour)
	return s.render(w, status, "login", page{Title: "Sign in", Data: v})
}

// login checks the form's double-submitted token, the rate limits and the
// password, then starts a session. Every failure answers the same
// "email or password is wrong" so accounts cannot be enumerated.
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return idgate.Errorf(idgate.ETOOLARGE, "the form is too large")
	}
	email := strings.ToLower(strings.TrimSpace(r.PostForm.Get("email")))
	password := r.PostForm.Get("password")
	next := r.PostForm.Get("next")
	ck, err := r.Cookie(loginCookie)
	if err != nil || !tokensEqual(r.PostForm.Get("csrf"), ck.Value) {
		return s.renderLogin(w, r, http.StatusForbidden, loginView{Next: next, Email: email,
			Error: "The sign-in form expired. Please try again."})
	}
	ip := clientIP(r)
	if ok, wait := s.ipLimit.Allowed("ip:" + ip); !ok {
		return s.tooMany(w, r, next, email, wait)
	}
	if ok, wait := s.userLimit.Allowed("user:" + email); !ok {
		return s.tooMany(w, r, next, email, wait)
	}
	admin, err := s.authenticate(r.Context(), email, password)
	if err != nil {
		if idgate.ErrorCode(err) != idgate.EUNAUTHORIZED {
			return err
		}
		s.ipLimit.Fail("ip:" + ip)
		s.userLimit.Fail("user:" + email)
		s.cfg.Log.Info("dashboard: sign-in failed", "ip", ip)
		return s.renderLogin(w, r, http.StatusUnauthorized, loginView{Next: next, Email: email, Error: "Email or password is wrong."})
	}
	s.userLimit.Reset("user:" + email)
	token := randomToken()
	now := s.now()
	sess := &idgate.AdminSession{
		TokenHash: hashToken(token), AdminID: admin.ID, CSRFToken: randomToken(),
		CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL),
	}
	if err := s.store.CreateAdminSession(r.Context(), sess); err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	if err := s.store.AppendAudit(r.Context(), &idgate.AuditEntry{Time: now, Actor: "admin:" + admin.Email,
		Action: "admin.login", Subject: admin.ID}); err != nil {
		return fmt.Errorf("audit sign-in: %w", err)
	}
	if _, err := s.store.DeleteExpiredAdminSessions(r.Context(), now); err != nil {
		s.cfg.Log.Warn("dashboard: purge expired sessions", "err", err)
	}
	s.clearCookie(w, r, loginCookie)
	s.setCookie(w, r, sessionCookie, token, s.cfg.SessionTTL)
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
	return nil
}

func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, next, email string, wait time.Duration) error {
	w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
	mins := int(wait.Minutes()) + 1
	return s.renderLogin(w, r, http.StatusTooManyRequests, loginView{Next: next, Email: email,
		Error: fmt.Sprintf("Too many failed sign-ins. Try again in %d minute(s).", mins)})
}

// authenticate returns the active admin whose password matches. Unknown
// emails still cost one hash, so timing does not tell them apart.
func (s *Server) authenticate(ctx context.Context, email, password string) (*idgate.Admin, error) {
	wrong := idgate.Errorf(idgate.EUNAUTHORIZED, "email or password is wrong")
	admin, err := s.store.AdminByEmail(ctx, email)
	switch {
	case idgate.ErrorCode(err) == idgate.ENOTFOUND:
		VerifyPassword(dummyHash(), password)
		return nil, wrong
	case err != nil:
		return nil, err
	}
	if !VerifyPassword(admin.PasswordHash, password) || !admin.Active() {
		return nil, wrong
	}
	return admin, nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	if err := s.store.DeleteAdminSession(r.Context(), c.Session.TokenHash); err != nil {
		return err
	}
	s.clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, Prefix+"/login", http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-login redirect inside the dashboard.
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix+"/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return Prefix + "/"
	}
	return next
}

// clientIP is the TCP peer's address. X-Forwarded-For is not trusted: a
// client could set it to dodge the per-address limit.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// renderError shows err as a page with the status its code maps to.
// Internal errors are logged with an id and shown only by that id.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, c *pageCtx, err error) {
	status := httpx.Status(err)
	msg := idgate.ErrorMessage(err)
	if status == http.StatusInternalServerError {
		msg = "Something went wrong. Quote error id " + httpx.LogInternal(s.cfg.Log, r, err) + " when reporting it."
	}
	p := page{Title: http.StatusText(status), Data: errorView{Status: status, Message: msg}}
	if c != nil {
		p.Admin, p.CSRF = c.Admin.Email, c.Session.CSRFToken
	}
	if rerr := s.render(w, status, "error", p); rerr != nil {
		s.cfg.Log.Error("dashboard: render error page", "err", rerr)
	}
}

type errorView struct {
	Status  int
	Message string
}
