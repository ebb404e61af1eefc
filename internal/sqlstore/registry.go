package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/idgate/idgate"
)

// recordLookup is the blind index of a registry number.
func (s *Store) recordLookup(country idgate.Country, idType idgate.IDType, number string) []byte {
	return s.sealer.BlindIndex("record", string(country), string(idType), number)
}

type sealedRecord struct {
	lookup, sealed, photo []byte
	r                     *idgate.Record
}

// PutRecords inserts or replaces records by (country, idType, number) in
// one transaction and reports how many were new. The photo is sealed into
// its own column (see RecordSummary).
func (s *Store) PutRecords(ctx context.Context, records []*idgate.Record) (int, error) {
	now := s.now()
	rows := make([]sealedRecord, 0, len(records))
	for _, r := range records {
		if r == nil || r.Country == "" || r.IDType == "" || r.Number == "" {
			return 0, idgate.Errorf(idgate.EINVALID, "record needs country, idType and number")
		}
		if r.UpdatedAt.IsZero() {
			r.UpdatedAt = now
		}
		row := sealedRecord{lookup: s.recordLookup(r.Country, r.IDType, r.Number), r: r}
		bound := rowContext("registry_records", row.lookup)
		photoless := *r
		photoless.Photo = nil
		var err error
		if len(r.Photo) > 0 {
			if row.photo, err = s.sealer.SealWith(r.Photo, bound); err != nil {
				return 0, fmt.Errorf("sqlstore: seal photo: %w", err)
			}
			photoless.PhotoSHA256 = photoHash(r)
		}
		if row.sealed, err = s.sealRecordFor("record", &photoless, bound); err != nil {
			return 0, err
		}
		rows = append(rows, row)
	}
	inserted := 0
	err := s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		inserted = 0
		for _, row := range rows {
			var one int
			err := s.txQueryRow(ctx, tx, "SELECT 1 FROM registry_records WHERE lookup = ?", row.lookup).Scan(&one)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				inserted++
			case err != nil:
				return dbError(err, "look up record")
			}
			if _, err := s.txExec(ctx, tx, `INSERT INTO registry_records (lookup, country, id_type, sealed, photo, updated_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (lookup) DO UPDATE SET sealed = excluded.sealed, photo = excluded.photo, updated_at = excluded.updated_at`,
				row.lookup, string(row.r.Country), string(row.r.IDType), row.sealed, row.photo, nanos(row.r.UpdatedAt)); err != nil {
				return dbError(err, "put record")
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return inserted, nil
}

// Record returns one record with its photo. Errors: ENOTFOUND.
func (s *Store) Record(ctx context.Context, country idgate.Country, idType idgate.IDType, number string) (*idgate.Record, error) {
	var sealed, photo []byte
	lookup := s.recordLookup(country, idType, number)
	err := s.readRow(ctx, "SELECT sealed, photo FROM registry_records WHERE lookup = ?", lookup).Scan(&sealed, &photo)
	if err != nil {
		return nil, notFound(err, "record not found")
	}
	bound := rowContext("registry_records", lookup)
	r, err := s.openRecordFor("record", sealed, bound)
	if err != nil {
		return nil, err
	}
	if len(photo) > 0 {
		if r.Photo, err = s.sealer.OpenWith(photo, bound); err != nil {
			return nil, fmt.Errorf("sqlstore: open photo: %w", err)
		}
	}
	return r, nil
}

// RecordSummary returns one record without its photo (PhotoSHA256 says
// whether there is one); the photo's pages are not even read. Errors:
// ENOTFOUND.
func (s *Store) RecordSummary(ctx context.Context, country idgate.Country, idType idgate.IDType, number string) (*idgate.Record, error) {
	var sealed []byte
	lookup := s.recordLookup(country, idType, number)
	err := s.readRow(ctx, "SELECT sealed FROM registry_records WHERE lookup = ?", lookup).Scan(&sealed)
	if err != nil {
		return nil, notFound(err, "record not found")
	}
	return s.openRecordFor("record", sealed, rowContext("registry_records", lookup))
}

// CountRecords returns how many records the local registry holds per
// country and ID type, keyed "ZA/national-id".
func (s *Store) CountRecords(ctx context.Context) (map[string]int, error) {
	rows, err := s.read.QueryContext(ctx, "SELECT country, id_type, COUNT(*) FROM registry_records GROUP BY country, id_type")
	if err != nil {
		return nil, dbError(err, "count records")
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var country, idType string
		var n int
		if err := rows.Scan(&country, &idType, &n); err != nil {
			return nil, dbError(err, "scan record count")
		}
		out[country+"/"+idType] = n
	}
	return out, dbError(rows.Err(), "count records")
}

func (s *Store) vninLookup(vnin string) []byte { return s.sealer.BlindIndex("vnin", vnin) }

// PutVNINAliases inserts or replaces vNIN → NIN aliases.
func (s *Store) PutVNINAliases(ctx context.Context, aliases []idgate.VNINAlias) error {
	type row struct {
		lookup, sealed []byte
		expires        int64
	}
	rows := make([]row, 0, len(aliases))
	for _, a := range aliases {
		if a.VNIN == "" || a.NIN == "" {
			return idgate.Errorf(idgate.EINVALID, "vNIN alias needs vnin and nin")
		}
		lookup := s.vninLookup(a.VNIN)
		sealed, err := s.sealJSONFor("vNIN alias", a, rowContext("vnin_aliases", lookup))
		if err != nil {
			return err
		}
		rows = append(rows, row{lookup, sealed, nanos(a.ExpiresAt)})
	}
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, r := range rows {
			if _, err := s.txExec(ctx, tx, `INSERT INTO vnin_aliases (lookup, sealed, expires_at) VALUES (?, ?, ?)
				ON CONFLICT (lookup) DO UPDATE SET sealed = excluded.sealed, expires_at = excluded.expires_at`,
				r.lookup, r.sealed, r.expires); err != nil {
				return dbError(err, "put vNIN alias")
			}
		}
		return nil
	})
}

// VNINAlias returns the alias for a vNIN, expired or not. Errors: ENOTFOUND.
func (s *Store) VNINAlias(ctx context.Context, vnin string) (*idgate.VNINAlias, error) {
	var sealed []byte
	lookup := s.vninLookup(vnin)
	if err := s.readRow(ctx, "SELECT sealed FROM vnin_aliases WHERE lookup = ?", lookup).Scan(&sealed); err != nil {
		return nil, notFound(err, "vNIN not found")
	}
	var a idgate.VNINAlias
	if err := s.openJSONFor("vNIN alias", sealed, &a, rowContext("vnin_aliases", lookup)); err != nil {
		return nil, err
	}
	return &a, nil
}

func (s *Store) faultLookup(country idgate.Country, idType idgate.IDType, number string) []byte {
	return s.sealer.BlindIndex("fault", string(country), string(idType), number)
}

// PutFaults inserts or replaces per-number faults.
func (s *Store) PutFaults(ctx context.Context, faults []idgate.Fault) error {
	type row struct{ lookup, sealed []byte }
	rows := make([]row, 0, len(faults))
	for _, f := range faults {
		if f.Country == "" || f.IDType == "" || f.Number == "" || f.Kind == "" {
			return idgate.Errorf(idgate.EINVALID, "fault needs country, idType, number and kind")
		}
		lookup := s.faultLookup(f.Country, f.IDType, f.Number)
		sealed, err := s.sealJSONFor("fault", f, rowContext("registry_faults", lookup))
		if err != nil {
			return err
		}
		rows = append(rows, row{lookup, sealed})
	}
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, r := range rows {
			if _, err := s.txExec(ctx, tx, `INSERT INTO registry_faults (lookup, sealed) VALUES (?, ?)
				ON CONFLICT (lookup) DO UPDATE SET sealed = excluded.sealed`, r.lookup, r.sealed); err != nil {
				return dbError(err, "put fault")
			}
		}
		return nil
	})
}

// Fault returns the fault configured for a number. Errors: ENOTFOUND.
func (s *Store) Fault(ctx context.Context, country idgate.Country, idType idgate.IDType, number string) (*idgate.Fault, error) {
	var sealed []byte
	lookup := s.faultLookup(country, idType, number)
	if err := s.readRow(ctx, "SELECT sealed FROM registry_faults WHERE lookup = ?", lookup).Scan(&sealed); err != nil {
		return nil, notFound(err, "no fault configured")
	}
	var f idgate.Fault
	if err := s.openJSONFor("fault", sealed, &f, rowContext("registry_faults", lookup)); err != nil {
		return nil, err
	}
	return &f, nil
}

func (s *Store) cacheLookup(country idgate.Country, idType idgate.IDType, number string) []byte {
	return s.sealer.BlindIndex("cache", string(country), string(idType), number)
}

// PutCachedRecord stores r as the cached answer, refreshed at `at`.
func (s *Store) PutCachedRecord(ctx context.Context, r *idgate.Record, at time.Time) error {
	if r == nil || r.Country == "" || r.IDType == "" || r.Number == "" {
		return idgate.Errorf(idgate.EINVALID, "cached record needs country, idType and number")
	}
	lookup := s.cacheLookup(r.Country, r.IDType, r.Number)
	sealed, err := s.sealRecordFor("cached record", r, rowContext("identity_cache", lookup))
	if err != nil {
		return err
	}
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := s.txExec(ctx, tx, `INSERT INTO identity_cache (lookup, sealed, cached_at) VALUES (?, ?, ?)
			ON CONFLICT (lookup) DO UPDATE SET sealed = excluded.sealed, cached_at = excluded.cached_at`,
			lookup, sealed, nanos(at))
		return dbError(err, "put cached record")
	})
}

// CachedRecord returns the cached record and when it was cached. Errors:
// ENOTFOUND.
func (s *Store) CachedRecord(ctx context.Context, country idgate.Country, idType idgate.IDType, number string) (*idgate.Record, time.Time, error) {
	var sealed []byte
	var at int64
	lookup := s.cacheLookup(country, idType, number)
	if err := s.readRow(ctx, "SELECT sealed, cached_at FROM identity_cache WHERE lookup = ?", lookup).Scan(&sealed, &at); err != nil {
		return nil, time.Time{}, notFound(err, "no cached record")
	}
	r, err := s.openRecordFor("cached record", sealed, rowContext("identity_cache", lookup))
	if err != nil {
		return nil, time.Time{}, err
	}
	return r, fromNanos(at), nil
}
