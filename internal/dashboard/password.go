package dashboard

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argonCost is the work an argon2id hash takes.
type argonCost struct {
	time    uint32
	memory  uint32 // KiB
	threads uint8
}

// defaultCost is RFC 9106's second recommended option (64 MiB, three
// passes, four lanes). The parameters are stored in each hash, so raising
// them later still verifies old hashes.
var defaultCost = argonCost{time: 3, memory: 64 * 1024, threads: 4}

// cost is what new hashes use; the package's tests lower it
// (export_test.go) so that signing in many times stays fast.
var cost = defaultCost

const (
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Password length limits. The upper bound keeps a hash request cheap to
// refuse; argon2 itself accepts anything.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256
)

// hashSlots bounds how many argon2id hashes run at once (64 MiB each), so a
// burst of logins cannot exhaust memory.
var hashSlots = make(chan struct{}, 4)

// HashPassword returns the PHC string of an argon2id hash of password with
// a fresh random salt. Errors: EINVALID-style messages for a password that
// is too short or too long.
func HashPassword(password string) (string, error) {
	if err := CheckPasswordPolicy(password); err != nil {
		return "", err
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	return phc(cost, salt, argonKey(password, salt, cost.time, cost.memory, cost.threads, argonKeyLen)), nil
}

// CheckPasswordPolicy reports why a new password is not acceptable.
func CheckPasswordPolicy(password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return errors.New("password must be valid UTF-8")
	case n < MinPasswordLen:
		return fmt.Errorf("password must have at least %d characters", MinPasswordLen)
	case len(password) > MaxPasswordLen:
		return fmt.Errorf("password must have at most %d bytes", MaxPasswordLen)
	}
	return nil
}

var b64 = base64.RawStdEncoding

func argonKey(password string, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(password), salt, t, m, p, n)
}

// VerifyPassword reports whether password matches the PHC string phc,
// comparing in constant time. A malformed phc never matches.
func VerifyPassword(phc, password string) bool {
	if len(password) > MaxPasswordLen {
		return false
	}
	salt, want, t, m, p, ok := parsePHC(phc)
	if !ok {
		return false
	}
	got := argonKey(password, salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

func phc(c argonCost, salt, hash []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.memory, c.time, c.threads,
		b64.EncodeToString(salt), b64.EncodeToString(hash))
}

// dummyHash is verified against when the email is unknown, so a login for
// an unknown account takes as long as one for a known account.
func dummyHash() string {
	return phc(cost, make([]byte, argonSaltLen), make([]byte, argonKeyLen))
}

// parsePHC splits "$argon2id$v=19$m=65536,t=3,p=4$salt$hash". Parameters
// are bounded so a tampered row cannot make a login allocate gigabytes.
func parsePHC(phc string) (salt, hash []byte, t, m uint32, p uint8, ok bool) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return nil, nil, 0, 0, 0, false
	}
	var pp uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &pp); err != nil {
		return nil, nil, 0, 0, 0, false
	}
	if m < 8*1024 || m > 1024*1024 || t < 1 || t > 16 || pp < 1 || pp > 16 {
		return nil, nil, 0, 0, 0, false
	}
	salt, err1 := b64.DecodeString(parts[4])
	hash, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(hash) < 16 || len(hash) > 64 {
		return nil, nil, 0, 0, 0, false
	}
	return salt, hash, t, m, uint8(pp), true
}
