package idnumber

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// MaxInputLen is the longest input, in bytes, any parser looks at. No ID
// number is close to it; anything longer is rejected before trimming.
const MaxInputLen = 64

var (
	errTooLong = fmt.Errorf("ID number is too long (more than %d characters)", MaxInputLen)
	errEmpty   = errors.New("ID number is empty")
)

// clean enforces the size limit and trims surrounding white space.
func clean(s string) (string, error) {
	if len(s) > MaxInputLen {
		return "", errTooLong
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errEmpty
	}
	return s, nil
}

// cleanUpper is clean followed by upper-casing, for formats with letters.
func cleanUpper(s string) (string, error) {
	s, err := clean(s)
	if err != nil {
		return "", err
	}
	return asciiUpper(s), nil
}

// asciiUpper upper-cases a–z only: strings.ToUpper would turn some non-ASCII
// letters (ı, ſ) into ASCII ones and so accept them.
func asciiUpper(s string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// normalizeType trims an ID type name and lower-cases its A–Z, leaving other
// letters alone for the same reason as asciiUpper.
func normalizeType(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r - 'A' + 'a'
		}
		return r
	}, strings.TrimSpace(s))
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'A' <= c && c <= 'Z' }

// allDigits reports whether s is non-empty and consists of ASCII digits only.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// leadingLetters counts the upper-case ASCII letters at the start of s.
func leadingLetters(s string) int {
	n := 0
	for n < len(s) && isLetter(s[n]) {
		n++
	}
	return n
}

// digitsOfLength checks that s is n digits, or min to max digits when max > min.
func digitsOfLength(s string, min, max int, what string) (string, error) {
	s, err := clean(s)
	if err != nil {
		return "", err
	}
	if allDigits(s) && min <= len(s) && len(s) <= max {
		return s, nil
	}
	if min == max {
		return "", fmt.Errorf("%s must be %d digits", what, min)
	}
	return "", fmt.Errorf("%s must be %d to %d digits", what, min, max)
}

// mask replaces all but the first keepFirst and last keepLast characters of s
// with '*'. When s is too short to keep anything hidden, all of it is masked.
func mask(s string, keepFirst, keepLast int) string {
	r := []rune(s)
	if len(r) <= keepFirst+keepLast {
		return strings.Repeat("*", len(r))
	}
	for i := keepFirst; i < len(r)-keepLast; i++ {
		r[i] = '*'
	}
	return string(r)
}

// Result is what [Validate] says about a number, shaped for the CLI and the
// native API. Number, BirthDate, Gender and Citizenship are set only when
// Valid; Reason only when not.
type Result struct {
	Valid       bool   `json:"valid"`
	Country     string `json:"country"`
	Type        string `json:"type"`
	Number      string `json:"number,omitempty"`
	BirthDate   string `json:"birthDate,omitempty"` // YYYY-MM-DD
	Gender      string `json:"gender,omitempty"`    // "M" or "F"
	Citizenship string `json:"citizenship,omitempty"`
	Reason      string `json:"reason,omitempty"`
}

// ID types accepted by Validate, besides the Kenyan ones.
const (
	TypeNationalID  = "national-id"
	TypeRefugeeFile = "refugee-file"
	TypeNIN         = "nin"
	TypeCard        = "card"
	TypeVNIN        = "vnin"
)

type parseFunc func(number string, now time.Time) (Result, error)

type countryTypes struct {
	defaultType string
	parsers     map[string]parseFunc
}

var countries = map[string]countryTypes{
	"ZA": {TypeNationalID, map[string]parseFunc{
		TypeNationalID:  validateSAID,
		TypeRefugeeFile: numberOnly(ParseNIISFileNumber),
	}},
	"UG": {TypeNIN, map[string]parseFunc{
		TypeNIN:  validateUgandaNIN,
		TypeCard: numberOnly(ParseUgandaCardNumber),
	}},
	"NG": {TypeNIN, map[string]parseFunc{
		TypeNIN:  numberOnly(ParseNigeriaNIN),
		TypeVNIN: numberOnly(ParseVNIN),
	}},
	"KE": {string(KenyaNationalID), map[string]parseFunc{
		string(KenyaNationalID): kenyaParser(KenyaNationalID),
		string(KenyaPassport):   kenyaParser(KenyaPassport),
		string(KenyaAlienID):    kenyaParser(KenyaAlienID),
		string(KenyaServiceID):  kenyaParser(KenyaServiceID),
	}},
}

const supportedCountries = "ZA, UG, NG, KE"

// Validate parses number as an ID of the given country (ISO 3166 alpha-2,
// case-insensitive) and type ("" means the country's default type, see the
// package doc for the list). It never fails: an unknown country or type, like
// a malformed number, gives Valid false with a Reason.
func Validate(country, idType, number string, now time.Time) Result {
	if len(country) > MaxInputLen || len(idType) > MaxInputLen {
		return Result{Reason: "country or ID type is too long"}
	}
	country = asciiUpper(strings.TrimSpace(country))
	types, ok := countries[country]
	if !ok {
		return Result{Reason: "unsupported country; supported: " + supportedCountries}
	}
	idType = normalizeType(idType)
	if idType == "" {
		idType = types.defaultType
	}
	parse, ok := types.parsers[idType]
	if !ok {
		return Result{Country: country, Reason: fmt.Sprintf(
			"unsupported ID type for %s; supported: %s", country, typeList(types))}
	}
	res, err := parse(number, now)
	res.Country, res.Type = country, idType
	if err != nil {
		return Result{Country: country, Type: idType, Reason: err.Error()}
	}
	res.Valid = true
	return res
}

// typeList names a country's types, default first, the rest sorted.
func typeList(t countryTypes) string {
	names := []string{t.defaultType}
	for _, name := range slices.Sorted(maps.Keys(t.parsers)) {
		if name != t.defaultType {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

func numberOnly(parse func(string) (string, error)) parseFunc {
	return func(s string, _ time.Time) (Result, error) {
		n, err := parse(s)
		return Result{Number: n}, err
	}
}

func validateSAID(s string, now time.Time) (Result, error) {
	id, err := ParseSAID(s, now)
	if err != nil {
		return Result{}, err
	}
	return Result{
		Number:      id.Number,
		BirthDate:   id.BirthDate.Format(time.DateOnly),
		Gender:      id.Gender,
		Citizenship: id.Citizenship,
	}, nil
}

func validateUgandaNIN(s string, _ time.Time) (Result, error) {
	nin, err := ParseUgandaNIN(s)
	return Result{Number: nin.Number, Gender: nin.Gender}, err
}

func kenyaParser(t KenyaIDType) parseFunc {
	return func(s string, _ time.Time) (Result, error) {
		n, err := ParseKenyaNumber(t, s)
		return Result{Number: n}, err
	}
}
