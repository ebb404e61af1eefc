package httpx

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/idgate/idgate"
)

func TestDecodeJSON(t *testing.T) {
	type body struct {
		Name    string `json:"name"`
		Consent bool   `json:"consent"`
		Nested  struct {
			Count int `json:"count"`
		} `json:"nested"`
	}
	tests := []struct {
		name   string
		in     string
		strict bool
		code   string
		field  string
	}{
		{"ok", `{"name":"a","consent":true}`, true, "", ""},
		{"empty", ``, false, idgate.EINVALID, ""},
		{"malformed", `{"name":`, false, idgate.EINVALID, ""},
		{"syntax", `{"name" "a"}`, false, idgate.EINVALID, ""},
		{"wrong type", `{"consent":"yes"}`, false, idgate.EINVALID, "consent"},
		{"nested wrong type", `{"nested":{"count":"x"}}`, false, idgate.EINVALID, "nested.count"},
		{"not an object", `[1,2]`, false, idgate.EINVALID, ""},
		{"unknown field strict", `{"nme":"a"}`, true, idgate.EINVALID, "nme"},
		{"unknown field lenient", `{"nme":"a"}`, false, "", ""},
		{"two values", `{} {}`, false, idgate.EINVALID, ""},
		{"too large", `{"name":"` + strings.Repeat("x", 200) + `"}`, false, idgate.ETOOLARGE, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.in))
			var v body
			err := DecodeJSON(httptest.NewRecorder(), r, 100, tt.strict, &v)
			if got := idgate.ErrorCode(err); got != tt.code {
				t.Fatalf("code %q (%v), want %q", got, err, tt.code)
			}
			if e, ok := err.(*idgate.Error); tt.field != "" && (!ok || e.Field != tt.field) {
				t.Fatalf("error %v does not name %s", err, tt.field)
			}
		})
	}
}

func TestDecodeImage(t *testing.T) {
	img := []byte{0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3}
	b64 := base64.StdEncoding.EncodeToString(img)
	tests := []struct {
		in string
		ok bool
	}{
		{b64, true},
		{"data:image/jpeg;base64," + b64, true},
		{"  " + b64 + "\n", true},
		{strings.TrimRight(b64, "="), true},
		{"data:image/jpeg," + b64, false},
		{"data:image/jpeg;base64", false},
		{"not base64!", false},
		{"", false},
	}
	for _, tt := range tests {
		got, err := DecodeImage("selfie", tt.in)
		if tt.ok != (err == nil) || (tt.ok && !bytes.Equal(got, img)) {
			t.Errorf("DecodeImage(%q) = %v, %v", tt.in, got, err)
		}
		if err != nil && err.(*idgate.Error).Field != "selfie" {
			t.Errorf("error %v does not name the field", err)
		}
	}
}

func TestStatus(t *testing.T) {
	for code, want := range map[string]int{
		idgate.EINVALID: 400, idgate.EUNAUTHORIZED: 401, idgate.EPAYMENTREQ: 402, idgate.EFORBIDDEN: 403,
		idgate.ENOTFOUND: 404, idgate.ECONFLICT: 409, idgate.ETOOLARGE: 413, idgate.ENOFACE: 400,
		idgate.ENOTIMPLEMENTED: 501, idgate.EUNAVAILABLE: 503, idgate.EINTERNAL: 500,
	} {
		if got := Status(&idgate.Error{Code: code}); got != want {
			t.Errorf("Status(%s) = %d, want %d", code, got, want)
		}
	}
}

func FuzzDecodeImage(f *testing.F) {
	f.Add("data:image/png;base64,iVBORw0KGgo=")
	f.Add("aGVsbG8")
	f.Add("data:,")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := DecodeImage("image", s)
		if err == nil && len(b) == 0 {
			t.Fatalf("accepted %q as an empty image", s)
		}
	})
}

func FuzzUnmarshal(f *testing.F) {
	f.Add(`{"a":1}`)
	f.Add(`{"a":"x","b":[1,{"c":null}]}`)
	f.Fuzz(func(t *testing.T, s string) {
		var v struct {
			A int               `json:"a"`
			B []map[string]bool `json:"b"`
		}
		if err := Unmarshal([]byte(s), true, &v); err != nil && idgate.ErrorCode(err) != idgate.EINVALID {
			t.Fatalf("Unmarshal(%q) error %v is not EINVALID", s, err)
		}
	})
}
