// Package jobstest opens real stores on both engines for the tests of
// internal/jobs and the packages that build on it: SQLite in a temporary
// folder, and PostgreSQL in a fresh schema when IDGATE_TEST_DATABASE_URL
// is set (skipped otherwise).
package jobstest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/idgate/idgate/internal/pii"
	"github.com/idgate/idgate/internal/sqlstore"
)

// Engines are the engine names ForEachEngine runs.
var Engines = []string{sqlstore.EngineSQLite, sqlstore.EnginePostgres}

// ForEachEngine runs fn as a subtest per engine with a fresh store.
func ForEachEngine(t *testing.T, fn func(t *testing.T, st *sqlstore.Store)) {
	for _, engine := range Engines {
		t.Run(engine, func(t *testing.T) { fn(t, Open(t, engine)) })
	}
}

// Sealer returns a sealer with a fixed test key.
func Sealer(t testing.TB) *pii.Sealer {
	t.Helper()
	key := make([]byte, pii.KeySize)
	for i := range key {
		key[i] = byte(i)
	}
	s, err := pii.NewSealer(map[string][]byte{"test": key}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// URL returns a database URL for a fresh, empty database of the engine:
// a file in a temporary folder, or a PostgreSQL schema dropped when the
// test ends.
func URL(t testing.TB, engine string) string {
	t.Helper()
	if engine == sqlstore.EngineSQLite {
		return "sqlite://" + filepath.Join(t.TempDir(), "idgate.db")
	}
	base := os.Getenv("IDGATE_TEST_DATABASE_URL")
	if base == "" {
		t.Skip("IDGATE_TEST_DATABASE_URL not set; skipping PostgreSQL")
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schema := "jobs_" + strings.ToLower(rand.Text()[:12])
	if _, err := db.Exec(fmt.Sprintf("CREATE SCHEMA %q", schema)); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			t.Error(err)
			return
		}
		defer db.Close()
		if _, err := db.Exec(fmt.Sprintf("DROP SCHEMA %q CASCADE", schema)); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens a store on a fresh database of the engine, closed when the
// test ends.
func Open(t testing.TB, engine string) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), sqlstore.Options{URL: URL(t, engine), Sealer: Sealer(t)})
	if err != nil {
		t.Fatalf("open %s store: %v", engine, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
