package youverify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/registry"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
	"github.com/idgate/idgate/internal/verify"
)

// testNow is the pinned clock of every test: the page's first sample time.
var testNow = time.Date(2023, 6, 20, 18, 20, 11, 552_000_000, time.UTC)

func clock() time.Time { return testNow }

// Fixed tenant ids so that businessId is stable in golden files.
const (
	sandboxTenantID = "0b6f1d2e-5c1a-4c3e-9a59-6d1f2f0c0001"
	paidTenantID    = "0b6f1d2e-5c1a-4c3e-9a59-6d1f2f0c0002"
	brokeTenantID   = "0b6f1d2e-5c1a-4c3e-9a59-6d1f2f0c0003"
	apiUserID       = "628b38f03ae28a5a122d4bf3" // the page's requestedById
)

// Test identities, after the pages' samples.
const (
	pageVNIN    = "AB123456789012CD" // Sarah Jane Doe
	pageNIN     = "12345678901"
	expiredVNIN = "EX123456789012XP"
	unknownVNIN = "ZZ999999999999ZZ"
	noPhotoVNIN = "NP123456789012PH"
	noPhotoNIN  = "12345678902"
	pageKEID    = "1234567" // John M Doe
	kePassport  = "AK0123456"
	keAlienID   = "7654321"
	keServiceID = "200345"
)

// tinyJPEG is not a decodable picture, just JPEG magic: the dialect only
// sniffs and base64-encodes registry photos, and the fake face engine never
// decodes selfies.
var tinyJPEG = []byte{0xFF, 0xD8, 0xFF, 0xE0, 'J', 'F', 'I', 'F', 0, 1}

// fakeFace is a face engine with a fixed answer.
type fakeFace struct{ match idgate.FaceMatch }

var _ idgate.FaceEngine = fakeFace{}

func (f fakeFace) Compare(context.Context, []byte, []byte) (idgate.FaceMatch, error) {
	return f.match, nil
}

func (f fakeFace) Liveness(context.Context, []byte) (idgate.LivenessResult, error) {
	return idgate.LivenessResult{Pass: true, Score: 1}, nil
}

// pageFace answers like the facial-matching sample: confidence 91.
var pageFace = fakeFace{idgate.FaceMatch{Similarity: 0.62, Confidence: 0.91, Match: true, Threshold: 0.45}}

// env is a running dialect over a real store.
type env struct {
	st       idgate.Store
	srv      *httptest.Server
	handler  http.Handler      // the mux the server serves, for in-process benchmarks
	keys     map[string]string // "sandbox", "paid", "broke" → API key
	logs     *bytes.Buffer
	registry *registry.Local
}

type envOptions struct {
	face    idgate.FaceEngine // nil: no face engine
	prices  verify.Prices
	balance int64  // the paid tenant's opening balance
	config  Config // the dialect's limits
}

// openSQLite opens a store on a new file in a temporary folder.
func openSQLite(t testing.TB) idgate.Store {
	t.Helper()
	return sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t))
}

// openPostgres opens a store on a fresh schema of the database named by
// IDGATE_TEST_DATABASE_URL (skipped when unset).
func openPostgres(t testing.TB) idgate.Store {
	t.Helper()
	return sqlstoretest.Open(t, sqlstoretest.PostgresURL(t))
}

// newEnv seeds st with three tenants (sandbox, paid, broke), their API
// keys and the test identities, and serves the dialect.
func newEnv(t testing.TB, st idgate.Store, o envOptions) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{st: st, keys: map[string]string{}, logs: &bytes.Buffer{}}
	user := idgate.User{ID: apiUserID, FirstName: "API", LastName: "User"}
	for _, tn := range []struct {
		name, id string
		sandbox  bool
		balance  int64
	}{
		{"sandbox", sandboxTenantID, true, 0},
		{"paid", paidTenantID, false, o.balance},
		{"broke", brokeTenantID, false, 0},
	} {
		tenant := &idgate.Tenant{ID: tn.id, Name: tn.name, Sandbox: tn.sandbox, CreatedAt: testNow.Add(-24 * time.Hour)}
		must(t, st.CreateTenant(ctx, tenant, nil))
		_, key, err := auth.CreateCredential(ctx, st, tn.id, idgate.APIKey, tn.name+" key", user, "test")
		must(t, err)
		e.keys[tn.name] = key
		if tn.balance > 0 {
			_, err := st.TopUp(ctx, tn.id, tn.balance, &idgate.AuditEntry{Actor: "test", Action: "wallet.topup", Subject: tn.id, TenantID: tn.id})
			must(t, err)
		}
	}
	_, err := st.PutRecords(ctx, testRecords())
	must(t, err)
	must(t, st.PutVNINAliases(ctx, []idgate.VNINAlias{
		{VNIN: pageVNIN, NIN: pageNIN, ExpiresAt: testNow.Add(72 * time.Hour)},
		{VNIN: noPhotoVNIN, NIN: noPhotoNIN, ExpiresAt: testNow.Add(72 * time.Hour)},
		{VNIN: expiredVNIN, NIN: pageNIN, ExpiresAt: testNow.Add(-time.Hour)},
	}))

	authn, err := auth.New(st, auth.Config{Issuer: "https://idgate.test", Audience: "idgate", Now: clock})
	must(t, err)
	e.registry = registry.NewLocal(st, clock)
	svc := &verify.Service{Store: st, Source: e.registry, Config: verify.Config{Prices: o.prices}, Now: clock}
	if o.face != nil {
		svc.Face = o.face
	}
	h := &Handler{Service: svc, Auth: authn, Config: o.config, Logger: slog.New(slog.NewTextHandler(e.logs, nil))}
	mux := http.NewServeMux()
	Register(mux, h)
	e.handler = mux
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

func testRecords() []*idgate.Record {
	return []*idgate.Record{
		{
			Country: idgate.Nigeria, IDType: idgate.NIN, Number: pageNIN,
			FirstNames: "Sarah", MiddleNames: "Jane", LastName: "Doe", BirthDate: "1988-04-04", Gender: "F",
			Photo: tinyJPEG,
			NG:    &idgate.NGPerson{Mobile: "08000000000", BirthState: "Edo", BirthLGA: "Esan West", BirthCountry: "nigeria"},
		},
		{
			Country: idgate.Nigeria, IDType: idgate.NIN, Number: noPhotoNIN,
			FirstNames: "Chinedu", LastName: "Okafor", BirthDate: "1990-01-15", Gender: "M",
			NG: &idgate.NGPerson{Mobile: "08011111111", Email: "chinedu@example.com", BirthState: "Anambra", BirthLGA: "Onitsha North", BirthCountry: "nigeria"},
		},
		{
			Country: idgate.Kenya, IDType: idgate.NationalID, Number: pageKEID,
			FirstNames: "John", MiddleNames: "M", LastName: "Doe", BirthDate: "2000-01-01", Gender: "M",
			KE: &idgate.KEPerson{
				FullName: "John M Doe", MaritalStatus: "Married", Email: "skkariuki@kcbgroup.com",
				HomeTelephoneNumber: "+8761234567", MobileTelephoneNumber: "254723818284", WorkTelephoneNumber: "040-3203308",
				EmploymentName: "Teachers Service Commission.", LastEmployment: "NotSpecified",
				MainAddress:      &idgate.Address{Address: "NYAHURURU  KCC", Country: "KE", Town: "Nyahururu"},
				SecondaryAddress: &idgate.Address{Address: "NAKURU-CENTRE", Country: "KE", Town: "NYAHURURU", PostalCode: "20300"},
				ContractSummary:  map[string]string{"closedContracts": "2", "openContracts": "10"},
				Inquiries: map[string]string{
					"numberOfInquiriesLast12Months": "89", "numberOfInquiriesLast1Month": "6",
					"numberOfInquiriesLast24Months": "355", "numberOfInquiriesLast3Months": "12",
					"numberOfInquiriesLast6Months": "27",
				},
				Type: "keCreditInfo",
			},
		},
		{
			Country: idgate.Kenya, IDType: idgate.Passport, Number: kePassport,
			FirstNames: "Amina", LastName: "Wanjiru", BirthDate: "1985-07-09", Gender: "F",
			KE: &idgate.KEPerson{FullName: "Amina Wanjiru", MaritalStatus: "Single", MobileTelephoneNumber: "254700000001", Type: "keCreditInfo"},
		},
		{
			Country: idgate.Kenya, IDType: idgate.AlienID, Number: keAlienID,
			FirstNames: "Pierre", LastName: "Mugabo", BirthDate: "1979-03-21", Gender: "M",
			KE: &idgate.KEPerson{MainAddress: &idgate.Address{Address: "KILIMANI", Country: "KE", Town: "Nairobi"}},
		},
		{
			Country: idgate.Kenya, IDType: idgate.ServiceID, Number: keServiceID,
			FirstNames: "Grace", MiddleNames: "Akinyi", LastName: "Otieno", BirthDate: "1992-11-30", Gender: "F",
			KE: &idgate.KEPerson{EmploymentName: "Kenya Defence Forces", Type: "keCreditInfo"},
		},
	}
}

// post sends body to path with the given token ("" sends none).
func (e *env) post(t testing.TB, path, token, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	must(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("token", token)
	}
	return e.do(t, req)
}

func (e *env) do(t testing.TB, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := e.srv.Client().Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	return resp.StatusCode, b
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func vninBody(vnin string, extra string) string {
	if extra != "" {
		extra = "," + extra
	}
	return fmt.Sprintf(`{"id":%q,"isSubjectConsent":true%s}`, vnin, extra)
}
