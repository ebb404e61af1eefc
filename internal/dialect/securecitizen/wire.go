package securecitizen

// The request and response shapes of SecureCitizen's Citizen API, field for
// field as its pages show them (vendor-docs 000 and 001). Casing differs
// between the two endpoints (FirstNameResult vs firstNameResult) and is kept
// exactly. Nullable fields are pointers so that they encode as null.

// RSAIDRequest is the body of POST /Citizen/RSAIDVerification.
//
//	ConsentReceived  boolean Yes  Must be true — confirms subject consent was obtained
//	IdNumber         string  Yes  South African 13-digit ID number
//	RequestReason    string  Yes  Reason for the lookup (audited)
//	FirstNames/LastName string Conditional  Required if FaceString is not provided
//	FaceString       string  Conditional  Base64-encoded selfie image
//	LivenessRequired, SAFPSRequired, IdentityCache, CachePreferred, CacheOnly,
//	HANISImageRequired boolean No
//	CRef, Subsidiary, MobileNumber (0xxx format) string No
type RSAIDRequest struct {
	ConsentReceived    bool   `json:"ConsentReceived"`
	IdNumber           string `json:"IdNumber"`
	FirstNames         string `json:"FirstNames"`
	LastName           string `json:"LastName"`
	FaceString         string `json:"FaceString"`
	RequestReason      string `json:"RequestReason"`
	LivenessRequired   bool   `json:"LivenessRequired"`
	SAFPSRequired      bool   `json:"SAFPSRequired"`
	IdentityCache      bool   `json:"IdentityCache"`
	CachePreferred     bool   `json:"CachePreferred"`
	CacheOnly          bool   `json:"CacheOnly"`
	HANISImageRequired bool   `json:"HANISImageRequired"`
	CRef               string `json:"CRef"`
	Subsidiary         string `json:"Subsidiary"`
	MobileNumber       string `json:"MobileNumber"`
}

// RefugeeRequest is the body of POST /Citizen/RefugeeVerification.
type RefugeeRequest struct {
	ConsentReceived   bool   `json:"ConsentReceived"`
	FileNumber        string `json:"FileNumber"`
	FirstNames        string `json:"FirstNames"`
	LastName          string `json:"LastName"`
	FaceString        string `json:"FaceString"`
	RequestReason     string `json:"RequestReason"`
	LivenessRequired  bool   `json:"LivenessRequired"`
	NIISImageRequired bool   `json:"NIISImageRequired"`
	CRef              string `json:"CRef"`
	Subsidiary        string `json:"Subsidiary"`
	MobileNumber      string `json:"MobileNumber"`
}

// Envelope wraps every answer: {"title": "Citizen Api Output", "status": 200, "response": {...}}.
type Envelope struct {
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Response any    `json:"response"`
}

// RSAIDResponse is the response object of RSAIDVerification.
type RSAIDResponse struct {
	TrackingNumber        string          `json:"TrackingNumber"`
	CachedResult          bool            `json:"CachedResult"`
	CacheDate             *string         `json:"CacheDate"`
	FirstNameResult       *string         `json:"FirstNameResult"`
	LastNameResult        *string         `json:"LastNameResult"`
	IdNumber              string          `json:"IdNumber"`
	FirstName             *string         `json:"FirstName"`
	LastName              *string         `json:"LastName"`
	SmartCardIssued       bool            `json:"SmartCardIssued"`
	IDIssueDate           *string         `json:"IDIssueDate"`
	IDSequenceNumber      *string         `json:"IDSequenceNumber"`
	DeadIndicator         bool            `json:"DeadIndicator"`
	DateOfDeath           *string         `json:"DateOfDeath"`
	IDBlocked             bool            `json:"IDBlocked"`
	MaritalStatus         *string         `json:"MaritalStatus"`
	DateOfMarriage        *string         `json:"DateOfMarriage"`
	OnHanis               bool            `json:"OnHanis"`
	OnNPR                 bool            `json:"OnNPR"`
	BirthPlaceCountryCode *string         `json:"BirthPlaceCountryCode"`
	BirthPlaceCountry     *string         `json:"BirthPlaceCountry"`
	FacialImageAvailable  bool            `json:"FacialImageAvailable"`
	FacialImage           *string         `json:"FacialImage"`
	FaceResult            *FaceResult     `json:"FaceResult"`
	LivenessResult        *LivenessResult `json:"LivenessResult"`
	SAFPSResults          []SAFPSResult   `json:"SAFPSResults"`
	SCDerivedValues       *DerivedValues  `json:"SCDerivedValues"`
	IsWalletCreated       bool            `json:"IsWalletCreated"`
	CRef                  *string         `json:"CRef"`
	Status                string          `json:"Status"`
	Message               string          `json:"Message"`
}

// RefugeeResponse is the response object of RefugeeVerification.
type RefugeeResponse struct {
	TrackingNumber        string                 `json:"TrackingNumber"`
	CachedResult          bool                   `json:"CachedResult"`
	CacheDate             *string                `json:"CacheDate"`
	FirstNameResult       *string                `json:"firstNameResult"`
	LastNameResult        *string                `json:"lastNameResult"`
	NIISFileNumber        string                 `json:"niisFileNumber"`
	FirstName             *string                `json:"firstName"`
	LastName              *string                `json:"lastName"`
	Gender                *string                `json:"gender"`
	BirthDate             *string                `json:"birthDate"`
	Age                   *int                   `json:"age"`
	Country               *string                `json:"country"`
	Nationality           *string                `json:"nationality"`
	AlternativeFileNumber *string                `json:"alternativeFileNumber"`
	OfficeOfApplication   *string                `json:"officeOfApplication"`
	FileStatus            *string                `json:"fileStatus"`
	PermitNumber          *string                `json:"permitNumber"`
	ExpiryDate            *string                `json:"expiryDate"`
	RefugeeIDNumber       *string                `json:"refugeeIDNumber"`
	FacialImage           *string                `json:"facialImage"`
	FaceResult            *FaceResult            `json:"FaceResult"`
	LivenessResult        *RefugeeLivenessResult `json:"LivenessResult"`
	CRef                  *string                `json:"CRef"`
	Status                string                 `json:"Status"`
	Message               string                 `json:"Message"`
}

// FaceResult is the selfie-to-registry-photo match.
type FaceResult struct {
	IsIdentical bool    `json:"isIdentical"`
	Confidence  float64 `json:"confidence"`
}

// LivenessResult is the RSA ID page's liveness block.
type LivenessResult struct {
	LivenessResultScore       float64 `json:"LivenessResultScore"`
	LivenessResultProbability float64 `json:"LivenessResultProbability"`
	LivenessResultQuality     float64 `json:"LivenessResultQuality"`
	LivenessResultClass       bool    `json:"LivenessResultClass"`
	LivenessPassResult        bool    `json:"LivenessPassResult"`
	LivenessMessage           string  `json:"LivenessMessage"`
}

// RefugeeLivenessResult is the refugee page's shorter liveness block.
type RefugeeLivenessResult struct {
	LivenessPassResult bool   `json:"LivenessPassResult"`
	LivenessMessage    string `json:"LivenessMessage"`
}

// SAFPSResult is one listed subject with its filings.
type SAFPSResult struct {
	FirstName string   `json:"FirstName"`
	Surname   string   `json:"Surname"`
	BirthDate string   `json:"BirthDate"` // RFC 3339 midnight UTC, as the page shows
	Filings   []Filing `json:"Filings"`
}

// Filing is one SAFPS filing.
type Filing struct {
	ReferenceNo string `json:"ReferenceNo"`
	Category    string `json:"Category"`
}

// DerivedValues are what the ID number itself says. The page shows the
// field as null without a schema; idgate fills it with the values it derives
// so clients can cross-check the register's answer.
type DerivedValues struct {
	BirthDate   string `json:"BirthDate"`
	Gender      string `json:"Gender"`
	Citizenship string `json:"Citizenship"`
	Age         int    `json:"Age"`
}

// StatusResponse answers GET /Citizen/Status.
type StatusResponse struct {
	DHAAvailable   bool   `json:"DHAAvailable"`
	NIISAvailable  bool   `json:"NIISAvailable"`
	SAFPSAvailable bool   `json:"SAFPSAvailable"`
	Status         string `json:"Status"`
	Message        string `json:"Message"`
}
