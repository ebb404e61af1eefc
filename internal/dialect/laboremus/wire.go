package laboremus

// Wire types, with the casing of Laboremus Streamline's "Get National ID
// Verification Requests Details" page (vendor-docs 002). The page's
// tables are quoted next to the structs they govern.

// Request is one ID verification request.
//
//	id                  string (uuid)                The unique id for the request
//	initiator           string or null               The names for the request initiator
//	initiatorId         string or null               The unique id for the request initiator
//	initiatorEmail      string or null               The API consumer for user that initiated the request
//	participantId       string (uuid)                The unique id for the participant that initiated the request
//	receivedAt          string or null (date-time)   Date the request was created
//	submittedAt         string or null (date-time)   Date the request was submitted to NIRA
//	receivedFromNira    string or null (date-time)   Date the response was received from NIRA
//	requestStatus       string (Enum: Pending, Completed, Failed)
//	surname             string or null               Surname on the card that was verified
//	givenNames          string or null               Given names on the card that was verified
//	otherNames          string or null               Other names on the card that was verified
//	cardNumber          string or null               ID card number on the card that was verified
//	maskedCardNumber    string or null               Masked ID Card number on the card that was verified
//	nin                 string or null               National Identification Number on the card that was verified
//	maskedNin           string or null               Masked National Identification Number on the card that was verified
//	multipleReferenceId string or null (uuid)        ID to show multiple requests
//	dateOfBirth         string (date)                Date of birth on the card that was verified
//	resultJson          object                       The response from NIRA based on the card details provided
type Request struct {
	ID                  string      `json:"id"`
	Initiator           *string     `json:"initiator"`
	InitiatorID         *string     `json:"initiatorId"`
	InitiatorEmail      *string     `json:"initiatorEmail"`
	ParticipantID       string      `json:"participantId"`
	ReceivedAt          *string     `json:"receivedAt"`
	SubmittedAt         *string     `json:"submittedAt"`
	ReceivedFromNira    *string     `json:"receivedFromNira"`
	RequestStatus       string      `json:"requestStatus"`
	Surname             *string     `json:"surname"`
	GivenNames          *string     `json:"givenNames"`
	OtherNames          *string     `json:"otherNames"`
	CardNumber          *string     `json:"cardNumber"`
	MaskedCardNumber    *string     `json:"maskedCardNumber"`
	NIN                 *string     `json:"nin"`
	MaskedNIN           *string     `json:"maskedNin"`
	MultipleReferenceID *string     `json:"multipleReferenceId"`
	DateOfBirth         string      `json:"dateOfBirth"`
	ResultJSON          *ResultJSON `json:"resultJson"`
}

// Request statuses.
const (
	StatusPending   = "Pending"
	StatusCompleted = "Completed"
	StatusFailed    = "Failed"
)

// ResultJSON is NIRA's answer.
//
//	matchingStatus  boolean         Whether the card details matched those at NIRA
//	cardStatus      string or null  Whether the card is valid or not.
//	status          string or null  The NIN request status as returned from NIRA
//	error           object          Error from NIRA. When isError is false, its null
//	isError         boolean         When true, it means that NIRA found an error with the request.
//	ninStatus       string or null  The Nin status field for the request
type ResultJSON struct {
	MatchingStatus bool         `json:"matchingStatus"`
	CardStatus     *string      `json:"cardStatus"`
	Status         *string      `json:"status"`
	Error          *ResultError `json:"error"`
	IsError        bool         `json:"isError"`
	NINStatus      *string      `json:"ninStatus"`
}

// ResultError is NIRA's error.
//
//	code     string or null  The code of the error returned
//	message  string or null  The message of the error returned
type ResultError struct {
	Code    *string `json:"code"`
	Message *string `json:"message"`
}

// CreateRequest is the body of POST /idv/api/requests: the card details of
// the GET schema (see README.md — the page documents no create call). A
// JSON array of them creates several requests sharing a
// multipleReferenceId.
type CreateRequest struct {
	Surname     string `json:"surname"`
	GivenNames  string `json:"givenNames"`
	OtherNames  string `json:"otherNames"`
	NIN         string `json:"nin"`
	CardNumber  string `json:"cardNumber"`
	DateOfBirth string `json:"dateOfBirth"`
}

// RequestPage is the answer of GET /idv/api/requests.
type RequestPage struct {
	Items             []Request `json:"items"`
	PageSize          int       `json:"pageSize"`
	ContinuationToken *string   `json:"continuationToken"`
}

// Problem is the 400 answer.
//
//	type     string or null    Type of error response
//	title    string or null    The title of the error response
//	status   integer(int32)    The status of the error response
//	traceId  string or null    The traceId of the error request producing the error
//	errors   object            Object defining the errors; property: Array of strings
type Problem struct {
	Type    string              `json:"type"`
	Title   string              `json:"title"`
	Status  int                 `json:"status"`
	TraceID string              `json:"traceId"`
	Errors  map[string][]string `json:"errors"`
}

// ErrorEnvelope is the 401, 403, 404 and 500 answer.
//
//	error    object(Error)   Type of error response
//	code     string or null  The Error code
//	message  string or null  The Error message
type ErrorEnvelope struct {
	Error ErrorBody `json:"error"`
}

// ErrorBody is the error of an ErrorEnvelope.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
