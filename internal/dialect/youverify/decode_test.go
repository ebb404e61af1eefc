package youverify

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/verify"
)

var testLimits = limits{metadataBytes: DefaultMaxMetadataBytes, selfieBytes: 1 << 10}

func TestDecodeVNIN(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantField string // "" with wantCode "" means success
		wantCode  string
		check     func(t *testing.T, c *call)
	}{
		{name: "plain", body: `{"id":" ab123456789012cd ","isSubjectConsent":true}`, check: func(t *testing.T, c *call) {
			if c.req.Number != "AB123456789012CD" || c.req.Country != idgate.Nigeria || c.req.IDType != idgate.VNIN {
				t.Errorf("request = %+v", c.req)
			}
			if c.req.Checks.Names || c.req.Checks.Face || string(c.metadata) != "{}" {
				t.Errorf("checks %+v metadata %s", c.req.Checks, c.metadata)
			}
		}},
		{name: "data", body: `{"id":"AB123456789012CD","isSubjectConsent":true,"validations":{"data":{"firstName":" Sarah ","dateOfBirth":"1988-04-04"}}}`,
			check: func(t *testing.T, c *call) {
				if !c.req.Checks.Names || c.req.Subject.FirstNames != "Sarah" || c.req.Subject.BirthDate != "1988-04-04" || c.req.Subject.LastName != "" {
					t.Errorf("subject %+v checks %+v", c.req.Subject, c.req.Checks)
				}
			}},
		{name: "selfie", body: `{"id":"AB123456789012CD","isSubjectConsent":true,"validations":{"selfie":{"image":"data:image/png;base64,iVBORw0KGgo="}}}`,
			check: func(t *testing.T, c *call) {
				if !c.req.Checks.Face || string(c.req.Selfie) != "\x89PNG\r\n\x1a\n" || c.selfie != "data:image/png;base64,iVBORw0KGgo=" {
					t.Errorf("selfie %q checks %+v", c.req.Selfie, c.req.Checks)
				}
			}},
		{name: "metadata compacted", body: `{"id":"AB123456789012CD","isSubjectConsent":true,"metadata":{ "a" : [1, 2] }}`,
			check: func(t *testing.T, c *call) {
				if string(c.metadata) != `{"a":[1,2]}` {
					t.Errorf("metadata = %s", c.metadata)
				}
			}},
		{name: "null metadata", body: `{"id":"AB123456789012CD","isSubjectConsent":true,"metadata":null}`},
		{name: "empty body", body: ``, wantCode: idgate.EINVALID},
		{name: "array body", body: `[]`, wantCode: idgate.EINVALID},
		{name: "missing id", body: `{"isSubjectConsent":true}`, wantField: "id"},
		{name: "numeric id", body: `{"id":1234,"isSubjectConsent":true}`, wantField: "id"},
		{name: "short id", body: `{"id":"AB12","isSubjectConsent":true}`, wantField: "id"},
		{name: "all-digit id", body: `{"id":"1234567890123456","isSubjectConsent":true}`, wantField: "id"},
		{name: "no consent", body: `{"id":"AB123456789012CD"}`, wantField: "isSubjectConsent"},
		{name: "consent false", body: `{"id":"AB123456789012CD","isSubjectConsent":false}`, wantField: "isSubjectConsent"},
		{name: "both spellings", body: `{"id":"AB123456789012CD","isSubjectConsent":true,"validation":{},"validations":{}}`, wantField: "validations"},
		{name: "empty data", body: `{"id":"AB123456789012CD","isSubjectConsent":true,"validations":{"data":{}}}`, wantField: "validations.data"},
		{name: "empty first name", body: `{"id":"AB123456789012CD","isSubjectConsent":true,"validation":{"data":{"firstName":" "}}}`, wantField: "validation.data.firstName"},
		{name: "bad date", body: `{"id":"AB123456789012CD","isSubjectConsent":true,"validations":{"data":{"dateOfBirth":"1988-02-30"}}}`, wantField: "validations.data.dateOfBirth"},
		{name: "selfie without image", body: `{"id":"AB123456789012CD","isSubjectConsent":true,"validations":{"selfie":{}}}`, wantField: "validations.selfie.image"},
		{name: "selfie not base64", body: `{"id":"AB123456789012CD","isSubjectConsent":true,"validations":{"selfie":{"image":"not an image!"}}}`, wantField: "validations.selfie.image"},
		{name: "selfie too large", body: `{"id":"AB123456789012CD","isSubjectConsent":true,"validations":{"selfie":{"image":"` + strings.Repeat("QUFB", 1000) + `"}}}`,
			wantField: "validations.selfie.image", wantCode: idgate.ETOOLARGE},
		{name: "metadata string", body: `{"id":"AB123456789012CD","isSubjectConsent":true,"metadata":"x"}`, wantField: "metadata"},
		{name: "metadata too large", body: `{"id":"AB123456789012CD","isSubjectConsent":true,"metadata":{"a":"` + strings.Repeat("x", DefaultMaxMetadataBytes) + `"}}`, wantField: "metadata"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := decodeVNIN([]byte(tt.body), testLimits)
			checkDecode(t, c, err, tt.wantField, tt.wantCode)
			if err == nil && tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestDecodeIDScrub(t *testing.T) {
	tests := []struct {
		name, body, wantField string
		wantType              idgate.IDType
		wantNumber            string
	}{
		{name: "national id", body: `{"id":"1234567","idType":"national-id","isSubjectConsent":true}`, wantType: idgate.NationalID, wantNumber: "1234567"},
		{name: "passport upper-cased", body: `{"id":"ak0123456","idType":"Passport","isSubjectConsent":true}`, wantType: idgate.Passport, wantNumber: "AK0123456"},
		{name: "alien id", body: `{"id":"7654321","idType":"alien-id","isSubjectConsent":true}`, wantType: idgate.AlienID, wantNumber: "7654321"},
		{name: "service id", body: `{"id":"200345","idType":"service-id","isSubjectConsent":true}`, wantType: idgate.ServiceID, wantNumber: "200345"},
		{name: "missing type", body: `{"id":"1234567","isSubjectConsent":true}`, wantField: "idType"},
		{name: "object type", body: `{"id":"1234567","idType":{},"isSubjectConsent":true}`, wantField: "idType"},
		{name: "unknown type", body: `{"id":"1234567","idType":"nin","isSubjectConsent":true}`, wantField: "idType"},
		{name: "bad passport", body: `{"id":"1234567","idType":"passport","isSubjectConsent":true}`, wantField: "id"},
		{name: "no consent", body: `{"id":"1234567","idType":"national-id","isSubjectConsent":false}`, wantField: "isSubjectConsent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := decodeIDScrub([]byte(tt.body), testLimits)
			checkDecode(t, c, err, tt.wantField, "")
			if err == nil && (c.req.IDType != tt.wantType || c.req.Number != tt.wantNumber || c.req.Country != idgate.Kenya) {
				t.Errorf("request = %s %s %s, want KE %s %s", c.req.Country, c.req.IDType, c.req.Number, tt.wantType, tt.wantNumber)
			}
		})
	}
}

func checkDecode(t *testing.T, c *call, err error, wantField, wantCode string) {
	t.Helper()
	if wantField == "" && wantCode == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var e *idgate.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want an *idgate.Error on %q", err, wantField)
	}
	if wantCode == "" {
		wantCode = idgate.EINVALID
	}
	if e.Code != wantCode || e.Field != wantField {
		t.Errorf("error = %s on %q (%s), want %s on %q", e.Code, e.Field, e.Message, wantCode, wantField)
	}
	if wantField != "" && !strings.Contains(e.Message, wantField) {
		t.Errorf("message %q does not name the field %q", e.Message, wantField)
	}
}

// checkFuzzResult holds for any input: either a client-safe field error,
// or a request the core can take with a JSON-object metadata in bounds.
func checkFuzzResult(t *testing.T, c *call, err error) {
	if err != nil {
		code := idgate.ErrorCode(err)
		if code != idgate.EINVALID && code != idgate.ETOOLARGE {
			t.Fatalf("error code %s: %v", code, err)
		}
		if !utf8.ValidString(idgate.ErrorMessage(err)) {
			t.Fatalf("message is not UTF-8: %q", idgate.ErrorMessage(err))
		}
		return
	}
	if !c.req.Consent || c.req.Number == "" || c.req.Reason == "" {
		t.Fatalf("accepted an incomplete request: %+v", c.req)
	}
	if len(c.metadata) > testLimits.metadataBytes || !json.Valid(c.metadata) || c.metadata[0] != '{' {
		t.Fatalf("metadata %q", c.metadata)
	}
	if len(c.req.Selfie) > testLimits.selfieBytes {
		t.Fatalf("selfie of %d bytes", len(c.req.Selfie))
	}
}

func FuzzDecodeVNIN(f *testing.F) {
	for _, seed := range []string{
		`{"id":"AB123456789012CD","isSubjectConsent":true}`,
		`{"id":"AB123456789012CD","isSubjectConsent":true,"validations":{"data":{"lastName":"Doe","firstName":"Sarah","dateOfBirth":"1988-04-04"}}}`,
		`{"id":"AB123456789012CD","isSubjectConsent":true,"validation":{"selfie":{"image":"data:image/jpg;base64,/9j/4AAQ"}},"metadata":{"k":[1]}}`,
		`{"id":"AB123456789012CD","isSubjectConsent":"yes"}`,
		`{"id":null}`, `[]`, `{`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := decodeVNIN(body, testLimits)
		checkFuzzResult(t, c, err)
		if err == nil && c.req.IDType != idgate.VNIN {
			t.Fatalf("id type %s", c.req.IDType)
		}
	})
}

func FuzzDecodeIDScrub(f *testing.F) {
	for _, seed := range []string{
		`{"id":"1234567","idType":"national-id","isSubjectConsent":true}`,
		`{"id":"AK0123456","idType":"passport","isSubjectConsent":true,"metadata":{}}`,
		`{"id":"200345","idType":"service-id","isSubjectConsent":true,"metadata":null}`,
		`{"id":"1234567","idType":{"a":1},"isSubjectConsent":true}`,
		`{"id":"1234567","idType":7}`, `null`, `{}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := decodeIDScrub(body, testLimits)
		checkFuzzResult(t, c, err)
		if err == nil && c.req.Country != idgate.Kenya {
			t.Fatalf("country %s", c.req.Country)
		}
	})
}

// calibratedFace is a face engine that can put its threshold on the
// confidence scale.
type calibratedFace struct{ fakeFace }

func (calibratedFace) Confidence(similarity float64) float64 { return similarity - 0.4 }

func TestSelfieThreshold(t *testing.T) {
	match := &idgate.Result{Face: &idgate.FaceMatch{Threshold: 0.9}}
	tests := []struct {
		name string
		face idgate.FaceEngine
		cfg  Config
		res  *idgate.Result
		want int
	}{
		{"calibrated engine", calibratedFace{pageFace}, Config{SelfieThreshold: 70}, match, 50},
		{"configured", pageFace, Config{SelfieThreshold: 70}, match, 70},
		{"default", pageFace, Config{}, match, DefaultSelfieThreshold},
		{"no match ran", calibratedFace{pageFace}, Config{}, &idgate.Result{}, DefaultSelfieThreshold},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &Handler{Service: &verify.Service{Face: tt.face}, Config: tt.cfg}
			if got := h.selfieThreshold(tt.res); got != tt.want {
				t.Errorf("threshold = %d, want %d", got, tt.want)
			}
		})
	}
}
