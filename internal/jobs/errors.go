package jobs

import (
	"context"
	"log/slog"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

type riverRow = rivertype.JobRow

// errorHandler logs failed attempts by job id and kind. Job errors name
// verifications by id only, so the log holds no PII.
type errorHandler struct{ log *slog.Logger }

func (h *errorHandler) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	h.log.Warn("jobs: attempt failed", "job", job.ID, "kind", job.Kind, "attempt", job.Attempt, "err", err)
	return nil
}

func (h *errorHandler) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	h.log.Error("jobs: worker panic", "job", job.ID, "kind", job.Kind, "panic", panicVal, "trace", trace)
	return nil
}
