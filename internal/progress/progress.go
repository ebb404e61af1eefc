// Package progress draws a one-line progress bar on a terminal (stderr) for
// long operator commands: registry import, sandbox seeding, face eval.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Bar is a progress bar. It is safe for concurrent use; it redraws at most
// ten times a second.
type Bar struct {
	w     io.Writer
	label string
	total int

	mu    sync.Mutex
	done  int
	start time.Time
	last  time.Time
}

// New starts a bar for total steps.
func New(w io.Writer, label string, total int) *Bar {
	return &Bar{w: w, label: label, total: total, start: time.Now()}
}

// Add advances the bar by n steps.
func (b *Bar) Add(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	b.draw(false)
}

// Set moves the bar to step n.
func (b *Bar) Set(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done = n
	b.draw(false)
}

// Done draws the final state and ends the line.
func (b *Bar) Done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.draw(true)
	fmt.Fprintln(b.w)
}

const width = 30

func (b *Bar) draw(force bool) {
	now := time.Now()
	if !force && now.Sub(b.last) < 100*time.Millisecond && b.done < b.total {
		return
	}
	b.last = now
	frac := 1.0
	if b.total > 0 {
		frac = float64(b.done) / float64(b.total)
	}
	filled := int(frac * width)
	fmt.Fprintf(b.w, "\r%s [%s%s] %d/%d (%.0f%%) %s", b.label,
		strings.Repeat("#", filled), strings.Repeat(".", width-filled),
		b.done, b.total, frac*100, now.Sub(b.start).Round(100*time.Millisecond))
}
