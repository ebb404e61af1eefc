package securecitizen_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate/internal/app"
	"github.com/idgate/idgate/internal/exchangetest"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

// fixedNow pins the clock so ages and cache dates in goldens are stable.
var fixedNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func newApp(t *testing.T, st *sqlstore.Store) *app.App {
	t.Helper()
	a, err := app.New(context.Background(), st, app.Config{Sandbox: true, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatalf("wire app: %v", err)
	}
	return a
}

// TestExchanges runs the golden request/response files on both stores.
func TestExchanges(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		a := newApp(t, st)
		exchangetest.Runner{
			Handler: a.Handler,
			Vars:    map[string]string{"key": a.SandboxKey},
			Volatile: map[string]string{
				"TrackingNumber": "<uuid>",
				"FacialImage":    "<len>",
				"facialImage":    "<len>",
			},
		}.Run(t, "testdata/exchanges")
	})
}

func post(t *testing.T, h http.Handler, key, path, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, rec.Body)
	}
	return rec.Code, out
}

// TestRSAIDFieldTypes checks every field of page 001's response, with its
// exact casing and JSON type, on a real answer.
func TestRSAIDFieldTypes(t *testing.T) {
	a := newApp(t, sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t)))
	code, out := post(t, a.Handler, a.SandboxKey, "/Citizen/RSAIDVerification",
		`{"ConsentReceived":true,"IdNumber":"8507145123085","FirstNames":"Thabo Johannes","LastName":"Mokoena","RequestReason":"r","HANISImageRequired":true,"SAFPSRequired":true,"CRef":"X1"}`)
	if code != http.StatusOK {
		t.Fatalf("status %d: %v", code, out)
	}
	if out["title"] != "Citizen Api Output" || out["status"] != float64(200) {
		t.Fatalf("envelope = %v", out)
	}
	resp := out["response"].(map[string]any)
	want := map[string]string{
		"TrackingNumber": "string", "CachedResult": "boolean", "CacheDate": "null",
		"FirstNameResult": "string", "LastNameResult": "string", "IdNumber": "string",
		"FirstName": "string", "LastName": "string", "SmartCardIssued": "boolean",
		"IDIssueDate": "string", "IDSequenceNumber": "string", "DeadIndicator": "boolean",
		"DateOfDeath": "null", "IDBlocked": "boolean", "MaritalStatus": "string",
		"DateOfMarriage": "null", "OnHanis": "boolean", "OnNPR": "boolean",
		"BirthPlaceCountryCode": "string", "BirthPlaceCountry": "string",
		"FacialImageAvailable": "boolean", "FacialImage": "string", "FaceResult": "null",
		"LivenessResult": "null", "SAFPSResults": "array", "SCDerivedValues": "object",
		"IsWalletCreated": "boolean", "CRef": "string", "Status": "string", "Message": "string",
	}
	for field, kind := range want {
		v, ok := resp[field]
		if !ok {
			t.Errorf("field %s missing", field)
			continue
		}
		if got := exchangetest.JSONType(v); got != kind {
			t.Errorf("field %s is %s, want %s", field, got, kind)
		}
	}
	if len(resp) != len(want) {
		t.Errorf("response has %d fields, want %d: %v", len(resp), len(want), resp)
	}
	if resp["FirstNameResult"] != "100" || resp["LastNameResult"] != "100" {
		t.Errorf("name scores = %v, %v; want \"100\" strings", resp["FirstNameResult"], resp["LastNameResult"])
	}
}

// TestRefugeeFieldTypes does the same for page 000.
func TestRefugeeFieldTypes(t *testing.T) {
	a := newApp(t, sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t)))
	code, out := post(t, a.Handler, a.SandboxKey, "/Citizen/RefugeeVerification",
		`{"ConsentReceived":true,"FileNumber":"JHBCOD00123456","FirstNames":"Espoir","LastName":"Mukendi","RequestReason":"r","NIISImageRequired":true,"CRef":"REF00001"}`)
	if code != http.StatusOK {
		t.Fatalf("status %d: %v", code, out)
	}
	resp := out["response"].(map[string]any)
	want := map[string]string{
		"TrackingNumber": "string", "CachedResult": "boolean", "CacheDate": "null",
		"firstNameResult": "string", "lastNameResult": "string", "niisFileNumber": "string",
		"firstName": "string", "lastName": "string", "gender": "string", "birthDate": "string",
		"age": "number", "country": "string", "nationality": "string",
		"alternativeFileNumber": "null", "officeOfApplication": "string", "fileStatus": "string",
		"permitNumber": "string", "expiryDate": "string", "refugeeIDNumber": "string",
		"facialImage": "string", "FaceResult": "null", "LivenessResult": "null",
		"CRef": "string", "Status": "string", "Message": "string",
	}
	for field, kind := range want {
		if got := exchangetest.JSONType(resp[field]); got != kind {
			t.Errorf("field %s is %s, want %s", field, got, kind)
		}
	}
	if len(resp) != len(want) {
		t.Errorf("response has %d fields, want %d", len(resp), len(want))
	}
	if resp["expiryDate"] != "Friday, 12/02/2027; 24:00" {
		t.Errorf("expiryDate = %v", resp["expiryDate"])
	}
}

// TestIdempotencyKey replays a request and gets the stored answer back.
func TestIdempotencyKey(t *testing.T) {
	a := newApp(t, sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t)))
	body := `{"ConsentReceived":true,"IdNumber":"8507145123085","FirstNames":"Thabo","LastName":"Mokoena","RequestReason":"r"}`
	send := func(body string) (int, map[string]any) {
		req := httptest.NewRequest(http.MethodPost, "/Citizen/RSAIDVerification", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+a.SandboxKey)
		req.Header.Set("Idempotency-Key", "k-1")
		rec := httptest.NewRecorder()
		a.Handler.ServeHTTP(rec, req)
		var out map[string]any
		json.Unmarshal(rec.Body.Bytes(), &out)
		return rec.Code, out
	}
	_, first := send(body)
	_, second := send(body)
	id1 := first["response"].(map[string]any)["TrackingNumber"]
	id2 := second["response"].(map[string]any)["TrackingNumber"]
	if id1 == nil || id1 != id2 {
		t.Fatalf("replay gave tracking number %v, first %v", id2, id1)
	}
	code, _ := send(strings.Replace(body, "Thabo", "Sipho", 1))
	if code != http.StatusConflict {
		t.Fatalf("reused key with another body: status %d, want 409", code)
	}
}

// FuzzRSAIDRequest sends arbitrary bodies: the answer is always the
// dialect's envelope, never an internal error.
func FuzzRSAIDRequest(f *testing.F) {
	f.Add(`{"ConsentReceived":true,"IdNumber":"8507145123085","FirstNames":"Thabo","LastName":"Mokoena","RequestReason":"r"}`)
	f.Add(`{"ConsentReceived":true,"IdNumber":"8507145123085","FaceString":"aGVsbG8=","RequestReason":"r"}`)
	f.Add(`{"ConsentReceived":1}`)
	f.Add(`[]`)
	f.Add(`{"IdNumber":"` + strings.Repeat("9", 100) + `"}`)
	st := sqlstoretest.Open(f, sqlstoretest.SQLiteURL(f))
	a, err := app.New(context.Background(), st, app.Config{Sandbox: true, MaxBody: 4096})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range []string{"/Citizen/RSAIDVerification", "/Citizen/RefugeeVerification"} {
			req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader([]byte(body)))
			req.Header.Set("Authorization", "Bearer "+a.SandboxKey)
			rec := httptest.NewRecorder()
			a.Handler.ServeHTTP(rec, req)
			if rec.Code == http.StatusInternalServerError {
				t.Fatalf("%s: status %d for body %q: %s", path, rec.Code, body, rec.Body)
			}
			var env struct {
				Status   int            `json:"status"`
				Response map[string]any `json:"response"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Status != rec.Code || env.Response["Status"] == nil {
				t.Fatalf("%s: not the envelope (%v): %s", path, err, rec.Body)
			}
		}
	})
}
