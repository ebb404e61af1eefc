package verify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/namematch"
)

// Check looks the request's number up and runs the requested checks. It
// stores nothing; Verify and the asynchronous worker store what it returns.
// The request must have passed Validate.
func (s *Service) Check(ctx context.Context, req *idgate.VerificationRequest) (*idgate.Result, error) {
	rec, res, err := s.lookup(ctx, req)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return res, nil
	}
	res.Record = rec
	if req.Checks.Names && !rec.PhotoOnly {
		res.Names = s.scoreNames(&req.Subject, rec)
	}
	if err := s.checkFace(ctx, req, rec, res); err != nil {
		return nil, err
	}
	if req.Checks.Fraud {
		screening, err := s.screenFraud(ctx, req)
		if err != nil {
			return nil, err
		}
		res.Fraud = screening
	}
	return res, nil
}

// lookup asks the registry and the identity cache as the cache policy says.
// A nil record with a result means the registry answered "no such record".
func (s *Service) lookup(ctx context.Context, req *idgate.VerificationRequest) (*idgate.Record, *idgate.Result, error) {
	pol := req.Cache
	if pol.Only || (pol.Allow && pol.Preferred) {
		rec, at, err := s.cached(ctx, req)
		switch {
		case err == nil:
			return rec, &idgate.Result{Outcome: outcomeOf(rec), Cached: true, CacheDate: &at}, nil
		case pol.Only && idgate.ErrorCode(err) == idgate.ENOTFOUND:
			return nil, nil, ErrNoCache
		case idgate.ErrorCode(err) != idgate.ENOTFOUND:
			return nil, nil, err
		}
	}
	refresh := s.cacheRefreshDue(req)
	// The cache keeps the photo so that it can answer photo requests and
	// face matches during an outage: a refresh asks for it too.
	q := idgate.Query{Country: req.Country, IDType: req.IDType, Number: req.Number,
		Photo: req.Checks.Photo || req.Checks.Face || refresh}
	rec, err := s.Source.Lookup(ctx, q)
	switch idgate.ErrorCode(err) {
	case "":
		if err := s.refreshCache(ctx, refresh, rec); err != nil {
			return nil, nil, err
		}
		return rec, &idgate.Result{Outcome: outcomeOf(rec)}, nil
	case idgate.ENOTFOUND:
		return nil, &idgate.Result{Outcome: idgate.OutcomeNotFound, ErrorMessage: idgate.ErrorMessage(err)}, nil
	case idgate.EUNAVAILABLE:
		if !pol.Allow {
			return nil, nil, err
		}
		rec, at, cerr := s.cached(ctx, req)
		if cerr != nil {
			if idgate.ErrorCode(cerr) == idgate.ENOTFOUND {
				return nil, nil, err
			}
			return nil, nil, cerr
		}
		return rec, &idgate.Result{Outcome: outcomeOf(rec), Cached: true, CacheDate: &at}, nil
	default:
		if code := registryErrorCode(err); code != "" {
			return nil, &idgate.Result{Outcome: idgate.OutcomeRegistryError, ErrorCode: code, ErrorMessage: idgate.ErrorMessage(err)}, nil
		}
		return nil, nil, fmt.Errorf("registry lookup: %w", err)
	}
}

// cacheRefreshDue reports whether the number's identity-cache entry should
// be rewritten by this lookup. A number looked up again within cacheRefresh
// is not rewritten: the cached copy is at most that much older than the
// registry, and the write (with the photo) is the costliest part of a lookup.
func (s *Service) cacheRefreshDue(req *idgate.VerificationRequest) bool {
	last, ok := s.cacheWrites.Load(cacheKey(req.Country, req.IDType, req.Number))
	return !ok || s.now().Sub(last.(time.Time)) >= cacheRefresh
}

// refreshCache stores a live answer in the identity cache when due.
func (s *Service) refreshCache(ctx context.Context, due bool, rec *idgate.Record) error {
	if !due || rec.PhotoOnly {
		return nil
	}
	now := s.now()
	if err := s.Store.PutCachedRecord(ctx, rec, now); err != nil {
		return fmt.Errorf("cache registry answer: %w", err)
	}
	if s.cacheWriteCount.Add(1) > maxTrackedCacheWrites {
		s.cacheWrites.Clear() // bound the memory; the cost is a few extra writes
		s.cacheWriteCount.Store(0)
	}
	s.cacheWrites.Store(cacheKey(rec.Country, rec.IDType, rec.Number), now)
	return nil
}

func cacheKey(c idgate.Country, t idgate.IDType, number string) string {
	return string(c) + "/" + string(t) + "/" + number
}

// cacheRefresh is how often one number's cached answer is rewritten, and
// maxTrackedCacheWrites bounds the numbers remembered for that.
const (
	cacheRefresh          = 10 * time.Minute
	maxTrackedCacheWrites = 100_000
)

// cached returns a cached record younger than the TTL.
func (s *Service) cached(ctx context.Context, req *idgate.VerificationRequest) (*idgate.Record, time.Time, error) {
	rec, at, err := s.Store.CachedRecord(ctx, req.Country, req.IDType, req.Number)
	if err != nil {
		return nil, time.Time{}, err
	}
	if s.now().Sub(at) > s.cacheTTL() {
		return nil, time.Time{}, idgate.Errorf(idgate.ENOTFOUND, "cached record has expired")
	}
	return rec, at, nil
}

// ErrNoCache answers a cache-only request for a number with no usable
// cached record.
var ErrNoCache = &idgate.Error{Code: idgate.EUNAVAILABLE, Message: "no cache record found"}

// RegistryError is returned by a Source when the registry answered with an
// error of its own (NIRA error codes); the verification then completes with
// OutcomeRegistryError instead of failing the request.
type RegistryError struct {
	Code    string
	Message string
}

func (e *RegistryError) Error() string {
	return fmt.Sprintf("registry error %s: %s", e.Code, e.Message)
}

func registryErrorCode(err error) string {
	var re *RegistryError
	if errors.As(err, &re) {
		return re.Code
	}
	return ""
}

func outcomeOf(rec *idgate.Record) idgate.Outcome {
	switch {
	case rec.PhotoOnly:
		return idgate.OutcomePhotoOnly
	case rec.ZA != nil && rec.ZA.MarkedForDeletion:
		return idgate.OutcomeMarkedForDeletion
	default:
		return idgate.OutcomeFound
	}
}

func (s *Service) scoreNames(sub *idgate.Subject, rec *idgate.Record) *idgate.NameScores {
	ns := &idgate.NameScores{Threshold: s.nameThreshold()}
	if sub.FirstNames != "" {
		ns.FirstNames = namematch.Score(sub.FirstNames, rec.FirstNames)
	}
	if sub.LastName != "" {
		ns.LastName = namematch.Score(sub.LastName, rec.LastName)
	}
	if sub.MiddleName != "" {
		m := namematch.Score(sub.MiddleName, rec.MiddleNames)
		ns.MiddleName = &m
	}
	if sub.BirthDate != "" {
		match := sub.BirthDate == rec.BirthDate
		ns.BirthDateMatch = &match
	}
	return ns
}

func (s *Service) checkFace(ctx context.Context, req *idgate.VerificationRequest, rec *idgate.Record, res *idgate.Result) error {
	if both, ok := s.Face.(idgate.FaceAndLivenessEngine); ok && req.Checks.Face && req.Checks.Liveness && len(rec.Photo) > 0 {
		defer s.timeFace("compare_liveness", time.Now())
		m, l, err := both.CompareAndCheckLiveness(ctx, req.Selfie, rec.Photo)
		if err != nil {
			return fmt.Errorf("face match and liveness: %w", err)
		}
		res.Face, res.Liveness = &m, &l
		return nil
	}
	if req.Checks.Face && len(rec.Photo) > 0 {
		start := time.Now()
		m, err := s.Face.Compare(ctx, req.Selfie, rec.Photo)
		s.timeFace("compare", start)
		if err != nil {
			return fmt.Errorf("face match: %w", err)
		}
		res.Face = &m
	}
	if req.Checks.Liveness {
		start := time.Now()
		l, err := s.Face.Liveness(ctx, req.Selfie)
		s.timeFace("liveness", start)
		if err != nil {
			return fmt.Errorf("liveness: %w", err)
		}
		res.Liveness = &l
	}
	return nil
}

// FraudScreener is implemented by sources that can fail the fraud-listing
// service for a number (the local registry's FaultFraudDown).
type FraudScreener interface {
	FraudAvailable(ctx context.Context, country idgate.Country, idType idgate.IDType, number string) error
}

func (s *Service) screenFraud(ctx context.Context, req *idgate.VerificationRequest) (*idgate.FraudScreening, error) {
	if fs, ok := s.Source.(FraudScreener); ok {
		if err := fs.FraudAvailable(ctx, req.Country, req.IDType, req.Number); err != nil {
			if idgate.ErrorCode(err) == idgate.EUNAVAILABLE {
				return &idgate.FraudScreening{Unavailable: true}, nil
			}
			return nil, fmt.Errorf("fraud screening: %w", err)
		}
	}
	listings, err := s.Store.FraudListingsFor(ctx, req.Country, req.Number)
	if err != nil {
		return nil, fmt.Errorf("fraud screening: %w", err)
	}
	if listings == nil {
		listings = []idgate.FraudListing{}
	}
	return &idgate.FraudScreening{Listings: listings}, nil
}

// FaceObserver is implemented by observers that time face-engine calls.
type FaceObserver interface {
	ObserveFaceStage(stage string, d time.Duration)
}

func (s *Service) timeFace(stage string, start time.Time) {
	if fo, ok := s.Observer.(FaceObserver); ok {
		fo.ObserveFaceStage(stage, time.Since(start))
	}
}
