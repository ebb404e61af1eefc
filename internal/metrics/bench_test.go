package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/metrics"
)

// BenchmarkMiddleware measures what the HTTP middleware adds to a request:
// compare with BenchmarkBareMux.
func BenchmarkMiddleware(b *testing.B) {
	m := metrics.New()
	benchmarkHandler(b, m.Middleware(benchMux()))
}

func BenchmarkBareMux(b *testing.B) { benchmarkHandler(b, benchMux()) }

func benchMux() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /Citizen/RSAIDVerification", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) })
	return mux
}

func benchmarkHandler(b *testing.B, h http.Handler) {
	req := httptest.NewRequest("POST", "/Citizen/RSAIDVerification", nil)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		w := httptest.NewRecorder()
		for pb.Next() {
			h.ServeHTTP(w, req.Clone(req.Context()))
		}
	})
}

// BenchmarkObserveVerification measures the per-verification cost of the
// observer (a found record with names and fraud checks, debited).
func BenchmarkObserveVerification(b *testing.B) {
	m := metrics.New()
	ok := 100
	v := &idgate.Verification{
		Request: idgate.VerificationRequest{Dialect: idgate.DialectSecureCitizen, Country: idgate.SouthAfrica, IDType: idgate.NationalID,
			Checks: idgate.Checks{Names: true, Fraud: true}},
		Result: &idgate.Result{Outcome: idgate.OutcomeFound, Names: &idgate.NameScores{FirstNames: ok, LastName: ok, Threshold: 80},
			Fraud: &idgate.FraudScreening{Listings: []idgate.FraudListing{}}},
		Price: 250,
	}
	b.ReportAllocs()
	for b.Loop() {
		m.ObserveVerification(&v.Request, v, false, nil, time.Millisecond)
	}
}
