package auth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"

	"github.com/idgate/idgate"
)

// The patterns documented for secret scanners in secret.go and SECURITY.md.
var (
	apiKeyPattern          = regexp.MustCompile(`^idg_(live|test)_[a-z2-7]{16}_[a-z2-7]{59}$`)
	clientIDPattern        = regexp.MustCompile(`^idgc_[a-z2-7]{16}$`)
	clientSecretPattern    = regexp.MustCompile(`^idgcs_[a-z2-7]{59}$`)
	subscriptionKeyPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)
	subscriptionIDPattern  = regexp.MustCompile(`^sk_[0-9a-f]{16}$`)
)

func TestNewSecretFormats(t *testing.T) {
	tests := []struct {
		kind             idgate.CredentialKind
		sandbox          bool
		idRE, secretRE   *regexp.Regexp
		wantSecretPrefix string
	}{
		{idgate.APIKey, false, regexp.MustCompile(`^[a-z2-7]{16}$`), apiKeyPattern, "idg_live_"},
		{idgate.APIKey, true, regexp.MustCompile(`^[a-z2-7]{16}$`), apiKeyPattern, "idg_test_"},
		{idgate.OAuthClient, false, clientIDPattern, clientSecretPattern, "idgcs_"},
		{idgate.SubscriptionKey, false, subscriptionIDPattern, subscriptionKeyPattern, ""},
	}
	for _, tt := range tests {
		id, secret, err := NewSecret(tt.kind, tt.sandbox)
		if err != nil {
			t.Fatalf("NewSecret(%s): %v", tt.kind, err)
		}
		if !tt.idRE.MatchString(id) {
			t.Errorf("NewSecret(%s) id = %q, want match %v", tt.kind, id, tt.idRE)
		}
		if !tt.secretRE.MatchString(secret) || !strings.HasPrefix(secret, tt.wantSecretPrefix) {
			t.Errorf("NewSecret(%s, %v) secret = %q, want match %v with prefix %q", tt.kind, tt.sandbox, secret, tt.secretRE, tt.wantSecretPrefix)
		}
		id2, secret2, _ := NewSecret(tt.kind, tt.sandbox)
		if id2 == id || secret2 == secret {
			t.Errorf("NewSecret(%s) repeated itself", tt.kind)
		}
	}
}

func TestNewSecretRoundTrips(t *testing.T) {
	id, key, _ := NewSecret(idgate.APIKey, false)
	if got, ok := ParseAPIKey(key); !ok || got != id {
		t.Errorf("ParseAPIKey(NewSecret key) = %q, %v; want %q, true", got, ok, id)
	}
	id, secret, _ := NewSecret(idgate.OAuthClient, false)
	if !validClientID(id) || !validClientSecret(secret) {
		t.Errorf("client id %q / secret %q do not validate", id, secret)
	}
	id, key, _ = NewSecret(idgate.SubscriptionKey, false)
	if got, norm, ok := ParseSubscriptionKey(strings.ToUpper(key)); !ok || got != id || norm != key {
		t.Errorf("ParseSubscriptionKey(upper) = %q, %q, %v; want %q, %q, true", got, norm, ok, id, key)
	}
}

func TestNewSecretUnknownKind(t *testing.T) {
	_, _, err := NewSecret("password", false)
	if got := idgate.ErrorCode(err); got != idgate.EINVALID {
		t.Errorf("code = %q, want %q", got, idgate.EINVALID)
	}
}

func TestParseAPIKey(t *testing.T) {
	id, key, _ := NewSecret(idgate.APIKey, false)
	flip := func(s string, i int) string {
		c := byte('a')
		if s[i] == 'a' {
			c = 'b'
		}
		return s[:i] + string(c) + s[i+1:]
	}
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"valid", key, true},
		{"empty", "", false},
		{"sandbox prefix rewritten", "idg_test_" + key[len("idg_live_"):], false}, // checksum covers the prefix
		{"unknown prefix", "idg_prod_" + key[len("idg_live_"):], false},
		{"upper case", strings.ToUpper(key), false},
		{"typo in secret", flip(key, 40), false},
		{"typo in id", flip(key, 12), false},
		{"typo in checksum", flip(key, len(key)-1), false},
		{"truncated", key[:len(key)-1], false},
		{"extra character", key + "a", false},
		{"separator moved", key[:24] + "a" + key[26:], false},
		{"padding", key[:len(key)-1] + "=", false},
		{"client secret", "idgcs_" + strings.Repeat("a", 59), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseAPIKey(tt.in)
			if ok != tt.ok {
				t.Fatalf("ParseAPIKey ok = %v, want %v", ok, tt.ok)
			}
			if ok && got != id {
				t.Errorf("ParseAPIKey id = %q, want %q", got, id)
			}
			if !ok && got != "" {
				t.Errorf("ParseAPIKey returned id %q for a bad key", got)
			}
		})
	}
}

func TestParseSubscriptionKey(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"d484a1f0d34f43019d484a1f0d34f430", true},
		{"D484A1F0D34F43019D484A1F0D34F430", true},
		{"d484a1f0d34f43019", false}, // the page's shortened sample
		{"d484a1f0d34f43019d484a1f0d34f43g", false},
		{"d484a1f0d34f43019d484a1f0d34f4300", false},
		{"", false},
	}
	for _, tt := range tests {
		id, key, ok := ParseSubscriptionKey(tt.in)
		if ok != tt.ok {
			t.Errorf("ParseSubscriptionKey(%q) ok = %v, want %v", tt.in, ok, tt.ok)
		}
		if ok && (key != strings.ToLower(tt.in) || id != SubscriptionKeyID(key)) {
			t.Errorf("ParseSubscriptionKey(%q) = %q, %q", tt.in, id, key)
		}
	}
}

func TestSubscriptionKeyIDIsNotTheStoredHash(t *testing.T) {
	key := "d484a1f0d34f43019d484a1f0d34f430"
	id := SubscriptionKeyID(key)
	if id != SubscriptionKeyID(key) {
		t.Fatal("SubscriptionKeyID is not stable")
	}
	if strings.HasPrefix(hex.EncodeToString(Hash(key)), strings.TrimPrefix(id, "sk_")) {
		t.Errorf("id %q is a prefix of the stored hash", id)
	}
}

func TestHash(t *testing.T) {
	h := Hash("secret")
	want := sha256.Sum256([]byte("secret"))
	if !bytes.Equal(h, want[:]) {
		t.Errorf("Hash = %x, want %x", h, want)
	}
	if !secretMatches(h, "secret") {
		t.Error("secretMatches(Hash(s), s) = false")
	}
	for _, other := range []string{"Secret", "secret ", ""} {
		if secretMatches(h, other) {
			t.Errorf("secretMatches(Hash(secret), %q) = true", other)
		}
	}
	if secretMatches(nil, "") || secretMatches(h[:16], "secret") {
		t.Error("secretMatches accepted a truncated stored hash")
	}
}

func FuzzParseAPIKey(f *testing.F) {
	_, key, _ := NewSecret(idgate.APIKey, true)
	for _, seed := range []string{key, "", "idg_live_", "idg_live_" + strings.Repeat("a", 16) + "_" + strings.Repeat("a", 59)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := ParseAPIKey(s)
		if !ok {
			return
		}
		if !apiKeyPattern.MatchString(s) {
			t.Fatalf("accepted %q, which does not match the documented pattern", s)
		}
		if !strings.Contains(s, "_"+id+"_") {
			t.Fatalf("id %q is not inside %q", id, s)
		}
	})
}

func FuzzParseSubscriptionKey(f *testing.F) {
	for _, seed := range []string{"d484a1f0d34f43019d484a1f0d34f430", "", "d484a1f0d34f43019"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, key, ok := ParseSubscriptionKey(s)
		if !ok {
			return
		}
		if !subscriptionKeyPattern.MatchString(key) || !strings.EqualFold(key, s) || !subscriptionIDPattern.MatchString(id) {
			t.Fatalf("ParseSubscriptionKey(%q) = %q, %q", s, id, key)
		}
	})
}
