package httpapi

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/httpx"
)

// WalletConfig configures the native wallet API.
type WalletConfig struct {
	// AllowSelfTopUp lets a sandbox tenant's own API key top up its own
	// wallet (POST /v1/wallet/top-ups), for sandbox servers where
	// integrators rehearse top-ups. Live tenants are refused (403) even
	// then: `idgate serve` runs with the sandbox on by default, and a live
	// tenant must not be able to mint its own credit. Top-ups of live
	// tenants are an operator's act (`idgate wallet topup`, the dashboard);
	// the API has no operator credential yet.
	AllowSelfTopUp bool
	// MaxTopUp caps one top-up, in minor units; default DefaultMaxTopUp.
	MaxTopUp int64
	// Now is the clock for audit entries; time.Now by default.
	Now idgate.Clock
}

// DefaultMaxTopUp is the largest single top-up by default: 10 million in
// major units, so that a typo cannot put an absurd balance in a wallet.
const DefaultMaxTopUp = 1_000_000_000

const maxTopUpReason = 500

// WalletRoutes returns the native wallet routes, to be mounted with the
// server's others (Server.Mounts):
//
//	GET  /v1/wallet          the caller's tenant's wallet
//	POST /v1/wallet/top-ups  {"amount": 5000, "reason": "…"} → 201 and the wallet
func (s *Server) WalletRoutes(cfg WalletConfig) map[string]http.Handler {
	wa := &walletAPI{s: s, cfg: cfg}
	return map[string]http.Handler{
		"GET /v1/wallet":          s.authenticated(wa.balance),
		"POST /v1/wallet/top-ups": s.authenticated(wa.topUp),
	}
}

type walletAPI struct {
	s   *Server
	cfg WalletConfig
}

func (wa *walletAPI) balance(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Principal(r)
	if err != nil {
		return err
	}
	wallet, err := wa.s.Store.Wallet(r.Context(), p.Tenant.ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, wallet)
	return nil
}

type topUpRequest struct {
	Amount int64  `json:"amount"` // minor units (cents, kobo…)
	Reason string `json:"reason"`
}

func (wa *walletAPI) topUp(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Principal(r)
	if err != nil {
		return err
	}
	if !wa.cfg.AllowSelfTopUp || !p.Tenant.Sandbox {
		return idgate.Errorf(idgate.EFORBIDDEN,
			"only sandbox tenants may top up their own wallet, on servers that allow it: an operator tops up live wallets with `idgate wallet topup`")
	}
	var in topUpRequest
	if err := httpx.DecodeJSON(w, r, wa.s.MaxBody, true, &in); err != nil {
		return err
	}
	if err := in.validate(wa.maxTopUp()); err != nil {
		return err
	}
	audit := &idgate.AuditEntry{
		Time: wa.now(), TenantID: p.Tenant.ID, CredentialID: p.Credential.ID, Actor: "api",
		Action: "wallet.topup", Subject: p.Tenant.ID, Reason: in.Reason, Amount: in.Amount,
	}
	wallet, err := wa.s.Store.TopUp(r.Context(), p.Tenant.ID, in.Amount, audit)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, wallet)
	return nil
}

func (in *topUpRequest) validate(max int64) error {
	if in.Amount <= 0 || in.Amount > max {
		return idgate.FieldError("amount", "amount must be a whole number of minor units from 1 to %d", max)
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if utf8.RuneCountInString(in.Reason) > maxTopUpReason {
		return idgate.FieldError("reason", "reason is longer than %d characters", maxTopUpReason)
	}
	return nil
}

func (wa *walletAPI) maxTopUp() int64 {
	if wa.cfg.MaxTopUp > 0 {
		return wa.cfg.MaxTopUp
	}
	return DefaultMaxTopUp
}

func (wa *walletAPI) now() time.Time {
	if wa.cfg.Now != nil {
		return wa.cfg.Now().UTC()
	}
	return time.Now().UTC()
}
