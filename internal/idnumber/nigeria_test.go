package idnumber

import (
	"regexp"
	"testing"
)

func TestParseNigeriaNIN(t *testing.T) {
	runStringCases(t, "ParseNigeriaNIN", ParseNigeriaNIN, []stringCase{
		{in: "12345678901", want: "12345678901"},
		{in: "\t00000000000 ", want: "00000000000"},
		{in: "1234567890", wantErr: "NIN must be 11 digits"},
		{in: "123456789012", wantErr: "NIN must be 11 digits"},
		{in: "1234567890O", wantErr: "NIN must be 11 digits"},
		{in: "+1234567890", wantErr: "NIN must be 11 digits"},
	})
}

func TestParseVNIN(t *testing.T) {
	runStringCases(t, "ParseVNIN", ParseVNIN, []stringCase{
		{in: "AB123456789012CD", want: "AB123456789012CD"},
		{in: " ab123456789012cd ", want: "AB123456789012CD"},
		{in: "A123456789012345", want: "A123456789012345"},
		{in: "1234567890123456", wantErr: "vNIN must contain at least one letter"},
		{in: "AB123456789012C", wantErr: "vNIN must be 16 letters or digits"},
		{in: "AB123456789012CDE", wantErr: "vNIN must be 16 letters or digits"},
		{in: "AB12345678901-CD", wantErr: "vNIN must be 16 letters or digits"},
		{in: "AB123456789012Cſ", wantErr: "vNIN must be 16 letters or digits"},
	})
}

var (
	nigeriaNINPattern = regexp.MustCompile(`^[0-9]{11}$`)
	vninPattern       = regexp.MustCompile(`^[A-Z0-9]{16}$`)
	hasLetter         = regexp.MustCompile(`[A-Z]`)
)

func FuzzParseNigeriaNIN(f *testing.F) {
	for _, seed := range []string{"12345678901", " 12345678901 ", "1234567890O", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzStringParser(t, ParseNigeriaNIN, s, nigeriaNINPattern.MatchString)
	})
}

func FuzzParseVNIN(f *testing.F) {
	for _, seed := range []string{"AB123456789012CD", "ab123456789012cd", "1234567890123456", "", "AB123456789012Cſ"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzStringParser(t, ParseVNIN, s, func(n string) bool {
			return vninPattern.MatchString(n) && hasLetter.MatchString(n)
		})
	})
}
