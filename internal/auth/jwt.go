package auth

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Access tokens are JWS compact serialisations (RFC 7515) of a JWT (RFC
// 7519) signed with Ed25519 (RFC 8037 "EdDSA"), typed "at+jwt" as in RFC
// 9068. Only what idgate issues is accepted: one algorithm, one type, no
// critical extensions, canonical base64url, bounded size.

const (
	algEdDSA     = "EdDSA"
	tokenType    = "at+jwt"
	maxTokenSize = 4096 // idgate's tokens are about 450 bytes
)

// Reasons a token is refused. They end up in idgate.Error.Err (logged,
// never shown), so clients always see the same message.
var (
	errMalformed     = errors.New("malformed token")
	errAlgorithm     = errors.New("token algorithm not allowed")
	errTokenType     = errors.New("token type not allowed")
	errCritical      = errors.New("token has critical header parameters")
	errUnknownKey    = errors.New("token signing key unknown")
	errRetiredKey    = errors.New("token signing key retired too long ago")
	errSignature     = errors.New("token signature invalid")
	errExpired       = errors.New("token expired")
	errNotYetValid   = errors.New("token not yet valid")
	errIssuedFuture  = errors.New("token issued in the future")
	errIssuer        = errors.New("token issuer mismatch")
	errAudience      = errors.New("token audience mismatch")
	errMissingClaims = errors.New("token misses required claims")
)

type jwsHeader struct {
	Alg  string   `json:"alg"`
	Kid  string   `json:"kid"`
	Typ  string   `json:"typ"`
	Crit []string `json:"crit,omitempty"`
}

// claims are the JWT claims idgate puts in an access token.
type claims struct {
	Issuer    string `json:"iss"`
	Subject   string `json:"sub"` // credential id
	Audience  string `json:"aud"` // a single string: idgate issues no other form
	TenantID  string `json:"tid"`
	ClientID  string `json:"client_id"`
	Scope     string `json:"scope,omitempty"`
	IssuedAt  *int64 `json:"iat"`
	NotBefore *int64 `json:"nbf,omitempty"`
	Expiry    *int64 `json:"exp"`
	ID        string `json:"jti"`
}

var b64 = base64.RawURLEncoding.Strict()

// signJWS returns the compact serialisation of c signed by key.
func signJWS(kid string, key ed25519.PrivateKey, c *claims) (string, error) {
	header, err := json.Marshal(jwsHeader{Alg: algEdDSA, Kid: kid, Typ: tokenType})
	if err != nil {
		return "", fmt.Errorf("encode token header: %w", err)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encode token claims: %w", err)
	}
	input := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	return input + "." + b64.EncodeToString(ed25519.Sign(key, []byte(input))), nil
}

// parsedJWS is a token split and decoded but not yet verified.
type parsedJWS struct {
	header       jwsHeader
	payload      []byte
	signingInput string
	signature    []byte
}

// parseJWS splits and decodes a compact JWS and checks its header against
// what idgate issues. The algorithm is checked here, before any key is
// looked up, so "none", HS256-with-the-public-key and the like never reach
// a verifier.
func parseJWS(token string) (*parsedJWS, error) {
	if len(token) > maxTokenSize {
		return nil, errMalformed
	}
	h, rest, ok := strings.Cut(token, ".")
	if !ok {
		return nil, errMalformed
	}
	p, s, ok := strings.Cut(rest, ".")
	if !ok || strings.Contains(s, ".") {
		return nil, errMalformed
	}
	headerJSON, err := decodeSegment(h)
	if err != nil {
		return nil, err
	}
	var header jwsHeader
	if err := json.Unmarshal(headerJSON, &header); err != nil {
		return nil, errMalformed
	}
	if header.Alg != algEdDSA {
		return nil, errAlgorithm
	}
	if header.Typ != tokenType {
		return nil, errTokenType
	}
	if header.Crit != nil {
		return nil, errCritical
	}
	payload, err := decodeSegment(p)
	if err != nil {
		return nil, err
	}
	sig, err := decodeSegment(s)
	if err != nil {
		return nil, err
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, errSignature
	}
	return &parsedJWS{header: header, payload: payload, signingInput: token[:len(h)+1+len(p)], signature: sig}, nil
}

// decodeSegment decodes canonical unpadded base64url. The alphabet is
// checked first because the decoder skips CR and LF, which would let one
// token be written several ways.
func decodeSegment(s string) ([]byte, error) {
	if s == "" {
		return nil, errMalformed
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' {
			return nil, errMalformed
		}
	}
	b, err := b64.DecodeString(s)
	if err != nil {
		return nil, errMalformed
	}
	return b, nil
}

// verify checks the signature with pub and decodes the claims.
func (t *parsedJWS) verify(pub ed25519.PublicKey) (*claims, error) {
	if !ed25519.Verify(pub, []byte(t.signingInput), t.signature) {
		return nil, errSignature
	}
	var c claims
	if err := json.Unmarshal(t.payload, &c); err != nil {
		return nil, errMalformed
	}
	if c.IssuedAt == nil || c.Expiry == nil || c.Subject == "" || c.TenantID == "" {
		return nil, errMissingClaims
	}
	return &c, nil
}
