package idgate

import (
	"context"
	"time"
)

// Admin is an operator who signs in to the dashboard. Admins are not
// tenants' users: they see every tenant. PasswordHash is a PHC-format
// argon2id string ("$argon2id$v=19$m=…,t=…,p=…$salt$hash"), never the
// password.
type Admin struct {
	ID           string
	Email        string // normalised to lower case; unique
	PasswordHash string
	CreatedAt    time.Time
	DisabledAt   *time.Time
}

// Active reports whether the admin may sign in.
func (a *Admin) Active() bool { return a.DisabledAt == nil }

// AdminSession is a signed-in dashboard session. The browser holds a random
// token; the store keeps only its SHA-256 (TokenHash), so a copy of the
// database does not let anyone sign in. CSRFToken is the synchronizer token
// every form of the session must echo.
type AdminSession struct {
	TokenHash []byte
	AdminID   string
	CSRFToken string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// AdminStore keeps dashboard admins and their sessions.
type AdminStore interface {
	// CreateAdmin stores a (ID, Email and PasswordHash set) with audit.
	// Errors: ECONFLICT when the email is taken.
	CreateAdmin(ctx context.Context, a *Admin, audit *AuditEntry) error
	// SetAdminPassword replaces an admin's password hash and ends all of
	// the admin's sessions, with audit. Errors: ENOTFOUND.
	SetAdminPassword(ctx context.Context, id, passwordHash string, audit *AuditEntry) error
	// SetAdminDisabled disables an admin at `at` (ending all of the
	// admin's sessions) or, with a nil at, enables it again, with audit.
	// Errors: ENOTFOUND.
	SetAdminDisabled(ctx context.Context, id string, at *time.Time, audit *AuditEntry) error
	// AdminByEmail returns the admin with that (case-insensitive) email.
	// Errors: ENOTFOUND.
	AdminByEmail(ctx context.Context, email string) (*Admin, error)
	// Admin returns an admin by id. Errors: ENOTFOUND.
	Admin(ctx context.Context, id string) (*Admin, error)
	// Admins returns every admin, oldest first.
	Admins(ctx context.Context) ([]*Admin, error)

	// CreateAdminSession stores s.
	CreateAdminSession(ctx context.Context, s *AdminSession) error
	// AdminSession returns the unexpired session with that token hash.
	// Errors: ENOTFOUND (also for an expired session).
	AdminSession(ctx context.Context, tokenHash []byte, now time.Time) (*AdminSession, error)
	// DeleteAdminSession ends a session; deleting a missing one is not an
	// error.
	DeleteAdminSession(ctx context.Context, tokenHash []byte) error
	// DeleteExpiredAdminSessions removes sessions that expired before now
	// and returns how many.
	DeleteExpiredAdminSessions(ctx context.Context, now time.Time) (int64, error)
}

// VolumePoint is the number of verifications created in one time bucket,
// by outcome ("" for verifications without a result yet).
type VolumePoint struct {
	Start     time.Time
	ByOutcome map[Outcome]int64
}

// Total is the number of verifications in the bucket.
func (p VolumePoint) Total() int64 {
	var n int64
	for _, c := range p.ByOutcome {
		n += c
	}
	return n
}
