package faceapi

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/idgate/idgate/internal/nn"
)

// To find the first layer where Go and TF.js part ways, dump the oracle's
// layers for the synthetic input and point the test at them:
//
//	go test ./internal/face/faceapi -run TestWriteSyntheticInputs -synthetic-dir /tmp/s
//	(cd /tmp/s && run.sh faceapi.js --net recognition --input synthetic_recognition.f32 --dump-layers rec)
//	go test ./internal/face/faceapi -run TestLayersMatchOracleDump -layers-dir /tmp/s/rec -v
var layersDir = flag.String("layers-dir", "", "an oracle --dump-layers directory for the synthetic input of its net")

func TestLayersMatchOracleDump(t *testing.T) {
	if *layersDir == "" {
		t.Skip("only with -layers-dir")
	}
	data, err := os.ReadFile(filepath.Join(*layersDir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index struct {
		Net    string
		Layers []struct {
			Name  string
			Shape []int
			File  string
		}
	}
	if err := json.Unmarshal(data, &index); err != nil {
		t.Fatal(err)
	}
	type layer struct {
		name  string
		shape []int
		data  []float32
	}
	var got []layer
	trace := func(name string, x *nn.Tensor) {
		got = append(got, layer{name, slices.Clone(x.Shape), slices.Clone(x.Data)})
	}
	nets := testNets(t)
	switch index.Net {
	case "landmarks":
		nets.Landmarks.Run(&LandmarkWorkspace{Trace: trace}, syntheticInput(LandmarkInputSize, landmarkSeed))
	case "recognition":
		nets.Recognition.Run(&RecognitionWorkspace{Trace: trace}, syntheticInput(RecognitionInputSize, recognitionSeed))
	default:
		t.Fatalf("net %q", index.Net)
	}
	if len(got) != len(index.Layers) {
		t.Errorf("%d layers traced, oracle dumped %d", len(got), len(index.Layers))
	}
	for i, want := range index.Layers {
		if i >= len(got) {
			break
		}
		g := got[i]
		if g.name != want.Name || !slices.Equal(g.shape, want.Shape) {
			t.Fatalf("layer %d: %s %v, oracle %s %v", i, g.name, g.shape, want.Name, want.Shape)
		}
		raw, err := os.ReadFile(filepath.Join(*layersDir, want.File))
		if err != nil {
			t.Fatal(err)
		}
		var maxDiff float64
		for k := range g.data {
			v := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*k:]))
			maxDiff = math.Max(maxDiff, math.Abs(float64(g.data[k]-v)))
		}
		if maxDiff > 1e-4 {
			t.Fatalf("layer %d %s: first divergence, max |diff| %.3g", i, g.name, maxDiff)
		}
		t.Logf("layer %3d %-32s max |diff| %.2g", i, g.name, maxDiff)
	}
}
