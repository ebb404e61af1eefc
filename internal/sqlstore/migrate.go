package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// migration is one versioned schema change; its version is the file name
// without ".sql", e.g. "0001_init", and versions sort in apply order.
type migration struct {
	version string
	sql     string
}

func migrations(engine string) ([]migration, error) {
	dir := "migrations/" + engine
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("sqlstore: read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: strings.TrimSuffix(e.Name(), ".sql"), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

func latestMigration(engine string) (string, error) {
	ms, err := migrations(engine)
	if err != nil {
		return "", err
	}
	if len(ms) == 0 {
		return "", nil
	}
	return ms[len(ms)-1].version, nil
}

// Migrate applies the migrations not yet recorded in schema_migrations,
// each in its own transaction, and returns the versions it applied. Running
// it again is a no-op. On PostgreSQL concurrent Migrate calls (several
// replicas starting) are serialised by a lock on schema_migrations.
func (s *Store) Migrate(ctx context.Context) (applied []string, err error) {
	if s.w != nil {
		// Route through the writer so migrations never race our own writes.
		err = s.w.exclusive(ctx, func(ctx context.Context) error {
			applied, err = s.migrate(ctx)
			return err
		})
		return applied, err
	}
	return s.migrate(ctx)
}

func (s *Store) migrate(ctx context.Context) ([]string, error) {
	ms, err := migrations(s.engine)
	if err != nil {
		return nil, err
	}
	if err := s.createMigrationsTable(ctx); err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range ms {
		done, err := s.applyMigration(ctx, m)
		if err != nil {
			return applied, err
		}
		if done {
			applied = append(applied, m.version)
			s.log.Info("sqlstore: applied migration", "engine", s.engine, "version", m.version)
		}
	}
	return applied, nil
}

// applyMigration applies m unless it is already recorded.
func (s *Store) applyMigration(ctx context.Context, m migration) (bool, error) {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("sqlstore: migration %s: begin: %w", m.version, err)
	}
	defer tx.Rollback()
	if err := s.lockMigrations(ctx, tx); err != nil {
		return false, fmt.Errorf("sqlstore: migration %s: %w", m.version, err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM schema_migrations WHERE version = ?"), m.version).Scan(&n); err != nil {
		return false, fmt.Errorf("sqlstore: migration %s: check: %w", m.version, err)
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("sqlstore: migration %s: %w", m.version, err)
	}
	if _, err := tx.ExecContext(ctx, s.q("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"), m.version, s.now().UnixNano()); err != nil {
		return false, fmt.Errorf("sqlstore: migration %s: record: %w", m.version, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("sqlstore: migration %s: commit: %w", m.version, err)
	}
	return true, nil
}

// migrationLock is the PostgreSQL advisory lock key that serialises
// migrations of replicas starting together ("idgate" in ASCII).
const migrationLock = 0x696467617465

// lockMigrations serialises concurrent migrators on PostgreSQL until tx
// ends. (On SQLite the write transaction itself is exclusive.)
func (s *Store) lockMigrations(ctx context.Context, tx *sql.Tx) error {
	if s.engine != EnginePostgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(migrationLock)); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	return nil
}

// createMigrationsTable creates schema_migrations under the migration lock:
// PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against a concurrent
// create.
func (s *Store) createMigrationsTable(ctx context.Context) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: create schema_migrations: %w", err)
	}
	defer tx.Rollback()
	if err := s.lockMigrations(ctx, tx); err != nil {
		return fmt.Errorf("sqlstore: create schema_migrations: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations
		(version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("sqlstore: create schema_migrations: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: create schema_migrations: %w", err)
	}
	return nil
}
