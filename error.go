package idgate

import (
	"errors"
	"fmt"
)

// Application error codes. Each adapter maps them to its own wire format
// (HTTP status, vendor envelope); the codes never reach a client directly.
const (
	ECONFLICT       = "conflict"         // the request conflicts with stored state (e.g. idempotency key reuse)
	EINTERNAL       = "internal"         // a bug or an unexpected failure; details are logged, not returned
	EINVALID        = "invalid"          // the input is malformed or fails validation
	ENOTFOUND       = "not_found"        // the entity does not exist or belongs to another tenant
	EUNAUTHORIZED   = "unauthorized"     // no valid credential
	EFORBIDDEN      = "forbidden"        // the credential may not do this
	EPAYMENTREQ     = "payment_required" // the tenant's wallet cannot pay for the check
	EUNAVAILABLE    = "unavailable"      // an upstream (registry, face engine) cannot answer now
	ETOOLARGE       = "too_large"        // the input exceeds a configured size limit
	ENOFACE         = "no_face"          // no face was found in an image
	EMANYFACES      = "many_faces"       // more than one face was found in a selfie
	ENOTIMPLEMENTED = "not_implemented"  // the feature is not available in this build or configuration
)

// Error is an application error: a code for machines, a message that is safe
// to show to the API client, and optionally the field it concerns.
type Error struct {
	Code    string
	Message string
	Field   string // the request field at fault, when there is one
	Err     error  // the underlying cause; logged, never shown to clients
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("idgate %s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("idgate %s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error about one request field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the client-safe message of err; internal errors get a
// generic message so that no detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
