package laboremus

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/httpx"
)

// problemType is the RFC 9110 section of a 400, as ASP.NET writes it.
const problemType = "https://tools.ietf.org/html/rfc9110#section-15.5.1"

// writeError answers err in the page's envelopes: problem details for a
// 400, {"error":{"code","message"}} for everything else. Internal errors
// are logged with an id the client can quote, and never described.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var verr *validationError
	if errors.As(err, &verr) {
		writeProblem(w, r, verr.errors)
		return
	}
	status := httpx.Status(err)
	if status == http.StatusBadRequest {
		var ie *idgate.Error
		errors.As(err, &ie)
		prop := "$"
		if ie != nil && ie.Field != "" {
			prop = ie.Field
		}
		writeProblem(w, r, map[string][]string{prop: {idgate.ErrorMessage(err)}})
		return
	}
	msg := idgate.ErrorMessage(err)
	switch status {
	case http.StatusInternalServerError:
		id := httpx.LogInternal(h.Logger, r, err)
		msg = "An unexpected error occurred. Quote error id " + id + " to support."
	case http.StatusNotFound:
		// The same words for an unknown id, another tenant's id and an
		// unknown route, so nothing leaks about what exists.
		msg = "The requested resource does not exist."
	case http.StatusServiceUnavailable:
		msg = "The service is temporarily unavailable. Retry later."
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="idgate"`)
	}
	httpx.WriteJSON(w, status, ErrorEnvelope{Error: ErrorBody{Code: errorCode(status), Message: msg}})
}

// errorCode names a status the way the vendor's gateway does.
func errorCode(status int) string {
	return strings.ReplaceAll(http.StatusText(status), " ", "")
}

func writeProblem(w http.ResponseWriter, r *http.Request, errs map[string][]string) {
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	p := Problem{Type: problemType, Title: "One or more validation errors occurred.", Status: http.StatusBadRequest, TraceID: traceID(r), Errors: errs}
	w.WriteHeader(http.StatusBadRequest)
	_ = jsonEncoder(w).Encode(p)
}

// traceID is the W3C trace context id, as ASP.NET reports it: the caller's
// traceparent when it sent one, else a new one.
func traceID(r *http.Request) string {
	if tp := r.Header.Get("traceparent"); len(tp) == 55 && strings.Count(tp, "-") == 3 {
		if _, err := hex.DecodeString(strings.ReplaceAll(tp, "-", "")); err == nil {
			return tp
		}
	}
	var b [24]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return "00-" + h[:32] + "-" + h[32:] + "-00"
}
