package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps statements prepared on SQLite's writer connection.
// Parsing SQL is a third of the writer's time otherwise, and the writer
// goroutine is SQLite's bottleneck. (pgx caches prepared statements per
// connection itself.)
//
// The writer's only connection is held by the open transaction while ops
// run, so a statement cannot be prepared on first use: a miss runs the
// query unprepared and queues it, and the writer prepares the queue between
// batches, when the connection is free.
type stmtCache struct {
	db     *sql.DB
	mu     sync.Mutex
	m      map[string]*sql.Stmt
	wanted map[string]bool
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// in returns query's prepared statement bound to tx, or nil when it is not
// prepared yet.
func (c *stmtCache) in(ctx context.Context, tx *sql.Tx, query string) *sql.Stmt {
	c.mu.Lock()
	st, ok := c.m[query]
	if !ok && c.m != nil {
		c.wanted[query] = true
	}
	c.mu.Unlock()
	if !ok {
		return nil
	}
	return tx.StmtContext(ctx, st)
}

// prepareWanted prepares the queued queries; called with no transaction
// open. A query that fails to prepare is dropped and keeps running
// unprepared (its error surfaces there).
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for q := range c.wanted {
		delete(c.wanted, q)
		if st, err := c.db.PrepareContext(ctx, q); err == nil {
			c.m[q] = st
		}
	}
}

func (c *stmtCache) pending() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.wanted) > 0
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// txExec runs a write statement (written with `?`) in tx.
func (s *Store) txExec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	return execIn(ctx, s.stmts, tx, s.q(query), args...)
}

// txQueryRow runs a one-row query (written with `?`) in tx.
func (s *Store) txQueryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if s.stmts == nil {
		return tx.QueryRowContext(ctx, s.q(query), args...)
	}
	if st := s.stmts.in(ctx, tx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

func execIn(ctx context.Context, c *stmtCache, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if c != nil {
		if st := c.in(ctx, tx, query); st != nil {
			return st.ExecContext(ctx, args...)
		}
	}
	return tx.ExecContext(ctx, query, args...)
}

// readStmts keeps hot read queries prepared on SQLite's reader pool
// (database/sql re-prepares a statement on each pool connection as
// needed); SQL parsing otherwise costs as much as the lookup itself.
type readStmts struct {
	m sync.Map // query → *sql.Stmt
}

// readRow runs a one-row read query (written with `?`).
func (s *Store) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if s.readPrepared == nil {
		return s.read.QueryRowContext(ctx, s.q(query), args...)
	}
	if st, ok := s.readPrepared.m.Load(query); ok {
		return st.(*sql.Stmt).QueryRowContext(ctx, args...)
	}
	st, err := s.read.PrepareContext(ctx, query)
	if err != nil {
		return s.read.QueryRowContext(ctx, query, args...) // its error surfaces on Scan
	}
	if prev, loaded := s.readPrepared.m.LoadOrStore(query, st); loaded {
		st.Close()
		st = prev.(*sql.Stmt)
	}
	return st.QueryRowContext(ctx, args...)
}

// readRows runs a read query (written with `?`), prepared on SQLite.
func (s *Store) readRows(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s.readPrepared == nil {
		return s.read.QueryContext(ctx, s.q(query), args...)
	}
	st, ok := s.readPrepared.m.Load(query)
	if !ok {
		prepared, err := s.read.PrepareContext(ctx, query)
		if err != nil {
			return nil, err
		}
		if st, ok = s.readPrepared.m.LoadOrStore(query, prepared); ok {
			prepared.Close()
		} else {
			st = prepared
		}
	}
	return st.(*sql.Stmt).QueryContext(ctx, args...)
}

func (r *readStmts) close() {
	r.m.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
}
