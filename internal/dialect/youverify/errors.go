package youverify

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/httpx"
)

// Fixed messages from the pages.
const (
	msgPermissionDenied = "Permission denied"
	msgInsufficientFund = "Insufficient fund"
	msgServiceDown      = "Service unavailable"
	msgNotFound         = "You have attempted to get a resource that does not exist."
	msgUnauthorized     = "Authentication token is required: send the API key in the token header"
)

// errorStatus is one row of the code → envelope table.
type errorStatus struct {
	status  int
	name    string
	message string // fixed message; "" means the error's own (client-safe) message
}

// errorTable maps idgate error codes to Youverify envelopes. Rows with a
// fixed message are the pages' own envelopes (402, 403, 404, 500); the
// others carry the error's client-safe message. EUNAVAILABLE (registry or
// face engine down) answers as the page's 500 "Service unavailable" does.
var errorTable = map[string]errorStatus{
	idgate.EINVALID:        {http.StatusBadRequest, "BadRequestError", ""},
	idgate.ENOFACE:         {http.StatusBadRequest, "BadRequestError", ""},
	idgate.EMANYFACES:      {http.StatusBadRequest, "BadRequestError", ""},
	idgate.EUNAUTHORIZED:   {http.StatusForbidden, "UnauthorizedError", msgPermissionDenied},
	idgate.EFORBIDDEN:      {http.StatusForbidden, "UnauthorizedError", msgPermissionDenied},
	idgate.EPAYMENTREQ:     {http.StatusPaymentRequired, "PaymentRequiredError", msgInsufficientFund},
	idgate.ENOTFOUND:       {http.StatusNotFound, "ResourceNotFoundError", msgNotFound},
	idgate.ECONFLICT:       {http.StatusConflict, "ConflictError", ""},
	idgate.ETOOLARGE:       {http.StatusRequestEntityTooLarge, "PayloadTooLargeError", ""},
	idgate.ENOTIMPLEMENTED: {http.StatusNotImplemented, "NotImplementedError", ""},
	idgate.EUNAVAILABLE:    {http.StatusInternalServerError, "Error", msgServiceDown},
	idgate.EINTERNAL:       {http.StatusInternalServerError, "Error", msgServiceDown},
}

// errMissingToken is a request without a token header: 401, where a wrong
// token is the page's 403 "Permission denied".
var errMissingToken = errors.New("no token header")

// coreFields names the core's request fields as this dialect's clients
// know them, for the few errors only the core can find.
var coreFields = map[string]string{
	"consent":    "isSubjectConsent",
	"number":     "id",
	"idType":     "idType",
	"firstNames": "validations.data.firstName",
	"lastName":   "validations.data.lastName",
	"birthDate":  "validations.data.dateOfBirth",
	"selfie":     "validations.selfie.image",
}

// envelopeFor returns the error envelope for err. Internal errors are
// logged with an error id; their details never reach the body.
func (h *Handler) envelopeFor(r *http.Request, err error) errorEnvelope {
	if errors.Is(err, errMissingToken) {
		return errorEnvelope{StatusCode: http.StatusUnauthorized, Name: "UnauthorizedError", Message: msgUnauthorized}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errorEnvelope{StatusCode: http.StatusRequestEntityTooLarge, Name: "PayloadTooLargeError",
			Message: fmt.Sprintf("request body is larger than %d bytes", mbe.Limit)}
	}
	code := idgate.ErrorCode(err)
	row, ok := errorTable[code]
	if !ok {
		row, code = errorTable[idgate.EINTERNAL], idgate.EINTERNAL
	}
	switch code {
	case idgate.EINTERNAL:
		httpx.LogInternal(h.Logger, r, err)
	case idgate.EUNAVAILABLE:
		h.logger().WarnContext(r.Context(), "youverify: upstream unavailable",
			"path", r.URL.Path, "err", err)
	}
	msg := row.message
	if msg == "" {
		msg = clientMessage(err)
	}
	return errorEnvelope{StatusCode: row.status, Name: row.name, Message: msg}
}

// clientMessage is the error's safe message, with a core field name
// replaced by the wire name when the dialect's decoder did not already
// word it.
func clientMessage(err error) string {
	var e *idgate.Error
	if !errors.As(err, &e) {
		return msgServiceDown
	}
	if wire, ok := coreFields[e.Field]; ok && wire != e.Field {
		return fmt.Sprintf("%q is invalid: %s", wire, e.Message)
	}
	return e.Message
}

func (h *Handler) logger() *slog.Logger {
	if h.Logger != nil {
		return h.Logger
	}
	return slog.Default()
}
