package sqlstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/audit"
	"github.com/idgate/idgate/internal/pii"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
	"github.com/idgate/idgate/internal/storetest"
)

var quiet = slog.New(slog.DiscardHandler)

// openSQLite opens a store on a new file in a temporary folder.
func openSQLite(t testing.TB) *sqlstore.Store {
	t.Helper()
	return openURL(t, sqlstoretest.SQLiteURL(t))
}

// openURL opens a store at u with a silent logger, closed when the test
// ends.
func openURL(t testing.TB, u string) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), sqlstore.Options{URL: u, Sealer: sqlstoretest.Sealer(t), Logger: quiet})
	if err != nil {
		t.Fatalf("open %s store: %v", u, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// postgresURL creates a fresh schema (dropped when the test ends) or skips.
func postgresURL(t testing.TB) string {
	t.Helper()
	if os.Getenv(sqlstoretest.EnvURL) == "" {
		t.Skip("IDGATE_TEST_DATABASE_URL not set; skipping PostgreSQL contract tests")
	}
	return sqlstoretest.PostgresURL(t)
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

// engines runs fn against SQLite and, when configured, PostgreSQL.
func engines(t *testing.T, fn func(t *testing.T, st *sqlstore.Store, url string)) {
	t.Run("sqlite", func(t *testing.T) {
		u := sqlstoretest.SQLiteURL(t)
		fn(t, openURL(t, u), u)
	})
	t.Run("postgres", func(t *testing.T) {
		u := postgresURL(t)
		fn(t, openURL(t, u), u)
	})
}

func TestSkipMigrateThenMigrate(t *testing.T) {
	for _, u := range []string{sqlstoretest.SQLiteURL(t), postgresURLOrEmpty(t)} {
		if u == "" {
			continue
		}
		st, err := sqlstore.Open(context.Background(), sqlstore.Options{URL: u, Sealer: sqlstoretest.Sealer(t), Logger: quiet, SkipMigrate: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Ping(context.Background()); idgate.ErrorCode(err) != idgate.EUNAVAILABLE {
			t.Errorf("Ping before Migrate = %v, want EUNAVAILABLE", err)
		}
		applied, err := st.Migrate(context.Background())
		if err != nil || len(applied) == 0 || applied[0] != "0001_init" {
			t.Errorf("Migrate = %v, %v; want every migration from 0001_init", applied, err)
		}
		if err := st.Ping(context.Background()); err != nil {
			t.Errorf("Ping after Migrate: %v", err)
		}
		st.Close()
	}
}

// postgresURLOrEmpty is postgresURL without the skip.
func postgresURLOrEmpty(t *testing.T) string {
	if os.Getenv(sqlstoretest.EnvURL) == "" {
		return ""
	}
	return sqlstoretest.PostgresURL(t)
}

func TestMigrateTwiceIsNoOp(t *testing.T) {
	engines(t, func(t *testing.T, st *sqlstore.Store, u string) {
		applied, err := st.Migrate(context.Background())
		if err != nil || len(applied) != 0 {
			t.Errorf("second Migrate applied %v, %v; want nothing", applied, err)
		}
		// A second process opening the same database applies nothing and
		// sees the first one's data.
		if err := st.CreateTenant(context.Background(), &idgate.Tenant{ID: "t", Name: "T"}, nil); err != nil {
			t.Fatal(err)
		}
		again := openURL(t, u)
		if _, err := again.Tenant(context.Background(), "t"); err != nil {
			t.Errorf("reopened store: %v", err)
		}
		if err := again.Ping(context.Background()); err != nil {
			t.Errorf("Ping after reopen: %v", err)
		}
	})
}

func TestAuditTamperingIsDetected(t *testing.T) {
	engines(t, func(t *testing.T, st *sqlstore.Store, _ string) {
		ctx := context.Background()
		for i := range 8 {
			e := &idgate.AuditEntry{Actor: "api", Action: "verification.create", Subject: fmt.Sprint("v-", i), Consent: true}
			if err := st.AppendAudit(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		checked, broken, err := audit.VerifyChain(ctx, st)
		if err != nil || checked != 8 || broken != 0 {
			t.Fatalf("intact chain: checked %d, broken %d, %v; want 8, 0", checked, broken, err)
		}
		if _, err := st.DB().Exec("UPDATE audit_log SET outcome = 'tampered' WHERE seq = 5"); err != nil {
			t.Fatal(err)
		}
		checked, broken, err = audit.VerifyChain(ctx, st)
		if err != nil || checked != 4 || broken != 5 {
			t.Errorf("after UPDATE of seq 5: checked %d, broken %d, %v; want 4, 5", checked, broken, err)
		}
		if _, err := st.DB().Exec("DELETE FROM audit_log WHERE seq >= 5"); err != nil {
			t.Fatal(err)
		}
		checked, broken, err = audit.VerifyChain(ctx, st)
		if err != nil || checked != 4 || broken != 5 {
			t.Errorf("after DELETE of the tail: checked %d, broken %d, %v; want 4, 5", checked, broken, err)
		}
	})
}

// TestPIIIsNotStoredInClear looks for an ID number and a name in the raw
// database file (SQLite) and in every text and bytea column (PostgreSQL).
func TestPIIIsNotStoredInClear(t *testing.T) {
	const number, name = "8001015009087", "Mokoena"
	engines(t, func(t *testing.T, st *sqlstore.Store, u string) {
		ctx := context.Background()
		if err := st.CreateTenant(ctx, &idgate.Tenant{ID: "t", Name: "T"}, nil); err != nil {
			t.Fatal(err)
		}
		v := storetest.NewVerification("v", "t", time.Now())
		if err := st.CreateVerification(ctx, v, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.PutRecords(ctx, []*idgate.Record{v.Result.Record}); err != nil {
			t.Fatal(err)
		}
		if err := st.PutCachedRecord(ctx, v.Result.Record, time.Now()); err != nil {
			t.Fatal(err)
		}
		l := &idgate.FraudListing{TenantID: "t", Country: "ZA", IDNumber: number, Surname: name, ReferenceNo: "PR1"}
		if err := st.CreateFraudListing(ctx, l, nil); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"verifications", "registry_records", "identity_cache", "fraud_listings"} {
			rows, err := st.DB().Query("SELECT * FROM " + table)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			n := 0
			for rows.Next() {
				n++
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for i, v := range vals {
					s := fmt.Sprint(v)
					if b, ok := v.([]byte); ok {
						s = string(b)
					}
					if strings.Contains(strings.ToLower(s), strings.ToLower(number)) || strings.Contains(strings.ToLower(s), strings.ToLower(name)) {
						t.Errorf("%s.%s holds PII in clear", table, cols[i])
					}
				}
			}
			rows.Close()
			if n == 0 {
				t.Errorf("%s: no rows to check", table)
			}
		}
	})
}

func TestOpenRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"", "mysql://x", "sqlite://", "sqlite:///tmp/x.db?synchronous=off", "sqlite:///tmp/x.db?cache=shared"} {
		if _, err := sqlstore.Open(context.Background(), sqlstore.Options{URL: u, Sealer: sqlstoretest.Sealer(t), Logger: quiet}); err == nil {
			t.Errorf("Open(%q) succeeded, want an error", u)
		}
	}
	if _, err := sqlstore.Open(context.Background(), sqlstore.Options{URL: "x.db"}); err == nil {
		t.Error("Open without a Sealer succeeded")
	}
}

func TestOpenPlainPathAndFullSync(t *testing.T) {
	dir := t.TempDir()
	for _, u := range []string{filepath.Join(dir, "plain.db"), "sqlite://" + filepath.Join(dir, "full.db") + "?synchronous=full"} {
		st := openURL(t, u)
		if st.Engine() != sqlstore.EngineSQLite {
			t.Errorf("Engine = %q, want sqlite", st.Engine())
		}
		if err := st.Ping(context.Background()); err != nil {
			t.Errorf("Ping(%s): %v", u, err)
		}
	}
}

func TestInTxCommitsWithTheStore(t *testing.T) {
	engines(t, func(t *testing.T, st *sqlstore.Store, _ string) {
		ctx := context.Background()
		if err := st.CreateTenant(ctx, &idgate.Tenant{ID: "t", Name: "T"}, nil); err != nil {
			t.Fatal(err)
		}
		// A failing fn undoes the verification it created.
		boom := errors.New("job insert failed")
		err := st.InTx(ctx, func(tx *sql.Tx) error {
			v := storetest.NewVerification("v-1", "t", time.Now())
			if err := st.CreateVerificationTx(ctx, tx, v, &idgate.AuditEntry{Actor: "api", Action: "verification.create"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want %v", err, boom)
		}
		if _, err := st.Verification(ctx, "t", "v-1"); idgate.ErrorCode(err) != idgate.ENOTFOUND {
			t.Errorf("verification after a failed InTx: %v, want ENOTFOUND", err)
		}
		err = st.InTx(ctx, func(tx *sql.Tx) error {
			v := storetest.NewVerification("v-2", "t", time.Now())
			if err := st.CreateVerificationTx(ctx, tx, v, nil); err != nil {
				return err
			}
			v.Status = idgate.StatusFailed
			return st.UpdateVerificationTx(ctx, tx, v, &idgate.AuditEntry{Actor: "worker", Action: "verification.fail"})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.Verification(ctx, "t", "v-2")
		if err != nil || got.Status != idgate.StatusFailed {
			t.Errorf("verification after InTx = %v, %v; want failed", got, err)
		}
		entries, _ := st.AuditEntries(ctx, 0, 0)
		if len(entries) != 1 || entries[0].Action != "verification.fail" {
			t.Errorf("audit after InTx = %v, want only verification.fail", entries)
		}
	})
}

func TestMaintainTruncatesTheWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "idgate.db")
	st := openURL(t, "sqlite://"+path)
	ctx := context.Background()
	if err := st.CreateTenant(ctx, &idgate.Tenant{ID: "t", Name: "T"}, nil); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if err := st.CreateVerification(ctx, storetest.NewVerification(fmt.Sprint("v-", i), "t", time.Now()), nil); err != nil {
			t.Fatal(err)
		}
	}
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("WAL before Maintain: %v, %v; want a non-empty file", fi, err)
	}
	if err := st.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() != 0 {
		t.Errorf("WAL after Maintain: size %d, %v; want 0", fi.Size(), err)
	}
	if _, err := st.Verification(ctx, "t", "v-49"); err != nil {
		t.Errorf("data after Maintain: %v", err)
	}
}

// TestSealedRowsCannotBeMoved checks that sealed columns are bound to their
// row: a verification moved to another tenant, or a record's sealed value
// copied onto another number, is refused rather than served.
func TestSealedRowsCannotBeMoved(t *testing.T) {
	engines(t, func(t *testing.T, st *sqlstore.Store, _ string) {
		ctx := context.Background()
		for _, id := range []string{"t-a", "t-b"} {
			if err := st.CreateTenant(ctx, &idgate.Tenant{ID: id, Name: id}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.CreateVerification(ctx, storetest.NewVerification("v-1", "t-a", time.Now()), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.DB().Exec("UPDATE verifications SET tenant_id = 't-b' WHERE id = 'v-1'"); err != nil {
			t.Fatal(err)
		}
		if v, err := st.Verification(ctx, "t-b", "v-1"); err == nil {
			t.Errorf("a verification moved to t-b was served: %+v", v.Request.Subject)
		}

		a := &idgate.Record{Country: "ZA", IDType: "national-id", Number: "8001015009087", FirstNames: "Thabo", LastName: "Mokoena"}
		b := &idgate.Record{Country: "ZA", IDType: "national-id", Number: "7501015009082", FirstNames: "Lerato", LastName: "Dube"}
		if _, err := st.PutRecords(ctx, []*idgate.Record{a, b}); err != nil {
			t.Fatal(err)
		}
		// Every row gets the first row's sealed value: one of the two
		// numbers now holds the other's record.
		if _, err := st.DB().Exec("UPDATE registry_records SET sealed = (SELECT sealed FROM registry_records ORDER BY lookup LIMIT 1)"); err != nil {
			t.Fatal(err)
		}
		refused := 0
		for _, want := range []*idgate.Record{a, b} {
			r, err := st.Record(ctx, "ZA", "national-id", want.Number)
			switch {
			case err != nil:
				refused++
			case r.Number != want.Number:
				t.Errorf("number %s answered with the record of %s", want.Number, r.Number)
			}
		}
		if refused != 1 {
			t.Errorf("%d lookups refused, want exactly the one whose value was copied", refused)
		}
	})
}

// TestConcurrentOpensMigrateOnce opens several stores on one fresh
// database at once, as replicas starting together do.
func TestConcurrentOpensMigrateOnce(t *testing.T) {
	for _, u := range []string{sqlstoretest.SQLiteURL(t), postgresURLOrEmpty(t)} {
		if u == "" {
			continue
		}
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				st, err := sqlstore.Open(context.Background(), sqlstore.Options{URL: u, Sealer: sqlstoretest.Sealer(t), Logger: quiet})
				if err == nil {
					err = st.Ping(context.Background())
					st.Close()
				}
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Errorf("concurrent Open of %s: %v", u[:6], err)
			}
		}
	}
}

// TestResealAfterRotation rotates the PII key: values sealed under k1 are
// rewritten under k2, after which a store without k1's sealing key (but
// with k1 kept as the blind-index key) reads everything.
func TestResealAfterRotation(t *testing.T) {
	sealer := func(keys map[string][]byte, current string) *pii.Sealer {
		s, err := pii.NewSealer(keys, current)
		if err != nil {
			t.Fatal(err)
		}
		if s, err = s.WithIndexKey("k1"); err != nil {
			t.Fatal(err)
		}
		return s
	}
	open := func(u string, s *pii.Sealer) *sqlstore.Store {
		st, err := sqlstore.Open(context.Background(), sqlstore.Options{URL: u, Sealer: s, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	for _, u := range []string{sqlstoretest.SQLiteURL(t), postgresURLOrEmpty(t)} {
		if u != "" {
			testReseal(t, u, sealer, open)
		}
	}
}

func testReseal(t *testing.T, u string, sealer func(map[string][]byte, string) *pii.Sealer, open func(string, *pii.Sealer) *sqlstore.Store) {
	k1, k2 := bytes.Repeat([]byte{1}, pii.KeySize), bytes.Repeat([]byte{2}, pii.KeySize)
	ctx := context.Background()
	st := open(u, sealer(map[string][]byte{"k1": k1}, "k1"))
	if err := st.CreateTenant(ctx, &idgate.Tenant{ID: "t", Name: "T"}, nil); err != nil {
		t.Fatal(err)
	}
	v := storetest.NewVerification("v-1", "t", time.Now())
	rec := *v.Result.Record
	rec.Photo = []byte{0xff, 0xd8, 0xff, 0xe0, 1, 2, 3} // sealed in a column of its own
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.CreateVerification(ctx, v, nil))
	_, err := st.PutRecords(ctx, []*idgate.Record{&rec})
	must(err)
	must(st.PutCachedRecord(ctx, &rec, time.Now()))
	must(st.PutVNINAliases(ctx, []idgate.VNINAlias{{VNIN: "AB123456789012CD", NIN: "12345678901"}}))
	must(st.PutFaults(ctx, []idgate.Fault{{Country: "ZA", IDType: "national-id", Number: rec.Number, Kind: idgate.FaultDown}}))
	must(st.CreateFraudListing(ctx, &idgate.FraudListing{TenantID: "t", Country: "ZA", IDNumber: rec.Number, ReferenceNo: "PR1"}, nil))
	must(st.CreateSigningKey(ctx, &idgate.SigningKey{ID: "kid", Algorithm: "EdDSA", Private: []byte("p"), Public: []byte("P")}))
	st.Close()

	st = open(u, sealer(map[string][]byte{"k1": k1, "k2": k2}, "k2"))
	n, err := st.Reseal(ctx)
	if err != nil || n != 8 {
		t.Fatalf("Reseal = %d, %v; want 8 values rewritten", n, err)
	}
	if n, err := st.Reseal(ctx); err != nil || n != 0 {
		t.Errorf("second Reseal = %d, %v; want nothing left", n, err)
	}
	st.Close()

	// k1 now serves only as the index key: with it retired the store
	// still reads everything.
	retired, err := sealer(map[string][]byte{"k1": k1, "k2": k2}, "k2").Retire("k1")
	must(err)
	st = open(u, retired)
	defer st.Close()
	if _, err := st.Verification(ctx, "t", "v-1"); err != nil {
		t.Errorf("verification after reseal: %v", err)
	}
	if got, err := st.Record(ctx, "ZA", "national-id", rec.Number); err != nil {
		t.Errorf("record after reseal: %v", err)
	} else if !bytes.Equal(got.Photo, rec.Photo) {
		t.Errorf("photo after reseal = %x, want %x", got.Photo, rec.Photo)
	}
	if l, err := st.FraudListingsFor(ctx, "ZA", rec.Number); err != nil || len(l) != 1 {
		t.Errorf("fraud listings after reseal: %v, %v", l, err)
	}
	if _, err := st.VNINAlias(ctx, "AB123456789012CD"); err != nil {
		t.Errorf("vNIN alias after reseal: %v", err)
	}
	if keys, err := st.SigningKeys(ctx, time.Time{}); err != nil || len(keys) != 1 || string(keys[0].Private) != "p" {
		t.Errorf("signing keys after reseal: %v, %v", keys, err)
	}
	rows, err := st.DB().Query("SELECT sealed FROM verifications UNION ALL SELECT sealed FROM registry_records UNION ALL SELECT private_sealed FROM signing_keys")
	must(err)
	defer rows.Close()
	for rows.Next() {
		var b []byte
		must(rows.Scan(&b))
		if id, _ := pii.KeyID(b); id != "k2" {
			t.Errorf("a value is still sealed with %q", id)
		}
	}
}
