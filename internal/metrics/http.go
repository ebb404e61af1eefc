package metrics

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Unmatched is the route label of requests no pattern matched.
const Unmatched = "unmatched"

// Middleware counts and times every request next answers, labelled with
// the ServeMux pattern that matched (never the raw path, which may hold an
// id) and its dialect (DialectOf).
//
// next must route with an http.ServeMux on the request it is given — no
// middleware between here and the mux may replace the request — because
// the mux records the matched pattern in Request.Pattern.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.httpInFlight.Inc()
		defer m.httpInFlight.Dec()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			// Counted even when a handler panics (the server's recovery
			// sits inside and answers 500; an abort leaves status 0).
			route := r.Pattern
			if route == "" {
				route = Unmatched
			}
			d := DialectOf(r.Pattern)
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			m.httpRequests.WithLabelValues(route, d, strconv.Itoa(status)).Inc()
			m.httpDuration.WithLabelValues(route, d).Observe(time.Since(start).Seconds())
		}()
		next.ServeHTTP(rec, r)
	})
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer (Flush,
// deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// DialectOf names the API surface of a route pattern by its path prefix:
// securecitizen (/Citizen/), youverify (/v1/api/, /v2/api/), laboremus
// (/idv/), native (/v1/), and "none" for the rest (health, token, docs,
// metrics, dashboard).
func DialectOf(pattern string) string {
	_, path, ok := strings.Cut(pattern, " ")
	if !ok {
		path = pattern
	}
	switch {
	case strings.HasPrefix(path, "/Citizen/"):
		return "securecitizen"
	case strings.HasPrefix(path, "/v1/api/"), strings.HasPrefix(path, "/v2/api/"):
		return "youverify"
	case strings.HasPrefix(path, "/idv/"):
		return "laboremus"
	case strings.HasPrefix(path, "/v1/"):
		return "native"
	default:
		return "none"
	}
}
