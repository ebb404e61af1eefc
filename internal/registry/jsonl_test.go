package registry

import (
	"strings"
	"testing"
	"time"
)

var importNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func TestReadJSONL(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		wantRecords int
		wantAliases int
		wantErr     string // substring of the first error; "" means none
	}{
		{"one citizen", `{"country":"ZA","idType":"national-id","number":"8001014800080","firstNames":"Jane","lastName":"Doe","birthDate":"1980-01-01","gender":"F"}`, 1, 0, ""},
		{"comments and blanks", "# header\n\n" + `{"country":"ZA","number":"8001014800080","lastName":"Doe"}`, 1, 0, ""},
		{"vnin alias", `{"vninAlias":{"vnin":"AB123456789012CD","nin":"12345678901","expiresAt":"2027-01-01T00:00:00Z"}}`, 0, 1, ""},
		{"bad luhn", `{"country":"ZA","number":"8001014800081","lastName":"Doe"}`, 0, 0, "line 1: number:"},
		{"unknown field", `{"country":"ZA","number":"8001014800080","lastName":"Doe","nickname":"J"}`, 0, 0, "unknown field"},
		{"no names", `{"country":"ZA","number":"8001014800080"}`, 0, 0, "firstNames or lastName is required"},
		{"bad date on line 2", `{"country":"ZA","number":"8001014800080","lastName":"Doe"}` + "\n" + `{"country":"ZA","number":"8001014800080","lastName":"Doe","birthDate":"1980-13-01"}`, 0, 0, "line 2: birthDate"},
		{"bad photo", `{"country":"ZA","number":"8001014800080","lastName":"Doe","photo":"aGVsbG8="}`, 0, 0, "photo is not a JPEG or PNG"},
		{"missing photo file", `{"country":"ZA","number":"8001014800080","lastName":"Doe","photoPath":"nope.jpg"}`, 0, 0, "photoPath"},
		{"bad alias", `{"vninAlias":{"vnin":"short","nin":"12345678901","expiresAt":"2027-01-01T00:00:00Z"}}`, 0, 0, "vninAlias.vnin"},
		{"not json", `{"country":`, 0, 0, "not a valid record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, errs := ReadJSONL(strings.NewReader(tt.in), t.TempDir(), importNow, 10)
			if tt.wantErr != "" {
				if len(errs) == 0 || !strings.Contains(errs[0].Error(), tt.wantErr) {
					t.Fatalf("errors = %v, want one containing %q", errs, tt.wantErr)
				}
				if b != nil {
					t.Fatalf("batch = %+v, want nil when a line is invalid", b)
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			if len(b.Records) != tt.wantRecords || len(b.Aliases) != tt.wantAliases {
				t.Fatalf("got %d records, %d aliases; want %d, %d", len(b.Records), len(b.Aliases), tt.wantRecords, tt.wantAliases)
			}
		})
	}
}

func TestReadJSONLCollectsErrorsUpToLimit(t *testing.T) {
	bad := strings.Repeat(`{"country":"ZA","number":"1"}`+"\n", 20)
	_, errs := ReadJSONL(strings.NewReader(bad), t.TempDir(), importNow, 5)
	if len(errs) != 5 {
		t.Fatalf("got %d errors, want 5 (the limit)", len(errs))
	}
}

func FuzzReadJSONL(f *testing.F) {
	f.Add(`{"country":"ZA","idType":"national-id","number":"8001014800080","firstNames":"Jane","lastName":"Doe"}`)
	f.Add(`{"vninAlias":{"vnin":"AB123456789012CD","nin":"12345678901","expiresAt":"2027-01-01T00:00:00Z"}}`)
	f.Add("{}\n{\"photo\":\"!!\"}")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, in string) {
		b, errs := ReadJSONL(strings.NewReader(in), dir, importNow, 3)
		if (b == nil) == (len(errs) == 0) {
			t.Fatalf("batch %v with errors %v: exactly one must be set", b, errs)
		}
		if b != nil {
			for _, r := range b.Records {
				if r.Number == "" || r.Country == "" {
					t.Fatalf("accepted record without number or country: %+v", r)
				}
			}
		}
	})
}
