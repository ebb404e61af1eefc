package metrics

import (
	"errors"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/verify"
)

var _ verify.Observer = (*Metrics)(nil)

// ObserveVerification implements verify.Observer: it counts the stored
// verification by outcome, each check by result, identity-cache use and
// the wallet debit, or the error that refused the request. A replay (the
// stored answer to a repeated Idempotency-Key) is counted only as such:
// nothing was looked up, checked or debited.
func (m *Metrics) ObserveVerification(req *idgate.VerificationRequest, v *idgate.Verification, replayed bool, err error, elapsed time.Duration) {
	if m == nil || req == nil {
		return
	}
	if replayed && v != nil && err == nil {
		m.replays.WithLabelValues(dialect(string(v.Request.Dialect))).Inc()
		return
	}
	if v != nil {
		req = &v.Request // normalised by the core
	}
	d, c, t := dialect(string(req.Dialect)), country(string(req.Country)), idType(string(req.IDType))
	m.verifyLatency.WithLabelValues(c, t).Observe(elapsed.Seconds())
	if err != nil {
		m.verifyErrors.WithLabelValues(d, c, t, errorCode(err)).Inc()
		if errors.Is(err, verify.ErrNoCache) {
			m.cache.WithLabelValues(c, "miss").Inc()
		}
		return
	}
	if v == nil {
		return
	}
	outcome := "pending"
	if v.Result != nil {
		outcome = oneOf(string(v.Result.Outcome), outcomes...)
	}
	m.verifications.WithLabelValues(d, c, t, outcome).Inc()
	if v.Price > 0 {
		m.walletDebits.WithLabelValues(d, c).Inc()
		m.walletAmount.WithLabelValues(d, c).Add(float64(v.Price))
	}
	if res := v.Result; res != nil {
		m.observeCache(c, req.Cache, res)
		for check, result := range checkResults(req.Checks, res) {
			m.checks.WithLabelValues(c, t, check, result).Inc()
		}
	}
}

// observeCache tells a cache answer the client preferred from one served
// because the registry was down.
func (m *Metrics) observeCache(country string, pol idgate.CachePolicy, res *idgate.Result) {
	if !res.Cached {
		return
	}
	if pol.Only || pol.Preferred {
		m.cache.WithLabelValues(country, "hit").Inc()
		return
	}
	m.cache.WithLabelValues(country, "stale").Inc()
}

// checkResults returns each requested check that ran with its result.
func checkResults(asked idgate.Checks, res *idgate.Result) map[string]string {
	out := map[string]string{}
	if n := res.Names; asked.Names && n != nil {
		out["names"] = passFail(n.FirstNames >= n.Threshold && n.LastName >= n.Threshold && (n.BirthDateMatch == nil || *n.BirthDateMatch))
	}
	if f := res.Face; asked.Face && f != nil {
		out["face"] = map[bool]string{true: "match", false: "no_match"}[f.Match]
	}
	if l := res.Liveness; asked.Liveness && l != nil {
		out["liveness"] = passFail(l.Pass)
	}
	if f := res.Fraud; asked.Fraud && f != nil {
		switch {
		case f.Unavailable:
			out["fraud"] = "unavailable"
		case len(f.Listings) > 0:
			out["fraud"] = "listed"
		default:
			out["fraud"] = "clear"
		}
	}
	return out
}

func passFail(ok bool) string {
	if ok {
		return "pass"
	}
	return "fail"
}

var errorCodes = []string{
	idgate.ECONFLICT, idgate.EINTERNAL, idgate.EINVALID, idgate.ENOTFOUND, idgate.EUNAUTHORIZED,
	idgate.EFORBIDDEN, idgate.EPAYMENTREQ, idgate.EUNAVAILABLE, idgate.ETOOLARGE, idgate.ENOFACE,
	idgate.EMANYFACES, idgate.ENOTIMPLEMENTED,
}

func errorCode(err error) string { return oneOf(idgate.ErrorCode(err), errorCodes...) }
