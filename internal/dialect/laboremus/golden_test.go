package laboremus

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/idgate/idgate/internal/exchangetest"
)

// TestGolden runs the exchanges under testdata/: one request and the
// expected answer per file (go test -update rewrites them for review).
func TestGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("runs River against a real database")
	}
	s := newStack(t, openSQLite(t))
	token := s.token(t, s.a)
	h := authHeaders(token, s.a.subKey)
	code, _, raw := s.call(t, "POST", "/idv/api/requests?v=2.0", h,
		`{"surname":"Akello","givenNames":"Grace","otherNames":"Nansubuga","nin":"CF12345678901A","cardNumber":"001234567","dateOfBirth":"1990-04-12"}`)
	if code != 201 {
		t.Fatalf("POST: %d %s", code, raw)
	}
	completed := decodeMap(t, raw)["id"].(string)
	s.await(t, h, completed)
	exchangetest.Runner{
		Handler: s.mux,
		Vars:    map[string]string{"token": token, "key": s.a.subKey, "otherKey": s.b.subKey, "completed": completed},
		Volatile: map[string]string{
			"id": "<uuid>", "participantId": "<tenant uuid>", "multipleReferenceId": "<uuid>",
			"receivedAt": "<date-time>", "submittedAt": "<date-time>", "receivedFromNira": "<date-time>",
		},
	}.Run(t, "testdata")
}

// FuzzDecodeCreate: any body either decodes into requests whose numbers
// are valid and normalised, or is refused with at least one property
// error; it never panics.
func FuzzDecodeCreate(f *testing.F) {
	f.Add([]byte(`{"surname":"Akello","givenNames":"Grace","nin":"CF12345678901A","cardNumber":"001234567","dateOfBirth":"1990-04-12"}`))
	f.Add([]byte(`[{"SURNAME":"a","givenNames":"b","nin":"cm12345678901a","cardNumber":" 001234567 ","dateOfBirth":"2000-02-29"}]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"nin":null,"cardNumber":7}`))
	f.Add([]byte(`[1,"x",{}]`))
	f.Add([]byte(`"just a string"`))
	today := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		reqs, _, err := decodeCreate(body, 5, today)
		if err != nil {
			verr, ok := err.(*validationError)
			if !ok || verr.empty() {
				t.Fatalf("error %v is not a property error", err)
			}
			if _, err := json.Marshal(verr.errors); err != nil {
				t.Fatal(err)
			}
			return
		}
		if len(reqs) == 0 || len(reqs) > 5 {
			t.Fatalf("%d requests decoded", len(reqs))
		}
		for _, r := range reqs {
			if len(r.NIN) != 14 || len(r.CardNumber) != 9 || r.Surname == "" || r.GivenNames == "" {
				t.Fatalf("accepted %+v", r)
			}
			if d, err := time.Parse(time.DateOnly, r.DateOfBirth); err != nil || d.After(today) {
				t.Fatalf("accepted date of birth %q", r.DateOfBirth)
			}
		}
	})
}
