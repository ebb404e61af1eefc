// Package verify is the verification core: it validates a request, looks
// the number up in a registry under the request's cache policy, runs the
// checks (names and birth date, face match, liveness, fraud listings), and
// stores the verification with its audit entry and wallet debit in one
// transaction. Every dialect translates into and out of this package; none
// holds business logic of its own.
package verify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/namematch"
)

// Config tunes the service.
type Config struct {
	// NameThreshold is the score (0–100) at or above which a name counts
	// as matching. Default namematch.DefaultThreshold.
	NameThreshold int
	// CacheTTL is how old a cached registry answer may be and still be
	// served. Default 30 days.
	CacheTTL time.Duration
	// Prices is what each check costs a non-sandbox tenant.
	Prices Prices
	// MaxReasonLen caps RequestReason and similar free text. Default 500.
	MaxReasonLen int
}

// Service runs verifications. Its fields are set once at start-up.
type Service struct {
	Store  idgate.Store
	Source idgate.Source
	// Face may be nil: requests that need face matching or liveness then
	// fail with ENOTIMPLEMENTED rather than with an invented result.
	Face   idgate.FaceEngine
	Config Config
	Now    idgate.Clock
	// Observer, when set, is told of each Verify and Pending call (metrics).
	Observer Observer

	cacheWrites     sync.Map // lookup key → time of the last identity-cache write
	cacheWriteCount atomic.Int64
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) nameThreshold() int {
	if s.Config.NameThreshold > 0 {
		return s.Config.NameThreshold
	}
	return namematch.DefaultThreshold
}

func (s *Service) cacheTTL() time.Duration {
	if s.Config.CacheTTL > 0 {
		return s.Config.CacheTTL
	}
	return 30 * 24 * time.Hour
}

// Verify runs a synchronous verification for the principal and stores it.
// Errors: EINVALID (with Field) for bad input, ENOTIMPLEMENTED when a face
// check is asked of a server without a face engine, EUNAVAILABLE when the
// registry is down and no usable cache exists, EPAYMENTREQ when the wallet
// cannot pay, ECONFLICT when an idempotency key is reused for another
// request, ENOFACE/EMANYFACES for an unusable selfie.
func (s *Service) Verify(ctx context.Context, p *idgate.Principal, req idgate.VerificationRequest) (*idgate.Verification, error) {
	var replayed bool
	if s.Observer == nil {
		return s.verify(ctx, p, req, &replayed)
	}
	start := time.Now()
	v, err := s.verify(ctx, p, req, &replayed)
	s.Observer.ObserveVerification(&req, v, replayed, err, time.Since(start))
	return v, err
}

// Observer is told of every verification request the service answers,
// for metrics. req is the request as the dialect sent it; v is the stored
// verification, nil when err is not; replayed says v is an earlier
// verification returned again for its Idempotency-Key (nothing was stored
// or debited this time).
type Observer interface {
	ObserveVerification(req *idgate.VerificationRequest, v *idgate.Verification, replayed bool, err error, elapsed time.Duration)
}

// verify does Verify's work; it sets *replayed when it answers with the
// verification an earlier request stored under the same Idempotency-Key.
func (s *Service) verify(ctx context.Context, p *idgate.Principal, req idgate.VerificationRequest, replayed *bool) (*idgate.Verification, error) {
	if err := s.Validate(&req); err != nil {
		return nil, err
	}
	if req.IdempotencyKey != "" {
		prev, err := s.Store.VerificationByIdempotencyKey(ctx, p.Tenant.ID, req.IdempotencyKey)
		switch {
		case err == nil && prev.Request.Fingerprint == req.Fingerprint:
			*replayed = true
			return prev, nil
		case err == nil:
			return nil, idgate.Errorf(idgate.ECONFLICT, "Idempotency-Key was already used for a different request")
		case idgate.ErrorCode(err) != idgate.ENOTFOUND:
			return nil, fmt.Errorf("idempotency lookup: %w", err)
		}
	}
	if err := s.ensureFunds(ctx, p.Tenant, &req); err != nil {
		return nil, err
	}
	res, err := s.Check(ctx, &req)
	if err != nil {
		if idgate.ErrorCode(err) == idgate.EUNAVAILABLE {
			s.auditFailure(ctx, p, &req, "registry_unavailable")
		}
		return nil, err
	}
	now := s.now()
	v := &idgate.Verification{
		ID:           idgate.NewID(),
		TenantID:     p.Tenant.ID,
		CredentialID: p.Credential.ID,
		Status:       idgate.StatusCompleted,
		Request:      req,
		Result:       res,
		Price:        s.price(p.Tenant, checksRun(res)),
		CreatedAt:    now,
		UpdatedAt:    now,
	}
	v.Request.Selfie = nil
	if err := s.Store.CreateVerification(ctx, withoutPhoto(v), s.auditEntry(p, v)); err != nil {
		return nil, err
	}
	return v, nil
}

// withoutPhoto returns the copy of v that is stored: the registry photo is
// returned to the client once, with the answer, and not kept with every
// verification (it stays in the registry; its hash is kept).
func withoutPhoto(v *idgate.Verification) *idgate.Verification {
	if v.Result == nil || v.Result.Record == nil || len(v.Result.Record.Photo) == 0 {
		return v
	}
	stored, res, rec := *v, *v.Result, *v.Result.Record
	if rec.PhotoSHA256 == "" {
		rec.PhotoSHA256 = sha256Hex(rec.Photo)
	}
	rec.Photo = nil
	res.Record = &rec
	stored.Result = &res
	return &stored
}

// auditEntry describes a stored verification for the audit log.
func (s *Service) auditEntry(p *idgate.Principal, v *idgate.Verification) *idgate.AuditEntry {
	outcome := string(v.Status)
	if v.Result != nil {
		outcome = string(v.Result.Outcome)
	}
	return &idgate.AuditEntry{
		Time:         v.UpdatedAt,
		TenantID:     v.TenantID,
		CredentialID: v.CredentialID,
		Actor:        "api",
		Action:       "verification.create",
		Subject:      v.ID,
		Reason:       v.Request.Reason,
		Consent:      v.Request.Consent,
		Outcome:      outcome,
		Amount:       -v.Price,
	}
}

// auditFailure records an attempt that could not be answered, so that every
// consented lookup is in the audit log even when nothing was stored.
func (s *Service) auditFailure(ctx context.Context, p *idgate.Principal, req *idgate.VerificationRequest, outcome string) {
	e := &idgate.AuditEntry{
		Time:         s.now(),
		TenantID:     p.Tenant.ID,
		CredentialID: p.Credential.ID,
		Actor:        "api",
		Action:       "verification.attempt",
		Subject:      string(req.Country) + "/" + string(req.IDType),
		Reason:       req.Reason,
		Consent:      req.Consent,
		Outcome:      outcome,
	}
	// The request already failed; a failure to audit it is logged by the
	// store and must not change the answer the client gets.
	_ = s.Store.AppendAudit(ctx, e)
}

// Get returns one of the principal's tenant's verifications.
func (s *Service) Get(ctx context.Context, p *idgate.Principal, id string) (*idgate.Verification, error) {
	return s.Store.Verification(ctx, p.Tenant.ID, id)
}

// List returns a page of the principal's tenant's verifications.
func (s *Service) List(ctx context.Context, p *idgate.Principal, f idgate.VerificationFilter) ([]*idgate.Verification, string, error) {
	f.TenantID = p.Tenant.ID
	return s.Store.ListVerifications(ctx, f)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// fingerprint hashes the parts of a request that decide its answer.
func fingerprint(req *idgate.VerificationRequest) string {
	c := *req
	c.Selfie = nil
	c.IdempotencyKey = ""
	c.Fingerprint = ""
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("marshal request: %v", err)) // plain struct, cannot fail
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
