package registry_test

import (
	"context"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/registry"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
	"github.com/idgate/idgate/internal/verify"
)

func TestLocalFaultsAndModes(t *testing.T) {
	ctx := context.Background()
	st := sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t))
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	rec := &idgate.Record{Country: "ZA", IDType: "national-id", Number: "8001014800080", LastName: "Doe", Photo: []byte{1, 2, 3}, ZA: &idgate.ZACitizen{OnHANIS: true, OnNPR: true}}
	nin := &idgate.Record{Country: "NG", IDType: "nin", Number: "12345678901", FirstNames: "Sarah", LastName: "Doe"}
	if _, err := st.PutRecords(ctx, []*idgate.Record{rec, nin}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutVNINAliases(ctx, []idgate.VNINAlias{
		{VNIN: "AB123456789012CD", NIN: "12345678901", ExpiresAt: now.Add(time.Hour)},
		{VNIN: "ZZ123456789012ZZ", NIN: "12345678901", ExpiresAt: now.Add(-time.Hour)},
	}); err != nil {
		t.Fatal(err)
	}
	l := registry.NewLocal(st, func() time.Time { return now })
	lookup := func(c idgate.Country, typ idgate.IDType, n string) (*idgate.Record, error) {
		return l.Lookup(ctx, idgate.Query{Country: c, IDType: typ, Number: n, Photo: true})
	}

	if r, err := lookup("ZA", "national-id", rec.Number); err != nil || r.LastName != "Doe" {
		t.Fatalf("found: %v %v", r, err)
	}
	if _, err := lookup("ZA", "national-id", "9001015009087"); idgate.ErrorCode(err) != idgate.ENOTFOUND {
		t.Fatalf("unknown: %v", err)
	}
	if r, err := lookup("NG", "vnin", "AB123456789012CD"); err != nil || r.FirstNames != "Sarah" {
		t.Fatalf("vNIN: %v %v", r, err)
	}
	if _, err := lookup("NG", "vnin", "ZZ123456789012ZZ"); idgate.ErrorCode(err) != idgate.ENOTFOUND || idgate.ErrorMessage(err) == "Person Not Found" {
		t.Fatalf("expired vNIN must be not found with its own reason: %v", err)
	}

	fault := func(kind idgate.FaultKind, code string) {
		t.Helper()
		if err := st.PutFaults(ctx, []idgate.Fault{{Country: "ZA", IDType: "national-id", Number: rec.Number, Kind: kind, Code: code, Latency: 20 * time.Millisecond}}); err != nil {
			t.Fatal(err)
		}
	}
	fault(idgate.FaultPhotoOnly, "")
	if r, err := lookup("ZA", "national-id", rec.Number); err != nil || !r.PhotoOnly || r.LastName != "" || len(r.Photo) != 3 {
		t.Fatalf("photo only: %+v %v", r, err)
	}
	fault(idgate.FaultDown, "")
	if _, err := lookup("ZA", "national-id", rec.Number); idgate.ErrorCode(err) != idgate.EUNAVAILABLE {
		t.Fatalf("down: %v", err)
	}
	fault(idgate.FaultError, "NIRA-500")
	if _, err := lookup("ZA", "national-id", rec.Number); err == nil {
		t.Fatal("error fault answered")
	} else if re, ok := err.(*verify.RegistryError); !ok || re.Code != "NIRA-500" {
		t.Fatalf("error fault: %v", err)
	}
	fault(idgate.FaultSlow, "")
	start := time.Now()
	if _, err := lookup("ZA", "national-id", rec.Number); err != nil || time.Since(start) < 20*time.Millisecond {
		t.Fatalf("slow: %v after %v", err, time.Since(start))
	}
	fault(idgate.FaultFraudDown, "")
	if err := l.FraudAvailable(ctx, "ZA", "national-id", rec.Number); idgate.ErrorCode(err) != idgate.EUNAVAILABLE {
		t.Fatalf("fraud down: %v", err)
	}

	l.SetMode("NG", registry.Mode{Down: true})
	if _, err := lookup("NG", "vnin", "AB123456789012CD"); idgate.ErrorCode(err) != idgate.EUNAVAILABLE {
		t.Fatalf("NG down: %v", err)
	}
	ctxShort, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	l.SetMode("NG", registry.Mode{Latency: time.Second})
	if _, err := l.Lookup(ctxShort, idgate.Query{Country: "NG", IDType: "vnin", Number: "AB123456789012CD"}); err == nil {
		t.Fatal("slow registry ignored the context deadline")
	}
}

func TestMonitorHealth(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	src := sourceFunc(func(c idgate.Country) error {
		if c == idgate.Kenya {
			return idgate.Errorf(idgate.EUNAVAILABLE, "down")
		}
		if c == idgate.Nigeria {
			return idgate.Errorf(idgate.ENOTFOUND, "no")
		}
		return nil
	})
	m := registry.NewMonitor(src, nil, clock)
	for i := 0; i < 4; i++ {
		m.Lookup(context.Background(), idgate.Query{Country: idgate.Kenya, IDType: "national-id", Number: "1"})
		m.Lookup(context.Background(), idgate.Query{Country: idgate.Nigeria, IDType: "nin", Number: "1"})
	}
	m.Lookup(context.Background(), idgate.Query{Country: idgate.SouthAfrica, IDType: "national-id", Number: "1"})
	got := map[idgate.Country]idgate.RegistryHealth{}
	for _, h := range m.Health(context.Background()) {
		got[h.Country] = h
	}
	if h := got[idgate.Kenya]; h.Lookups != 4 || h.SuccessRate != 0 {
		t.Errorf("Kenya = %+v, want 4 lookups, 0 success", h)
	}
	if h := got[idgate.Nigeria]; h.SuccessRate != 1 {
		t.Errorf("Nigeria = %+v: not found is an answer, so a success", h)
	}
	if h := got[idgate.Uganda]; h.Lookups != 0 || h.SuccessRate != 1 {
		t.Errorf("Uganda = %+v, want no lookups, rate 1", h)
	}
	now = now.Add(61 * time.Minute)
	for _, h := range m.Health(context.Background()) {
		if h.Lookups != 0 {
			t.Errorf("%s still counts %d lookups an hour later", h.Country, h.Lookups)
		}
	}
}

type sourceFunc func(c idgate.Country) error

func (f sourceFunc) Lookup(ctx context.Context, q idgate.Query) (*idgate.Record, error) {
	if err := f(q.Country); err != nil {
		return nil, err
	}
	return &idgate.Record{Country: q.Country}, nil
}
