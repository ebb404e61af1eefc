package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/httpx"
	"github.com/idgate/idgate/internal/jobs"
	"github.com/idgate/idgate/internal/sqlstore"
)

// Webhooks: a tenant registers callback URLs; internal/jobs delivers
// verification.completed and verification.failed events to them, signed
// (jobs.SignatureHeader) and retried with backoff, and records every
// attempt, which GET /v1/webhooks/{id}/deliveries shows.

// WebhookStore keeps webhooks and their delivery log; *sqlstore.Store
// implements it.
type WebhookStore interface {
	CreateWebhook(ctx context.Context, w *sqlstore.Webhook, audit *idgate.AuditEntry) error
	Webhooks(ctx context.Context, tenantID string) ([]*sqlstore.Webhook, error)
	Webhook(ctx context.Context, tenantID, id string) (*sqlstore.Webhook, error)
	WebhookDeliveries(ctx context.Context, f sqlstore.WebhookDeliveryFilter) ([]*sqlstore.WebhookDelivery, error)
}

// Limits on webhooks.
const (
	maxWebhooksPerTenant = 10
	maxWebhookURLLen     = 2048
)

var webhookEvents = []string{jobs.EventCompleted, jobs.EventFailed}

// webhookCaller returns the webhook store and the caller of r.
func (s *Server) webhookCaller(r *http.Request) (WebhookStore, *idgate.Principal, error) {
	ws, ok := s.Store.(WebhookStore)
	if !ok {
		return nil, nil, idgate.Errorf(idgate.ENOTIMPLEMENTED, "webhooks are not available with this store")
	}
	p, err := httpx.Principal(r)
	return ws, p, err
}

type webhookRequest struct {
	URL    string   `json:"url"`
	Events []string `json:"events"`
}

// webhookView is a webhook as the API shows it. Secret is set only in the
// answer that creates it: it cannot be read again.
type webhookView struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	Secret    string    `json:"secret,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	Disabled  bool      `json:"disabled"`
}

func newWebhookView(w *sqlstore.Webhook) webhookView {
	return webhookView{ID: w.ID, URL: w.URL, Events: w.Events, CreatedAt: w.CreatedAt, Disabled: w.DisabledAt != nil}
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) error {
	ws, p, err := s.webhookCaller(r)
	if err != nil {
		return err
	}
	var in webhookRequest
	if err := httpx.DecodeJSON(w, r, 16<<10, true, &in); err != nil {
		return err
	}
	target, err := validateWebhookURL(in.URL, p.Tenant.Sandbox)
	if err != nil {
		return err
	}
	events, err := validateEvents(in.Events)
	if err != nil {
		return err
	}
	existing, err := ws.Webhooks(r.Context(), p.Tenant.ID)
	if err != nil {
		return err
	}
	if len(existing) >= maxWebhooksPerTenant {
		return idgate.Errorf(idgate.ECONFLICT, "a tenant may register at most %d webhooks", maxWebhooksPerTenant)
	}
	hook := &sqlstore.Webhook{
		ID: idgate.NewID(), TenantID: p.Tenant.ID, URL: target, Events: events,
		Secret: newWebhookSecret(), CreatedAt: time.Now().UTC(),
	}
	audit := &idgate.AuditEntry{
		Time: hook.CreatedAt, TenantID: p.Tenant.ID, CredentialID: p.Credential.ID,
		Actor: "api", Action: "webhook.create", Subject: hook.ID,
	}
	if err := ws.CreateWebhook(r.Context(), hook, audit); err != nil {
		return err
	}
	view := newWebhookView(hook)
	view.Secret = hook.Secret
	w.Header().Set("Location", "/v1/webhooks/"+hook.ID)
	httpx.WriteJSON(w, http.StatusCreated, view)
	return nil
}

// validateWebhookURL accepts an absolute https URL without credentials;
// sandbox tenants may use plain http, for receivers on a developer's
// machine. Events carry personal data, so live ones never travel in clear.
func validateWebhookURL(raw string, sandbox bool) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", idgate.FieldError("url", "url is required")
	}
	if len(raw) > maxWebhookURLLen {
		return "", idgate.FieldError("url", "url is longer than %d characters", maxWebhookURLLen)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", idgate.FieldError("url", "url must be an absolute http or https URL")
	}
	if u.Scheme == "http" && !sandbox {
		return "", idgate.FieldError("url", "url must use https (plain http is allowed for sandbox tenants only)")
	}
	if u.User != nil {
		return "", idgate.FieldError("url", "url must not carry credentials: verify the signature instead")
	}
	if u.Fragment != "" {
		return "", idgate.FieldError("url", "url must not have a fragment")
	}
	return u.String(), nil
}

func validateEvents(events []string) ([]string, error) {
	if len(events) == 0 {
		return webhookEvents, nil
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range events {
		known := false
		for _, k := range webhookEvents {
			known = known || e == k
		}
		if !known {
			return nil, idgate.FieldError("events", "unknown event %q (known: %s)", httpx.Truncate(e, 40), strings.Join(webhookEvents, ", "))
		}
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out, nil
}

func newWebhookSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	ws, p, err := s.webhookCaller(r)
	if err != nil {
		return err
	}
	hooks, err := ws.Webhooks(r.Context(), p.Tenant.ID)
	if err != nil {
		return err
	}
	views := make([]webhookView, 0, len(hooks))
	for _, h := range hooks {
		views = append(views, newWebhookView(h))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"data": views})
	return nil
}

// deliveryView is one delivery attempt.
type deliveryView struct {
	ID             string    `json:"id"`
	EventID        string    `json:"eventId"`
	EventType      string    `json:"eventType"`
	VerificationID string    `json:"verificationId"`
	Attempt        int       `json:"attempt"`
	AttemptedAt    time.Time `json:"attemptedAt"`
	DurationMs     int64     `json:"durationMs"`
	StatusCode     int       `json:"statusCode,omitempty"`
	Error          string    `json:"error,omitempty"`
	Succeeded      bool      `json:"succeeded"`
}

// listWebhookDeliveries shows every attempt to deliver to one of the
// tenant's webhooks, newest first; ?verificationId= and ?limit= (1–500)
// narrow it.
func (s *Server) listWebhookDeliveries(w http.ResponseWriter, r *http.Request) error {
	ws, p, err := s.webhookCaller(r)
	if err != nil {
		return err
	}
	hook, err := ws.Webhook(r.Context(), p.Tenant.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := sqlstore.WebhookDeliveryFilter{TenantID: p.Tenant.ID, WebhookID: hook.ID}
	q := r.URL.Query()
	for k := range q {
		if k != "verificationId" && k != "limit" {
			return idgate.FieldError(k, "unknown query parameter %q", httpx.Truncate(k, 32))
		}
	}
	f.VerificationID = q.Get("verificationId")
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			return idgate.FieldError("limit", "limit must be a whole number from 1 to 500")
		}
		f.Limit = n
	}
	ds, err := ws.WebhookDeliveries(r.Context(), f)
	if err != nil {
		return err
	}
	views := make([]deliveryView, 0, len(ds))
	for _, d := range ds {
		views = append(views, deliveryView{
			ID: d.ID, EventID: d.EventID, EventType: d.EventType, VerificationID: d.VerificationID,
			Attempt: d.Attempt, AttemptedAt: d.AttemptedAt, DurationMs: d.Duration.Milliseconds(),
			StatusCode: d.StatusCode, Error: d.Error, Succeeded: d.Succeeded,
		})
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"data": views})
	return nil
}
