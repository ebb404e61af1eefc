package laboremus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/idgate/idgate/internal/idnumber"
)

// Input limits.
const (
	maxNameLen = 100 // characters, per name field
	// DefaultMaxBatch is how many requests one multiple create may hold.
	DefaultMaxBatch = 100
)

// validationError is a 400: the messages per request property, as in
// ASP.NET's problem details ("$" for the body as a whole).
type validationError struct {
	errors map[string][]string
}

func (e *validationError) Error() string {
	keys := make([]string, 0, len(e.errors))
	for k := range e.errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return "laboremus: invalid request: " + strings.Join(keys, ", ")
}

func (e *validationError) add(property, format string, args ...any) {
	if e.errors == nil {
		e.errors = map[string][]string{}
	}
	e.errors[property] = append(e.errors[property], fmt.Sprintf(format, args...))
}

func (e *validationError) empty() bool { return len(e.errors) == 0 }

func invalid(property, format string, args ...any) *validationError {
	e := &validationError{}
	e.add(property, format, args...)
	return e
}

// decodeCreate reads the body of POST /idv/api/requests: one object, or an
// array of 1..maxBatch objects (multiple). It reports every problem it
// finds, each under its property ("nin", or "[2].nin" in an array).
// Numbers are normalised: the NIN upper-cased, spaces trimmed.
func decodeCreate(body []byte, maxBatch int, today time.Time) (reqs []CreateRequest, multiple bool, err error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, false, invalid("$", "A non-empty request body is required.")
	}
	if !json.Valid(body) {
		return nil, false, invalid("$", "The request body is not valid JSON.")
	}
	var raws []json.RawMessage
	switch body[0] {
	case '{':
		raws = []json.RawMessage{body}
	case '[':
		multiple = true
		if err := json.Unmarshal(body, &raws); err != nil {
			return nil, true, invalid("$", "The request body must be a JSON object or an array of objects.")
		}
		if len(raws) == 0 {
			return nil, true, invalid("$", "At least one request is required.")
		}
		if len(raws) > maxBatch {
			return nil, true, invalid("$", "At most %d requests can be created at once.", maxBatch)
		}
	default:
		return nil, false, invalid("$", "The request body must be a JSON object or an array of objects.")
	}
	verr := &validationError{}
	reqs = make([]CreateRequest, len(raws))
	for i, raw := range raws {
		prefix := ""
		if multiple {
			prefix = fmt.Sprintf("[%d].", i)
		}
		reqs[i] = decodeOne(raw, prefix, today, verr)
	}
	if !verr.empty() {
		return nil, multiple, verr
	}
	return reqs, multiple, nil
}

// fields are the create properties, in the order errors are reported.
var fields = []string{"surname", "givenNames", "otherNames", "nin", "cardNumber", "dateOfBirth"}

// decodeOne reads one request object, adding its problems to verr.
// Property names match case-insensitively, as ASP.NET's binder does;
// unknown properties are ignored, as there.
func decodeOne(raw json.RawMessage, prefix string, today time.Time, verr *validationError) CreateRequest {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		verr.add(strings.TrimSuffix(prefix, ".")+"$", "Each request must be a JSON object.")
		return CreateRequest{}
	}
	values := map[string]string{}
	for key, val := range obj {
		var name string
		for _, f := range fields {
			if strings.EqualFold(key, f) {
				name = f
			}
		}
		if name == "" {
			continue
		}
		var s *string
		if err := json.Unmarshal(val, &s); err != nil {
			verr.add(prefix+name, "The %s field must be a string.", name)
			continue
		}
		if s != nil {
			values[name] = strings.TrimSpace(*s)
		}
	}
	req := CreateRequest{
		Surname: values["surname"], GivenNames: values["givenNames"], OtherNames: values["otherNames"],
		NIN: values["nin"], CardNumber: values["cardNumber"], DateOfBirth: values["dateOfBirth"],
	}
	for _, f := range []struct {
		name     string
		value    string
		required bool
	}{{"surname", req.Surname, true}, {"givenNames", req.GivenNames, true}, {"otherNames", req.OtherNames, false}} {
		checkName(verr, prefix+f.name, f.name, f.value, f.required)
	}
	if req.NIN == "" {
		requireMissing(verr, prefix+"nin", "nin")
	} else if n, err := idnumber.ParseUgandaNIN(req.NIN); err != nil {
		verr.add(prefix+"nin", "The nin field is not a valid NIN: it must be 14 letters or digits starting with CM or CF.")
	} else {
		req.NIN = n.Number
	}
	if req.CardNumber == "" {
		requireMissing(verr, prefix+"cardNumber", "cardNumber")
	} else if c, err := idnumber.ParseUgandaCardNumber(req.CardNumber); err != nil {
		verr.add(prefix+"cardNumber", "The cardNumber field is not a valid card number: it must be 9 digits.")
	} else {
		req.CardNumber = c
	}
	if req.DateOfBirth == "" {
		requireMissing(verr, prefix+"dateOfBirth", "dateOfBirth")
	} else if d, err := time.Parse(time.DateOnly, req.DateOfBirth); err != nil {
		verr.add(prefix+"dateOfBirth", "The dateOfBirth field must be a date in the form YYYY-MM-DD.")
	} else if d.After(today) {
		verr.add(prefix+"dateOfBirth", "The dateOfBirth field must not be in the future.")
	}
	return req
}

// requireMissing reports a missing required field, unless it was present
// with the wrong type (already reported).
func requireMissing(verr *validationError, property, name string) {
	if _, seen := verr.errors[property]; seen {
		return
	}
	verr.add(property, "The %s field is required.", name)
}

func checkName(verr *validationError, property, name, value string, required bool) {
	switch {
	case value == "" && required:
		requireMissing(verr, property, name)
	case utf8.RuneCountInString(value) > maxNameLen:
		verr.add(property, "The %s field must be at most %d characters long.", name, maxNameLen)
	}
}
