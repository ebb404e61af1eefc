package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/idgate/idgate"
)

// CreateSigningKey stores k with its private key sealed. Errors: ECONFLICT
// on a duplicate ID.
func (s *Store) CreateSigningKey(ctx context.Context, k *idgate.SigningKey) error {
	if k == nil || k.ID == "" {
		return idgate.FieldError("id", "signing key id is required")
	}
	if k.CreatedAt.IsZero() {
		k.CreatedAt = s.now()
	}
	private, err := s.sealer.SealWith(k.Private, rowContext("signing_keys", []byte(k.ID)))
	if err != nil {
		return fmt.Errorf("sqlstore: seal signing key: %w", err)
	}
	public := k.Public
	if public == nil {
		public = []byte{}
	}
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := s.txExec(ctx, tx, `INSERT INTO signing_keys (id, algorithm, private_sealed, public_key, created_at, retired_at)
			VALUES (?, ?, ?, ?, ?, ?)`, k.ID, k.Algorithm, private, public, nanos(k.CreatedAt), nullNanos(k.RetiredAt))
		return dbError(err, "create signing key")
	})
}

// SigningKeys returns all keys not retired before `since`, newest first.
func (s *Store) SigningKeys(ctx context.Context, since time.Time) ([]*idgate.SigningKey, error) {
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT id, algorithm, private_sealed, public_key, created_at, retired_at
		FROM signing_keys WHERE retired_at IS NULL OR retired_at >= ? ORDER BY created_at DESC, id DESC`), nanos(since))
	if err != nil {
		return nil, dbError(err, "list signing keys")
	}
	defer rows.Close()
	var out []*idgate.SigningKey
	for rows.Next() {
		var k idgate.SigningKey
		var sealed []byte
		var created int64
		var retired sql.NullInt64
		if err := rows.Scan(&k.ID, &k.Algorithm, &sealed, &k.Public, &created, &retired); err != nil {
			return nil, dbError(err, "scan signing key")
		}
		if k.Private, err = s.sealer.OpenWith(sealed, rowContext("signing_keys", []byte(k.ID))); err != nil {
			return nil, fmt.Errorf("sqlstore: open signing key %s: %w", k.ID, err)
		}
		k.CreatedAt = fromNanos(created)
		k.RetiredAt = fromNullNanos(retired)
		out = append(out, &k)
	}
	return out, dbError(rows.Err(), "list signing keys")
}

// RetireSigningKey marks a key retired at `at` (a retired key keeps its
// first retirement time). Errors: ENOTFOUND.
func (s *Store) RetireSigningKey(ctx context.Context, id string, at time.Time) error {
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := s.txExec(ctx, tx, "UPDATE signing_keys SET retired_at = COALESCE(retired_at, ?) WHERE id = ?", nanos(at), id)
		if err != nil {
			return dbError(err, "retire signing key")
		}
		if n, err := res.RowsAffected(); err != nil {
			return dbError(err, "retire signing key")
		} else if n == 0 {
			return idgate.Errorf(idgate.ENOTFOUND, "signing key not found")
		}
		return nil
	})
}
