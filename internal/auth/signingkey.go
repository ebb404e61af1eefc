package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"sync"
	"time"

	"github.com/idgate/idgate"
)

const (
	// keyCacheTTL bounds how long a replica may sign with a key another
	// replica has retired, and how late it learns of a new one.
	keyCacheTTL = time.Minute
	// keyMissReload limits store reloads caused by unknown kids, so tokens
	// with random kids cannot turn into a flood of queries. A replica that
	// reloaded less than this ago refuses a key created since by another
	// replica until the interval has passed.
	keyMissReload = 200 * time.Millisecond
)

// signingKey is a parsed idgate.SigningKey.
type signingKey struct {
	id      string
	public  ed25519.PublicKey
	private ed25519.PrivateKey
	created time.Time
	retired *time.Time
}

// keyRing caches the signing keys of the store. The newest unretired key
// signs; every key not retired for longer than a token lifetime verifies.
type keyRing struct {
	mu         sync.RWMutex
	keys       []*signingKey // newest first
	loadedAt   time.Time
	lastReload time.Time
	loaded     bool
}

func (a *Authenticator) verifyWindow() time.Duration { return a.cfg.TokenTTL + leeway }

// usable reports whether k may still verify tokens at now.
func (a *Authenticator) usable(k *signingKey, now time.Time) bool {
	return k.retired == nil || now.Before(k.retired.Add(a.verifyWindow()))
}

// verificationKey returns the key with id kid, reloading the ring from the
// store when kid is unknown (at most once per keyMissReload).
func (a *Authenticator) verificationKey(ctx context.Context, kid string) (*signingKey, error) {
	now := a.cfg.Now()
	ring := &a.ring
	ring.mu.RLock()
	k, fresh := ring.find(kid), ring.loaded && now.Sub(ring.loadedAt) < keyCacheTTL
	ring.mu.RUnlock()
	if k != nil && fresh {
		return a.checkUsable(k, now)
	}

	ring.mu.Lock()
	defer ring.mu.Unlock()
	fresh = ring.loaded && now.Sub(ring.loadedAt) < keyCacheTTL // another caller may have reloaded
	if !fresh || (ring.find(kid) == nil && now.Sub(ring.lastReload) >= keyMissReload) {
		if err := a.reloadLocked(ctx, now); err != nil {
			return nil, err
		}
	}
	if k = ring.find(kid); k == nil {
		return nil, errUnknownKey
	}
	return a.checkUsable(k, now)
}

func (a *Authenticator) checkUsable(k *signingKey, now time.Time) (*signingKey, error) {
	if !a.usable(k, now) {
		return nil, errRetiredKey
	}
	return k, nil
}

// signingKeyNow returns the key to sign with, creating the first key or
// rotating an old one as needed.
func (a *Authenticator) signingKeyNow(ctx context.Context) (*signingKey, error) {
	now := a.cfg.Now()
	ring := &a.ring
	ring.mu.RLock()
	k, fresh := ring.current(), ring.loaded && now.Sub(ring.loadedAt) < keyCacheTTL
	ring.mu.RUnlock()
	if k != nil && fresh && now.Sub(k.created) < a.cfg.KeyRotation {
		return k, nil
	}

	ring.mu.Lock()
	defer ring.mu.Unlock()
	if err := a.reloadLocked(ctx, now); err != nil {
		return nil, err
	}
	if k = ring.current(); k != nil && now.Sub(k.created) < a.cfg.KeyRotation {
		return k, nil
	}
	if _, err := a.rotateLocked(ctx, now); err != nil {
		return nil, err
	}
	if k = ring.current(); k == nil {
		return nil, fmt.Errorf("no signing key after rotation")
	}
	return k, nil
}

// RotateSigningKey creates a new signing key, which signs from now on, and
// retires the others. Retired keys still verify the tokens they signed
// until those have expired. It returns the new key's id (the JWT "kid").
func (a *Authenticator) RotateSigningKey(ctx context.Context) (kid string, err error) {
	a.ring.mu.Lock()
	defer a.ring.mu.Unlock()
	return a.rotateLocked(ctx, a.cfg.Now())
}

func (a *Authenticator) rotateLocked(ctx context.Context, now time.Time) (string, error) {
	kid, err := RotateSigningKeys(ctx, a.store, now, now)
	if err != nil {
		return "", err
	}
	if err := a.reloadLocked(ctx, now); err != nil {
		return "", err
	}
	a.cfg.Logger.Info("signing key rotated", "kid", kid)
	return kid, nil
}

// RotateSigningKeys creates a new Ed25519 signing key in store and retires
// every other active key at retireAt, returning the new key's id. With
// retireAt = now, tokens signed by the old keys stay valid until they
// expire; a retireAt at least a token lifetime in the past makes them
// invalid at once (after a suspected key leak). Running servers pick the
// new key up within a minute. Authenticator.RotateSigningKey is the same
// for a running server.
func RotateSigningKeys(ctx context.Context, store idgate.SigningKeyStore, now, retireAt time.Time) (kid string, err error) {
	public, private, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", fmt.Errorf("generate signing key: %w", err)
	}
	if kid, err = randomBase32(idLen * 5 / 8); err != nil {
		return "", err
	}
	key := &idgate.SigningKey{ID: kid, Algorithm: algEdDSA, Private: private, Public: public, CreatedAt: now}
	if err := store.CreateSigningKey(ctx, key); err != nil {
		return "", fmt.Errorf("create signing key: %w", err)
	}
	// Read back every key not yet retired at retireAt, including those
	// other replicas created, and those retired since (which, when
	// retireAt is in the past, must stop verifying too).
	keys, err := store.SigningKeys(ctx, retireAt)
	if err != nil {
		return "", fmt.Errorf("load signing keys: %w", err)
	}
	for _, k := range keys {
		if k.ID != kid && (k.RetiredAt == nil || k.RetiredAt.After(retireAt)) {
			if err := store.RetireSigningKey(ctx, k.ID, retireAt); err != nil {
				return "", fmt.Errorf("retire signing key %s: %w", k.ID, err)
			}
		}
	}
	return kid, nil
}

func (a *Authenticator) reloadLocked(ctx context.Context, now time.Time) error {
	stored, err := a.store.SigningKeys(ctx, now.Add(-a.verifyWindow()))
	if err != nil {
		return fmt.Errorf("load signing keys: %w", err)
	}
	keys := make([]*signingKey, 0, len(stored))
	for _, s := range stored {
		k, err := parseSigningKey(s)
		if err != nil {
			// One bad row must not stop every token from verifying.
			a.cfg.Logger.Error("skipping unusable signing key", "kid", s.ID, "err", err)
			continue
		}
		keys = append(keys, k)
	}
	a.ring.keys, a.ring.loadedAt, a.ring.lastReload, a.ring.loaded = keys, now, now, true
	return nil
}

func parseSigningKey(s *idgate.SigningKey) (*signingKey, error) {
	if s.Algorithm != algEdDSA {
		return nil, fmt.Errorf("algorithm %q, want %s", s.Algorithm, algEdDSA)
	}
	if len(s.Public) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("public key is %d bytes", len(s.Public))
	}
	var private ed25519.PrivateKey
	switch len(s.Private) {
	case ed25519.PrivateKeySize:
		private = ed25519.PrivateKey(s.Private)
	case ed25519.SeedSize:
		private = ed25519.NewKeyFromSeed(s.Private)
	default:
		return nil, fmt.Errorf("private key is %d bytes", len(s.Private))
	}
	if !private.Public().(ed25519.PublicKey).Equal(ed25519.PublicKey(s.Public)) {
		return nil, fmt.Errorf("private and public keys do not match")
	}
	return &signingKey{id: s.ID, public: s.Public, private: private, created: s.CreatedAt, retired: s.RetiredAt}, nil
}

func (r *keyRing) find(kid string) *signingKey {
	for _, k := range r.keys {
		if k.id == kid {
			return k
		}
	}
	return nil
}

// current returns the newest unretired key, or nil.
func (r *keyRing) current() *signingKey {
	var newest *signingKey
	for _, k := range r.keys {
		if k.retired == nil && (newest == nil || k.created.After(newest.created)) {
			newest = k
		}
	}
	return newest
}
