package namematch

// variantFamilies are spellings of one name that the rewrite rules below
// cannot join without also joining names that differ (Arabic short vowels
// move between a, e, o and u; Lerato and Lorato are the Sesotho and Setswana
// spellings). The first spelling of each family is the one its key is built
// from. Keep it short: every entry is a claim that two spellings are the same
// name.
var variantFamilies = [][]string{
	{"yusuf", "yusef", "yousef", "youssef", "yousuf", "yousif", "yusif"},
	{"aisha", "ayesha", "aysha", "aicha", "aishah", "aishat"},
	{"umar", "omar", "oumar"},
	{"usman", "osman", "ousmane", "uthman", "othman"},
	{"ibrahim", "ebrahim", "ibrahima", "brahim"},
	{"abubakar", "abubakr", "aboubakar", "abubakari"},
	{"fatima", "fatuma", "fatimah", "fatma"},
	{"khadija", "khadijah", "kadija", "hadiza", "khadidja"},
	{"zainab", "zaynab", "zeinab", "zenabu"},
	{"suleiman", "sulaiman", "sulayman", "suleman", "sulemana"},
	{"musa", "moussa", "mussa"},
	{"lerato", "lorato"},
}

// translations are names that render one name in another language: a
// related name, not a spelling of it, so they score translationScore (a
// reviewer's call), never a match. Each group lists canonical spellings.
var translations = [][]string{
	{"yusuf", "joseph", "josef", "yosef"},
	{"ibrahim", "abraham"},
	{"musa", "moses", "mozes"},
	{"suleiman", "solomon"},
	{"daud", "dawud", "david"},
	{"yakub", "yakubu", "jacob", "jakob"},
	{"ishaq", "isaac"},
	{"maryam", "mariam", "mary", "maria"},
	{"isa", "jesus"},
	{"yahya", "john", "johannes"},
	{"ismail", "ishmael"},
}

var translationGroup = func() map[string]int {
	m := make(map[string]int)
	for i, group := range translations {
		for _, name := range group {
			m[name] = i + 1
		}
	}
	return m
}()

var canonicalSpelling = func() map[string]string {
	m := make(map[string]string)
	for _, family := range variantFamilies {
		for _, spelling := range family {
			m[spelling] = family[0]
		}
	}
	return m
}()

// minVowelClassRunes is the shortest name whose vowels are folded into
// classes: short names differ by one vowel too often (Lena/Lana, Jan/Jen).
const minVowelClassRunes = 5

// phoneticKey builds token i's key: see the package doc, "Phonetic key".
func phoneticKey(f *field, i int) {
	t := &f.tokens[i]
	src := f.token(i)

	var canon [maxTokenRunes]rune
	c, ok := lookupCanonical(src)
	t.translation = translationGroup[c]
	if ok {
		n := 0
		for _, r := range c {
			canon[n] = r
			n++
		}
		src = canon[:n]
	}

	var out [maxTokenRunes + 8]rune
	n := rewriteConsonants(src, &out)
	key := out[:n]
	if len(src) >= minVowelClassRunes {
		key = dropSilentFinalE(key)
		for j, r := range key {
			key[j] = vowelClass(r)
		}
	}
	t.nKey = 0
	for j, r := range key {
		if j > 0 && r == key[j-1] {
			continue // double letters: Phillip → Philip, Mohammed → Mohamed
		}
		t.key[t.nKey] = r
		t.nKey++
	}
}

// lookupCanonical returns the canonical spelling of src and whether it has
// one. Without one it returns src itself when src is short ASCII, which is
// enough to look it up in translationGroup.
func lookupCanonical(src []rune) (string, bool) {
	var b [maxTokenRunes]byte
	for j, r := range src {
		if r >= 128 {
			return "", false
		}
		b[j] = byte(r)
	}
	if c, ok := canonicalSpelling[string(b[:len(src)])]; ok { // no allocation: the map is read in place
		return c, true
	}
	if g := translationGroup[string(b[:len(src)])]; g > 0 {
		return translations[g-1][0], false // any member will do: only its group is read
	}
	return "", false
}

// sibilant stands for both sh and ch (Aisha/Aicha, Tshepo): it is not a
// letter, so it never matches a real one.
const sibilant = 'C'

// rewriteConsonants applies the rewrite table of the package doc to src and
// writes the result into out, returning its length.
func rewriteConsonants(src []rune, out *[maxTokenRunes + 8]rune) int {
	n := 0
	emit := func(rs ...rune) {
		for _, r := range rs {
			out[n] = r
			n++
		}
	}
	at := func(k int) rune {
		if k < len(src) {
			return src[k]
		}
		return 0
	}
	i := 0
	if len(src) > 5 && hasPrefix(src, "oluwa") {
		emit('o', 'l', 'u') // Yoruba: Oluwaseun is contracted to Oluseun
		i = 5
	}
	for i < len(src) {
		c, next := src[i], at(i+1)
		switch {
		case c == 'c' && next == 'h' && at(i+2) == 'r':
			emit('k', 'r') // Christopher
			i += 3
		case c == 'p' && next == 'h':
			emit('f')
			i += 2
		case c == 'c' && next == 'k':
			emit('k')
			i += 2
		case next == 'h' && (c == 'k' || c == 'g' || c == 't' || c == 'd' || c == 'b'):
			emit(c) // aspiration is written or not: Nkhosi/Nkosi, Odhiambo/Odiambo, Bhekani/Bekani
			i += 2
		case next == 'h' && (c == 's' || c == 'c'):
			emit(sibilant)
			i += 2
		case c == 'c':
			if next == 'e' || next == 'i' || next == 'y' {
				emit('s')
			} else {
				emit('k') // Catherine/Katherine
			}
			i++
		case c == 'h' && n > 0 && isVowel(out[n-1]) && !isVowel(next) && next != 'y':
			i++ // silent h after a vowel: John/Jon, Sarah/Sara
		case c == 'y':
			if (n == 0 || isVowel(out[n-1])) && isVowel(next) {
				emit('y') // a consonant: Yusuf, Ayanda
			} else {
				emit('i') // a vowel: Kathryn, Kathy
			}
			i++
		default:
			emit(c)
			i++
		}
	}
	return n
}

// dropSilentFinalE drops an English silent final e (Catherine, Anne) but not
// the Nguni -we ending (Thandiwe, Lindiwe) nor one after a vowel.
func dropSilentFinalE(key []rune) []rune {
	n := len(key)
	if n >= 3 && key[n-1] == 'e' {
		prev := key[n-2]
		if !isVowel(prev) && prev != 'w' && prev != 'y' {
			return key[:n-1]
		}
	}
	return key
}

// vowelClass folds vowels that transliterations swap freely: a/e (Ahmed,
// Ahmad), o/u (Mohammed, Muhammad). i stands alone: Busi and Bisi differ.
func vowelClass(r rune) rune {
	switch r {
	case 'e':
		return 'a'
	case 'o':
		return 'u'
	}
	return r
}

func hasPrefix(s []rune, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i] != rune(prefix[i]) {
			return false
		}
	}
	return true
}
