package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/dialect/securecitizen"
	"github.com/idgate/idgate/internal/httpapi"
	"github.com/idgate/idgate/internal/registry"
	"github.com/idgate/idgate/internal/sandbox"
	"github.com/idgate/idgate/internal/verify"
)

// serveConfig is every setting of `idgate serve`.
type serveConfig struct {
	storeConfig
	Listen          string
	Sandbox         bool
	SandboxKey      string
	MaxBody         int64
	CacheTTL        time.Duration
	NameThreshold   int
	Face            bool
	Issuer          string
	Audience        string
	ShutdownTimeout time.Duration
}

func (c *serveConfig) bind(fs *flag.FlagSet) {
	c.storeConfig.bind(fs)
	fs.StringVar(&c.Listen, "listen", env("IDGATE_LISTEN", "127.0.0.1:8080"), "address to listen on (IDGATE_LISTEN)")
	fs.BoolVar(&c.Sandbox, "sandbox", envBool("IDGATE_SANDBOX", true), "seed the sandbox tenant and test identities (IDGATE_SANDBOX)")
	fs.StringVar(&c.SandboxKey, "sandbox-key", env("IDGATE_SANDBOX_KEY", ""), "fix the sandbox tenant's API key (idg_test_…) so scripts can use it (IDGATE_SANDBOX_KEY)")
	fs.Int64Var(&c.MaxBody, "max-body", int64(envInt("IDGATE_MAX_BODY", 8<<20)), "largest request body in bytes (IDGATE_MAX_BODY)")
	fs.DurationVar(&c.CacheTTL, "cache-ttl", envDuration("IDGATE_CACHE_TTL", 30*24*time.Hour), "how long a cached registry answer may be served (IDGATE_CACHE_TTL)")
	fs.IntVar(&c.NameThreshold, "name-threshold", envInt("IDGATE_NAME_THRESHOLD", 0), "name score (0–100) that counts as a match; 0 = default 80 (IDGATE_NAME_THRESHOLD)")
	fs.BoolVar(&c.Face, "face", envBool("IDGATE_FACE", true), "load the face engine for face match and liveness (IDGATE_FACE)")
	fs.StringVar(&c.Issuer, "token-issuer", env("IDGATE_TOKEN_ISSUER", "idgate"), "the iss of OAuth2 access tokens (IDGATE_TOKEN_ISSUER)")
	fs.StringVar(&c.Audience, "token-audience", env("IDGATE_TOKEN_AUDIENCE", "idgate-api"), "the aud every access token must carry (IDGATE_TOKEN_AUDIENCE)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", envDuration("IDGATE_SHUTDOWN_TIMEOUT", 15*time.Second), "how long to let requests finish on SIGTERM (IDGATE_SHUTDOWN_TIMEOUT)")
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c serveConfig
	fs := newFlagSet("serve", "serve [flags]", `  idgate serve
  idgate serve --listen 0.0.0.0:8080 --database-url postgres://idgate@db/idgate
  IDGATE_SANDBOX_KEY=idg_test_… idgate serve
`, stderr)
	c.bind(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	srv, err := newServer(ctx, c, stdout, stderr)
	if err != nil {
		return err
	}
	defer srv.Close()
	return srv.Run(ctx)
}

// server is a wired idgate: the Main of `idgate serve`, usable from tests.
type server struct {
	cfg        serveConfig
	app        *app
	http       *http.Server
	listener   net.Listener
	sandboxKey string
	stdout     io.Writer
}

func newServer(ctx context.Context, c serveConfig, stdout, stderr io.Writer) (*server, error) {
	a, err := c.open(ctx, stderr)
	if err != nil {
		return nil, err
	}
	s := &server{cfg: c, app: a, stdout: stdout}
	if err := s.wire(ctx); err != nil {
		a.store.Close()
		return nil, err
	}
	return s, nil
}

func (s *server) wire(ctx context.Context) error {
	st, log := s.app.store, s.app.log
	authn, err := auth.New(st, auth.Config{Issuer: s.cfg.Issuer, Audience: s.cfg.Audience, Logger: log})
	if err != nil {
		return fmt.Errorf("authenticator: %w", err)
	}
	if s.cfg.Sandbox {
		if s.sandboxKey, err = s.seedSandbox(ctx); err != nil {
			return err
		}
	}
	local := registry.NewLocal(st, nil)
	monitor := registry.NewMonitor(local, local, nil)
	faceEngine, err := newFaceEngine(s.cfg.Face)
	if err != nil {
		return err
	}
	svc := &verify.Service{
		Store: st, Source: monitor, Face: faceEngine,
		Config: verify.Config{NameThreshold: s.cfg.NameThreshold, CacheTTL: s.cfg.CacheTTL, Prices: verify.DefaultPrices},
	}
	sc := &securecitizen.Handler{Verify: svc, Auth: authn, Registry: monitor, Log: log, MaxBody: s.cfg.MaxBody}
	api := &httpapi.Server{
		Verify: svc, Auth: authn, Store: st, Log: log, MaxBody: s.cfg.MaxBody,
		Registries: monitor,
		Mounts:     []map[string]http.Handler{sc.Routes()},
	}
	s.http = &http.Server{
		Handler:           api.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
	}
	s.listener, err = net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return nil
}

// URL is the server's base URL.
func (s *server) URL() string { return "http://" + s.listener.Addr().String() }

// Run serves until ctx is done, then shuts down gracefully.
func (s *server) Run(ctx context.Context) error {
	s.printBanner()
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(s.listener) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.app.log.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := s.http.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// Close releases the database.
func (s *server) Close() error { return s.app.store.Close() }

func (s *server) printBanner() {
	fmt.Fprintf(s.stdout, "idgate %s listening on %s (%s)\n", version, s.URL(), s.app.store.Engine())
	if s.sandboxKey != "" {
		fmt.Fprintf(s.stdout, "sandbox API key: %s\n", s.sandboxKey)
		fmt.Fprintf(s.stdout, "try: curl -s %s/Citizen/RSAIDVerification -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' -d @docs/examples/rsaid.json\n", s.URL(), s.sandboxKey)
		fmt.Fprintln(s.stdout, "sandbox identities: idgate sandbox list")
	}
}

const sandboxTenantName = "Sandbox"

// seedSandbox makes sure the sandbox tenant, its API key and the sandbox
// identities exist, and returns the key. The key is kept in the data folder
// (0600) so it can be printed at every start; it only opens the sandbox.
func (s *server) seedSandbox(ctx context.Context) (string, error) {
	st := s.app.store
	tenant, err := ensureSandboxTenant(ctx, st)
	if err != nil {
		return "", err
	}
	if err := sandbox.Seed(ctx, st, tenant.ID, time.Now().UTC()); err != nil {
		return "", err
	}
	key := s.cfg.SandboxKey
	keyFile := filepath.Join(s.cfg.DataDir, "sandbox.key")
	if key == "" {
		if b, err := os.ReadFile(keyFile); err == nil {
			key = strings.TrimSpace(string(b))
		}
	}
	if key == "" {
		_, secret, err := auth.NewSecret(idgate.APIKey, true)
		if err != nil {
			return "", err
		}
		key = secret
		if err := os.WriteFile(keyFile, []byte(key+"\n"), 0o600); err != nil {
			return "", fmt.Errorf("write sandbox key: %w", err)
		}
	}
	user := idgate.User{ID: idgate.NewID(), FirstName: "API", LastName: "User"}
	if _, err := auth.EnsureAPIKey(ctx, st, tenant.ID, key, "sandbox", user, "serve"); err != nil {
		return "", fmt.Errorf("sandbox key: %w", err)
	}
	return key, nil
}

func ensureSandboxTenant(ctx context.Context, st idgate.Store) (*idgate.Tenant, error) {
	tenants, err := st.Tenants(ctx)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	for _, t := range tenants {
		if t.Sandbox && t.Name == sandboxTenantName {
			return t, nil
		}
	}
	t := &idgate.Tenant{ID: idgate.NewID(), Name: sandboxTenantName, Sandbox: true, CreatedAt: time.Now().UTC()}
	audit := &idgate.AuditEntry{Time: t.CreatedAt, TenantID: t.ID, Actor: "serve", Action: "tenant.create", Subject: t.ID}
	if err := st.CreateTenant(ctx, t, audit); err != nil {
		return nil, fmt.Errorf("create sandbox tenant: %w", err)
	}
	return t, nil
}

// newFaceEngine loads the face engine when enabled. Until the engine is
// built in, face checks answer "not available" (ENOTIMPLEMENTED).
func newFaceEngine(enabled bool) (idgate.FaceEngine, error) {
	return nil, nil
}
