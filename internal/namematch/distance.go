package namematch

// Edit costs in tenths of an edit. They are weighted so that the slips people
// make when typing a name cost less than the substitutions that turn one name
// into another (Wanjiru → Wanjiku, Thandi → Thando).
const (
	costTranspose   = 5  // "Wanjriu": the most common typing slip
	costDoubled     = 3  // "Philip"/"Phillip": a doubled letter added or dropped
	costIndel       = 6  // "Thepo"/"Tshepo": a letter missed or added
	costNeighbourly = 6  // "Wamjiru": a consonant replaced by its keyboard neighbour
	costSubstitute  = 12 // anything else, every vowel-for-vowel swap and every first letter
)

// penaltyPerTenth scales cost/length into score points: one full substitution
// in a 7-letter name costs 15*12/7 ≈ 26 points, one dropped letter ≈ 13.
const penaltyPerTenth = 15

// typoScore returns 0–100 for two tokens from their weighted
// Damerau-Levenshtein (optimal string alignment) distance relative to the
// longer token. Both tokens must be at most maxCompareRunes long.
func typoScore(a, b []rune) int {
	longer := max(len(a), len(b))
	if longer == 0 {
		return 0
	}
	cost := editCost(a, b)
	return clampScore(100 - (penaltyPerTenth*cost+longer/2)/longer)
}

// editCost is the weighted optimal-string-alignment distance between a and b.
// Rolling rows on the stack keep it allocation-free.
func editCost(a, b []rune) int {
	var rows [3][maxCompareRunes + 1]int
	var aIndel, bIndel [maxCompareRunes]int
	for i := range a {
		aIndel[i] = indelCost(a, i)
	}
	for j := range b {
		bIndel[j] = indelCost(b, j)
	}
	prev2, prev, cur := &rows[0], &rows[1], &rows[2]
	for j := 1; j <= len(b); j++ {
		prev[j] = prev[j-1] + bIndel[j-1]
	}
	for i := 1; i <= len(a); i++ {
		ai := a[i-1]
		cur[0] = prev[0] + aIndel[i-1]
		for j := 1; j <= len(b); j++ {
			best := min(prev[j]+aIndel[i-1], cur[j-1]+bIndel[j-1])
			bj := b[j-1]
			switch {
			case ai == bj:
				best = min(best, prev[j-1])
			case i == 1 && j == 1:
				best = min(best, prev[j-1]+costSubstitute) // first letters are rarely mistyped
			default:
				best = min(best, prev[j-1]+substituteCost(ai, bj))
			}
			if i > 1 && j > 1 && ai == b[j-2] && a[i-2] == bj && ai != a[i-2] {
				best = min(best, prev2[j-2]+costTranspose)
			}
			cur[j] = best
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// indelCost is the cost of inserting or deleting s[i]: cheaper when it only
// doubles or undoubles its neighbour.
func indelCost(s []rune, i int) int {
	if (i > 0 && s[i-1] == s[i]) || (i+1 < len(s) && s[i+1] == s[i]) {
		return costDoubled
	}
	return costIndel
}

// substituteCost is the cost of writing y for x (x != y) after the first
// letter.
func substituteCost(x, y rune) int {
	if x < 128 && y < 128 {
		return int(asciiSubstituteCost[x][y])
	}
	return costSubstitute
}

// asciiSubstituteCost caches substituteCostSlow for ASCII, the common case.
var asciiSubstituteCost = func() (table [128][128]uint8) {
	for x := range 128 {
		for y := range 128 {
			table[x][y] = uint8(substituteCostSlow(rune(x), rune(y)))
		}
	}
	return table
}()

func substituteCostSlow(x, y rune) int {
	switch {
	case x == y:
		return 0
	case isVowel(x) && isVowel(y):
		return costSubstitute // Thandi/Thando, Akello/Okello: vowels make names
	case keyboardNeighbours(x, y):
		return costNeighbourly
	default:
		return costSubstitute
	}
}

func isVowel(r rune) bool {
	switch r {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

// qwertyRows are the letter rows of a QWERTY keyboard. Row r+1 is shifted
// right by about half a key, so letter i of row r touches letters i-1 and i of
// row r+1.
var qwertyRows = [3]string{"qwertyuiop", "asdfghjkl", "zxcvbnm"}

// keyPosition holds row*16+column+1 for each ASCII lower-case letter, 0 for
// anything else.
var keyPosition = func() (pos [128]uint8) {
	for r, row := range qwertyRows {
		for c := 0; c < len(row); c++ {
			pos[row[c]] = uint8(r*16 + c + 1)
		}
	}
	return pos
}()

func keyboardNeighbours(x, y rune) bool {
	if x >= 128 || y >= 128 || keyPosition[x] == 0 || keyPosition[y] == 0 {
		return false
	}
	rx, cx := int(keyPosition[x]-1)/16, int(keyPosition[x]-1)%16
	ry, cy := int(keyPosition[y]-1)/16, int(keyPosition[y]-1)%16
	if rx > ry {
		rx, cx, ry, cy = ry, cy, rx, cx
	}
	switch ry - rx {
	case 0:
		return cx-cy == 1 || cy-cx == 1
	case 1:
		return cy == cx || cy == cx-1
	}
	return false
}

func clampScore(s int) int {
	return max(0, min(100, s))
}
