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
	"runtime/debug"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/app"
	"github.com/idgate/idgate/internal/face"
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
	tuneGC()
	srv, err := newServer(ctx, c, stdout, stderr)
	if err != nil {
		return err
	}
	defer srv.Close()
	return srv.Run(ctx)
}

// server is `idgate serve`: a wired App behind an http.Server.
type server struct {
	cfg      serveConfig
	store    *storeHandle
	app      *app.App
	http     *http.Server
	listener net.Listener
	stdout   io.Writer
}

func newServer(ctx context.Context, c serveConfig, stdout, stderr io.Writer) (*server, error) {
	st, err := c.open(ctx, stderr)
	if err != nil {
		return nil, err
	}
	s := &server{cfg: c, store: st, stdout: stdout}
	if err := s.wire(ctx); err != nil {
		st.store.Close()
		return nil, err
	}
	return s, nil
}

func (s *server) wire(ctx context.Context) error {
	faceEngine, err := newFaceEngine(s.cfg.Face)
	if err != nil {
		return err
	}
	s.app, err = app.New(ctx, s.store.store, app.Config{
		DataDir: s.cfg.DataDir, Sandbox: s.cfg.Sandbox, SandboxKey: s.cfg.SandboxKey,
		MaxBody: s.cfg.MaxBody, CacheTTL: s.cfg.CacheTTL, NameThreshold: s.cfg.NameThreshold,
		Issuer: s.cfg.Issuer, Audience: s.cfg.Audience, Face: faceEngine, Log: s.store.log,
		Ready: func(context.Context) error {
			if s.cfg.Face && faceEngine == nil {
				return errors.New("face models not loaded")
			}
			return nil
		},
	})
	if err != nil {
		return err
	}
	s.http = &http.Server{
		Handler:           s.app.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
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
	if err := s.app.Start(ctx); err != nil {
		return fmt.Errorf("start job workers: %w", err)
	}
	s.printBanner()
	go s.maintain(ctx)
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(s.listener) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.store.log.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := s.http.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := s.app.Stop(shutdownCtx); err != nil {
		return fmt.Errorf("stop job workers: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// Close releases the database.
func (s *server) Close() error { return s.store.store.Close() }

func (s *server) printBanner() {
	fmt.Fprintf(s.stdout, "idgate %s listening on %s (%s)\n", version, s.URL(), s.store.store.Engine())
	if key := s.app.SandboxKey; key != "" {
		fmt.Fprintf(s.stdout, "sandbox API key: %s\n", key)
		fmt.Fprintf(s.stdout, "try:  curl -s %s/Citizen/RSAIDVerification -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \\\n", s.URL(), key)
		fmt.Fprintln(s.stdout, `        -d '{"ConsentReceived":true,"IdNumber":"8507145123085","FirstNames":"Thabo Johannes","LastName":"Mokoena","RequestReason":"Customer onboarding"}'`)
		fmt.Fprintf(s.stdout, "sandbox subscription key (Laboremus Ocp-Apim-Subscription-Key): %s\n", s.app.SandboxSubscriptionKey)
		fmt.Fprintln(s.stdout, "sandbox identities: idgate sandbox list")
	}
}

// newFaceEngine loads the embedded face models when enabled. Disabled,
// face checks answer "not available" (ENOTIMPLEMENTED).
func newFaceEngine(enabled bool) (idgate.FaceEngine, error) {
	if !enabled {
		return nil, nil
	}
	e, err := face.New(face.Config{})
	if err != nil {
		return nil, fmt.Errorf("load face engine: %w", err)
	}
	return e, nil
}

// tuneGC trades memory for CPU: a verification allocates a few hundred
// kilobytes that die at once, and at Go's default GOGC=100 collection took
// a tenth of the CPU under load. GOGC and GOMEMLIMIT, when set, win.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(2 << 30) // collect harder before 2 GiB, whatever GOGC says
	}
}

// maintain runs the store's housekeeping (SQLite: WAL checkpoint and
// planner statistics) an hour after start and daily after that.
func (s *server) maintain(ctx context.Context) {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.store.store.Maintain(ctx); err != nil {
			s.store.log.Warn("store maintenance failed", "err", err)
		}
		t.Reset(24 * time.Hour)
	}
}
