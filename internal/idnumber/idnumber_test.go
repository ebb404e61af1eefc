package idnumber

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name                string
		country, idType, in string
		want                Result
	}{
		{name: "ZA default type", country: "za", in: "8001014800080", want: Result{
			Valid: true, Country: "ZA", Type: "national-id", Number: "8001014800080",
			BirthDate: "1980-01-01", Gender: "F", Citizenship: "citizen"}},
		{name: "ZA bad Luhn", country: "ZA", idType: "national-id", in: "8001014800081", want: Result{
			Country: "ZA", Type: "national-id", Reason: "check digit does not match (Luhn)"}},
		{name: "ZA refugee file", country: "ZA", idType: "Refugee-File", in: "abcdef01345678", want: Result{
			Valid: true, Country: "ZA", Type: "refugee-file", Number: "ABCDEF01345678"}},
		{name: "UG default type", country: " ug ", in: "CF90012102LEAH", want: Result{
			Valid: true, Country: "UG", Type: "nin", Number: "CF90012102LEAH", Gender: "F"}},
		{name: "UG card", country: "UG", idType: "card", in: "001234456", want: Result{
			Valid: true, Country: "UG", Type: "card", Number: "001234456"}},
		{name: "UG bad NIN", country: "UG", in: "CX90012102LEAH", want: Result{
			Country: "UG", Type: "nin", Reason: "NIN must start with CM or CF"}},
		{name: "NG default type", country: "NG", in: "12345678901", want: Result{
			Valid: true, Country: "NG", Type: "nin", Number: "12345678901"}},
		{name: "NG vNIN", country: "NG", idType: "vnin", in: "AB123456789012CD", want: Result{
			Valid: true, Country: "NG", Type: "vnin", Number: "AB123456789012CD"}},
		{name: "KE default type", country: "KE", in: "00000000", want: Result{
			Valid: true, Country: "KE", Type: "national-id", Number: "00000000"}},
		{name: "KE passport", country: "KE", idType: "passport", in: "ak0123456", want: Result{
			Valid: true, Country: "KE", Type: "passport", Number: "AK0123456"}},
		{name: "KE service ID", country: "KE", idType: "service-id", in: "123", want: Result{
			Country: "KE", Type: "service-id", Reason: "service ID number must be 4 to 10 digits"}},
		{name: "unknown country", country: "GH", in: "1234", want: Result{
			Reason: "unsupported country; supported: ZA, UG, NG, KE"}},
		{name: "unknown type lists the country's types", country: "KE", idType: "vnin", in: "1234", want: Result{
			Country: "KE", Reason: "unsupported ID type for KE; supported: national-id, alien-id, passport, service-id"}},
		{name: "type of another country", country: "ZA", idType: "nin", in: "12345678901", want: Result{
			Country: "ZA", Reason: "unsupported ID type for ZA; supported: national-id, refugee-file"}},
		{name: "huge country", country: strings.Repeat("Z", 65), in: "1", want: Result{
			Reason: "country or ID type is too long"}},
		{name: "huge number", country: "NG", in: strings.Repeat("1", 65), want: Result{
			Country: "NG", Type: "nin", Reason: "ID number is too long (more than 64 characters)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Validate(tt.country, tt.idType, tt.in, testNow)
			if got != tt.want {
				t.Errorf("Validate(%q, %q, %q) =\n%+v, want\n%+v", tt.country, tt.idType, tt.in, got, tt.want)
			}
		})
	}
}

func TestResultJSON(t *testing.T) {
	got, err := json.Marshal(Validate("ZA", "", "8001014800080", testNow))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"valid":true,"country":"ZA","type":"national-id","number":"8001014800080",` +
		`"birthDate":"1980-01-01","gender":"F","citizenship":"citizen"}`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	got, err = json.Marshal(Validate("GH", "", "1", testNow))
	if err != nil {
		t.Fatal(err)
	}
	want = `{"valid":false,"country":"","type":"","reason":"unsupported country; supported: ZA, UG, NG, KE"}`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func FuzzValidate(f *testing.F) {
	for _, seed := range [][3]string{
		{"ZA", "", "8001014800080"}, {"za", "refugee-file", "ABC123456"}, {"UG", "card", "001234456"},
		{"NG", "vnin", "AB123456789012CD"}, {"KE", "passport", "A1234567"}, {"XX", "", ""}, {"KE", "nin", "1"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, country, idType, number string) {
		got := Validate(country, idType, number, testNow)
		if got.Valid == (got.Reason != "") {
			t.Fatalf("Validate(%q, %q, %q) = %+v: exactly one of Valid and Reason must be set", country, idType, number, got)
		}
		if !got.Valid {
			if got.Number != "" || got.BirthDate != "" || got.Gender != "" || got.Citizenship != "" {
				t.Fatalf("invalid result carries parsed fields: %+v", got)
			}
			return
		}
		if again := Validate(got.Country, got.Type, got.Number, testNow); again != got {
			t.Fatalf("re-validating %+v gave %+v", got, again)
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	for _, c := range [][3]string{{"ZA", "", "8001014800080"}, {"NG", "vnin", "AB123456789012CD"}, {"KE", "passport", "AK0123456"}} {
		b.Run(c[0]+"-"+c[1], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !Validate(c[0], c[1], c[2], testNow).Valid {
					b.Fatal("sample rejected")
				}
			}
		})
	}
}
