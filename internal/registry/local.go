// Package registry holds idgate's registry sources. Local answers from the
// records held in idgate's own database (imported by the operator or seeded
// as sandbox identities) and plays the registry's failure modes — per
// number (idgate.Fault) and registry-wide (Mode) — so that integrators can
// see cache fallback, retries and error handling work.
package registry

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/verify"
)

// Mode is a registry-wide failure mode, set by the operator (config or
// admin API) to rehearse outages.
type Mode struct {
	Down      bool          `json:"down"`      // every lookup is EUNAVAILABLE
	Latency   time.Duration `json:"latency"`   // added to every lookup
	ErrorRate float64       `json:"errorRate"` // 0..1: share of lookups that fail EUNAVAILABLE
}

// Local is the local registry. It is safe for concurrent use.
type Local struct {
	Store idgate.RegistryStore
	Now   idgate.Clock

	mu    sync.RWMutex
	modes map[idgate.Country]Mode
}

var (
	_ idgate.Source        = (*Local)(nil)
	_ verify.FraudScreener = (*Local)(nil)
)

// NewLocal returns a local registry over store.
func NewLocal(store idgate.RegistryStore, now idgate.Clock) *Local {
	return &Local{Store: store, Now: now, modes: map[idgate.Country]Mode{}}
}

// SetMode sets the failure mode of one country's registry.
func (l *Local) SetMode(c idgate.Country, m Mode) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.modes[c] = m
}

// Mode returns the failure mode of one country's registry.
func (l *Local) Mode(c idgate.Country) Mode {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.modes[c]
}

func (l *Local) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

// Lookup implements idgate.Source.
func (l *Local) Lookup(ctx context.Context, q idgate.Query) (*idgate.Record, error) {
	country, idType, number := q.Country, q.IDType, q.Number
	if err := l.playMode(ctx, country); err != nil {
		return nil, err
	}
	fault, err := l.fault(ctx, country, idType, number)
	if err != nil {
		return nil, err
	}
	if err := playFault(ctx, fault); err != nil {
		return nil, err
	}
	photoOnlyFault := fault != nil && fault.Kind == idgate.FaultPhotoOnly
	if country == idgate.Nigeria && idType == idgate.VNIN {
		return l.lookupVNIN(ctx, number, q.Photo)
	}
	rec, err := l.record(ctx, country, idType, number, q.Photo || photoOnlyFault)
	if err != nil {
		if idgate.ErrorCode(err) == idgate.ENOTFOUND {
			return nil, idgate.Errorf(idgate.ENOTFOUND, "Person Not Found")
		}
		return nil, fmt.Errorf("local registry: %w", err)
	}
	if photoOnlyFault {
		return photoOnly(rec), nil
	}
	return rec, nil
}

// record reads a record, with its photo only when asked.
func (l *Local) record(ctx context.Context, country idgate.Country, idType idgate.IDType, number string, photo bool) (*idgate.Record, error) {
	if photo {
		return l.Store.Record(ctx, country, idType, number)
	}
	return l.Store.RecordSummary(ctx, country, idType, number)
}

// FraudAvailable implements verify.FraudScreener: the fraud-listing service
// times out for numbers with a FaultFraudDown.
func (l *Local) FraudAvailable(ctx context.Context, country idgate.Country, idType idgate.IDType, number string) error {
	fault, err := l.fault(ctx, country, idType, number)
	if err != nil {
		return err
	}
	if fault != nil && fault.Kind == idgate.FaultFraudDown {
		return idgate.Errorf(idgate.EUNAVAILABLE, "fraud listing service timed out")
	}
	return nil
}

func (l *Local) fault(ctx context.Context, country idgate.Country, idType idgate.IDType, number string) (*idgate.Fault, error) {
	f, err := l.Store.Fault(ctx, country, idType, number)
	switch idgate.ErrorCode(err) {
	case "":
		return f, nil
	case idgate.ENOTFOUND:
		return nil, nil
	default:
		return nil, fmt.Errorf("local registry faults: %w", err)
	}
}

func (l *Local) playMode(ctx context.Context, country idgate.Country) error {
	m := l.Mode(country)
	if m.Latency > 0 {
		if err := sleep(ctx, m.Latency); err != nil {
			return err
		}
	}
	if m.Down || (m.ErrorRate > 0 && rand.Float64() < m.ErrorRate) {
		return idgate.Errorf(idgate.EUNAVAILABLE, "%s registry is not available", country)
	}
	return nil
}

func playFault(ctx context.Context, f *idgate.Fault) error {
	if f == nil {
		return nil
	}
	switch f.Kind {
	case idgate.FaultDown:
		return idgate.Errorf(idgate.EUNAVAILABLE, "registry is not available")
	case idgate.FaultSlow:
		return sleep(ctx, f.Latency)
	case idgate.FaultError:
		return &verify.RegistryError{Code: f.Code, Message: registryErrorMessage(f.Code)}
	}
	return nil
}

// lookupVNIN resolves a Nigerian virtual NIN to its NIN record. A vNIN is a
// short-lived alias: an expired one is not found, with a reason that says so.
func (l *Local) lookupVNIN(ctx context.Context, vnin string, photo bool) (*idgate.Record, error) {
	alias, err := l.Store.VNINAlias(ctx, vnin)
	switch {
	case idgate.ErrorCode(err) == idgate.ENOTFOUND:
		return nil, idgate.Errorf(idgate.ENOTFOUND, "Person Not Found")
	case err != nil:
		return nil, fmt.Errorf("local registry vNIN: %w", err)
	case !l.now().Before(alias.ExpiresAt):
		return nil, idgate.Errorf(idgate.ENOTFOUND, "vNIN has expired: ask the holder to generate a new one")
	}
	rec, err := l.record(ctx, idgate.Nigeria, idgate.NIN, alias.NIN, photo)
	if err != nil {
		if idgate.ErrorCode(err) == idgate.ENOTFOUND {
			return nil, idgate.Errorf(idgate.ENOTFOUND, "Person Not Found")
		}
		return nil, fmt.Errorf("local registry vNIN record: %w", err)
	}
	return rec, nil
}

// photoOnly keeps what HANIS returns when NPR is down: the photo.
func photoOnly(r *idgate.Record) *idgate.Record {
	out := &idgate.Record{
		Country: r.Country, IDType: r.IDType, Number: r.Number,
		Photo: r.Photo, PhotoOnly: true, UpdatedAt: r.UpdatedAt,
	}
	if r.ZA != nil {
		out.ZA = &idgate.ZACitizen{OnHANIS: r.ZA.OnHANIS}
	}
	return out
}

// registryErrorMessage gives NIRA-style messages for the error codes the
// sandbox plays.
func registryErrorMessage(code string) string {
	switch code {
	case "NIRA-500":
		return "NIRA internal error"
	case "NIRA-400":
		return "NIRA rejected the request"
	default:
		return "registry error"
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("registry wait: %w", ctx.Err())
	}
}
