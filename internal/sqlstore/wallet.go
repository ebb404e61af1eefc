package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/idgate/idgate"
)

// Wallet returns the tenant's wallet. A subsidiary without a wallet of its
// own shares its parent's, so the parent's wallet is returned (TenantID
// names the parent); a tenant with neither gets a zero balance. Errors:
// ENOTFOUND for an unknown tenant.
func (s *Store) Wallet(ctx context.Context, tenantID string) (*idgate.Wallet, error) {
	var parent sql.NullString
	if err := s.readRow(ctx, "SELECT parent_id FROM tenants WHERE id = ?", tenantID).Scan(&parent); err != nil {
		return nil, notFound(err, "tenant not found")
	}
	for _, owner := range []string{tenantID, parent.String} {
		if owner == "" {
			continue
		}
		w, err := scanWallet(s.readRow(ctx, "SELECT tenant_id, balance, currency, updated_at FROM wallets WHERE tenant_id = ?", owner))
		if err == nil {
			return w, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, dbError(err, "read wallet")
		}
	}
	return &idgate.Wallet{TenantID: tenantID}, nil
}

func scanWallet(row *sql.Row) (*idgate.Wallet, error) {
	var w idgate.Wallet
	var updated int64
	if err := row.Scan(&w.TenantID, &w.Balance, &w.Currency, &updated); err != nil {
		return nil, err
	}
	w.UpdatedAt = fromNanos(updated)
	return &w, nil
}

// TopUp adds amount (> 0) to the tenant's own wallet (creating it) and
// appends audit with Amount set to amount, in one transaction. Errors:
// EINVALID for amount <= 0, ENOTFOUND for an unknown tenant.
func (s *Store) TopUp(ctx context.Context, tenantID string, amount int64, audit *idgate.AuditEntry) (*idgate.Wallet, error) {
	if amount <= 0 {
		return nil, idgate.FieldError("amount", "top-up amount must be positive")
	}
	if audit != nil {
		audit.Amount = amount
	}
	now := nanos(s.now())
	var w *idgate.Wallet
	err := s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := s.txExec(ctx, tx, `INSERT INTO wallets (tenant_id, balance, currency, updated_at) VALUES (?, ?, '', ?)
			ON CONFLICT (tenant_id) DO UPDATE SET balance = wallets.balance + excluded.balance, updated_at = excluded.updated_at`,
			tenantID, amount, now); err != nil {
			return dbError(err, "top up wallet")
		}
		var err error
		if w, err = scanWallet(s.txQueryRow(ctx, tx, "SELECT tenant_id, balance, currency, updated_at FROM wallets WHERE tenant_id = ?", tenantID)); err != nil {
			return dbError(err, "read wallet")
		}
		return s.appendAudit(ctx, tx, audit)
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// debit takes price from the tenant's wallet, or its parent's when the
// tenant has none. The conditional UPDATE makes overdrawing impossible
// whatever the concurrency. Errors: EPAYMENTREQ.
func (s *Store) debit(ctx context.Context, tx *sql.Tx, tenantID string, price int64, now int64) error {
	if price <= 0 {
		return nil
	}
	const take = "UPDATE wallets SET balance = balance - ?, updated_at = ? WHERE tenant_id = ? AND balance >= ?"
	res, err := s.txExec(ctx, tx, take, price, now, tenantID, price)
	if err != nil {
		return dbError(err, "debit wallet")
	}
	if n, err := res.RowsAffected(); err != nil {
		return dbError(err, "debit wallet")
	} else if n == 1 {
		return nil
	}
	// Short, or no wallet of its own: a subsidiary without a wallet pays
	// from its parent's.
	var own int
	err = s.txQueryRow(ctx, tx, "SELECT COUNT(*) FROM wallets WHERE tenant_id = ?", tenantID).Scan(&own)
	if err != nil {
		return dbError(err, "read wallet")
	}
	if own == 0 {
		var parent sql.NullString
		err := s.txQueryRow(ctx, tx, "SELECT parent_id FROM tenants WHERE id = ?", tenantID).Scan(&parent)
		if err != nil {
			return notFound(err, "tenant not found")
		}
		if parent.String != "" {
			res, err := s.txExec(ctx, tx, take, price, now, parent.String, price)
			if err != nil {
				return dbError(err, "debit parent wallet")
			}
			if n, err := res.RowsAffected(); err != nil {
				return dbError(err, "debit parent wallet")
			} else if n == 1 {
				return nil
			}
		}
	}
	return idgate.Errorf(idgate.EPAYMENTREQ, "insufficient funds")
}
