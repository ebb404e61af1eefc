package verify

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/idnumber"
)

// Input limits. Names longer than this are not names; the limits keep the
// scorer's work and the stored rows bounded.
const (
	maxNameLen      = 256
	maxClientRefLen = 128
	defaultReason   = 500
)

var zaMobile = regexp.MustCompile(`^0[0-9]{9}$`)

// Validate checks and normalises a request in place: the ID number is
// parsed for its country and type, free text is trimmed and bounded, the
// conditional rules are applied, and the request fingerprint is set.
// Errors are EINVALID with Field set, or ENOTIMPLEMENTED when a face check
// is asked of a server without a face engine.
func (s *Service) Validate(req *idgate.VerificationRequest) error {
	if !req.Consent {
		return idgate.FieldError("consent", "consent must be true: the subject's consent is required for every lookup")
	}
	req.Reason = strings.TrimSpace(req.Reason)
	if req.Reason == "" {
		return idgate.FieldError("reason", "a reason for the lookup is required (it is audited)")
	}
	maxReason := s.Config.MaxReasonLen
	if maxReason <= 0 {
		maxReason = defaultReason
	}
	if utf8.RuneCountInString(req.Reason) > maxReason {
		return idgate.FieldError("reason", "reason is longer than %d characters", maxReason)
	}
	if err := s.validateNumber(req); err != nil {
		return err
	}
	if err := validateSubject(req); err != nil {
		return err
	}
	if len(req.ClientRef) > maxClientRefLen {
		return idgate.FieldError("clientRef", "client reference is longer than %d characters", maxClientRefLen)
	}
	if (req.Checks.Face || req.Checks.Liveness) && len(req.Selfie) == 0 {
		return idgate.FieldError("selfie", "a selfie image is required for face matching and liveness")
	}
	if len(req.Selfie) > 0 && s.Face == nil {
		return idgate.Errorf(idgate.ENOTIMPLEMENTED, "face matching and liveness are not available: this server runs without the face engine")
	}
	if req.Country == idgate.SouthAfrica && !req.Checks.Names && len(req.Selfie) == 0 {
		return idgate.FieldError("firstNames", "first names and last name are required when no face image is provided")
	}
	if len(req.Selfie) > 0 {
		req.SelfieSHA256 = sha256Hex(req.Selfie)
	}
	req.Fingerprint = fingerprint(req)
	return nil
}

func (s *Service) validateNumber(req *idgate.VerificationRequest) error {
	req.Country = idgate.Country(strings.ToUpper(strings.TrimSpace(string(req.Country))))
	switch req.Country {
	case idgate.SouthAfrica, idgate.Uganda, idgate.Nigeria, idgate.Kenya:
	case "":
		return idgate.FieldError("country", "country is required (one of ZA, UG, NG, KE)")
	default:
		return idgate.FieldError("country", "unsupported country %q (supported: ZA, UG, NG, KE)", truncate(string(req.Country), 8))
	}
	if strings.TrimSpace(req.Number) == "" {
		return idgate.FieldError("number", "ID number is required")
	}
	r := idnumber.Validate(string(req.Country), string(req.IDType), req.Number, s.now())
	if !r.Valid {
		if r.Type == "" || (req.IDType != "" && r.Type != string(req.IDType)) {
			return idgate.FieldError("idType", "%s", r.Reason)
		}
		return idgate.FieldError("number", "invalid ID number: %s", r.Reason)
	}
	req.IDType = idgate.IDType(r.Type)
	req.Number = r.Number
	return nil
}

func validateSubject(req *idgate.VerificationRequest) error {
	sub := &req.Subject
	for _, f := range []struct {
		name  string
		value *string
	}{{"firstNames", &sub.FirstNames}, {"middleName", &sub.MiddleName}, {"lastName", &sub.LastName}} {
		*f.value = strings.TrimSpace(*f.value)
		if len(*f.value) > maxNameLen {
			return idgate.FieldError(f.name, "%s is longer than %d bytes", f.name, maxNameLen)
		}
		if !utf8.ValidString(*f.value) {
			return idgate.FieldError(f.name, "%s is not valid UTF-8", f.name)
		}
	}
	if req.Checks.Names && sub.FirstNames == "" && sub.LastName == "" && sub.BirthDate == "" {
		return idgate.FieldError("firstNames", "names or a birth date are required to validate data")
	}
	if req.Country == idgate.SouthAfrica && (sub.FirstNames != "" || sub.LastName != "") {
		if sub.FirstNames == "" {
			return idgate.FieldError("firstNames", "first names are required together with the last name")
		}
		if sub.LastName == "" {
			return idgate.FieldError("lastName", "last name is required together with the first names")
		}
	}
	if sub.BirthDate != "" {
		if _, err := time.Parse("2006-01-02", sub.BirthDate); err != nil {
			return idgate.FieldError("birthDate", "birth date must be a real date in the form YYYY-MM-DD")
		}
	}
	sub.Mobile = strings.TrimSpace(sub.Mobile)
	if sub.Mobile != "" && req.Country == idgate.SouthAfrica && !zaMobile.MatchString(sub.Mobile) {
		return idgate.FieldError("mobile", "mobile number must be 10 digits in the 0xxx format, e.g. 0821234567")
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
