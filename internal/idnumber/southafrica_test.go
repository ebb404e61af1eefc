package idnumber

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// testNow is the fixed "today" of the tests.
var testNow = time.Date(2026, 11, 23, 15, 4, 5, 0, time.UTC)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// errText returns err's message, or "" for nil, so tables can hold reasons.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestParseSAID(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		now     time.Time // testNow when zero
		want    SAID
		wantErr string
	}{
		{name: "vendor sample", in: "8001014800080",
			want: SAID{"8001014800080", date(1980, 1, 1), "F", "citizen"}},
		{name: "surrounding spaces trimmed", in: " \t8001014800080\n",
			want: SAID{"8001014800080", date(1980, 1, 1), "F", "citizen"}},
		{name: "leap day 2000", in: "0002295000083",
			want: SAID{"0002295000083", date(2000, 2, 29), "M", "citizen"}},
		{name: "leap day 1904 when 2004 is ahead of now", in: "0402290123080", now: date(2003, 6, 1),
			want: SAID{"0402290123080", date(1904, 2, 29), "F", "citizen"}},
		{name: "born today is 20YY", in: "2611230000087",
			want: SAID{"2611230000087", date(2026, 11, 23), "F", "citizen"}},
		{name: "tomorrow is 19YY", in: "2611240000085",
			want: SAID{"2611240000085", date(1926, 11, 24), "F", "citizen"}},
		{name: "now's calendar date counts, not the instant", in: "2611230000087",
			now:  time.Date(2026, 11, 23, 0, 0, 1, 0, time.FixedZone("SAST", 2*3600)),
			want: SAID{"2611230000087", date(2026, 11, 23), "F", "citizen"}},
		{name: "seq 4999 is female", in: "7506154999089",
			want: SAID{"7506154999089", date(1975, 6, 15), "F", "citizen"}},
		{name: "seq 5000 is male", in: "7506155000085",
			want: SAID{"7506155000085", date(1975, 6, 15), "M", "citizen"}},
		{name: "permanent resident", in: "7506155000184",
			want: SAID{"7506155000184", date(1975, 6, 15), "M", "permanent-resident"}},
		{name: "refugee", in: "7506155000283",
			want: SAID{"7506155000283", date(1975, 6, 15), "M", "refugee"}},
		{name: "12th digit may be anything", in: "7506155000036",
			want: SAID{"7506155000036", date(1975, 6, 15), "M", "citizen"}},

		{name: "Luhn failure", in: "8001014800081", wantErr: "check digit does not match (Luhn)"},
		{name: "Luhn failure on swapped digits", in: "0801014800080", wantErr: "check digit does not match (Luhn)"},
		{name: "not a leap year", in: "0102295000081", wantErr: "invalid birth date 010229 (YYMMDD)"},
		{name: "31 February", in: "9902315000081", wantErr: "invalid birth date 990231 (YYMMDD)"},
		{name: "month 13", in: "9913015000081", wantErr: "invalid birth date 991301 (YYMMDD)"},
		{name: "day 00", in: "8001004800080", wantErr: "invalid birth date 800100 (YYMMDD)"},
		{name: "2000-02-29 in the future, 1900 no leap year", in: "0002290123088", now: date(1999, 6, 1),
			wantErr: "birth date is in the future"},
		{name: "citizenship 3", in: "7506155000382", wantErr: "citizenship digit (11th) must be 0, 1 or 2"},
		{name: "12 digits", in: "800101480008", wantErr: "ID number must be 13 digits"},
		{name: "14 digits", in: "80010148000800", wantErr: "ID number must be 13 digits"},
		{name: "inner space", in: "800101 4800080", wantErr: "ID number must be 13 digits"},
		{name: "letter", in: "800101480008O", wantErr: "ID number must be 13 digits"},
		{name: "Arabic-Indic digits", in: "٨٠٠١٠١٤٨٠٠٠٨٠", wantErr: "ID number must be 13 digits"},
		{name: "empty", in: "  ", wantErr: "ID number is empty"},
		{name: "too long", in: strings.Repeat(" ", 60) + "8001014800080",
			wantErr: "ID number is too long (more than 64 characters)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := tt.now
			if now.IsZero() {
				now = testNow
			}
			got, err := ParseSAID(tt.in, now)
			if errText(err) != tt.wantErr {
				t.Fatalf("ParseSAID(%q) error = %q, want %q", tt.in, errText(err), tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseSAID(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestSAIDCheckDigit(t *testing.T) {
	got, err := SAIDCheckDigit("800101480008")
	if err != nil || got != '0' {
		t.Errorf("SAIDCheckDigit(vendor sample) = %q, %v; want '0', nil", got, err)
	}
	for _, bad := range []string{"", "80010148000", "8001014800080", "80010148000x"} {
		if _, err := SAIDCheckDigit(bad); err == nil {
			t.Errorf("SAIDCheckDigit(%q) succeeded, want an error", bad)
		}
	}
}

func TestMakeSAIDRoundTrip(t *testing.T) {
	births := []time.Time{date(1926, 11, 24), date(1980, 1, 1), date(2000, 2, 29), date(2026, 11, 23)}
	for _, birth := range births {
		for _, seq := range []int{0, 1, 4999, 5000, 9999} {
			for citizenship := range 3 {
				n, err := MakeSAID(birth, seq, citizenship)
				if err != nil {
					t.Fatalf("MakeSAID(%v, %d, %d): %v", birth, seq, citizenship, err)
				}
				got, err := ParseSAID(n, testNow)
				if err != nil {
					t.Fatalf("ParseSAID(MakeSAID(%v, %d, %d) = %q): %v", birth, seq, citizenship, n, err)
				}
				wantGender := "F"
				if seq >= 5000 {
					wantGender = "M"
				}
				want := SAID{n, birth, wantGender, saCitizenship[citizenship]}
				if got != want {
					t.Errorf("ParseSAID(%q) = %+v, want %+v", n, got, want)
				}
			}
		}
	}
}

func TestMakeSAIDRejectsOutOfRange(t *testing.T) {
	tests := []struct {
		birth       time.Time
		seq, citizn int
	}{
		{date(1980, 1, 1), -1, 0},
		{date(1980, 1, 1), 10000, 0},
		{date(1980, 1, 1), 0, 3},
		{date(1980, 1, 1), 0, -1},
		{date(1899, 12, 31), 0, 0},
		{date(2100, 1, 1), 0, 0},
	}
	for _, tt := range tests {
		if n, err := MakeSAID(tt.birth, tt.seq, tt.citizn); err == nil {
			t.Errorf("MakeSAID(%v, %d, %d) = %q, want an error", tt.birth, tt.seq, tt.citizn, n)
		}
	}
}

var saIDPattern = regexp.MustCompile(`^[0-9]{6}[0-9]{4}[012][0-9]{2}$`)

func FuzzParseSAID(f *testing.F) {
	for _, seed := range []string{"8001014800080", " 0002295000083 ", "0102295000081", "8001014800081", "", "abc", "٨٠٠١٠١٤٨٠٠٠٨٠"} {
		f.Add(seed, int64(0))
	}
	f.Add("2611230000087", int64(-86400))
	f.Fuzz(func(t *testing.T, s string, offsetSeconds int64) {
		now := testNow.Add(time.Duration(offsetSeconds%(200*365*86400)) * time.Second)
		got, err := ParseSAID(s, now)
		if err != nil {
			return
		}
		if !saIDPattern.MatchString(got.Number) {
			t.Fatalf("ParseSAID(%q) accepted %q, which is not the format", s, got.Number)
		}
		if c, _ := SAIDCheckDigit(got.Number[:12]); c != got.Number[12] {
			t.Fatalf("ParseSAID(%q) accepted a bad check digit", s)
		}
		if got.BirthDate.Format("060102") != got.Number[:6] {
			t.Fatalf("ParseSAID(%q) birth date %v does not match the number", s, got.BirthDate)
		}
		if y, m, d := now.Date(); got.BirthDate.After(date(y, m, d)) {
			t.Fatalf("ParseSAID(%q) birth date %v is after now %v", s, got.BirthDate, now)
		}
		again, err := ParseSAID(got.Number, now)
		if err != nil || again != got {
			t.Fatalf("re-parse of %q = %+v, %v; want %+v", got.Number, again, err, got)
		}
	})
}
