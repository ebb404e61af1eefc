package dashboard

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/idgate/idgate/internal/jobs"
	"github.com/idgate/idgate/internal/sqlstore"
)

// TxStore runs a function in one of the store's transactions
// (sqlstore.Store.InTx): on SQLite every write must go through the
// store's writer, River's inserts included.
type TxStore interface {
	InTx(ctx context.Context, fn func(*sql.Tx) error) error
}

// RiverReplay returns a ReplayFunc that queues a logged delivery's event
// again for the same webhook on the job runner's River client
// (jobs.Runner.Client()). The replay keeps the event id, so a receiver
// that de-duplicates by id sees the same event; the worker renders the
// body from the stored verification as on the first attempt.
// maxAttempts <= 0 takes River's default.
func RiverReplay(st TxStore, client *river.Client[*sql.Tx], maxAttempts int) ReplayFunc {
	return func(ctx context.Context, d *sqlstore.WebhookDelivery) error {
		args := jobs.DeliverWebhookArgs{
			WebhookID: d.WebhookID, TenantID: d.TenantID, VerificationID: d.VerificationID,
			EventID: d.EventID, EventType: d.EventType, OccurredAt: d.AttemptedAt,
		}
		opts := &river.InsertOpts{Queue: jobs.QueueWebhooks, MaxAttempts: maxAttempts}
		return st.InTx(ctx, func(tx *sql.Tx) error {
			if _, err := client.InsertTx(ctx, tx, args, opts); err != nil {
				return fmt.Errorf("queue webhook replay: %w", err)
			}
			return nil
		})
	}
}
