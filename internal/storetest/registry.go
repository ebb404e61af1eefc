package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/idgate/idgate"
)

func zaRecord(number, first string) *idgate.Record {
	return &idgate.Record{
		Country: idgate.SouthAfrica, IDType: idgate.NationalID, Number: number,
		FirstNames: first, LastName: "Mokoena", BirthDate: "1980-01-01", Gender: "M",
		Photo: []byte{0xff, 0xd8, 0xff, 0xe0},
		ZA: &idgate.ZACitizen{SmartCardIssued: true, IDIssueDate: "20150301", OnHANIS: true, OnNPR: true,
			MaritalStatus: "Married", BirthPlaceCountryCode: "ZAF", BirthPlaceCountry: "South Africa"},
		UpdatedAt: base,
	}
}

func testRecords(t *testing.T, st idgate.Store) {
	za := zaRecord("8001015009087", "Thabo Sipho")
	ng := &idgate.Record{Country: idgate.Nigeria, IDType: idgate.NIN, Number: "12345678901",
		FirstNames: "Chioma", MiddleNames: "Ada", LastName: "Okafor",
		NG: &idgate.NGPerson{Mobile: "08030000000", BirthState: "Lagos"}, UpdatedAt: base}
	n, err := st.PutRecords(ctx(), []*idgate.Record{za, ng})
	must(t, err)
	if n != 2 {
		t.Errorf("PutRecords inserted %d, want 2", n)
	}
	got, err := st.Record(ctx(), idgate.SouthAfrica, idgate.NationalID, za.Number)
	must(t, err)
	if !reflect.DeepEqual(got, za) {
		t.Errorf("Record = %+v\nwant %+v", got, za)
	}
	summary, err := st.RecordSummary(ctx(), idgate.SouthAfrica, idgate.NationalID, za.Number)
	must(t, err)
	if wantSummary := *za; len(za.Photo) == 0 || summary.PhotoSHA256 == "" {
		t.Errorf("RecordSummary lost the photo hash (record photo %d bytes): %+v", len(za.Photo), summary)
	} else if wantSummary.Photo = nil; !reflect.DeepEqual(summary, &wantSummary) {
		t.Errorf("RecordSummary = %+v\nwant %+v", summary, &wantSummary)
	}

	// Re-putting is idempotent and replaces the record.
	changed := zaRecord(za.Number, "Thabo")
	changed.ZA.Dead = true
	changed.ZA.DateOfDeath = "2024-05-01"
	n, err = st.PutRecords(ctx(), []*idgate.Record{changed, ng})
	must(t, err)
	if n != 0 {
		t.Errorf("re-PutRecords inserted %d, want 0", n)
	}
	got, err = st.Record(ctx(), idgate.SouthAfrica, idgate.NationalID, za.Number)
	must(t, err)
	if !reflect.DeepEqual(got, changed) {
		t.Errorf("Record after re-put = %+v\nwant %+v", got, changed)
	}

	counts, err := st.CountRecords(ctx())
	must(t, err)
	if want := map[string]int{"ZA/national-id": 1, "NG/nin": 1}; !reflect.DeepEqual(counts, want) {
		t.Errorf("CountRecords = %v, want %v", counts, want)
	}

	// The same number under another ID type or country is another record.
	for _, k := range []struct {
		c idgate.Country
		t idgate.IDType
		n string
	}{
		{idgate.SouthAfrica, idgate.RefugeeFile, za.Number},
		{idgate.Kenya, idgate.NationalID, za.Number},
		{idgate.SouthAfrica, idgate.NationalID, "8001015009088"},
	} {
		_, err := st.Record(ctx(), k.c, k.t, k.n)
		wantCode(t, err, idgate.ENOTFOUND)
	}
	_, err = st.PutRecords(ctx(), []*idgate.Record{{Country: idgate.SouthAfrica}})
	wantCode(t, err, idgate.EINVALID)
}

func testVNINAliases(t *testing.T, st idgate.Store) {
	a := idgate.VNINAlias{VNIN: "AB123456789012CD", NIN: "12345678901", ExpiresAt: base.Add(72 * time.Hour)}
	must(t, st.PutVNINAliases(ctx(), []idgate.VNINAlias{a}))
	got, err := st.VNINAlias(ctx(), a.VNIN)
	must(t, err)
	if *got != a {
		t.Errorf("VNINAlias = %+v, want %+v", got, a)
	}
	a.NIN, a.ExpiresAt = "10987654321", base.Add(-time.Hour) // expired aliases are still returned
	must(t, st.PutVNINAliases(ctx(), []idgate.VNINAlias{a}))
	got, err = st.VNINAlias(ctx(), a.VNIN)
	must(t, err)
	if *got != a {
		t.Errorf("VNINAlias after replace = %+v, want %+v", got, a)
	}
	_, err = st.VNINAlias(ctx(), "ZZ123456789012ZZ")
	wantCode(t, err, idgate.ENOTFOUND)
}

func testFaults(t *testing.T, st idgate.Store) {
	f := idgate.Fault{Country: idgate.SouthAfrica, IDType: idgate.NationalID, Number: "8001015009087",
		Kind: idgate.FaultSlow, Latency: 1500 * time.Millisecond}
	must(t, st.PutFaults(ctx(), []idgate.Fault{f}))
	got, err := st.Fault(ctx(), f.Country, f.IDType, f.Number)
	must(t, err)
	if *got != f {
		t.Errorf("Fault = %+v, want %+v", got, f)
	}
	f.Kind, f.Latency, f.Code = idgate.FaultError, 0, "E101"
	must(t, st.PutFaults(ctx(), []idgate.Fault{f}))
	got, err = st.Fault(ctx(), f.Country, f.IDType, f.Number)
	must(t, err)
	if *got != f {
		t.Errorf("Fault after replace = %+v, want %+v", got, f)
	}
	_, err = st.Fault(ctx(), f.Country, idgate.RefugeeFile, f.Number)
	wantCode(t, err, idgate.ENOTFOUND)
}

func testIdentityCache(t *testing.T, st idgate.Store) {
	r := zaRecord("8001015009087", "Thabo")
	must(t, st.PutCachedRecord(ctx(), r, base))
	got, at, err := st.CachedRecord(ctx(), r.Country, r.IDType, r.Number)
	must(t, err)
	if !reflect.DeepEqual(got, r) || !at.Equal(base) {
		t.Errorf("CachedRecord = %+v at %v, want %+v at %v", got, at, r, base)
	}
	r2 := zaRecord(r.Number, "Thabo Refreshed")
	later := base.Add(time.Hour)
	must(t, st.PutCachedRecord(ctx(), r2, later))
	got, at, err = st.CachedRecord(ctx(), r.Country, r.IDType, r.Number)
	must(t, err)
	if got.FirstNames != "Thabo Refreshed" || !at.Equal(later) {
		t.Errorf("CachedRecord after refresh = %q at %v, want %q at %v", got.FirstNames, at, "Thabo Refreshed", later)
	}
	// The cache is separate from the local registry.
	_, err = st.Record(ctx(), r.Country, r.IDType, r.Number)
	wantCode(t, err, idgate.ENOTFOUND)
	_, _, err = st.CachedRecord(ctx(), r.Country, r.IDType, "8001015009088")
	wantCode(t, err, idgate.ENOTFOUND)
}

func testSigningKeys(t *testing.T, st idgate.Store) {
	old := &idgate.SigningKey{ID: "kid-old", Algorithm: "EdDSA", Private: []byte("private-old"), Public: []byte("public-old"), CreatedAt: base}
	cur := &idgate.SigningKey{ID: "kid-new", Algorithm: "EdDSA", Private: []byte("private-new"), Public: []byte("public-new"), CreatedAt: base.Add(time.Hour)}
	must(t, st.CreateSigningKey(ctx(), old))
	must(t, st.CreateSigningKey(ctx(), cur))
	wantCode(t, st.CreateSigningKey(ctx(), &idgate.SigningKey{ID: "kid-old", Private: []byte("x"), Public: []byte("y")}), idgate.ECONFLICT)

	keys, err := st.SigningKeys(ctx(), base)
	must(t, err)
	if len(keys) != 2 || !reflect.DeepEqual(keys[0], cur) || !reflect.DeepEqual(keys[1], old) {
		t.Fatalf("SigningKeys = %+v, want [kid-new kid-old]", keys)
	}
	retired := base.Add(2 * time.Hour)
	must(t, st.RetireSigningKey(ctx(), "kid-old", retired))
	wantCode(t, st.RetireSigningKey(ctx(), "nope", retired), idgate.ENOTFOUND)

	keys, err = st.SigningKeys(ctx(), retired) // retired at `since`: still verifies
	must(t, err)
	if len(keys) != 2 || keys[1].RetiredAt == nil || !keys[1].RetiredAt.Equal(retired) {
		t.Errorf("SigningKeys(at retirement) = %+v, want both, kid-old retired at %v", keys, retired)
	}
	keys, err = st.SigningKeys(ctx(), retired.Add(time.Nanosecond))
	must(t, err)
	if len(keys) != 1 || keys[0].ID != "kid-new" {
		t.Errorf("SigningKeys(after retirement) = %+v, want [kid-new]", keys)
	}
}
