package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
)

func segment(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b64.EncodeToString(b)
}

// craft builds a token from header and claims with an arbitrary signer.
func craft(t testing.TB, header, claims map[string]any, sign func(input []byte) []byte) string {
	t.Helper()
	input := segment(t, header) + "." + segment(t, claims)
	return input + "." + b64.EncodeToString(sign([]byte(input)))
}

func (f *fixture) currentKey(t testing.TB) *signingKey {
	t.Helper()
	k, err := f.auth.signingKeyNow(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func (f *fixture) validHeader(k *signingKey) map[string]any {
	return map[string]any{"alg": "EdDSA", "typ": "at+jwt", "kid": k.id}
}

func (f *fixture) validClaims() map[string]any {
	now := f.clock.Now().Unix()
	return map[string]any{
		"iss": testIssuer, "aud": testAudience, "sub": f.clientID, "client_id": f.clientID, "tid": f.tenant.ID,
		"iat": now, "nbf": now, "exp": now + 900, "jti": "test",
	}
}

func with(m map[string]any, kv ...any) map[string]any {
	m = maps.Clone(m)
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(m, kv[i].(string))
			continue
		}
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

func kidOf(t testing.TB, token string) string {
	t.Helper()
	p, err := parseJWS(token)
	if err != nil {
		t.Fatal(err)
	}
	return p.header.Kid
}

func TestAccessTokenChecks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	key := f.currentKey(t)
	signEd := func(in []byte) []byte { return ed25519.Sign(key.private, in) }
	_, otherPrivate, _ := ed25519.GenerateKey(rand.Reader)
	signOther := func(in []byte) []byte { return ed25519.Sign(otherPrivate, in) }
	// The classic confusion attack: HMAC keyed with the public key, which
	// a naive verifier would pass to its HS256 branch.
	signHS256 := func(in []byte) []byte {
		m := hmac.New(sha256.New, key.public)
		m.Write(in)
		return m.Sum(nil)
	}
	signNone := func([]byte) []byte { return nil }
	h, c := f.validHeader(key), f.validClaims()
	now := f.clock.Now().Unix()

	apiKeyID, _ := ParseAPIKey(f.apiKey)

	tests := []struct {
		name   string
		token  string
		reason error // nil: accepted
	}{
		{"valid", craft(t, h, c, signEd), nil},
		{"issued token", f.token(t), nil},
		{"within nbf leeway", craft(t, h, with(c, "nbf", now+3), signEd), nil},
		{"no nbf", craft(t, h, with(c, "nbf", nil), signEd), nil},
		{"expired", craft(t, h, with(c, "exp", now-int64(leeway/time.Second)), signEd), errExpired},
		{"not yet valid", craft(t, h, with(c, "nbf", now+60), signEd), errNotYetValid},
		{"issued in the future", craft(t, h, with(c, "iat", now+60), signEd), errIssuedFuture},
		{"wrong audience", craft(t, h, with(c, "aud", "another-api"), signEd), errAudience},
		{"audience array", craft(t, h, with(c, "aud", []string{testAudience}), signEd), errMalformed},
		{"wrong issuer", craft(t, h, with(c, "iss", "https://evil.test"), signEd), errIssuer},
		{"no exp", craft(t, h, with(c, "exp", nil), signEd), errMissingClaims},
		{"no iat", craft(t, h, with(c, "iat", nil), signEd), errMissingClaims},
		{"fractional exp", craft(t, h, with(c, "exp", float64(now)+900.5), signEd), errMalformed},
		{"no tenant", craft(t, h, with(c, "tid", nil), signEd), errMissingClaims},
		{"forged signature", craft(t, h, c, signOther), errSignature},
		{"alg none", craft(t, with(h, "alg", "none"), c, signNone), errAlgorithm},
		{"alg none no kid", craft(t, with(h, "alg", "none", "kid", nil), c, signNone), errAlgorithm},
		{"alg HS256 keyed with public key", craft(t, with(h, "alg", "HS256"), c, signHS256), errAlgorithm},
		{"alg RS256", craft(t, with(h, "alg", "RS256"), c, signEd), errAlgorithm},
		{"alg Ed25519", craft(t, with(h, "alg", "Ed25519"), c, signEd), errAlgorithm},
		{"alg lower case", craft(t, with(h, "alg", "eddsa"), c, signEd), errAlgorithm},
		{"typ JWT", craft(t, with(h, "typ", "JWT"), c, signEd), errTokenType},
		{"crit", craft(t, with(h, "crit", []string{"exp"}), c, signEd), errCritical},
		{"unknown kid", craft(t, with(h, "kid", "nosuchkey"), c, signEd), errUnknownKey},
		{"no kid", craft(t, with(h, "kid", nil), c, signEd), errUnknownKey},
		{"other tenant", craft(t, h, with(c, "tid", f.sandbox.ID), signEd), errWrongKind},
		{"api key credential as subject", craft(t, h, with(c, "sub", apiKeyID), signEd), errWrongKind},
		{"unknown subject", craft(t, h, with(c, "sub", "idgc_aaaaaaaaaaaaaaaa"), signEd), errUnknownCredential},
		{"two segments", "a.b", errMalformed},
		{"four segments", craft(t, h, c, signEd) + ".x", errMalformed},
		{"oversized", craft(t, h, with(c, "jti", strings.Repeat("x", maxTokenSize)), signEd), errMalformed},
		{"padded", craft(t, h, c, signEd) + "==", errMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := f.auth.AuthenticateBearer(ctx, tt.token)
			if tt.reason == nil {
				if err != nil {
					t.Fatalf("refused a valid token: %v", err)
				}
				if p.Tenant.ID != f.tenant.ID {
					t.Errorf("tenant = %s, want %s", p.Tenant.ID, f.tenant.ID)
				}
				return
			}
			wantUnauthorized(t, err, tt.reason)
		})
	}
}

func TestAccessTokenTamperedPayload(t *testing.T) {
	f := newFixture(t)
	tok := f.token(t)
	parts := strings.Split(tok, ".")
	c := f.validClaims()
	c["tid"] = f.sandbox.ID
	parts[1] = segment(t, c)
	_, err := f.auth.AuthenticateBearer(context.Background(), strings.Join(parts, "."))
	wantUnauthorized(t, err, errSignature)
}

func TestAccessTokenIsNotMalleable(t *testing.T) {
	f := newFixture(t)
	tok := f.token(t)
	// Base64 decoders skip CR/LF and ignore the spare bits of the last
	// character; either would give one token several spellings.
	last := tok[len(tok)-1]
	spare := strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", last) ^ 1
	variants := []string{
		tok[:len(tok)-10] + "\n" + tok[len(tok)-10:],
		tok[:len(tok)-1] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[spare]),
		" " + tok,
	}
	for _, v := range variants {
		_, err := f.auth.AuthenticateBearer(context.Background(), v)
		wantUnauthorized(t, err, nil)
	}
}

func TestAccessTokenExpiry(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tok := f.token(t)
	f.clock.Advance(899 * time.Second)
	if _, err := f.auth.AuthenticateBearer(ctx, tok); err != nil {
		t.Fatalf("refused at 899 s: %v", err)
	}
	f.clock.Advance(time.Second + leeway)
	_, err := f.auth.AuthenticateBearer(ctx, tok)
	wantUnauthorized(t, err, errExpired)
}

func TestAccessTokenRevokedClient(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tok := f.token(t)
	if err := RevokeCredential(ctx, f.store, f.tenant.ID, f.clientID, "test"); err != nil {
		t.Fatal(err)
	}
	_, err := f.auth.AuthenticateBearer(ctx, tok)
	wantUnauthorized(t, err, errRevoked)
	_, err = f.auth.IssueToken(ctx, f.clientID, f.clientSecret, "")
	wantUnauthorized(t, err, errRevoked)
}

func TestAccessTokenWrongAudienceConfig(t *testing.T) {
	f := newFixture(t)
	// Another deployment sharing the store (and so the keys) but serving
	// another audience must refuse the token.
	other, err := New(f.store, Config{Issuer: testIssuer, Audience: "other-api", Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.AuthenticateBearer(context.Background(), f.token(t))
	wantUnauthorized(t, err, errAudience)
}

func TestSigningKeyRotation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	oldToken := f.token(t)
	oldKey := f.currentKey(t)
	longLived := craft(t, f.validHeader(oldKey), with(f.validClaims(), "exp", f.clock.Now().Add(24*time.Hour).Unix()),
		func(in []byte) []byte { return ed25519.Sign(oldKey.private, in) })

	newKid, err := f.auth.RotateSigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if newKid == oldKey.id {
		t.Fatal("rotation kept the key id")
	}
	if got := kidOf(t, f.token(t)); got != newKid {
		t.Errorf("new tokens signed by %s, want %s", got, newKid)
	}
	stored, _ := f.store.SigningKeys(ctx, time.Time{})
	for _, k := range stored {
		if retired := k.RetiredAt != nil; retired != (k.ID != newKid) {
			t.Errorf("key %s retired = %v after rotation to %s", k.ID, retired, newKid)
		}
	}
	if _, err := f.auth.AuthenticateBearer(ctx, oldToken); err != nil {
		t.Errorf("token of the retired key refused right after rotation: %v", err)
	}

	f.clock.Advance(899 * time.Second)
	if _, err := f.auth.AuthenticateBearer(ctx, oldToken); err != nil {
		t.Errorf("token of the retired key refused before its expiry: %v", err)
	}
	// Past retirement + TTL + leeway the retired key verifies nothing,
	// not even a token that claims a longer life.
	f.clock.Advance(7 * time.Second)
	_, err = f.auth.AuthenticateBearer(ctx, longLived)
	wantUnauthorized(t, err, errRetiredKey)
	f.clock.Advance(keyCacheTTL) // the store no longer returns the key
	_, err = f.auth.AuthenticateBearer(ctx, longLived)
	wantUnauthorized(t, err, errUnknownKey)
}

func TestSigningKeyCreatedOnFirstUseAndRotatedWhenOld(t *testing.T) {
	store := newMemStore()
	clock := &fakeClock{now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	a, err := New(store, Config{Issuer: testIssuer, Audience: testAudience, Now: clock.Now, KeyRotation: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if len(store.keys) != 0 {
		t.Fatal("New created a key before it was needed")
	}
	ctx := context.Background()
	first, err := a.signingKeyNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(store.keys) != 1 || store.keys[0].ID != first.id || store.keys[0].Algorithm != "EdDSA" {
		t.Fatalf("stored keys = %+v", store.keys)
	}
	clock.Advance(59 * time.Minute)
	if k, _ := a.signingKeyNow(ctx); k.id != first.id {
		t.Error("rotated before KeyRotation")
	}
	clock.Advance(time.Minute)
	second, err := a.signingKeyNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if second.id == first.id || len(store.keys) != 2 || store.keys[0].RetiredAt == nil {
		t.Errorf("after KeyRotation: signing %s, stored %+v", second.id, store.keys)
	}
}

func TestSigningKeysAreCached(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tok := f.token(t)
	loads := f.store.keyLoads
	for range 50 {
		if _, err := f.auth.AuthenticateBearer(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	if f.store.keyLoads != loads {
		t.Errorf("verifying 50 tokens loaded the keys %d times, want 0", f.store.keyLoads-loads)
	}
	// Unknown kids reload at most once per keyMissReload.
	key := f.currentKey(t)
	for i := range 50 {
		bogus := craft(t, with(f.validHeader(key), "kid", strings.Repeat("k", i+1)), f.validClaims(),
			func(in []byte) []byte { return ed25519.Sign(key.private, in) })
		f.auth.AuthenticateBearer(ctx, bogus)
	}
	if n := f.store.keyLoads - loads; n > 1 {
		t.Errorf("50 unknown kids loaded the keys %d times, want at most 1", n)
	}
}

func TestSigningKeysAcrossReplicas(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	replica, err := New(f.store, Config{Issuer: testIssuer, Audience: testAudience, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	tok := f.token(t)
	if _, err := replica.AuthenticateBearer(ctx, tok); err != nil {
		t.Fatalf("replica refused a token of the first: %v", err)
	}
	newKid, err := replica.RotateSigningKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fromReplica, err := replica.IssueToken(ctx, f.clientID, f.clientSecret, "")
	if err != nil {
		t.Fatal(err)
	}
	// The first replica learns of the new key on the first unknown kid after
	// keyMissReload.
	f.clock.Advance(keyMissReload)
	for name, tk := range map[string]string{"old": tok, "new": fromReplica.AccessToken} {
		if _, err := f.auth.AuthenticateBearer(ctx, tk); err != nil {
			t.Errorf("first replica refused the %s token: %v", name, err)
		}
	}
	f.clock.Advance(keyCacheTTL)
	if got := kidOf(t, f.token(t)); got != newKid {
		t.Errorf("first replica still signs with %s, want %s", got, newKid)
	}
}

func TestParseSigningKey(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	otherPub, _, _ := ed25519.GenerateKey(rand.Reader)
	tests := []struct {
		name string
		key  idgate.SigningKey
		ok   bool
	}{
		{"full private key", idgate.SigningKey{Algorithm: "EdDSA", Public: pub, Private: priv}, true},
		{"seed", idgate.SigningKey{Algorithm: "EdDSA", Public: pub, Private: priv.Seed()}, true},
		{"wrong algorithm", idgate.SigningKey{Algorithm: "RS256", Public: pub, Private: priv}, false},
		{"mismatched pair", idgate.SigningKey{Algorithm: "EdDSA", Public: otherPub, Private: priv}, false},
		{"short public", idgate.SigningKey{Algorithm: "EdDSA", Public: pub[:31], Private: priv}, false},
		{"no private", idgate.SigningKey{Algorithm: "EdDSA", Public: pub}, false},
	}
	for _, tt := range tests {
		_, err := parseSigningKey(&tt.key)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}

func FuzzVerifyAccessToken(f *testing.F) {
	fx := newFixture(f)
	valid := fx.token(f)
	key := fx.currentKey(f)
	f.Add(valid)
	f.Add("")
	f.Add("a.b.c")
	f.Add(craft(f, with(fx.validHeader(key), "alg", "none"), fx.validClaims(), func([]byte) []byte { return nil }))
	f.Add(craft(f, fx.validHeader(key), with(fx.validClaims(), "exp", "soon"), func(in []byte) []byte { return ed25519.Sign(key.private, in) }))
	f.Fuzz(func(t *testing.T, token string) {
		c, err := fx.auth.verifyAccessToken(context.Background(), token)
		if err != nil {
			if code := idgate.ErrorCode(err); code != idgate.EUNAUTHORIZED {
				t.Fatalf("err code = %q, want %q: %v", code, idgate.EUNAUTHORIZED, err)
			}
			return
		}
		// Only the key holder can make a token, and a token has one spelling.
		if token != valid {
			t.Fatalf("accepted a token idgate did not issue: %q", token)
		}
		if c.TenantID != fx.tenant.ID {
			t.Fatalf("tid = %q", c.TenantID)
		}
	})
}

func TestUnauthorizedErrorHidesReason(t *testing.T) {
	err := unauthorized(errSignature)
	if msg := idgate.ErrorMessage(err); strings.Contains(msg, "signature") {
		t.Errorf("client message %q reveals the reason", msg)
	}
	if !errors.Is(err, errSignature) {
		t.Error("reason lost for the logs")
	}
}

func TestRotateSigningKeysInvalidatingTokens(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	old := f.token(t)
	// A plain rotation first: the token's key is retired but verifies.
	if _, err := f.auth.RotateSigningKey(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.auth.AuthenticateBearer(ctx, old); err != nil {
		t.Fatal(err)
	}
	now := f.clock.Now()
	kid, err := RotateSigningKeys(ctx, f.store, now, now.Add(-f.auth.verifyWindow()-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	// A running server learns of it when its key cache expires.
	f.clock.Advance(keyCacheTTL)
	_, err = f.auth.AuthenticateBearer(ctx, old)
	wantUnauthorized(t, err, errUnknownKey)
	if got := kidOf(t, f.token(t)); got != kid {
		t.Errorf("signing with %s, want the new key %s", got, kid)
	}
}

func TestVerifiedTokenCache(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tok := f.token(t)
	if _, err := f.auth.AuthenticateBearer(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if f.auth.tokens.len() != 1 {
		t.Fatalf("cache holds %d tokens after one verification, want 1", f.auth.tokens.len())
	}
	// A refused token is never cached.
	f.auth.AuthenticateBearer(ctx, tok[:len(tok)-2]+"AA")
	if f.auth.tokens.len() != 1 {
		t.Errorf("cache holds %d tokens after a forged one, want 1", f.auth.tokens.len())
	}
	// Cached tokens are still checked for expiry and revocation.
	if err := RevokeCredential(ctx, f.store, f.tenant.ID, f.clientID, "test"); err != nil {
		t.Fatal(err)
	}
	_, err := f.auth.AuthenticateBearer(ctx, tok)
	wantUnauthorized(t, err, errRevoked)
}

func TestTokenCacheIsBounded(t *testing.T) {
	var c tokenCache
	expired, live := int64(100), int64(10_000)
	for i := range maxCachedTokens {
		exp := live
		if i%2 == 0 {
			exp = expired
		}
		c.put(strings.Repeat("t", i+1), cachedToken{claims: &claims{Expiry: &exp}}, 0)
	}
	if c.len() != maxCachedTokens {
		t.Fatalf("len = %d, want %d", c.len(), maxCachedTokens)
	}
	c.put("new", cachedToken{claims: &claims{Expiry: &live}}, 1000)
	if got, want := c.len(), maxCachedTokens/2+1; got != want {
		t.Errorf("after evicting expired tokens len = %d, want %d", got, want)
	}
	if _, ok := c.get("new"); !ok {
		t.Error("the new token was not kept")
	}
}
