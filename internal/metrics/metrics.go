// Package metrics is idgate's Prometheus instrumentation: one registry per
// App (never the global one), served at GET /metrics.
//
// Hook points, each a small seam rather than calls sprinkled through the
// code:
//
//   - HTTP: Middleware wraps the server's root handler and counts requests
//     by route pattern, dialect and status, with latency histograms.
//   - Registry lookups: Source decorates an idgate.Source.
//   - Verifications: Metrics implements verify.Observer, which the
//     verification service calls once per request.
//   - Face engine: ObserveFaceStage, for the engine to time its stages.
//   - Jobs: QueueCollector reads River's job table on scrape;
//     ObserveWebhookDelivery counts delivery attempts by result.
//
// No label holds personal data: routes are ServeMux patterns, never raw
// paths; ID numbers, names and tenant ids never appear. Every label value
// is drawn from a closed set (see label), so a client cannot grow the
// series count by sending odd input.
package metrics

import (
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const namespace = "idgate"

// Latency buckets: HTTP answers span sub-millisecond cache hits to
// multi-second face matches; registry lookups and face stages are tighter.
var (
	httpBuckets  = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}
	stageBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}
)

// Metrics holds idgate's collectors and the registry they are registered
// with. Its methods are safe for concurrent use; a nil *Metrics ignores
// every observation, so callers need no checks.
type Metrics struct {
	Registry *prometheus.Registry

	httpRequests  *prometheus.CounterVec
	httpDuration  *prometheus.HistogramVec
	httpInFlight  prometheus.Gauge
	verifications *prometheus.CounterVec
	verifyErrors  *prometheus.CounterVec
	replays       *prometheus.CounterVec
	verifyLatency *prometheus.HistogramVec
	checks        *prometheus.CounterVec
	cache         *prometheus.CounterVec
	lookups       *prometheus.CounterVec
	lookupLatency *prometheus.HistogramVec
	faceStages    *prometheus.HistogramVec
	webhooks      *prometheus.CounterVec
	walletDebits  *prometheus.CounterVec
	walletAmount  *prometheus.CounterVec
}

// New returns metrics registered with a new registry, together with the Go
// runtime and process collectors.
func New() *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry()}
	m.httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "http_requests_total",
		Help: "HTTP requests answered, by route pattern, dialect and status code.",
	}, []string{"route", "dialect", "status"})
	m.httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "http_request_duration_seconds",
		Help: "Time to answer an HTTP request, by route pattern and dialect.", Buckets: httpBuckets,
	}, []string{"route", "dialect"})
	m.httpInFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: namespace, Name: "http_requests_in_flight", Help: "HTTP requests being answered now.",
	})
	m.verifications = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "verifications_total",
		Help: "Verifications stored, by dialect, country, ID type and outcome (pending for asynchronous ones).",
	}, []string{"dialect", "country", "id_type", "outcome"})
	m.verifyErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "verification_errors_total",
		Help: "Verification requests refused or failed before anything was stored, by dialect, country, ID type and error code.",
	}, []string{"dialect", "country", "id_type", "code"})
	m.replays = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "verification_replays_total",
		Help: "Requests answered with the verification stored under their Idempotency-Key (nothing new stored or debited), by dialect.",
	}, []string{"dialect"})
	m.verifyLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "verification_duration_seconds",
		Help: "Time the verification core took, lookup and checks included, by country and ID type.", Buckets: httpBuckets,
	}, []string{"country", "id_type"})
	m.checks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "verification_checks_total",
		Help: "Checks run on found records, by country, ID type, check (names, face, liveness, fraud) and result.",
	}, []string{"country", "id_type", "check", "result"})
	m.cache = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "identity_cache_total",
		Help: "Identity-cache use by country and result: hit (a preferred or cache-only answer), stale (served because the registry was down), miss (cache-only with no usable record).",
	}, []string{"country", "result"})
	m.lookups = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "registry_lookups_total",
		Help: "Registry lookups by source, country and result (found, not_found, unavailable, invalid, registry_error, error).",
	}, []string{"source", "country", "result"})
	m.lookupLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "registry_lookup_duration_seconds",
		Help: "Registry lookup latency by source and country.", Buckets: httpBuckets,
	}, []string{"source", "country"})
	m.faceStages = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Name: "face_stage_duration_seconds",
		Help: "Face engine stage latency (decode, detect, align, embed, antispoof, …).", Buckets: stageBuckets,
	}, []string{"stage"})
	m.webhooks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "webhook_deliveries_total",
		Help: "Webhook delivery attempts by result (delivered, failed, gave_up).",
	}, []string{"result"})
	m.walletDebits = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "wallet_debits_total",
		Help: "Wallet debits (priced verifications stored), by dialect and country.",
	}, []string{"dialect", "country"})
	m.walletAmount = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Name: "wallet_debited_minor_units_total",
		Help: "Amount debited from wallets, in the wallets' minor units, by dialect and country.",
	}, []string{"dialect", "country"})
	m.Registry.MustRegister(
		m.httpRequests, m.httpDuration, m.httpInFlight,
		m.verifications, m.verifyErrors, m.replays, m.verifyLatency, m.checks, m.cache,
		m.lookups, m.lookupLatency, m.faceStages, m.webhooks, m.walletDebits, m.walletAmount,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// Handler serves the registry in the Prometheus text format (OpenMetrics
// when the scraper asks for it).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{
		Registry:          m.Registry, // counts its own scrape errors
		EnableOpenMetrics: true,
		Timeout:           10 * time.Second,
	})
}

// Routes returns GET /metrics by ServeMux pattern.
func (m *Metrics) Routes() map[string]http.Handler {
	return map[string]http.Handler{"GET /metrics": m.Handler()}
}

// ObserveFaceStage records how long one face-engine stage took. The face
// engine calls it; stage names are the engine's own, a small fixed set.
func (m *Metrics) ObserveFaceStage(stage string, d time.Duration) {
	if m == nil {
		return
	}
	m.faceStages.WithLabelValues(token(stage)).Observe(d.Seconds())
}

// Webhook delivery results for ObserveWebhookDelivery.
const (
	WebhookDelivered = "delivered" // the receiver answered 2xx
	WebhookFailed    = "failed"    // this attempt failed; it will be retried
	WebhookGaveUp    = "gave_up"   // the last attempt failed
)

// ObserveWebhookDelivery counts one delivery attempt by result.
func (m *Metrics) ObserveWebhookDelivery(result string) {
	if m == nil {
		return
	}
	m.webhooks.WithLabelValues(oneOf(result, WebhookDelivered, WebhookFailed, WebhookGaveUp)).Inc()
}

// oneOf returns v when it is one of allowed, else "other": a label value
// from outside the closed set never becomes a new series.
func oneOf(v string, allowed ...string) string {
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	return "other"
}

// token keeps identifier-like values (lower-case letters, digits, _ and -,
// at most 32 bytes) and maps anything else to "other".
func token(s string) string {
	if s == "" || len(s) > 32 {
		return "other"
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return "other"
		}
	}
	return s
}

// Closed label sets of the domain.
var (
	countries = []string{"ZA", "UG", "NG", "KE"}
	idTypes   = []string{"national-id", "refugee-file", "nin", "vnin", "card", "passport", "alien-id", "service-id"}
	dialects  = []string{"native", "securecitizen", "youverify", "laboremus"}
	outcomes  = []string{"found", "not_found", "marked_for_deletion", "photo_only", "expired", "registry_error"}
)

func country(c string) string { return oneOf(strings.ToUpper(c), countries...) }
func idType(t string) string  { return oneOf(t, idTypes...) }
func dialect(d string) string { return oneOf(d, dialects...) }
