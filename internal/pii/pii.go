// Package pii protects personal data at rest: AES-256-GCM sealing with the
// key id written in front of every ciphertext (so keys can rotate while old
// rows stay readable), and an HMAC-SHA256 "blind index" so that ID numbers
// can be looked up by equality without being stored in clear.
package pii

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the length of every sealing key: AES-256.
const KeySize = 32

// maxKeyIDLen bounds key ids: the id is written into every sealed value
// behind a one-byte length.
const maxKeyIDLen = 64

// Sealer encrypts and decrypts PII and computes blind indexes. It is safe
// for concurrent use.
type Sealer struct {
	aeads    map[string]cipher.AEAD
	current  string
	indexKey []byte
	indexID  string
	keys     map[string][]byte
}

// NewSealer returns a Sealer that seals with the key `current` and opens
// values sealed with any key in keys (key id → 32-byte key). The blind
// index key is derived from `current`; after a rotation keep the old index
// key with WithIndexKey, or rebuild the indexes.
func NewSealer(keys map[string][]byte, current string) (*Sealer, error) {
	if _, ok := keys[current]; !ok {
		return nil, fmt.Errorf("pii: current key %q is not among the keys", current)
	}
	s := &Sealer{aeads: make(map[string]cipher.AEAD, len(keys)), current: current, keys: make(map[string][]byte, len(keys))}
	for id, key := range keys {
		if err := checkKeyID(id); err != nil {
			return nil, err
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("pii: key %q is %d bytes, want %d", id, len(key), KeySize)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("pii: key %q: %w", id, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("pii: key %q: %w", id, err)
		}
		s.aeads[id] = aead
		s.keys[id] = bytes.Clone(key)
	}
	s.indexID = current
	s.indexKey = deriveIndexKey(keys[current])
	return s, nil
}

// WithIndexKey returns a copy of s whose blind indexes use the key id
// instead of the current key, so that rotating the sealing key does not
// invalidate the stored indexes.
func (s *Sealer) WithIndexKey(id string) (*Sealer, error) {
	key, ok := s.keys[id]
	if !ok {
		return nil, fmt.Errorf("pii: index key %q is not among the keys", id)
	}
	c := *s
	c.indexID = id
	c.indexKey = deriveIndexKey(key)
	return &c, nil
}

// Retire returns a copy of s that no longer opens values sealed with the
// key id: after a rotation and a store Reseal, a retired key may still
// derive the blind index (WithIndexKey) but decrypts nothing. The current
// key cannot be retired.
func (s *Sealer) Retire(id string) (*Sealer, error) {
	if id == s.current {
		return nil, fmt.Errorf("pii: cannot retire the current key %q", id)
	}
	if _, ok := s.aeads[id]; !ok {
		return nil, fmt.Errorf("pii: key %q is not among the keys", id)
	}
	c := *s
	c.aeads = make(map[string]cipher.AEAD, len(s.aeads)-1)
	for k, a := range s.aeads {
		if k != id {
			c.aeads[k] = a
		}
	}
	return &c, nil
}

// CurrentKeyID returns the id of the key new values are sealed with.
func (s *Sealer) CurrentKeyID() string { return s.current }

// deriveIndexKey separates the HMAC key from the encryption key, so the same
// secret is never used by two algorithms.
func deriveIndexKey(key []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("idgate/pii/blind-index/v1"))
	return m.Sum(nil)
}

func checkKeyID(id string) error {
	if id == "" || len(id) > maxKeyIDLen {
		return fmt.Errorf("pii: key id %q must be 1..%d bytes", id, maxKeyIDLen)
	}
	if strings.ContainsAny(id, ":\n\r\t ") {
		return fmt.Errorf("pii: key id %q must not contain ':' or whitespace", id)
	}
	return nil
}

// Seal encrypts plain with the current key. The result is
// len(keyID) | keyID | nonce | ciphertext+tag.
func (s *Sealer) Seal(plain []byte) ([]byte, error) { return s.SealWith(plain, nil) }

// SealWith is Seal bound to context (e.g. the row's table and primary key):
// the value opens only with OpenWith and the same context, so a sealed value
// copied into another row is refused instead of read as that row's data.
func (s *Sealer) SealWith(plain, context []byte) ([]byte, error) {
	aead := s.aeads[s.current]
	out := make([]byte, 0, 1+len(s.current)+aead.NonceSize()+len(plain)+aead.Overhead())
	out = append(out, byte(len(s.current)))
	out = append(out, s.current...)
	nonceAt := len(out)
	out = out[:nonceAt+aead.NonceSize()]
	if _, err := rand.Read(out[nonceAt:]); err != nil {
		return nil, fmt.Errorf("pii: nonce: %w", err)
	}
	// The key id is authenticated as additional data, so a value cannot be
	// relabelled to another key; so is the context.
	return aead.Seal(out, out[nonceAt:], plain, additionalData(out[:nonceAt], context)), nil
}

// ErrSealed reports a sealed value that cannot be opened: truncated,
// tampered with, or sealed with an unknown key.
var ErrSealed = errors.New("pii: cannot open sealed value")

// Open decrypts a value produced by Seal with any known key.
func (s *Sealer) Open(sealed []byte) ([]byte, error) { return s.OpenWith(sealed, nil) }

// OpenWith decrypts a value produced by SealWith with the same context.
func (s *Sealer) OpenWith(sealed, context []byte) ([]byte, error) {
	if len(sealed) < 1 {
		return nil, fmt.Errorf("%w: empty", ErrSealed)
	}
	n := int(sealed[0])
	if len(sealed) < 1+n {
		return nil, fmt.Errorf("%w: truncated key id", ErrSealed)
	}
	id := string(sealed[1 : 1+n])
	aead, ok := s.aeads[id]
	if !ok {
		return nil, fmt.Errorf("%w: unknown key %q", ErrSealed, id)
	}
	nonceAt := 1 + n
	if len(sealed) < nonceAt+aead.NonceSize()+aead.Overhead() {
		return nil, fmt.Errorf("%w: truncated", ErrSealed)
	}
	nonce := sealed[nonceAt : nonceAt+aead.NonceSize()]
	plain, err := aead.Open(nil, nonce, sealed[nonceAt+aead.NonceSize():], additionalData(sealed[:nonceAt], context))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSealed, err)
	}
	return plain, nil
}

// additionalData is the header (length and key id), followed by the
// context when there is one. The header's length prefix keeps the two
// apart.
func additionalData(header, context []byte) []byte {
	if len(context) == 0 {
		return header
	}
	return append(bytes.Clone(header), context...)
}

// KeyID returns the id of the key a sealed value was sealed with.
func KeyID(sealed []byte) (string, error) {
	if len(sealed) < 1 || len(sealed) < 1+int(sealed[0]) {
		return "", fmt.Errorf("%w: truncated key id", ErrSealed)
	}
	return string(sealed[1 : 1+int(sealed[0])]), nil
}

// BlindIndex returns HMAC-SHA256 over the length-prefixed parts, e.g.
// BlindIndex("ZA", "national-id", number). Equal inputs give equal indexes;
// without the key the index reveals nothing about the number.
func (s *Sealer) BlindIndex(parts ...string) []byte {
	m := hmac.New(sha256.New, s.indexKey)
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		m.Write(n[:])
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}

// LoadOrCreateKeyFile reads a key file written as "<id>:<base64 key>\n".
// When the file does not exist it generates a random 32-byte key with a
// random id and writes it with mode 0600 (creating the folder with 0700).
func LoadOrCreateKeyFile(path string) (id string, key []byte, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return ParseKey(string(b))
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", nil, fmt.Errorf("pii: read key file: %w", err)
	}
	var raw [KeySize + 4]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", nil, fmt.Errorf("pii: generate key: %w", err)
	}
	id = fmt.Sprintf("k%x", raw[KeySize:])
	key = raw[:KeySize]
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", nil, fmt.Errorf("pii: create key folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		// Another process created it first; use theirs.
		return LoadOrCreateKeyFile(path)
	}
	if err != nil {
		return "", nil, fmt.Errorf("pii: create key file: %w", err)
	}
	if _, err := fmt.Fprintf(f, "%s\n", FormatKey(id, key)); err != nil {
		f.Close()
		return "", nil, fmt.Errorf("pii: write key file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", nil, fmt.Errorf("pii: sync key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", nil, fmt.Errorf("pii: close key file: %w", err)
	}
	return id, key, nil
}

// FormatKey renders a key as "<id>:<base64>", the key file and
// IDGATE_PII_KEY format.
func FormatKey(id string, key []byte) string {
	return id + ":" + base64.StdEncoding.EncodeToString(key)
}

// ParseKey parses "<id>:<base64 32-byte key>" (surrounding space ignored).
func ParseKey(s string) (id string, key []byte, err error) {
	id, enc, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return "", nil, errors.New("pii: key must be <id>:<base64 key>")
	}
	if err := checkKeyID(id); err != nil {
		return "", nil, err
	}
	key, err = base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return "", nil, fmt.Errorf("pii: key %q: bad base64: %w", id, err)
	}
	if len(key) != KeySize {
		return "", nil, fmt.Errorf("pii: key %q is %d bytes, want %d", id, len(key), KeySize)
	}
	return id, key, nil
}
