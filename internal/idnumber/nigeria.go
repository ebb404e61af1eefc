package idnumber

import "errors"

var (
	errVNINFormat   = errors.New("vNIN must be 16 letters or digits")
	errVNINNoLetter = errors.New("vNIN must contain at least one letter")
)

// ParseNigeriaNIN parses an 11-digit Nigerian National Identification Number.
func ParseNigeriaNIN(s string) (string, error) {
	return digitsOfLength(s, 11, 11, "NIN")
}

// ParseVNIN parses a 16-character Nigerian virtual NIN, upper-casing it.
func ParseVNIN(s string) (string, error) {
	s, err := cleanUpper(s)
	if err != nil {
		return "", err
	}
	if len(s) != 16 || !upperAlnum(s) {
		return "", errVNINFormat
	}
	if leadingLetters(s) == 0 && allDigits(s) {
		return "", errVNINNoLetter
	}
	return s, nil
}
