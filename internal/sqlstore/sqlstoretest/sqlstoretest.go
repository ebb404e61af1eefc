// Package sqlstoretest opens real, throw-away stores for tests of any
// package: a SQLite file in a temporary folder, and a fresh PostgreSQL
// schema in the database named by IDGATE_TEST_DATABASE_URL (skipped with a
// clear message when unset). ForEachEngine runs a test on both.
package sqlstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/idgate/idgate/internal/pii"
	"github.com/idgate/idgate/internal/sqlstore"
)

// EnvURL names the PostgreSQL database tests may create schemas in.
const EnvURL = "IDGATE_TEST_DATABASE_URL"

// Sealer returns a PII sealer with a fixed test key.
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

// SQLiteURL returns the URL of a new SQLite file in a temporary folder.
func SQLiteURL(t testing.TB) string {
	return "sqlite://" + filepath.Join(t.TempDir(), "idgate.db")
}

// PostgresURL creates a fresh schema in the IDGATE_TEST_DATABASE_URL
// database and returns a URL whose search_path selects it; the schema is
// dropped when the test ends. Without the variable the test is skipped.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip(EnvURL + " not set; skipping PostgreSQL tests")
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b [6]byte
	rand.Read(b[:])
	schema := fmt.Sprintf("test_%x", b)
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			t.Error(err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
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

// Open opens a store at u, closed when the test ends.
func Open(t testing.TB, u string) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), sqlstore.Options{URL: u, Sealer: Sealer(t), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// URL returns a fresh database URL for engine "sqlite" or "postgres".
func URL(t testing.TB, engine string) string {
	if engine == "postgres" {
		return PostgresURL(t)
	}
	return SQLiteURL(t)
}

// ForEachEngine runs fn as a subtest per engine with a fresh store.
func ForEachEngine(t *testing.T, fn func(t *testing.T, st *sqlstore.Store)) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			fn(t, Open(t, URL(t, engine)))
		})
	}
}
