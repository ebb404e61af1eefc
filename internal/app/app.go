// Package app wires idgate together: store, authenticator, registry
// sources, face engine, verification core, native API and vendor dialects.
// `idgate serve` and the end-to-end tests build the same App, so what the
// tests exercise is what runs.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/dashboard"
	"github.com/idgate/idgate/internal/dialect/laboremus"
	"github.com/idgate/idgate/internal/dialect/securecitizen"
	"github.com/idgate/idgate/internal/dialect/youverify"
	"github.com/idgate/idgate/internal/httpapi"
	"github.com/idgate/idgate/internal/jobs"
	"github.com/idgate/idgate/internal/metrics"
	"github.com/idgate/idgate/internal/openapi"
	"github.com/idgate/idgate/internal/registry"
	"github.com/idgate/idgate/internal/sandbox"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/verify"
)

// Config is everything the running service is tuned by. Zero values mean
// the documented defaults.
type Config struct {
	DataDir       string // where the sandbox key file lives; "" keeps it only in memory
	Sandbox       bool   // seed the sandbox tenant, identities and key
	SandboxKey    string // fixed sandbox API key (idg_test_…)
	MaxBody       int64
	CacheTTL      time.Duration
	NameThreshold int
	Prices        *verify.Prices // nil means verify.DefaultPrices
	Issuer        string
	Audience      string
	// SecureCookies marks the dashboard's cookies Secure even on plain
	// HTTP (behind a TLS-terminating proxy).
	SecureCookies bool
	// Ready reports whether components outside the store are loaded, for
	// GET /readyz; nil means ready.
	Ready func(ctx context.Context) error
	// Face is the face engine; nil answers face checks with "not available".
	Face idgate.FaceEngine
	Log  *slog.Logger
	Now  idgate.Clock
}

// App is a wired idgate.
type App struct {
	Store      *sqlstore.Store
	Auth       *auth.Authenticator
	Verify     *verify.Service
	Registry   *registry.Local
	Monitor    *registry.Monitor
	Handler    http.Handler
	API        *httpapi.Server  // its Patterns are checked against the OpenAPI document
	Metrics    *metrics.Metrics // the app's own Prometheus registry, served at GET /metrics
	Jobs       *jobs.Runner     // River workers; started by Start
	SandboxKey string           // set when Config.Sandbox
	// SandboxSubscriptionKey is the sandbox tenant's Ocp-Apim-Subscription-Key.
	SandboxSubscriptionKey string
	Sandbox                *idgate.Tenant // set when Config.Sandbox
	cfg                    Config
}

// New wires an App over an open store.
func New(ctx context.Context, st *sqlstore.Store, cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Issuer == "" {
		cfg.Issuer = "idgate"
	}
	if cfg.Audience == "" {
		cfg.Audience = "idgate-api"
	}
	prices := verify.DefaultPrices
	if cfg.Prices != nil {
		prices = *cfg.Prices
	}
	a := &App{Store: st, cfg: cfg}
	var err error
	a.Auth, err = auth.New(st, auth.Config{Issuer: cfg.Issuer, Audience: cfg.Audience, Logger: cfg.Log, Now: cfg.Now})
	if err != nil {
		return nil, fmt.Errorf("authenticator: %w", err)
	}
	if cfg.Sandbox {
		if err := a.seedSandbox(ctx); err != nil {
			return nil, err
		}
	}
	a.Registry = registry.NewLocal(st, cfg.Now)
	a.Metrics = metrics.New()
	if err := a.Metrics.RegisterQueue(st.DB(), nil); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	a.Monitor = registry.NewMonitor(a.Metrics.Source(a.Registry, "local"), a.Registry, cfg.Now)
	a.Verify = &verify.Service{
		Store: st, Source: a.Monitor, Face: cfg.Face, Now: cfg.Now,
		Config:   verify.Config{NameThreshold: cfg.NameThreshold, CacheTTL: cfg.CacheTTL, Prices: prices},
		Observer: a.Metrics,
	}
	sc := &securecitizen.Handler{Verify: a.Verify, Auth: a.Auth, Registry: a.Monitor, Log: cfg.Log, MaxBody: cfg.MaxBody, Now: cfg.Now}
	dash, err := dashboard.New(dashboard.Config{
		Store: st, Registries: a.Monitor, SandboxKey: a.SandboxKey, SandboxSubscriptionKey: a.SandboxSubscriptionKey,
		SecureCookies: cfg.SecureCookies, Log: cfg.Log, Now: cfg.Now,
	})
	if err != nil {
		return nil, err
	}
	a.Jobs, err = jobs.New(ctx, st, a.Verify, jobs.Config{Logger: cfg.Log, Now: cfg.Now, ObserveDelivery: a.Metrics.ObserveWebhookDelivery})
	if err != nil {
		return nil, fmt.Errorf("job runner: %w", err)
	}
	a.Jobs.SetEncoder(idgate.DialectLaboremus, func(v *idgate.Verification) any { return laboremus.Encode(v) })
	dash.SetReplay(dashboard.RiverReplay(st, a.Jobs.Client(), 0))
	yv := &youverify.Handler{Service: a.Verify, Auth: a.Auth, Logger: cfg.Log,
		Config: youverify.Config{MaxBodyBytes: cfg.MaxBody}}
	lb := &laboremus.Handler{Submitter: a.Jobs, Verifications: a.Verify, Auth: a.Auth, Logger: cfg.Log, Now: cfg.Now,
		Config: laboremus.Config{MaxBodyBytes: cfg.MaxBody}}
	api := &httpapi.Server{
		Verify: a.Verify, Auth: a.Auth, Store: st, Log: cfg.Log, MaxBody: cfg.MaxBody,
		Registries: a.Monitor,
		Ready:      cfg.Ready,
	}
	api.Mounts = []map[string]http.Handler{
		sc.Routes(), youverify.Routes(yv), laboremus.Routes(lb),
		api.WalletRoutes(httpapi.WalletConfig{AllowSelfTopUp: cfg.Sandbox, Now: cfg.Now}),
		openapi.Routes(), a.Metrics.Routes(), dash.Routes(),
	}
	a.API = api
	a.Handler = a.Metrics.Middleware(api.Handler())
	dash.SetAPI(a.Handler) // the sandbox console sends through the whole server
	return a, nil
}

// Start starts the background job workers (Uganda requests, webhooks).
// Without Start, asynchronous requests are accepted and stay Pending.
func (a *App) Start(ctx context.Context) error { return a.Jobs.Start(ctx) }

// Stop stops the job workers, letting running jobs finish within ctx.
func (a *App) Stop(ctx context.Context) error { return a.Jobs.Stop(ctx) }

func (a *App) now() time.Time {
	if a.cfg.Now != nil {
		return a.cfg.Now().UTC()
	}
	return time.Now().UTC()
}

// SandboxTenantName names the tenant `idgate serve` seeds for the sandbox.
const SandboxTenantName = "Sandbox"

// seedSandbox makes sure the sandbox tenant, its identities and its API
// key exist. Without a fixed key, the key is kept in the data folder (0600)
// so the same key is printed at every start; it opens only the sandbox.
func (a *App) seedSandbox(ctx context.Context) error {
	tenant, err := a.ensureSandboxTenant(ctx)
	if err != nil {
		return err
	}
	a.Sandbox = tenant
	if err := sandbox.Seed(ctx, a.Store, tenant.ID, a.now()); err != nil {
		return err
	}
	key, err := a.sandboxKey()
	if err != nil {
		return err
	}
	user := idgate.User{ID: "sandbox-api-user", FirstName: "API", LastName: "User"}
	_, err = auth.EnsureAPIKey(ctx, a.Store, tenant.ID, key, "sandbox", user, "serve")
	if idgate.ErrorCode(err) == idgate.ECONFLICT && a.cfg.SandboxKey == "" {
		// The remembered key was revoked: make a new one rather than refuse
		// to start. A key fixed by the operator is never replaced.
		if key, err = a.newSandboxKey(); err == nil {
			_, err = auth.EnsureAPIKey(ctx, a.Store, tenant.ID, key, "sandbox", user, "serve")
		}
	}
	if err != nil {
		return fmt.Errorf("sandbox key: %w", err)
	}
	a.SandboxKey = key
	a.SandboxSubscriptionKey, err = a.sandboxSubscriptionKey(ctx, tenant.ID, user)
	return err
}

// sandboxSubscriptionKey makes sure the sandbox tenant has an active
// Ocp-Apim-Subscription-Key (the Laboremus dialect wants one beside the
// bearer token), remembered in the data folder like the API key.
func (a *App) sandboxSubscriptionKey(ctx context.Context, tenantID string, user idgate.User) (string, error) {
	keyFile := ""
	if a.cfg.DataDir != "" {
		keyFile = filepath.Join(a.cfg.DataDir, "sandbox.subscription-key")
		if b, err := os.ReadFile(keyFile); err == nil {
			if id, key, ok := auth.ParseSubscriptionKey(strings.TrimSpace(string(b))); ok {
				if c, err := a.Store.Credential(ctx, id); err == nil && c.Active() && c.TenantID == tenantID {
					return key, nil
				}
			}
		}
	}
	_, key, err := auth.CreateCredential(ctx, a.Store, tenantID, idgate.SubscriptionKey, "sandbox subscription", user, "serve")
	if err != nil {
		return "", fmt.Errorf("sandbox subscription key: %w", err)
	}
	if keyFile != "" {
		if err := os.WriteFile(keyFile, []byte(key+"\n"), 0o600); err != nil {
			return "", fmt.Errorf("write sandbox subscription key: %w", err)
		}
	}
	return key, nil
}

func (a *App) sandboxKey() (string, error) {
	if a.cfg.SandboxKey != "" {
		return a.cfg.SandboxKey, nil
	}
	keyFile := ""
	if a.cfg.DataDir != "" {
		keyFile = filepath.Join(a.cfg.DataDir, "sandbox.key")
		if b, err := os.ReadFile(keyFile); err == nil {
			return strings.TrimSpace(string(b)), nil
		}
	}
	return a.newSandboxKey()
}

// newSandboxKey generates a sandbox key and remembers it in the data folder.
func (a *App) newSandboxKey() (string, error) {
	_, key, err := auth.NewSecret(idgate.APIKey, true)
	if err != nil {
		return "", err
	}
	if a.cfg.DataDir != "" {
		keyFile := filepath.Join(a.cfg.DataDir, "sandbox.key")
		if err := os.WriteFile(keyFile, []byte(key+"\n"), 0o600); err != nil {
			return "", fmt.Errorf("write sandbox key: %w", err)
		}
	}
	return key, nil
}

func (a *App) ensureSandboxTenant(ctx context.Context) (*idgate.Tenant, error) {
	tenants, err := a.Store.Tenants(ctx)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	for _, t := range tenants {
		if t.Sandbox && t.Name == SandboxTenantName {
			return t, nil
		}
	}
	t := &idgate.Tenant{ID: idgate.NewID(), Name: SandboxTenantName, Sandbox: true, CreatedAt: a.now()}
	audit := &idgate.AuditEntry{Time: t.CreatedAt, TenantID: t.ID, Actor: "serve", Action: "tenant.create", Subject: t.ID}
	if err := a.Store.CreateTenant(ctx, t, audit); err != nil {
		return nil, fmt.Errorf("create sandbox tenant: %w", err)
	}
	return t, nil
}
