package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/httpx"
)

// verificationRequest is the native API's request body.
type verificationRequest struct {
	Country    string             `json:"country"`
	IDType     string             `json:"idType"`
	Number     string             `json:"number"`
	Consent    bool               `json:"consent"`
	Reason     string             `json:"reason"`
	Subject    idgate.Subject     `json:"subject"`
	Selfie     string             `json:"selfie"` // base64 or a data URI
	Checks     idgate.Checks      `json:"checks"`
	Cache      idgate.CachePolicy `json:"cache"`
	ClientRef  string             `json:"clientRef"`
	Subsidiary string             `json:"subsidiary"`
}

// verificationView is how the native API shows a verification.
type verificationView struct {
	ID        string                 `json:"id"`
	Status    idgate.Status          `json:"status"`
	Dialect   idgate.Dialect         `json:"dialect"`
	Country   idgate.Country         `json:"country"`
	IDType    idgate.IDType          `json:"idType"`
	Number    string                 `json:"number"`
	ClientRef string                 `json:"clientRef,omitempty"`
	Outcome   idgate.Outcome         `json:"outcome,omitempty"`
	Cached    bool                   `json:"cached"`
	CacheDate *time.Time             `json:"cacheDate,omitempty"`
	Record    *idgate.Record         `json:"record,omitempty"`
	Names     *idgate.NameScores     `json:"names,omitempty"`
	Face      *faceView              `json:"face,omitempty"`
	Liveness  *idgate.LivenessResult `json:"liveness,omitempty"`
	Fraud     *idgate.FraudScreening `json:"fraud,omitempty"`
	Error     *errorView             `json:"error,omitempty"`
	Price     int64                  `json:"price"`
	CreatedAt time.Time              `json:"createdAt"`
	UpdatedAt time.Time              `json:"updatedAt"`
}

type faceView struct {
	Similarity float64 `json:"similarity"`
	Confidence float64 `json:"confidence"`
	Match      bool    `json:"match"`
	Threshold  float64 `json:"threshold"`
}

type errorView struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (s *Server) createVerification(w http.ResponseWriter, r *http.Request) error {
	var in verificationRequest
	if err := httpx.DecodeJSON(w, r, s.MaxBody, true, &in); err != nil {
		return err
	}
	req := idgate.VerificationRequest{
		Dialect: idgate.DialectNative, Country: idgate.Country(in.Country), IDType: idgate.IDType(in.IDType),
		Number: in.Number, Consent: in.Consent, Reason: in.Reason, Subject: in.Subject,
		Checks: in.Checks, Cache: in.Cache, ClientRef: in.ClientRef, Subsidiary: in.Subsidiary,
		IdempotencyKey: r.Header.Get("Idempotency-Key"),
	}
	if in.Selfie != "" {
		img, err := httpx.DecodeImage("selfie", in.Selfie)
		if err != nil {
			return err
		}
		req.Selfie = img
	}
	if len(req.IdempotencyKey) > 255 {
		return idgate.FieldError("Idempotency-Key", "Idempotency-Key is longer than 255 characters")
	}
	p, err := httpx.Principal(r)
	if err != nil {
		return err
	}
	v, err := s.Verify.Verify(r.Context(), p, req)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, newVerificationView(v))
	return nil
}

func (s *Server) getVerification(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Principal(r)
	if err != nil {
		return err
	}
	v, err := s.Verify.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newVerificationView(v))
	return nil
}

// listQueryParams are the query parameters GET /v1/verifications reads;
// any other is refused so a typo does not silently widen the result.
var listQueryParams = map[string]bool{
	"country": true, "status": true, "outcome": true, "dialect": true, "groupId": true,
	"from": true, "to": true, "cursor": true, "limit": true,
}

func (s *Server) listVerifications(w http.ResponseWriter, r *http.Request) error {
	f, err := parseFilter(r)
	if err != nil {
		return err
	}
	p, err := httpx.Principal(r)
	if err != nil {
		return err
	}
	list, next, err := s.Verify.List(r.Context(), p, f)
	if err != nil {
		return err
	}
	views := make([]verificationView, 0, len(list))
	for _, v := range list {
		views = append(views, newVerificationView(v))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"data": views, "nextCursor": next})
	return nil
}

func parseFilter(r *http.Request) (idgate.VerificationFilter, error) {
	q := r.URL.Query()
	for k := range q {
		if !listQueryParams[k] {
			return idgate.VerificationFilter{}, idgate.FieldError(k, "unknown query parameter %q", httpx.Truncate(k, 32))
		}
	}
	f := idgate.VerificationFilter{
		Country: idgate.Country(strings.ToUpper(q.Get("country"))),
		Status:  idgate.Status(q.Get("status")),
		Outcome: idgate.Outcome(q.Get("outcome")),
		Dialect: idgate.Dialect(q.Get("dialect")),
		GroupID: q.Get("groupId"),
		Cursor:  q.Get("cursor"),
	}
	var err error
	if f.From, err = parseTime("from", q.Get("from")); err != nil {
		return f, err
	}
	if f.To, err = parseTime("to", q.Get("to")); err != nil {
		return f, err
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			return f, idgate.FieldError("limit", "limit must be a whole number from 1 to 100")
		}
		f.Limit = n
	}
	return f, nil
}

func parseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, idgate.FieldError(field, "%s must be an RFC 3339 time or a YYYY-MM-DD date", field)
}

func newVerificationView(v *idgate.Verification) verificationView {
	view := verificationView{
		ID: v.ID, Status: v.Status, Dialect: v.Request.Dialect, Country: v.Request.Country,
		IDType: v.Request.IDType, Number: v.Request.Number, ClientRef: v.Request.ClientRef,
		Price: v.Price, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt,
	}
	res := v.Result
	if res == nil {
		return view
	}
	view.Outcome, view.Cached, view.CacheDate = res.Outcome, res.Cached, res.CacheDate
	view.Names, view.Liveness, view.Fraud = res.Names, res.Liveness, screeningView(res.Fraud)
	if res.Face != nil {
		view.Face = &faceView{Similarity: res.Face.Similarity, Confidence: res.Face.Confidence, Match: res.Face.Match, Threshold: res.Face.Threshold}
	}
	if res.ErrorCode != "" || res.ErrorMessage != "" {
		view.Error = &errorView{Code: res.ErrorCode, Message: res.ErrorMessage}
	}
	if res.Record != nil {
		rec := *res.Record
		if !v.Request.Checks.Photo {
			rec.Photo = nil
		}
		view.Record = &rec
	}
	return view
}

func notFound(w http.ResponseWriter, r *http.Request) error {
	return idgate.Errorf(idgate.ENOTFOUND, "no such route: %s %s", r.Method, httpx.Truncate(r.URL.Path, 100))
}

// screeningView shows fraud listings without who filed them: screening sees
// every tenant's filings, but a filer's identity is not another tenant's
// business.
func screeningView(f *idgate.FraudScreening) *idgate.FraudScreening {
	if f == nil {
		return nil
	}
	out := &idgate.FraudScreening{Unavailable: f.Unavailable, Listings: make([]idgate.FraudListing, len(f.Listings))}
	for i, l := range f.Listings {
		l.TenantID = ""
		out.Listings[i] = l
	}
	return out
}
