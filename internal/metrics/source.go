package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/verify"
)

// Source decorates a registry source: every lookup is counted by source
// name, country and result, and timed. name is a fixed word naming the
// source ("local" for the sandbox/imported registry, "nira", …). The
// decorator also passes fraud screening through when src screens, so
// wrapping a source never changes what the verification core can do.
func (m *Metrics) Source(src idgate.Source, name string) idgate.Source {
	if m == nil {
		return src
	}
	return &source{Source: src, m: m, name: token(name)}
}

type source struct {
	idgate.Source
	m    *Metrics
	name string
}

var _ verify.FraudScreener = (*source)(nil)

func (s *source) Lookup(ctx context.Context, q idgate.Query) (*idgate.Record, error) {
	start := time.Now()
	rec, err := s.Source.Lookup(ctx, q)
	cl := country(string(q.Country))
	s.m.lookupLatency.WithLabelValues(s.name, cl).Observe(time.Since(start).Seconds())
	s.m.lookups.WithLabelValues(s.name, cl, lookupResult(err)).Inc()
	return rec, err
}

// FraudAvailable passes through to the wrapped source when it screens;
// a source that does not screen is always available, as the core assumes.
func (s *source) FraudAvailable(ctx context.Context, c idgate.Country, t idgate.IDType, number string) error {
	if fs, ok := s.Source.(verify.FraudScreener); ok {
		return fs.FraudAvailable(ctx, c, t, number)
	}
	return nil
}

func lookupResult(err error) string {
	var re *verify.RegistryError
	switch {
	case err == nil:
		return "found"
	case errors.As(err, &re):
		return "registry_error"
	}
	switch idgate.ErrorCode(err) {
	case idgate.ENOTFOUND:
		return "not_found"
	case idgate.EUNAVAILABLE:
		return "unavailable"
	case idgate.EINVALID:
		return "invalid"
	default:
		return "error"
	}
}
