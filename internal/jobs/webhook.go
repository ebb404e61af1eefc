package jobs

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/riverqueue/river"
)

// Webhook deliveries are signed like this:
//
//	X-Idgate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>
//
// The receiver recomputes the HMAC over the timestamp, a dot and the raw
// body, compares in constant time, and refuses a timestamp more than
// ReplayWindow away from its clock, so a captured delivery cannot be
// replayed later. Every attempt is signed afresh, with its own timestamp.
const (
	SignatureHeader = "X-Idgate-Signature"
	EventIDHeader   = "X-Idgate-Event-Id"
	EventTypeHeader = "X-Idgate-Event-Type"
	AttemptHeader   = "X-Idgate-Delivery-Attempt"
	ReplayWindow    = 5 * time.Minute
)

// Sign returns the signature header value for body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return m.Sum(nil)
}

// Reasons VerifySignature refuses a delivery.
var (
	ErrSignatureMalformed = errors.New("webhook signature header malformed")
	ErrSignatureMismatch  = errors.New("webhook signature does not match")
	ErrSignatureStale     = errors.New("webhook signature timestamp outside the replay window")
)

// VerifySignature checks a delivery as a receiver should: the header's
// HMAC over its timestamp and body, and the timestamp within window of now.
func VerifySignature(secret, header string, body []byte, now time.Time, window time.Duration) error {
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return ErrSignatureMalformed
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			sig, err := hex.DecodeString(v)
			if err != nil {
				return ErrSignatureMalformed
			}
			sigs = append(sigs, sig)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrSignatureMalformed
	}
	want := mac(secret, ts, body)
	matched := false
	for _, sig := range sigs {
		if hmac.Equal(sig, want) {
			matched = true
		}
	}
	if !matched {
		return ErrSignatureMismatch
	}
	if d := now.Sub(time.Unix(sec, 0)); d > window || d < -window {
		return ErrSignatureStale
	}
	return nil
}

// Event is what a webhook receives: the event's id (the same on every
// attempt, for de-duplication), its type, when it happened, and the
// verification in the shape of the API that created it.
type Event struct {
	ID             string    `json:"id"`
	Type           string    `json:"type"`
	CreatedAt      time.Time `json:"createdAt"`
	Data           any       `json:"data"`
	VerificationID string    `json:"-"`
	TenantID       string    `json:"-"`
}

// DeliverWebhookArgs names one event for one webhook; the body is rendered
// from the stored verification at delivery time, so no PII sits in River's
// clear job arguments.
type DeliverWebhookArgs struct {
	WebhookID      string    `json:"webhookId"`
	TenantID       string    `json:"tenantId"`
	VerificationID string    `json:"verificationId"`
	EventID        string    `json:"eventId"`
	EventType      string    `json:"eventType"`
	OccurredAt     time.Time `json:"occurredAt"`
}

// Kind implements river.JobArgs.
func (DeliverWebhookArgs) Kind() string { return "deliver_webhook" }

// enqueueWebhooks inserts a delivery job for every webhook of the tenant
// subscribed to event, inside the transaction that finishes v.
func (r *Runner) enqueueWebhooks(ctx context.Context, tx *sql.Tx, v *idgate.Verification, event string, at time.Time) error {
	hooks, err := r.store.WebhooksTx(ctx, tx, v.TenantID)
	if err != nil {
		return err
	}
	var params []river.InsertManyParams
	for _, h := range hooks {
		if !h.Subscribed(event) {
			continue
		}
		params = append(params, river.InsertManyParams{
			Args: DeliverWebhookArgs{
				WebhookID: h.ID, TenantID: v.TenantID, VerificationID: v.ID,
				EventID: idgate.NewID(), EventType: event, OccurredAt: at,
			},
			InsertOpts: &river.InsertOpts{Queue: QueueWebhooks, MaxAttempts: r.cfg.WebhookMaxAttempts},
		})
	}
	if len(params) == 0 {
		return nil
	}
	if _, err := r.client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("jobs: enqueue webhooks: %w", err)
	}
	return nil
}

type webhookWorker struct {
	river.WorkerDefaults[DeliverWebhookArgs]
	r *Runner
}

func (w *webhookWorker) NextRetry(job *river.Job[DeliverWebhookArgs]) time.Time {
	return time.Now().Add(backoff(job.Attempt, w.r.cfg.WebhookRetryBase, w.r.cfg.WebhookRetryMax))
}

// maxResponseRead bounds how much of a receiver's answer is read (and
// thrown away) so the connection can be reused.
const maxResponseRead = 4 << 10

// Work sends one signed delivery and records the attempt. A success is
// recorded in the transaction that completes the job, so the log holds one
// successful delivery per event even if the process dies right after
// sending (the receiver may then see the event twice: de-duplicate by id).
func (w *webhookWorker) Work(ctx context.Context, job *river.Job[DeliverWebhookArgs]) error {
	r, a := w.r, job.Args
	hook, err := r.store.Webhook(ctx, a.TenantID, a.WebhookID)
	if err != nil {
		if idgate.ErrorCode(err) == idgate.ENOTFOUND {
			return river.JobCancel(err)
		}
		return fmt.Errorf("load webhook: %w", err)
	}
	if hook.DisabledAt != nil {
		return river.JobCancel(errors.New("webhook disabled"))
	}
	v, err := r.store.Verification(ctx, a.TenantID, a.VerificationID)
	if err != nil {
		if idgate.ErrorCode(err) == idgate.ENOTFOUND {
			return river.JobCancel(fmt.Errorf("verification %s: %w", a.VerificationID, err))
		}
		return fmt.Errorf("load verification: %w", err)
	}
	body, err := json.Marshal(Event{ID: a.EventID, Type: a.EventType, CreatedAt: a.OccurredAt.UTC(), Data: r.encodeData(v)})
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	d := &sqlstore.WebhookDelivery{
		ID: idgate.NewID(), WebhookID: hook.ID, TenantID: a.TenantID, EventID: a.EventID,
		EventType: a.EventType, VerificationID: a.VerificationID, Attempt: job.Attempt,
	}
	sendErr := r.send(ctx, hook, body, job.Attempt, a, d)
	if sendErr != nil {
		if err := r.store.RecordWebhookDelivery(ctx, d); err != nil {
			r.log.Error("jobs: record failed webhook delivery", "webhook", hook.ID, "err", err)
		}
		if job.Attempt >= job.MaxAttempts {
			r.observeDelivery(DeliveryGaveUp)
		} else {
			r.observeDelivery(DeliveryFailed)
		}
		return sendErr
	}
	err = r.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := r.store.RecordWebhookDeliveryTx(ctx, tx, d); err != nil {
			return err
		}
		return completeTx(ctx, r.store.Engine(), tx, job)
	})
	if err == nil {
		r.observeDelivery(DeliveryDelivered)
	}
	return err
}

// Delivery results reported to Config.ObserveDelivery.
const (
	DeliveryDelivered = "delivered" // the receiver answered 2xx
	DeliveryFailed    = "failed"    // this attempt failed; it will be retried
	DeliveryGaveUp    = "gave_up"   // the last attempt failed
)

func (r *Runner) observeDelivery(result string) {
	if r.cfg.ObserveDelivery != nil {
		r.cfg.ObserveDelivery(result)
	}
}

// send POSTs body to the webhook and fills in the delivery record.
func (r *Runner) send(ctx context.Context, hook *sqlstore.Webhook, body []byte, attempt int, a DeliverWebhookArgs, d *sqlstore.WebhookDelivery) error {
	start := r.cfg.Now()
	d.AttemptedAt = start.UTC()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		d.Error = "invalid webhook URL"
		return river.JobCancel(fmt.Errorf("webhook %s: %w", hook.ID, err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "idgate-webhooks/1")
	req.Header.Set(SignatureHeader, Sign(hook.Secret, start, body))
	req.Header.Set(EventIDHeader, a.EventID)
	req.Header.Set(EventTypeHeader, a.EventType)
	req.Header.Set(AttemptHeader, strconv.Itoa(attempt))
	resp, err := r.cfg.HTTPClient.Do(req)
	d.Duration = time.Since(start)
	if err != nil {
		d.Error = deliveryError(err)
		return fmt.Errorf("webhook %s: %s", hook.ID, d.Error)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseRead))
	resp.Body.Close()
	d.StatusCode = resp.StatusCode
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		d.Error = "receiver answered " + resp.Status
		return fmt.Errorf("webhook %s: %s", hook.ID, d.Error)
	}
	d.Succeeded = true
	return nil
}

// deliveryError describes a transport failure without echoing anything
// the receiver sent.
func deliveryError(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return msg
}

// encodeData renders v with its dialect's encoder, or the native summary.
func (r *Runner) encodeData(v *idgate.Verification) any {
	if e, ok := r.encode[v.Request.Dialect]; ok {
		return e(v)
	}
	return nativeSummary(v)
}

// Summary is the default event data: the verification's state and
// outcome, without personal data.
type Summary struct {
	ID          string     `json:"id"`
	Status      string     `json:"status"`
	Outcome     string     `json:"outcome,omitempty"`
	Country     string     `json:"country"`
	Dialect     string     `json:"dialect"`
	GroupID     string     `json:"groupId,omitempty"`
	ErrorCode   string     `json:"errorCode,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
	SubmittedAt *time.Time `json:"submittedAt,omitempty"`
	ReceivedAt  *time.Time `json:"receivedAt,omitempty"`
}

func nativeSummary(v *idgate.Verification) Summary {
	s := Summary{
		ID: v.ID, Status: string(v.Status), Country: string(v.Request.Country), Dialect: string(v.Request.Dialect),
		GroupID: v.GroupID, CreatedAt: v.CreatedAt, SubmittedAt: v.SubmittedAt, ReceivedAt: v.ReceivedAt,
	}
	if v.Result != nil {
		s.Outcome, s.ErrorCode = string(v.Result.Outcome), v.Result.ErrorCode
	}
	return s
}
