package httpapi

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

func TestWebhookEndpoints(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		a, err := auth.New(st, auth.Config{Issuer: "idgate", Audience: "idgate-api"})
		if err != nil {
			t.Fatal(err)
		}
		keyOf := func(name string, sandbox bool) (string, string) {
			tn := &idgate.Tenant{ID: idgate.NewID(), Name: name, Sandbox: sandbox}
			if err := st.CreateTenant(ctx, tn, nil); err != nil {
				t.Fatal(err)
			}
			_, key, err := auth.CreateCredential(ctx, st, tn.ID, idgate.APIKey, "k", idgate.User{ID: "u"}, "test")
			if err != nil {
				t.Fatal(err)
			}
			return tn.ID, key
		}
		tenantA, keyA := keyOf("a", true)
		_, keyB := keyOf("b", false)
		s := &Server{Auth: a, Store: st}
		mux := s.Handler()
		call := func(key, method, path, body string) (int, map[string]any) {
			t.Helper()
			req := httptest.NewRequest(method, path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+key)
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			var m map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
				t.Fatalf("%s %s: %s", method, path, rec.Body)
			}
			return rec.Code, m
		}

		code, created := call(keyA, "POST", "/v1/webhooks", `{"url":"https://example.test/hook"}`)
		secret, _ := created["secret"].(string)
		if code != 201 || !strings.HasPrefix(secret, "whsec_") || len(created["events"].([]any)) != 2 {
			t.Fatalf("create: %d %v", code, created)
		}
		id := created["id"].(string)
		for _, c := range []struct{ body, field string }{
			{`{"url":"ftp://example.test/x"}`, "url"},
			{`{"url":"https://user:pw@example.test/x"}`, "url"},
			{`{"url":""}`, "url"},
			{`{"url":"https://example.test/x","events":["verification.deleted"]}`, "events"},
			{`{"url":"https://example.test/x","colour":"blue"}`, "colour"},
		} {
			code, p := call(keyA, "POST", "/v1/webhooks", c.body)
			errs, _ := p["errors"].([]any)
			if code != 400 || len(errs) != 1 || errs[0].(map[string]any)["field"] != c.field {
				t.Errorf("%s: %d %v, want 400 on %s", c.body, code, p, c.field)
			}
		}
		if code, p := call(keyB, "POST", "/v1/webhooks", `{"url":"http://example.test/hook"}`); code != 400 {
			t.Errorf("plain http for a live tenant: %d %v, want 400", code, p)
		}
		if code, p := call(keyB, "POST", "/v1/webhooks", `{"url":"https://example.test/hook"}`); code != 201 {
			t.Errorf("https for a live tenant: %d %v, want 201", code, p)
		}
		if code, p := call(keyA, "POST", "/v1/webhooks", `{"url":"http://127.0.0.1:9/hook"}`); code != 201 {
			t.Errorf("plain http for a sandbox tenant: %d %v, want 201", code, p)
		}
		code, list := call(keyA, "GET", "/v1/webhooks", "")
		data := list["data"].([]any)
		if code != 200 || len(data) != 2 || data[0].(map[string]any)["secret"] != nil {
			t.Errorf("list: %d %v (the secret must not be shown again)", code, list)
		}
		if code, list := call(keyB, "GET", "/v1/webhooks", ""); code != 200 || len(list["data"].([]any)) != 1 {
			t.Errorf("other tenant's list: %d %v", code, list)
		}

		d := &sqlstore.WebhookDelivery{ID: idgate.NewID(), WebhookID: id, TenantID: tenantA, EventID: "e1", EventType: "verification.completed",
			VerificationID: "v1", Attempt: 1, AttemptedAt: time.Now(), Duration: 12 * time.Millisecond, StatusCode: 503, Error: "receiver answered 503 Service Unavailable"}
		if err := st.RecordWebhookDelivery(ctx, d); err != nil {
			t.Fatal(err)
		}
		code, ds := call(keyA, "GET", "/v1/webhooks/"+id+"/deliveries", "")
		got := ds["data"].([]any)
		if code != 200 || len(got) != 1 {
			t.Fatalf("deliveries: %d %v", code, ds)
		}
		g := got[0].(map[string]any)
		if g["statusCode"] != float64(503) || g["attempt"] != float64(1) || g["succeeded"] != false || g["durationMs"] != float64(12) || g["eventId"] != "e1" {
			t.Errorf("delivery = %v", g)
		}
		if code, _ := call(keyB, "GET", "/v1/webhooks/"+id+"/deliveries", ""); code != 404 {
			t.Errorf("other tenant's deliveries: %d, want 404", code)
		}
		if code, _ := call(keyA, "GET", "/v1/webhooks/"+id+"/deliveries?limit=0", ""); code != 400 {
			t.Errorf("limit 0: %d, want 400", code)
		}
	})
}
