package youverify

import "encoding/json"

// This file holds the wire shapes, field for field and in the order the
// vendor pages (../shared/vendor-docs/003 and 004, quoted in README.md)
// print them. Pointers marshal as null where the pages show null.

// Request bodies. Every field is a pointer or raw JSON so the decoder can
// tell "missing" from "wrong type" from "false" and name the field in its
// error.

// vninRequest is the body of POST /v1/api/identity/ng/vnin.
//
//	| id*              | String  | Valid vNIN (16-character alphanumeric)          |
//	| isSubjectConsent*| Boolean | Indicate subject has given consent. Must be true |
//	| validation       | Object  | Validation Object                               |
//	| data             | Object  | Data Validation Object                          |
//	| lastName         | String  | Last name to compare against ID                 |
//	| firstName        | String  | First name to compare against ID                |
//	| dateOfBirth      | String  | Date of birth to compare against ID             |
//	| selfie           | Object  | Selfie Validation Object                        |
//	| image            | String  | Selfie image to compare against ID              |
//
// The table says "validation", every sample says "validations"; both are
// accepted (not together).
type vninRequest struct {
	ID               *string         `json:"id"`
	IsSubjectConsent *bool           `json:"isSubjectConsent"`
	Validations      *validationsIn  `json:"validations"`
	Validation       *validationsIn  `json:"validation"`
	Metadata         json.RawMessage `json:"metadata"`
}

type validationsIn struct {
	Data   *dataIn   `json:"data"`
	Selfie *selfieIn `json:"selfie"`
}

type dataIn struct {
	LastName    *string `json:"lastName"`
	FirstName   *string `json:"firstName"`
	DateOfBirth *string `json:"dateOfBirth"`
}

type selfieIn struct {
	Image *string `json:"image"`
}

// idScrubRequest is the body of POST /v2/api/identity/ke/id-scrub.
//
//	id*               String   Candidates id number
//	isSubjectConsent* Boolean  Indicate subject has given consent. Must be true
//	idType*           Object   Candidates id type, this can be one of the following national-id and passport
//	metadata          Object   Metadata object. Any valid object can be passed here. It gets returned as is.
//
// The table types idType as Object but the sample sends a string; a string
// is what is accepted. IDType is raw so a non-string gets a clear message.
type idScrubRequest struct {
	ID               *string         `json:"id"`
	IDType           json.RawMessage `json:"idType"`
	IsSubjectConsent *bool           `json:"isSubjectConsent"`
	Metadata         json.RawMessage `json:"metadata"`
}

// Response envelopes.

// envelope is every successful answer:
//
//	{"success": true, "statusCode": 200, "message": "success", "data": {...}}
//
// Kenya adds "links": [] after data.
type envelope struct {
	Success    bool   `json:"success"`
	StatusCode int    `json:"statusCode"`
	Message    string `json:"message"`
	Data       any    `json:"data"`
	Links      *[]any `json:"links,omitempty"`
}

// errorEnvelope is every failure:
//
//	{"success": false, "statusCode": 402, "message": "Insufficient fund",
//	 "name": "PaymentRequiredError", "data": {}}
type errorEnvelope struct {
	Success    bool     `json:"success"`
	StatusCode int      `json:"statusCode"`
	Message    string   `json:"message"`
	Name       string   `json:"name"`
	Data       struct{} `json:"data"`
}

// requester is "requestedBy": the API user behind the credential.
type requester struct {
	FirstName  string `json:"firstName"`
	LastName   string `json:"lastName"`
	MiddleName string `json:"middleName"`
	ID         string `json:"id"`
}

// Nigeria vNIN answers. The pages show three samples (plain, facial
// matching, data validation) that differ in which fields they print; a
// found answer carries the union, so a client written against any sample
// finds its fields.
type ngFound struct {
	ID                  string          `json:"id"`
	ParentID            *string         `json:"parentId"`
	Validations         *validationsOut `json:"validations,omitempty"`
	Status              string          `json:"status"`
	Reason              *string         `json:"reason"`
	DataValidation      bool            `json:"dataValidation"`
	SelfieValidation    bool            `json:"selfieValidation"`
	FirstName           string          `json:"firstName"`
	MiddleName          string          `json:"middleName"`
	LastName            string          `json:"lastName"`
	Image               *string         `json:"image"`
	Mobile              *string         `json:"mobile"`
	Email               *string         `json:"email"`
	BirthState          *string         `json:"birthState"`
	BirthLGA            *string         `json:"birthLGA"`
	BirthCountry        *string         `json:"birthCountry"`
	DateOfBirth         *string         `json:"dateOfBirth"`
	IsConsent           bool            `json:"isConsent"`
	IDNumber            string          `json:"idNumber"`
	BusinessID          string          `json:"businessId"`
	AllValidationPassed bool            `json:"allValidationPassed"`
	Gender              *string         `json:"gender"`
	RequestedAt         string          `json:"requestedAt"`
	RequestedByID       string          `json:"requestedById"`
	Country             string          `json:"country"`
	CreatedAt           string          `json:"createdAt"`
	UpdatedAt           string          `json:"updatedAt"`
	LastModifiedAt      string          `json:"lastModifiedAt"`
	Metadata            json.RawMessage `json:"metadata"`
	RequestedBy         requester       `json:"requestedBy"`
}

// ngNotFound is a vNIN that is unknown or has expired. The page has no
// Nigerian not_found sample; this follows Kenya's (names omitted, contact
// fields and dateOfBirth null, reason set).
type ngNotFound struct {
	ID                  string          `json:"id"`
	ParentID            *string         `json:"parentId"`
	Validations         *validationsOut `json:"validations,omitempty"`
	Status              string          `json:"status"`
	Reason              *string         `json:"reason"`
	DataValidation      bool            `json:"dataValidation"`
	SelfieValidation    bool            `json:"selfieValidation"`
	Mobile              *string         `json:"mobile"`
	Email               *string         `json:"email"`
	DateOfBirth         *string         `json:"dateOfBirth"`
	IsConsent           bool            `json:"isConsent"`
	IDNumber            string          `json:"idNumber"`
	BusinessID          string          `json:"businessId"`
	AllValidationPassed bool            `json:"allValidationPassed"`
	RequestedAt         string          `json:"requestedAt"`
	RequestedByID       string          `json:"requestedById"`
	Country             string          `json:"country"`
	CreatedAt           string          `json:"createdAt"`
	UpdatedAt           string          `json:"updatedAt"`
	LastModifiedAt      string          `json:"lastModifiedAt"`
	Metadata            json.RawMessage `json:"metadata"`
	RequestedBy         requester       `json:"requestedBy"`
}

// validationsOut is "validations" in a vNIN answer:
//
//	"validations": {
//	  "data": {"lastName": {"validated": true, "value": "Doe"}, ...},
//	  "selfie": {"selfieVerification": {"confidenceLevel": 91, "threshold": 80,
//	             "match": true, "image": "data:image/jpg;base64,..."}},
//	  "validationMessages": ""
//	}
type validationsOut struct {
	Data               *dataOut   `json:"data,omitempty"`
	Selfie             *selfieOut `json:"selfie,omitempty"`
	ValidationMessages string     `json:"validationMessages"`
}

// dataOut has one entry per field the client sent.
type dataOut struct {
	LastName    *fieldResult `json:"lastName,omitempty"`
	DateOfBirth *fieldResult `json:"dateOfBirth,omitempty"`
	FirstName   *fieldResult `json:"firstName,omitempty"`
}

// fieldResult echoes the value the client sent and whether it matched.
type fieldResult struct {
	Validated bool   `json:"validated"`
	Value     string `json:"value"`
}

type selfieOut struct {
	SelfieVerification selfieVerification `json:"selfieVerification"`
}

type selfieVerification struct {
	ConfidenceLevel int    `json:"confidenceLevel"`
	Threshold       int    `json:"threshold"`
	Match           bool   `json:"match"`
	Image           string `json:"image"`
}

// Kenya ID scrub answers.

// keFound is page 004's "Identity Number Found Sample".
type keFound struct {
	ID                    string            `json:"id"`
	ParentID              *string           `json:"parentId"`
	Status                string            `json:"status"`
	Reason                *string           `json:"reason"`
	DataValidation        bool              `json:"dataValidation"`
	SelfieValidation      bool              `json:"selfieValidation"`
	DateOfBirth           *string           `json:"dateOfBirth"`
	IdentityType          string            `json:"identityType"`
	IsConsent             bool              `json:"isConsent"`
	IDNumber              string            `json:"idNumber"`
	BusinessID            string            `json:"businessId"`
	FirstName             string            `json:"firstName"`
	MiddleName            string            `json:"middleName"`
	LastName              string            `json:"lastName"`
	FullName              string            `json:"fullName"`
	Gender                *string           `json:"gender"`
	MaritalStatus         *string           `json:"maritalStatus"`
	Email                 *string           `json:"email"`
	HomeTelephoneNumber   *string           `json:"homeTelephoneNumber"`
	MobileTelephoneNumber *string           `json:"mobileTelephoneNumber"`
	WorkTelephoneNumber   *string           `json:"workTelephoneNumber"`
	EmploymentName        *string           `json:"employmentName"`
	LastEmployment        *string           `json:"lastEmployment"`
	MainAddress           *keAddress        `json:"mainAddress"`
	SecondaryAddress      *keAddress        `json:"secondaryAddress"`
	ContractSummary       map[string]string `json:"contractSummary"`
	Inquiries             map[string]string `json:"inquiries"`
	Type                  string            `json:"type"`
	AllValidationPassed   bool              `json:"allValidationPassed"`
	RequestedAt           string            `json:"requestedAt"`
	RequestedByID         string            `json:"requestedById"`
	Country               string            `json:"country"`
	CreatedAt             string            `json:"createdAt"`
	LastModifiedAt        string            `json:"lastModifiedAt"`
	Metadata              json.RawMessage   `json:"metadata"`
	RequestedBy           requester         `json:"requestedBy"`
}

// keAddress prints postalCode only when there is one, as the sample's
// mainAddress (without) and secondaryAddress (with) do.
type keAddress struct {
	Address    string `json:"address"`
	Country    string `json:"country"`
	Town       string `json:"town"`
	PostalCode string `json:"postalCode,omitempty"`
}

// keNotFound is page 004's second sample, field for field.
type keNotFound struct {
	ID                    string          `json:"id"`
	ParentID              *string         `json:"parentId"`
	Status                string          `json:"status"`
	Reason                *string         `json:"reason"`
	DataValidation        bool            `json:"dataValidation"`
	SelfieValidation      bool            `json:"selfieValidation"`
	DateOfBirth           *string         `json:"dateOfBirth"`
	IdentityType          string          `json:"identityType"`
	IsConsent             bool            `json:"isConsent"`
	IDNumber              string          `json:"idNumber"`
	BusinessID            string          `json:"businessId"`
	Email                 *string         `json:"email"`
	HomeTelephoneNumber   *string         `json:"homeTelephoneNumber"`
	MobileTelephoneNumber *string         `json:"mobileTelephoneNumber"`
	WorkTelephoneNumber   *string         `json:"workTelephoneNumber"`
	Type                  string          `json:"type"`
	AllValidationPassed   bool            `json:"allValidationPassed"`
	RequestedAt           string          `json:"requestedAt"`
	RequestedByID         string          `json:"requestedById"`
	Country               string          `json:"country"`
	CreatedAt             string          `json:"createdAt"`
	LastModifiedAt        string          `json:"lastModifiedAt"`
	Metadata              json.RawMessage `json:"metadata"`
	RequestedBy           requester       `json:"requestedBy"`
}
