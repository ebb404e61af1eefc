package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/idgate/idgate"
)

// verificationBody is the sealed part of a verification: everything that
// may carry PII. The clear columns hold only what listing filters on.
type verificationBody struct {
	Request idgate.VerificationRequest `json:"request"`
	Result  *idgate.Result             `json:"result,omitempty"`
}

// verificationRow is a verification ready for SQL, sealed outside the
// writer so that the writer goroutine only runs statements.
type verificationRow struct {
	v       *idgate.Verification
	outcome string
	key     sql.NullString
	sealed  []byte
}

func (s *Store) prepareVerification(v *idgate.Verification) (*verificationRow, error) {
	if v == nil || v.ID == "" || v.TenantID == "" {
		return nil, idgate.Errorf(idgate.EINVALID, "verification needs an id and a tenant")
	}
	if v.Price < 0 {
		return nil, idgate.FieldError("price", "price must not be negative")
	}
	now := s.now()
	if v.CreatedAt.IsZero() {
		v.CreatedAt = now
	}
	if v.UpdatedAt.IsZero() {
		v.UpdatedAt = v.CreatedAt
	}
	sealed, err := s.sealJSONFor("verification", verificationBody{Request: v.Request, Result: v.Result}, verificationRowContext(v.ID, v.TenantID))
	if err != nil {
		return nil, err
	}
	row := &verificationRow{v: v, sealed: sealed}
	if v.Result != nil {
		row.outcome = string(v.Result.Outcome)
	}
	if k := v.Request.IdempotencyKey; k != "" {
		row.key = sql.NullString{String: k, Valid: true}
	}
	return row, nil
}

// CreateVerification stores v, appends audit, and debits the tenant's
// wallet by v.Price, all in one transaction. When audit.Amount is zero it
// is set to -v.Price, so the audit log records every debit. Errors:
// EPAYMENTREQ when the wallet cannot pay (nothing is stored), ECONFLICT when
// the id or (tenant, idempotency key) is already used, ENOTFOUND for an
// unknown tenant.
func (s *Store) CreateVerification(ctx context.Context, v *idgate.Verification, audit *idgate.AuditEntry) error {
	row, err := s.prepareVerification(v)
	if err != nil {
		return err
	}
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return s.createVerification(ctx, tx, row, audit)
	})
}

// CreateVerificationTx is CreateVerification inside tx (from InTx), for
// adapters that insert their own rows in the same transaction.
func (s *Store) CreateVerificationTx(ctx context.Context, tx *sql.Tx, v *idgate.Verification, audit *idgate.AuditEntry) error {
	row, err := s.prepareVerification(v)
	if err != nil {
		return err
	}
	return s.createVerification(ctx, tx, row, audit)
}

func (s *Store) createVerification(ctx context.Context, tx *sql.Tx, row *verificationRow, audit *idgate.AuditEntry) error {
	v := row.v
	now := nanos(s.now())
	if audit != nil && audit.Amount == 0 && v.Price > 0 {
		audit.Amount = -v.Price
	}
	if s.engine == EnginePostgres && v.Price > 0 {
		// One round trip for the common case: debit the tenant's own
		// wallet and insert only if the debit happened.
		res, err := s.txExec(ctx, tx, debitAndInsertPostgres, append([]any{v.Price, now, v.TenantID, v.Price}, row.args()...)...)
		if err != nil {
			return dbError(err, "create verification")
		}
		if n, err := res.RowsAffected(); err != nil {
			return dbError(err, "create verification")
		} else if n == 1 {
			return s.appendAudit(ctx, tx, audit)
		}
	}
	if err := s.debit(ctx, tx, v.TenantID, v.Price, now); err != nil {
		return err
	}
	if _, err := s.txExec(ctx, tx, insertVerification, row.args()...); err != nil {
		return dbError(err, "create verification")
	}
	return s.appendAudit(ctx, tx, audit)
}

const verificationInsertColumns = `INSERT INTO verifications
	(id, tenant_id, credential_id, status, outcome, country, id_type, dialect, group_id, client_ref,
	 idempotency_key, price, created_at, updated_at, submitted_at, received_at, sealed)`

const insertVerification = verificationInsertColumns + `
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// debitAndInsertPostgres debits the tenant's own wallet and inserts the
// verification only when the debit happened (a data-modifying CTE, which
// SQLite lacks). Parameters are cast because INSERT ... SELECT does not
// infer them from the target columns.
const debitAndInsertPostgres = `WITH d AS (
	UPDATE wallets SET balance = balance - ?::bigint, updated_at = ?::bigint
	WHERE tenant_id = ? AND balance >= ?::bigint RETURNING 1)
	` + verificationInsertColumns + `
	SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::text, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bytea
	WHERE EXISTS (SELECT 1 FROM d)`

// args are insertVerification's parameters.
func (row *verificationRow) args() []any {
	v, r := row.v, row.v.Request
	return []any{v.ID, v.TenantID, v.CredentialID, string(v.Status), row.outcome, string(r.Country), string(r.IDType),
		string(r.Dialect), v.GroupID, r.ClientRef, row.key, v.Price, nanos(v.CreatedAt), nanos(v.UpdatedAt),
		nullNanos(v.SubmittedAt), nullNanos(v.ReceivedAt), row.sealed}
}

// UpdateVerification replaces the status, result and timestamps of a
// stored verification and appends audit, in one transaction. Errors:
// ENOTFOUND.
func (s *Store) UpdateVerification(ctx context.Context, v *idgate.Verification, audit *idgate.AuditEntry) error {
	if v.UpdatedAt.IsZero() {
		v.UpdatedAt = s.now()
	}
	row, err := s.prepareVerification(v)
	if err != nil {
		return err
	}
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return s.updateVerification(ctx, tx, row, audit)
	})
}

// UpdateVerificationTx is UpdateVerification inside tx (from InTx).
func (s *Store) UpdateVerificationTx(ctx context.Context, tx *sql.Tx, v *idgate.Verification, audit *idgate.AuditEntry) error {
	if v.UpdatedAt.IsZero() {
		v.UpdatedAt = s.now()
	}
	row, err := s.prepareVerification(v)
	if err != nil {
		return err
	}
	return s.updateVerification(ctx, tx, row, audit)
}

func (s *Store) updateVerification(ctx context.Context, tx *sql.Tx, row *verificationRow, audit *idgate.AuditEntry) error {
	v := row.v
	res, err := s.txExec(ctx, tx, `UPDATE verifications SET status = ?, outcome = ?, updated_at = ?,
		submitted_at = ?, received_at = ?, sealed = ? WHERE id = ? AND tenant_id = ?`,
		string(v.Status), row.outcome, nanos(v.UpdatedAt), nullNanos(v.SubmittedAt), nullNanos(v.ReceivedAt),
		row.sealed, v.ID, v.TenantID)
	if err != nil {
		return dbError(err, "update verification")
	}
	if n, err := res.RowsAffected(); err != nil {
		return dbError(err, "update verification")
	} else if n == 0 {
		return idgate.Errorf(idgate.ENOTFOUND, "verification not found")
	}
	return s.appendAudit(ctx, tx, audit)
}

const verificationColumns = `id, tenant_id, credential_id, status, group_id, idempotency_key, price,
	created_at, updated_at, submitted_at, received_at, sealed`

func (s *Store) scanVerification(sc interface{ Scan(...any) error }) (*idgate.Verification, error) {
	var v idgate.Verification
	var status string
	var key sql.NullString
	var created, updated int64
	var submitted, received sql.NullInt64
	var sealed []byte
	if err := sc.Scan(&v.ID, &v.TenantID, &v.CredentialID, &status, &v.GroupID, &key, &v.Price,
		&created, &updated, &submitted, &received, &sealed); err != nil {
		return nil, err
	}
	var body verificationBody
	if err := s.openJSONFor("verification", sealed, &body, verificationRowContext(v.ID, v.TenantID)); err != nil {
		return nil, err
	}
	v.Status = idgate.Status(status)
	v.Request = body.Request
	v.Request.IdempotencyKey = key.String
	v.Result = body.Result
	v.CreatedAt = fromNanos(created)
	v.UpdatedAt = fromNanos(updated)
	v.SubmittedAt = fromNullNanos(submitted)
	v.ReceivedAt = fromNullNanos(received)
	return &v, nil
}

// Verification returns one verification of the tenant. Another tenant's id
// is ENOTFOUND, like an unknown one.
func (s *Store) Verification(ctx context.Context, tenantID, id string) (*idgate.Verification, error) {
	v, err := s.scanVerification(s.readRow(ctx, "SELECT "+verificationColumns+
		" FROM verifications WHERE id = ? AND tenant_id = ?", id, tenantID))
	if err != nil {
		return nil, notFound(err, "verification not found")
	}
	return v, nil
}

// VerificationByIdempotencyKey returns the verification a tenant created
// with key. Errors: ENOTFOUND.
func (s *Store) VerificationByIdempotencyKey(ctx context.Context, tenantID, key string) (*idgate.Verification, error) {
	if key == "" {
		return nil, idgate.Errorf(idgate.ENOTFOUND, "verification not found")
	}
	v, err := s.scanVerification(s.readRow(ctx, "SELECT "+verificationColumns+
		" FROM verifications WHERE tenant_id = ? AND idempotency_key = ?", tenantID, key))
	if err != nil {
		return nil, notFound(err, "verification not found")
	}
	return v, nil
}

// Listing page sizes.
const (
	DefaultListLimit = 50
	MaxListLimit     = 100
)

// ListVerifications returns a page of the tenant's verifications, newest
// first, and the cursor of the next page ("" on the last page). Errors:
// EINVALID for a missing tenant or a malformed cursor.
func (s *Store) ListVerifications(ctx context.Context, f idgate.VerificationFilter) ([]*idgate.Verification, string, error) {
	if f.TenantID == "" {
		return nil, "", idgate.Errorf(idgate.EINVALID, "tenant is required")
	}
	return s.listVerifications(ctx, f)
}

// listVerifications pages through verifications newest first; an empty
// f.TenantID spans every tenant (for operator views only).
func (s *Store) listVerifications(ctx context.Context, f idgate.VerificationFilter) ([]*idgate.Verification, string, error) {
	limit := f.Limit
	switch {
	case limit <= 0:
		limit = DefaultListLimit
	case limit > MaxListLimit:
		limit = MaxListLimit
	}
	where := []string{"1 = 1"}
	var args []any
	add := func(cond string, arg any) {
		where = append(where, cond)
		args = append(args, arg)
	}
	for _, c := range []struct{ col, val string }{
		{"tenant_id", f.TenantID}, {"country", string(f.Country)}, {"status", string(f.Status)},
		{"outcome", string(f.Outcome)}, {"dialect", string(f.Dialect)}, {"group_id", f.GroupID},
	} {
		if c.val != "" {
			add(c.col+" = ?", c.val)
		}
	}
	if !f.From.IsZero() {
		add("created_at >= ?", f.From.UnixNano())
	}
	if !f.To.IsZero() {
		add("created_at < ?", f.To.UnixNano())
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where = append(where, "(created_at < ? OR (created_at = ? AND id < ?))")
		args = append(args, at, at, id)
	}
	args = append(args, limit+1)
	query := "SELECT " + verificationColumns + " FROM verifications WHERE " + strings.Join(where, " AND ") +
		" ORDER BY created_at DESC, id DESC LIMIT ?"
	rows, err := s.read.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, "", dbError(err, "list verifications")
	}
	defer rows.Close()
	var out []*idgate.Verification
	for rows.Next() {
		v, err := s.scanVerification(rows)
		if err != nil {
			return nil, "", dbError(err, "scan verification")
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, "", dbError(err, "list verifications")
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = encodeCursor(last.CreatedAt, last.ID)
	}
	return out, next, nil
}

// encodeCursor makes the opaque page cursor: base64url("<nanos>:<id>").
func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixNano(), 10) + ":" + id))
}

func decodeCursor(c string) (int64, string, error) {
	bad := idgate.FieldError("cursor", "malformed cursor")
	if len(c) > 512 {
		return 0, "", bad
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, "", bad
	}
	n, id, ok := strings.Cut(string(b), ":")
	if !ok || id == "" {
		return 0, "", bad
	}
	at, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		return 0, "", bad
	}
	return at, id, nil
}

// verificationRowContext binds a verification's sealed body to its id and
// tenant, so a row moved to another tenant does not open.
func verificationRowContext(id, tenantID string) []byte {
	return rowContext("verifications", []byte(id), []byte(tenantID))
}
