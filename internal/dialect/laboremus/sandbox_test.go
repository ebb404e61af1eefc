package laboremus

import (
	"context"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/sandbox"
)

// TestSandboxCases runs every Uganda sandbox case through the dialect and
// checks the answer its documentation promises.
func TestSandboxCases(t *testing.T) {
	if testing.Short() {
		t.Skip("runs River against a real database, with a 5 s slow-registry case")
	}
	now := time.Now()
	cases := map[string]sandbox.Identity{}
	for _, id := range sandbox.Identities(now) {
		if id.Dialect == idgate.DialectLaboremus {
			cases[id.Case] = id
		}
	}
	if len(cases) == 0 {
		t.Skip("the Uganda sandbox is not listed in sandbox.Identities yet")
	}
	s := newStack(t, openSQLite(t))
	if err := sandbox.Seed(context.Background(), s.st, s.a.tenant.ID, now); err != nil {
		t.Fatal(err)
	}
	h := authHeaders(s.a.apiKey, s.a.subKey)
	body := func(nin, surname, given, card, birth string) string {
		return `{"surname":"` + surname + `","givenNames":"` + given + `","nin":"` + nin + `","cardNumber":"` + card + `","dateOfBirth":"` + birth + `"}`
	}
	table := []struct {
		name, surname, given, card, birth string
		status                            string
		matching                          bool
		cardStatus                        any
		errorCode                         string
	}{
		{"card matches", "Akello", "Grace", "001234567", "1990-04-12", "Completed", true, "Valid", ""},
		{"name mismatch", "Odongo", "Grace", "001234567", "1990-04-12", "Completed", false, "Valid", ""},
		{"birth-date mismatch", "Akello", "Grace", "001234567", "1991-04-12", "Completed", false, "Valid", ""},
		{"expired card", "Opio", "Okello", "007654321", "1985-10-09", "Completed", false, "Expired", ""},
		{"NIN not found", "Opio", "Okello", "007654321", "1985-10-09", "Completed", false, nil, "NIN_NOT_FOUND"},
		{"NIRA error", "Mugisha", "Daniel", "003332221", "1979-01-20", "Failed", false, nil, "NIRA-500"},
		{"slow NIRA", "Namutebi", "Sarah", "005556667", "1995-07-07", "Completed", true, "Valid", ""},
	}
	ids := map[string]string{}
	for _, c := range table {
		id, ok := cases[c.name]
		if !ok {
			t.Fatalf("sandbox has no case %q", c.name)
		}
		code, _, raw := s.call(t, "POST", "/idv/api/requests?v=2.0", h, body(id.Number, c.surname, c.given, c.card, c.birth))
		if code != 201 {
			t.Fatalf("%s: POST %d %s", c.name, code, raw)
		}
		ids[c.name] = decodeMap(t, raw)["id"].(string)
	}
	down := cases["NIRA down"]
	code, _, raw := s.call(t, "POST", "/idv/api/requests?v=2.0", h, body(down.Number, "Ssempa", "Joseph", "008889990", "1988-02-14"))
	if code != 201 {
		t.Fatalf("NIRA down: POST %d %s", code, raw)
	}
	downID := decodeMap(t, raw)["id"].(string)
	for _, c := range table {
		t.Run(c.name, func(t *testing.T) {
			got := s.await(t, h, ids[c.name])
			res := got["resultJson"].(map[string]any)
			if got["requestStatus"] != c.status || res["matchingStatus"] != c.matching || res["cardStatus"] != c.cardStatus {
				t.Errorf("got %v %v", got["requestStatus"], res)
			}
			if c.errorCode != "" {
				if e, _ := res["error"].(map[string]any); e == nil || e["code"] != c.errorCode {
					t.Errorf("error = %v, want code %s", res["error"], c.errorCode)
				}
			}
		})
	}
	code, _, raw = s.call(t, "GET", "/idv/api/requests/"+downID+"?v=2.0", h, "")
	got := decodeMap(t, raw)
	if code != 200 || got["requestStatus"] != "Pending" || got["submittedAt"] == nil || got["receivedFromNira"] != nil {
		t.Errorf("NIRA down: %d %v", code, got)
	}
}
