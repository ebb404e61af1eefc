// Package laboremus serves idgate's Laboremus Streamline dialect: Uganda
// national ID card verification requests (NIRA), created with POST
// /idv/api/requests (one, or several sharing a multipleReferenceId), read
// with GET /idv/api/requests/{id} and listed with GET /idv/api/requests,
// with the vendor's field casing, its Bearer token AND
// Ocp-Apim-Subscription-Key authentication, its API versions and its two
// error envelopes (problem details for 400, {"error":{code,message}}
// otherwise), so that a client written against Laboremus works unchanged.
//
// Requests are asynchronous: they are stored Pending with their job
// (internal/jobs) and move to Completed or Failed when NIRA — idgate's
// registry — has answered. The package translates into and out of the
// core and holds no business logic. README.md quotes the vendor page and
// records the decisions it leaves open, among them the create call.
package laboremus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/httpx"
	"github.com/idgate/idgate/internal/jobs"
)

// Defaults for Config.
const (
	DefaultMaxBodyBytes = 256 << 10
	DefaultPageSize     = 20
	MaxPageSize         = 100
)

// Config tunes the dialect. Zero fields take the defaults above.
type Config struct {
	MaxBodyBytes int64
	MaxBatch     int // requests per multiple create
}

// Authenticator checks both credentials of a request. *auth.Authenticator
// implements it.
type Authenticator interface {
	// AuthenticateBearer returns the principal of a bearer value (access
	// token or API key). Errors: EUNAUTHORIZED.
	AuthenticateBearer(ctx context.Context, value string) (*idgate.Principal, error)
	// AuthenticateSubscriptionKey returns the principal of a subscription
	// key. Errors: EUNAUTHORIZED.
	AuthenticateSubscriptionKey(ctx context.Context, key string) (*idgate.Principal, error)
}

// Submitter stores requests Pending with their verification jobs.
// *jobs.Runner implements it.
type Submitter interface {
	Submit(ctx context.Context, p *idgate.Principal, reqs []idgate.VerificationRequest, groupID string) ([]*idgate.Verification, error)
}

// Verifications reads a tenant's verifications. *verify.Service implements it.
type Verifications interface {
	Get(ctx context.Context, p *idgate.Principal, id string) (*idgate.Verification, error)
	List(ctx context.Context, p *idgate.Principal, f idgate.VerificationFilter) ([]*idgate.Verification, string, error)
}

// Handler serves the dialect's routes. Its fields are set once at start-up.
type Handler struct {
	Submitter     Submitter
	Verifications Verifications
	Auth          Authenticator
	Config        Config
	Logger        *slog.Logger // internal errors with an error id; never PII
	Now           idgate.Clock
}

// Routes returns the dialect's routes as ServeMux patterns. Unknown paths
// under /idv/api/ answer the vendor's 404 envelope.
func Routes(h *Handler) map[string]http.Handler {
	return map[string]http.Handler{
		"POST /idv/api/requests":     h.authenticated(h.create),
		"GET /idv/api/requests":      h.authenticated(h.list),
		"GET /idv/api/requests/{id}": h.authenticated(h.get),
		"/idv/api/":                  h.handle(func(http.ResponseWriter, *http.Request) error { return errNoRoute }),
	}
}

// Register mounts Routes(h) on mux.
func Register(mux *http.ServeMux, h *Handler) {
	for pattern, handler := range Routes(h) {
		mux.Handle(pattern, handler)
	}
}

var errNoRoute = idgate.Errorf(idgate.ENOTFOUND, "The requested resource does not exist.")

func (h *Handler) handle(fn httpx.HandlerFunc) http.Handler {
	return httpx.Handle(h.writeError, fn)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now().UTC()
	}
	return time.Now().UTC()
}

// Refusals of the authentication step. APIM's wording for the key.
var (
	errMissingKey    = idgate.Errorf(idgate.EUNAUTHORIZED, "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.")
	errInvalidKey    = idgate.Errorf(idgate.EUNAUTHORIZED, "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.")
	errMissingBearer = idgate.Errorf(idgate.EUNAUTHORIZED, "Access denied due to missing access token. Send an Authorization: Bearer header with a token from the token endpoint.")
	errInvalidBearer = idgate.Errorf(idgate.EUNAUTHORIZED, "Access denied due to an invalid or expired access token.")
	errTenantsDiffer = idgate.Errorf(idgate.EFORBIDDEN, "The access token and the subscription key belong to different accounts.")
)

// authenticated requires both the subscription key and the bearer token,
// of the same tenant, then a supported API version. The bearer's
// principal is the initiator.
func (h *Handler) authenticated(fn func(http.ResponseWriter, *http.Request, *idgate.Principal) error) http.Handler {
	return h.handle(func(w http.ResponseWriter, r *http.Request) error {
		key, ok := auth.SubscriptionKey(r)
		if !ok {
			return errMissingKey
		}
		byKey, err := h.Auth.AuthenticateSubscriptionKey(r.Context(), key)
		if err != nil {
			return refusal(err, errInvalidKey)
		}
		token, ok := auth.BearerToken(r)
		if !ok {
			return errMissingBearer
		}
		p, err := h.Auth.AuthenticateBearer(r.Context(), token)
		if err != nil {
			return refusal(err, errInvalidBearer)
		}
		if p.Tenant.ID != byKey.Tenant.ID {
			return errTenantsDiffer
		}
		if err := checkVersion(r); err != nil {
			return err
		}
		return fn(w, r.WithContext(idgate.NewContext(r.Context(), p)), p)
	})
}

// refusal replaces an authentication failure with the dialect's message;
// other errors (the store is down) pass through.
func refusal(err, as error) error {
	if idgate.ErrorCode(err) == idgate.EUNAUTHORIZED {
		return &idgate.Error{Code: idgate.EUNAUTHORIZED, Message: idgate.ErrorMessage(as), Err: err}
	}
	return err
}

// Supported API versions; both are served alike.
var versions = map[string]string{"1": "1.0", "1.0": "1.0", "2": "2.0", "2.0": "2.0"}

// checkVersion reads the API version from the api-version or v query
// parameter or the x-version header: one is required, all given must
// agree, and it must be 1.0 or 2.0.
func checkVersion(r *http.Request) error {
	q := r.URL.Query()
	var given []string
	given = append(given, q["api-version"]...)
	given = append(given, q["v"]...)
	given = append(given, r.Header.Values("x-version")...)
	var version string
	for _, g := range given {
		v, ok := versions[strings.TrimSpace(g)]
		if !ok {
			return invalid("api-version", "The API version '%s' is not supported. Supported versions: 1.0, 2.0.", httpx.Truncate(g, 16))
		}
		if version != "" && v != version {
			return invalid("api-version", "The API version was given more than once with different values (%s, %s).", version, v)
		}
		version = v
	}
	if version == "" {
		return invalid("api-version", "An API version is required: add ?api-version=2.0 (or ?v=2.0, or an x-version header). Supported versions: 1.0, 2.0.")
	}
	return nil
}

func (h *Handler) maxBodyBytes() int64 {
	if h.Config.MaxBodyBytes > 0 {
		return h.Config.MaxBodyBytes
	}
	return DefaultMaxBodyBytes
}

func (h *Handler) maxBatch() int {
	if h.Config.MaxBatch > 0 {
		return h.Config.MaxBatch
	}
	return DefaultMaxBatch
}

// consentReason is recorded as the audited reason of every request: the
// vendor's API has no consent or purpose field, so the subscription's
// standing terms stand for both (see README.md).
const consentReason = "Laboremus ID verification request (consent under the subscription terms)"

// create stores one request (an object) or several (an array, sharing a
// new multipleReferenceId) and answers 201 with them, Pending.
func (h *Handler) create(w http.ResponseWriter, r *http.Request, p *idgate.Principal) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBodyBytes()))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return idgate.Errorf(idgate.ETOOLARGE, "The request body is larger than %d bytes.", h.maxBodyBytes())
		}
		return fmt.Errorf("read body: %w", err)
	}
	creates, multiple, err := decodeCreate(body, h.maxBatch(), h.now())
	if err != nil {
		return err
	}
	reqs := make([]idgate.VerificationRequest, len(creates))
	for i, c := range creates {
		reqs[i] = toCore(c, &p.Credential.User)
	}
	group := ""
	if multiple {
		group = idgate.NewID()
	}
	vs, err := h.Submitter.Submit(r.Context(), p, reqs, group)
	if err != nil {
		return batchError(err, multiple)
	}
	if !multiple {
		w.Header().Set("Location", "/idv/api/requests/"+vs[0].ID+"?v=2.0")
		httpx.WriteJSON(w, http.StatusCreated, Encode(vs[0]))
		return nil
	}
	out := make([]Request, len(vs))
	for i, v := range vs {
		out[i] = Encode(v)
	}
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

// coreFields maps the core's field names to the dialect's properties.
var coreFields = map[string]string{
	"number": "nin", "idType": "nin", "firstNames": "givenNames", "lastName": "surname",
	"middleName": "otherNames", "birthDate": "dateOfBirth",
}

// batchError turns a refused request into a 400 on its property.
func batchError(err error, multiple bool) error {
	var be *jobs.BatchError
	if !errors.As(err, &be) {
		return err
	}
	var ie *idgate.Error
	if !errors.As(be.Err, &ie) || ie.Code != idgate.EINVALID {
		return be.Err
	}
	prop := coreFields[ie.Field]
	if prop == "" {
		prop = "$"
	}
	if multiple {
		prop = fmt.Sprintf("[%d].%s", be.Index, prop)
	}
	return invalid(prop, "%s", ie.Message)
}

// extra is the dialect's data kept with each request: the card number
// (read by the worker) and who initiated it.
type extra struct {
	jobs.UgandaCard
	Initiator *initiator `json:"initiator,omitempty"`
}

type initiator struct {
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

func toCore(c CreateRequest, u *idgate.User) idgate.VerificationRequest {
	ex := extra{UgandaCard: jobs.UgandaCard{CardNumber: c.CardNumber}}
	if u.ID != "" || u.Email != "" || u.FirstName != "" || u.LastName != "" {
		ex.Initiator = &initiator{ID: u.ID, Name: strings.TrimSpace(u.FirstName + " " + u.LastName), Email: u.Email}
	}
	return idgate.VerificationRequest{
		Dialect: idgate.DialectLaboremus, Country: idgate.Uganda, IDType: idgate.NIN, Number: c.NIN,
		Consent: true, Reason: consentReason, Checks: idgate.Checks{Names: true},
		Subject: idgate.Subject{FirstNames: c.GivenNames, MiddleName: c.OtherNames, LastName: c.Surname, BirthDate: c.DateOfBirth},
		Extra:   mustJSON(ex),
	}
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// get answers one request of the caller's tenant; another tenant's, or a
// verification made through another API, is 404 like an unknown id.
func (h *Handler) get(w http.ResponseWriter, r *http.Request, p *idgate.Principal) error {
	id := r.PathValue("id")
	if !uuidPattern.MatchString(id) {
		return invalid("id", "The id '%s' is not valid: it must be a UUID.", httpx.Truncate(id, 40))
	}
	v, err := h.Verifications.Get(r.Context(), p, strings.ToLower(id))
	if err != nil {
		return err
	}
	if v.Request.Dialect != idgate.DialectLaboremus {
		return idgate.Errorf(idgate.ENOTFOUND, "verification of another dialect")
	}
	httpx.WriteJSON(w, http.StatusOK, Encode(v))
	return nil
}

// listParams are the query parameters list accepts; anything else is a 400.
var listParams = map[string]bool{
	"status": true, "multipleReferenceId": true, "from": true, "to": true, "pageSize": true, "continuationToken": true,
	"api-version": true, "v": true, auth.SubscriptionKeyHeader: true, "subscription-key": true,
}

// list answers a page of the tenant's requests, newest first, filtered by
// status, multipleReferenceId and a receivedAt range.
func (h *Handler) list(w http.ResponseWriter, r *http.Request, p *idgate.Principal) error {
	f, err := listFilter(r.URL.Query())
	if err != nil {
		return err
	}
	vs, next, err := h.Verifications.List(r.Context(), p, f)
	if err != nil {
		if idgate.ErrorCode(err) == idgate.EINVALID {
			return invalid("continuationToken", "The continuationToken is not valid.")
		}
		return err
	}
	page := RequestPage{Items: make([]Request, 0, len(vs)), PageSize: f.Limit}
	for _, v := range vs {
		page.Items = append(page.Items, Encode(v))
	}
	if next != "" {
		page.ContinuationToken = &next
	}
	httpx.WriteJSON(w, http.StatusOK, page)
	return nil
}

func listFilter(q url.Values) (idgate.VerificationFilter, error) {
	f := idgate.VerificationFilter{Dialect: idgate.DialectLaboremus, Country: idgate.Uganda, Limit: DefaultPageSize}
	verr := &validationError{}
	for k := range q {
		if !listParams[k] {
			verr.add(k, "Unknown query parameter '%s'.", httpx.Truncate(k, 40))
		}
	}
	switch s := q.Get("status"); strings.ToLower(s) {
	case "":
	case "pending":
		f.Status = idgate.StatusPending
	case "completed":
		f.Status = idgate.StatusCompleted
	case "failed":
		f.Status = idgate.StatusFailed
	default:
		verr.add("status", "The status '%s' is not valid: use Pending, Completed or Failed.", httpx.Truncate(s, 20))
	}
	if g := q.Get("multipleReferenceId"); g != "" {
		if !uuidPattern.MatchString(g) {
			verr.add("multipleReferenceId", "The multipleReferenceId must be a UUID.")
		}
		f.GroupID = strings.ToLower(g)
	}
	var err error
	if f.From, err = parseTime(q.Get("from"), false); err != nil {
		verr.add("from", "The from date must be a date (YYYY-MM-DD) or a date-time (RFC 3339).")
	}
	if f.To, err = parseTime(q.Get("to"), true); err != nil {
		verr.add("to", "The to date must be a date (YYYY-MM-DD) or a date-time (RFC 3339).")
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		verr.add("to", "The to date must not be before the from date.")
	}
	if s := q.Get("pageSize"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxPageSize {
			verr.add("pageSize", "The pageSize must be a whole number from 1 to %d.", MaxPageSize)
		}
		f.Limit = n
	}
	f.Cursor = q.Get("continuationToken")
	if !verr.empty() {
		return f, verr
	}
	return f, nil
}

// parseTime reads a date or a date-time. The range is [from, to): a date
// as its end stands for the start of the next day, so the day is included.
func parseTime(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, err
	}
	if end {
		return d.Add(24 * time.Hour), nil
	}
	return d, nil
}
