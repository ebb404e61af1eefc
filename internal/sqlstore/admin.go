package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/idgate/idgate"
)

// This file holds what the operator dashboard needs beyond idgate.Store:
// admin accounts and sessions (idgate.AdminStore) and queries that look
// across tenants, which the tenant-scoped API never does.

var _ idgate.AdminStore = (*Store)(nil)

// CreateAdmin stores a with audit. Errors: ECONFLICT when the email is
// taken, EINVALID without id, email or password hash.
func (s *Store) CreateAdmin(ctx context.Context, a *idgate.Admin, audit *idgate.AuditEntry) error {
	if a == nil || a.ID == "" || a.Email == "" || a.PasswordHash == "" {
		return idgate.Errorf(idgate.EINVALID, "admin needs an id, an email and a password hash")
	}
	a.Email = normalEmail(a.Email)
	if a.CreatedAt.IsZero() {
		a.CreatedAt = s.now()
	}
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO admins (id, email, password_hash, created_at, disabled_at)
			VALUES (?, ?, ?, ?, ?)`), a.ID, a.Email, a.PasswordHash, nanos(a.CreatedAt), nullNanos(a.DisabledAt)); err != nil {
			return dbError(err, "create admin")
		}
		return s.appendAudit(ctx, tx, audit)
	})
}

// SetAdminPassword replaces an admin's password hash and ends every session
// of the admin, with audit. Errors: ENOTFOUND.
func (s *Store) SetAdminPassword(ctx context.Context, id, passwordHash string, audit *idgate.AuditEntry) error {
	if passwordHash == "" {
		return idgate.Errorf(idgate.EINVALID, "password hash is required")
	}
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("UPDATE admins SET password_hash = ? WHERE id = ?"), passwordHash, id)
		if err != nil {
			return dbError(err, "set admin password")
		}
		if n, err := res.RowsAffected(); err != nil {
			return dbError(err, "set admin password")
		} else if n == 0 {
			return idgate.Errorf(idgate.ENOTFOUND, "admin not found")
		}
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM admin_sessions WHERE admin_id = ?"), id); err != nil {
			return dbError(err, "end admin sessions")
		}
		return s.appendAudit(ctx, tx, audit)
	})
}

// SetAdminDisabled disables an admin at `at` and ends its sessions, or
// enables it again when at is nil, with audit. Errors: ENOTFOUND.
func (s *Store) SetAdminDisabled(ctx context.Context, id string, at *time.Time, audit *idgate.AuditEntry) error {
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("UPDATE admins SET disabled_at = ? WHERE id = ?"), nullNanos(at), id)
		if err != nil {
			return dbError(err, "disable admin")
		}
		if n, err := res.RowsAffected(); err != nil {
			return dbError(err, "disable admin")
		} else if n == 0 {
			return idgate.Errorf(idgate.ENOTFOUND, "admin not found")
		}
		if at != nil {
			if _, err := tx.ExecContext(ctx, s.q("DELETE FROM admin_sessions WHERE admin_id = ?"), id); err != nil {
				return dbError(err, "end admin sessions")
			}
		}
		return s.appendAudit(ctx, tx, audit)
	})
}

const adminColumns = "id, email, password_hash, created_at, disabled_at"

func scanAdmin(sc interface{ Scan(...any) error }) (*idgate.Admin, error) {
	var a idgate.Admin
	var created int64
	var disabled sql.NullInt64
	if err := sc.Scan(&a.ID, &a.Email, &a.PasswordHash, &created, &disabled); err != nil {
		return nil, err
	}
	a.CreatedAt = fromNanos(created)
	a.DisabledAt = fromNullNanos(disabled)
	return &a, nil
}

// AdminByEmail returns the admin with that email, compared without regard
// to case. Errors: ENOTFOUND.
func (s *Store) AdminByEmail(ctx context.Context, email string) (*idgate.Admin, error) {
	a, err := scanAdmin(s.read.QueryRowContext(ctx, s.q("SELECT "+adminColumns+" FROM admins WHERE email = ?"), normalEmail(email)))
	if err != nil {
		return nil, notFound(err, "admin not found")
	}
	return a, nil
}

// Admin returns an admin by id. Errors: ENOTFOUND.
func (s *Store) Admin(ctx context.Context, id string) (*idgate.Admin, error) {
	a, err := scanAdmin(s.read.QueryRowContext(ctx, s.q("SELECT "+adminColumns+" FROM admins WHERE id = ?"), id))
	if err != nil {
		return nil, notFound(err, "admin not found")
	}
	return a, nil
}

// Admins returns every admin, oldest first.
func (s *Store) Admins(ctx context.Context) ([]*idgate.Admin, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+adminColumns+" FROM admins ORDER BY created_at, id")
	if err != nil {
		return nil, dbError(err, "list admins")
	}
	defer rows.Close()
	var out []*idgate.Admin
	for rows.Next() {
		a, err := scanAdmin(rows)
		if err != nil {
			return nil, dbError(err, "scan admin")
		}
		out = append(out, a)
	}
	return out, dbError(rows.Err(), "list admins")
}

func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateAdminSession stores a session. Errors: ENOTFOUND for an unknown
// admin.
func (s *Store) CreateAdminSession(ctx context.Context, as *idgate.AdminSession) error {
	if as == nil || len(as.TokenHash) == 0 || as.AdminID == "" || as.CSRFToken == "" {
		return idgate.Errorf(idgate.EINVALID, "session needs a token hash, an admin and a CSRF token")
	}
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO admin_sessions (token_hash, admin_id, csrf_token, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`), as.TokenHash, as.AdminID, as.CSRFToken, nanos(as.CreatedAt), nanos(as.ExpiresAt))
		return dbError(err, "create admin session")
	})
}

// AdminSession returns the session with that token hash if it has not
// expired at now. Errors: ENOTFOUND.
func (s *Store) AdminSession(ctx context.Context, tokenHash []byte, now time.Time) (*idgate.AdminSession, error) {
	var as idgate.AdminSession
	var created, expires int64
	err := s.read.QueryRowContext(ctx, s.q(`SELECT token_hash, admin_id, csrf_token, created_at, expires_at
		FROM admin_sessions WHERE token_hash = ? AND expires_at > ?`), tokenHash, now.UnixNano()).
		Scan(&as.TokenHash, &as.AdminID, &as.CSRFToken, &created, &expires)
	if err != nil {
		return nil, notFound(err, "session not found")
	}
	as.CreatedAt, as.ExpiresAt = fromNanos(created), fromNanos(expires)
	return &as, nil
}

// DeleteAdminSession ends a session; a missing one is not an error.
func (s *Store) DeleteAdminSession(ctx context.Context, tokenHash []byte) error {
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q("DELETE FROM admin_sessions WHERE token_hash = ?"), tokenHash)
		return dbError(err, "delete admin session")
	})
}

// DeleteExpiredAdminSessions removes sessions that expired at or before
// now and returns how many.
func (s *Store) DeleteExpiredAdminSessions(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM admin_sessions WHERE expires_at <= ?"), now.UnixNano())
		if err != nil {
			return dbError(err, "delete expired admin sessions")
		}
		n, err = res.RowsAffected()
		return dbError(err, "delete expired admin sessions")
	})
	return n, err
}

// OperatorVerifications lists verifications like ListVerifications, but
// f.TenantID is optional: without it the page spans every tenant. It is
// for operators only; the API never calls it.
func (s *Store) OperatorVerifications(ctx context.Context, f idgate.VerificationFilter) ([]*idgate.Verification, string, error) {
	return s.listVerifications(ctx, f)
}

// OperatorVerification returns a verification of any tenant. Errors:
// ENOTFOUND.
func (s *Store) OperatorVerification(ctx context.Context, id string) (*idgate.Verification, error) {
	v, err := s.scanVerification(s.read.QueryRowContext(ctx, s.q("SELECT "+verificationColumns+
		" FROM verifications WHERE id = ?"), id))
	if err != nil {
		return nil, notFound(err, "verification not found")
	}
	return v, nil
}

// VerificationVolume counts verifications created in [from, to) per bucket
// and outcome, optionally for one tenant (tenantID ""), and returns one
// point per bucket, empty buckets included, oldest first.
func (s *Store) VerificationVolume(ctx context.Context, tenantID string, from, to time.Time, bucket time.Duration) ([]idgate.VolumePoint, error) {
	if bucket <= 0 || !to.After(from) {
		return nil, idgate.Errorf(idgate.EINVALID, "volume needs a positive bucket and from before to")
	}
	n := int((to.Sub(from) + bucket - 1) / bucket)
	if n > 1000 {
		return nil, idgate.Errorf(idgate.EINVALID, "at most 1000 buckets")
	}
	points := make([]idgate.VolumePoint, n)
	for i := range points {
		points[i] = idgate.VolumePoint{Start: from.Add(time.Duration(i) * bucket).UTC(), ByOutcome: map[idgate.Outcome]int64{}}
	}
	query := `SELECT (created_at - ?) / ?, outcome, COUNT(*) FROM verifications
		WHERE created_at >= ? AND created_at < ?`
	args := []any{from.UnixNano(), int64(bucket), from.UnixNano(), to.UnixNano()}
	if tenantID != "" {
		query += " AND tenant_id = ?"
		args = append(args, tenantID)
	}
	query += " GROUP BY 1, 2" // by position: PostgreSQL does not match the SELECT's parameters to new ones
	rows, err := s.read.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, dbError(err, "verification volume")
	}
	defer rows.Close()
	for rows.Next() {
		var i, count int64
		var outcome string
		if err := rows.Scan(&i, &outcome, &count); err != nil {
			return nil, dbError(err, "scan verification volume")
		}
		if i >= 0 && i < int64(n) {
			points[i].ByOutcome[idgate.Outcome(outcome)] += count
		}
	}
	return points, dbError(rows.Err(), "verification volume")
}

// AuditFilter selects audit entries for the operator's log view.
type AuditFilter struct {
	Before   int64  // only entries with Seq < Before; 0 means from the newest
	Action   string // exact action, e.g. "pii.reveal"
	TenantID string
	Subject  string
	Limit    int // 1..500; 0 means 100
}

// AuditEntriesNewest returns audit entries matching f, newest first.
func (s *Store) AuditEntriesNewest(ctx context.Context, f AuditFilter) ([]*idgate.AuditEntry, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	where := []string{"1 = 1"}
	var args []any
	add := func(cond string, arg any) {
		where = append(where, cond)
		args = append(args, arg)
	}
	if f.Before > 0 {
		add("seq < ?", f.Before)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.TenantID != "" {
		add("tenant_id = ?", f.TenantID)
	}
	if f.Subject != "" {
		add("subject = ?", f.Subject)
	}
	args = append(args, limit)
	rows, err := s.read.QueryContext(ctx, s.q(`SELECT seq, time, tenant_id, credential_id, actor, action, subject,
		reason, consent, outcome, amount, prev_hash, hash FROM audit_log WHERE `+strings.Join(where, " AND ")+
		" ORDER BY seq DESC LIMIT ?"), args...)
	if err != nil {
		return nil, dbError(err, "list audit entries")
	}
	defer rows.Close()
	var out []*idgate.AuditEntry
	for rows.Next() {
		var e idgate.AuditEntry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.TenantID, &e.CredentialID, &e.Actor, &e.Action, &e.Subject,
			&e.Reason, &e.Consent, &e.Outcome, &e.Amount, &e.PrevHash, &e.Hash); err != nil {
			return nil, dbError(err, "scan audit entry")
		}
		e.Time = fromNanos(at)
		out = append(out, &e)
	}
	return out, dbError(rows.Err(), "list audit entries")
}

// QueueDepth counts River jobs by state ("available", "running",
// "retryable", "scheduled"…) and reports the age of the oldest job waiting
// to run. ok is false when the job tables do not exist (the jobs runner has
// never started on this database).
func (s *Store) QueueDepth(ctx context.Context) (byState map[string]int64, oldestWaiting time.Duration, ok bool, err error) {
	exists := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'river_job'"
	if s.engine == EnginePostgres {
		exists = "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'river_job' AND schemaname = ANY (current_schemas(false))"
	}
	var n int
	if err := s.read.QueryRowContext(ctx, exists).Scan(&n); err != nil {
		return nil, 0, false, dbError(err, "find job table")
	}
	if n == 0 {
		return nil, 0, false, nil
	}
	rows, err := s.read.QueryContext(ctx, "SELECT state, COUNT(*) FROM river_job GROUP BY state")
	if err != nil {
		return nil, 0, false, dbError(err, "count jobs")
	}
	defer rows.Close()
	byState = map[string]int64{}
	for rows.Next() {
		var state string
		var c int64
		if err := rows.Scan(&state, &c); err != nil {
			return nil, 0, false, dbError(err, "scan job count")
		}
		byState[state] = c
	}
	if err := rows.Err(); err != nil {
		return nil, 0, false, dbError(err, "count jobs")
	}
	// ORDER BY … LIMIT 1 rather than MIN keeps the column's declared type,
	// so the SQLite driver hands back a time as PostgreSQL's does.
	var oldest time.Time
	err = s.read.QueryRowContext(ctx, "SELECT scheduled_at FROM river_job WHERE state = 'available' ORDER BY scheduled_at LIMIT 1").Scan(&oldest)
	switch {
	case err == nil:
		oldestWaiting = max(0, s.now().Sub(oldest))
	case !errors.Is(err, sql.ErrNoRows):
		return nil, 0, false, dbError(err, "oldest waiting job")
	}
	return byState, oldestWaiting, true, nil
}
