// Package idgate is the domain core of the identity-verification gateway:
// the types every part shares (tenants, credentials, registry records,
// verifications, fraud listings, audit entries) and the interfaces the
// adapters implement (Store, Source, FaceEngine). It knows nothing of HTTP,
// SQL or any vendor's wire format.
//
// Adapters live under internal/: one package per store, per vendor dialect,
// per engine. The binary wires them together in cmd/idgate.
package idgate

import (
	"context"
	"time"
)

// Country is an ISO 3166-1 alpha-2 code.
type Country string

// Countries idgate verifies against.
const (
	SouthAfrica Country = "ZA"
	Uganda      Country = "UG"
	Nigeria     Country = "NG"
	Kenya       Country = "KE"
)

// IDType names the kind of identity number within a country.
type IDType string

// ID types. The same national-id name is used by several countries; the
// pair (Country, IDType) identifies a registry.
const (
	NationalID  IDType = "national-id"  // ZA 13-digit ID, KE national ID
	RefugeeFile IDType = "refugee-file" // ZA NIIS refugee file number
	NIN         IDType = "nin"          // UG 14-character NIN, NG 11-digit NIN
	VNIN        IDType = "vnin"         // NG 16-character virtual NIN
	IDCard      IDType = "card"         // UG national ID card number
	Passport    IDType = "passport"     // KE
	AlienID     IDType = "alien-id"     // KE
	ServiceID   IDType = "service-id"   // KE
)

// Clock returns the current time; stores and services take one so tests can
// pin time.
type Clock func() time.Time

// Principal is the authenticated caller of a request: which tenant, through
// which credential.
type Principal struct {
	Tenant     *Tenant
	Credential *Credential
}

type principalKey struct{}

// NewContext returns a context carrying the principal.
func NewContext(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal stored in ctx, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
