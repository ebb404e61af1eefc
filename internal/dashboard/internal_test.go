package dashboard

import (
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
)

func TestDefaultCost(t *testing.T) {
	saved := cost
	cost = defaultCost
	defer func() { cost = saved }()
	hash, err := HashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=3,p=4$") {
		t.Errorf("hash %q is not a PHC argon2id string with RFC 9106's parameters", hash)
	}
	if !VerifyPassword(hash, "a long enough password") {
		t.Error("the hash does not verify")
	}
}

func TestPasswordHash(t *testing.T) {
	hash, err := HashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := HashPassword("a long enough password")
	if again == hash {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, tc := range []struct {
		password string
		want     bool
	}{
		{"a long enough password", true},
		{"a long enough passworD", false},
		{"", false},
		{strings.Repeat("x", MaxPasswordLen+1), false},
	} {
		if got := VerifyPassword(hash, tc.password); got != tc.want {
			t.Errorf("VerifyPassword(%.20q) = %v, want %v", tc.password, got, tc.want)
		}
	}
	for _, bad := range []string{
		"", "plain", strings.Replace(hash, "argon2id", "argon2i", 1),
		strings.Replace(hash, "m=8192", "m=4194304", 1), // 4 GiB: refused, never computed
		strings.Replace(hash, "t=1", "t=0", 1),
		hash[:len(hash)-30],
		dummyHash(),
	} {
		if VerifyPassword(bad, "a long enough password") {
			t.Errorf("VerifyPassword(%q) matched", bad)
		}
	}
	for _, short := range []string{"", "short", "elevenchars"} {
		if _, err := HashPassword(short); err == nil {
			t.Errorf("HashPassword(%q) accepted a short password", short)
		}
	}
}

func FuzzParsePHC(f *testing.F) {
	good, _ := HashPassword("a long enough password")
	for _, s := range []string{good, dummyHash(), "", "$argon2id$v=19$m=65536,t=3,p=4$$", "$argon2id$v=19$m=-1,t=3,p=4$AAAA$AAAA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, phc string) {
		salt, hash, tm, m, p, ok := parsePHC(phc)
		if !ok {
			return
		}
		if m < 8*1024 || m > 1024*1024 || tm < 1 || tm > 16 || p < 1 || p > 16 || len(salt) < 8 || len(hash) < 16 || len(hash) > 64 {
			t.Errorf("parsePHC(%q) accepted out-of-bounds parameters m=%d t=%d p=%d salt=%d hash=%d", phc, m, tm, p, len(salt), len(hash))
		}
	})
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"250", 25000, true},
		{"99.95", 9995, true},
		{"0.5", 50, true},
		{"1,000.00", 100000, true},
		{" 12 ", 1200, true},
		{"0", 0, false},
		{"-5", 0, false},
		{"1.234", 0, false},
		{"1.", 0, false},
		{".5", 0, false},
		{"abc", 0, false},
		{"1e3", 0, false},
		{"100000001", 0, false}, // over the top-up limit
		{"", 0, false},
	} {
		got, err := parseAmount(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseAmount(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"250", "99.95", "1,000.00", "-1", "1.", "9999999999999.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseAmount(s)
		if err == nil && (got <= 0 || got > maxTopUp) {
			t.Errorf("parseAmount(%q) = %d, outside (0, %d]", s, got, int64(maxTopUp))
		}
		if err == nil && money(got) == "" {
			t.Errorf("money(%d) is empty", got)
		}
	})
}

func TestMoney(t *testing.T) {
	for in, want := range map[int64]string{0: "0.00", 5: "0.05", 150: "1.50", 123456789: "1,234,567.89", -150: "-1.50"} {
		if got := money(in); got != want {
			t.Errorf("money(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestMasks(t *testing.T) {
	for in, want := range map[string]string{"8507145123085": "•••••••••3085", "1234": "••••", "": "", "AB12ÄÖ78": "••••ÄÖ78"} {
		if got := maskID(in); got != want {
			t.Errorf("maskID(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"Thabo Johannes": "T•••• J•••••••", "  Émile ": "É••••", "": ""} {
		if got := maskName(in); got != want {
			t.Errorf("maskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/admin/verifications?x=1": "/admin/verifications?x=1",
		"":                         "/admin/",
		"https://evil.example/":    "/admin/",
		"//evil.example/admin/":    "/admin/",
		"/adminx":                  "/admin/",
		"/admin/\\evil":            "/admin/",
		"/v1/verifications":        "/admin/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFailureLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newFailureLimiter(3, time.Minute, func() time.Time { return now })
	for i := range 3 {
		if ok, _ := l.Allowed("k"); !ok {
			t.Fatalf("refused after %d failures, want 3 allowed", i)
		}
		l.Fail("k")
	}
	ok, wait := l.Allowed("k")
	if ok || wait != time.Minute {
		t.Errorf("after 3 failures: allowed %v, wait %v; want refused for 1m", ok, wait)
	}
	if ok, _ := l.Allowed("other"); !ok {
		t.Error("another key is refused")
	}
	now = now.Add(time.Minute)
	if ok, _ := l.Allowed("k"); !ok {
		t.Error("still refused after the window")
	}
	l.Fail("k")
	l.Reset("k")
	if ok, _ := l.Allowed("k"); !ok {
		t.Error("refused after Reset")
	}
}

func TestFailureLimiterBoundsMemory(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newFailureLimiter(3, time.Minute, func() time.Time { return now })
	for i := range maxTrackedKeys + 10 {
		l.Fail(string(rune(i)) + "key")
	}
	if n := len(l.keys); n > maxTrackedKeys {
		t.Errorf("%d keys tracked, want at most %d", n, maxTrackedKeys)
	}
}

func TestNiceCeil(t *testing.T) {
	for in, want := range map[int64]int64{0: 4, 1: 4, 4: 4, 5: 8, 9: 20, 21: 40, 150: 200, 1001: 2000} {
		if got := niceCeil(in); got != want {
			t.Errorf("niceCeil(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestVolumeChart(t *testing.T) {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	points := []idgate.VolumePoint{
		{Start: start, ByOutcome: map[idgate.Outcome]int64{idgate.OutcomeFound: 3, idgate.OutcomeNotFound: 1}},
		{Start: start.Add(24 * time.Hour), ByOutcome: map[idgate.Outcome]int64{}},
		{Start: start.Add(48 * time.Hour), ByOutcome: map[idgate.Outcome]int64{idgate.OutcomeRegistryError: 2}},
	}
	svg := string(volumeChart(points, 24*time.Hour))
	for _, want := range []string{
		`aria-label="6 verifications in 3 periods"`,
		`<title>Nov 1: 3 found</title>`, `<title>Nov 1: 1 not found</title>`, `<title>Nov 3: 2 registry error</title>`,
		`>Nov 2</text>`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	if got, want := strings.Count(svg, "<rect"), 3; got != want {
		t.Errorf("%d bars, want %d (empty buckets draw none)", got, want)
	}
	if empty := string(volumeChart(nil, time.Hour)); !strings.Contains(empty, `aria-label="0 verifications in 0 periods"`) {
		t.Errorf("empty chart: %s", empty)
	}
}

func TestLimitText(t *testing.T) {
	if got := limitText("ééé", 3); got != "é" {
		t.Errorf("limitText cut a character: %q", got)
	}
}
