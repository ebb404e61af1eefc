package idnumber

import (
	"regexp"
	"testing"
)

func TestParseKenyaIDType(t *testing.T) {
	tests := []struct {
		in      string
		want    KenyaIDType
		wantErr string
	}{
		{in: "national-id", want: KenyaNationalID},
		{in: " Passport ", want: KenyaPassport},
		{in: "ALIEN-ID", want: KenyaAlienID},
		{in: "service-id", want: KenyaServiceID},
		{in: "", wantErr: "ID type must be one of national-id, passport, alien-id, service-id"},
		{in: "national_id", wantErr: "ID type must be one of national-id, passport, alien-id, service-id"},
		{in: "ſervice-id", wantErr: "ID type must be one of national-id, passport, alien-id, service-id"},
	}
	for _, tt := range tests {
		got, err := ParseKenyaIDType(tt.in)
		if got != tt.want || errText(err) != tt.wantErr {
			t.Errorf("ParseKenyaIDType(%q) = %q, %q; want %q, %q", tt.in, got, errText(err), tt.want, tt.wantErr)
		}
	}
}

func TestParseKenyaNumber(t *testing.T) {
	tests := []struct {
		idType            KenyaIDType
		in, want, wantErr string
	}{
		{idType: KenyaNationalID, in: "1234567", want: "1234567"},
		{idType: KenyaNationalID, in: "00000000", want: "00000000"},
		{idType: KenyaNationalID, in: "123456", want: "123456"},
		{idType: KenyaNationalID, in: "123456789", want: "123456789"},
		{idType: KenyaNationalID, in: "12345", wantErr: "national ID number must be 6 to 9 digits"},
		{idType: KenyaNationalID, in: "1234567890", wantErr: "national ID number must be 6 to 9 digits"},
		{idType: KenyaNationalID, in: "A1234567", wantErr: "national ID number must be 6 to 9 digits"},
		{idType: KenyaPassport, in: "A1234567", want: "A1234567"},
		{idType: KenyaPassport, in: " ak0123456", want: "AK0123456"},
		{idType: KenyaPassport, in: "A123456", want: "A123456"},
		{idType: KenyaPassport, in: "AB12345678", want: "AB12345678"},
		{idType: KenyaPassport, in: "1234567", wantErr: "passport number must be 1 or 2 letters followed by 6 to 8 digits"},
		{idType: KenyaPassport, in: "ABC123456", wantErr: "passport number must be 1 or 2 letters followed by 6 to 8 digits"},
		{idType: KenyaPassport, in: "A12345", wantErr: "passport number must be 1 or 2 letters followed by 6 to 8 digits"},
		{idType: KenyaPassport, in: "A123456789", wantErr: "passport number must be 1 or 2 letters followed by 6 to 8 digits"},
		{idType: KenyaPassport, in: "A123456B", wantErr: "passport number must be 1 or 2 letters followed by 6 to 8 digits"},
		{idType: KenyaAlienID, in: "987654", want: "987654"},
		{idType: KenyaAlienID, in: "98765", wantErr: "alien ID number must be 6 to 9 digits"},
		{idType: KenyaServiceID, in: "1234", want: "1234"},
		{idType: KenyaServiceID, in: "1234567890", want: "1234567890"},
		{idType: KenyaServiceID, in: "123", wantErr: "service ID number must be 4 to 10 digits"},
		{idType: KenyaServiceID, in: "12345678901", wantErr: "service ID number must be 4 to 10 digits"},
		{idType: " NATIONAL-ID", in: "1234567", want: "1234567"},
		{idType: "driving-licence", in: "1234567", wantErr: "ID type must be one of national-id, passport, alien-id, service-id"},
	}
	for _, tt := range tests {
		got, err := ParseKenyaNumber(tt.idType, tt.in)
		if got != tt.want || errText(err) != tt.wantErr {
			t.Errorf("ParseKenyaNumber(%q, %q) = %q, %q; want %q, %q", tt.idType, tt.in, got, errText(err), tt.want, tt.wantErr)
		}
	}
}

var kenyaPatterns = map[KenyaIDType]*regexp.Regexp{
	KenyaNationalID: regexp.MustCompile(`^[0-9]{6,9}$`),
	KenyaPassport:   regexp.MustCompile(`^[A-Z]{1,2}[0-9]{6,8}$`),
	KenyaAlienID:    regexp.MustCompile(`^[0-9]{6,9}$`),
	KenyaServiceID:  regexp.MustCompile(`^[0-9]{4,10}$`),
}

func FuzzParseKenyaNumber(f *testing.F) {
	for _, seed := range []struct{ idType, number string }{
		{"national-id", "1234567"}, {"passport", "ak0123456"}, {"alien-id", "98765"},
		{"service-id", "1234"}, {"Passport", "A1234567"}, {"other", "1234567"}, {"", ""},
	} {
		f.Add(seed.idType, seed.number)
	}
	f.Fuzz(func(t *testing.T, idType, number string) {
		parsedType, typeErr := ParseKenyaIDType(idType)
		pattern := kenyaPatterns[parsedType]
		if typeErr == nil && pattern == nil {
			t.Fatalf("ParseKenyaIDType(%q) = %q, not a known type", idType, parsedType)
		}
		// The raw type goes in, so unknown and non-canonical spellings are exercised.
		fuzzStringParser(t, func(s string) (string, error) {
			return ParseKenyaNumber(KenyaIDType(idType), s)
		}, number, func(n string) bool { return pattern != nil && pattern.MatchString(n) })
	})
}
