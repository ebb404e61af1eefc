package youverify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/face/imagedecode"
	"github.com/idgate/idgate/internal/httpx"
	"github.com/idgate/idgate/internal/idnumber"
)

// lookupReason is the audited reason of every Youverify call: the dialect
// has no reason field, only the consent flag.
const lookupReason = "Youverify API lookup with the subject's consent (isSubjectConsent)"

// limits bound what the decoders accept.
type limits struct {
	metadataBytes int // compacted metadata object
	selfieBytes   int // decoded selfie image
}

// call is a decoded request: the core request and what the answer echoes.
type call struct {
	req      idgate.VerificationRequest
	metadata json.RawMessage // compacted JSON object, "{}" when absent
	data     *dataIn         // the data to validate as sent (trimmed), nil when none
	selfie   string          // the selfie as sent, echoed in selfieVerification
}

// decodeVNIN decodes and checks a vNIN request body. Errors are
// *idgate.Error with the wire name of the field in Field and Message.
func decodeVNIN(body []byte, lim limits) (*call, error) {
	var in vninRequest
	if err := unmarshal(body, &in); err != nil {
		return nil, err
	}
	c := &call{req: baseRequest(idgate.Nigeria, idgate.VNIN)}
	id, err := requiredString("id", in.ID)
	if err != nil {
		return nil, err
	}
	if c.req.Number, err = idnumber.ParseVNIN(id); err != nil {
		return nil, idgate.FieldError("id", `"id" must be a valid vNIN: %s (e.g. AB123456789012CD)`, err)
	}
	if err := checkConsent(in.IsSubjectConsent); err != nil {
		return nil, err
	}
	if err := c.decodeValidations(&in, lim); err != nil {
		return nil, err
	}
	if c.metadata, err = decodeMetadata(in.Metadata, lim.metadataBytes); err != nil {
		return nil, err
	}
	return c, nil
}

// decodeIDScrub decodes and checks a Kenya ID scrub request body.
func decodeIDScrub(body []byte, lim limits) (*call, error) {
	var in idScrubRequest
	if err := unmarshal(body, &in); err != nil {
		return nil, err
	}
	id, err := requiredString("id", in.ID)
	if err != nil {
		return nil, err
	}
	idType, err := decodeKenyaIDType(in.IDType)
	if err != nil {
		return nil, err
	}
	c := &call{req: baseRequest(idgate.Kenya, idgate.IDType(idType))}
	if c.req.Number, err = idnumber.ParseKenyaNumber(idType, id); err != nil {
		return nil, idgate.FieldError("id", `"id" is not a valid Kenyan %s number: %s`, idType, err)
	}
	if err := checkConsent(in.IsSubjectConsent); err != nil {
		return nil, err
	}
	if c.metadata, err = decodeMetadata(in.Metadata, lim.metadataBytes); err != nil {
		return nil, err
	}
	return c, nil
}

func baseRequest(country idgate.Country, idType idgate.IDType) idgate.VerificationRequest {
	return idgate.VerificationRequest{
		Dialect: idgate.DialectYouverify,
		Country: country,
		IDType:  idType,
		Consent: true,
		Reason:  lookupReason,
		Checks:  idgate.Checks{Photo: true},
	}
}

// unmarshal decodes a JSON object; errors name the field at fault.
// Unknown fields are ignored, as clients of a vendor API may send more
// than its pages list.
func unmarshal(body []byte, v any) error {
	return httpx.Unmarshal(body, false, v)
}

func requiredString(field string, s *string) (string, error) {
	if s == nil {
		return "", idgate.FieldError(field, "%q is required", field)
	}
	v := strings.TrimSpace(*s)
	if v == "" {
		return "", idgate.FieldError(field, "%q must not be empty", field)
	}
	return v, nil
}

func checkConsent(consent *bool) error {
	switch {
	case consent == nil:
		return idgate.FieldError("isSubjectConsent", `"isSubjectConsent" is required and must be true`)
	case !*consent:
		return idgate.FieldError("isSubjectConsent", `"isSubjectConsent" must be true: the subject's consent is required for every lookup`)
	}
	return nil
}

func decodeKenyaIDType(raw json.RawMessage) (idnumber.KenyaIDType, error) {
	const allowed = "national-id, passport, alien-id, service-id"
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", idgate.FieldError("idType", `"idType" is required: one of %s`, allowed)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", idgate.FieldError("idType", `"idType" must be a string: one of %s`, allowed)
	}
	t, err := idnumber.ParseKenyaIDType(s)
	if err != nil {
		return "", idgate.FieldError("idType", `"idType" must be one of %s`, allowed)
	}
	return t, nil
}

// decodeValidations reads "validations" (or the field table's
// "validation") into the request's subject, checks and selfie.
func (c *call) decodeValidations(in *vninRequest, lim limits) error {
	v, prefix := in.Validations, "validations"
	switch {
	case in.Validations != nil && in.Validation != nil:
		return idgate.FieldError("validations", `send "validations" or "validation", not both`)
	case in.Validation != nil:
		v, prefix = in.Validation, "validation"
	}
	if v == nil {
		return nil
	}
	if v.Data != nil {
		if err := c.decodeData(v.Data, prefix+".data"); err != nil {
			return err
		}
	}
	if v.Selfie != nil {
		if err := c.decodeSelfie(v.Selfie, prefix+".selfie.image", lim.selfieBytes); err != nil {
			return err
		}
	}
	return nil
}

func (c *call) decodeData(d *dataIn, prefix string) error {
	out := &dataIn{}
	for _, f := range []struct {
		name string
		in   *string
		out  **string
	}{
		{"firstName", d.FirstName, &out.FirstName},
		{"lastName", d.LastName, &out.LastName},
		{"dateOfBirth", d.DateOfBirth, &out.DateOfBirth},
	} {
		if f.in == nil {
			continue
		}
		v, err := requiredString(prefix+"."+f.name, f.in)
		if err != nil {
			return err
		}
		*f.out = &v
	}
	if out.FirstName == nil && out.LastName == nil && out.DateOfBirth == nil {
		return idgate.FieldError(prefix, "%q must contain firstName, lastName or dateOfBirth", prefix)
	}
	if out.DateOfBirth != nil {
		if _, err := time.Parse(time.DateOnly, *out.DateOfBirth); err != nil {
			field := prefix + ".dateOfBirth"
			return idgate.FieldError(field, "%q must be a real date in the form YYYY-MM-DD", field)
		}
	}
	c.data = out
	c.req.Checks.Names = true
	c.req.Subject = idgate.Subject{
		FirstNames: deref(out.FirstName),
		LastName:   deref(out.LastName),
		BirthDate:  deref(out.DateOfBirth),
	}
	return nil
}

func (c *call) decodeSelfie(s *selfieIn, field string, maxBytes int) error {
	image, err := requiredString(field, s.Image)
	if err != nil {
		return err
	}
	raw, err := imagedecode.DecodeBase64(image, maxBytes)
	switch {
	case errors.Is(err, imagedecode.ErrTooLarge):
		return &idgate.Error{Code: idgate.ETOOLARGE, Field: field,
			Message: fmt.Sprintf("%q is larger than %d bytes", field, maxBytes)}
	case err != nil || len(raw) == 0:
		return idgate.FieldError(field, "%q must be a base64 image or a data URI (data:image/jpeg;base64,...)", field)
	}
	c.selfie = image
	c.req.Selfie = raw
	c.req.Checks.Face = true
	return nil
}

// decodeMetadata checks that metadata is a JSON object of bounded size and
// compacts it; absent or null metadata is {}.
func decodeMetadata(raw json.RawMessage, maxBytes int) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return json.RawMessage("{}"), nil
	}
	if raw[0] != '{' {
		return nil, idgate.FieldError("metadata", `"metadata" must be an object`)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, idgate.FieldError("metadata", `"metadata" must be an object`)
	}
	if buf.Len() > maxBytes {
		return nil, idgate.FieldError("metadata", `"metadata" must be at most %d bytes of JSON`, maxBytes)
	}
	return buf.Bytes(), nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
