package namematch

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Input limits. Score has no error to return, so longer input is truncated,
// never rejected: callers validate sizes at the API edge, and truncation keeps
// the work per call bounded whatever arrives.
const (
	MaxNameBytes    = 256 // bytes of one name read; the rest is ignored (cut at a rune boundary)
	MaxTokens       = 10  // names read per field; later ones are ignored
	maxTokenRunes   = 32  // letters kept per name; longer ones are cut
	maxCompareRunes = 48  // longest string typoScore compares (a token, or a field without its spaces)
	maxFieldRunes   = MaxNameBytes
)

// iterPool recycles NFD iterators: a norm.Iter does not fit on the stack, and
// non-ASCII names would otherwise cost an allocation each.
var iterPool = sync.Pool{New: func() any { return new(norm.Iter) }}

// field is one name field split into normalised tokens. It lives on the
// stack: Score allocates nothing for ASCII input.
type field struct {
	runes  [maxFieldRunes]rune
	nRunes int
	tokens [MaxTokens]token
	n      int
	open   bool // a token is being filled
}

type token struct {
	start, end int // into field.runes
	key        [maxTokenRunes + 8]rune
	nKey       int
	// translation is the token's group in translations, 0 for none.
	translation int
}

func (f *field) token(i int) []rune { return f.runes[f.tokens[i].start:f.tokens[i].end] }
func (f *field) key(i int) []rune   { return f.tokens[i].key[:f.tokens[i].nKey] }

// parse reads s into f: see the package doc, "Normalisation".
func (f *field) parse(s string) {
	s = truncate(s, MaxNameBytes)
	if isASCII(s) {
		for i := 0; i < len(s); i++ {
			f.addRune(rune(s[i]))
		}
	} else {
		it := iterPool.Get().(*norm.Iter)
		defer func() {
			it.InitString(norm.NFD, "") // keep no reference to the name in the pool
			iterPool.Put(it)
		}()
		it.InitString(norm.NFD, s)
		for !it.Done() {
			seg := it.Next()
			for len(seg) > 0 {
				r, size := utf8.DecodeRune(seg)
				seg = seg[size:]
				f.addRune(r)
			}
		}
	}
	f.closeToken()
	for i := 0; i < f.n; i++ {
		phoneticKey(f, i)
	}
}

func (f *field) addRune(r rune) {
	if r < utf8.RuneSelf {
		f.addASCII(byte(r))
		return
	}
	switch {
	case isApostrophe(r):
		return // O'Brien, N'Dour, Ng'ang'a: written with or without it
	case unicode.Is(unicode.Mn, r):
		return // a diacritic split off by NFD: José → Jose, Ngũgĩ → Ngugi
	case unicode.IsLetter(r):
		r = unicode.ToLower(r)
		if fold, ok := letterFolds[r]; ok {
			for _, fr := range fold {
				f.addLetter(fr)
			}
			return
		}
		f.addLetter(r)
	default:
		f.closeToken() // spaces, hyphens, dots, digits and other punctuation separate names
	}
}

func (f *field) addASCII(c byte) {
	switch {
	case 'a' <= c && c <= 'z':
		f.addLetter(rune(c))
	case 'A' <= c && c <= 'Z':
		f.addLetter(rune(c + 'a' - 'A'))
	case c == '\'' || c == '`':
	default:
		f.closeToken()
	}
}

func (f *field) addLetter(r rune) {
	if !f.open {
		if f.n == MaxTokens {
			return
		}
		f.open = true
		f.tokens[f.n].start = f.nRunes
		f.tokens[f.n].end = f.nRunes
	}
	t := &f.tokens[f.n]
	if t.end-t.start == maxTokenRunes || f.nRunes == maxFieldRunes {
		return
	}
	f.runes[f.nRunes] = r
	f.nRunes++
	t.end++
}

func (f *field) closeToken() {
	if f.open {
		f.open = false
		f.n++
	}
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '`', '\u00b4', '\u2018', '\u2019', '\u02bb', '\u02bc':
		return true
	}
	return false
}

// letterFolds maps the letters that NFD does not decompose to the ASCII
// letters they are usually written with. Keys are lower case.
var letterFolds = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'þ': "th",
	'ł': "l", 'ı': "i", 'ħ': "h",
	'ŋ': "ng",          // Acholi, Luo, Wolof: Ŋ is written ng without the letter
	'ɛ': "e", 'ɔ': "o", // Akan, Dinka, Ewe open vowels
	'ɓ': "b", 'ɗ': "d", 'ƙ': "k", 'ƴ': "y", // Hausa hooked letters
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// truncate cuts s to at most n bytes without splitting a rune.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
