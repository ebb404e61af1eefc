package metrics

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseTime feeds the job table's timestamp parser arbitrary text: it
// never panics, and a time it formats itself reads back equal.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2026-11-23 11:59:00", "2026-11-23T11:00:00Z", "2026-11-23 11:59:00.123456+02:00", "", "yesterday", "2026-13-45 99:99:99"} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(1_795_000_000_123_456_789))
	f.Fuzz(func(t *testing.T, s string, nanos int64) {
		_ = parseTime(s)
		_ = parseTime([]byte(s))
		want := time.Unix(0, nanos).UTC()
		if got := parseTime(want.Format(time.RFC3339Nano)); !got.Equal(want) {
			t.Fatalf("parseTime(%q) = %v, want %v", want.Format(time.RFC3339Nano), got, want)
		}
	})
}

// FuzzToken checks that a label value is the input itself only when the
// input is a short lower-case identifier, and "other" otherwise.
func FuzzToken(f *testing.F) {
	for _, s := range []string{"detect", "Thabo Mokoena", "8507145123085", "", strings.Repeat("a", 40), "embed_v2", "a\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := token(s)
		if got == "other" {
			return
		}
		if got != s || len(got) > 32 || strings.Trim(got, "abcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
			t.Fatalf("token(%q) = %q", s, got)
		}
	})
}
