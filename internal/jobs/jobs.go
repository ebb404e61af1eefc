// Package jobs runs idgate's background work on River (riverqueue), in the
// same database as the store: asynchronous Uganda card verifications
// (VerifyUgandaCard) and signed webhook deliveries (DeliverWebhook).
//
// Both engines go through database/sql on the store's own *sql.DB (River's
// riversqlite and riverdatabasesql drivers), so a job is inserted in the
// transaction that stores the verification, and a worker completes its job
// in the transaction that records the answer (river.JobCompleteTx): a
// request is never stored without its job, and never answered twice.
//
// Exactly once: the worker's state change is conditional (UPDATE … WHERE
// status = 'pending'), so even a job that River runs twice — a rescued job
// whose first run was in fact still alive on another replica — completes
// its verification once, fires its webhooks once and writes one audit entry.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/verify"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// Queues. Webhook deliveries have their own so that a slow receiver never
// holds up verifications.
const (
	QueueVerify   = "verify"
	QueueWebhooks = "webhooks"
)

// Store is what the jobs need of the store: internal/sqlstore.Store.
type Store interface {
	idgate.Store
	DB() *sql.DB
	Engine() string
	InTx(ctx context.Context, fn func(*sql.Tx) error) error
	CreateVerificationTx(ctx context.Context, tx *sql.Tx, v *idgate.Verification, audit *idgate.AuditEntry) error
	UpdateVerificationTx(ctx context.Context, tx *sql.Tx, v *idgate.Verification, audit *idgate.AuditEntry) error
	WebhooksTx(ctx context.Context, tx *sql.Tx, tenantID string) ([]*sqlstore.Webhook, error)
	RecordWebhookDelivery(ctx context.Context, d *sqlstore.WebhookDelivery) error
	RecordWebhookDeliveryTx(ctx context.Context, tx *sql.Tx, d *sqlstore.WebhookDelivery) error
	Webhook(ctx context.Context, tenantID, id string) (*sqlstore.Webhook, error)
}

var _ Store = (*sqlstore.Store)(nil)

// Config tunes the runner. Zero values take the defaults in brackets.
type Config struct {
	VerifyWorkers  int // concurrent verifications per process [50]
	WebhookWorkers int // concurrent webhook deliveries per process [20]
	// JobTimeout bounds one attempt of a job [30s]: a registry that has
	// not answered by then is treated as down for that attempt.
	JobTimeout time.Duration
	// RescueAfter is how long a job may stay running before River takes
	// it for dead and retries it (harmless if it was alive: finishing is
	// conditional). It must exceed JobTimeout [JobTimeout + 15s]. It is the
	// fallback: on PostgreSQL the jobs of a replica whose heartbeat
	// stopped are retried about 20 s after it died (liveness.go); on
	// SQLite, which has one process by design, jobs left running by a
	// killed process are put back at start-up.
	RescueAfter time.Duration
	// PollInterval is how often idle workers look for new jobs [200ms].
	PollInterval time.Duration

	// VerifyMaxAttempts is how often a registry outage is retried before
	// the request fails with REGISTRY_UNAVAILABLE [25, about 3½ hours].
	VerifyMaxAttempts int
	// RetryBase and RetryMax shape the exponential backoff between
	// attempts: RetryBase·2^(attempt-1), ±10% jitter, at most RetryMax
	// [2s, 10m].
	RetryBase, RetryMax time.Duration

	// WebhookMaxAttempts is how often a delivery is tried [12, about 9
	// hours with the webhook backoff].
	WebhookMaxAttempts int
	// WebhookRetryBase and WebhookRetryMax shape the delivery backoff
	// [10s, 2h].
	WebhookRetryBase, WebhookRetryMax time.Duration
	// WebhookTimeout bounds one delivery request [10s].
	WebhookTimeout time.Duration
	// HTTPClient sends webhook deliveries [a client with WebhookTimeout
	// that does not follow redirects].
	HTTPClient *http.Client

	// ObserveDelivery, when set, is told each webhook delivery attempt's
	// result (DeliveryDelivered, DeliveryFailed, DeliveryGaveUp): metrics.
	ObserveDelivery func(result string)

	Logger *slog.Logger
	Now    idgate.Clock
}

func (c *Config) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	defInt := func(n *int, v int) {
		if *n <= 0 {
			*n = v
		}
	}
	defInt(&c.VerifyWorkers, 50)
	defInt(&c.WebhookWorkers, 20)
	def(&c.JobTimeout, 30*time.Second)
	def(&c.RescueAfter, c.JobTimeout+15*time.Second)
	if c.RescueAfter <= c.JobTimeout {
		c.RescueAfter = c.JobTimeout + time.Second
	}
	def(&c.PollInterval, 200*time.Millisecond)
	defInt(&c.VerifyMaxAttempts, 25)
	def(&c.RetryBase, 2*time.Second)
	def(&c.RetryMax, 10*time.Minute)
	defInt(&c.WebhookMaxAttempts, 12)
	def(&c.WebhookRetryBase, 10*time.Second)
	def(&c.WebhookRetryMax, 2*time.Hour)
	def(&c.WebhookTimeout, 10*time.Second)
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{
			Timeout: c.WebhookTimeout,
			// A redirect would send the signed body somewhere the tenant
			// did not register.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Runner owns the River client: it enqueues jobs and runs the workers.
type Runner struct {
	store   Store
	svc     *verify.Service
	cfg     Config
	client  *river.Client[*sql.Tx]
	log     *slog.Logger
	encode  map[idgate.Dialect]Encoder
	onEvent func(Event) // test hook, called after a verification is finished

	clientID     string
	stopLiveness context.CancelFunc
	livenessDone chan struct{}
}

// Encoder renders a finished verification as the data of a webhook event,
// in the shape of the dialect the request came through.
type Encoder func(v *idgate.Verification) any

// New migrates River's tables and builds a runner over store. Call Start to
// work jobs; a runner that is never started can still enqueue them (for
// another process to work).
func New(ctx context.Context, store Store, svc *verify.Service, cfg Config) (*Runner, error) {
	cfg.setDefaults()
	r := &Runner{store: store, svc: svc, cfg: cfg, log: cfg.Logger, encode: map[idgate.Dialect]Encoder{}, clientID: newClientID()}
	if err := r.migrate(ctx); err != nil {
		return nil, err
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &verifyWorker{r: r})
	river.AddWorker(workers, &webhookWorker{r: r})
	client, err := river.NewClient(r.driver(), &river.Config{
		Queues: map[string]river.QueueConfig{
			QueueVerify:   {MaxWorkers: cfg.VerifyWorkers},
			QueueWebhooks: {MaxWorkers: cfg.WebhookWorkers},
		},
		ID:                   r.clientID,
		Workers:              workers,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        min(cfg.PollInterval, 50*time.Millisecond),
		// database/sql has no LISTEN; on SQLite there is nothing to listen to.
		PollOnly:     true,
		Logger:       quietRiver(cfg.Logger),
		RetryPolicy:  backoffPolicy{base: cfg.RetryBase, max: cfg.RetryMax},
		ErrorHandler: &errorHandler{log: cfg.Logger},
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	r.client = client
	return r, nil
}

// SetEncoder registers how webhook events render verifications of a dialect.
func (r *Runner) SetEncoder(d idgate.Dialect, e Encoder) { r.encode[d] = e }

func (r *Runner) driver() riverdriver.Driver[*sql.Tx] {
	if r.store.Engine() == sqlstore.EnginePostgres {
		return riverdatabasesql.New(r.store.DB())
	}
	return riversqlite.New(r.store.DB())
}

// migrate brings River's own tables up to date: riverqueue ships its
// schema per driver, applied here at start-up on both engines.
func (r *Runner) migrate(ctx context.Context) error {
	m, err := rivermigrate.New(r.driver(), &rivermigrate.Config{Logger: quietRiver(r.log)})
	if err != nil {
		return fmt.Errorf("jobs: river migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: river migrations: %w", err)
	}
	return nil
}

// Start rescues what a killed process left running — at once on SQLite,
// through the replicas' heartbeats on PostgreSQL (see liveness.go) — and
// starts the workers.
func (r *Runner) Start(ctx context.Context) error {
	switch r.store.Engine() {
	case sqlstore.EngineSQLite:
		if err := r.rescueOrphans(ctx); err != nil {
			return err
		}
	case sqlstore.EnginePostgres:
		if err := r.heartbeat(ctx); err != nil {
			return fmt.Errorf("jobs: heartbeat: %w", err)
		}
		var lctx context.Context
		lctx, r.stopLiveness = context.WithCancel(context.WithoutCancel(ctx))
		r.livenessDone = make(chan struct{})
		go r.watchLiveness(lctx)
	}
	if err := r.client.Start(ctx); err != nil {
		r.haltLiveness()
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// rescueOrphans makes jobs left running by a previous process available
// again. SQLite is served by one process, so before this one starts work
// any running job belongs to a process that is gone; waiting for River's
// rescuer (RescueAfter) would only delay those requests. The work is safe
// to repeat (see the package comment).
func (r *Runner) rescueOrphans(ctx context.Context) error {
	return r.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE river_job SET state = 'available' WHERE state = 'running'`)
		if err != nil {
			return fmt.Errorf("jobs: rescue orphaned jobs: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			r.log.Info("jobs: rescued jobs left running by a previous process", "jobs", n)
		}
		return nil
	})
}

// inTx runs fn in a store transaction. fn's context keeps the caller's
// values (River's client, for JobCompleteTx) but not its cancellation: the
// transaction is shared with other writers (group commit) and must not be
// cut short by one caller giving up.
func (r *Runner) inTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return r.store.InTx(ctx, func(tx *sql.Tx) error { return fn(context.WithoutCancel(ctx), tx) })
}

// Stop lets running jobs finish (until ctx ends) and stops the workers.
func (r *Runner) Stop(ctx context.Context) error {
	if err := r.client.Stop(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	if r.haltLiveness() {
		if err := r.forget(ctx); err != nil {
			return fmt.Errorf("jobs: stop: %w", err)
		}
	}
	return nil
}

// haltLiveness stops the heartbeat loop, reporting whether it ran.
func (r *Runner) haltLiveness() bool {
	if r.stopLiveness == nil {
		return false
	}
	r.stopLiveness()
	<-r.livenessDone
	r.stopLiveness = nil
	return true
}

// Client returns the River client, for operator tooling.
func (r *Runner) Client() *river.Client[*sql.Tx] { return r.client }

// completeTx completes job in tx, with the driver the client was built on.
func completeTx[T river.JobArgs](ctx context.Context, engine string, tx *sql.Tx, job *river.Job[T]) error {
	var err error
	if engine == sqlstore.EnginePostgres {
		_, err = river.JobCompleteTx[*riverdatabasesql.Driver](ctx, tx, job)
	} else {
		_, err = river.JobCompleteTx[*riversqlite.Driver](ctx, tx, job)
	}
	if err != nil {
		return fmt.Errorf("jobs: complete job %d: %w", job.ID, err)
	}
	return nil
}

// backoff is base·2^(attempt-1) with ±10% jitter, capped at max.
func backoff(attempt int, base, limit time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	jitter := time.Duration(rand.Int64N(int64(d)/5+1)) - d/10
	return d + jitter
}

// backoffPolicy is the client-wide retry policy (workers may override it).
type backoffPolicy struct{ base, max time.Duration }

func (p backoffPolicy) NextRetry(job *riverRow) time.Time {
	return time.Now().Add(backoff(job.Attempt, p.base, p.max))
}

// quietRiver keeps River's own logs at warnings and above.
func quietRiver(l *slog.Logger) *slog.Logger {
	return slog.New(levelFilter{h: l.Handler(), min: slog.LevelWarn})
}

type levelFilter struct {
	h   slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.h.Enabled(ctx, l)
}
func (f levelFilter) Handle(ctx context.Context, r slog.Record) error { return f.h.Handle(ctx, r) }
func (f levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{h: f.h.WithAttrs(a), min: f.min}
}
func (f levelFilter) WithGroup(n string) slog.Handler {
	return levelFilter{h: f.h.WithGroup(n), min: f.min}
}
