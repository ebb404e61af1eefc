package openapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/app"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/jobs"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// brokeKey returns an API key of a new, non-sandbox tenant with an empty
// wallet: its priced requests are refused with 402.
func (s *server) brokeKey(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	tenant := &idgate.Tenant{ID: idgate.NewID(), Name: "Broke", CreatedAt: time.Now().UTC()}
	audit := &idgate.AuditEntry{Time: tenant.CreatedAt, TenantID: tenant.ID, Actor: "test", Action: "tenant.create", Subject: tenant.ID}
	if err := s.app.Store.CreateTenant(ctx, tenant, audit); err != nil {
		t.Fatal(err)
	}
	_, key, err := auth.CreateCredential(ctx, s.app.Store, tenant.ID, idgate.APIKey, "broke", idgate.User{ID: "u2", FirstName: "B", LastName: "K"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// replay sends the request half of every golden exchange in dir through
// the validating recorder and returns the statuses seen.
func (s *server) replay(t *testing.T, dir string, vars map[string]string) map[int]int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no exchanges in %s (%v)", dir, err)
	}
	statuses := map[int]int{}
	for _, f := range files {
		rec := httptest.NewRecorder()
		s.rec.ServeHTTP(rec, readExchangeRequest(t, f, vars))
		statuses[rec.Code]++
	}
	return statuses
}

// TestYouverifyResponses checks the Youverify dialect's real answers:
// its golden exchanges, and found, not-found and every error envelope.
func TestYouverifyResponses(t *testing.T) {
	s := newServer(t, app.Config{})
	broke := s.brokeKey(t)
	statuses := s.replay(t, "../dialect/youverify/testdata/exchanges",
		map[string]string{"sandbox": s.app.SandboxKey, "paid": s.app.SandboxKey, "broke": broke})

	seedYouverify(t, s)
	token := map[string]string{"token": s.app.SandboxKey}
	calls := []struct {
		path, body string
		headers    map[string]string
		want       int
	}{
		{"/v1/api/identity/ng/vnin", `{"id":"AB123456789012CD","isSubjectConsent":true,"metadata":{"ref":"x"}}`, token, 200},
		{"/v1/api/identity/ng/vnin", `{"id":"AB123456789012CD","isSubjectConsent":true,"validations":{"data":{"firstName":"Sarah","lastName":"Doe","dateOfBirth":"1988-04-04"}}}`, token, 200},
		{"/v2/api/identity/ng/vnin", `{"id":"ZZ999999999999ZZ","isSubjectConsent":true}`, token, 200},
		{"/v2/api/identity/ke/id-scrub", `{"id":"1234567","idType":"national-id","isSubjectConsent":true}`, token, 200},
		{"/v2/api/identity/ke/id-scrub", `{"id":"00000000","idType":"national-id","isSubjectConsent":true}`, token, 200},
		{"/v1/api/identity/ng/vnin", `{"id":"OA123456789012PI","isSubjectConsent":true,"metadata":{"ref":"x"}}`, token, 200},
		{"/v1/api/identity/ng/vnin", `{"id":"OA123456789012PI","isSubjectConsent":true,"validations":{"data":{"firstName":"Ada","lastName":"Obi","dateOfBirth":"1990-01-02"}}}`, token, 200},
		{"/v2/api/identity/ke/id-scrub", `{"id":"7777777","idType":"national-id","isSubjectConsent":true}`, token, 200},
		{"/v1/api/identity/ng/vnin", `{"id":"AB123456789012CD","isSubjectConsent":true}`, nil, 401},
		{"/v1/api/identity/ng/vnin", `{"id":"AB123456789012CD","isSubjectConsent":true}`, map[string]string{"token": "idg_test_wrong"}, 403},
		{"/v1/api/identity/ng/vnin", `{"id":"AB123456789012CD","isSubjectConsent":"yes"}`, token, 400},
		{"/v1/api/identity/ng/vnin", `{"id":"AB123456789012CD","isSubjectConsent":true}`, map[string]string{"token": broke}, 402},
	}
	for _, c := range calls {
		rec := s.call(t, "POST", c.path, c.headers, c.body)
		if rec.Code != c.want {
			t.Errorf("POST %s %s: %d, want %d: %s", c.path, c.body, rec.Code, c.want, rec.Body)
		}
		if seeded := strings.Contains(c.body, "OA1234") || strings.Contains(c.body, "7777777"); seeded && !strings.Contains(rec.Body.String(), `"status":"found"`) {
			t.Errorf("POST %s %s: not found: %s", c.path, c.body, rec.Body)
		}
		statuses[c.want]++
	}
	t.Logf("statuses checked: %v", statuses)
	found, fallbacks := 0, 0
	for _, x := range s.rec.Seen() {
		switch {
		case x.Status == 200:
			found++
		case x.Pattern == "/v1/api/" || x.Pattern == "/v2/api/":
			fallbacks++
		}
	}
	if fallbacks == 0 {
		t.Error("no unknown-route answer was checked")
	}
	if found < 8 {
		t.Errorf("only %d answers of 200 were checked", found)
	}
}

// seedYouverify puts a Nigerian and a Kenyan record with every field into
// the local registry, so found answers are checked whatever the sandbox
// holds.
func seedYouverify(t *testing.T, s *server) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	records := []*idgate.Record{
		{Country: idgate.Nigeria, IDType: idgate.NIN, Number: "22345678901", FirstNames: "Ada", MiddleNames: "Ngozi", LastName: "Obi",
			BirthDate: "1990-01-02", Gender: "F", Photo: []byte{0xFF, 0xD8, 0xFF, 0xE0},
			NG: &idgate.NGPerson{Mobile: "08000000001", Email: "ada@example.test", BirthState: "Enugu", BirthLGA: "Nsukka", BirthCountry: "nigeria"}, UpdatedAt: now},
		{Country: idgate.Kenya, IDType: idgate.NationalID, Number: "7777777", FirstNames: "John", MiddleNames: "M", LastName: "Doe",
			BirthDate: "1999-12-31", Gender: "M", UpdatedAt: now,
			KE: &idgate.KEPerson{FullName: "John M Doe", MaritalStatus: "Married", Email: "j@example.test", HomeTelephoneNumber: "+8761234567",
				MobileTelephoneNumber: "254723818284", WorkTelephoneNumber: "040-3203308", EmploymentName: "TSC", LastEmployment: "NotSpecified",
				MainAddress:      &idgate.Address{Address: "NYAHURURU KCC", Country: "KE", Town: "Nyahururu"},
				SecondaryAddress: &idgate.Address{Address: "NAKURU-CENTRE", Country: "KE", Town: "NYAHURURU", PostalCode: "20300"},
				ContractSummary:  map[string]string{"closedContracts": "2", "openContracts": "10"},
				Inquiries:        map[string]string{"numberOfInquiriesLast1Month": "6"}, Type: "keCreditInfo"}},
	}
	if _, err := s.app.Store.PutRecords(ctx, records); err != nil {
		t.Fatal(err)
	}
	alias := idgate.VNINAlias{VNIN: "OA123456789012PI", NIN: "22345678901", ExpiresAt: now.Add(24 * time.Hour)}
	if err := s.app.Store.PutVNINAliases(ctx, []idgate.VNINAlias{alias}); err != nil {
		t.Fatal(err)
	}
}

// TestLaboremusResponses checks the Laboremus dialect's real answers,
// Pending and Completed, its golden exchanges and both error envelopes.
func TestLaboremusResponses(t *testing.T) {
	s := newServer(t, app.Config{})
	ctx := context.Background()
	_, subKey, err := auth.CreateCredential(ctx, s.app.Store, s.app.Sandbox.ID, idgate.SubscriptionKey, "openapi test",
		idgate.User{ID: "u3", FirstName: "Jane", LastName: "Mukasa"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	headers := map[string]string{"Authorization": "Bearer " + s.app.SandboxKey, "Ocp-Apim-Subscription-Key": subKey}
	statuses := s.replay(t, "../dialect/laboremus/testdata", map[string]string{"token": s.app.SandboxKey, "key": subKey})

	create := `{"surname":"Akello","givenNames":"Grace","otherNames":"Nansubuga","nin":"CF12345678901A","cardNumber":"001234567","dateOfBirth":"1990-04-12"}`
	rec := s.call(t, "POST", "/idv/api/requests?v=2.0", headers, create)
	if rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	var created struct{ ID string }
	_ = json.Unmarshal(rec.Body.Bytes(), &created)
	if rec := s.call(t, "POST", "/idv/api/requests?api-version=2.0", headers, "["+create+","+strings.Replace(create, "Akello", "Odongo", 1)+"]"); rec.Code != 201 {
		t.Fatalf("create multiple: %d %s", rec.Code, rec.Body)
	}

	hookID, hookURL, events := receiveWebhooks(t, s)
	if err := s.app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.app.Stop(context.Background())
	deadline := time.Now().Add(20 * time.Second)
	for {
		rec := s.call(t, "GET", "/idv/api/requests/"+created.ID+"?v=2.0", headers, "")
		if rec.Code != 200 {
			t.Fatalf("get: %d %s", rec.Code, rec.Body)
		}
		if !strings.Contains(rec.Body.String(), `"requestStatus":"Pending"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the request stayed Pending")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, c := range []struct {
		method, target, body string
		headers              map[string]string
		want                 int
	}{
		{"GET", "/idv/api/requests?v=2.0&pageSize=2", "", headers, 200},
		{"GET", "/idv/api/requests?v=2.0&colour=blue", "", headers, 400},
		{"GET", "/idv/api/requests/" + idgate.NewID() + "?v=2.0", "", headers, 404},
		{"GET", "/idv/api/requests/" + created.ID, "", headers, 400},
		{"POST", "/idv/api/requests?v=2.0", `{"nin":"x"}`, headers, 400},
		{"GET", "/idv/api/requests?v=2.0", "", map[string]string{"Authorization": headers["Authorization"]}, 401},
	} {
		if rec := s.call(t, c.method, c.target, c.headers, c.body); rec.Code != c.want {
			t.Errorf("%s %s: %d, want %d: %s", c.method, c.target, rec.Code, c.want, rec.Body)
		}
		statuses[c.want]++
	}
	t.Logf("statuses checked: %v", statuses)

	// The webhook event of the completed request, as delivered.
	select {
	case e := <-events:
		if err := jobs.VerifySignature(webhookSecret, e.header.Get(jobs.SignatureHeader), e.body, time.Now(), time.Minute); err != nil {
			t.Errorf("delivery signature: %v", err)
		}
		for _, h := range []string{jobs.EventIDHeader, jobs.EventTypeHeader, jobs.AttemptHeader} {
			if e.header.Get(h) == "" {
				t.Errorf("delivery lacks %s", h)
			}
		}
		value, err := jsonschema.UnmarshalJSON(bytes.NewReader(e.body))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.v.CheckValue("#/webhooks/verification.completed/post/requestBody/content/application~1json/schema", value); err != nil {
			t.Errorf("webhook event does not match the document: %v\n%s", err, e.body)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no webhook delivery")
	}

	// The native webhook routes, with the delivery just made in the log.
	deadline = time.Now().Add(10 * time.Second)
	for {
		rec := s.call(t, "GET", "/v1/webhooks/"+hookID+"/deliveries", s.bearer(), "")
		if rec.Code != 200 {
			t.Fatalf("deliveries: %d %s", rec.Code, rec.Body)
		}
		if strings.Contains(rec.Body.String(), `"succeeded":true`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no successful delivery in the log: %s", rec.Body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, c := range []struct {
		method, target, body string
		want                 int
	}{
		{"GET", "/v1/webhooks", "", 200},
		{"GET", "/v1/webhooks/" + idgate.NewID() + "/deliveries", "", 404},
		{"GET", "/v1/webhooks/" + hookID + "/deliveries?limit=0", "", 400},
		{"POST", "/v1/webhooks", `{"url":"ftp://example.test/x"}`, 400},
		// A loopback URL: the runner is live and may deliver to it.
		{"POST", "/v1/webhooks", `{"url":"` + hookURL + `/second","events":["verification.completed"]}`, 201},
	} {
		if rec := s.call(t, c.method, c.target, s.bearer(), c.body); rec.Code != c.want {
			t.Errorf("%s %s: %d, want %d: %s", c.method, c.target, rec.Code, c.want, rec.Body)
		}
	}
}

const webhookSecret = "whsec_openapi_test"

type delivery struct {
	header http.Header
	body   []byte
}

// receiveWebhooks registers a webhook of the sandbox tenant at a
// loopback receiver and returns its id, the receiver's URL and what it
// receives.
func receiveWebhooks(t *testing.T, s *server) (id, url string, events <-chan delivery) {
	t.Helper()
	got := make(chan delivery, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select {
		case got <- delivery{r.Header.Clone(), body}:
		default:
		}
	}))
	t.Cleanup(srv.Close)
	now := time.Now().UTC()
	hook := &sqlstore.Webhook{ID: idgate.NewID(), TenantID: s.app.Sandbox.ID, URL: srv.URL, Secret: webhookSecret,
		Events: []string{jobs.EventCompleted, jobs.EventFailed}, CreatedAt: now}
	audit := &idgate.AuditEntry{Time: now, TenantID: hook.TenantID, Actor: "test", Action: "webhook.create", Subject: hook.ID}
	if err := s.app.Store.CreateWebhook(context.Background(), hook, audit); err != nil {
		t.Fatal(err)
	}
	return hook.ID, srv.URL, got
}

// TestWalletResponses checks the native wallet routes' real answers.
func TestWalletResponses(t *testing.T) {
	s := newServer(t, app.Config{})
	key := s.bearer()
	for _, c := range []struct {
		method, path, body string
		headers            map[string]string
		want               int
	}{
		{"GET", "/v1/wallet", "", key, 200},
		{"POST", "/v1/wallet/top-ups", `{"amount":5000,"reason":"test"}`, key, 201},
		{"GET", "/v1/wallet", "", key, 200},
		{"POST", "/v1/wallet/top-ups", `{"amount":0}`, key, 400},
		{"POST", "/v1/wallet/top-ups", `{"amount":5,"colour":"blue"}`, key, 400},
		{"GET", "/v1/wallet", "", nil, 401},
	} {
		if rec := s.call(t, c.method, c.path, c.headers, c.body); rec.Code != c.want {
			t.Errorf("%s %s: %d, want %d: %s", c.method, c.path, rec.Code, c.want, rec.Body)
		}
	}
	if n := len(s.rec.Seen()); n != 6 {
		t.Errorf("%d of 6 answers were checked", n)
	}
}
