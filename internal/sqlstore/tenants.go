package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/idgate/idgate"
)

// CreateTenant stores t with audit. Errors: ECONFLICT on a duplicate ID,
// ENOTFOUND for an unknown parent.
func (s *Store) CreateTenant(ctx context.Context, t *idgate.Tenant, audit *idgate.AuditEntry) error {
	if t == nil || t.ID == "" {
		return idgate.FieldError("id", "tenant id is required")
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = s.now()
	}
	parent := sql.NullString{String: t.ParentID, Valid: t.ParentID != ""}
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := s.txExec(ctx, tx, `INSERT INTO tenants (id, parent_id, name, sandbox, created_at)
			VALUES (?, ?, ?, ?, ?)`, t.ID, parent, t.Name, t.Sandbox, nanos(t.CreatedAt)); err != nil {
			return dbError(err, "create tenant")
		}
		return s.appendAudit(ctx, tx, audit)
	})
}

const tenantColumns = "id, parent_id, name, sandbox, created_at"

func scanTenant(sc interface{ Scan(...any) error }) (*idgate.Tenant, error) {
	var t idgate.Tenant
	var parent sql.NullString
	var created int64
	if err := sc.Scan(&t.ID, &parent, &t.Name, &t.Sandbox, &created); err != nil {
		return nil, err
	}
	t.ParentID = parent.String
	t.CreatedAt = fromNanos(created)
	return &t, nil
}

// Tenant returns one tenant. Errors: ENOTFOUND.
func (s *Store) Tenant(ctx context.Context, id string) (*idgate.Tenant, error) {
	t, err := scanTenant(s.readRow(ctx, "SELECT "+tenantColumns+" FROM tenants WHERE id = ?", id))
	if err != nil {
		return nil, notFound(err, "tenant not found")
	}
	return t, nil
}

// Tenants returns every tenant, oldest first.
func (s *Store) Tenants(ctx context.Context) ([]*idgate.Tenant, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT "+tenantColumns+" FROM tenants ORDER BY created_at, id")
	if err != nil {
		return nil, dbError(err, "list tenants")
	}
	defer rows.Close()
	var out []*idgate.Tenant
	for rows.Next() {
		t, err := scanTenant(rows)
		if err != nil {
			return nil, dbError(err, "scan tenant")
		}
		out = append(out, t)
	}
	return out, dbError(rows.Err(), "list tenants")
}

// CreateCredential stores c with audit. Errors: ECONFLICT on a duplicate
// ID, ENOTFOUND for an unknown tenant.
func (s *Store) CreateCredential(ctx context.Context, c *idgate.Credential, audit *idgate.AuditEntry) error {
	if c == nil || c.ID == "" {
		return idgate.FieldError("id", "credential id is required")
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.now()
	}
	user, err := json.Marshal(c.User)
	if err != nil {
		return fmt.Errorf("sqlstore: encode credential user: %w", err)
	}
	secret := c.SecretHash
	if secret == nil {
		secret = []byte{}
	}
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := s.txExec(ctx, tx, `INSERT INTO credentials
			(id, tenant_id, kind, name, secret_hash, user_json, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.TenantID, string(c.Kind), c.Name, secret, string(user), nanos(c.CreatedAt), nullNanos(c.RevokedAt)); err != nil {
			return dbError(err, "create credential")
		}
		return s.appendAudit(ctx, tx, audit)
	})
}

const credentialColumns = "id, tenant_id, kind, name, secret_hash, user_json, created_at, revoked_at"

func scanCredential(sc interface{ Scan(...any) error }) (*idgate.Credential, error) {
	var c idgate.Credential
	var kind, user string
	var created int64
	var revoked sql.NullInt64
	if err := sc.Scan(&c.ID, &c.TenantID, &kind, &c.Name, &c.SecretHash, &user, &created, &revoked); err != nil {
		return nil, err
	}
	c.Kind = idgate.CredentialKind(kind)
	if err := json.Unmarshal([]byte(user), &c.User); err != nil {
		return nil, fmt.Errorf("decode credential user: %w", err)
	}
	c.CreatedAt = fromNanos(created)
	c.RevokedAt = fromNullNanos(revoked)
	return &c, nil
}

// Credential returns a credential by ID, revoked or not. Errors: ENOTFOUND.
func (s *Store) Credential(ctx context.Context, id string) (*idgate.Credential, error) {
	c, err := scanCredential(s.readRow(ctx, "SELECT "+credentialColumns+" FROM credentials WHERE id = ?", id))
	if err != nil {
		return nil, notFound(err, "credential not found")
	}
	return c, nil
}

// Credentials returns a tenant's credentials, newest first.
func (s *Store) Credentials(ctx context.Context, tenantID string) ([]*idgate.Credential, error) {
	rows, err := s.read.QueryContext(ctx, s.q("SELECT "+credentialColumns+
		" FROM credentials WHERE tenant_id = ? ORDER BY created_at DESC, id DESC"), tenantID)
	if err != nil {
		return nil, dbError(err, "list credentials")
	}
	defer rows.Close()
	var out []*idgate.Credential
	for rows.Next() {
		c, err := scanCredential(rows)
		if err != nil {
			return nil, dbError(err, "scan credential")
		}
		out = append(out, c)
	}
	return out, dbError(rows.Err(), "list credentials")
}

// RevokeCredential marks a tenant's credential revoked at `at`, with audit.
// Revoking a revoked credential keeps the first revocation time. Errors:
// ENOTFOUND (also for another tenant's credential).
func (s *Store) RevokeCredential(ctx context.Context, tenantID, id string, at time.Time, audit *idgate.AuditEntry) error {
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := s.txExec(ctx, tx, `UPDATE credentials SET revoked_at = COALESCE(revoked_at, ?)
			WHERE tenant_id = ? AND id = ?`, nanos(at), tenantID, id)
		if err != nil {
			return dbError(err, "revoke credential")
		}
		if n, err := res.RowsAffected(); err != nil {
			return dbError(err, "revoke credential")
		} else if n == 0 {
			return idgate.Errorf(idgate.ENOTFOUND, "credential not found")
		}
		return s.appendAudit(ctx, tx, audit)
	})
}

// InTx runs fn in a write transaction, committed together with concurrent
// store writes (group commit). fn must not commit or roll back tx; its
// error rolls back only its own changes. fn may be called a second time
// (in a fresh transaction, the first rolled back) when another operation of
// the same batch fails, so it must not have effects outside tx.
func (s *Store) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.w.do(ctx, func(_ context.Context, tx *sql.Tx) error { return fn(tx) })
}
