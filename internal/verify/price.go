package verify

import (
	"context"
	"fmt"

	"github.com/idgate/idgate"
)

// Prices are what each check costs, in the wallet's minor units. A lookup
// is charged whatever the registry answers; the other checks only when
// they ran.
type Prices struct {
	Lookup   int64 `json:"lookup"`
	Names    int64 `json:"names"`
	Face     int64 `json:"face"`
	Liveness int64 `json:"liveness"`
	Fraud    int64 `json:"fraud"`
}

// DefaultPrices are the list prices of a fresh install, in cents.
var DefaultPrices = Prices{Lookup: 100, Names: 0, Face: 150, Liveness: 100, Fraud: 50}

// price is what the checks cost the tenant. Sandbox tenants pay nothing.
func (s *Service) price(t *idgate.Tenant, ran idgate.Checks) int64 {
	if t.Sandbox {
		return 0
	}
	p := s.Config.Prices
	total := p.Lookup
	for _, c := range []struct {
		ran  bool
		cost int64
	}{{ran.Names, p.Names}, {ran.Face, p.Face}, {ran.Liveness, p.Liveness}, {ran.Fraud, p.Fraud}} {
		if c.ran {
			total += c.cost
		}
	}
	return total
}

// checksRun says which checks produced a result, so a face match that could
// not run (no registry photo) is not charged.
func checksRun(res *idgate.Result) idgate.Checks {
	return idgate.Checks{
		Names:    res.Names != nil,
		Face:     res.Face != nil,
		Liveness: res.Liveness != nil,
		Fraud:    res.Fraud != nil,
	}
}

// ensureFunds refuses a request the wallet cannot pay for before any work
// is done. The debit itself happens when the verification is stored, in the
// same transaction, so concurrent requests still cannot overdraw.
func (s *Service) ensureFunds(ctx context.Context, t *idgate.Tenant, req *idgate.VerificationRequest) error {
	want := s.price(t, req.Checks)
	if want == 0 {
		return nil
	}
	w, err := s.Store.Wallet(ctx, t.ID)
	if err != nil {
		return fmt.Errorf("read wallet: %w", err)
	}
	if w.Balance < want {
		return idgate.Errorf(idgate.EPAYMENTREQ, "Insufficient fund")
	}
	return nil
}
