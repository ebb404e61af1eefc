package sqlstore

import (
	"context"
	"fmt"
)

// Maintain does the periodic housekeeping SQLite needs and PostgreSQL's
// autovacuum does by itself: it checkpoints the WAL into the database file
// and truncates it (a busy server's WAL otherwise only grows while readers
// keep old pages alive) and lets SQLite refresh its query-planner
// statistics. It runs on the writer between batches; call it from a
// daily timer.
func (s *Store) Maintain(ctx context.Context) error {
	if s.engine != EngineSQLite {
		return nil
	}
	return s.w.exclusive(ctx, func(ctx context.Context) error {
		// optimize may write statistics, so it goes before the checkpoint.
		if _, err := s.write.ExecContext(ctx, "PRAGMA optimize"); err != nil {
			return fmt.Errorf("sqlstore: optimize: %w", err)
		}
		var busy, logPages, checkpointed int
		if err := s.write.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logPages, &checkpointed); err != nil {
			return fmt.Errorf("sqlstore: wal checkpoint: %w", err)
		}
		if busy != 0 {
			s.log.Warn("sqlstore: WAL checkpoint could not finish; readers were active", "wal_pages", logPages, "checkpointed", checkpointed)
		}
		return nil
	})
}
