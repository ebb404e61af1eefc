package verify

import (
	"context"
	"time"

	"github.com/idgate/idgate"
)

// Pending validates a request that is answered asynchronously (the Uganda
// flow) and returns the verification to store in the Pending state, with
// its audit entry. The lookup and the checks asked for are priced now and
// debited when the caller stores it, whatever the registry later answers,
// as for synchronous lookups. Errors are those of Validate, and EPAYMENTREQ
// when the wallet cannot pay.
func (s *Service) Pending(ctx context.Context, p *idgate.Principal, req idgate.VerificationRequest) (*idgate.Verification, *idgate.AuditEntry, error) {
	if s.Observer == nil {
		return s.pending(ctx, p, req)
	}
	start := time.Now()
	v, audit, err := s.pending(ctx, p, req)
	s.Observer.ObserveVerification(&req, v, false, err, time.Since(start))
	return v, audit, err
}

func (s *Service) pending(ctx context.Context, p *idgate.Principal, req idgate.VerificationRequest) (*idgate.Verification, *idgate.AuditEntry, error) {
	if err := s.Validate(&req); err != nil {
		return nil, nil, err
	}
	if err := s.ensureFunds(ctx, p.Tenant, &req); err != nil {
		return nil, nil, err
	}
	now := s.now()
	req.Selfie = nil
	v := &idgate.Verification{
		ID:           idgate.NewID(),
		TenantID:     p.Tenant.ID,
		CredentialID: p.Credential.ID,
		Status:       idgate.StatusPending,
		Request:      req,
		Price:        s.price(p.Tenant, req.Checks),
		CreatedAt:    now,
		UpdatedAt:    now,
	}
	return v, s.auditEntry(p, v), nil
}
