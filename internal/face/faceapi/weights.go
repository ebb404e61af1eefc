package faceapi

import (
	"fmt"
	"slices"

	"github.com/idgate/idgate/internal/nn"
)

// weightSet hands out named tensors of a decoded manifest and remembers the
// first missing or misshapen one, so a net's constructor reads as a list of
// layers and checks the error once.
type weightSet struct {
	m    map[string]*nn.Tensor
	used map[string]bool
	err  error
}

func newWeightSet(m map[string]*nn.Tensor) *weightSet {
	return &weightSet{m: m, used: make(map[string]bool, len(m))}
}

func (w *weightSet) tensor(name string, shape ...int) *nn.Tensor {
	t, ok := w.m[name]
	switch {
	case w.err != nil:
		return nil
	case !ok:
		w.err = fmt.Errorf("weight %s: missing", name)
		return nil
	case !slices.Equal(t.Shape, shape):
		w.err = fmt.Errorf("weight %s: shape %v, want %v", name, t.Shape, shape)
		return nil
	}
	w.used[name] = true
	return t
}

func (w *weightSet) filter(name string, shape ...int) *nn.Weights4D {
	t := w.tensor(name, shape...)
	if t == nil {
		return nil
	}
	f, err := nn.NewWeights4D(t)
	if err != nil {
		w.err = fmt.Errorf("weight %s: %w", name, err)
	}
	return f
}

func (w *weightSet) vector(name string, n int) []float32 {
	if t := w.tensor(name, n); t != nil {
		return t.Data
	}
	return nil
}

// check reports the first lookup error, or a weight the net never used
// (a manifest for another architecture).
func (w *weightSet) check() error {
	if w.err != nil {
		return w.err
	}
	for name := range w.m {
		if !w.used[name] {
			return fmt.Errorf("weight %s: not part of the net", name)
		}
	}
	return nil
}
