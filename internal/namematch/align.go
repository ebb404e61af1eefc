package namematch

import "math/bits"

// similarities holds tokenScore for every given token i (row) and record
// token j (column).
type similarities struct {
	s    [MaxTokens][MaxTokens]int
	n, m int // given tokens, record tokens
}

// at indexes the matrix from the shorter side (short) and the longer side
// (long), whichever of given and record they are.
func (s *similarities) at(short, long int) int {
	if s.n <= s.m {
		return s.s[short][long]
	}
	return s.s[long][short]
}

func (s *similarities) sides() (short, long int) {
	return min(s.n, s.m), max(s.n, s.m)
}

// bestInOrder is the largest sum of similarities that pairs every token of the
// shorter side with a token of the longer side, keeping both in order.
func (s *similarities) bestInOrder() int {
	short, long := s.sides()
	var best [MaxTokens + 1][MaxTokens + 1]int // best[i][j]: short[:i] paired within long[:j]
	for i := 1; i <= short; i++ {
		for j := i; j <= long; j++ {
			best[i][j] = best[i-1][j-1] + s.at(i-1, j-1)
			if j > i {
				best[i][j] = max(best[i][j], best[i][j-1])
			}
		}
	}
	return best[short][long]
}

// bestAnyOrder is the largest sum of similarities over every pairing of the
// shorter side into the longer one: an exact assignment by dynamic programming
// over subsets of the longer side, at most 2^10 states.
func (s *similarities) bestAnyOrder() int {
	short, long := s.sides()
	var best [1 << MaxTokens]int
	states := 1 << long
	for mask := 1; mask < states; mask++ {
		best[mask] = -1
	}
	result := 0
	for mask := 0; mask < states; mask++ {
		if best[mask] < 0 {
			continue
		}
		i := bits.OnesCount(uint(mask))
		if i == short {
			result = max(result, best[mask])
			continue
		}
		for j := 0; j < long; j++ {
			if mask&(1<<j) == 0 {
				next := mask | 1<<j
				best[next] = max(best[next], best[mask]+s.at(i, j))
			}
		}
	}
	return result
}
