package idnumber

import (
	"errors"
	"fmt"
	"time"
)

// SAID is what a South African ID number says about its holder.
type SAID struct {
	Number      string
	BirthDate   time.Time // midnight UTC
	Gender      string    // "M" or "F"
	Citizenship string    // "citizen", "permanent-resident" or "refugee"
}

// SA citizenship values, indexed by the citizenship digit (the 11th).
var saCitizenship = [...]string{"citizen", "permanent-resident", "refugee"}

// saRaceDigit is the 12th digit MakeSAID writes; 8 is what numbers issued
// since the 1980s carry.
const saRaceDigit = 8

var (
	errSAIDFormat      = errors.New("ID number must be 13 digits")
	errSAIDCitizenship = errors.New("citizenship digit (11th) must be 0, 1 or 2")
	errSAIDLuhn        = errors.New("check digit does not match (Luhn)")
	errSAIDFuture      = errors.New("birth date is in the future")
)

// ParseSAID parses a 13-digit South African ID number. now decides the
// century of the birth date: 20YY unless that is after now's date, else 19YY.
func ParseSAID(s string, now time.Time) (SAID, error) {
	s, err := clean(s)
	if err != nil {
		return SAID{}, err
	}
	if len(s) != 13 || !allDigits(s) {
		return SAID{}, errSAIDFormat
	}
	birth, err := saBirthDate(s[:6], now)
	if err != nil {
		return SAID{}, err
	}
	citizenship := s[10] - '0'
	if int(citizenship) >= len(saCitizenship) {
		return SAID{}, errSAIDCitizenship
	}
	if luhnCheckDigit(s[:12]) != s[12] {
		return SAID{}, errSAIDLuhn
	}
	gender := "F"
	if s[6] >= '5' {
		gender = "M"
	}
	return SAID{Number: s, BirthDate: birth, Gender: gender, Citizenship: saCitizenship[citizenship]}, nil
}

// saBirthDate resolves YYMMDD (digits only) to the latest real date not
// after now's calendar date.
func saBirthDate(yymmdd string, now time.Time) (time.Time, error) {
	yy := atoi(yymmdd[0:2])
	month, day := atoi(yymmdd[2:4]), atoi(yymmdd[4:6])
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	foundReal := false
	for _, century := range []int{2000, 1900} {
		date, ok := realDate(century+yy, month, day)
		if !ok {
			continue
		}
		foundReal = true
		if !date.After(today) {
			return date, nil
		}
	}
	if foundReal {
		return time.Time{}, errSAIDFuture
	}
	return time.Time{}, fmt.Errorf("invalid birth date %s (YYMMDD)", yymmdd)
}

// realDate builds the date and reports whether it exists in the calendar.
func realDate(year, month, day int) (time.Time, bool) {
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	return t, t.Year() == year && int(t.Month()) == month && t.Day() == day
}

// atoi converts a string of ASCII digits, which the caller has checked.
func atoi(digits string) int {
	n := 0
	for i := 0; i < len(digits); i++ {
		n = n*10 + int(digits[i]-'0')
	}
	return n
}

// luhnCheckDigit returns the ASCII Luhn check digit for a string of digits.
func luhnCheckDigit(payload string) byte {
	sum := 0
	for i := len(payload) - 1; i >= 0; i-- {
		d := int(payload[i] - '0')
		// The rightmost payload digit sits next to the check digit, so it is
		// the first one doubled.
		if (len(payload)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// SAIDCheckDigit returns the Luhn check digit (as an ASCII digit) that
// completes the first 12 digits of a South African ID number.
func SAIDCheckDigit(first12 string) (byte, error) {
	if len(first12) != 12 || !allDigits(first12) {
		return 0, errors.New("first part of the ID number must be 12 digits")
	}
	return luhnCheckDigit(first12), nil
}

// MakeSAID builds a valid South African ID number, for tests and sandbox
// identities. seq (0–9999) is the SSSS block and so sets the gender (below
// 5000 female); citizenship is the digit 0, 1 or 2. The 12th digit is 8.
// The number parses back to birth only while birth is within the 100 years
// before the now it is parsed with.
func MakeSAID(birth time.Time, seq, citizenship int) (string, error) {
	if birth.Year() < 1900 || birth.Year() > 2099 {
		return "", fmt.Errorf("birth year %d out of range 1900-2099", birth.Year())
	}
	if seq < 0 || seq > 9999 {
		return "", fmt.Errorf("sequence %d out of range 0-9999", seq)
	}
	if citizenship < 0 || citizenship >= len(saCitizenship) {
		return "", fmt.Errorf("citizenship %d must be 0, 1 or 2", citizenship)
	}
	first12 := fmt.Sprintf("%02d%02d%02d%04d%d%d",
		birth.Year()%100, int(birth.Month()), birth.Day(), seq, citizenship, saRaceDigit)
	return first12 + string(luhnCheckDigit(first12)), nil
}
