package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/idgate/idgate"
)

// Webhook is a callback URL a tenant registered for verification events.
// Secret signs every delivery (see internal/jobs); it is sealed at rest and
// shown to the tenant once, when the webhook is created.
type Webhook struct {
	ID         string
	TenantID   string
	URL        string
	Events     []string // e.g. "verification.completed", "verification.failed"
	Secret     string
	CreatedAt  time.Time
	DisabledAt *time.Time
}

// Subscribed reports whether the webhook wants events of this type.
func (w *Webhook) Subscribed(eventType string) bool {
	if w.DisabledAt != nil {
		return false
	}
	for _, e := range w.Events {
		if e == eventType {
			return true
		}
	}
	return false
}

// WebhookDelivery is one attempt to deliver an event to a webhook.
// StatusCode is 0 when the receiver did not answer; Error says why an
// attempt failed, without PII.
type WebhookDelivery struct {
	ID             string
	WebhookID      string
	TenantID       string
	EventID        string
	EventType      string
	VerificationID string
	Attempt        int
	AttemptedAt    time.Time
	Duration       time.Duration
	StatusCode     int
	Error          string
	Succeeded      bool
}

// CreateWebhook stores w with audit. Errors: ECONFLICT on a duplicate ID,
// ENOTFOUND for an unknown tenant.
func (s *Store) CreateWebhook(ctx context.Context, w *Webhook, audit *idgate.AuditEntry) error {
	if w == nil || w.ID == "" || w.TenantID == "" {
		return idgate.FieldError("id", "webhook id and tenant are required")
	}
	if w.CreatedAt.IsZero() {
		w.CreatedAt = s.now()
	}
	sealed, err := s.sealer.Seal([]byte(w.Secret))
	if err != nil {
		return fmt.Errorf("sqlstore: seal webhook secret: %w", err)
	}
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO webhooks (id, tenant_id, url, events, secret_sealed, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`), w.ID, w.TenantID, w.URL, strings.Join(w.Events, ","), sealed, nanos(w.CreatedAt)); err != nil {
			return dbError(err, "create webhook")
		}
		return s.appendAudit(ctx, tx, audit)
	})
}

const webhookColumns = "id, tenant_id, url, events, secret_sealed, created_at, disabled_at"

func (s *Store) scanWebhook(sc interface{ Scan(...any) error }) (*Webhook, error) {
	var w Webhook
	var events string
	var sealed []byte
	var created int64
	var disabled sql.NullInt64
	if err := sc.Scan(&w.ID, &w.TenantID, &w.URL, &events, &sealed, &created, &disabled); err != nil {
		return nil, err
	}
	secret, err := s.sealer.Open(sealed)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open webhook secret: %w", err)
	}
	w.Secret = string(secret)
	if events != "" {
		w.Events = strings.Split(events, ",")
	}
	w.CreatedAt = fromNanos(created)
	w.DisabledAt = fromNullNanos(disabled)
	return &w, nil
}

// Webhook returns one of the tenant's webhooks. Another tenant's id is
// ENOTFOUND, like an unknown one.
func (s *Store) Webhook(ctx context.Context, tenantID, id string) (*Webhook, error) {
	w, err := s.scanWebhook(s.read.QueryRowContext(ctx, s.q("SELECT "+webhookColumns+" FROM webhooks WHERE tenant_id = ? AND id = ?"), tenantID, id))
	if err != nil {
		return nil, notFound(err, "webhook not found")
	}
	return w, nil
}

// Webhooks returns the tenant's webhooks, newest first.
func (s *Store) Webhooks(ctx context.Context, tenantID string) ([]*Webhook, error) {
	return s.queryWebhooks(ctx, s.read, tenantID)
}

// WebhooksTx returns the tenant's webhooks as seen inside tx, so a worker
// can enqueue deliveries in the transaction that completes a verification.
func (s *Store) WebhooksTx(ctx context.Context, tx *sql.Tx, tenantID string) ([]*Webhook, error) {
	return s.queryWebhooks(ctx, tx, tenantID)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *Store) queryWebhooks(ctx context.Context, db querier, tenantID string) ([]*Webhook, error) {
	rows, err := db.QueryContext(ctx, s.q("SELECT "+webhookColumns+" FROM webhooks WHERE tenant_id = ? ORDER BY created_at DESC, id DESC"), tenantID)
	if err != nil {
		return nil, dbError(err, "list webhooks")
	}
	defer rows.Close()
	var out []*Webhook
	for rows.Next() {
		w, err := s.scanWebhook(rows)
		if err != nil {
			return nil, dbError(err, "scan webhook")
		}
		out = append(out, w)
	}
	return out, dbError(rows.Err(), "list webhooks")
}

// RecordWebhookDelivery appends one delivery attempt to the log.
func (s *Store) RecordWebhookDelivery(ctx context.Context, d *WebhookDelivery) error {
	return s.w.do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return s.RecordWebhookDeliveryTx(ctx, tx, d)
	})
}

// RecordWebhookDeliveryTx appends one delivery attempt inside tx, so that a
// successful delivery is recorded in the transaction that completes its job.
func (s *Store) RecordWebhookDeliveryTx(ctx context.Context, tx *sql.Tx, d *WebhookDelivery) error {
	if d.AttemptedAt.IsZero() {
		d.AttemptedAt = s.now()
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO webhook_deliveries (id, webhook_id, tenant_id, event_id, event_type,
		verification_id, attempt, attempted_at, duration_ns, status_code, error, succeeded)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		d.ID, d.WebhookID, d.TenantID, d.EventID, d.EventType, d.VerificationID, d.Attempt,
		nanos(d.AttemptedAt), int64(d.Duration), d.StatusCode, d.Error, d.Succeeded)
	return dbError(err, "record webhook delivery")
}

// WebhookDeliveryFilter selects delivery attempts of one tenant.
type WebhookDeliveryFilter struct {
	TenantID       string // required
	WebhookID      string
	VerificationID string
	Limit          int // 1..500; 0 means 100
}

// WebhookDeliveries returns delivery attempts, newest first.
func (s *Store) WebhookDeliveries(ctx context.Context, f WebhookDeliveryFilter) ([]*WebhookDelivery, error) {
	query := `SELECT id, webhook_id, tenant_id, event_id, event_type, verification_id, attempt, attempted_at,
		duration_ns, status_code, error, succeeded FROM webhook_deliveries WHERE tenant_id = ?`
	args := []any{f.TenantID}
	if f.WebhookID != "" {
		query += " AND webhook_id = ?"
		args = append(args, f.WebhookID)
	}
	if f.VerificationID != "" {
		query += " AND verification_id = ?"
		args = append(args, f.VerificationID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	query += fmt.Sprintf(" ORDER BY attempted_at DESC, id DESC LIMIT %d", limit)
	rows, err := s.read.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, dbError(err, "list webhook deliveries")
	}
	defer rows.Close()
	var out []*WebhookDelivery
	for rows.Next() {
		var d WebhookDelivery
		var at, dur int64
		if err := rows.Scan(&d.ID, &d.WebhookID, &d.TenantID, &d.EventID, &d.EventType, &d.VerificationID,
			&d.Attempt, &at, &dur, &d.StatusCode, &d.Error, &d.Succeeded); err != nil {
			return nil, dbError(err, "scan webhook delivery")
		}
		d.AttemptedAt = fromNanos(at)
		d.Duration = time.Duration(dur)
		out = append(out, &d)
	}
	return out, dbError(rows.Err(), "list webhook deliveries")
}
