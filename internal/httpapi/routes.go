package httpapi

import "net/http"

// routes is every native route, in one table. Vendor dialects, metrics and
// the dashboard arrive through Server.Mounts.
func (s *Server) routes() map[string]http.Handler {
	token := s.tokenHandler()
	return map[string]http.Handler{
		"POST /v1/verifications":           s.authenticated(s.createVerification),
		"GET /v1/verifications":            s.authenticated(s.listVerifications),
		"GET /v1/verifications/{id}":       s.authenticated(s.getVerification),
		"POST /v1/fraud-listings":          s.authenticated(s.createFraudListing),
		"GET /v1/fraud-listings":           s.authenticated(s.listFraudListings),
		"GET /v1/registries":               s.authenticated(s.registryHealth),
		"POST /v1/webhooks":                s.authenticated(s.createWebhook),
		"GET /v1/webhooks":                 s.authenticated(s.listWebhooks),
		"GET /v1/webhooks/{id}/deliveries": s.authenticated(s.listWebhookDeliveries),
		"POST /oauth/token":                token,
		"POST /connect/token":              token,
		"GET /healthz":                     http.HandlerFunc(s.healthz),
		"GET /readyz":                      http.HandlerFunc(s.readyz),
		"/v1/":                             s.handle(notFound),
	}
}
