package face

import (
	"math"
	"slices"
)

// ScoredPair is one verification pair with its similarity score. A pair
// where either image has no face is scored NoFaceScore: a non-match at any
// threshold.
type ScoredPair struct {
	Score float64
	Same  bool
}

// NoFaceScore is the score of a pair with a missing face.
const NoFaceScore = -2

// EvalResult summarises a pair set. JSON names are those of
// `idgate face eval`.
type EvalResult struct {
	N             int     `json:"n"`
	Genuine       int     `json:"genuine"`
	Impostor      int     `json:"impostor"`
	Threshold     float64 `json:"threshold"` // the configured cosine threshold
	Accuracy      float64 `json:"accuracy"`  // at Threshold
	TAR           float64 `json:"tar"`       // at Threshold
	FAR           float64 `json:"far"`       // at Threshold
	AUC           float64 `json:"auc"`       // area under the ROC curve
	TARAtFAR0001  float64 `json:"tar_at_far_0.001"`
	TARAtFAR001   float64 `json:"tar_at_far_0.01"`
	BestThreshold float64 `json:"best_threshold"` // midway between the scores around the most accurate cut
	BestAccuracy  float64 `json:"best_accuracy"`
	NoFace        int     `json:"no_face"` // images without a detected face (set by the caller)
}

// Evaluate computes accuracy at threshold (a pair matches when
// Score >= threshold), the ROC AUC, TAR at fixed FARs and the most accurate
// threshold.
func Evaluate(pairs []ScoredPair, threshold float64) EvalResult {
	r := EvalResult{N: len(pairs), Threshold: threshold}
	var genuine, impostor []float64
	for _, p := range pairs {
		if p.Same {
			genuine = append(genuine, p.Score)
		} else {
			impostor = append(impostor, p.Score)
		}
	}
	r.Genuine, r.Impostor = len(genuine), len(impostor)
	if r.N == 0 {
		return r
	}
	ta, fa := countAtLeast(genuine, threshold), countAtLeast(impostor, threshold)
	r.Accuracy = float64(ta+len(impostor)-fa) / float64(r.N)
	r.TAR, r.FAR = ratio(ta, len(genuine)), ratio(fa, len(impostor))
	r.AUC = auc(genuine, impostor)
	r.TARAtFAR0001 = tarAtFAR(genuine, impostor, 0.001)
	r.TARAtFAR001 = tarAtFAR(genuine, impostor, 0.01)
	r.BestThreshold, r.BestAccuracy = bestThreshold(pairs)
	return r
}

func countAtLeast(xs []float64, t float64) int {
	n := 0
	for _, x := range xs {
		if x >= t {
			n++
		}
	}
	return n
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// auc is the Mann–Whitney statistic: the probability that a genuine pair
// scores above an impostor pair, ties counting one half.
func auc(genuine, impostor []float64) float64 {
	if len(genuine) == 0 || len(impostor) == 0 {
		return 0
	}
	var wins float64
	for _, g := range genuine {
		for _, i := range impostor {
			switch {
			case g > i:
				wins++
			case g == i:
				wins += 0.5
			}
		}
	}
	return wins / float64(len(genuine)*len(impostor))
}

// tarAtFAR is the highest true-accept rate over thresholds whose
// false-accept rate is at most far. With n impostors at most floor(far·n)
// may be accepted, so the threshold sits just above the next impostor score.
func tarAtFAR(genuine, impostor []float64, far float64) float64 {
	if len(genuine) == 0 {
		return 0
	}
	k := int(math.Floor(far * float64(len(impostor))))
	if k >= len(impostor) {
		return 1
	}
	imp := slices.Clone(impostor)
	slices.SortFunc(imp, func(a, b float64) int { return -cmpFloat(a, b) })
	bar := imp[k] // the highest impostor score that must be rejected
	n := 0
	for _, g := range genuine {
		if g > bar {
			n++
		}
	}
	return float64(n) / float64(len(genuine))
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// bestThreshold tries every cut between distinct scores and returns the
// midpoint of the most accurate one (the highest such threshold on ties:
// the stricter choice).
func bestThreshold(pairs []ScoredPair) (threshold, accuracy float64) {
	ps := slices.Clone(pairs)
	slices.SortFunc(ps, func(a, b ScoredPair) int { return -cmpFloat(a.Score, b.Score) })
	impostors := 0
	for _, p := range ps {
		if !p.Same {
			impostors++
		}
	}
	// accept ps[:i]: correct = genuine in ps[:i] + impostors in ps[i:]
	bestCorrect, bestI := impostors, 0
	correct := impostors
	for i := 1; i <= len(ps); i++ {
		if ps[i-1].Same {
			correct++
		} else {
			correct--
		}
		if i < len(ps) && ps[i].Score == ps[i-1].Score {
			continue // cannot cut between equal scores
		}
		if correct > bestCorrect {
			bestCorrect, bestI = correct, i
		}
	}
	switch {
	case bestI == 0:
		threshold = math.Nextafter(ps[0].Score, math.Inf(1))
	case bestI == len(ps):
		threshold = ps[len(ps)-1].Score
	default:
		threshold = (ps[bestI-1].Score + ps[bestI].Score) / 2
	}
	return threshold, float64(bestCorrect) / float64(len(ps))
}
