package openapi_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/dialect/laboremus"
	"github.com/idgate/idgate/internal/dialect/securecitizen"
	"github.com/idgate/idgate/internal/openapi/openapitest"
)

// TestSchemasMatchWireStructs compares the document's schemas with the
// exported Go structs that are put on the wire: the same JSON field names,
// and — for answers — "required" exactly for the fields that are always
// encoded (no omitempty). The response tests cannot see a field the
// server never happened to send; this can.
func TestSchemasMatchWireStructs(t *testing.T) {
	v, err := openapitest.New()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		pointer string
		value   any
		answer  bool // encoded by idgate: required must match omitempty
	}{
		{"#/components/schemas/SecureCitizen.RSAIDRequest", securecitizen.RSAIDRequest{}, false},
		{"#/components/schemas/SecureCitizen.RefugeeRequest", securecitizen.RefugeeRequest{}, false},
		{"#/components/schemas/SecureCitizen.RSAIDResponse", securecitizen.RSAIDResponse{}, true},
		{"#/components/schemas/SecureCitizen.RSAIDResponse/properties/LivenessResult", securecitizen.LivenessResult{}, true},
		{"#/components/schemas/SecureCitizen.RSAIDResponse/properties/SCDerivedValues", securecitizen.DerivedValues{}, true},
		{"#/components/schemas/SecureCitizen.RSAIDResponse/properties/SAFPSResults/items", securecitizen.SAFPSResult{}, true},
		{"#/components/schemas/SecureCitizen.RSAIDResponse/properties/SAFPSResults/items/properties/Filings/items", securecitizen.Filing{}, true},
		{"#/components/schemas/SecureCitizen.RefugeeResponse", securecitizen.RefugeeResponse{}, true},
		{"#/components/schemas/SecureCitizen.RefugeeResponse/properties/LivenessResult", securecitizen.RefugeeLivenessResult{}, true},
		{"#/components/schemas/SecureCitizen.FaceResult", securecitizen.FaceResult{}, true},
		{"#/components/schemas/SecureCitizen.StatusResponse", securecitizen.StatusResponse{}, true},
		{"#/components/schemas/SecureCitizen.Envelope", securecitizen.Envelope{}, true},
		{"#/components/schemas/Laboremus.CreateRequest", laboremus.CreateRequest{}, false},
		{"#/components/schemas/Laboremus.Request", laboremus.Request{}, true},
		{"#/components/schemas/Laboremus.Request/properties/resultJson", laboremus.ResultJSON{}, true},
		{"#/components/schemas/Laboremus.Request/properties/resultJson/properties/error", laboremus.ResultError{}, true},
		{"#/components/schemas/Laboremus.RequestPage", laboremus.RequestPage{}, true},
		{"#/components/schemas/Laboremus.Problem", laboremus.Problem{}, true},
		{"#/components/schemas/Laboremus.Error", laboremus.ErrorEnvelope{}, true},
		{"#/components/schemas/Laboremus.Error/properties/error", laboremus.ErrorBody{}, true},
		{"#/components/schemas/Record", idgate.Record{}, true},
		{"#/components/schemas/Record/properties/za", idgate.ZACitizen{}, true},
		{"#/components/schemas/Record/properties/refugee", idgate.ZARefugee{}, true},
		{"#/components/schemas/Record/properties/ng", idgate.NGPerson{}, true},
		{"#/components/schemas/Record/properties/ke", idgate.KEPerson{}, true},
		{"#/components/schemas/Record/properties/ug", idgate.UGPerson{}, true},
		{"#/components/schemas/Address", idgate.Address{}, true},
		{"#/components/schemas/NameScores", idgate.NameScores{}, true},
		{"#/components/schemas/Liveness", idgate.LivenessResult{}, true},
		{"#/components/schemas/FraudScreening", idgate.FraudScreening{}, true},
		{"#/components/schemas/FraudListing", idgate.FraudListing{}, true},
		{"#/components/schemas/RegistryHealth", idgate.RegistryHealth{}, true},
		{"#/components/schemas/Wallet", idgate.Wallet{}, true},
		{"#/components/schemas/Subject", idgate.Subject{}, false},
		{"#/components/schemas/Checks", idgate.Checks{}, false},
		{"#/components/schemas/CachePolicy", idgate.CachePolicy{}, false},
		{"#/components/schemas/Token", auth.Token{}, true},
	}
	for _, c := range cases {
		schema := lookup(v.Document(), c.pointer)
		if schema == nil {
			t.Errorf("%s: not in the document", c.pointer)
			continue
		}
		fields := jsonFields(reflect.TypeOf(c.value))
		props, _ := schema["properties"].(map[string]any)
		for name := range fields {
			if _, ok := props[name]; !ok {
				t.Errorf("%s: %T has field %q, the schema does not", c.pointer, c.value, name)
			}
		}
		for name := range props {
			if _, ok := fields[name]; !ok {
				t.Errorf("%s: the schema has %q, %T does not", c.pointer, name, c.value)
			}
		}
		if !c.answer {
			continue
		}
		var required []string
		reqs, _ := schema["required"].([]any)
		for _, r := range reqs {
			required = append(required, r.(string))
		}
		for name, omitempty := range fields {
			if always := !omitempty; always != slices.Contains(required, name) {
				t.Errorf("%s: %q is always encoded: %v, but required in the schema: %v", c.pointer, name, always, !always)
			}
		}
	}
}

// jsonFields returns a struct's JSON field names and whether each is
// omitempty, following encoding/json's rules for tags and embedding.
func jsonFields(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() && !f.Anonymous {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = slices.Contains(strings.Split(opts, ","), "omitempty") || slices.Contains(strings.Split(opts, ","), "omitzero")
	}
	return out
}

// lookup follows a local JSON pointer into the document.
func lookup(doc map[string]any, pointer string) map[string]any {
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(pointer, "#/"), "/") {
		m, _ := cur.(map[string]any)
		cur = m[part]
	}
	m, _ := cur.(map[string]any)
	return m
}
