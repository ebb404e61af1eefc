package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"

	"github.com/idgate/idgate"
)

func (s *Store) fraudLookup(country idgate.Country, idNumber string) []byte {
	return s.sealer.BlindIndex("fraud", string(country), idNumber)
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// CreateFraudListing stores a listing (ID number as blind index, the
// listing sealed) and its audit entry. An empty ID is set to a new UUID, a
// zero CreatedAt to now. Errors: ECONFLICT on a duplicate ID, ENOTFOUND for
// an unknown tenant.
func (s *Store) CreateFraudListing(ctx context.Context, l *idgate.FraudListing, audit *idgate.AuditEntry) error {
	if l == nil || l.TenantID == "" || l.Country == "" || l.IDNumber == "" {
		return idgate.Errorf(idgate.EINVALID, "fraud listing needs a tenant, country and ID number")
	}
	if l.ID == "" {
		l.ID = newUUID()
	}
	if l.CreatedAt.IsZero() {
		l.CreatedAt = s.now()
	}
	l.CreatedAt = l.CreatedAt.UTC()
	sealed, err := s.sealJSONFor("fraud listing", l, fraudRow(l.ID, l.TenantID))
	if err != nil {
		return err
	}
	lookup := s.fraudLookup(l.Country, l.IDNumber)
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := s.txExec(ctx, tx, `INSERT INTO fraud_listings (id, tenant_id, country, lookup, sealed, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, l.ID, l.TenantID, string(l.Country), lookup, sealed, nanos(l.CreatedAt)); err != nil {
			return dbError(err, "create fraud listing")
		}
		return s.appendAudit(ctx, tx, audit)
	})
}

// maxFraudListings bounds one answer: screening a number never needs more.
const maxFraudListings = 1000

// FraudListingsFor returns every tenant's listings against a number,
// oldest first.
func (s *Store) FraudListingsFor(ctx context.Context, country idgate.Country, idNumber string) ([]idgate.FraudListing, error) {
	return s.fraudListings(ctx, "SELECT id, tenant_id, sealed FROM fraud_listings WHERE lookup = ? ORDER BY created_at, id LIMIT ?",
		s.fraudLookup(country, idNumber), maxFraudListings)
}

// FraudListings returns the listings a tenant filed, newest first; limit
// 0 means 50, at most 1000.
func (s *Store) FraudListings(ctx context.Context, tenantID string, limit int) ([]idgate.FraudListing, error) {
	if limit <= 0 {
		limit = DefaultListLimit
	}
	limit = min(limit, maxFraudListings)
	return s.fraudListings(ctx, "SELECT id, tenant_id, sealed FROM fraud_listings WHERE tenant_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
		tenantID, limit)
}

func (s *Store) fraudListings(ctx context.Context, query string, args ...any) ([]idgate.FraudListing, error) {
	rows, err := s.readRows(ctx, query, args...)
	if err != nil {
		return nil, dbError(err, "list fraud listings")
	}
	defer rows.Close()
	out := []idgate.FraudListing{}
	for rows.Next() {
		var id, tenantID string
		var sealed []byte
		if err := rows.Scan(&id, &tenantID, &sealed); err != nil {
			return nil, dbError(err, "scan fraud listing")
		}
		var l idgate.FraudListing
		if err := s.openJSONFor("fraud listing", sealed, &l, fraudRow(id, tenantID)); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, dbError(rows.Err(), "list fraud listings")
}

// fraudRow binds a listing's sealed body to its id and filing tenant.
func fraudRow(id, tenantID string) []byte {
	return rowContext("fraud_listings", []byte(id), []byte(tenantID))
}
