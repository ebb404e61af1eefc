// Package dashboard is idgate's operator web UI, served under /admin by the
// same binary: server-rendered html/template pages with embedded CSS, a few
// lines of JavaScript and no external assets. Operators sign in with an
// admin account (`idgate admin create`); sessions live in the store (only
// token hashes), every form carries the session's CSRF token, and logins are
// rate-limited per client address and per account.
//
// Pages: overview (verification volume and outcomes as a server-rendered
// SVG chart, registry health, job queue depth), verifications (filters,
// detail with each check, PII masked until an audited reveal), tenants and
// subsidiaries, credentials (secret shown once, revoke), wallets and
// top-ups, fraud listings, webhooks and their delivery log (with replay
// when a job runner is wired), the audit log with its chain status, and a
// sandbox console that sends sample requests of every dialect to the
// server itself.
package dashboard

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/sqlstore"
)

// Prefix is where the dashboard is mounted.
const Prefix = "/admin"

// Store is what the dashboard reads and writes: the domain store, admin
// accounts, and operator queries that span tenants (internal/sqlstore
// implements all of it).
type Store interface {
	idgate.Store
	idgate.AdminStore
	// OperatorVerifications lists verifications; f.TenantID is optional.
	OperatorVerifications(ctx context.Context, f idgate.VerificationFilter) ([]*idgate.Verification, string, error)
	// OperatorVerification returns any tenant's verification.
	OperatorVerification(ctx context.Context, id string) (*idgate.Verification, error)
	// VerificationVolume counts verifications per bucket and outcome.
	VerificationVolume(ctx context.Context, tenantID string, from, to time.Time, bucket time.Duration) ([]idgate.VolumePoint, error)
	// AuditEntriesNewest lists audit entries newest first.
	AuditEntriesNewest(ctx context.Context, f sqlstore.AuditFilter) ([]*idgate.AuditEntry, error)
	// QueueDepth counts background jobs by state; ok is false without a
	// job queue.
	QueueDepth(ctx context.Context) (byState map[string]int64, oldestWaiting time.Duration, ok bool, err error)
}

// WebhookStore is implemented by stores that keep webhooks and their
// delivery log; the webhooks page shows them when the store has them.
type WebhookStore interface {
	Webhooks(ctx context.Context, tenantID string) ([]*sqlstore.Webhook, error)
	WebhookDeliveries(ctx context.Context, f sqlstore.WebhookDeliveryFilter) ([]*sqlstore.WebhookDelivery, error)
}

// RegistryHealth reports per-registry health (registry.Monitor).
type RegistryHealth interface {
	Health(ctx context.Context) []idgate.RegistryHealth
}

// ReplayFunc enqueues a webhook event again, for the same webhook.
type ReplayFunc func(ctx context.Context, d *sqlstore.WebhookDelivery) error

// Config wires the dashboard.
type Config struct {
	Store      Store
	Registries RegistryHealth // optional
	// Replay re-sends a webhook event; nil hides the replay buttons.
	Replay ReplayFunc
	// SandboxKey and SandboxSubscriptionKey pre-fill the sandbox console's
	// key fields.
	SandboxKey             string
	SandboxSubscriptionKey string
	// SecureCookies forces the Secure attribute on cookies (set it behind
	// a TLS-terminating proxy); cookies are Secure anyway on TLS requests.
	SecureCookies bool
	// SessionTTL is how long a sign-in lasts [12h].
	SessionTTL time.Duration
	Log        *slog.Logger
	Now        idgate.Clock
}

// Server serves the dashboard. Build it with New and mount Routes.
type Server struct {
	cfg       Config
	store     Store
	pages     map[string]*template.Template
	static    fs.FS
	versions  map[string]string // asset name → short SHA-256 of its bytes
	ipLimit   *failureLimiter
	userLimit *failureLimiter
	api       http.Handler
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Login limits: failures per client address and per account within the
// window before further attempts are refused until the window ends.
const (
	maxFailuresPerIP      = 20
	maxFailuresPerAccount = 5
	failureWindow         = 15 * time.Minute
)

// New builds a dashboard server.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("dashboard: Config.Store is required")
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("dashboard: static assets: %w", err)
	}
	versions, err := assetVersions(static)
	if err != nil {
		return nil, err
	}
	pages, err := parsePages(versions)
	if err != nil {
		return nil, err
	}
	return &Server{
		cfg: cfg, store: cfg.Store, pages: pages, static: static, versions: versions,
		ipLimit:   newFailureLimiter(maxFailuresPerIP, failureWindow, cfg.Now),
		userLimit: newFailureLimiter(maxFailuresPerAccount, failureWindow, cfg.Now),
	}, nil
}

// SetReplay turns on the webhook replay buttons once a job runner exists
// (see RiverReplay). Call it before serving.
func (s *Server) SetReplay(f ReplayFunc) { s.cfg.Replay = f }

// SetAPI gives the sandbox console the server's root handler, which it
// sends sample requests through. Call it before serving.
func (s *Server) SetAPI(h http.Handler) { s.api = h }

func (s *Server) now() time.Time { return s.cfg.Now().UTC() }

// Routes returns every dashboard route by ServeMux pattern, for
// httpapi.Server.Mounts.
func (s *Server) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"GET /admin":                       http.RedirectHandler(Prefix+"/", http.StatusSeeOther),
		"GET /admin/static/{file}":         s.plain(s.serveStatic),
		"GET /admin/login":                 s.plain(s.loginPage),
		"POST /admin/login":                s.plain(s.login),
		"POST /admin/logout":               s.authed(s.logout),
		"GET /admin/{$}":                   s.authed(s.overview),
		"GET /admin/verifications":         s.authed(s.verifications),
		"GET /admin/verifications/{id}":    s.authed(s.verification),
		"POST /admin/verifications/{id}":   s.authed(s.revealVerification),
		"GET /admin/tenants":               s.authed(s.tenants),
		"POST /admin/tenants":              s.authed(s.createTenant),
		"GET /admin/tenants/{id}":          s.authed(s.tenant),
		"GET /admin/keys":                  s.authed(s.keys),
		"POST /admin/keys":                 s.authed(s.createKey),
		"POST /admin/keys/{id}/revoke":     s.authed(s.revokeKey),
		"GET /admin/wallets":               s.authed(s.wallets),
		"POST /admin/wallets":              s.authed(s.topUp),
		"GET /admin/fraud":                 s.authed(s.fraud),
		"GET /admin/webhooks":              s.authed(s.webhooks),
		"POST /admin/webhooks/replay/{id}": s.authed(s.replayWebhook),
		"GET /admin/audit":                 s.authed(s.audit),
		"GET /admin/sandbox":               s.authed(s.sandbox),
		"POST /admin/sandbox":              s.authed(s.sendSample),
		"/admin/":                          s.authed(notFoundPage),
	}
}

func notFoundPage(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	return idgate.Errorf(idgate.ENOTFOUND, "no such page")
}

// assetVersions fingerprints every embedded asset, so pages can link
// "style.css?v=<hash>" and browsers cache each version for good.
func assetVersions(static fs.FS) (map[string]string, error) {
	entries, err := fs.ReadDir(static, ".")
	if err != nil {
		return nil, fmt.Errorf("dashboard: list assets: %w", err)
	}
	versions := map[string]string{}
	for _, e := range entries {
		b, err := fs.ReadFile(static, e.Name())
		if err != nil {
			return nil, fmt.Errorf("dashboard: read asset %s: %w", e.Name(), err)
		}
		sum := sha256.Sum256(b)
		versions[e.Name()] = hex.EncodeToString(sum[:6])
	}
	return versions, nil
}

// serveStatic serves an embedded asset. A request for the current
// version (?v=<hash>) may be cached for a year; anything else for a day.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	b, err := fs.ReadFile(s.static, name)
	if err != nil {
		return idgate.Errorf(idgate.ENOTFOUND, "no such asset")
	}
	switch {
	case hasSuffix(name, ".css"):
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case hasSuffix(name, ".js"):
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case hasSuffix(name, ".svg"):
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	if v := r.URL.Query().Get("v"); v != "" && v == s.versions[name] {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=86400")
	}
	w.Header().Set("ETag", `"`+s.versions[name]+`"`)
	_, err = w.Write(b)
	return err
}

func hasSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}
