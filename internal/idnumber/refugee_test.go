package idnumber

import (
	"regexp"
	"testing"
)

func TestParseNIISFileNumber(t *testing.T) {
	runStringCases(t, "ParseNIISFileNumber", ParseNIISFileNumber, []stringCase{
		{in: "ABCDEF01345678", want: "ABCDEF01345678"},
		{in: "CTRPTA000123456", want: "CTRPTA000123456"},
		{in: " dbnNGA012345617 ", want: "DBNNGA012345617"},
		{in: "ABC123456", want: "ABC123456"},
		{in: "ABCDEFGHIJKLMN123456", want: "ABCDEFGHIJKLMN123456"},

		{in: "AB1234567", wantErr: errNIISFormat.Error()},
		{in: "ABC12345", wantErr: errNIISFormat.Error()},
		{in: "ABCDEFGHIJKLMNO123456", wantErr: errNIISFormat.Error()},
		{in: "ABC123456X", wantErr: errNIISFormat.Error()},
		{in: "ABC-123456", wantErr: errNIISFormat.Error()},
		{in: "123456789", wantErr: errNIISFormat.Error()},
		{in: "ÀBC123456", wantErr: errNIISFormat.Error()},
		{in: "", wantErr: "ID number is empty"},
	})
	if want := "refugee file number must be at least 3 letters followed by at least 6 digits, 20 characters at most"; errNIISFormat.Error() != want {
		t.Errorf("reason = %q, want %q", errNIISFormat, want)
	}
}

var niisPattern = regexp.MustCompile(`^[A-Z]{3,}[0-9]{6,}$`)

func FuzzParseNIISFileNumber(f *testing.F) {
	for _, seed := range []string{"ABCDEF01345678", "ctrpta000123456", "AB1234567", "", "ABC\x00123456"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzStringParser(t, ParseNIISFileNumber, s, func(n string) bool {
			return len(n) <= 20 && niisPattern.MatchString(n)
		})
	})
}

type stringCase struct{ in, want, wantErr string }

// runStringCases runs a table against a parser that returns the number.
func runStringCases(t *testing.T, name string, parse func(string) (string, error), tests []stringCase) {
	t.Helper()
	for _, tt := range tests {
		got, err := parse(tt.in)
		if got != tt.want || errText(err) != tt.wantErr {
			t.Errorf("%s(%q) = %q, %q; want %q, %q", name, tt.in, got, errText(err), tt.want, tt.wantErr)
		}
	}
}

// fuzzStringParser checks the properties every string-returning parser
// shares: an accepted number satisfies the format and parses to itself.
func fuzzStringParser(t *testing.T, parse func(string) (string, error), in string, format func(string) bool) {
	t.Helper()
	got, err := parse(in)
	if err != nil {
		if got != "" {
			t.Fatalf("parse(%q) returned %q with error %v", in, got, err)
		}
		return
	}
	if !format(got) {
		t.Fatalf("parse(%q) accepted %q, which is not the format", in, got)
	}
	if again, err := parse(got); err != nil || again != got {
		t.Fatalf("re-parse of %q = %q, %v", got, again, err)
	}
}
