// Package securecitizen speaks SecureCitizen's Citizen API: South African
// ID verification against the population register (RSAIDVerification) and
// refugee verification by NIIS file number (RefugeeVerification), with the
// vendor's field casing, message codes and envelope. It translates to and
// from the verification core and holds no business logic. See README.md.
package securecitizen

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/httpx"
	"github.com/idgate/idgate/internal/verify"
)

// Message codes from the RSA ID page's "Message Codes" table.
const (
	MsgSuccess      = "Success"
	MsgNotFound     = "800 - IDNR is valid, but is not found on the NPR"
	MsgDeletion     = "600 - IDNR marked for 'Deletion' on the NPR"
	MsgPhotoOnly    = "10088 - NPR Not available, only photo is returned"
	MsgDHADown      = "Failure to get response - Error: Task cancelled, DHA is down"
	MsgSAFPSTimeout = "SAFPS Fetch Timed out. No cache record found."
	// The refugee page documents no codes of its own; these follow the RSA
	// page's wording for NIIS.
	MsgNIISNotFound = "800 - File number is valid, but is not found on NIIS"
	MsgNIISDown     = "Failure to get response - Error: Task cancelled, NIIS is down"
	MsgNoCache      = "No cache record found."

	title = "Citizen Api Output"
)

// Verifier runs verifications; *verify.Service implements it.
type Verifier interface {
	Verify(ctx context.Context, p *idgate.Principal, req idgate.VerificationRequest) (*idgate.Verification, error)
}

// RegistryStatus reports whether a country's registry is up.
type RegistryStatus interface {
	Available(ctx context.Context, c idgate.Country) bool
}

// Handler serves the dialect's routes.
type Handler struct {
	Verify   Verifier
	Auth     *auth.Authenticator
	Registry RegistryStatus
	Log      *slog.Logger
	MaxBody  int64
	Now      idgate.Clock
}

// Routes returns the dialect's routes by ServeMux pattern.
func (h *Handler) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"POST /Citizen/RSAIDVerification":   h.authenticated(h.rsaID),
		"POST /Citizen/RefugeeVerification": h.authenticated(h.refugee),
		"GET /Citizen/Status":               h.authenticated(h.status),
	}
}

// authenticated requires "Authorization: Bearer <access token or API key>".
func (h *Handler) authenticated(next httpx.HandlerFunc) http.Handler {
	return httpx.Handle(h.writeError, func(w http.ResponseWriter, r *http.Request) error {
		token, ok := auth.BearerToken(r)
		if !ok {
			return idgate.Errorf(idgate.EUNAUTHORIZED, "Authorization: Bearer <access_token> is required")
		}
		p, err := h.Auth.AuthenticateBearer(r.Context(), token)
		if err != nil {
			return err
		}
		return next(w, r.WithContext(idgate.NewContext(r.Context(), p)))
	})
}

func (h *Handler) status(w http.ResponseWriter, r *http.Request) error {
	dha := h.Registry.Available(r.Context(), idgate.SouthAfrica)
	resp := StatusResponse{DHAAvailable: dha, NIISAvailable: dha, SAFPSAvailable: true, Status: "Success", Message: "All services available"}
	if !dha {
		resp.Status, resp.Message = "Failure", "DHA is down: answers come from the identity cache where allowed"
	}
	httpx.WriteJSON(w, http.StatusOK, Envelope{Title: title, Status: http.StatusOK, Response: resp})
	return nil
}

// request is a SecureCitizen request body that translates into the core's.
type request interface {
	native() (idgate.VerificationRequest, error)
}

// verify is the one flow both endpoints share: decode the body into in,
// translate it, run the verification, answer with respond's shape.
func (h *Handler) verify(w http.ResponseWriter, r *http.Request, in request, respond func(*idgate.Verification) any) error {
	if err := httpx.DecodeJSON(w, r, h.MaxBody, false, in); err != nil {
		return err
	}
	req, err := in.native()
	if err != nil {
		return err
	}
	req.IdempotencyKey = r.Header.Get("Idempotency-Key")
	p, err := httpx.Principal(r)
	if err != nil {
		return err
	}
	v, err := h.Verify.Verify(r.Context(), p, req)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, Envelope{Title: title, Status: http.StatusOK, Response: respond(v)})
	return nil
}

// fieldNames maps the core's field names to this dialect's request fields,
// so errors name what the client sent.
var fieldNames = map[string]string{
	"consent":    "ConsentReceived",
	"reason":     "RequestReason",
	"firstNames": "FirstNames",
	"lastName":   "LastName",
	"selfie":     "FaceString",
	"mobile":     "MobileNumber",
	"clientRef":  "CRef",
}

// writeError answers an error in SecureCitizen's envelope.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status := httpx.Status(err)
	msg := idgate.ErrorMessage(err)
	var e *idgate.Error
	if errors.As(err, &e) && e.Field != "" {
		field := fieldNames[e.Field]
		if e.Field == "number" {
			field = "IdNumber"
			if strings.Contains(r.URL.Path, "Refugee") {
				field = "FileNumber"
			}
		}
		if field != "" {
			msg = field + ": " + msg
		}
	}
	switch {
	case errors.Is(err, verify.ErrNoCache):
		status, msg = http.StatusNotFound, MsgNoCache
	case idgate.ErrorCode(err) == idgate.EUNAVAILABLE:
		status, msg = http.StatusGatewayTimeout, MsgDHADown
		if strings.Contains(r.URL.Path, "Refugee") {
			msg = MsgNIISDown
		}
	case idgate.ErrorCode(err) == idgate.EPAYMENTREQ:
		msg = "Insufficient funds: top up the wallet to continue"
	case status == http.StatusInternalServerError:
		msg = "An unexpected error occurred (error id " + httpx.LogInternal(h.Log, r, err) + ")"
	}
	httpx.WriteJSON(w, status, Envelope{
		Title:    http.StatusText(status),
		Status:   status,
		Response: map[string]string{"Status": "Failure", "Message": msg},
	})
}
