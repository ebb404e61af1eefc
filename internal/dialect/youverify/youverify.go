// Package youverify serves idgate's Youverify dialect: Nigeria vNIN
// verification (POST /v1/api/identity/ng/vnin, also at /v2/...) and the
// Kenya ID scrub (POST /v2/api/identity/ke/id-scrub), with Youverify's
// field names, its "token" header and its {success, statusCode, message,
// name, data} error envelope, so that a client written against Youverify
// works unchanged. It translates into and out of the verification core
// (internal/verify) and holds no business logic. README.md quotes the
// vendor pages this package follows and records every decision the pages
// leave open.
package youverify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/httpx"
	"github.com/idgate/idgate/internal/verify"
)

// Defaults for Config.
const (
	DefaultMaxBodyBytes     = 12 << 20 // a base64 selfie of DefaultMaxSelfieBytes and room to spare
	DefaultMaxMetadataBytes = 4 << 10
	DefaultMaxSelfieBytes   = 8 << 20
	DefaultSelfieThreshold  = 80 // the page's sample threshold
)

// Config tunes the dialect. Zero fields take the defaults above.
type Config struct {
	MaxBodyBytes     int64 // whole request body
	MaxMetadataBytes int   // the metadata object, compacted
	MaxSelfieBytes   int   // validations.selfie.image, decoded
	// SelfieThreshold is the selfieVerification.threshold (0–100) reported
	// when the face engine cannot express its own threshold on the
	// confidence scale (see FaceCalibrator).
	SelfieThreshold int
}

// Authenticator checks the API key of the token header.
// *auth.Authenticator implements it.
type Authenticator interface {
	// AuthenticateAPIKey returns the key's principal. Errors: EUNAUTHORIZED.
	AuthenticateAPIKey(ctx context.Context, key string) (*idgate.Principal, error)
}

// FaceCalibrator is implemented by face engines that can map a cosine
// similarity to their calibrated confidence (0..1), the mapping that gives
// FaceMatch.Confidence (internal/face: face.Confidence). When the service's
// engine implements it, selfieVerification.threshold is the engine's own
// match threshold on the confidence scale, so that confidenceLevel >=
// threshold agrees with match; otherwise Config.SelfieThreshold is
// reported.
type FaceCalibrator interface {
	Confidence(similarity float64) float64
}

// Handler serves the dialect's routes. Its fields are set once at start-up.
type Handler struct {
	Service *verify.Service
	Auth    Authenticator
	Config  Config
	Logger  *slog.Logger // internal errors (with an error id) and upstream outages; never PII
}

// Routes returns the dialect's routes as ServeMux patterns. Unknown paths
// under /v1/api/ and /v2/api/ answer Youverify's 404 envelope.
func Routes(h *Handler) map[string]http.Handler {
	vnin := h.authenticated(h.vnin)
	return map[string]http.Handler{
		"POST /v1/api/identity/ng/vnin":     vnin,
		"POST /v2/api/identity/ng/vnin":     vnin,
		"POST /v2/api/identity/ke/id-scrub": h.authenticated(h.idScrub),
		"/v1/api/":                          h.handle(notFound),
		"/v2/api/":                          h.handle(notFound),
	}
}

// Register mounts Routes(h) on mux.
func Register(mux *http.ServeMux, h *Handler) {
	for pattern, handler := range Routes(h) {
		mux.Handle(pattern, handler)
	}
}

func notFound(http.ResponseWriter, *http.Request) error {
	return idgate.Errorf(idgate.ENOTFOUND, "no such route")
}

// handle adapts an error-returning handler; panics are recovered by the
// server's root handler.
func (h *Handler) handle(fn httpx.HandlerFunc) http.Handler {
	return httpx.Handle(h.writeError, fn)
}

// authenticated reads the API key from the token header.
func (h *Handler) authenticated(fn func(http.ResponseWriter, *http.Request, *idgate.Principal) error) http.Handler {
	return h.handle(func(w http.ResponseWriter, r *http.Request) error {
		key := r.Header.Get("token")
		if key == "" {
			return errMissingToken
		}
		p, err := h.Auth.AuthenticateAPIKey(r.Context(), key)
		if err != nil {
			return err
		}
		return fn(w, r.WithContext(idgate.NewContext(r.Context(), p)), p)
	})
}

func (h *Handler) vnin(w http.ResponseWriter, r *http.Request, p *idgate.Principal) error {
	return h.verify(w, r, p, decodeVNIN, (*answer).vnin, false)
}

func (h *Handler) idScrub(w http.ResponseWriter, r *http.Request, p *idgate.Principal) error {
	return h.verify(w, r, p, decodeIDScrub, (*answer).idScrub, true)
}

// verify is the shape of every endpoint: decode, run the core, encode.
func (h *Handler) verify(w http.ResponseWriter, r *http.Request, p *idgate.Principal,
	decode func([]byte, limits) (*call, error), encode func(*answer) any, links bool) error {
	requestedAt := h.now()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBodyBytes()))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return err
	case err != nil: // the client went away mid-body
		return idgate.Errorf(idgate.EINVALID, "could not read the request body")
	}
	c, err := decode(body, h.limits())
	if err != nil {
		return err
	}
	if c.req.Extra, err = encodeExtra(extra{Metadata: c.metadata, RequestedAt: requestedAt}); err != nil {
		return err
	}
	v, err := h.Service.Verify(r.Context(), p, c.req)
	if err != nil {
		return err
	}
	a, err := newAnswer(v, p, c.selfie, h.selfieThreshold(v.Result))
	if err != nil {
		return err
	}
	env := envelope{Success: true, StatusCode: http.StatusOK, Message: "success", Data: encode(a)}
	if links {
		env.Links = &[]any{}
	}
	httpx.WriteJSON(w, http.StatusOK, env)
	return nil
}

// encodeExtra marshals without HTML escaping, so metadata comes back as
// sent ("<b>" stays "<b>", not "\u003cb\u003e").
func encodeExtra(x extra) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return nil, fmt.Errorf("encode extra: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// selfieThreshold is the threshold reported next to confidenceLevel.
func (h *Handler) selfieThreshold(res *idgate.Result) int {
	if cal, ok := h.Service.Face.(FaceCalibrator); ok && res != nil && res.Face != nil {
		return percent(cal.Confidence(res.Face.Threshold))
	}
	if h.Config.SelfieThreshold > 0 {
		return h.Config.SelfieThreshold
	}
	return DefaultSelfieThreshold
}

func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	env := h.envelopeFor(r, err)
	httpx.WriteJSON(w, env.StatusCode, env)
}

func (h *Handler) now() time.Time {
	if h.Service.Now != nil {
		return h.Service.Now().UTC()
	}
	return time.Now().UTC()
}

func (h *Handler) maxBodyBytes() int64 {
	if h.Config.MaxBodyBytes > 0 {
		return h.Config.MaxBodyBytes
	}
	return DefaultMaxBodyBytes
}

func (h *Handler) limits() limits {
	l := limits{metadataBytes: h.Config.MaxMetadataBytes, selfieBytes: h.Config.MaxSelfieBytes}
	if l.metadataBytes <= 0 {
		l.metadataBytes = DefaultMaxMetadataBytes
	}
	if l.selfieBytes <= 0 {
		l.selfieBytes = DefaultMaxSelfieBytes
	}
	return l
}
