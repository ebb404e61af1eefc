package idnumber

import (
	"regexp"
	"testing"
)

func TestParseUgandaNIN(t *testing.T) {
	tests := []struct {
		in      string
		want    UgandaNIN
		wantErr string
	}{
		{in: "CM12345678OABC", want: UgandaNIN{"CM12345678OABC", "M"}},
		{in: "CF90012102LEAH", want: UgandaNIN{"CF90012102LEAH", "F"}},
		{in: " cf90012102leah ", want: UgandaNIN{"CF90012102LEAH", "F"}},

		{in: "CX90012102LEAH", wantErr: "NIN must start with CM or CF"},
		{in: "MC90012102LEAH", wantErr: "NIN must start with CM or CF"},
		{in: "CM90012102LEA", wantErr: "NIN must be 14 letters or digits"},
		{in: "CM90012102LEAHH", wantErr: "NIN must be 14 letters or digits"},
		{in: "CM90012102-EAH", wantErr: "NIN must be 14 letters or digits"},
		{in: "CM9001210 LEAH", wantErr: "NIN must be 14 letters or digits"},
		{in: "CM90012102LEAı", wantErr: "NIN must be 14 letters or digits"},
	}
	for _, tt := range tests {
		got, err := ParseUgandaNIN(tt.in)
		if got != tt.want || errText(err) != tt.wantErr {
			t.Errorf("ParseUgandaNIN(%q) = %+v, %q; want %+v, %q", tt.in, got, errText(err), tt.want, tt.wantErr)
		}
	}
}

func TestParseUgandaCardNumber(t *testing.T) {
	runStringCases(t, "ParseUgandaCardNumber", ParseUgandaCardNumber, []stringCase{
		{in: "001234456", want: "001234456"},
		{in: " 123456789", want: "123456789"},
		{in: "12345678", wantErr: "card number must be 9 digits"},
		{in: "1234567890", wantErr: "card number must be 9 digits"},
		{in: "12345678A", wantErr: "card number must be 9 digits"},
	})
}

func TestMask(t *testing.T) {
	tests := []struct{ name, got, want string }{
		{"NIN", MaskUgandaNIN("CM12345678OABC"), "CM12*******ABC"},
		{"card", MaskCardNumber("001234456"), "00****456"},
		{"short NIN is fully masked", MaskUgandaNIN("CM12ABC"), "*******"},
		{"short card is fully masked", MaskCardNumber("12345"), "*****"},
		{"empty", MaskCardNumber(""), ""},
		{"multi-byte runes stay whole", MaskCardNumber("ééééééé"), "éé**ééé"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

var ugandaNINPattern = regexp.MustCompile(`^C[MF][A-Z0-9]{12}$`)

func FuzzParseUgandaNIN(f *testing.F) {
	for _, seed := range []string{"CM12345678OABC", "cf90012102leah", "CX90012102LEAH", "", "CMıııııııııııı"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseUgandaNIN(s)
		if err != nil {
			return
		}
		if !ugandaNINPattern.MatchString(got.Number) || got.Gender != got.Number[1:2] {
			t.Fatalf("ParseUgandaNIN(%q) = %+v, not the format", s, got)
		}
		if again, err := ParseUgandaNIN(got.Number); err != nil || again != got {
			t.Fatalf("re-parse of %q = %+v, %v", got.Number, again, err)
		}
		if m := MaskUgandaNIN(got.Number); len(m) != 14 || m[:4] != got.Number[:4] || m[4:11] != "*******" {
			t.Fatalf("MaskUgandaNIN(%q) = %q", got.Number, m)
		}
	})
}

var ugandaCardPattern = regexp.MustCompile(`^[0-9]{9}$`)

func FuzzParseUgandaCardNumber(f *testing.F) {
	for _, seed := range []string{"001234456", " 123456789 ", "12345678A", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzStringParser(t, ParseUgandaCardNumber, s, ugandaCardPattern.MatchString)
	})
}
