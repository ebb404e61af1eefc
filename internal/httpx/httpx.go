// Package httpx holds the small HTTP helpers every API surface shares:
// bounded JSON decoding that reports which field is wrong, JSON writing,
// request ids, and the handler type that returns an error. Each surface
// (native API, each vendor dialect) keeps its own error envelope.
package httpx

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/idgate/idgate"
)

// DefaultMaxBody caps request bodies when the server is not configured
// otherwise: a selfie of a few megabytes in base64 fits.
const DefaultMaxBody = 8 << 20

// DecodeJSON reads r's body (at most limit bytes) into v. Errors are
// *idgate.Error: ETOOLARGE for an oversized body, EINVALID naming the field
// for a wrong type, and EINVALID for malformed JSON. With strict, unknown
// fields are refused too.
func DecodeJSON(w http.ResponseWriter, r *http.Request, limit int64, strict bool, v any) error {
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return idgate.Errorf(idgate.ETOOLARGE, "request body is larger than %d bytes", limit)
		}
		return idgate.Errorf(idgate.EINVALID, "could not read the request body")
	}
	return Unmarshal(body, strict, v)
}

// Unmarshal decodes one JSON value from body into v with the error
// reporting of DecodeJSON.
func Unmarshal(body []byte, strict bool, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return idgate.Errorf(idgate.EINVALID, "request body is empty: a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return idgate.Errorf(idgate.EINVALID, "request body holds more than one JSON value")
	}
	return nil
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return idgate.Errorf(idgate.EINVALID, "request body must be a JSON object")
		}
		return idgate.FieldError(field, "%s must be %s, not %s", field, jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return idgate.Errorf(idgate.EINVALID, "malformed JSON at byte %d", syntaxErr.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return idgate.Errorf(idgate.EINVALID, "malformed JSON: the body ends early")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return idgate.FieldError(name, "unknown field %q", name)
	default:
		return idgate.Errorf(idgate.EINVALID, "malformed JSON")
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "bool":
		return "a boolean"
	case "string":
		return "a string"
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	default:
		return "a number"
	}
}

// WriteJSON writes v as JSON with the given status. A Content-Type the
// caller set (application/problem+json) is kept.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	// The status line is out; a failed write means the client went away.
	_ = enc.Encode(v)
}

// DecodeImage decodes a base64 image or a data URI ("data:image/jpeg;base64,…").
// field names the request field in errors.
func DecodeImage(field, s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "data:") {
		comma := strings.IndexByte(s, ',')
		if comma < 0 || !strings.HasSuffix(s[:comma], ";base64") {
			return nil, idgate.FieldError(field, "%s must be base64 or a base64 data URI", field)
		}
		s = s[comma+1:]
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	}
	if err != nil {
		return nil, idgate.FieldError(field, "%s is not valid base64", field)
	}
	if len(b) == 0 {
		return nil, idgate.FieldError(field, "%s is empty", field)
	}
	return b, nil
}

// HandlerFunc is an HTTP handler that returns its error instead of writing
// it, so one place per surface turns errors into responses.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ErrorWriter writes err in a surface's envelope.
type ErrorWriter func(w http.ResponseWriter, r *http.Request, err error)

// Handle adapts h to http.Handler, writing a returned error with ew.
func Handle(ew ErrorWriter, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			ew(w, r, err)
		}
	})
}

// LogInternal logs an internal error with an error id the client can quote,
// and returns the id. Only the error chain is logged — callers must not wrap
// PII into errors.
func LogInternal(log *slog.Logger, r *http.Request, err error) string {
	id := idgate.NewID()
	if log == nil {
		log = slog.Default()
	}
	log.Error("internal error", "err_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	return id
}

// Status maps an application error code to an HTTP status, the default
// every surface starts from.
func Status(err error) int {
	switch idgate.ErrorCode(err) {
	case idgate.EINVALID, idgate.ENOFACE, idgate.EMANYFACES:
		return http.StatusBadRequest
	case idgate.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case idgate.EPAYMENTREQ:
		return http.StatusPaymentRequired
	case idgate.EFORBIDDEN:
		return http.StatusForbidden
	case idgate.ENOTFOUND:
		return http.StatusNotFound
	case idgate.ECONFLICT:
		return http.StatusConflict
	case idgate.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case idgate.ENOTIMPLEMENTED:
		return http.StatusNotImplemented
	case idgate.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// Principal returns the authenticated principal of r; the surfaces' auth
// middleware put it there.
func Principal(r *http.Request) (*idgate.Principal, error) {
	p := idgate.PrincipalFrom(r.Context())
	if p == nil {
		return nil, fmt.Errorf("no principal on %s: route registered without auth", r.URL.Path)
	}
	return p, nil
}

// Truncate shortens client input quoted back in an error message to n
// bytes, marking the cut, so an error never echoes an unbounded value.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
