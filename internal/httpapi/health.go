package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/httpx"
)

func (s *Server) tokenHandler() http.Handler { return auth.TokenHandler(s.Auth) }

// healthz answers while the process runs.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 when the database is reachable with current migrations
// and everything else the server needs is loaded, 503 otherwise.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{"database": "ok"}
	status := http.StatusOK
	if err := s.Store.Ping(ctx); err != nil {
		checks["database"], status = "unavailable", http.StatusServiceUnavailable
	}
	if s.Ready != nil {
		checks["components"] = "ok"
		if err := s.Ready(ctx); err != nil {
			checks["components"], status = err.Error(), http.StatusServiceUnavailable
		}
	}
	httpx.WriteJSON(w, status, map[string]any{"ready": status == http.StatusOK, "checks": checks})
}

func (s *Server) registryHealth(w http.ResponseWriter, r *http.Request) error {
	var list []idgate.RegistryHealth
	if s.Registries != nil {
		list = s.Registries.Health(r.Context())
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"data": list})
	return nil
}
