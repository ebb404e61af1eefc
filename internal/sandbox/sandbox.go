// Package sandbox defines idgate's sandbox: a documented set of test
// identities for every country and case (found, not found, deceased,
// blocked, registry down, fraud listed…), like the vendors' sandboxes, and
// seeds them into a store. `idgate sandbox list` prints them; integrators
// script against them.
//
// Each country's identities live in their own file; Identities gathers them.
package sandbox

import (
	"context"
	"embed"
	"fmt"
	"sort"
	"time"

	"github.com/idgate/idgate"
)

//go:embed photos/*.jpg
var photos embed.FS

// Photo returns an embedded sandbox photo by file name, e.g.
// "za_citizen.jpg" (a registry photo) or "za_citizen_selfie.jpg" (a selfie
// of the same person, for trying face match).
func Photo(name string) []byte {
	b, err := photos.ReadFile("photos/" + name)
	if err != nil {
		panic(fmt.Sprintf("sandbox photo %s: %v", name, err)) // embedded at build time
	}
	return b
}

// Identity is one documented sandbox case.
type Identity struct {
	Dialect  idgate.Dialect `json:"dialect"`
	Endpoint string         `json:"endpoint"`
	Country  idgate.Country `json:"country"`
	IDType   idgate.IDType  `json:"idType"`
	Number   string         `json:"number"`
	Names    string         `json:"names,omitempty"`
	Case     string         `json:"case"`   // which situation it plays
	Expect   string         `json:"expect"` // what the answer should be
	Selfie   string         `json:"selfie,omitempty"`

	// Seed data; not printed.
	Record      *idgate.Record        `json:"-"`
	Fault       *idgate.Fault         `json:"-"`
	Cached      bool                  `json:"-"` // also seed Record into the identity cache
	Listings    []idgate.FraudListing `json:"-"`
	VNINAliases []idgate.VNINAlias    `json:"-"`
}

// Identities returns every sandbox identity, in a stable order.
func Identities(now time.Time) []Identity {
	var all []Identity
	for _, f := range countries {
		all = append(all, f(now)...)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Country != all[j].Country {
			return all[i].Country < all[j].Country
		}
		return all[i].Endpoint < all[j].Endpoint
	})
	return all
}

// countries lists each country file's identity function.
var countries = []func(now time.Time) []Identity{
	southAfrica,
	uganda,
	nigeria,
	kenya,
}

// Seed writes the sandbox identities into the store: records, faults,
// vNIN aliases, cached answers and fraud listings (filed by tenantID). It
// is idempotent: records are upserted and listings are filed once.
func Seed(ctx context.Context, st idgate.Store, tenantID string, now time.Time) error {
	ids := Identities(now)
	var records []*idgate.Record
	var faults []idgate.Fault
	var aliases []idgate.VNINAlias
	for _, id := range ids {
		if id.Record != nil {
			records = append(records, id.Record)
		}
		if id.Fault != nil {
			faults = append(faults, *id.Fault)
		}
		aliases = append(aliases, id.VNINAliases...)
	}
	if _, err := st.PutRecords(ctx, records); err != nil {
		return fmt.Errorf("seed sandbox records: %w", err)
	}
	if err := st.PutFaults(ctx, faults); err != nil {
		return fmt.Errorf("seed sandbox faults: %w", err)
	}
	if len(aliases) > 0 {
		if err := st.PutVNINAliases(ctx, aliases); err != nil {
			return fmt.Errorf("seed sandbox vNIN aliases: %w", err)
		}
	}
	for _, id := range ids {
		if err := seedExtras(ctx, st, tenantID, id, now); err != nil {
			return err
		}
	}
	return nil
}

func seedExtras(ctx context.Context, st idgate.Store, tenantID string, id Identity, now time.Time) error {
	if id.Cached && id.Record != nil {
		if err := st.PutCachedRecord(ctx, id.Record, now.Add(-48*time.Hour)); err != nil {
			return fmt.Errorf("seed sandbox cache %s: %w", id.Case, err)
		}
	}
	if len(id.Listings) == 0 {
		return nil
	}
	existing, err := st.FraudListingsFor(ctx, id.Country, id.Number)
	if err != nil {
		return fmt.Errorf("seed sandbox listings: %w", err)
	}
	filed := map[string]bool{}
	for _, l := range existing {
		filed[l.ReferenceNo] = true
	}
	for _, l := range id.Listings {
		if filed[l.ReferenceNo] {
			continue
		}
		l.ID = idgate.NewID()
		l.TenantID = tenantID
		l.CreatedAt = now
		audit := &idgate.AuditEntry{Time: now, TenantID: tenantID, Actor: "sandbox", Action: "fraud_listing.create", Subject: l.ID}
		if err := st.CreateFraudListing(ctx, &l, audit); err != nil {
			return fmt.Errorf("seed sandbox listing %s: %w", l.ReferenceNo, err)
		}
	}
	return nil
}
