package idgate

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"time"
)

// AuditEntry is one line of the append-only audit log. Entries are
// hash-chained: Hash covers the previous entry's hash and this entry's
// fields, so that changing or removing an entry breaks every later hash.
// Entries hold no PII: subjects are referred to by verification id.
type AuditEntry struct {
	Seq          int64     `json:"seq"` // assigned by the store, 1, 2, 3…
	Time         time.Time `json:"time"`
	TenantID     string    `json:"tenantId,omitempty"`
	CredentialID string    `json:"credentialId,omitempty"`
	Actor        string    `json:"actor"`   // "api", "cli", "admin:<name>", "worker"
	Action       string    `json:"action"`  // e.g. "verification.create", "key.revoke", "wallet.topup"
	Subject      string    `json:"subject"` // the id acted on
	Reason       string    `json:"reason,omitempty"`
	Consent      bool      `json:"consent"`
	Outcome      string    `json:"outcome,omitempty"`
	Amount       int64     `json:"amount,omitempty"` // wallet movements, minor units
	PrevHash     []byte    `json:"prevHash"`
	Hash         []byte    `json:"hash"`
}

// ChainHash computes the entry's hash from prev, the previous entry's hash.
// Every field is length-prefixed so no two entries encode alike; times are
// hashed as UTC Unix nanoseconds.
func (e *AuditEntry) ChainHash(prev []byte) []byte {
	h := sha256.New()
	writeField := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	var num [8]byte
	writeField(prev)
	binary.BigEndian.PutUint64(num[:], uint64(e.Seq))
	writeField(num[:])
	binary.BigEndian.PutUint64(num[:], uint64(e.Time.UTC().UnixNano()))
	writeField(num[:])
	for _, s := range []string{e.TenantID, e.CredentialID, e.Actor, e.Action, e.Subject, e.Reason, e.Outcome} {
		writeField([]byte(s))
	}
	consent := byte(0)
	if e.Consent {
		consent = 1
	}
	writeField([]byte{consent})
	binary.BigEndian.PutUint64(num[:], uint64(e.Amount))
	writeField(num[:])
	return h.Sum(nil)
}

// AuditStore appends to and reads the audit log. Appends happen inside the
// store's other write methods (each takes an *AuditEntry) or through
// AppendAudit for actions that change nothing else.
type AuditStore interface {
	// AppendAudit assigns Seq, PrevHash and Hash and stores the entry.
	AppendAudit(ctx context.Context, e *AuditEntry) error
	// AuditEntries returns up to limit entries with Seq > after, in order.
	AuditEntries(ctx context.Context, after int64, limit int) ([]*AuditEntry, error)
}
