package sqlstore

import (
	"context"

	"github.com/idgate/idgate"
)

// CreateVerificationPlainTx is CreateVerification in a transaction of its
// own on the connection pool, without the writer: the alternative to group
// commit that BenchmarkPostgresPlainTx measures.
func (s *Store) CreateVerificationPlainTx(ctx context.Context, v *idgate.Verification, audit *idgate.AuditEntry) error {
	row, err := s.prepareVerification(v)
	if err != nil {
		return err
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.createVerification(ctx, tx, row, audit); err != nil {
		return err
	}
	return tx.Commit()
}
