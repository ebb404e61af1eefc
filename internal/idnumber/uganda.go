package idnumber

import "errors"

// UgandaNIN is what a Uganda National Identification Number says.
type UgandaNIN struct {
	Number string
	Gender string // "M" (CM prefix) or "F" (CF prefix)
}

var (
	errUgandaNINFormat = errors.New("NIN must be 14 letters or digits")
	errUgandaNINPrefix = errors.New("NIN must start with CM or CF")
)

// ParseUgandaNIN parses a 14-character Uganda NIN (CM or CF followed by 12
// letters or digits), upper-casing it.
func ParseUgandaNIN(s string) (UgandaNIN, error) {
	s, err := cleanUpper(s)
	if err != nil {
		return UgandaNIN{}, err
	}
	if len(s) != 14 || !upperAlnum(s) {
		return UgandaNIN{}, errUgandaNINFormat
	}
	switch s[:2] {
	case "CM":
		return UgandaNIN{Number: s, Gender: "M"}, nil
	case "CF":
		return UgandaNIN{Number: s, Gender: "F"}, nil
	}
	return UgandaNIN{}, errUgandaNINPrefix
}

// ParseUgandaCardNumber parses a 9-digit Uganda national ID card number.
func ParseUgandaCardNumber(s string) (string, error) {
	return digitsOfLength(s, 9, 9, "card number")
}

// MaskUgandaNIN hides all but the first 4 and last 3 characters of a NIN:
// CM12345678OABC becomes CM12*******ABC.
func MaskUgandaNIN(nin string) string { return mask(nin, 4, 3) }

// MaskCardNumber hides all but the first 2 and last 3 characters of a card
// number: 001234456 becomes 00****456.
func MaskCardNumber(card string) string { return mask(card, 2, 3) }

// upperAlnum reports whether s consists of A–Z and 0–9 only.
func upperAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) && !isDigit(s[i]) {
			return false
		}
	}
	return true
}
