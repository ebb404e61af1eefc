package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/registry"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
	"github.com/idgate/idgate/internal/verify"
	"github.com/riverqueue/river"
)

const (
	testNIN  = "CM12345678901A"
	testCard = "001234567"
)

// fixture is a store with a sandbox tenant, one Uganda record and a
// started runner with short backoffs.
type fixture struct {
	st     *sqlstore.Store
	reg    *registry.Local
	runner *Runner
	p      *idgate.Principal
	events chan Event
}

func newFixture(t *testing.T, st *sqlstore.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	tenant := &idgate.Tenant{ID: idgate.NewID(), Name: "acme", Sandbox: true}
	if err := st.CreateTenant(ctx, tenant, nil); err != nil {
		t.Fatal(err)
	}
	cred := &idgate.Credential{ID: "key_test", TenantID: tenant.ID, Kind: idgate.APIKey, Name: "test", SecretHash: []byte{1}}
	if err := st.CreateCredential(ctx, cred, nil); err != nil {
		t.Fatal(err)
	}
	rec := &idgate.Record{
		Country: idgate.Uganda, IDType: idgate.NIN, Number: testNIN,
		FirstNames: "Grace", MiddleNames: "Nansubuga", LastName: "Akello", BirthDate: "1990-04-12", Gender: "F",
		UG: &idgate.UGPerson{OtherNames: "Nansubuga", CardNumber: testCard, CardExpiry: "2031-01-01", CardStatus: "Valid", NINStatus: "Active"},
	}
	if _, err := st.PutRecords(ctx, []*idgate.Record{rec}); err != nil {
		t.Fatal(err)
	}
	reg := registry.NewLocal(st, nil)
	svc := &verify.Service{Store: st, Source: reg}
	f := &fixture{st: st, reg: reg, p: &idgate.Principal{Tenant: tenant, Credential: cred}, events: make(chan Event, 100)}
	r, err := New(ctx, st, svc, Config{
		PollInterval: 20 * time.Millisecond, RetryBase: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond,
		WebhookRetryBase: 50 * time.Millisecond, WebhookRetryMax: 200 * time.Millisecond, VerifyMaxAttempts: 4,
	})
	if err != nil {
		t.Fatal(err)
	}
	r.onEvent = func(e Event) { f.events <- e }
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.Stop(ctx)
	})
	f.runner = r
	return f
}

func ugRequest(first, last, birth, card string) idgate.VerificationRequest {
	return idgate.VerificationRequest{
		Dialect: idgate.DialectLaboremus, Country: idgate.Uganda, IDType: idgate.NIN, Number: testNIN,
		Consent: true, Reason: "test", Checks: idgate.Checks{Names: true},
		Subject: idgate.Subject{FirstNames: first, LastName: last, MiddleName: "Nansubuga", BirthDate: birth},
		Extra:   WithCard(UgandaCard{CardNumber: card}),
	}
}

// await waits for the verification to leave Pending.
func (f *fixture) await(t *testing.T, id string) *idgate.Verification {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		v, err := f.st.Verification(context.Background(), f.p.Tenant.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != idgate.StatusPending {
			return v
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("verification %s still pending", id)
	return nil
}

func (f *fixture) submit(t *testing.T, reqs ...idgate.VerificationRequest) []*idgate.Verification {
	t.Helper()
	vs, err := f.runner.Submit(context.Background(), f.p, reqs, "")
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// auditCount counts the audit entries of an action about subject.
func auditCount(t *testing.T, st *sqlstore.Store, action, subject string) int {
	t.Helper()
	entries, err := st.AuditEntries(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Action == action && e.Subject == subject {
			n++
		}
	}
	return n
}

func TestLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("runs River against real databases")
	}
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		f := newFixture(t, st)
		cases := []struct {
			name       string
			req        idgate.VerificationRequest
			status     idgate.Status
			outcome    idgate.Outcome
			matching   bool
			mismatches []string
		}{
			{"match", ugRequest("Grace", "Akello", "1990-04-12", testCard), idgate.StatusCompleted, idgate.OutcomeFound, true, nil},
			{"surname mismatch", ugRequest("Grace", "Odongo", "1990-04-12", testCard), idgate.StatusCompleted, idgate.OutcomeFound, false, []string{"lastName"}},
			{"birth date mismatch", ugRequest("Grace", "Akello", "1991-04-12", testCard), idgate.StatusCompleted, idgate.OutcomeFound, false, []string{"birthDate"}},
			{"card of another NIN", ugRequest("Grace", "Akello", "1990-04-12", "009999999"), idgate.StatusCompleted, idgate.OutcomeFound, false, []string{"cardNumber"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				v := f.await(t, f.submit(t, c.req)[0].ID)
				if v.Status != c.status || v.Result.Outcome != c.outcome {
					t.Fatalf("status, outcome = %s, %s; want %s, %s", v.Status, v.Result.Outcome, c.status, c.outcome)
				}
				if v.SubmittedAt == nil || v.ReceivedAt == nil || v.ReceivedAt.Before(*v.SubmittedAt) || v.SubmittedAt.Before(v.CreatedAt) {
					t.Errorf("times: created %v submitted %v received %v", v.CreatedAt, v.SubmittedAt, v.ReceivedAt)
				}
				got := CheckCard(v)
				if got.Matching != c.matching || !equal(got.Mismatches, c.mismatches) || got.CardStatus != "Valid" || got.NINStatus != "Active" {
					t.Errorf("CheckCard = %+v; want matching %v, mismatches %v", got, c.matching, c.mismatches)
				}
				if n := auditCount(t, st, "verification.complete", v.ID); n != 1 {
					t.Errorf("%d completion audit entries, want 1", n)
				}
			})
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestOutcomes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs River against real databases")
	}
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		expiredNIN, errNIN := "CF98765432109B", "CM11112222333C"
		expired := &idgate.Record{Country: idgate.Uganda, IDType: idgate.NIN, Number: expiredNIN, FirstNames: "Okello", LastName: "Opio", BirthDate: "1980-01-01",
			UG: &idgate.UGPerson{CardNumber: "002222333", CardExpiry: "2020-01-01", CardStatus: "Expired", NINStatus: "Active"}}
		if _, err := st.PutRecords(ctx, []*idgate.Record{expired}); err != nil {
			t.Fatal(err)
		}
		if err := st.PutFaults(ctx, []idgate.Fault{{Country: idgate.Uganda, IDType: idgate.NIN, Number: errNIN, Kind: idgate.FaultError, Code: "NIRA-500"}}); err != nil {
			t.Fatal(err)
		}
		withNIN := func(nin, card string) idgate.VerificationRequest {
			r := ugRequest("Okello", "Opio", "1980-01-01", card)
			r.Subject.MiddleName = ""
			r.Number = nin
			return r
		}
		vs := f.submit(t, withNIN(expiredNIN, "002222333"), withNIN("CM00000000000X", "003333444"), withNIN(errNIN, "004444555"))

		exp := f.await(t, vs[0].ID)
		if exp.Status != idgate.StatusCompleted || exp.Result.Outcome != idgate.OutcomeExpired || CheckCard(exp).Matching || CheckCard(exp).CardStatus != "Expired" {
			t.Errorf("expired card: %s %s %+v", exp.Status, exp.Result.Outcome, CheckCard(exp))
		}
		nf := f.await(t, vs[1].ID)
		if nf.Status != idgate.StatusCompleted || nf.Result.Outcome != idgate.OutcomeNotFound || CheckCard(nf).Answered {
			t.Errorf("unknown NIN: %s %s %+v", nf.Status, nf.Result.Outcome, CheckCard(nf))
		}
		regErr := f.await(t, vs[2].ID)
		if regErr.Status != idgate.StatusFailed || regErr.Result.ErrorCode != "NIRA-500" || regErr.ReceivedAt == nil {
			t.Errorf("registry error: %s %+v", regErr.Status, regErr.Result)
		}
	})
}

// TestOutage: while the registry is down requests stay Pending (submitted,
// nothing received) and are retried; they complete once it is back.
func TestOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs River against real databases")
	}
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		f := newFixture(t, st)
		f.runner.cfg.VerifyMaxAttempts = 50
		f.reg.SetMode(idgate.Uganda, registry.Mode{Down: true})
		v := f.submit(t, ugRequest("Grace", "Akello", "1990-04-12", testCard))[0]
		var jobAttempts int
		deadline := time.Now().Add(10 * time.Second)
		for jobAttempts < 3 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			if err := st.DB().QueryRow(`SELECT MAX(attempt) FROM river_job WHERE kind = 'verify_uganda_card'`).Scan(&jobAttempts); err != nil {
				t.Fatal(err)
			}
		}
		if jobAttempts < 3 {
			t.Fatalf("job attempted %d times during the outage, want retries", jobAttempts)
		}
		during, err := st.Verification(context.Background(), f.p.Tenant.ID, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if during.Status != idgate.StatusPending || during.SubmittedAt == nil || during.ReceivedAt != nil {
			t.Fatalf("during outage: status %s submitted %v received %v", during.Status, during.SubmittedAt, during.ReceivedAt)
		}
		f.reg.SetMode(idgate.Uganda, registry.Mode{})
		after := f.await(t, v.ID)
		if after.Status != idgate.StatusCompleted || !CheckCard(after).Matching {
			t.Fatalf("after outage: %s %+v", after.Status, CheckCard(after))
		}
		if !after.SubmittedAt.Equal(*during.SubmittedAt) {
			t.Errorf("submittedAt moved from %v to %v", during.SubmittedAt, after.SubmittedAt)
		}
	})
}

// TestFlakyRegistry: with most lookups failing, every request still
// completes, through retries.
func TestFlakyRegistry(t *testing.T) {
	if testing.Short() {
		t.Skip("runs River against real databases")
	}
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		f := newFixture(t, st)
		f.runner.cfg.VerifyMaxAttempts = 50
		f.reg.SetMode(idgate.Uganda, registry.Mode{ErrorRate: 0.7})
		var reqs []idgate.VerificationRequest
		for range 10 {
			reqs = append(reqs, ugRequest("Grace", "Akello", "1990-04-12", testCard))
		}
		for _, v := range f.submit(t, reqs...) {
			if got := f.await(t, v.ID); got.Status != idgate.StatusCompleted || !CheckCard(got).Matching {
				t.Errorf("%s: %s %+v", v.ID, got.Status, CheckCard(got))
			}
		}
		var retried int
		if err := st.DB().QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind = 'verify_uganda_card' AND attempt > 1`).Scan(&retried); err != nil {
			t.Fatal(err)
		}
		if retried == 0 {
			t.Error("no job was retried at a 70% error rate")
		}
	})
}

// TestOutageExhausted: a registry that never comes back fails the request
// after the last attempt rather than leaving it Pending for ever.
func TestOutageExhausted(t *testing.T) {
	if testing.Short() {
		t.Skip("runs River against real databases")
	}
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		f := newFixture(t, st)
		f.reg.SetMode(idgate.Uganda, registry.Mode{Down: true})
		v := f.await(t, f.submit(t, ugRequest("Grace", "Akello", "1990-04-12", testCard))[0].ID)
		if v.Status != idgate.StatusFailed || v.Result.ErrorCode != CodeRegistryUnavailable || v.ReceivedAt != nil {
			t.Fatalf("got %s %+v received %v", v.Status, v.Result, v.ReceivedAt)
		}
	})
}

// TestClaimOnce: a second job for a finished verification changes nothing.
func TestClaimOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs River against real databases")
	}
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		f := newFixture(t, st)
		hook := newReceiver(t, f, 0)
		v := f.await(t, f.submit(t, ugRequest("Grace", "Akello", "1990-04-12", testCard))[0].ID)
		<-f.events
		// Enqueue the same verification again, as a rescue of a job still
		// alive elsewhere would.
		ctx := context.Background()
		err := st.InTx(ctx, func(tx *sql.Tx) error {
			_, err := f.runner.client.InsertTx(ctx, tx, VerifyUgandaCardArgs{VerificationID: v.ID, TenantID: v.TenantID}, &river.InsertOpts{Queue: QueueVerify})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool {
			var n int
			st.DB().QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind = 'verify_uganda_card' AND state = 'completed'`).Scan(&n)
			return n == 2
		})
		hook.waitDeliveries(t, 1)
		time.Sleep(200 * time.Millisecond)
		if n := auditCount(t, st, "verification.complete", v.ID); n != 1 {
			t.Errorf("%d completion audit entries, want 1", n)
		}
		if n := hook.count(); n != 1 {
			t.Errorf("%d webhook deliveries, want 1", n)
		}
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// receiver is a webhook endpoint that checks every signature and fails the
// first failFirst deliveries.
type receiver struct {
	*httptest.Server
	hook      *sqlstore.Webhook
	mu        sync.Mutex
	failFirst int
	seen      int
	delivered []Event
	bad       []error
}

func newReceiver(t *testing.T, f *fixture, failFirst int) *receiver {
	t.Helper()
	rc := &receiver{failFirst: failFirst}
	rc.Server = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.Close)
	rc.hook = &sqlstore.Webhook{ID: idgate.NewID(), TenantID: f.p.Tenant.ID, URL: rc.URL + "/hook",
		Events: []string{EventCompleted, EventFailed}, Secret: "whsec_test"}
	if err := f.st.CreateWebhook(context.Background(), rc.hook, nil); err != nil {
		t.Fatal(err)
	}
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.seen++
	if err := VerifySignature(rc.hook.Secret, r.Header.Get(SignatureHeader), body, time.Now(), ReplayWindow); err != nil {
		rc.bad = append(rc.bad, err)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if rc.seen <= rc.failFirst {
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	}
	var e Event
	if err := json.Unmarshal(body, &e); err != nil {
		rc.bad = append(rc.bad, err)
	}
	if r.Header.Get(EventIDHeader) != e.ID || r.Header.Get(EventTypeHeader) != e.Type {
		rc.bad = append(rc.bad, io.ErrUnexpectedEOF)
	}
	rc.delivered = append(rc.delivered, e)
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.delivered)
}

func (rc *receiver) waitDeliveries(t *testing.T, n int) {
	t.Helper()
	waitFor(t, func() bool { return rc.count() >= n })
}

func TestWebhookDelivery(t *testing.T) {
	if testing.Short() {
		t.Skip("runs River against real databases")
	}
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		f := newFixture(t, st)
		rc := newReceiver(t, f, 2)
		v := f.await(t, f.submit(t, ugRequest("Grace", "Akello", "1990-04-12", testCard))[0].ID)
		rc.waitDeliveries(t, 1)
		if len(rc.bad) > 0 {
			t.Fatalf("receiver refused deliveries: %v", rc.bad)
		}
		e := rc.delivered[0]
		data, _ := json.Marshal(e.Data)
		var sum Summary
		if err := json.Unmarshal(data, &sum); err != nil {
			t.Fatal(err)
		}
		if e.Type != EventCompleted || sum.ID != v.ID || sum.Status != "completed" || sum.Outcome != "found" {
			t.Errorf("event = %+v, data %s", e, data)
		}
		var ds []*sqlstore.WebhookDelivery
		waitFor(t, func() bool {
			var err error
			ds, err = st.WebhookDeliveries(context.Background(), sqlstore.WebhookDeliveryFilter{TenantID: f.p.Tenant.ID, WebhookID: rc.hook.ID})
			if err != nil {
				t.Fatal(err)
			}
			return len(ds) == 3
		})
		// Newest first: two refusals, then the success.
		for i, d := range ds {
			wantOK := i == 0
			if d.Succeeded != wantOK || d.Attempt != 3-i || d.EventID != e.ID || d.VerificationID != v.ID {
				t.Errorf("delivery %d = %+v", i, d)
			}
			if !wantOK && (d.StatusCode != http.StatusServiceUnavailable || d.Error == "") {
				t.Errorf("failed delivery %d = %+v", i, d)
			}
		}
	})
}

func TestSignature(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":"e1"}`)
	header := Sign("s3cret", now, body)
	if want := "t=1800000000,v1="; header[:len(want)] != want {
		t.Fatalf("header = %q", header)
	}
	cases := []struct {
		name   string
		secret string
		header string
		body   string
		now    time.Time
		want   error
	}{
		{"valid", "s3cret", header, string(body), now, nil},
		{"within window", "s3cret", header, string(body), now.Add(ReplayWindow), nil},
		{"replayed later", "s3cret", header, string(body), now.Add(ReplayWindow + time.Second), ErrSignatureStale},
		{"from the future", "s3cret", header, string(body), now.Add(-ReplayWindow - time.Second), ErrSignatureStale},
		{"other secret", "other", header, string(body), now, ErrSignatureMismatch},
		{"body changed", "s3cret", header, `{"id":"e2"}`, now, ErrSignatureMismatch},
		{"timestamp changed", "s3cret", "t=1800000001" + header[len("t=1800000000"):], string(body), now, ErrSignatureMismatch},
		{"no v1", "s3cret", "t=1800000000", string(body), now, ErrSignatureMalformed},
		{"garbage", "s3cret", "nonsense", string(body), now, ErrSignatureMalformed},
		{"hex broken", "s3cret", "t=1800000000,v1=zz", string(body), now, ErrSignatureMalformed},
	}
	for _, c := range cases {
		if got := VerifySignature(c.secret, c.header, []byte(c.body), c.now, ReplayWindow); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func FuzzVerifySignature(f *testing.F) {
	now := time.Unix(1_800_000_000, 0)
	f.Add(Sign("k", now, []byte("b")), []byte("b"))
	f.Add("t=1,v1=00,v1=", []byte{})
	f.Add(",,=", []byte("x"))
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		if VerifySignature("k", header, body, now, ReplayWindow) != nil {
			return
		}
		// An accepted header carries the MAC of this secret and body: it
		// must not pass for another secret or another body.
		if VerifySignature("k2", header, body, now, ReplayWindow) == nil {
			t.Fatalf("header %q accepted under two secrets", header)
		}
		if VerifySignature("k", header, append(body, 'x'), now, ReplayWindow) == nil {
			t.Fatalf("header %q accepted for two bodies", header)
		}
	})
}

func TestBackoff(t *testing.T) {
	base, limit := time.Second, 30*time.Second
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 5: 16 * time.Second, 6: 30 * time.Second, 40: 30 * time.Second} {
		for range 20 {
			got := backoff(attempt, base, limit)
			if got < want-want/10 || got > want+want/10 {
				t.Errorf("backoff(%d) = %v, want %v ±10%%", attempt, got, want)
			}
		}
	}
}
