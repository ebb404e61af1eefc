package face

import "math"

// Confidence calibration: a logistic curve in the cosine similarity,
//
//	confidence = 1 / (1 + exp(-calibrationSlope · (similarity − calibrationCentre)))
//
// fitted by maximum likelihood on the pairs described in docs/FACE.md. It
// is a probability that both faces are the same person under that set's
// conditions, not a guarantee; the match decision uses the threshold.
const (
	calibrationSlope  = 100.0
	calibrationCentre = 0.90
)

// Confidence maps a cosine similarity to a calibrated probability, 0..1.
func Confidence(similarity float64) float64 {
	return 1 / (1 + math.Exp(-calibrationSlope*(similarity-calibrationCentre)))
}

// Percent renders a 0..1 value as the 0..100 integer some vendor dialects
// report (Youverify's confidenceLevel and threshold).
func Percent(v float64) int {
	return int(math.Round(100 * math.Min(1, math.Max(0, v))))
}
