package blazeface

import (
	"path/filepath"
	"testing"
)

// BenchmarkDetect is the whole detection on a 640×480 frame: resize and
// scale, the model, decoding and NMS.
func BenchmarkDetect(b *testing.B) {
	d := newDetector(b)
	frame := loadPNG(b, filepath.Join("testdata", "edge_noface_house.png"))
	if _, err := d.Detect(frame); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Detect(frame); err != nil {
			b.Fatal(err)
		}
	}
}
