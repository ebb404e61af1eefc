package verify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/registry"
	"github.com/idgate/idgate/internal/sandbox"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
	"github.com/idgate/idgate/internal/verify"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

type fixture struct {
	svc   *verify.Service
	local *registry.Local
	st    *sqlstore.Store
	p     *idgate.Principal
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st := sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t))
	ctx := context.Background()
	tenant := &idgate.Tenant{ID: idgate.NewID(), Name: "Bank", CreatedAt: now}
	if err := st.CreateTenant(ctx, tenant, &idgate.AuditEntry{Time: now, Actor: "test", Action: "tenant.create", Subject: tenant.ID}); err != nil {
		t.Fatal(err)
	}
	if err := sandbox.Seed(ctx, st, tenant.ID, now); err != nil {
		t.Fatal(err)
	}
	local := registry.NewLocal(st, func() time.Time { return now })
	svc := &verify.Service{Store: st, Source: local, Now: func() time.Time { return now },
		Config: verify.Config{Prices: verify.Prices{Lookup: 100, Fraud: 50}}}
	cred := &idgate.Credential{ID: "cred-1", TenantID: tenant.ID}
	return &fixture{svc: svc, local: local, st: st, p: &idgate.Principal{Tenant: tenant, Credential: cred}}
}

func (f *fixture) topUp(t *testing.T, amount int64) {
	t.Helper()
	if _, err := f.st.TopUp(context.Background(), f.p.Tenant.ID, amount, &idgate.AuditEntry{Time: now, Actor: "test", Action: "wallet.topup", Subject: f.p.Tenant.ID, Amount: amount}); err != nil {
		t.Fatal(err)
	}
}

func zaRequest(number string) idgate.VerificationRequest {
	return idgate.VerificationRequest{
		Dialect: idgate.DialectNative, Country: "za", Number: " " + number + " ", Consent: true, Reason: " onboarding ",
		Subject: idgate.Subject{FirstNames: "Thabo", LastName: "Mokoena"}, Checks: idgate.Checks{Names: true},
	}
}

func TestValidate(t *testing.T) {
	svc := &verify.Service{Now: func() time.Time { return now }}
	tests := []struct {
		name  string
		edit  func(r *idgate.VerificationRequest)
		field string // "" means valid
		code  string
	}{
		{"valid, normalised", func(r *idgate.VerificationRequest) {}, "", ""},
		{"no consent", func(r *idgate.VerificationRequest) { r.Consent = false }, "consent", idgate.EINVALID},
		{"blank reason", func(r *idgate.VerificationRequest) { r.Reason = "  " }, "reason", idgate.EINVALID},
		{"long reason", func(r *idgate.VerificationRequest) { r.Reason = string(make([]byte, 501)) }, "reason", idgate.EINVALID},
		{"unknown country", func(r *idgate.VerificationRequest) { r.Country = "US" }, "country", idgate.EINVALID},
		{"bad check digit", func(r *idgate.VerificationRequest) { r.Number = "8507145123086" }, "number", idgate.EINVALID},
		{"wrong id type", func(r *idgate.VerificationRequest) { r.IDType = "vnin" }, "idType", idgate.EINVALID},
		{"ZA without names or face", func(r *idgate.VerificationRequest) { r.Subject = idgate.Subject{}; r.Checks.Names = false }, "firstNames", idgate.EINVALID},
		{"last name alone", func(r *idgate.VerificationRequest) { r.Subject.FirstNames = "" }, "firstNames", idgate.EINVALID},
		{"bad birth date", func(r *idgate.VerificationRequest) { r.Subject.BirthDate = "1985-02-30" }, "birthDate", idgate.EINVALID},
		{"bad mobile", func(r *idgate.VerificationRequest) { r.Subject.Mobile = "+27821234567" }, "mobile", idgate.EINVALID},
		{"face without selfie", func(r *idgate.VerificationRequest) { r.Checks.Face = true }, "selfie", idgate.EINVALID},
		{"selfie without engine", func(r *idgate.VerificationRequest) { r.Selfie = []byte("img"); r.Checks.Face = true }, "", idgate.ENOTIMPLEMENTED},
		{"overlong name", func(r *idgate.VerificationRequest) { r.Subject.LastName = string(make([]byte, 300)) }, "lastName", idgate.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := zaRequest("8507145123085")
			tt.edit(&req)
			err := svc.Validate(&req)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if req.Country != idgate.SouthAfrica || req.IDType != idgate.NationalID || req.Number != "8507145123085" || req.Reason != "onboarding" || req.Fingerprint == "" {
					t.Fatalf("not normalised: %+v", req)
				}
				return
			}
			if got := idgate.ErrorCode(err); got != tt.code {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.code)
			}
			if e, ok := err.(*idgate.Error); tt.field != "" && (!ok || e.Field != tt.field) {
				t.Fatalf("error %v does not name field %s", err, tt.field)
			}
		})
	}
}

func TestCachePolicy(t *testing.T) {
	const down = "8812014321087"    // sandbox: registry down, cached two days ago
	const noCache = "7504041111083" // sandbox: registry down, nothing cached
	const live = "9203021234084"    // sandbox: found, never cached before
	tests := []struct {
		name       string
		number     string
		cache      idgate.CachePolicy
		wantCode   string
		wantCached bool
	}{
		{"down, cache not allowed", down, idgate.CachePolicy{}, idgate.EUNAVAILABLE, false},
		{"down, cache allowed", down, idgate.CachePolicy{Allow: true}, "", true},
		{"down, no cache entry", noCache, idgate.CachePolicy{Allow: true}, idgate.EUNAVAILABLE, false},
		{"cache only, cached", down, idgate.CachePolicy{Only: true}, "", true},
		{"cache only, nothing cached", live, idgate.CachePolicy{Only: true}, idgate.EUNAVAILABLE, false},
		{"live", live, idgate.CachePolicy{Allow: true}, "", false},
		{"preferred after a live answer", live, idgate.CachePolicy{Allow: true, Preferred: true}, "", true},
	}
	f := newFixture(t)
	f.topUp(t, 10_000)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := zaRequest(tt.number)
			req.Subject = idgate.Subject{FirstNames: "A", LastName: "B"}
			req.Cache = tt.cache
			v, err := f.svc.Verify(context.Background(), f.p, req)
			if got := idgate.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.wantCode)
			}
			if err == nil && (v.Result.Cached != tt.wantCached || (tt.wantCached && v.Result.CacheDate == nil)) {
				t.Fatalf("cached = %v (date %v), want %v", v.Result.Cached, v.Result.CacheDate, tt.wantCached)
			}
		})
	}
	req := zaRequest("4111306001083") // found, never looked up in this test
	req.Cache = idgate.CachePolicy{Only: true}
	if _, err := f.svc.Verify(context.Background(), f.p, req); err != verify.ErrNoCache {
		t.Fatalf("cache-only miss: %v, want verify.ErrNoCache", err)
	}
}

func TestCacheTTL(t *testing.T) {
	f := newFixture(t)
	f.topUp(t, 1000)
	f.svc.Config.CacheTTL = 24 * time.Hour // the sandbox entry is two days old
	req := zaRequest("8812014321087")
	req.Cache = idgate.CachePolicy{Allow: true}
	if _, err := f.svc.Verify(context.Background(), f.p, req); idgate.ErrorCode(err) != idgate.EUNAVAILABLE {
		t.Fatalf("expired cache entry served: %v", err)
	}
}

func TestRegistryWideOutage(t *testing.T) {
	f := newFixture(t)
	f.topUp(t, 1000)
	f.local.SetMode(idgate.SouthAfrica, registry.Mode{Down: true})
	_, err := f.svc.Verify(context.Background(), f.p, zaRequest("8507145123085"))
	if idgate.ErrorCode(err) != idgate.EUNAVAILABLE {
		t.Fatalf("registry down: %v", err)
	}
	// The attempt is audited although nothing was stored or charged.
	entries, err := f.st.AuditEntries(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	if last.Action != "verification.attempt" || last.Outcome != "registry_unavailable" || last.Reason != "onboarding" {
		t.Fatalf("last audit entry = %+v", last)
	}
	if w, _ := f.st.Wallet(context.Background(), f.p.Tenant.ID); w.Balance != 1000 {
		t.Fatalf("balance = %d, want 1000 (nothing charged)", w.Balance)
	}
}

func TestPricingAndFunds(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	req := zaRequest("8507145123085")
	req.Checks.Fraud = true
	if _, err := f.svc.Verify(ctx, f.p, req); idgate.ErrorCode(err) != idgate.EPAYMENTREQ {
		t.Fatalf("empty wallet: %v, want payment required", err)
	}
	f.topUp(t, 150)
	v, err := f.svc.Verify(ctx, f.p, req)
	if err != nil {
		t.Fatal(err)
	}
	if v.Price != 150 {
		t.Fatalf("price = %d, want lookup 100 + fraud 50", v.Price)
	}
	if w, _ := f.st.Wallet(ctx, f.p.Tenant.ID); w.Balance != 0 {
		t.Fatalf("balance = %d, want 0", w.Balance)
	}
	sandboxTenant := *f.p.Tenant
	sandboxTenant.Sandbox = true
	if v, err := f.svc.Verify(ctx, &idgate.Principal{Tenant: &sandboxTenant, Credential: f.p.Credential}, req); err != nil || v.Price != 0 {
		t.Fatalf("sandbox tenant: price %v, err %v; want free", v, err)
	}
}

func TestStoredVerificationKeepsPhotoHashOnly(t *testing.T) {
	f := newFixture(t)
	f.topUp(t, 1000)
	req := zaRequest("8507145123085")
	req.Checks.Photo = true
	v, err := f.svc.Verify(context.Background(), f.p, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Result.Record.Photo) == 0 {
		t.Fatal("the answer lacks the registry photo")
	}
	stored, err := f.st.Verification(context.Background(), f.p.Tenant.ID, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored.Result.Record.Photo) != 0 || len(stored.Result.Record.PhotoSHA256) != 64 {
		t.Fatalf("stored record keeps photo of %d bytes, hash %q", len(stored.Result.Record.Photo), stored.Result.Record.PhotoSHA256)
	}
	if stored.Result.Names == nil || stored.Result.Names.LastName != 100 {
		t.Fatalf("stored names = %+v", stored.Result.Names)
	}
}

func TestOutcomes(t *testing.T) {
	f := newFixture(t)
	f.topUp(t, 10_000)
	tests := []struct {
		number string
		want   idgate.Outcome
	}{
		{"8507145123085", idgate.OutcomeFound},
		{"0101018888087", idgate.OutcomeNotFound},
		{"9009097777082", idgate.OutcomeMarkedForDeletion},
		{"9505255555186", idgate.OutcomePhotoOnly},
	}
	for _, tt := range tests {
		v, err := f.svc.Verify(context.Background(), f.p, zaRequest(tt.number))
		if err != nil {
			t.Fatalf("%s: %v", tt.number, err)
		}
		if v.Result.Outcome != tt.want {
			t.Errorf("%s: outcome %s, want %s", tt.number, v.Result.Outcome, tt.want)
		}
		if tt.want == idgate.OutcomePhotoOnly && (v.Result.Names != nil || len(v.Result.Record.Photo) == 0) {
			t.Errorf("photo-only answer scored names or lacks the photo: %+v", v.Result)
		}
	}
}

// TestCacheKeepsThePhoto: a lookup that needs no photo still leaves one in
// the identity cache, so an outage can answer HANISImageRequired later.
func TestCacheKeepsThePhoto(t *testing.T) {
	f := newFixture(t)
	f.topUp(t, 1000)
	v, err := f.svc.Verify(context.Background(), f.p, zaRequest("8507145123085"))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Result.Record.Photo) == 0 && !v.Result.Record.HasPhoto() {
		t.Fatal("record lost track of its photo")
	}
	cached, _, err := f.st.CachedRecord(context.Background(), idgate.SouthAfrica, idgate.NationalID, "8507145123085")
	if err != nil {
		t.Fatal(err)
	}
	if len(cached.Photo) == 0 {
		t.Fatal("identity cache entry has no photo")
	}
}

// fakeFace is a hand-written FaceEngine for testing the core's use of it;
// the real engine is tested in internal/face and end to end in the dialects.
type fakeFace struct{ calls []string }

func (f *fakeFace) Compare(ctx context.Context, selfie, ref []byte) (idgate.FaceMatch, error) {
	f.calls = append(f.calls, "compare")
	return idgate.FaceMatch{Similarity: 0.95, Confidence: 0.99, Match: true, Threshold: 0.9}, nil
}

func (f *fakeFace) Liveness(ctx context.Context, selfie []byte) (idgate.LivenessResult, error) {
	f.calls = append(f.calls, "liveness")
	return idgate.LivenessResult{Pass: true, Message: "ok"}, nil
}

type stageRecorder struct{ stages []string }

func (r *stageRecorder) ObserveVerification(*idgate.VerificationRequest, *idgate.Verification, bool, error, time.Duration) {
}
func (r *stageRecorder) ObserveFaceStage(stage string, _ time.Duration) {
	r.stages = append(r.stages, stage)
}

func TestFaceChecksAreRunAndTimed(t *testing.T) {
	f := newFixture(t)
	f.topUp(t, 10_000)
	face, rec := &fakeFace{}, &stageRecorder{}
	f.svc.Face, f.svc.Observer = face, rec
	f.svc.Config.Prices.Face, f.svc.Config.Prices.Liveness = 150, 100
	req := zaRequest("8507145123085")
	req.Selfie = []byte("jpeg bytes")
	req.Checks.Face, req.Checks.Liveness = true, true
	v, err := f.svc.Verify(context.Background(), f.p, req)
	if err != nil {
		t.Fatal(err)
	}
	if v.Result.Face == nil || !v.Result.Face.Match || v.Result.Liveness == nil || !v.Result.Liveness.Pass {
		t.Fatalf("face %+v liveness %+v", v.Result.Face, v.Result.Liveness)
	}
	if got := fmt.Sprint(face.calls, rec.stages); got != "[compare liveness] [compare liveness]" {
		t.Fatalf("calls and timed stages = %s", got)
	}
	if v.Price != 100+150+100 {
		t.Fatalf("price = %d, want lookup + face + liveness", v.Price)
	}
	stored, err := f.st.Verification(context.Background(), f.p.Tenant.ID, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Request.SelfieSHA256 == "" || len(stored.Request.Selfie) != 0 {
		t.Fatalf("stored selfie: hash %q, %d bytes kept", stored.Request.SelfieSHA256, len(stored.Request.Selfie))
	}
}
