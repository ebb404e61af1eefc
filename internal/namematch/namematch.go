package namematch

import "slices"

// DefaultThreshold is the score at or above which a name field is taken as
// matching when the caller has not configured its own threshold. At 80 every
// spelling, typo and transliteration variant in testdata/pairs.csv passes and
// every different or merely related name (a diminutive, a translation) fails:
// see docs/NAMEMATCH.md.
const DefaultThreshold = 80

// Scores and penalties of the rules in the package doc, in score points.
const (
	initialScore         = 78 // "S" for "Sipho"
	phoneticFloor        = 90 // equal phonetic keys: Mohammed/Muhammad, Nkosi/Nkhosi
	nearPhoneticCap      = 85 // keys one slip apart never reach a phonetic match
	nearPhoneticPenalty  = 5  // keys are coarser than letters, so their distance counts for less
	translationScore     = 60 // Yusuf for Joseph: the same name in another language
	prefixFloor          = 70 // one name starts the other: Thandi/Thandiwe, Chris/Christopher
	minPrefixRunes       = 4
	reorderPenalty       = 3  // "John Sipho" for "Sipho John"
	firstOmittedPenalty  = 8  // the client left out one of the registered names
	laterOmittedPenalty  = 4  // ... and each further one
	extraPenalty         = 15 // the client sent a name the registry does not have
	joinedEqualScore     = 98 // "Vandermerwe" for "Van der Merwe"
	joinedPenalty        = 6  // joined spellings that are only close
	bestNonIdenticalName = 99 // 100 is kept for names equal after normalisation
)

// Score returns 0–100: how well the name a client sent matches the registry's
// name for one field (first names, or last name). 100 means the same name
// after normalisation; 0 means nothing in common, or an empty side. The rules
// are in the package doc.
func Score(given, record string) int {
	var g, r field
	g.parse(given)
	r.parse(record)
	if g.n == 0 || r.n == 0 {
		return 0
	}
	if sameTokens(&g, &r) {
		return 100
	}

	var sims similarities
	sims.n, sims.m = g.n, r.n
	for i := 0; i < g.n; i++ {
		for j := 0; j < r.n; j++ {
			sims.s[i][j] = tokenScore(g.token(i), g.key(i), r.token(j), r.key(j))
			if tg := g.tokens[i].translation; tg != 0 && tg == r.tokens[j].translation {
				sims.s[i][j] = max(sims.s[i][j], translationScore)
			}
		}
	}
	matched := min(g.n, r.n)
	inOrder := roundedDiv(sims.bestInOrder(), matched)
	anyOrder := roundedDiv(sims.bestAnyOrder(), matched) - reorderPenalty
	score := max(inOrder, anyOrder) - countPenalty(g.n, r.n)
	if g.n != r.n {
		score = max(score, joinedScore(&g, &r))
	}
	return min(bestNonIdenticalName, clampScore(score))
}

// Matches reports whether Score(given, record) >= threshold.
func Matches(given, record string, threshold int) bool {
	return Score(given, record) >= threshold
}

// tokenScore compares one name with one name: the best of the typo score on
// the letters, the phonetic key, and the prefix rule; initials match only the
// first letter.
func tokenScore(a, aKey, b, bKey []rune) int {
	if slices.Equal(a, b) {
		return 100
	}
	if len(a) == 1 || len(b) == 1 {
		if a[0] == b[0] {
			return initialScore
		}
		return 0
	}
	score := typoScore(a, b)
	if slices.Equal(aKey, bKey) {
		score = max(score, phoneticFloor)
	} else if score < nearPhoneticCap { // the keys could only lift a lower score
		score = max(score, min(nearPhoneticCap, typoScore(aKey, bKey)-nearPhoneticPenalty))
	}
	if isPrefixPair(a, b) {
		score = max(score, prefixFloor)
	}
	return score
}

// countPenalty is asymmetric on purpose: a client that leaves out a middle
// name is common and harmless, one that adds a name the registry lacks is
// naming someone else as often as not.
func countPenalty(given, record int) int {
	switch {
	case record > given:
		return firstOmittedPenalty + laterOmittedPenalty*(record-given-1)
	case given > record:
		return extraPenalty * (given - record)
	}
	return 0
}

// joinedScore compares the two fields with their spaces removed, for names
// written as one word on one side and several on the other.
func joinedScore(g, r *field) int {
	var gBuf, rBuf [maxCompareRunes]rune
	gJoined, ok := g.joined(&gBuf)
	if !ok {
		return 0
	}
	rJoined, ok := r.joined(&rBuf)
	if !ok {
		return 0
	}
	if slices.Equal(gJoined, rJoined) {
		return joinedEqualScore
	}
	return typoScore(gJoined, rJoined) - joinedPenalty
}

// joined writes all tokens of f into buf without separators; ok is false when
// they do not fit.
func (f *field) joined(buf *[maxCompareRunes]rune) (joined []rune, ok bool) {
	n := 0
	for i := 0; i < f.n; i++ {
		t := f.token(i)
		if n+len(t) > len(buf) {
			return nil, false
		}
		n += copy(buf[n:], t)
	}
	return buf[:n], true
}

func sameTokens(g, r *field) bool {
	if g.n != r.n {
		return false
	}
	for i := 0; i < g.n; i++ {
		if !slices.Equal(g.token(i), r.token(i)) {
			return false
		}
	}
	return true
}

func isPrefixPair(a, b []rune) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= minPrefixRunes && slices.Equal(a, b[:len(a)])
}

func roundedDiv(sum, n int) int {
	return (sum + n/2) / n
}
