package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"strings"

	"github.com/idgate/idgate"
)

// Credential formats. Every secret idgate issues (except subscription keys,
// which must look like Azure APIM's) starts with a fixed prefix and ends with
// a CRC-32 checksum, so secret scanners can find leaked keys with a regular
// expression and confirm a candidate without calling idgate, and typos are
// refused before the store is touched.
//
//	API key              idg_live_<id>_<secret><check>   (idg_test_ for sandbox tenants)
//	OAuth client id      idgc_<id>
//	OAuth client secret  idgcs_<secret><check>
//	subscription key     <32 lowercase hex digits>
//
// <id> is 16 characters (80 random bits), <secret> 52 characters (256 random
// bits), <check> 7 characters (CRC-32 of everything before it), all in
// lowercase RFC 4648 base32 without padding. Scanner patterns:
//
//	idg_(live|test)_[a-z2-7]{16}_[a-z2-7]{59}
//	idgcs_[a-z2-7]{59}
const (
	APIKeyPrefixLive   = "idg_live_"
	APIKeyPrefixTest   = "idg_test_"
	ClientIDPrefix     = "idgc_"
	ClientSecretPrefix = "idgcs_"

	idLen       = 16 // base32 characters of a credential id (10 bytes)
	secretBytes = 32 // random bytes in an API key or client secret
	secretLen   = 52 // base32 characters of secretBytes
	checkLen    = 7  // base32 characters of a CRC-32
	apiKeyLen   = len(APIKeyPrefixLive) + idLen + 1 + secretLen + checkLen

	subscriptionKeyBytes = 16 // 32 hex digits, like Azure API Management's keys
)

// encoding is lowercase base32: case-insensitive systems can't corrupt it,
// and it contains no "_" so the parts of a key split unambiguously.
var encoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewSecret returns a new credential id and its secret for kind. For API keys
// the secret is the whole key (it contains the id); sandbox selects the
// idg_test_ prefix. For OAuth clients the id is the client_id. For
// subscription keys the id is derived from the key (SubscriptionKeyID),
// because the key's format leaves no room for one.
func NewSecret(kind idgate.CredentialKind, sandbox bool) (id, secret string, err error) {
	switch kind {
	case idgate.APIKey:
		id, body, err := newIDAndSecret()
		if err != nil {
			return "", "", err
		}
		return id, withCheck(apiKeyPrefix(sandbox) + id + "_" + body), nil
	case idgate.OAuthClient:
		id, body, err := newIDAndSecret()
		if err != nil {
			return "", "", err
		}
		return ClientIDPrefix + id, withCheck(ClientSecretPrefix + body), nil
	case idgate.SubscriptionKey:
		b := make([]byte, subscriptionKeyBytes)
		if _, err := rand.Read(b); err != nil {
			return "", "", fmt.Errorf("new subscription key: %w", err)
		}
		key := hex.EncodeToString(b)
		return SubscriptionKeyID(key), key, nil
	default:
		return "", "", idgate.FieldError("kind", "unknown credential kind %q", kind)
	}
}

// Hash returns the SHA-256 of a secret; it is what the store keeps. A fast
// hash is enough here: every secret idgate issues carries at least 128
// random bits, so a stolen hash cannot be reversed by guessing, and slow
// password hashes (bcrypt, Argon2) would add milliseconds to every request
// while protecting nothing that needs it.
func Hash(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// secretMatches compares in constant time so the response time tells an
// attacker nothing about how much of a guess was right.
func secretMatches(storedHash []byte, secret string) bool {
	return subtle.ConstantTimeCompare(storedHash, Hash(secret)) == 1
}

// ParseAPIKey returns the credential id inside an API key, and whether s is
// a well-formed key (prefix, lengths, alphabet and checksum). It does not
// say whether the key is valid; that needs the store.
func ParseAPIKey(s string) (id string, ok bool) {
	if len(s) != apiKeyLen {
		return "", false
	}
	if !strings.HasPrefix(s, APIKeyPrefixLive) && !strings.HasPrefix(s, APIKeyPrefixTest) {
		return "", false
	}
	rest := s[len(APIKeyPrefixLive):]
	id, tail := rest[:idLen], rest[idLen:]
	if tail[0] != '_' || !isBase32(id) || !isBase32(tail[1:]) || !checkOK(s) {
		return "", false
	}
	return id, true
}

// validClientID reports whether s has the form of an OAuth client id.
func validClientID(s string) bool {
	return len(s) == len(ClientIDPrefix)+idLen && strings.HasPrefix(s, ClientIDPrefix) && isBase32(s[len(ClientIDPrefix):])
}

// validClientSecret reports whether s has the form of an OAuth client secret.
func validClientSecret(s string) bool {
	return len(s) == len(ClientSecretPrefix)+secretLen+checkLen && strings.HasPrefix(s, ClientSecretPrefix) &&
		isBase32(s[len(ClientSecretPrefix):]) && checkOK(s)
}

// ParseSubscriptionKey returns the credential id of a subscription key and
// whether s has the key's form (32 hex digits; upper case is accepted and
// folded, as Azure's portal shows keys either way).
func ParseSubscriptionKey(s string) (id, key string, ok bool) {
	if len(s) != 2*subscriptionKeyBytes {
		return "", "", false
	}
	key = strings.ToLower(s)
	for i := 0; i < len(key); i++ {
		c := key[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", "", false
		}
	}
	return SubscriptionKeyID(key), key, true
}

// SubscriptionKeyID derives the credential id of a subscription key. It is a
// domain-separated SHA-256 prefix: stable, so a key finds its credential,
// and one-way, so listing ids reveals nothing of the keys.
func SubscriptionKeyID(key string) string {
	sum := sha256.Sum256([]byte("idgate subscription key id\x00" + key))
	return "sk_" + hex.EncodeToString(sum[:8])
}

// newIDAndSecret returns a random credential id and secret body.
func newIDAndSecret() (id, secret string, err error) {
	if id, err = randomBase32(idLen * 5 / 8); err != nil {
		return "", "", err
	}
	if secret, err = randomBase32(secretBytes); err != nil {
		return "", "", err
	}
	return id, secret, nil
}

func randomBase32(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("read random bytes: %w", err)
	}
	return encoding.EncodeToString(b), nil
}

func withCheck(s string) string { return s + checksum(s) }

func checksum(s string) string {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], crc32.ChecksumIEEE([]byte(s)))
	return encoding.EncodeToString(b[:])
}

// checkOK reports whether the last checkLen characters of s are the
// checksum of the rest.
func checkOK(s string) bool {
	if len(s) < checkLen {
		return false
	}
	body, check := s[:len(s)-checkLen], s[len(s)-checkLen:]
	return subtle.ConstantTimeCompare([]byte(checksum(body)), []byte(check)) == 1
}

func isBase32(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}
