package antispoof

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/idgate/idgate/internal/face/blazeface"
	"github.com/idgate/idgate/internal/nn"
)

var writeRaw = flag.String("write-raw", "", "write the raw .f32 test inputs into this directory (to feed the oracle)")

// rawInput is a deterministic pseudo-random input in [0,1); seed 0 is a
// smooth gradient, the others noise.
func rawInput(size int, seed uint64) *nn.Tensor {
	x := nn.NewTensor(1, size, size, 3)
	r := rand.New(rand.NewPCG(seed, 42))
	for i := range x.Data {
		if seed == 0 {
			x.Data[i] = float32(i%(size*3)) / float32(size*3)
			continue
		}
		x.Data[i] = r.Float32()
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

func newChecker(t testing.TB) *Checker {
	t.Helper()
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func closeTo(t *testing.T, what string, got []float32, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		// with the AVX2 kernels the runtime sums like tfjs-cpu: exact
		if d := math.Abs(float64(got[i]) - want[i]); d > 1e-4 || (nn.Accelerated() && d != 0) {
			t.Errorf("%s[%d] = %v, want %v (diff %g)", what, i, got[i], want[i], d)
		}
	}
}

type oracleOutput struct {
	Input struct {
		Sha256 string `json:"sha256"`
	} `json:"input"`
	Outputs []struct {
		Values []float64 `json:"values"`
	} `json:"outputs"`
}

// TestRawInputsMatchTFJS feeds generated tensors to both models and
// compares with oracle.js on the same .f32 files.
func TestRawInputsMatchTFJS(t *testing.T) {
	c := newChecker(t)
	for _, seed := range []uint64{0, 1, 2} {
		for _, m := range []struct {
			name string
			size int
		}{{"antispoof", AntiSpoofSize}, {"liveness", LivenessSize}} {
			x := rawInput(m.size, seed)
			file := filepath.Join("testdata", "raw", m.name+"-"+string(rune('0'+seed)))
			if *writeRaw != "" {
				buf := make([]byte, 0, 4*len(x.Data))
				for _, v := range x.Data {
					buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
				}
				if err := os.WriteFile(filepath.Join(*writeRaw, filepath.Base(file)+".f32"), buf, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			var want oracleOutput
			readJSON(t, file+".json", &want)
			if got := sha256F32(x.Data); got != want.Input.Sha256 {
				t.Fatalf("%s: input sha256 %s, oracle %s", file, got, want.Input.Sha256)
			}
			var got []float32
			if m.name == "antispoof" {
				v, err := c.AntiSpoof(x)
				if err != nil {
					t.Fatal(err)
				}
				got = []float32{v}
			} else {
				v, err := c.Liveness(x)
				if err != nil {
					t.Fatal(err)
				}
				got = v[:]
			}
			closeTo(t, file, got, want.Outputs[0].Values)
		}
	}
}

type pipelineOutput struct {
	Faces []struct {
		CropSha256 string `json:"cropSha256"`
		Models     map[string]struct {
			InputSha256 string `json:"inputSha256"`
			Outputs     []struct {
				Values []float64 `json:"values"`
			} `json:"outputs"`
		} `json:"models"`
	} `json:"faces"`
}

// TestPipelineMatchesTFJS runs detection, human's face crop and both
// models on the blazeface test images and compares every step with
// pipeline.js.
func TestPipelineMatchesTFJS(t *testing.T) {
	c := newChecker(t)
	det, err := blazeface.New(blazeface.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "blazeface", "testdata")
	for _, name := range []string{"family1_dad_1", "family2_lady_1", "family3_man_1", "edge_multiface_family1"} {
		t.Run(name, func(t *testing.T) {
			frame := loadPNG(t, filepath.Join(dir, name+".png"))
			var want pipelineOutput
			readJSON(t, filepath.Join(dir, name+".pipeline.json"), &want)
			res, err := det.Detect(frame)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Faces) != len(want.Faces) {
				t.Fatalf("%d faces, want %d", len(res.Faces), len(want.Faces))
			}
			for i, w := range want.Faces {
				var crop, in nn.Tensor
				FaceCrop(&crop, frame, res.Faces[i].Box)
				if got := sha256F32(crop.Data); got != w.CropSha256 {
					t.Errorf("face %d: crop sha256 %s, oracle %s", i, got, w.CropSha256)
				}
				nn.ResizeBilinear(&in, &crop, AntiSpoofSize, AntiSpoofSize)
				if got := sha256F32(in.Data); got != w.Models["antispoof"].InputSha256 {
					t.Errorf("face %d: antispoof input differs", i)
				}
				nn.ResizeBilinear(&in, &crop, LivenessSize, LivenessSize)
				if got := sha256F32(in.Data); got != w.Models["liveness"].InputSha256 {
					t.Errorf("face %d: liveness input differs", i)
				}
				r, err := c.Check(frame, res.Faces[i].Box)
				if err != nil {
					t.Fatal(err)
				}
				closeTo(t, "antispoof", []float32{r.Real}, w.Models["antispoof"].Outputs[0].Values)
				closeTo(t, "liveness", []float32{r.Live}, w.Models["liveness"].Outputs[0].Values[:1])
			}
		})
	}
}

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

func TestCheckRGBMatchesCheck(t *testing.T) {
	c := newChecker(t)
	frame := loadPNG(t, filepath.Join("..", "blazeface", "testdata", "family1_dad_1.png"))
	pix := make([]uint8, len(frame.Data))
	for i, v := range frame.Data {
		pix[i] = uint8(v)
	}
	box := blazeface.Box{Start: blazeface.Point{X: -47, Y: -16}, End: blazeface.Point{X: 243, Y: 274}}
	want, err := c.Check(frame, box)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.CheckRGB(pix, frame.Shape[2], frame.Shape[1], box)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("CheckRGB %+v, Check %+v", got, want)
	}
}
