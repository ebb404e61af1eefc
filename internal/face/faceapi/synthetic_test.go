package faceapi

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/idgate/idgate/internal/nn"
)

var syntheticDir = flag.String("synthetic-dir", "", "write the synthetic net inputs (.f32) here for the oracle (see ../testdata/regen.sh)")

// syntheticInput is a deterministic pseudo-random input in [-0.5, 0.5),
// every value exactly representable, so Go and the oracle see the same bits.
func syntheticInput(size int, seed uint64) *nn.Tensor {
	t := nn.NewTensor(1, size, size, 3)
	s := seed
	for i := range t.Data {
		s = s*6364136223846793005 + 1442695040888963407
		t.Data[i] = float32(int((s>>40)&0xFFFF)-32768) / 65536
	}
	return t
}

const (
	landmarkSeed    = 68
	recognitionSeed = 128
)

func TestWriteSyntheticInputs(t *testing.T) {
	if *syntheticDir == "" {
		t.Skip("only with -synthetic-dir")
	}
	for name, in := range map[string]*nn.Tensor{
		"landmarks":   syntheticInput(LandmarkInputSize, landmarkSeed),
		"recognition": syntheticInput(RecognitionInputSize, recognitionSeed),
	} {
		buf := make([]byte, 4*len(in.Data))
		for i, v := range in.Data {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		if err := os.WriteFile(filepath.Join(*syntheticDir, "synthetic_"+name+".f32"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type netGolden struct {
	Input   struct{ Sha256 string }
	Outputs []struct {
		Name   string
		Values []float64
	}
}

func loadNetGolden(t *testing.T, name string) netGolden {
	t.Helper()
	data, err := os.ReadFile("testdata/synthetic_" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var g netGolden
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestNetsMatchOracleOnSyntheticInputs(t *testing.T) {
	nets := testNets(t)
	tests := []struct {
		name string
		in   *nn.Tensor
		run  func(*nn.Tensor) *nn.Tensor
	}{
		{"landmarks", syntheticInput(LandmarkInputSize, landmarkSeed), func(x *nn.Tensor) *nn.Tensor {
			return nets.Landmarks.Run(&LandmarkWorkspace{}, x)
		}},
		{"recognition", syntheticInput(RecognitionInputSize, recognitionSeed), func(x *nn.Tensor) *nn.Tensor {
			return nets.Recognition.Run(&RecognitionWorkspace{}, x)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := loadNetGolden(t, tt.name)
			if got := sha256F32(tt.in.Data); got != g.Input.Sha256 {
				t.Fatalf("input sha256 %s, oracle %s", got, g.Input.Sha256)
			}
			want := g.Outputs[0].Values
			out := tt.run(tt.in)
			if len(out.Data) != len(want) {
				t.Fatalf("%d outputs, oracle %d", len(out.Data), len(want))
			}
			checkClose(t, tt.name, out.Data, want)
		})
	}
}
