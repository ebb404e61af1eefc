package registry

import (
	"context"
	"sync"
	"time"

	"github.com/idgate/idgate"
)

// Monitor wraps a Source and keeps per-country lookup counts in one-minute
// buckets over the last hour, for the status page and /Citizen/Status.
// ENOTFOUND counts as a success: the registry answered.
type Monitor struct {
	idgate.Source
	Local *Local // optional: its failure modes decide Available
	Now   idgate.Clock

	mu      sync.Mutex
	buckets map[idgate.Country]*[60]bucket
}

type bucket struct {
	minute    int64 // unix minute the counts belong to
	total, ok int64
}

var _ idgate.Source = (*Monitor)(nil)

// NewMonitor wraps src.
func NewMonitor(src idgate.Source, local *Local, now idgate.Clock) *Monitor {
	return &Monitor{Source: src, Local: local, Now: now, buckets: map[idgate.Country]*[60]bucket{}}
}

func (m *Monitor) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Lookup implements idgate.Source and records the outcome.
func (m *Monitor) Lookup(ctx context.Context, q idgate.Query) (*idgate.Record, error) {
	rec, err := m.Source.Lookup(ctx, q)
	code := idgate.ErrorCode(err)
	m.record(q.Country, code == "" || code == idgate.ENOTFOUND)
	return rec, err
}

// FraudAvailable passes through to the wrapped source when it screens.
func (m *Monitor) FraudAvailable(ctx context.Context, c idgate.Country, t idgate.IDType, number string) error {
	if m.Local == nil {
		return nil
	}
	return m.Local.FraudAvailable(ctx, c, t, number)
}

func (m *Monitor) record(c idgate.Country, ok bool) {
	minute := m.now().Unix() / 60
	m.mu.Lock()
	defer m.mu.Unlock()
	bs := m.buckets[c]
	if bs == nil {
		bs = new([60]bucket)
		m.buckets[c] = bs
	}
	b := &bs[minute%60]
	if b.minute != minute {
		*b = bucket{minute: minute}
	}
	b.total++
	if ok {
		b.ok++
	}
}

// Available reports whether a country's registry is expected to answer.
func (m *Monitor) Available(ctx context.Context, c idgate.Country) bool {
	if m.Local != nil && m.Local.Mode(c).Down {
		return false
	}
	return true
}

// Health reports each country's registry over the last hour.
func (m *Monitor) Health(ctx context.Context) []idgate.RegistryHealth {
	minute := m.now().Unix() / 60
	var out []idgate.RegistryHealth
	for _, c := range []idgate.Country{idgate.SouthAfrica, idgate.Uganda, idgate.Nigeria, idgate.Kenya} {
		var total, ok int64
		m.mu.Lock()
		if bs := m.buckets[c]; bs != nil {
			for _, b := range bs {
				if minute-b.minute < 60 {
					total += b.total
					ok += b.ok
				}
			}
		}
		m.mu.Unlock()
		rate := 1.0
		if total > 0 {
			rate = float64(ok) / float64(total)
		}
		out = append(out, idgate.RegistryHealth{Country: c, Available: m.Available(ctx, c), Lookups: total, SuccessRate: rate})
	}
	return out
}
