package idgate

import (
	"context"
	"time"
)

// FraudListing is a SAFPS-style filing against an identity number: a
// protective registration (PR…), a fraud victim (VICTIM…) or a hit for
// fraudulent activity (SH…). Listings are shared across tenants for
// screening, like a fraud-prevention service; only the filing tenant can
// list and read its filings through the API.
type FraudListing struct {
	ID          string    `json:"id"`
	TenantID    string    `json:"tenantId,omitempty"` // who filed it; not shown to other tenants
	Country     Country   `json:"country"`
	IDNumber    string    `json:"idNumber"`
	FirstName   string    `json:"firstName"`
	Surname     string    `json:"surname"`
	BirthDate   string    `json:"birthDate,omitempty"` // YYYY-MM-DD
	ReferenceNo string    `json:"referenceNo"`         // PR00000000, VICTIM00000000, SH00000000
	Category    string    `json:"category"`            // e.g. "Impersonation"
	CreatedAt   time.Time `json:"createdAt"`
}

// FraudStore keeps fraud listings.
type FraudStore interface {
	// CreateFraudListing stores a listing and its audit entry.
	CreateFraudListing(ctx context.Context, l *FraudListing, audit *AuditEntry) error
	// FraudListingsFor returns every tenant's listings against a number.
	FraudListingsFor(ctx context.Context, country Country, idNumber string) ([]FraudListing, error)
	// FraudListings returns the listings a tenant filed, newest first.
	FraudListings(ctx context.Context, tenantID string, limit int) ([]FraudListing, error)
}
