package dashboard

import (
	"sync"
	"time"
)

// failureLimiter counts failed logins per key (a client IP, or an account)
// in a fixed window and refuses a key once it reaches max failures until the
// window that began with its first failure ends. It lives in one process:
// with several replicas an attacker gets max attempts per replica, which
// still bounds guessing to a handful per minute (see docs/DASHBOARD.md).
type failureLimiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	keys map[string]*failures
}

type failures struct {
	count int
	since time.Time
}

// maxTrackedKeys bounds the limiter's memory; when full, expired entries
// are dropped, and if none has expired the oldest window is.
const maxTrackedKeys = 10000

func newFailureLimiter(max int, window time.Duration, now func() time.Time) *failureLimiter {
	return &failureLimiter{max: max, window: window, now: now, keys: map[string]*failures{}}
}

// Allowed reports whether key may try again, and if not, for how long it
// must wait.
func (l *failureLimiter) Allowed(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.keys[key]
	if f == nil {
		return true, 0
	}
	now := l.now()
	if end := f.since.Add(l.window); !now.Before(end) {
		delete(l.keys, key)
		return true, 0
	} else if f.count >= l.max {
		return false, end.Sub(now)
	}
	return true, 0
}

// Fail records a failed attempt for key.
func (l *failureLimiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	f := l.keys[key]
	if f == nil || !now.Before(f.since.Add(l.window)) {
		if len(l.keys) >= maxTrackedKeys {
			l.prune(now)
		}
		f = &failures{since: now}
		l.keys[key] = f
	}
	f.count++
}

// Reset forgets key's failures (after a successful login).
func (l *failureLimiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.keys, key)
}

func (l *failureLimiter) prune(now time.Time) {
	var oldestKey string
	var oldest time.Time
	for k, f := range l.keys {
		if !now.Before(f.since.Add(l.window)) {
			delete(l.keys, k)
			continue
		}
		if oldestKey == "" || f.since.Before(oldest) {
			oldestKey, oldest = k, f.since
		}
	}
	if len(l.keys) >= maxTrackedKeys {
		delete(l.keys, oldestKey)
	}
}
