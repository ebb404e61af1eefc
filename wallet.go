package idgate

import (
	"context"
	"time"
)

// Wallet is a tenant's prepaid balance in minor units (cents, kobo…).
// Verifications are debited in the same transaction that stores them.
type Wallet struct {
	TenantID  string    `json:"tenantId"`
	Balance   int64     `json:"balance"`
	Currency  string    `json:"currency"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// WalletStore keeps balances.
type WalletStore interface {
	// Wallet returns the tenant's wallet (a zero balance if it never had
	// one). A subsidiary without a wallet of its own pays from its parent's,
	// so that wallet is returned (TenantID names the parent). Errors:
	// ENOTFOUND for an unknown tenant.
	Wallet(ctx context.Context, tenantID string) (*Wallet, error)
	// TopUp adds amount (> 0) to the tenant's own balance and appends audit
	// (its Amount set to amount) in one transaction, returning the new
	// wallet. Errors: EINVALID for amount <= 0, ENOTFOUND for an unknown
	// tenant.
	TopUp(ctx context.Context, tenantID string, amount int64, audit *AuditEntry) (*Wallet, error)
}
