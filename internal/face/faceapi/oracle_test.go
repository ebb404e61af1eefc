package faceapi

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/idgate/idgate/internal/face/imagedecode"
	"github.com/idgate/idgate/internal/nn"
)

// The goldens in ../testdata/chain are `chain.js --compact` outputs of the
// TF.js oracle (cpu backend) on PNGs of the Go-decoded test images; see
// ../testdata/README.md for how to regenerate them.

type oracleCrop struct {
	X, Y, Width, Height int
	InputSha256         string
}

func (c oracleCrop) rect() image.Rectangle { return image.Rect(c.X, c.Y, c.X+c.Width, c.Y+c.Height) }

type oracleFace struct {
	DetectionBox   struct{ X, Y, Width, Height float64 }
	LandmarkCrop   oracleCrop
	LandmarkOutput []float64
	Landmarks      [][2]float64
	AlignDlib      struct {
		X, Y, Width, Height int
		Size                int
		Centres             struct{ LeftEye, RightEye, Mouth [2]float64 }
	}
	RecognitionCrop oracleCrop
	Descriptor      []float64
}

type oracleImage struct {
	File      string
	Image     struct{ Width, Height int }
	Border    int
	Blazeface struct {
		Score  float64
		RawBox struct{ StartPoint, EndPoint [2]float64 }
	}
	Face *oracleFace
}

type chainGolden struct {
	Name  string
	Image oracleImage
}

func loadChainGoldens(t testing.TB) []chainGolden {
	t.Helper()
	files, err := filepath.Glob("../testdata/chain/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no chain goldens: %v", err)
	}
	var out []chainGolden
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ Images []oracleImage }
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, chainGolden{Name: strings.TrimSuffix(filepath.Base(f), ".json"), Image: doc.Images[0]})
	}
	return out
}

// testImage decodes ../testdata/faces/NAME.jpg or .png.
func testImage(t testing.TB, name string) *imagedecode.RGB {
	t.Helper()
	for _, ext := range []string{".jpg", ".png"} {
		data, err := os.ReadFile(filepath.Join("../testdata/faces", name+ext))
		if err != nil {
			continue
		}
		img, err := imagedecode.Decode(data, imagedecode.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return img
	}
	t.Fatalf("test image %s not found", name)
	return nil
}

var (
	netsOnce sync.Once
	netsVal  *Nets
	netsErr  error
)

func testNets(t testing.TB) *Nets {
	t.Helper()
	netsOnce.Do(func() { netsVal, netsErr = LoadNets() })
	if netsErr != nil {
		t.Fatal(netsErr)
	}
	return netsVal
}

func sha256F32(data []float32) string {
	buf := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
	}
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}

func maxAbsDiff(got []float32, want []float64) float64 {
	var m float64
	for i := range want {
		m = math.Max(m, math.Abs(float64(got[i])-want[i]))
	}
	return m
}

// TestNetsMatchOracleOnChainCrops feeds each net the crop the oracle fed it:
// the prepared input must hash the same, and the outputs agree within 1e-4.
func TestNetsMatchOracleOnChainCrops(t *testing.T) {
	nets := testNets(t)
	var ws Workspace
	for _, g := range loadChainGoldens(t) {
		f := g.Image.Face
		if f == nil {
			continue
		}
		t.Run(g.Name, func(t *testing.T) {
			img := testImage(t, g.Name)

			fc := runOnCrop(t, &ws, img, f.LandmarkCrop, LandmarkInputSize, func() *nn.Tensor {
				return nets.Landmarks.Run(&ws.Landmark, &ws.input)
			})
			checkClose(t, "landmark fc", fc.Data, f.LandmarkOutput)
			desc := runOnCrop(t, &ws, img, f.RecognitionCrop, RecognitionInputSize, func() *nn.Tensor {
				return nets.Recognition.Run(&ws.Recognition, &ws.input)
			})
			checkClose(t, "descriptor", desc.Data, f.Descriptor)
		})
	}
}

// runOnCrop cuts the oracle's crop, prepares it, checks the input hash
// against the oracle's and runs the net.
func runOnCrop(t *testing.T, ws *Workspace, img *imagedecode.RGB, c oracleCrop, size int, run func() *nn.Tensor) *nn.Tensor {
	t.Helper()
	CropZeroFill(&ws.crop, img, c.rect())
	PrepareInput(&ws.input, &ws.square, &ws.crop, size)
	if got := sha256F32(ws.input.Data); got != c.InputSha256 {
		t.Errorf("%d×%d input sha256 %s, oracle %s", size, size, got, c.InputSha256)
	}
	return run()
}

func checkClose(t *testing.T, what string, got []float32, want []float64) {
	t.Helper()
	if d := maxAbsDiff(got, want); d > 1e-4 {
		t.Errorf("%s: max |diff| %.3g > 1e-4", what, d)
	} else {
		t.Logf("%s: max |diff| %.3g", what, d)
	}
}

// TestGeometryMatchesOracle checks face-api's box arithmetic alone: from
// the oracle's detector box and landmark net output to its crops,
// landmarks and alignment box.
func TestGeometryMatchesOracle(t *testing.T) {
	for _, g := range loadChainGoldens(t) {
		f := g.Image.Face
		if f == nil {
			continue
		}
		t.Run(g.Name, func(t *testing.T) {
			frame := NewFrame(g.Image.Image.Width, g.Image.Image.Height)
			if frame.Border != g.Image.Border {
				t.Errorf("border %d, oracle %d", frame.Border, g.Image.Border)
			}
			rb := g.Image.Blazeface.RawBox
			det, crop := frame.DetectionBoxes(rb.StartPoint[0], rb.StartPoint[1], rb.EndPoint[0], rb.EndPoint[1])
			p := float64(frame.Border)
			wantDet := f.DetectionBox
			if det.X-p != wantDet.X || det.Y-p != wantDet.Y || det.Width != wantDet.Width || det.Height != wantDet.Height {
				t.Errorf("detection box %+v (frame), oracle %+v (image)", det, wantDet)
			}
			lm := frame.ClipFloor(crop)
			if got := frame.ToImage(lm); got != f.LandmarkCrop.rect() {
				t.Errorf("landmark crop %v, oracle %v", got, f.LandmarkCrop.rect())
			}
			fc := make([]float32, len(f.LandmarkOutput))
			for i, v := range f.LandmarkOutput {
				fc[i] = float32(v)
			}
			pts := LandmarkPoints(fc, lm.Dx(), lm.Dy(), det.X, det.Y)
			for i, q := range pts {
				want := f.Landmarks[i]
				if q.X-p != want[0] || q.Y-p != want[1] {
					t.Errorf("landmark %d: (%v, %v), oracle %v", i, q.X-p, q.Y-p, want)
				}
			}
			al := AlignDlib(&pts, lm.Dx(), lm.Dy())
			wantAl := f.AlignDlib
			if got, want := frame.ToImage(al.Box), image.Rect(wantAl.X, wantAl.Y, wantAl.X+wantAl.Width, wantAl.Y+wantAl.Height); got != want || al.Size != wantAl.Size {
				t.Errorf("alignment box %v size %d, oracle %v size %d", got, al.Size, want, wantAl.Size)
			}
			rec := frame.ToImage(frame.ClipFloor(Box{float64(al.Box.Min.X), float64(al.Box.Min.Y), float64(al.Box.Dx()), float64(al.Box.Dy())}))
			if rec != f.RecognitionCrop.rect() {
				t.Errorf("recognition crop %v, oracle %v", rec, f.RecognitionCrop.rect())
			}
		})
	}
}

func TestDescribeRejectsDegenerateBoxes(t *testing.T) {
	nets := testNets(t)
	img := testImage(t, "family1_dad_1")
	var ws Workspace
	for _, box := range [][4]float64{
		{math.NaN(), 0, 10, 10},
		{0, 0, math.Inf(1), 10},
		{50, 50, 50, 50},         // empty
		{-900, -900, -800, -800}, // outside the frame
	} {
		if _, err := nets.Describe(&ws, img, box[0], box[1], box[2], box[3]); !errors.Is(err, ErrEmptyCrop) {
			t.Errorf("box %v: %v, want ErrEmptyCrop", box, err)
		}
	}
}

// FuzzDescribeBox: any detector box gives a result or ErrEmptyCrop, never
// a panic.
func FuzzDescribeBox(f *testing.F) {
	f.Add(10.45, 25.23, 184.86, 232.44)
	f.Add(-500.0, -20.0, 5.0, 900.0)
	f.Add(100.0, 100.0, 100.5, 100.5)
	nets := testNets(f)
	img := testImage(f, "edge_tiny_24x32")
	var ws Workspace
	f.Fuzz(func(t *testing.T, x1, y1, x2, y2 float64) {
		if _, err := nets.Describe(&ws, img, x1, y1, x2, y2); err != nil && !errors.Is(err, ErrEmptyCrop) {
			t.Fatalf("box (%v,%v)-(%v,%v): %v", x1, y1, x2, y2, err)
		}
	})
}
