package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/idgate/idgate"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// constraint names the kind of integrity violation err is, or "".
func constraint(err error) string {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return "unique"
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return "foreign_key"
		case sqlite3.SQLITE_CONSTRAINT_CHECK:
			return "check"
		}
		return ""
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return "unique"
		case "23503":
			return "foreign_key"
		case "23514":
			return "check"
		}
	}
	return ""
}

// dbError wraps a database error with what was being done. Unique
// violations become ECONFLICT and foreign-key violations ENOTFOUND (the
// referenced tenant does not exist); anything else stays internal.
func dbError(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	var ie *idgate.Error
	if errors.As(err, &ie) {
		return err
	}
	what := fmt.Sprintf(format, args...)
	switch constraint(err) {
	case "unique":
		return &idgate.Error{Code: idgate.ECONFLICT, Message: what + ": already exists", Err: err}
	case "foreign_key":
		return &idgate.Error{Code: idgate.ENOTFOUND, Message: what + ": tenant not found", Err: err}
	}
	return fmt.Errorf("sqlstore: %s: %w", what, err)
}

// notFound maps sql.ErrNoRows to ENOTFOUND with msg, other errors to
// dbError.
func notFound(err error, msg string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return idgate.Errorf(idgate.ENOTFOUND, "%s", msg)
	}
	return dbError(err, "%s", msg)
}
