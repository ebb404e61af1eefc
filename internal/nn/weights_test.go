package nn

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/idgate/idgate/internal/face/models"
)

func TestFloat16ToFloat32AllPatterns(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		sign := 1.0
		if h&0x8000 != 0 {
			sign = -1
		}
		exp, mant := (h>>10)&0x1f, float64(h&0x3ff)
		var want float64
		switch {
		case exp == 0:
			want = sign * math.Ldexp(mant/1024, -14)
		case exp == 0x1f && mant == 0:
			want = math.Inf(int(sign))
		case exp == 0x1f:
			if got := Float16ToFloat32(uint16(h)); got == got {
				t.Fatalf("%#04x: got %v, want NaN", h, got)
			}
			continue
		default:
			want = sign * math.Ldexp(1+mant/1024, exp-15)
		}
		got := Float16ToFloat32(uint16(h))
		if float64(got) != want || math.Signbit(float64(got)) != (sign < 0) {
			t.Fatalf("%#04x: got %v, want %v", h, got, want)
		}
	}
	if got := Float16ToFloat32(0x0001); got != float32(math.Ldexp(1, -24)) {
		t.Errorf("smallest subnormal: %v", got)
	}
}

func TestLoadManifest(t *testing.T) {
	manifest := `[{"paths":["a.bin"],"weights":[
		{"name":"f32","shape":[2],"dtype":"float32"},
		{"name":"q8","shape":[3],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.1,"min":-1}},
		{"name":"f16","shape":[2],"dtype":"float32","quantization":{"dtype":"float16","original_dtype":"float32"}},
		{"name":"i32","shape":[1],"dtype":"int32"}]}]`
	var bin []byte
	bin = binary.LittleEndian.AppendUint32(bin, math.Float32bits(1.5))
	bin = binary.LittleEndian.AppendUint32(bin, math.Float32bits(-2))
	bin = append(bin, 0, 10, 255)
	bin = binary.LittleEndian.AppendUint16(bin, 0x3c00) // 1.0
	bin = binary.LittleEndian.AppendUint16(bin, 0x8001) // -2^-24
	bin = binary.LittleEndian.AppendUint32(bin, uint32(0xffffffff))
	got, err := LoadManifest([]byte(manifest), bin)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, want ...float32) {
		t.Helper()
		if d := maxDiff(got[name].Data, want); d != 0 {
			t.Errorf("%s: got %v, want %v", name, got[name].Data, want)
		}
	}
	check("f32", 1.5, -2)
	// float64 arithmetic, one rounding: 10*0.1 + -1 = 1.1102230246251565e-16
	check("q8", -1, float32(float64(10*0.1)-1), float32(float64(255*0.1)-1))
	check("f16", 1, float32(-math.Ldexp(1, -24)))
	check("i32", -1)

	for _, tc := range []struct{ name, manifest string }{
		{"short data", `[{"weights":[{"name":"x","shape":[100],"dtype":"float32"}]}]`},
		{"long data", `[{"weights":[{"name":"x","shape":[1],"dtype":"float32"}]}]`},
		{"bad dtype", `[{"weights":[{"name":"x","shape":[2],"dtype":"string"}]}]`},
		{"negative shape", `[{"weights":[{"name":"x","shape":[-1],"dtype":"float32"}]}]`},
		{"huge shape", `[{"weights":[{"name":"x","shape":[100000,100000,100000],"dtype":"float32"}]}]`},
		{"duplicate", `[{"weights":[{"name":"x","shape":[1],"dtype":"float32"},{"name":"x","shape":[1],"dtype":"float32"}]}]`},
		{"not json", `{`},
	} {
		if _, err := LoadManifest([]byte(tc.manifest), make([]byte, 8)); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func FuzzLoadManifest(f *testing.F) {
	f.Add(`[{"paths":["a"],"weights":[{"name":"x","shape":[2],"dtype":"float32"}]}]`, []byte{0, 0, 0, 0, 0, 0, 128, 63})
	f.Add(`[{"weights":[{"name":"q","shape":[3],"dtype":"float32","quantization":{"dtype":"uint8","scale":1e-3,"min":-0.5}}]}]`, []byte{1, 2, 3})
	f.Add(`[{"weights":[{"name":"h","shape":[1,1],"dtype":"float32","quantization":{"dtype":"float16"}}]}]`, []byte{1, 0})
	f.Add(`[]`, []byte{})
	f.Fuzz(func(t *testing.T, manifest string, bin []byte) {
		ws, err := LoadManifest([]byte(manifest), bin)
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("empty error")
			}
			return
		}
		total := 0
		for _, w := range ws {
			if w.Len() != len(w.Data) {
				t.Fatalf("%v with %d values", w.Shape, len(w.Data))
			}
			total += len(w.Data)
		}
		if total > len(bin) {
			t.Fatalf("%d values from %d bytes", total, len(bin))
		}
	})
}

// TestFaceAPIWeightsMatchTFJS compares the dequantised face-api weights with
// the SHA-256 of the float32 values tfjs decodes (faceapi.js --dump-weights).
func TestFaceAPIWeightsMatchTFJS(t *testing.T) {
	raw, err := os.ReadFile("testdata/faceapi-weights-sha256.json")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]map[string]string
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	for net, load := range map[string]func() ([]byte, []byte){"recognition": models.FaceRecognition, "landmarks": models.FaceLandmark68} {
		ws, err := LoadManifest(load())
		if err != nil {
			t.Fatalf("%s: %v", net, err)
		}
		if len(ws) != len(want[net]) {
			t.Errorf("%s: %d tensors, want %d", net, len(ws), len(want[net]))
		}
		for name, sum := range want[net] {
			w, ok := ws[name]
			if !ok {
				t.Errorf("%s: missing %s", net, name)
				continue
			}
			buf := make([]byte, 0, 4*len(w.Data))
			for _, v := range w.Data {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			}
			if got := sha256.Sum256(buf); hex.EncodeToString(got[:]) != sum {
				t.Errorf("%s %s: values differ from tfjs", net, name)
			}
		}
	}
}
