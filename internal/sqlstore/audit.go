package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/idgate/idgate"
)

// appendAudit chains e onto the log inside tx. In the writer's batch
// transaction the entry is queued and written by flushAudit just before
// commit: the chain head is then read (on PostgreSQL locked with FOR
// UPDATE, so every replica appends to one chain) and written once per batch,
// and on PostgreSQL all entries go in one multi-row INSERT, so the head lock
// is held only for the end of the batch. A zero e.Time is set to now.
func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, e *idgate.AuditEntry) error {
	if e == nil {
		return nil
	}
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	e.Time = e.Time.UTC()
	if b := s.w.batch(tx); b != nil {
		b.audit = append(b.audit, e)
		return nil
	}
	// A transaction the caller began on DB(), not the writer's.
	return s.flushAudit(ctx, tx, []*idgate.AuditEntry{e})
}

// flushAudit assigns Seq, PrevHash and Hash to entries, in order, from the
// chain head, stores them and moves the head.
func (s *Store) flushAudit(ctx context.Context, tx *sql.Tx, entries []*idgate.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	head := "SELECT seq, hash FROM audit_head WHERE id = 1"
	if s.engine == EnginePostgres {
		head += " FOR UPDATE"
	}
	var seq int64
	var prev []byte
	if err := s.txQueryRow(ctx, tx, head).Scan(&seq, &prev); err != nil {
		return dbError(err, "read audit head")
	}
	if prev == nil {
		prev = []byte{} // SQLite reads the empty head hash as NULL
	}
	for _, e := range entries {
		seq++
		e.Seq, e.PrevHash = seq, prev
		e.Hash = e.ChainHash(prev)
		prev = e.Hash
	}
	if err := s.insertAudit(ctx, tx, entries); err != nil {
		return err
	}
	_, err := s.txExec(ctx, tx, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", seq, prev)
	return dbError(err, "move audit head")
}

// auditColumns are the audit_log columns scanAuditEntries reads.
const auditColumns = "seq, time, tenant_id, credential_id, actor, action, subject, reason, consent, outcome, amount, prev_hash, hash"

const auditInsert = `INSERT INTO audit_log
	(seq, time, tenant_id, credential_id, actor, action, subject, reason, consent, outcome, amount, prev_hash, hash) VALUES `

const auditRow = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

// maxAuditRows bounds one multi-row INSERT (13 parameters a row, well
// under PostgreSQL's 65535).
const maxAuditRows = 500

// insertAudit stores chained entries: one prepared statement per row on
// SQLite (no round trips to save), multi-row INSERTs on PostgreSQL.
func (s *Store) insertAudit(ctx context.Context, tx *sql.Tx, entries []*idgate.AuditEntry) error {
	chunk := 1
	if s.engine == EnginePostgres {
		chunk = maxAuditRows
	}
	for len(entries) > 0 {
		n := min(chunk, len(entries))
		query := auditInsert + auditRow + strings.Repeat(", "+auditRow, n-1)
		args := make([]any, 0, 13*n)
		for _, e := range entries[:n] {
			args = append(args, e.Seq, e.Time.UnixNano(), e.TenantID, e.CredentialID, e.Actor, e.Action, e.Subject,
				e.Reason, e.Consent, e.Outcome, e.Amount, e.PrevHash, e.Hash)
		}
		if _, err := s.txExec(ctx, tx, query, args...); err != nil {
			return dbError(err, "append audit entries")
		}
		entries = entries[n:]
	}
	return nil
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
	rows, err := s.read.QueryContext(ctx, s.q("SELECT "+auditColumns+" FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?"), after, limit)
	if err != nil {
		return nil, dbError(err, "list audit entries")
	}
	return scanAuditEntries(rows)
}

// scanAuditEntries reads audit_log rows selected with auditColumns and
// closes rows.
func scanAuditEntries(rows *sql.Rows) ([]*idgate.AuditEntry, error) {
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
