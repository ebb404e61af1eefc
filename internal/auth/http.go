package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/idgate/idgate"
)

// maxTokenRequest bounds the token endpoint's body; a client credentials
// request is a few hundred bytes.
const maxTokenRequest = 8 << 10

// BearerToken returns the credential of an "Authorization: Bearer" header.
// The scheme is matched case-insensitively (RFC 9110 §11.1).
func BearerToken(r *http.Request) (string, bool) {
	scheme, value, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	value = strings.TrimSpace(value)
	return value, value != ""
}

// SubscriptionKeyHeader is Azure API Management's header, which Laboremus
// clients send.
const SubscriptionKeyHeader = "Ocp-Apim-Subscription-Key"

// SubscriptionKey returns the subscription key of a request: the
// Ocp-Apim-Subscription-Key header, else the query parameter of that name
// or APIM's own "subscription-key".
func SubscriptionKey(r *http.Request) (string, bool) {
	if v := r.Header.Get(SubscriptionKeyHeader); v != "" {
		return v, true
	}
	q := r.URL.Query()
	for _, name := range []string{SubscriptionKeyHeader, "subscription-key"} {
		if v := q.Get(name); v != "" {
			return v, true
		}
	}
	return "", false
}

// tokenError is an RFC 6749 §5.2 error response.
type tokenError struct {
	status      int
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func (e *tokenError) Error() string { return e.Code + ": " + e.Description }

func invalidRequest(desc string) *tokenError {
	return &tokenError{status: http.StatusBadRequest, Code: "invalid_request", Description: desc}
}

var errInvalidClient = &tokenError{status: http.StatusUnauthorized, Code: "invalid_client", Description: "client authentication failed"}

// TokenHandler serves the OAuth2 token endpoint (mount it at POST
// /oauth/token and POST /connect/token): the client credentials grant of
// RFC 6749 §4.4, with client_secret_basic or client_secret_post.
func TokenHandler(a *Authenticator) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, err := a.serveToken(w, r)
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Pragma", "no-cache")
		h.Set("Content-Type", "application/json;charset=UTF-8")
		if err != nil {
			te := a.tokenErrorFor(r, err)
			if te.status == http.StatusUnauthorized {
				h.Set("WWW-Authenticate", `Basic realm="idgate", charset="UTF-8"`)
			}
			if te.status == http.StatusMethodNotAllowed {
				h.Set("Allow", http.MethodPost)
			}
			w.WriteHeader(te.status)
			_ = json.NewEncoder(w).Encode(te)
			return
		}
		_ = json.NewEncoder(w).Encode(tok)
	})
}

// tokenErrorFor maps an error to the wire, logging what clients don't see.
func (a *Authenticator) tokenErrorFor(r *http.Request, err error) *tokenError {
	var te *tokenError
	if errors.As(err, &te) {
		return te
	}
	switch idgate.ErrorCode(err) {
	case idgate.EUNAUTHORIZED:
		a.cfg.Logger.InfoContext(r.Context(), "token request refused", "reason", errors.Unwrap(err))
		return errInvalidClient
	case idgate.EINVALID:
		var e *idgate.Error
		errors.As(err, &e)
		if e.Field == "scope" {
			return &tokenError{status: http.StatusBadRequest, Code: "invalid_scope", Description: e.Message}
		}
		return invalidRequest(e.Message)
	default:
		a.cfg.Logger.ErrorContext(r.Context(), "token request failed", "err", err)
		return &tokenError{status: http.StatusInternalServerError, Code: "server_error", Description: "the server could not issue a token"}
	}
}

func (a *Authenticator) serveToken(w http.ResponseWriter, r *http.Request) (Token, error) {
	if r.Method != http.MethodPost {
		return Token{}, &tokenError{status: http.StatusMethodNotAllowed, Code: "invalid_request", Description: "use POST"}
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		return Token{}, invalidRequest("the body must be application/x-www-form-urlencoded")
	}
	// Secrets in the URL end up in access logs and browser history.
	if q := r.URL.Query(); q.Has("client_secret") {
		return Token{}, invalidRequest("client_secret must not be sent in the URL")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxTokenRequest)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return Token{}, &tokenError{status: http.StatusRequestEntityTooLarge, Code: "invalid_request", Description: "request body too large"}
		}
		return Token{}, invalidRequest("the body is not valid form encoding")
	}
	form := r.PostForm
	for name, values := range form {
		if len(values) > 1 {
			return Token{}, invalidRequest("parameter " + name + " is repeated")
		}
	}
	switch grant := form.Get("grant_type"); grant {
	case "":
		return Token{}, invalidRequest("grant_type is required")
	case "client_credentials":
	default:
		return Token{}, &tokenError{status: http.StatusBadRequest, Code: "unsupported_grant_type",
			Description: "only the client_credentials grant is supported"}
	}
	id, secret, err := clientCredentials(r, form)
	if err != nil {
		return Token{}, err
	}
	return a.IssueToken(r.Context(), id, secret, form.Get("scope"))
}

// clientCredentials reads the client's id and secret from HTTP Basic
// (client_secret_basic) or the form (client_secret_post); using both is an
// error (RFC 6749 §2.3).
func clientCredentials(r *http.Request, form url.Values) (id, secret string, err error) {
	header := r.Header.Get("Authorization")
	formSecret := form.Get("client_secret")
	if header == "" {
		if form.Get("client_id") == "" || formSecret == "" {
			return "", "", errInvalidClient
		}
		return form.Get("client_id"), formSecret, nil
	}
	if formSecret != "" {
		return "", "", invalidRequest("use one client authentication method, not both")
	}
	id, secret, ok := basicCredentials(header)
	if !ok {
		return "", "", errInvalidClient
	}
	if formID := form.Get("client_id"); formID != "" && formID != id {
		return "", "", invalidRequest("client_id does not match the Authorization header")
	}
	return id, secret, nil
}

// basicCredentials decodes an HTTP Basic header whose user and password
// are form-urlencoded, as RFC 6749 §2.3.1 requires for OAuth clients.
func basicCredentials(header string) (id, secret string, ok bool) {
	scheme, encoded, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	if err != nil {
		return "", "", false
	}
	user, pass, found := strings.Cut(string(raw), ":")
	if !found {
		return "", "", false
	}
	user, err1 := url.QueryUnescape(user)
	pass, err2 := url.QueryUnescape(pass)
	if err1 != nil || err2 != nil || user == "" || pass == "" {
		return "", "", false
	}
	return user, pass, true
}
