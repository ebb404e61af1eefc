package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/riverqueue/river"
)

// Event types a webhook can subscribe to.
const (
	EventCompleted = "verification.completed"
	EventFailed    = "verification.failed"
)

// Error codes a failed Uganda request carries in Result.ErrorCode besides
// the registry's own (e.g. NIRA-500).
const (
	CodeRegistryUnavailable = "REGISTRY_UNAVAILABLE" // NIRA did not answer within VerifyMaxAttempts
	CodeInternal            = "INTERNAL_ERROR"       // idgate could not process the request
)

// UgandaCard is the card data a Uganda request carries besides the NIN, in
// VerificationRequest.Extra.
type UgandaCard struct {
	CardNumber string `json:"cardNumber"`
}

// CardOf returns the card data of a Uganda request.
func CardOf(req *idgate.VerificationRequest) UgandaCard {
	var c UgandaCard
	if len(req.Extra) > 0 {
		// Extra is written by Submit's callers from a UgandaCard; an
		// undecodable one reads as no card, which then fails to match.
		_ = json.Unmarshal(req.Extra, &c)
	}
	return c
}

// WithCard returns Extra holding the card data.
func WithCard(c UgandaCard) json.RawMessage {
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("marshal card: %v", err)) // plain struct, cannot fail
	}
	return b
}

// VerifyUgandaCardArgs names a Pending verification. It carries no PII:
// River keeps job arguments in clear.
type VerifyUgandaCardArgs struct {
	VerificationID string `json:"verificationId"`
	TenantID       string `json:"tenantId"`
}

// Kind implements river.JobArgs.
func (VerifyUgandaCardArgs) Kind() string { return "verify_uganda_card" }

// BatchError says which request of a batch was refused.
type BatchError struct {
	Index int
	Err   error
}

func (e *BatchError) Error() string { return fmt.Sprintf("request %d: %v", e.Index, e.Err) }
func (e *BatchError) Unwrap() error { return e.Err }

// Submit validates requests, stores them Pending and enqueues their
// verification jobs in one transaction: every request is accepted or none
// is. groupID ("" for none) ties a batch together (Laboremus
// multipleReferenceId). Errors: a *BatchError wrapping the first refused
// request's error (see verify.Service.Pending), EPAYMENTREQ when the wallet
// cannot pay for the whole batch.
func (r *Runner) Submit(ctx context.Context, p *idgate.Principal, reqs []idgate.VerificationRequest, groupID string) ([]*idgate.Verification, error) {
	vs := make([]*idgate.Verification, len(reqs))
	audits := make([]*idgate.AuditEntry, len(reqs))
	for i := range reqs {
		v, a, err := r.svc.Pending(ctx, p, reqs[i])
		if err != nil {
			return nil, &BatchError{Index: i, Err: err}
		}
		v.GroupID = groupID
		vs[i], audits[i] = v, a
	}
	params := make([]river.InsertManyParams, len(vs))
	for i, v := range vs {
		params[i] = river.InsertManyParams{
			Args:       VerifyUgandaCardArgs{VerificationID: v.ID, TenantID: v.TenantID},
			InsertOpts: &river.InsertOpts{Queue: QueueVerify, MaxAttempts: r.cfg.VerifyMaxAttempts},
		}
	}
	err := r.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for i, v := range vs {
			if err := r.store.CreateVerificationTx(ctx, tx, v, audits[i]); err != nil {
				return err
			}
		}
		if _, err := r.client.InsertManyTx(ctx, tx, params); err != nil {
			return fmt.Errorf("jobs: enqueue verifications: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return vs, nil
}

type verifyWorker struct {
	river.WorkerDefaults[VerifyUgandaCardArgs]
	r *Runner
}

func (w *verifyWorker) NextRetry(job *river.Job[VerifyUgandaCardArgs]) time.Time {
	return time.Now().Add(backoff(job.Attempt, w.r.cfg.RetryBase, w.r.cfg.RetryMax))
}

// Work submits the request to the registry, scores the answer and finishes
// the verification. A registry that cannot answer makes the attempt fail,
// so River retries it with backoff; the request stays Pending meanwhile.
func (w *verifyWorker) Work(ctx context.Context, job *river.Job[VerifyUgandaCardArgs]) error {
	r := w.r
	v, err := r.store.Verification(ctx, job.Args.TenantID, job.Args.VerificationID)
	if err != nil {
		if idgate.ErrorCode(err) == idgate.ENOTFOUND {
			return river.JobCancel(fmt.Errorf("verification %s: %w", job.Args.VerificationID, err))
		}
		return fmt.Errorf("load verification: %w", err)
	}
	if v.Status != idgate.StatusPending {
		return nil
	}
	if v.SubmittedAt == nil {
		if err := r.markSubmitted(ctx, v); err != nil {
			return err
		}
		if v.SubmittedAt == nil {
			// Another worker marked it meanwhile; keep a time rather than
			// erase theirs when this one finishes.
			now := r.cfg.Now().UTC()
			v.SubmittedAt = &now
		}
	}
	res, err := r.svc.Check(ctx, &v.Request)
	if err != nil {
		lastAttempt := job.Attempt >= job.MaxAttempts
		if !lastAttempt {
			return fmt.Errorf("registry: %w", err)
		}
		code := CodeInternal
		if idgate.ErrorCode(err) == idgate.EUNAVAILABLE || errors.Is(err, context.DeadlineExceeded) {
			code = CodeRegistryUnavailable
		}
		r.log.Warn("jobs: verification failed after its last attempt", "verification", v.ID, "attempts", job.Attempt, "code", code, "err", err)
		res = &idgate.Result{Outcome: idgate.OutcomeRegistryError, ErrorCode: code, ErrorMessage: failureMessage(code)}
		return r.finish(ctx, job, v, res, false)
	}
	return r.finish(ctx, job, v, res, true)
}

func failureMessage(code string) string {
	if code == CodeRegistryUnavailable {
		return "NIRA did not answer; the request was retried until it expired"
	}
	return "the request could not be processed"
}

// markSubmitted records when the request went to the registry. It is
// conditional like every state change, so a second worker cannot move it.
// submitted_at is a clear column (the sealed part holds only the request
// and its result), so nothing needs resealing.
func (r *Runner) markSubmitted(ctx context.Context, v *idgate.Verification) error {
	now := r.cfg.Now().UTC()
	return r.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, r.rebind(`UPDATE verifications SET submitted_at = ?
			WHERE id = ? AND status = 'pending' AND submitted_at IS NULL`), now.UnixNano(), v.ID)
		if err != nil {
			return fmt.Errorf("jobs: mark submitted: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 1 {
			v.SubmittedAt = &now
		}
		return nil
	})
}

// finish stores the answer, enqueues the webhook deliveries and completes
// the job, all in one transaction. answered says whether the registry
// answered (receivedFromNira).
func (r *Runner) finish(ctx context.Context, job *river.Job[VerifyUgandaCardArgs], v *idgate.Verification, res *idgate.Result, answered bool) error {
	now := r.cfg.Now().UTC()
	if answered {
		v.ReceivedAt = &now
	}
	settle(res)
	v.Result = res
	v.Status = idgate.StatusCompleted
	event := EventCompleted
	if res.Outcome == idgate.OutcomeRegistryError {
		v.Status = idgate.StatusFailed
		event = EventFailed
	}
	v.UpdatedAt = now
	var finished bool
	err := r.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		claimed, err := r.claim(ctx, tx, v)
		if err != nil {
			return err
		}
		if claimed {
			if err := r.store.UpdateVerificationTx(ctx, tx, v, finishAudit(v, now)); err != nil {
				return err
			}
			if err := r.enqueueWebhooks(ctx, tx, v, event, now); err != nil {
				return err
			}
		}
		finished = claimed
		return completeTx(ctx, r.store.Engine(), tx, job)
	})
	if err != nil {
		return err
	}
	if finished && r.onEvent != nil {
		r.onEvent(Event{Type: event, VerificationID: v.ID, TenantID: v.TenantID})
	}
	return nil
}

// claim moves the verification out of Pending if, and only if, it still is.
func (r *Runner) claim(ctx context.Context, tx *sql.Tx, v *idgate.Verification) (bool, error) {
	res, err := tx.ExecContext(ctx, r.rebind(`UPDATE verifications SET status = ?, updated_at = ?
		WHERE id = ? AND status = 'pending'`), string(v.Status), v.UpdatedAt.UnixNano(), v.ID)
	if err != nil {
		return false, fmt.Errorf("jobs: claim verification: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("jobs: claim verification: %w", err)
	}
	return n == 1, nil
}

func (r *Runner) rebind(q string) string {
	if r.store.Engine() != sqlstore.EnginePostgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// settle turns a registry answer about a card into its outcome: a record
// whose card has expired is OutcomeExpired.
func settle(res *idgate.Result) {
	if res.Outcome != idgate.OutcomeFound || res.Record == nil || res.Record.UG == nil {
		return
	}
	if strings.EqualFold(res.Record.UG.CardStatus, "Expired") {
		res.Outcome = idgate.OutcomeExpired
	}
}

func finishAudit(v *idgate.Verification, now time.Time) *idgate.AuditEntry {
	return &idgate.AuditEntry{
		Time:         now,
		TenantID:     v.TenantID,
		CredentialID: v.CredentialID,
		Actor:        "worker",
		Action:       "verification.complete",
		Subject:      v.ID,
		Reason:       v.Request.Reason,
		Consent:      v.Request.Consent,
		Outcome:      string(v.Result.Outcome),
	}
}

// CardCheck is idgate's verdict on a Uganda card request against the NIRA
// record: what NIRA's matchingStatus says.
type CardCheck struct {
	Answered   bool     // NIRA returned a record
	Matching   bool     // every detail given matches the record
	CardStatus string   // the card's status at NIRA ("Valid", "Expired"…), "" without a record
	NINStatus  string   // the NIN's status at NIRA ("Active"…), "" without a record
	Mismatches []string // the request fields that did not match, in domain names
}

// CheckCard judges a finished Uganda verification: names (through the
// scorer's threshold), birth date and card number must all match, and an
// expired card never matches.
func CheckCard(v *idgate.Verification) CardCheck {
	res := v.Result
	if res == nil || res.Record == nil {
		return CardCheck{}
	}
	c := CardCheck{Answered: true}
	rec := res.Record
	if rec.UG != nil {
		c.CardStatus, c.NINStatus = rec.UG.CardStatus, rec.UG.NINStatus
	}
	if ns := res.Names; ns != nil {
		if ns.LastName < ns.Threshold {
			c.Mismatches = append(c.Mismatches, "lastName")
		}
		if ns.FirstNames < ns.Threshold {
			c.Mismatches = append(c.Mismatches, "firstNames")
		}
		if ns.MiddleName != nil && *ns.MiddleName < ns.Threshold {
			c.Mismatches = append(c.Mismatches, "middleName")
		}
		if ns.BirthDateMatch != nil && !*ns.BirthDateMatch {
			c.Mismatches = append(c.Mismatches, "birthDate")
		}
	} else {
		c.Mismatches = append(c.Mismatches, "names")
	}
	card := CardOf(&v.Request)
	if rec.UG == nil || card.CardNumber != rec.UG.CardNumber {
		c.Mismatches = append(c.Mismatches, "cardNumber")
	}
	c.Matching = len(c.Mismatches) == 0 && res.Outcome == idgate.OutcomeFound
	return c
}
