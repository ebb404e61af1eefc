package face

import (
	"math"
	"testing"
)

func pairs(genuine, impostor []float64) []ScoredPair {
	var ps []ScoredPair
	for _, g := range genuine {
		ps = append(ps, ScoredPair{g, true})
	}
	for _, i := range impostor {
		ps = append(ps, ScoredPair{i, false})
	}
	return ps
}

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name         string
		genuine      []float64
		impostor     []float64
		threshold    float64
		wantAccuracy float64
		wantAUC      float64
		wantTAR001   float64
		wantBest     float64
		wantBestAcc  float64
	}{
		{
			name:    "separable",
			genuine: []float64{0.95, 0.93, 0.91}, impostor: []float64{0.80, 0.70, 0.60, 0.50},
			threshold: 0.9, wantAccuracy: 1, wantAUC: 1, wantTAR001: 1, wantBest: (0.91 + 0.80) / 2, wantBestAcc: 1,
		},
		{
			name:    "one impostor above every genuine",
			genuine: []float64{0.95, 0.93}, impostor: []float64{0.97, 0.5},
			threshold: 0.9, wantAccuracy: 0.75, wantAUC: 0.5, wantTAR001: 0, wantBest: (0.93 + 0.5) / 2, wantBestAcc: 0.75,
		},
		{
			name:    "ties count half",
			genuine: []float64{0.9}, impostor: []float64{0.9},
			threshold: 0.95, wantAccuracy: 0.5, wantAUC: 0.5, wantTAR001: 0, wantBest: math.Nextafter(0.9, 2), wantBestAcc: 0.5,
		},
		{
			name:    "missing faces are non-matches",
			genuine: []float64{NoFaceScore, 0.95}, impostor: []float64{0.2},
			threshold: 0.9, wantAccuracy: 2.0 / 3, wantAUC: 0.5, wantTAR001: 0.5, wantBest: (0.95 + 0.2) / 2, wantBestAcc: 2.0 / 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(pairs(tt.genuine, tt.impostor), tt.threshold)
			check := func(what string, got, want float64) {
				t.Helper()
				if math.Abs(got-want) > 1e-12 {
					t.Errorf("%s = %v, want %v", what, got, want)
				}
			}
			check("accuracy", r.Accuracy, tt.wantAccuracy)
			check("auc", r.AUC, tt.wantAUC)
			check("tar@far0.01", r.TARAtFAR001, tt.wantTAR001)
			check("best threshold", r.BestThreshold, tt.wantBest)
			check("best accuracy", r.BestAccuracy, tt.wantBestAcc)
			if r.N != len(tt.genuine)+len(tt.impostor) {
				t.Errorf("n = %d", r.N)
			}
		})
	}
}

func TestTARAtFARAllowsFalseAccepts(t *testing.T) {
	// 200 impostors: FAR 0.01 allows the two highest, FAR 0.001 none.
	var impostor []float64
	for i := range 200 {
		impostor = append(impostor, float64(i)/1000) // 0 … 0.199
	}
	impostor[199], impostor[198] = 0.99, 0.98
	genuine := []float64{0.985, 0.97, 0.5}
	if got := tarAtFAR(genuine, impostor, 0.01); got != 1 {
		t.Errorf("FAR 0.01: TAR %v, want 1 (above the third impostor, 0.197)", got)
	}
	if got := tarAtFAR(genuine, impostor, 0.001); got != 0 {
		t.Errorf("FAR 0.001: TAR %v, want 0 (nothing above 0.99)", got)
	}
}

func TestEvaluateEmpty(t *testing.T) {
	if r := Evaluate(nil, 0.9); r.N != 0 || r.Accuracy != 0 {
		t.Errorf("got %+v", r)
	}
}
