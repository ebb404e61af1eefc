package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/pii"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/storetest"
)

// testSealer returns a sealer with a fixed test key.
func testSealer(t testing.TB) *pii.Sealer {
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

// openSQLite opens a store on a new file in a temporary folder.
func openSQLite(t testing.TB) *sqlstore.Store {
	t.Helper()
	return openURL(t, "sqlite://"+filepath.Join(t.TempDir(), "idgate.db"))
}

func openURL(t testing.TB, u string) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), sqlstore.Options{URL: u, Sealer: testSealer(t)})
	if err != nil {
		t.Fatalf("open %s store: %v", u, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// postgresURL creates a fresh schema in the database named by
// IDGATE_TEST_DATABASE_URL and returns a URL whose search_path selects it;
// the schema is dropped when the test ends.
func postgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("IDGATE_TEST_DATABASE_URL")
	if base == "" {
		t.Skip("IDGATE_TEST_DATABASE_URL not set; skipping PostgreSQL contract tests")
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

func openPostgres(t testing.TB) *sqlstore.Store {
	t.Helper()
	return openURL(t, postgresURL(t))
}

func TestSQLiteContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) idgate.Store { return openSQLite(t) })
}

func TestPostgresContract(t *testing.T) {
	if os.Getenv("IDGATE_TEST_DATABASE_URL") == "" {
		t.Skip("IDGATE_TEST_DATABASE_URL not set; skipping PostgreSQL contract tests")
	}
	storetest.Run(t, func(t *testing.T) idgate.Store { return openPostgres(t) })
}
