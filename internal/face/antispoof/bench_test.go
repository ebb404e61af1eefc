package antispoof

import (
	"path/filepath"
	"testing"

	"github.com/idgate/idgate/internal/face/blazeface"
)

// BenchmarkCheck is human's face crop plus both models on one face.
func BenchmarkCheck(b *testing.B) {
	c := newChecker(b)
	frame := loadPNG(b, filepath.Join("..", "blazeface", "testdata", "family1_dad_1.png"))
	box := blazeface.Box{Start: blazeface.Point{X: -47, Y: -16}, End: blazeface.Point{X: 243, Y: 274}}
	if _, err := c.Check(frame, box); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Check(frame, box); err != nil {
			b.Fatal(err)
		}
	}
}
