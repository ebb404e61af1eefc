package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/idgate/idgate/internal/pii"
	"github.com/idgate/idgate/internal/sqlstore"
)

// storeConfig is what every command that opens the database needs.
type storeConfig struct {
	DataDir     string
	DatabaseURL string
	PIIKey      string // "<id>:<base64 key>"; default: generated into DataDir
	LogLevel    string
}

// bind registers the flags with IDGATE_* environment defaults.
func (c *storeConfig) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data-dir", env("IDGATE_DATA_DIR", "./idgate-data"), "data folder: SQLite database, PII key, sandbox key (IDGATE_DATA_DIR)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("IDGATE_DATABASE_URL", ""), "postgres://… for PostgreSQL; default SQLite in the data folder (IDGATE_DATABASE_URL)")
	fs.StringVar(&c.PIIKey, "pii-key", env("IDGATE_PII_KEY", ""), "PII encryption key as id:base64(32 bytes); default generated into the data folder (IDGATE_PII_KEY)")
	fs.StringVar(&c.LogLevel, "log-level", env("IDGATE_LOG_LEVEL", "info"), "debug, info, warn or error (IDGATE_LOG_LEVEL)")
}

// storeHandle is an opened store and what came with it.
type storeHandle struct {
	store  *sqlstore.Store
	sealer *pii.Sealer
	log    *slog.Logger
	cfg    storeConfig
}

func (c storeConfig) open(ctx context.Context, stderr io.Writer) (*storeHandle, error) {
	log := newLogger(stderr, c.LogLevel)
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	sealer, err := c.sealer()
	if err != nil {
		return nil, err
	}
	url := c.DatabaseURL
	if url == "" {
		// FULL: a verification is on disk when its answer leaves; group
		// commit makes that one fsync per batch, not per request.
		url = "sqlite://" + filepath.Join(c.DataDir, "idgate.db") + "?synchronous=full"
	}
	st, err := sqlstore.Open(ctx, sqlstore.Options{URL: url, Sealer: sealer, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return &storeHandle{store: st, sealer: sealer, log: log, cfg: c}, nil
}

func (c storeConfig) sealer() (*pii.Sealer, error) {
	var id string
	var key []byte
	var err error
	if c.PIIKey != "" {
		id, key, err = pii.ParseKey(c.PIIKey)
	} else {
		id, key, err = pii.LoadOrCreateKeyFile(filepath.Join(c.DataDir, "pii.key"))
	}
	if err != nil {
		return nil, fmt.Errorf("PII key: %w", err)
	}
	return pii.NewSealer(map[string][]byte{id: key}, id)
}

// withStore parses the store flags that precede a command's own
// arguments, opens the store, and runs fn with the remaining arguments.
func withStore(ctx context.Context, name string, args []string, stderr io.Writer, fn func(*storeHandle, []string) error) error {
	var c storeConfig
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.bind(fs)
	rest, err := splitStoreFlags(fs, args)
	if err != nil {
		return usageError{err}
	}
	if len(rest) == 0 || wantsHelp(rest) {
		// Usage and -h need no database: don't create ./idgate-data for them.
		return fn(&storeHandle{cfg: c}, rest)
	}
	a, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer a.store.Close()
	return fn(a, rest)
}

// splitStoreFlags takes the store flags (--data-dir, --database-url,
// --pii-key, --log-level) out of args wherever they are, leaving the rest
// for the command's own parser.
func splitStoreFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest, own []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name := strings.TrimLeft(a, "-")
		if eq := strings.IndexByte(name, '='); eq >= 0 {
			name = name[:eq]
		}
		if strings.HasPrefix(a, "-") && fs.Lookup(name) != nil {
			own = append(own, a)
			if !strings.Contains(a, "=") && i+1 < len(args) {
				own = append(own, args[i+1])
				i++
			}
			continue
		}
		rest = append(rest, a)
	}
	return rest, fs.Parse(own)
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func envInt(name string, def int) int {
	if v, ok := os.LookupEnv(name); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

func envBool(name string, def bool) bool {
	if v, ok := os.LookupEnv(name); ok {
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, ok := os.LookupEnv(name); ok {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			return true
		}
	}
	return false
}
