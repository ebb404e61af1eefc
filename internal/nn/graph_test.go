package nn

import (
	"slices"
	"strings"
	"testing"

	"github.com/idgate/idgate/internal/face/models"
)

func TestLoadEmbeddedGraphs(t *testing.T) {
	tests := []struct {
		name  string
		load  func() ([]byte, []byte)
		input []int
		want  [][]int
	}{
		{"blazeface", models.BlazeFace, []int{1, 256, 256, 3}, [][]int{{1, 384, 16}, {1, 512, 1}, {1, 384, 1}, {1, 512, 16}}},
		{"antispoof", models.AntiSpoof, []int{1, 128, 128, 3}, [][]int{{1, 1}}},
		{"liveness", models.Liveness, []int{1, 32, 32, 3}, [][]int{{1, 2}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := LoadGraphModel(tc.load())
			if err != nil {
				t.Fatal(err)
			}
			s := g.NewSession()
			x := NewTensor(tc.input...)
			for i := range x.Data {
				x.Data[i] = float32(i%7) / 7
			}
			outs, err := s.Run(x)
			if err != nil {
				t.Fatal(err)
			}
			var shapes [][]int
			for _, o := range outs {
				shapes = append(shapes, o.Shape)
			}
			if !slices.EqualFunc(shapes, tc.want, slices.Equal[[]int]) {
				t.Errorf("output shapes %v, want %v (names %v)", shapes, tc.want, g.OutputNames())
			}
			if _, err := s.Run(NewTensor(1, 7, 7, 3)); err == nil {
				t.Error("wrong input shape accepted")
			}
		})
	}
}

func TestUnsupportedOpNamed(t *testing.T) {
	model := `{"format":"graph-model","modelTopology":{"node":[
		{"name":"x","op":"Placeholder"},
		{"name":"weird/node","op":"FancyOp","input":["x"]}]},"weightsManifest":[]}`
	_, err := LoadGraphModel([]byte(model), nil)
	if err == nil || !strings.Contains(err.Error(), "FancyOp") || !strings.Contains(err.Error(), "weird/node") {
		t.Errorf("error %v should name the op and the node", err)
	}
}

func FuzzLoadGraphModel(f *testing.F) {
	f.Add(`{"format":"graph-model","modelTopology":{"node":[{"name":"x","op":"Placeholder"},{"name":"r","op":"Relu","input":["x"]}]},"weightsManifest":[]}`)
	f.Add(`{"modelTopology":{"node":[{"name":"x","op":"Placeholder"},{"name":"c","op":"Const"},{"name":"a","op":"Add","input":["x","c"]}]},"weightsManifest":[{"weights":[{"name":"c","shape":[1],"dtype":"float32"}]}]}`)
	f.Add(`{"modelTopology":{"node":[{"name":"a","op":"Relu","input":["b"]},{"name":"b","op":"Relu","input":["a"]}]}}`)
	f.Fuzz(func(t *testing.T, model string) {
		g, err := LoadGraphModel([]byte(model), []byte{0, 0, 128, 63})
		if err != nil {
			return
		}
		_, _ = g.NewSession().Run(NewTensor(1, 2, 2, 1))
	})
}

func TestGraphRunAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	for _, load := range []func() ([]byte, []byte){models.Liveness, models.AntiSpoof} {
		g, err := LoadGraphModel(load())
		if err != nil {
			t.Fatal(err)
		}
		s := g.NewSession()
		x := NewTensor(1, 128, 128, 3)
		if g.OutputNames()[0] == "activation_6" {
			x = NewTensor(1, 32, 32, 3)
		}
		if _, err := s.Run(x); err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(5, func() { _, _ = s.Run(x) }); n != 0 {
			t.Errorf("%v: %v allocations per run", g.OutputNames(), n)
		}
	}
}

// TestGraphFusesAndReusesBuffers checks the plan of blazeface: ReLUs and
// residual adds folded into the convolutions, and a few shared buffers.
func TestGraphFusesAndReusesBuffers(t *testing.T) {
	g, err := LoadGraphModel(models.BlazeFace())
	if err != nil {
		t.Fatal(err)
	}
	fused := 0
	for _, n := range g.nodes {
		if n.res >= 0 {
			fused++
		}
	}
	if fused < 20 {
		t.Errorf("%d residual adds fused, want ≥ 20", fused)
	}
	if g.nbufs > 10 {
		t.Errorf("%d buffers for a chain-like graph", g.nbufs)
	}
}

func TestLoadGraphModelErrors(t *testing.T) {
	node := func(name, op string, in ...string) string {
		q := make([]string, len(in))
		for i, s := range in {
			q[i] = `"` + s + `"`
		}
		return `{"name":"` + name + `","op":"` + op + `","input":[` + strings.Join(q, ",") + `]}`
	}
	graph := func(nodes ...string) string {
		return `{"format":"graph-model","modelTopology":{"node":[` + strings.Join(nodes, ",") + `]},"weightsManifest":[]}`
	}
	for _, tc := range []struct{ name, model, want string }{
		{"cycle", graph(node("x", "Placeholder"), node("a", "Relu", "b"), node("b", "Relu", "a")), "cycle"},
		{"unknown input", graph(node("x", "Placeholder"), node("a", "Relu", "nope")), "unknown"},
		{"const without weights", graph(node("x", "Placeholder"), node("c", "Const"), node("a", "Add", "x", "c")), "no weights"},
		{"second output", graph(node("x", "Placeholder"), node("a", "Relu", "x:1")), "output 1"},
		{"duplicate name", graph(node("x", "Placeholder"), node("x", "Relu")), "repeated"},
		{"layers model", `{"format":"layers-model","modelTopology":{"node":[]}}`, "format"},
		{"no nodes", graph(), "0 nodes"},
		{"filter not const", graph(node("x", "Placeholder"), node("w", "Relu", "x"), node("c", "Conv2D", "x", "w")), "not a constant"},
	} {
		_, err := LoadGraphModel([]byte(tc.model), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tc.name, err, tc.want)
		}
	}
}
