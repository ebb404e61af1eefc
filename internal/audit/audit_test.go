package audit

import (
	"context"
	"testing"
	"time"

	"github.com/idgate/idgate"
)

// memLog is an in-memory AuditStore whose entries tests can tamper with.
type memLog struct{ entries []*idgate.AuditEntry }

var _ idgate.AuditStore = (*memLog)(nil)

func (m *memLog) AppendAudit(_ context.Context, e *idgate.AuditEntry) error {
	var prev []byte
	if n := len(m.entries); n > 0 {
		prev = m.entries[n-1].Hash
	}
	e.Seq = int64(len(m.entries) + 1)
	e.PrevHash = prev
	e.Hash = e.ChainHash(prev)
	m.entries = append(m.entries, e)
	return nil
}

func (m *memLog) AuditEntries(_ context.Context, after int64, limit int) ([]*idgate.AuditEntry, error) {
	var out []*idgate.AuditEntry
	for _, e := range m.entries {
		if e.Seq > after && len(out) < limit {
			c := *e
			out = append(out, &c)
		}
	}
	return out, nil
}

func newLog(t *testing.T, n int) *memLog {
	m := &memLog{}
	for i := range n {
		err := m.AppendAudit(context.Background(), &idgate.AuditEntry{
			Time: time.Unix(int64(i), 0), Actor: "api", Action: "verification.create", Subject: "v", Consent: true})
		if err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func TestVerifyChain(t *testing.T) {
	tests := []struct {
		name        string
		n           int
		tamper      func(m *memLog)
		wantChecked int64
		wantBroken  int64
	}{
		{"empty", 0, nil, 0, 0},
		{"intact across pages", 2500, nil, 2500, 0},
		{"changed field", 10, func(m *memLog) { m.entries[6].Outcome = "not_found" }, 6, 7},
		{"changed amount past a page", 1500, func(m *memLog) { m.entries[1200].Amount = 1 }, 1200, 1201},
		{"recomputed hash still breaks the next", 10, func(m *memLog) {
			m.entries[3].Reason = "other"
			m.entries[3].Hash = m.entries[3].ChainHash(m.entries[3].PrevHash)
		}, 4, 5},
		{"removed entry", 10, func(m *memLog) { m.entries = append(m.entries[:4], m.entries[5:]...) }, 4, 5},
		{"first entry", 3, func(m *memLog) { m.entries[0].Actor = "x" }, 0, 1},
		{"removed last entries are not detectable without a head", 10, func(m *memLog) { m.entries = m.entries[:8] }, 8, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newLog(t, tt.n)
			if tt.tamper != nil {
				tt.tamper(m)
			}
			checked, broken, err := VerifyChain(context.Background(), m)
			if err != nil {
				t.Fatal(err)
			}
			if checked != tt.wantChecked || broken != tt.wantBroken {
				t.Errorf("VerifyChain = %d checked, first broken %d; want %d, %d", checked, broken, tt.wantChecked, tt.wantBroken)
			}
		})
	}
}

// headLog adds a separately kept chain head to memLog.
type headLog struct {
	*memLog
	seq  int64
	hash []byte
}

func (h *headLog) AuditHead(context.Context) (int64, []byte, error) { return h.seq, h.hash, nil }

func TestVerifyChainHead(t *testing.T) {
	tests := []struct {
		name       string
		tamper     func(h *headLog)
		wantBroken int64
	}{
		{"intact", func(*headLog) {}, 0},
		{"tail removed", func(h *headLog) { h.entries = h.entries[:7] }, 8},
		{"entry appended behind the head's back", func(h *headLog) {
			e := &idgate.AuditEntry{Actor: "x"}
			h.memLog.AppendAudit(context.Background(), e)
		}, 11},
		{"last entry rewritten", func(h *headLog) {
			e := h.entries[9]
			e.Outcome = "x"
			e.Hash = e.ChainHash(e.PrevHash)
		}, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newLog(t, 10)
			h := &headLog{memLog: m, seq: 10, hash: m.entries[9].Hash}
			tt.tamper(h)
			_, broken, err := VerifyChain(context.Background(), h)
			if err != nil {
				t.Fatal(err)
			}
			if broken != tt.wantBroken {
				t.Errorf("first broken = %d, want %d", broken, tt.wantBroken)
			}
		})
	}
}
