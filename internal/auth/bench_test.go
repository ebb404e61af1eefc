package auth

import (
	"context"
	"testing"
)

// The per-request cost of authentication, with an in-memory store so the
// numbers show idgate's own work (hashing, parsing, Ed25519).

func BenchmarkAuthenticateAPIKey(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := f.auth.AuthenticateAPIKey(ctx, f.apiKey); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAuthenticateAccessToken(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	tok := f.token(b)
	for b.Loop() {
		if _, err := f.auth.AuthenticateBearer(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIssueToken(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := f.auth.IssueToken(ctx, f.clientID, f.clientSecret, ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRefuseForgedToken(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	tok := []byte(f.token(b))
	tok[len(tok)-5] ^= 1 // still base64url: flips one signature bit
	forged := string(tok)
	for b.Loop() {
		if _, err := f.auth.AuthenticateBearer(ctx, forged); err == nil {
			b.Fatal("forged token accepted")
		}
	}
}

// BenchmarkAuthenticateNewAccessToken measures a token's first use: the
// full parse and Ed25519 verification, without the verified-token cache.
func BenchmarkAuthenticateNewAccessToken(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	tok := f.token(b)
	for b.Loop() {
		f.auth.tokens.mu.Lock()
		clear(f.auth.tokens.entries)
		f.auth.tokens.mu.Unlock()
		if _, err := f.auth.AuthenticateBearer(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}
