package idnumber

import "errors"

const (
	niisMinLetters = 3
	niisMinDigits  = 6
	niisMaxLen     = 20
)

var errNIISFormat = errors.New("refugee file number must be at least 3 letters followed by at least 6 digits, 20 characters at most")

// ParseNIISFileNumber parses a South African refugee (NIIS) file number and
// returns it upper-cased. See the package doc for the rule.
func ParseNIISFileNumber(s string) (string, error) {
	s, err := cleanUpper(s)
	if err != nil {
		return "", err
	}
	letters := leadingLetters(s)
	if len(s) > niisMaxLen || letters < niisMinLetters ||
		len(s)-letters < niisMinDigits || !allDigits(s[letters:]) {
		return "", errNIISFormat
	}
	return s, nil
}
