package auth

import "sync"

// maxCachedTokens bounds the verified-token cache (about 650 bytes an
// entry).
const maxCachedTokens = 4096

// tokenCache remembers access tokens whose form and signature have been
// verified. A client reuses one token for its whole lifetime, so this turns
// an Ed25519 verification (about 100 µs) per request into a map lookup.
// Only the signature check is skipped: the signing key's status, the
// claims' times and the credential are checked again on every use. Entries
// are keyed by the whole token, so only a token idgate signed can hit.
type tokenCache struct {
	mu      sync.Mutex
	entries map[string]cachedToken
}

type cachedToken struct {
	claims *claims // never modified once cached
	kid    string
}

func (c *tokenCache) get(token string) (cachedToken, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[token]
	return e, ok
}

// put adds a verified token. When the cache is full it drops the tokens
// that expired before now, and everything if that is not enough: a
// dropped token only costs one more verification.
func (c *tokenCache) put(token string, e cachedToken, now int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = make(map[string]cachedToken)
	}
	if len(c.entries) >= maxCachedTokens {
		for t, old := range c.entries {
			if *old.claims.Expiry <= now {
				delete(c.entries, t)
			}
		}
		if len(c.entries) >= maxCachedTokens {
			clear(c.entries)
		}
	}
	c.entries[token] = e
}

func (c *tokenCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
