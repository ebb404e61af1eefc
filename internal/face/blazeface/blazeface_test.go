package blazeface

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/idgate/idgate/internal/nn"
)

// goldenImages are PNGs (decoded from ../shared/testdata/faces JPEGs with
// Go's image/jpeg) with the TF.js oracle's outputs next to them.
var goldenImages = []string{"family1_dad_1", "family2_lady_1", "family3_man_1", "edge_multiface_family1", "edge_noface_house"}

// LoadPNG reads a PNG into a [1,H,W,3] RGB tensor with values 0..255.
func loadPNG(t testing.TB, path string) *nn.Tensor {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return imageTensor(img)
}

func imageTensor(img image.Image) *nn.Tensor {
	b := img.Bounds()
	x := nn.NewTensor(1, b.Dy(), b.Dx(), 3)
	i := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for xx := b.Min.X; xx < b.Max.X; xx++ {
			r, g, bl, _ := img.At(xx, y).RGBA()
			x.Data[i], x.Data[i+1], x.Data[i+2] = float32(r>>8), float32(g>>8), float32(bl>>8)
			i += 3
		}
	}
	return x
}

func sha256F32(v []float32) string {
	buf := make([]byte, 0, 4*len(v))
	for _, f := range v {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(f))
	}
	s := sha256.Sum256(buf)
	return hex.EncodeToString(s[:])
}

type oracleOutput struct {
	Input struct {
		Sha256 string `json:"sha256"`
	} `json:"input"`
	Outputs []struct {
		Name   string    `json:"name"`
		Shape  []int     `json:"shape"`
		Values []float64 `json:"values"`
	} `json:"outputs"`
}

type pipelineOutput struct {
	Blazeface struct {
		InputSha256 string `json:"inputSha256"`
	} `json:"blazeface"`
	Faces []struct {
		Score       float64 `json:"score"`
		AnchorIndex int     `json:"anchorIndex"`
		RawBox      struct {
			StartPoint [2]float64 `json:"startPoint"`
			EndPoint   [2]float64 `json:"endPoint"`
		} `json:"rawBox"`
		Landmarks [6][2]float64 `json:"landmarks"`
		Box       struct {
			StartPoint [2]float64 `json:"startPoint"`
			EndPoint   [2]float64 `json:"endPoint"`
		} `json:"box"`
	} `json:"faces"`
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func newDetector(t testing.TB) *Detector {
	t.Helper()
	d, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestOutputsMatchTFJS compares every model output with oracle.js
// (relative tolerance: the logits reach |1000|).
func TestOutputsMatchTFJS(t *testing.T) {
	d := newDetector(t)
	for _, name := range goldenImages {
		t.Run(name, func(t *testing.T) {
			frame := loadPNG(t, filepath.Join("testdata", name+".png"))
			var in, tmp nn.Tensor
			Preprocess(&in, &tmp, frame)
			var want oracleOutput
			readJSON(t, filepath.Join("testdata", name+".blazeface.json"), &want)
			if got := sha256F32(in.Data); got != want.Input.Sha256 {
				t.Fatalf("input sha256 %s, oracle %s", got, want.Input.Sha256)
			}
			outs, err := d.RawOutputs(&in)
			if err != nil {
				t.Fatal(err)
			}
			if len(outs) != len(want.Outputs) {
				t.Fatalf("%d outputs, want %d", len(outs), len(want.Outputs))
			}
			for i, w := range want.Outputs {
				got := outs[i]
				if len(got.Data) != len(w.Values) {
					t.Fatalf("%s: %d values, want %d", w.Name, len(got.Data), len(w.Values))
				}
				worst := 0.0
				for j, v := range w.Values {
					rel := math.Abs(float64(got.Data[j])-v) / max(1, math.Abs(v))
					worst = max(worst, rel)
				}
				if worst > 1e-4 || (nn.Accelerated() && worst != 0) {
					t.Errorf("%s: max relative diff %g (want 0 with the AVX2 kernels, ≤ 1e-4 otherwise)", w.Name, worst)
				}
				t.Logf("%s: max relative diff %.3g", w.Name, worst)
			}
		})
	}
}

// TestDetectionsMatchPipeline compares scores, raw boxes, keypoints and
// human's boxes with pipeline.js --max-detected 10.
func TestDetectionsMatchPipeline(t *testing.T) {
	d := newDetector(t)
	for _, name := range goldenImages {
		t.Run(name, func(t *testing.T) {
			frame := loadPNG(t, filepath.Join("testdata", name+".png"))
			var want pipelineOutput
			readJSON(t, filepath.Join("testdata", name+".pipeline.json"), &want)
			res, err := d.Detect(frame)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Faces) != len(want.Faces) {
				t.Fatalf("%d faces, want %d", len(res.Faces), len(want.Faces))
			}
			// with the AVX2 kernels the logits are bit-identical, so every
			// number here must be exactly pipeline.js' (JSON round-trips
			// float64); the pure-Go kernels may move them slightly
			tol := 1e-3
			if nn.Accelerated() {
				tol = 0
			}
			near := func(what string, got, want float64) {
				t.Helper()
				if math.Abs(got-want) > tol {
					t.Errorf("%s = %.17g, want %.17g", what, got, want)
				}
			}
			for i, w := range want.Faces {
				g := res.Faces[i]
				if g.AnchorIndex != w.AnchorIndex {
					t.Errorf("face %d: anchor %d, want %d", i, g.AnchorIndex, w.AnchorIndex)
				}
				near("score", float64(g.Score), w.Score)
				near("raw x1", g.RawBox.Start.X, w.RawBox.StartPoint[0])
				near("raw y1", g.RawBox.Start.Y, w.RawBox.StartPoint[1])
				near("raw x2", g.RawBox.End.X, w.RawBox.EndPoint[0])
				near("raw y2", g.RawBox.End.Y, w.RawBox.EndPoint[1])
				for k, p := range w.Landmarks {
					near("landmark x", g.Landmarks[k].X, p[0])
					near("landmark y", g.Landmarks[k].Y, p[1])
				}
				box := [4]float64{g.Box.Start.X, g.Box.Start.Y, g.Box.End.X, g.Box.End.Y}
				wbox := [4]float64{w.Box.StartPoint[0], w.Box.StartPoint[1], w.Box.EndPoint[0], w.Box.EndPoint[1]}
				if box != wbox {
					t.Errorf("face %d: box %v, want %v", i, box, wbox)
				}
			}
		})
	}
}

func TestFaceCounts(t *testing.T) {
	d := newDetector(t)
	for _, tc := range []struct {
		name     string
		min, max int
	}{{"family1_dad_1", 1, 1}, {"edge_noface_house", 0, 0}, {"edge_multiface_family1", 2, 10}} {
		res, err := d.Detect(loadPNG(t, filepath.Join("testdata", tc.name+".png")))
		if err != nil {
			t.Fatal(err)
		}
		if n := len(res.Faces); n < tc.min || n > tc.max {
			t.Errorf("%s: %d faces, want %d..%d", tc.name, n, tc.min, tc.max)
		}
		if _, ok := res.Largest(); ok != (tc.min > 0) {
			t.Errorf("%s: Largest ok=%v", tc.name, ok)
		}
	}
}

func TestDetectRejectsBadShape(t *testing.T) {
	d := newDetector(t)
	if _, err := d.Detect(nn.NewTensor(1, 10, 10, 4)); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("err = %v", err)
	}
}

var writeRaw = flag.String("write-raw", "", "write the raw .f32 test input into this directory (to feed the oracle)")

// rawInput is a deterministic noise input in [-1, 1), the model's range.
func rawInput() *nn.Tensor {
	x := nn.NewTensor(1, InputSize, InputSize, 3)
	r := rand.New(rand.NewPCG(7, 42))
	for i := range x.Data {
		x.Data[i] = 2*r.Float32() - 1
	}
	return x
}

// TestRawInputMatchesTFJS compares all four outputs on a noise input with
// oracle.js --input raw-noise.f32.
func TestRawInputMatchesTFJS(t *testing.T) {
	x := rawInput()
	if *writeRaw != "" {
		buf := make([]byte, 0, 4*len(x.Data))
		for _, v := range x.Data {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
		if err := os.WriteFile(filepath.Join(*writeRaw, "raw-noise.f32"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	var want oracleOutput
	readJSON(t, filepath.Join("testdata", "raw-noise.blazeface.json"), &want)
	if got := sha256F32(x.Data); got != want.Input.Sha256 {
		t.Fatalf("input sha256 %s, oracle %s", got, want.Input.Sha256)
	}
	outs, err := newDetector(t).RawOutputs(x)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want.Outputs {
		worst := 0.0
		for j, v := range w.Values {
			worst = max(worst, math.Abs(float64(outs[i].Data[j])-v)/max(1, math.Abs(v)))
		}
		if worst > 1e-4 || (nn.Accelerated() && worst != 0) {
			t.Errorf("%s: max relative diff %g", w.Name, worst)
		}
	}
}

// rgbBytes converts a [1,H,W,3] tensor of 0..255 integers back to bytes.
func rgbBytes(x *nn.Tensor) []uint8 {
	out := make([]uint8, len(x.Data))
	for i, v := range x.Data {
		out[i] = uint8(v)
	}
	return out
}

func TestDetectRGBMatchesDetect(t *testing.T) {
	d := newDetector(t)
	for _, name := range goldenImages {
		frame := loadPNG(t, filepath.Join("testdata", name+".png"))
		want, err := d.Detect(frame)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.DetectRGB(rgbBytes(frame), frame.Shape[2], frame.Shape[1])
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: DetectRGB %+v, Detect %+v", name, got, want)
		}
	}
	if _, err := d.DetectRGB(make([]uint8, 10), 2, 2); err == nil {
		t.Error("short pixel buffer accepted")
	}
}
