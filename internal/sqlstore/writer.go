package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/idgate/idgate"
)

// maxBatch bounds how many operations one group commit holds, so one
// batch's latency stays short under a flood.
const maxBatch = 256

// writeOp is one write operation waiting for the writer.
type writeOp struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	done chan error
	// alone marks an operation that runs outside the batch transaction
	// with the writer paused (tx is nil), e.g. migrations.
	alone bool
}

// writer runs every write operation on one goroutine and commits the
// operations that queued up meanwhile in one transaction (group commit):
// one commit, and with synchronous=FULL one fsync, for many operations.
// Each operation runs under its own SAVEPOINT so that its failure rolls back
// only its own changes; every caller waits for the commit's outcome.
type writer struct {
	db    *sql.DB
	stmts *stmtCache // nil on PostgreSQL
	// flushAudit writes the batch's audit entries before commit.
	flushAudit func(ctx context.Context, tx *sql.Tx, entries []*idgate.AuditEntry) error
	cur        *batchState // the open batch; only the writer goroutine uses it
	log        *slog.Logger
	ops        chan *writeOp
	quit       chan struct{}
	wg         sync.WaitGroup
	once       sync.Once
	mu         sync.RWMutex // guards closed against sends racing close
	shut       bool
}

func newWriter(db *sql.DB, stmts *stmtCache, flushAudit func(context.Context, *sql.Tx, []*idgate.AuditEntry) error, log *slog.Logger) *writer {
	w := &writer{db: db, stmts: stmts, flushAudit: flushAudit, log: log, ops: make(chan *writeOp, maxBatch), quit: make(chan struct{})}
	w.wg.Add(1)
	go w.loop()
	return w
}

var errClosed = errors.New("sqlstore: store is closed")

var donePool = sync.Pool{New: func() any { return make(chan error, 1) }}

// do runs fn in the writer's transaction and returns its error, or the
// commit's.
func (w *writer) do(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return w.submit(ctx, &writeOp{ctx: ctx, fn: fn})
}

// exclusive runs fn on the writer goroutine between batches, with no
// transaction open, so fn may use the writer's connection itself.
func (w *writer) exclusive(ctx context.Context, fn func(ctx context.Context) error) error {
	return w.submit(ctx, &writeOp{ctx: ctx, fn: func(ctx context.Context, _ *sql.Tx) error { return fn(ctx) }, alone: true})
}

func (w *writer) submit(ctx context.Context, op *writeOp) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	op.done = donePool.Get().(chan error)
	w.mu.RLock()
	if w.shut {
		w.mu.RUnlock()
		return errClosed
	}
	select {
	case w.ops <- op:
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	w.mu.RUnlock()
	// Once queued the operation always runs to a result: leaving early
	// would let the caller believe it failed when it may commit.
	err := <-op.done
	donePool.Put(op.done)
	return err
}

func (w *writer) close() {
	w.once.Do(func() {
		w.mu.Lock()
		w.shut = true
		w.mu.Unlock()
		close(w.quit)
		w.wg.Wait()
	})
}

func (w *writer) loop() {
	defer w.wg.Done()
	batch := make([]*writeOp, 0, maxBatch)
	for {
		select {
		case op := <-w.ops:
			batch = append(batch[:0], op)
		case <-w.quit:
			// Finish what was queued before close.
			for {
				select {
				case op := <-w.ops:
					w.run([]*writeOp{op})
				default:
					return
				}
			}
		}
	drain:
		for len(batch) < maxBatch {
			select {
			case op := <-w.ops:
				batch = append(batch, op)
			default:
				break drain
			}
		}
		w.run(batch)
		clear(batch)
		if w.stmts != nil && w.stmts.pending() {
			w.stmts.prepareWanted(context.Background())
		}
	}
}

// run executes a batch in one transaction and reports each op's result.
func (w *writer) run(batch []*writeOp) {
	errs := make([]error, len(batch))
	start := 0
	for i, op := range batch {
		if !op.alone {
			continue
		}
		if i > start {
			w.runTx(batch[start:i], errs[start:i])
		}
		if errs[i] = op.ctx.Err(); errs[i] == nil {
			errs[i] = op.fn(op.ctx, nil)
		}
		start = i + 1
	}
	if start < len(batch) {
		w.runTx(batch[start:], errs[start:])
	}
	for i, op := range batch {
		op.done <- errs[i]
	}
}

// failAll sets err on every op that has no error yet.
func failAll(errs []error, err error) {
	for i := range errs {
		if errs[i] == nil {
			errs[i] = err
		}
	}
}

// batchState is what the writer keeps for the open batch transaction: the
// audit entries its ops appended, chained and written just before commit.
type batchState struct {
	tx    *sql.Tx
	audit []*idgate.AuditEntry
}

// batch returns the state of the writer's open transaction if tx is it.
// Only the writer goroutine calls it, from inside an op.
func (w *writer) batch(tx *sql.Tx) *batchState {
	if w == nil || w.cur == nil || w.cur.tx != tx {
		return nil
	}
	return w.cur
}

// runTx commits a batch. It first runs every op without savepoints (each
// savepoint costs two statements, and on PostgreSQL two round trips); if
// an op fails, it rolls everything back and runs the batch again with a
// savepoint per op, so only the failing op is undone. Ops may therefore run
// twice; they only touch the transaction and their own results.
func (w *writer) runTx(batch []*writeOp, errs []error) {
	if len(batch) > 1 && !w.attempt(batch, errs, false) {
		clear(errs)
		w.attempt(batch, errs, true)
		return
	}
	if len(batch) == 1 {
		w.attempt(batch, errs, false)
	}
}

// attempt runs the batch in one transaction. Without isolate it gives up
// (rolls back and returns false) at the first failing op of a batch of
// several.
func (w *writer) attempt(batch []*writeOp, errs []error, isolate bool) (done bool) {
	// The transaction must not die with one caller's context; callers that
	// gave up before their turn are skipped below.
	tx, err := w.db.BeginTx(context.Background(), nil)
	if err != nil {
		failAll(errs, fmt.Errorf("sqlstore: begin: %w", err))
		return true
	}
	state := &batchState{tx: tx}
	w.cur = state
	defer func() {
		w.cur = nil
		if r := recover(); r != nil {
			w.log.Error("sqlstore: writer panic", "panic", fmt.Sprint(r))
			_ = tx.Rollback()
			failAll(errs, fmt.Errorf("sqlstore: writer panic: %v", r))
			done = true
		}
	}()
	ok := 0
	for i, op := range batch {
		if err := op.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		ctx := context.WithoutCancel(op.ctx)
		if isolate {
			before := *state
			var fatal error
			errs[i], fatal = savepoint(ctx, w.stmts, tx, op.fn)
			if fatal != nil {
				// The transaction is in an unknown state: fail the whole
				// batch rather than commit half an operation.
				_ = tx.Rollback()
				failAll(errs, fatal)
				return true
			}
			if errs[i] != nil {
				*state = before
			}
		} else {
			errs[i] = op.fn(ctx, tx)
			if errs[i] != nil && len(batch) > 1 {
				_ = tx.Rollback()
				return false
			}
		}
		if errs[i] == nil {
			ok++
		}
	}
	if ok == 0 {
		if err := tx.Rollback(); err != nil {
			w.log.Error("sqlstore: rollback", "err", err)
		}
		return true
	}
	if err := w.flushAudit(context.Background(), tx, state.audit); err != nil {
		_ = tx.Rollback()
		failAll(errs, fmt.Errorf("sqlstore: write audit entries: %w", err))
		return true
	}
	if err := tx.Commit(); err != nil {
		failAll(errs, fmt.Errorf("sqlstore: commit: %w", err))
	}
	return true
}

// savepoint runs fn under a savepoint and undoes its changes when it fails.
// fatal reports a failure of the savepoint statements themselves.
func savepoint(ctx context.Context, stmts *stmtCache, tx *sql.Tx, fn func(context.Context, *sql.Tx) error) (opErr, fatal error) {
	if _, err := execIn(ctx, stmts, tx, "SAVEPOINT op"); err != nil {
		return nil, fmt.Errorf("sqlstore: savepoint: %w", err)
	}
	opErr = fn(ctx, tx)
	if opErr != nil {
		if _, err := execIn(ctx, stmts, tx, "ROLLBACK TO SAVEPOINT op"); err != nil {
			return opErr, fmt.Errorf("sqlstore: rollback to savepoint: %w", err)
		}
	}
	if _, err := execIn(ctx, stmts, tx, "RELEASE SAVEPOINT op"); err != nil {
		return opErr, fmt.Errorf("sqlstore: release savepoint: %w", err)
	}
	return opErr, nil
}
