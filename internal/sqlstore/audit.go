package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/idgate/idgate"
)

// appendAudit chains e onto the log inside tx: it assigns Seq, PrevHash and
// Hash from the chain head and moves the head. In the writer's batch
// transaction the head is read (on PostgreSQL locked with FOR UPDATE, so
// every replica appends to one chain) once per batch, kept in memory and
// written back before commit. A zero e.Time is set to now.
func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, e *idgate.AuditEntry) error {
	if e == nil {
		return nil
	}
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	e.Time = e.Time.UTC()
	b := s.w.batch(tx)
	own := b == nil
	if own {
		// A transaction the caller began on DB(), not the writer's: read
		// and move the head in place.
		b = &batchState{tx: tx}
	}
	if !b.headLoaded {
		head := "SELECT seq, hash FROM audit_head WHERE id = 1"
		if s.engine == EnginePostgres {
			head += " FOR UPDATE"
		}
		if err := s.txQueryRow(ctx, tx, head).Scan(&b.seq, &b.hash); err != nil {
			return dbError(err, "read audit head")
		}
		if b.hash == nil {
			b.hash = []byte{} // SQLite reads the empty head hash as NULL
		}
		b.headLoaded = true
	}
	e.Seq = b.seq + 1
	e.PrevHash = b.hash
	e.Hash = e.ChainHash(b.hash)
	if _, err := s.txExec(ctx, tx, `INSERT INTO audit_log
		(seq, time, tenant_id, credential_id, actor, action, subject, reason, consent, outcome, amount, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.Time.UnixNano(), e.TenantID, e.CredentialID, e.Actor, e.Action, e.Subject, e.Reason,
		e.Consent, e.Outcome, e.Amount, e.PrevHash, e.Hash); err != nil {
		return dbError(err, "append audit entry")
	}
	b.seq, b.hash, b.headDirty = e.Seq, e.Hash, true
	if own {
		return s.writeAuditHead(ctx, tx, b.seq, b.hash)
	}
	return nil
}

// writeAuditHead moves the chain head to seq and hash.
func (s *Store) writeAuditHead(ctx context.Context, tx *sql.Tx, seq int64, hash []byte) error {
	_, err := s.txExec(ctx, tx, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", seq, hash)
	return dbError(err, "move audit head")
}

// AppendAudit assigns Seq, PrevHash and Hash and stores the entry.
func (s *Store) AppendAudit(ctx context.Context, e *idgate.AuditEntry) error {
	if e == nil {
		return idgate.Errorf(idgate.EINVALID, "audit entry is required")
	}
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return s.appendAudit(ctx, tx, e)
	})
}

// maxAuditPage bounds one AuditEntries page.
const maxAuditPage = 10000

// AuditEntries returns up to limit entries with Seq > after, in order.
func (s *Store) AuditEntries(ctx context.Context, after int64, limit int) ([]*idgate.AuditEntry, error) {
	if limit <= 0 || limit > maxAuditPage {
		limit = maxAuditPage
	}
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT seq, time, tenant_id, credential_id, actor, action, subject,
		reason, consent, outcome, amount, prev_hash, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`), after, limit)
	if err != nil {
		return nil, dbError(err, "list audit entries")
	}
	defer rows.Close()
	var out []*idgate.AuditEntry
	for rows.Next() {
		var e idgate.AuditEntry
		var t int64
		if err := rows.Scan(&e.Seq, &t, &e.TenantID, &e.CredentialID, &e.Actor, &e.Action, &e.Subject,
			&e.Reason, &e.Consent, &e.Outcome, &e.Amount, &e.PrevHash, &e.Hash); err != nil {
			return nil, dbError(err, "scan audit entry")
		}
		e.Time = time.Unix(0, t).UTC()
		out = append(out, &e)
	}
	return out, dbError(rows.Err(), "list audit entries")
}

// AuditHead returns the chain head: the Seq and Hash of the last entry
// appended (0 and empty for an empty log). audit.VerifyChain uses it to
// detect entries removed from the end of the log.
func (s *Store) AuditHead(ctx context.Context) (seq int64, hash []byte, err error) {
	if err := s.read.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&seq, &hash); err != nil {
		return 0, nil, dbError(err, "read audit head")
	}
	if hash == nil {
		hash = []byte{}
	}
	return seq, hash, nil
}
