package idnumber

import (
	"errors"
	"fmt"
	"strings"
)

// KenyaIDType is one of the Kenyan identity documents idgate verifies.
type KenyaIDType string

// The Kenyan ID types, as spelled on the wire.
const (
	KenyaNationalID KenyaIDType = "national-id"
	KenyaPassport   KenyaIDType = "passport"
	KenyaAlienID    KenyaIDType = "alien-id"
	KenyaServiceID  KenyaIDType = "service-id"
)

// kenyaTypes lists the types in the order error messages name them.
var kenyaTypes = []KenyaIDType{KenyaNationalID, KenyaPassport, KenyaAlienID, KenyaServiceID}

// ParseKenyaIDType parses a Kenyan ID type name, ignoring case and
// surrounding white space.
func ParseKenyaIDType(s string) (KenyaIDType, error) {
	if len(s) <= MaxInputLen {
		t := KenyaIDType(normalizeType(s))
		for _, known := range kenyaTypes {
			if t == known {
				return t, nil
			}
		}
	}
	names := make([]string, len(kenyaTypes))
	for i, t := range kenyaTypes {
		names[i] = string(t)
	}
	return "", fmt.Errorf("ID type must be one of %s", strings.Join(names, ", "))
}

// ParseKenyaNumber parses a Kenyan ID number of type t, upper-casing
// passport numbers. t is read as ParseKenyaIDType reads it. See the package
// doc for each type's format.
func ParseKenyaNumber(t KenyaIDType, s string) (string, error) {
	t, err := ParseKenyaIDType(string(t))
	if err != nil {
		return "", err
	}
	switch t {
	case KenyaNationalID:
		return digitsOfLength(s, 6, 9, "national ID number")
	case KenyaAlienID:
		return digitsOfLength(s, 6, 9, "alien ID number")
	case KenyaServiceID:
		return digitsOfLength(s, 4, 10, "service ID number")
	default: // KenyaPassport
		return parseKenyaPassport(s)
	}
}

var errKenyaPassport = errors.New("passport number must be 1 or 2 letters followed by 6 to 8 digits")

func parseKenyaPassport(s string) (string, error) {
	s, err := cleanUpper(s)
	if err != nil {
		return "", err
	}
	letters := leadingLetters(s)
	digits := len(s) - letters
	if letters < 1 || letters > 2 || digits < 6 || digits > 8 || !allDigits(s[letters:]) {
		return "", errKenyaPassport
	}
	return s, nil
}
