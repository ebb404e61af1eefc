package idgate

import (
	"context"
	"time"
)

// Record is one person in a registry, as idgate's local registry holds it and
// as an upstream registry returns it. Common fields are at the top; each
// country's own fields are in the matching detail struct, nil for the others.
//
// Every field is PII: stores keep records encrypted at rest.
type Record struct {
	Country     Country `json:"country"`
	IDType      IDType  `json:"idType"`
	Number      string  `json:"number"` // normalised, as idnumber returns it
	FirstNames  string  `json:"firstNames"`
	MiddleNames string  `json:"middleNames,omitempty"`
	LastName    string  `json:"lastName"`
	BirthDate   string  `json:"birthDate,omitempty"` // YYYY-MM-DD
	Gender      string  `json:"gender,omitempty"`    // "M" or "F"
	Photo       []byte  `json:"photo,omitempty"`     // encoded JPEG/PNG/WebP
	// PhotoSHA256 identifies the photo where it is not kept (stored
	// verifications keep the hash, not the image).
	PhotoSHA256 string `json:"photoSha256,omitempty"`
	// PhotoOnly is set on a lookup answer when the registry could return
	// only the photo (SecureCitizen 10088: NPR down, HANIS up); the other
	// fields are then empty.
	PhotoOnly bool `json:"photoOnly,omitempty"`

	ZA      *ZACitizen `json:"za,omitempty"`
	Refugee *ZARefugee `json:"refugee,omitempty"`
	NG      *NGPerson  `json:"ng,omitempty"`
	KE      *KEPerson  `json:"ke,omitempty"`
	UG      *UGPerson  `json:"ug,omitempty"`

	UpdatedAt time.Time `json:"updatedAt"`
}

// HasPhoto reports whether the registry holds a photo of the person, also
// when this copy of the record was read without it.
func (r *Record) HasPhoto() bool { return len(r.Photo) > 0 || r.PhotoSHA256 != "" }

// ZACitizen holds the National Population Register fields of a South
// African ID (SecureCitizen RSAIDVerification).
type ZACitizen struct {
	SmartCardIssued       bool   `json:"smartCardIssued"`
	IDIssueDate           string `json:"idIssueDate,omitempty"` // YYYYMMDD as DHA reports it
	IDSequenceNumber      string `json:"idSequenceNumber,omitempty"`
	Dead                  bool   `json:"dead"`
	DateOfDeath           string `json:"dateOfDeath,omitempty"` // YYYY-MM-DD
	Blocked               bool   `json:"blocked"`
	MarkedForDeletion     bool   `json:"markedForDeletion"`
	MaritalStatus         string `json:"maritalStatus,omitempty"`
	DateOfMarriage        string `json:"dateOfMarriage,omitempty"`
	OnHANIS               bool   `json:"onHanis"`
	OnNPR                 bool   `json:"onNpr"`
	BirthPlaceCountryCode string `json:"birthPlaceCountryCode,omitempty"`
	BirthPlaceCountry     string `json:"birthPlaceCountry,omitempty"`
}

// ZARefugee holds the NIIS fields of a refugee file (SecureCitizen
// RefugeeVerification).
type ZARefugee struct {
	CountryOfOrigin       string `json:"countryOfOrigin,omitempty"`
	Nationality           string `json:"nationality,omitempty"`
	AlternativeFileNumber string `json:"alternativeFileNumber,omitempty"`
	OfficeOfApplication   string `json:"officeOfApplication,omitempty"`
	FileStatus            string `json:"fileStatus,omitempty"`
	PermitNumber          string `json:"permitNumber,omitempty"`
	PermitExpiry          string `json:"permitExpiry,omitempty"` // YYYY-MM-DD
	RefugeeIDNumber       string `json:"refugeeIdNumber,omitempty"`
}

// NGPerson holds the NIMC fields of a Nigerian NIN record. VNINs are
// aliases of a NIN, see VNINAlias.
type NGPerson struct {
	Mobile       string `json:"mobile,omitempty"`
	Email        string `json:"email,omitempty"`
	BirthState   string `json:"birthState,omitempty"`
	BirthLGA     string `json:"birthLGA,omitempty"`
	BirthCountry string `json:"birthCountry,omitempty"`
}

// VNINAlias maps a Nigerian virtual NIN to the NIN it stands for until it
// expires.
type VNINAlias struct {
	VNIN      string    `json:"vnin"`
	NIN       string    `json:"nin"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// KEPerson holds the Kenyan ID scrub fields (Youverify ke/id-scrub).
type KEPerson struct {
	FullName              string            `json:"fullName,omitempty"`
	MaritalStatus         string            `json:"maritalStatus,omitempty"`
	Email                 string            `json:"email,omitempty"`
	HomeTelephoneNumber   string            `json:"homeTelephoneNumber,omitempty"`
	MobileTelephoneNumber string            `json:"mobileTelephoneNumber,omitempty"`
	WorkTelephoneNumber   string            `json:"workTelephoneNumber,omitempty"`
	EmploymentName        string            `json:"employmentName,omitempty"`
	LastEmployment        string            `json:"lastEmployment,omitempty"`
	MainAddress           *Address          `json:"mainAddress,omitempty"`
	SecondaryAddress      *Address          `json:"secondaryAddress,omitempty"`
	ContractSummary       map[string]string `json:"contractSummary,omitempty"`
	Inquiries             map[string]string `json:"inquiries,omitempty"`
	Type                  string            `json:"type,omitempty"` // e.g. "keCreditInfo"
}

// Address is a postal address.
type Address struct {
	Address    string `json:"address,omitempty"`
	Country    string `json:"country,omitempty"`
	Town       string `json:"town,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
}

// UGPerson holds the NIRA fields of a Ugandan national ID card.
type UGPerson struct {
	OtherNames string `json:"otherNames,omitempty"`
	CardNumber string `json:"cardNumber,omitempty"`
	CardExpiry string `json:"cardExpiry,omitempty"` // YYYY-MM-DD
	CardStatus string `json:"cardStatus,omitempty"` // e.g. "Valid", "Expired", "Cancelled"
	NINStatus  string `json:"ninStatus,omitempty"`  // e.g. "Active"
}

// FaultKind is a failure the local registry plays for one number or for a
// whole registry, so integrators can test their error handling.
type FaultKind string

const (
	FaultDown      FaultKind = "down"       // the registry does not answer (SecureCitizen: DHA is down)
	FaultPhotoOnly FaultKind = "photo_only" // NPR is down, only the HANIS photo is returned (10088)
	FaultFraudDown FaultKind = "fraud_down" // the fraud-listing service times out (SAFPS)
	FaultError     FaultKind = "error"      // the registry answers with an error (NIRA error codes)
	FaultSlow      FaultKind = "slow"       // the registry answers after Latency
)

// Fault makes the local registry misbehave for one number.
type Fault struct {
	Country Country       `json:"country"`
	IDType  IDType        `json:"idType"`
	Number  string        `json:"number"`
	Kind    FaultKind     `json:"kind"`
	Latency time.Duration `json:"latency,omitempty"`
	Code    string        `json:"code,omitempty"` // registry error code for FaultError
}

// Query asks a registry for one number.
type Query struct {
	Country Country
	IDType  IDType
	Number  string
	// Photo asks for the photo too. Most lookups (names, birth date) do
	// without it, and a photo is most of a record's bytes.
	Photo bool
}

// Source looks people up in a registry.
type Source interface {
	// Lookup returns the record for the query's number, with the photo when
	// asked (PhotoSHA256 says whether there is one). Errors: ENOTFOUND when
	// the registry has no such record, EUNAVAILABLE when it cannot answer
	// now (the caller may then fall back to the identity cache), EINVALID
	// for a number the registry rejects.
	Lookup(ctx context.Context, q Query) (*Record, error)
}

// RegistryStore holds the local registry: the records idgate answers from
// when it plays the registry itself (sandbox and imported data).
type RegistryStore interface {
	// PutRecords inserts or replaces records by (country, idType, number)
	// in one transaction, so a re-import is idempotent. It reports how many
	// were new, and fills each record's PhotoSHA256.
	PutRecords(ctx context.Context, records []*Record) (inserted int, err error)
	// Record returns one record with its photo. Errors: ENOTFOUND.
	Record(ctx context.Context, country Country, idType IDType, number string) (*Record, error)
	// RecordSummary returns one record without its photo, which most
	// lookups do not need; PhotoSHA256 says whether it has one.
	// Errors: ENOTFOUND.
	RecordSummary(ctx context.Context, country Country, idType IDType, number string) (*Record, error)
	// PutVNINAliases inserts or replaces vNIN → NIN aliases.
	PutVNINAliases(ctx context.Context, aliases []VNINAlias) error
	// VNINAlias returns the alias for a vNIN, expired or not. Errors: ENOTFOUND.
	VNINAlias(ctx context.Context, vnin string) (*VNINAlias, error)
	// PutFaults inserts or replaces per-number faults.
	PutFaults(ctx context.Context, faults []Fault) error
	// Fault returns the fault configured for a number. Errors: ENOTFOUND.
	Fault(ctx context.Context, country Country, idType IDType, number string) (*Fault, error)
	// CountRecords returns how many records the local registry holds per
	// country and ID type, keyed "ZA/national-id".
	CountRecords(ctx context.Context) (map[string]int, error)
}

// IdentityCache keeps the last registry answer per number, so that a
// registry outage can be answered from cache (SecureCitizen IdentityCache).
type IdentityCache interface {
	// PutCachedRecord stores r as the cached answer, refreshed at `at`,
	// and fills its PhotoSHA256.
	PutCachedRecord(ctx context.Context, r *Record, at time.Time) error
	// CachedRecord returns the cached record and when it was cached.
	// Errors: ENOTFOUND.
	CachedRecord(ctx context.Context, country Country, idType IDType, number string) (*Record, time.Time, error)
}

// RegistryHealth is one registry's health over the last hour, like a line
// on a status page.
type RegistryHealth struct {
	Country     Country `json:"country"`
	Available   bool    `json:"available"`
	Lookups     int64   `json:"lookupsLastHour"`
	SuccessRate float64 `json:"successRateLastHour"` // 0..1; 1 when there were no lookups
}
