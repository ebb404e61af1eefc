// Package httpapi is idgate's HTTP server: the native /v1 API, the OAuth2
// token endpoint, health checks, and the vendor dialects mounted beside
// them. Every route of every surface is registered in routes.go, one table
// to read.
package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/httpx"
	"github.com/idgate/idgate/internal/verify"
)

// Server holds what the handlers need. Set the fields, then call Handler.
type Server struct {
	Verify  *verify.Service
	Auth    *auth.Authenticator
	Store   idgate.Store
	Log     *slog.Logger
	MaxBody int64
	// Ready reports whether everything the server depends on is loaded
	// (models, migrations); nil means ready.
	Ready func(ctx context.Context) error
	// Registries reports per-registry health for GET /v1/registries.
	Registries RegistryHealth
	// Mounts are other surfaces' routes (vendor dialects, metrics, admin)
	// by ServeMux pattern.
	Mounts []map[string]http.Handler
}

// RegistryHealth reports the health of each registry source.
type RegistryHealth interface {
	Health(ctx context.Context) []idgate.RegistryHealth
}

// Handler returns the server's root handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for pattern, h := range s.routes() {
		mux.Handle(pattern, h)
	}
	for _, m := range s.Mounts {
		for pattern, h := range m {
			mux.Handle(pattern, h)
		}
	}
	return s.recoverPanics(s.logRequests(securityHeaders(mux)))
}

// Patterns returns every ServeMux pattern the handler serves, native and
// mounted, sorted: the published API description is checked against it.
func (s *Server) Patterns() []string {
	var out []string
	for pattern := range s.routes() {
		out = append(out, pattern)
	}
	for _, m := range s.Mounts {
		for pattern := range m {
			out = append(out, pattern)
		}
	}
	slices.Sort(out)
	return out
}

// handle adapts an error-returning handler to the native API's error
// writer.
func (s *Server) handle(h httpx.HandlerFunc) http.Handler {
	return httpx.Handle(s.writeProblem, h)
}

// authenticated requires a Bearer API key or access token.
func (s *Server) authenticated(h httpx.HandlerFunc) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		token, ok := auth.BearerToken(r)
		if !ok {
			return idgate.Errorf(idgate.EUNAUTHORIZED, "an Authorization: Bearer header with an API key or access token is required")
		}
		p, err := s.Auth.AuthenticateBearer(r.Context(), token)
		if err != nil {
			return err
		}
		return h(w, r.WithContext(idgate.NewContext(r.Context(), p)))
	})
}

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Errors   []FieldProblem `json:"errors,omitempty"`
	ErrorID  string         `json:"errorId,omitempty"` // for internal errors: quote it to the operator
}

// FieldProblem names one invalid request field.
type FieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// writeProblem answers err as problem details. Internal errors are logged
// with an id and answered with a generic message.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	status := httpx.Status(err)
	code := idgate.ErrorCode(err)
	p := Problem{
		Type:     "https://idgate.dev/problems/" + code,
		Title:    http.StatusText(status),
		Status:   status,
		Detail:   idgate.ErrorMessage(err),
		Instance: r.URL.Path,
	}
	var e *idgate.Error
	if errors.As(err, &e) && e.Field != "" {
		p.Errors = []FieldProblem{{Field: e.Field, Message: e.Message}}
	}
	if status == http.StatusInternalServerError {
		p.ErrorID = httpx.LogInternal(s.Log, r, err)
		p.Detail = "an unexpected error occurred; quote errorId to the operator"
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="idgate"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	httpx.WriteJSON(w, status, p)
}

// statusRecorder remembers the status a handler wrote, for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests logs one line per request: method, route pattern (never the
// raw path, which may hold an id), status and duration. No PII.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if s.Log != nil {
			s.Log.LogAttrs(r.Context(), slog.LevelDebug, "request",
				slog.String("method", r.Method), slog.String("route", r.Pattern),
				slog.Int("status", rec.status), slog.Duration("duration", time.Since(start)))
		}
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				id := idgate.NewID()
				if s.Log != nil {
					s.Log.Error("panic", "err_id", id, "route", r.Pattern, "panic", v, "stack", string(debug.Stack()))
				}
				httpx.WriteJSON(w, http.StatusInternalServerError, Problem{
					Type: "https://idgate.dev/problems/internal", Title: "Internal Server Error",
					Status: http.StatusInternalServerError, ErrorID: id,
				})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}
