package idgate

import (
	"context"
	"encoding/json"
	"time"
)

// Dialect names the API surface a verification came through.
type Dialect string

const (
	DialectNative        Dialect = "native"
	DialectSecureCitizen Dialect = "securecitizen"
	DialectYouverify     Dialect = "youverify"
	DialectLaboremus     Dialect = "laboremus"
)

// Status is where a verification is in its lifecycle. Synchronous
// verifications are created Completed; asynchronous ones (Uganda) start
// Pending.
type Status string

const (
	StatusPending   Status = "pending"
	StatusCompleted Status = "completed"
	StatusFailed    Status = "failed"
)

// Outcome is what the registry said about the number.
type Outcome string

const (
	OutcomeFound             Outcome = "found"               // a record was returned
	OutcomeNotFound          Outcome = "not_found"           // valid number, no record (SecureCitizen 800)
	OutcomeMarkedForDeletion Outcome = "marked_for_deletion" // SecureCitizen 600
	OutcomePhotoOnly         Outcome = "photo_only"          // NPR down, photo returned (10088)
	OutcomeExpired           Outcome = "expired"             // e.g. an expired vNIN
	OutcomeRegistryError     Outcome = "registry_error"      // the registry answered with an error
)

// Checks selects the checks a verification runs beyond the registry lookup.
type Checks struct {
	Names    bool `json:"names"`    // score the subject's names (and birth date) against the record
	Face     bool `json:"face"`     // match the selfie against the registry photo
	Liveness bool `json:"liveness"` // passive liveness on the selfie
	Fraud    bool `json:"fraud"`    // screen fraud listings (SAFPS)
	Photo    bool `json:"photo"`    // return the registry photo
}

// CachePolicy is SecureCitizen's identity-cache switch set.
type CachePolicy struct {
	Allow     bool `json:"allow"`     // IdentityCache: use the cache when the registry is down
	Preferred bool `json:"preferred"` // CachePreferred: use a fresh cached answer before asking the registry
	Only      bool `json:"only"`      // CacheOnly: never ask the registry
}

// Subject is what the client says about the person.
type Subject struct {
	FirstNames string `json:"firstNames,omitempty"`
	MiddleName string `json:"middleName,omitempty"`
	LastName   string `json:"lastName,omitempty"`
	BirthDate  string `json:"birthDate,omitempty"` // YYYY-MM-DD
	Mobile     string `json:"mobile,omitempty"`
}

// VerificationRequest is a request to verify one identity, in the native,
// dialect-independent shape every dialect translates into.
type VerificationRequest struct {
	Dialect        Dialect     `json:"dialect"`
	Country        Country     `json:"country"`
	IDType         IDType      `json:"idType"`
	Number         string      `json:"number"`
	Consent        bool        `json:"consent"`
	Reason         string      `json:"reason"`
	Subject        Subject     `json:"subject"`
	Selfie         []byte      `json:"-"` // never stored; only its SHA-256 is kept
	SelfieSHA256   string      `json:"selfieSha256,omitempty"`
	Checks         Checks      `json:"checks"`
	Cache          CachePolicy `json:"cache"`
	ClientRef      string      `json:"clientRef,omitempty"`
	Subsidiary     string      `json:"subsidiary,omitempty"`
	IdempotencyKey string      `json:"-"`
	// Fingerprint is a SHA-256 over the request (selfie by its hash), set by
	// the service, so a reused idempotency key with a different request is
	// refused.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Extra is dialect-owned data stored with the verification and given
	// back unchanged (Youverify metadata, Laboremus card details).
	Extra json.RawMessage `json:"extra,omitempty"`
}

// NameScores are the similarity scores (0–100) of the subject's names
// against the record, and whether the birth date matched.
type NameScores struct {
	FirstNames     int   `json:"firstNames"`
	LastName       int   `json:"lastName"`
	MiddleName     *int  `json:"middleName,omitempty"`
	BirthDateMatch *bool `json:"birthDateMatch,omitempty"`
	Threshold      int   `json:"threshold"`
}

// FraudScreening is the result of screening fraud listings.
type FraudScreening struct {
	Listings []FraudListing `json:"listings"`
	// Unavailable is set when the listing service could not answer in
	// time (SecureCitizen: "SAFPS Fetch Timed out").
	Unavailable bool `json:"unavailable,omitempty"`
}

// Result is what a verification found.
type Result struct {
	Outcome   Outcome         `json:"outcome"`
	Record    *Record         `json:"record,omitempty"`
	Cached    bool            `json:"cached"`
	CacheDate *time.Time      `json:"cacheDate,omitempty"`
	Names     *NameScores     `json:"names,omitempty"`
	Face      *FaceMatch      `json:"face,omitempty"`
	Liveness  *LivenessResult `json:"liveness,omitempty"`
	Fraud     *FraudScreening `json:"fraud,omitempty"`
	// ErrorCode and ErrorMessage carry a registry error (Outcome
	// OutcomeRegistryError) or why an asynchronous verification failed.
	ErrorCode    string `json:"errorCode,omitempty"`
	ErrorMessage string `json:"errorMessage,omitempty"`
}

// Verification is one stored verification: the request, what was found,
// and who asked. Its ID is a UUID; SecureCitizen calls it TrackingNumber.
type Verification struct {
	ID           string              `json:"id"`
	TenantID     string              `json:"tenantId"`
	CredentialID string              `json:"credentialId"`
	Status       Status              `json:"status"`
	Request      VerificationRequest `json:"request"`
	Result       *Result             `json:"result,omitempty"`
	Price        int64               `json:"price"` // debited, in the wallet's minor units
	CreatedAt    time.Time           `json:"createdAt"`
	UpdatedAt    time.Time           `json:"updatedAt"`
	// SubmittedAt and ReceivedAt time the registry round trip of an
	// asynchronous verification.
	SubmittedAt *time.Time `json:"submittedAt,omitempty"`
	ReceivedAt  *time.Time `json:"receivedAt,omitempty"`
	// GroupID ties together verifications created in one batch
	// (Laboremus multipleReferenceId).
	GroupID string `json:"groupId,omitempty"`
}

// VerificationFilter selects verifications of one tenant for listing.
type VerificationFilter struct {
	TenantID string // required
	Country  Country
	Status   Status
	Outcome  Outcome
	Dialect  Dialect
	GroupID  string
	From, To time.Time // CreatedAt range, zero means open
	Cursor   string    // opaque, from a previous page
	Limit    int       // 1..100; 0 means 50
}

// VerificationStore persists verifications.
type VerificationStore interface {
	// CreateVerification stores v, appends audit, and debits the tenant's
	// wallet by v.Price, all in one transaction: either all happen or none.
	// Errors: EPAYMENTREQ when the wallet cannot pay (nothing is stored),
	// ECONFLICT when v's ID or the tenant's idempotency key is already used
	// (the service looks the key up first and answers with the stored
	// verification when the request matches), ENOTFOUND for an unknown
	// tenant. When audit.Amount is 0 the store sets it to -v.Price.
	CreateVerification(ctx context.Context, v *Verification, audit *AuditEntry) error
	// UpdateVerification replaces the status, result and timestamps of a
	// stored verification and appends audit, in one transaction.
	// Errors: ENOTFOUND.
	UpdateVerification(ctx context.Context, v *Verification, audit *AuditEntry) error
	// Verification returns one verification of the tenant. Another tenant's
	// id is ENOTFOUND, like an unknown one.
	Verification(ctx context.Context, tenantID, id string) (*Verification, error)
	// VerificationByIdempotencyKey returns the verification a tenant created
	// with key. Errors: ENOTFOUND.
	VerificationByIdempotencyKey(ctx context.Context, tenantID, key string) (*Verification, error)
	// ListVerifications returns a page of the tenant's verifications, newest
	// first, and the cursor of the next page ("" on the last page).
	ListVerifications(ctx context.Context, f VerificationFilter) ([]*Verification, string, error)
}
