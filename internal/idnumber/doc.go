// Package idnumber parses and validates the national ID numbers idgate
// accepts, as pure functions: no I/O, no registry lookups. Each parser returns
// what the number itself says (birth date, gender, citizenship where the
// number encodes them) or an error whose message is a short, human reason that
// is safe to show to API clients. Reasons never repeat the whole number; the
// South African date reason quotes its six YYMMDD digits, so callers must not
// log reasons next to the tenant's request either.
//
// Every parser rejects input longer than [MaxInputLen] bytes before doing any
// other work, then trims surrounding white space. Letters are upper-cased where
// a format has letters; nothing else is normalised (inner spaces or dashes are
// rejected, not removed).
//
// Formats:
//
//   - South Africa ID number (ZA "national-id"): 13 digits YYMMDDSSSSCAZ.
//     YYMMDD is the birth date; the century is 20YY when that date is not after
//     today, else 19YY. SSSS 0000–4999 is female, 5000–9999 male. C is
//     citizenship: 0 citizen, 1 permanent resident, 2 refugee. A (historically
//     8 or 9) may be any digit. Z is the Luhn check digit over the first 12.
//     The vendor sample 8001014800080 is valid (1980-01-01, F, citizen).
//   - South African refugee NIIS file number (ZA "refugee-file"): at least 3
//     letters A–Z followed by at least 6 digits, 9–20 characters in all
//     (e.g. ABCDEF01345678, CTRPTA000123456). DHA publishes no format; this
//     rule accepts the vendor sample and the office-code + country-code +
//     digits numbers seen in practice, and rejects obvious garbage.
//   - Uganda NIN (UG "nin"): 14 characters, CM (male) or CF (female) followed
//     by 12 letters or digits. Uganda ID card number (UG "card"): 9 digits.
//     Masked forms keep the first 4 and last 3 characters of a NIN
//     (CM12*******ABC) and the first 2 and last 3 of a card number (00****456).
//   - Nigeria NIN (NG "nin"): 11 digits. Virtual NIN (NG "vnin"): 16 letters
//     or digits with at least one letter (the visible pattern is 2 letters,
//     12 digits, 2 letters, as in AB123456789012CD, but NIMC does not publish
//     it, so only length, alphabet and "not all digits" are enforced).
//   - Kenya (KE): "national-id" 6–9 digits (current cards have 7–8, older ones
//     fewer; 00000000 is a valid format), "passport" 1–2 letters followed by
//     6–8 digits (A1234567, AK0123456), "alien-id" 6–9 digits, "service-id"
//     4–10 digits.
package idnumber
