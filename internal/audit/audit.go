// Package audit checks the hash chain of idgate's audit log: each entry's
// hash covers the previous entry's hash and its own fields, so that
// changing, inserting or removing a stored entry is detected at the first
// entry it touches.
package audit

import (
	"bytes"
	"context"
	"fmt"

	"github.com/idgate/idgate"
)

// pageSize is how many entries VerifyChain reads at a time.
const pageSize = 1000

// HeadStore is implemented by stores that keep the chain head (the last
// Seq and Hash) apart from the entries; VerifyChain then also detects
// entries removed from the end of the log.
type HeadStore interface {
	AuditHead(ctx context.Context) (seq int64, hash []byte, err error)
}

// VerifyChain reads the whole log in order and checks that Seq runs 1, 2,
// 3… without gaps, that each entry's PrevHash is the previous entry's Hash
// and that its Hash is ChainHash(PrevHash). It returns how many entries it
// checked and the Seq of the first broken entry (0 when the chain is
// intact); it stops at the first break. For a missing entry the Seq named is
// the one that should have been there. When st is a HeadStore, a log that
// ends before (or goes past) the recorded head is broken at the first Seq
// after the shorter of the two.
func VerifyChain(ctx context.Context, st idgate.AuditStore) (checked int64, firstBroken int64, err error) {
	var prev []byte
	var after int64
	for {
		entries, err := st.AuditEntries(ctx, after, pageSize)
		if err != nil {
			return checked, 0, fmt.Errorf("audit: read entries after %d: %w", after, err)
		}
		for _, e := range entries {
			want := after + 1
			if e.Seq != want || !bytes.Equal(e.PrevHash, prev) || !bytes.Equal(e.Hash, e.ChainHash(prev)) {
				return checked, want, nil
			}
			checked++
			prev = e.Hash
			after = e.Seq
		}
		if len(entries) < pageSize {
			broken, err := checkHead(ctx, st, after, prev)
			return checked, broken, err
		}
	}
}

// checkHead compares the end of the walked chain with the stored head.
func checkHead(ctx context.Context, st idgate.AuditStore, last int64, lastHash []byte) (int64, error) {
	hs, ok := st.(HeadStore)
	if !ok {
		return 0, nil
	}
	seq, hash, err := hs.AuditHead(ctx)
	if err != nil {
		return 0, fmt.Errorf("audit: read chain head: %w", err)
	}
	switch {
	case seq == last && bytes.Equal(hash, lastHash):
		return 0, nil
	case seq == last:
		return last, nil // the last entry was rewritten with a fresh hash
	}
	return min(seq, last) + 1, nil
}
