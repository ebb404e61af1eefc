package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"

	"github.com/idgate/idgate/internal/pii"
)

// sealedColumn is a column of sealed values, with what binds each value to
// its row (see rowContext).
type sealedColumn struct {
	table, key, column string
	extra              string // a second key column bound into the context, or ""
}

// sealedColumns lists every column the store seals with a row context.
var sealedColumns = []sealedColumn{
	{table: "registry_records", key: "lookup", column: "sealed"},
	{table: "registry_records", key: "lookup", column: "photo"},
	{table: "identity_cache", key: "lookup", column: "sealed"},
	{table: "vnin_aliases", key: "lookup", column: "sealed"},
	{table: "registry_faults", key: "lookup", column: "sealed"},
	{table: "verifications", key: "id", column: "sealed", extra: "tenant_id"},
	{table: "fraud_listings", key: "id", column: "sealed", extra: "tenant_id"},
	{table: "signing_keys", key: "id", column: "private_sealed"},
}

// resealPage is how many rows one Reseal transaction rewrites.
const resealPage = 500

// Reseal re-encrypts every sealed value that is not under the sealer's
// current key, so that a retired key can be dropped after a rotation (open
// the store with the old and the new key, the new one current, and keep
// the old index key with pii.Sealer.WithIndexKey). It works in small
// transactions through the writer, so the server can keep running, and
// returns how many values it rewrote.
func (s *Store) Reseal(ctx context.Context) (int, error) {
	total := 0
	for _, c := range sealedColumns {
		n, err := s.resealColumn(ctx, c)
		total += n
		if err != nil {
			return total, fmt.Errorf("sqlstore: reseal %s: %w", c.table, err)
		}
	}
	return total, nil
}

func (s *Store) resealColumn(ctx context.Context, c sealedColumn) (int, error) {
	extra := "''"
	if c.extra != "" {
		extra = c.extra
	}
	query := fmt.Sprintf("SELECT %s, %s, %s FROM %s WHERE %s > ? AND %s IS NOT NULL ORDER BY %s LIMIT %d",
		c.key, extra, c.column, c.table, c.key, c.column, c.key, resealPage)
	update := fmt.Sprintf("UPDATE %s SET %s = ? WHERE %s = ? AND %s = ?", c.table, c.column, c.key, c.column)
	total := 0
	var after any = []byte{}
	if c.key == "id" {
		after = ""
	}
	for {
		type change struct {
			key           any
			old, resealed []byte
		}
		var changes []change
		var last any
		rows, err := s.read.QueryContext(ctx, s.q(query), after)
		if err != nil {
			return total, err
		}
		n := 0
		for rows.Next() {
			n++
			var key, extraVal, sealed []byte
			if err := rows.Scan(&key, &extraVal, &sealed); err != nil {
				rows.Close()
				return total, err
			}
			last = key
			if c.key == "id" {
				last = string(key)
			}
			if id, err := pii.KeyID(sealed); err == nil && id == s.sealer.CurrentKeyID() {
				continue
			}
			row := rowContext(c.table, key)
			if c.extra != "" {
				row = rowContext(c.table, key, extraVal)
			}
			plain, err := s.sealer.OpenWith(sealed, row)
			if err != nil {
				rows.Close()
				return total, fmt.Errorf("open a value: %w", err)
			}
			resealed, err := s.sealer.SealWith(plain, row)
			if err != nil {
				rows.Close()
				return total, err
			}
			changes = append(changes, change{last, bytes.Clone(sealed), resealed})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return total, err
		}
		if len(changes) > 0 {
			// Only rows still holding the value read are rewritten: a
			// concurrent update wins.
			err := s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
				for _, ch := range changes {
					if _, err := s.txExec(ctx, tx, update, ch.resealed, ch.key, ch.old); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return total, err
			}
			total += len(changes)
		}
		if n < resealPage {
			return total, nil
		}
		after = last
	}
}
