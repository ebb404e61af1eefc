// Package sqlstore implements idgate.Store over database/sql for two
// engines: SQLite (modernc.org/sqlite, one WAL file, the default) and
// PostgreSQL (pgx's database/sql driver). SQL is written once with `?`
// placeholders and rebound to `$n` for PostgreSQL; the schema is kept per
// engine under migrations/ and applied by Migrate, each migration in its own
// transaction and recorded in schema_migrations.
//
// All writes go through one writer goroutine that commits concurrent
// operations together (group commit, see writer.go): one commit, and one
// fsync, for every batch; a failing operation is undone alone. Every write
// that takes an *idgate.AuditEntry appends it in the same transaction, to a
// hash chain whose head (audit_head) every replica shares.
//
// Schema conventions: times are BIGINT Unix nanoseconds (UTC) on both
// engines; personal data lives only in `sealed` columns (pii.Sealer, bound
// to the row by rowContext); ID numbers appear only as `lookup` blind
// indexes. Maintain is the daily housekeeping; Reseal re-encrypts after a
// key rotation.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/pii"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Engines.
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
)

// Options configure Open.
type Options struct {
	// URL is "sqlite:///path/idgate.db", a plain file path, or
	// "postgres://..." / "postgresql://...". A SQLite URL may carry
	// ?synchronous=full to fsync every commit (the default is NORMAL; see
	// sqliteDSN).
	URL string
	// Sealer encrypts PII columns; required.
	Sealer *pii.Sealer
	// Now is the clock for times the store fills in; time.Now by default.
	Now idgate.Clock
	// Logger receives operational messages (never PII); slog.Default() by
	// default.
	Logger *slog.Logger
	// SkipMigrate opens without applying pending migrations, for `idgate
	// migrate`, which calls Migrate itself to report what it applied.
	SkipMigrate bool
}

// Store is the SQL implementation of idgate.Store.
type Store struct {
	engine string
	write  *sql.DB // SQLite: one connection; PostgreSQL: the shared pool
	read   *sql.DB // SQLite: a reader pool; PostgreSQL: the same pool as write
	sealer *pii.Sealer
	now    idgate.Clock
	log    *slog.Logger
	w      *writer
	stmts  *stmtCache // SQLite writer statements; nil on PostgreSQL
	// readPrepared holds SQLite's prepared hot reads; nil on PostgreSQL,
	// where pgx caches statements itself.
	readPrepared *readStmts
}

var _ idgate.Store = (*Store)(nil)

// Open connects to the database named by o.URL, applies pending migrations
// (unless o.SkipMigrate) and starts the writer.
func Open(ctx context.Context, o Options) (*Store, error) {
	if o.Sealer == nil {
		return nil, errors.New("sqlstore: Options.Sealer is required")
	}
	s := &Store{sealer: o.Sealer, now: o.Now, log: o.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if err := s.connect(o.URL); err != nil {
		return nil, err
	}
	if !o.SkipMigrate {
		if _, err := s.Migrate(ctx); err != nil {
			s.closeDBs()
			return nil, err
		}
	}
	if s.engine == EngineSQLite {
		s.stmts = newStmtCache(s.write)
		s.readPrepared = &readStmts{}
	}
	s.w = newWriter(s.write, s.stmts, s.flushAudit, s.log)
	return s, nil
}

func (s *Store) connect(raw string) error {
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		db, err := sql.Open("pgx", raw)
		if err != nil {
			return fmt.Errorf("sqlstore: open postgres: %w", err)
		}
		db.SetMaxOpenConns(max(8, 4*runtime.GOMAXPROCS(0)))
		db.SetMaxIdleConns(max(8, 4*runtime.GOMAXPROCS(0)))
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.engine, s.write, s.read = EnginePostgres, db, db
		return nil
	case raw == "":
		return errors.New("sqlstore: Options.URL is empty")
	}
	path, sync, err := parseSQLiteURL(raw)
	if err != nil {
		return err
	}
	w, err := sql.Open("sqlite", sqliteDSN(path, sync, false))
	if err != nil {
		return fmt.Errorf("sqlstore: open sqlite writer: %w", err)
	}
	// SQLite has one writer at a time; one connection makes that explicit
	// and avoids SQLITE_BUSY between our own connections.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", sqliteDSN(path, sync, true))
	if err != nil {
		w.Close()
		return fmt.Errorf("sqlstore: open sqlite readers: %w", err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	s.engine, s.write, s.read = EngineSQLite, w, r
	// Create the file and switch it to WAL before readers race to do so.
	if err := w.Ping(); err != nil {
		s.closeDBs()
		return fmt.Errorf("sqlstore: open sqlite %s: %w", path, err)
	}
	return nil
}

// parseSQLiteURL accepts "sqlite:///abs/path", "sqlite://rel/path",
// "sqlite:path" or a plain path, with an optional ?synchronous=normal|full.
func parseSQLiteURL(raw string) (path, sync string, err error) {
	sync = "NORMAL"
	rest := raw
	switch {
	case strings.HasPrefix(rest, "sqlite://"):
		rest = strings.TrimPrefix(rest, "sqlite://")
	case strings.HasPrefix(rest, "sqlite:"):
		rest = strings.TrimPrefix(rest, "sqlite:")
	case strings.Contains(rest, "://"):
		return "", "", fmt.Errorf("sqlstore: unsupported database URL scheme in %q", redactURL(raw))
	}
	path, query, _ := strings.Cut(rest, "?")
	if query != "" {
		q, err := url.ParseQuery(query)
		if err != nil {
			return "", "", fmt.Errorf("sqlstore: sqlite URL query: %w", err)
		}
		for k, v := range q {
			switch k {
			case "synchronous":
				switch strings.ToUpper(v[0]) {
				case "NORMAL", "FULL":
					sync = strings.ToUpper(v[0])
				default:
					return "", "", fmt.Errorf("sqlstore: sqlite synchronous=%q: want normal or full", v[0])
				}
			default:
				return "", "", fmt.Errorf("sqlstore: unknown sqlite URL parameter %q", k)
			}
		}
	}
	if path == "" {
		return "", "", errors.New("sqlstore: sqlite URL has no path")
	}
	return path, sync, nil
}

// sqliteDSN builds the modernc DSN. busy_timeout comes first so that the
// pragmas after it wait instead of failing on a locked file.
//
// Durability: with journal_mode=WAL and synchronous=NORMAL a commit is not
// fsynced; it survives a crash of the process but the last transactions
// before a power loss or kernel crash may be lost (the database stays
// consistent). synchronous=FULL fsyncs the WAL on every commit; group commit
// makes that one fsync per batch. See docs/benchmarks/store.md for both.
func sqliteDSN(path, sync string, readOnly bool) string {
	v := url.Values{}
	v.Add("_pragma", "busy_timeout(10000)")
	v.Add("_pragma", "journal_mode(WAL)")
	v.Add("_pragma", "foreign_keys(1)")
	v.Add("_pragma", "synchronous("+sync+")")
	if readOnly {
		v.Add("_pragma", "query_only(1)")
	} else {
		v.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + v.Encode()
}

// redactURL drops credentials from a database URL for error messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable URL>"
	}
	return u.Redacted()
}

// DB returns the database handle writes use (on SQLite, the single writer
// connection). Writing through it bypasses group commit; prefer InTx.
func (s *Store) DB() *sql.DB { return s.write }

// Engine returns "sqlite" or "postgres".
func (s *Store) Engine() string { return s.engine }

// Close stops the writer (after it finishes queued operations) and closes
// the databases.
func (s *Store) Close() error {
	if s.w != nil {
		s.w.close()
	}
	if s.stmts != nil {
		s.stmts.close()
	}
	if s.readPrepared != nil {
		s.readPrepared.close()
	}
	return s.closeDBs()
}

func (s *Store) closeDBs() error {
	err := s.write.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

// Ping reports whether the database answers and its migrations are current.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return &idgate.Error{Code: idgate.EUNAVAILABLE, Message: "database unavailable", Err: err}
	}
	latest, err := latestMigration(s.engine)
	if err != nil {
		return err
	}
	var got sql.NullString
	if err := s.read.QueryRowContext(ctx, "SELECT MAX(version) FROM schema_migrations").Scan(&got); err != nil {
		return &idgate.Error{Code: idgate.EUNAVAILABLE, Message: "database unavailable", Err: err}
	}
	if got.String != latest {
		return idgate.Errorf(idgate.EUNAVAILABLE, "database schema at %q, want %q: run idgate migrate", got.String, latest)
	}
	return nil
}

// rebind turns `?` placeholders into `$1, $2…` for PostgreSQL. Queries
// must not contain `?` inside string literals.
func rebind(engine, query string) string {
	if engine != EnginePostgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// q rebinds a query for this store's engine.
func (s *Store) q(query string) string { return rebind(s.engine, query) }

// nanos converts a time to the stored form; the zero time is stored as 0.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNanos is the inverse of nanos, in UTC.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func nullNanos(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

func fromNullNanos(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := time.Unix(0, n.Int64).UTC()
	return &t
}
