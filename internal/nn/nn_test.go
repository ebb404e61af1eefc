package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func seq(n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(i + 1)
	}
	return out
}

func ones(n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = 1
	}
	return out
}

func mustTensor(t testing.TB, data []float32, shape ...int) *Tensor {
	t.Helper()
	x, err := FromData(data, shape...)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func mustWeights(t testing.TB, data []float32, shape ...int) *Weights4D {
	t.Helper()
	w, err := NewWeights4D(mustTensor(t, data, shape...))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestConv2DHandComputed(t *testing.T) {
	x := mustTensor(t, seq(16), 1, 4, 4, 1) // 1..16 row-major
	w := mustWeights(t, ones(9), 3, 3, 1, 1)
	tests := []struct {
		name   string
		stride int
		pad    Padding
		shape  []int
		want   []float32
	}{
		{"same s1", 1, Same, []int{1, 4, 4, 1}, []float32{14, 24, 30, 22, 33, 54, 63, 45, 57, 90, 99, 69, 46, 72, 78, 54}},
		// even input, stride 2: total padding 1, all of it at the bottom/right
		{"same s2 pads bottom right", 2, Same, []int{1, 2, 2, 1}, []float32{54, 45, 72, 54}},
		{"valid s1", 1, Valid, []int{1, 2, 2, 1}, []float32{54, 63, 90, 99}},
		{"valid s2", 2, Valid, []int{1, 1, 1, 1}, []float32{54}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got Tensor
			Conv2D(&got, x, w, nil, tc.stride, tc.pad, ActNone)
			if !slices.Equal(got.Shape, tc.shape) || !slices.Equal(got.Data, tc.want) {
				t.Errorf("got %v %v, want %v %v", got.Shape, got.Data, tc.shape, tc.want)
			}
		})
	}
}

func TestConv2DBiasAndActivation(t *testing.T) {
	x := mustTensor(t, []float32{1, -2, 3, -4}, 1, 2, 2, 1)
	w := mustWeights(t, []float32{1, -1}, 1, 1, 1, 2)
	var got Tensor
	Conv2D(&got, x, w, []float32{0.5, 1}, 1, Valid, ActRelu)
	want := []float32{1.5, 0, 0, 3, 3.5, 0, 0, 5}
	if !slices.Equal(got.Data, want) {
		t.Errorf("got %v, want %v", got.Data, want)
	}
	Conv2D(&got, x, w, []float32{5, 5}, 1, Valid, ActRelu6)
	want = []float32{6, 4, 3, 6, 6, 2, 1, 6}
	if !slices.Equal(got.Data, want) {
		t.Errorf("relu6: got %v, want %v", got.Data, want)
	}
}

// naiveConv is the textbook loop (per-tap accumulation like tfjs-cpu).
func naiveConv(x *Tensor, w *Weights4D, bias []float32, stride int, pad Padding, depthwise bool) *Tensor {
	n, h, wd, c := x.Dims4()
	oh, pt := OutputSize(h, w.KH, stride, pad)
	ow, pl := OutputSize(wd, w.KW, stride, pad)
	oc := w.Out
	if depthwise {
		oc = c
	}
	out := NewTensor(n, oh, ow, oc)
	for b := range n {
		for oy := range oh {
			for ox := range ow {
				for o := range oc {
					var acc float32
					for ky := range w.KH {
						for kx := range w.KW {
							iy, ix := oy*stride-pt+ky, ox*stride-pl+kx
							if iy < 0 || iy >= h || ix < 0 || ix >= wd {
								continue
							}
							if depthwise {
								acc += x.At4(b, iy, ix, o) * w.Data[(ky*w.KW+kx)*c+o]
								continue
							}
							for i := range c {
								acc += x.At4(b, iy, ix, i) * w.Data[((ky*w.KW+kx)*c+i)*oc+o]
							}
						}
					}
					if bias != nil {
						acc += bias[o]
					}
					out.Data[((b*oh+oy)*ow+ox)*oc+o] = acc
				}
			}
		}
	}
	return out
}

func randTensor(r *rand.Rand, shape ...int) *Tensor {
	t := NewTensor(shape...)
	for i := range t.Data {
		t.Data[i] = float32(r.NormFloat64())
	}
	return t
}

func maxDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}

func TestConv2DMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tests := []struct{ h, w, c, k, oc, stride int }{
		{9, 7, 3, 3, 5, 1}, {10, 10, 3, 5, 24, 2}, {15, 15, 3, 7, 32, 2}, {8, 8, 16, 1, 40, 1},
		{35, 35, 32, 3, 32, 1}, {17, 17, 64, 3, 128, 2}, {4, 4, 256, 3, 256, 2}, {12, 12, 20, 1, 17, 2},
	}
	for _, tc := range tests {
		for _, pad := range []Padding{Same, Valid} {
			x := randTensor(r, 1, tc.h, tc.w, tc.c)
			wt := randTensor(r, tc.k, tc.k, tc.c, tc.oc)
			w, _ := NewWeights4D(wt)
			bias := randTensor(r, tc.oc).Data
			want := naiveConv(x, w, bias, tc.stride, pad, false)
			var got Tensor
			Conv2D(&got, x, w, bias, tc.stride, pad, ActNone)
			if !slices.Equal(got.Shape, want.Shape) {
				t.Fatalf("%+v %v: shape %v, want %v", tc, pad, got.Shape, want.Shape)
			}
			if d := maxDiff(got.Data, want.Data); d > 1e-4 {
				t.Errorf("%+v %v: max diff %g", tc, pad, d)
			}
		}
	}
}

func TestDepthwiseMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct{ h, w, c, k, stride int }{{8, 8, 24, 3, 1}, {8, 8, 24, 3, 2}, {7, 9, 5, 3, 2}, {7, 7, 16, 7, 1}} {
		for _, pad := range []Padding{Same, Valid} {
			x := randTensor(r, 2, tc.h, tc.w, tc.c)
			w, _ := NewWeights4D(randTensor(r, tc.k, tc.k, tc.c, 1))
			bias := randTensor(r, tc.c).Data
			want := naiveConv(x, w, bias, tc.stride, pad, true)
			var got Tensor
			DepthwiseConv2D(&got, x, w, bias, tc.stride, pad, ActNone)
			if !slices.Equal(got.Shape, want.Shape) {
				t.Fatalf("%+v: shape %v, want %v", tc, got.Shape, want.Shape)
			}
			if d := maxDiff(got.Data, want.Data); d > 1e-5 {
				t.Errorf("%+v %v: max diff %g", tc, pad, d)
			}
		}
	}
}

func TestDepthwiseHandComputed(t *testing.T) {
	// two channels: channel 0 = 1..9 (3x3), channel 1 = 10 * that
	data := make([]float32, 18)
	for i := range 9 {
		data[2*i] = float32(i + 1)
		data[2*i+1] = float32(10 * (i + 1))
	}
	x := mustTensor(t, data, 1, 3, 3, 2)
	fw := make([]float32, 18)
	for i := range 9 {
		fw[2*i] = 1 // channel 0: box sum
		fw[2*i+1] = 0
	}
	fw[2*4+1] = 2 // channel 1: centre tap doubled
	w := mustWeights(t, fw, 3, 3, 2, 1)
	var got Tensor
	DepthwiseConv2D(&got, x, w, []float32{0, 1}, 1, Same, ActNone)
	want := []float32{12, 21, 21, 41, 16, 61, 27, 81, 45, 101, 33, 121, 24, 141, 39, 161, 28, 181}
	if !slices.Equal(got.Data, want) {
		t.Errorf("got %v, want %v", got.Data, want)
	}
}

func TestSeparableConv2D(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x := randTensor(r, 1, 6, 6, 4)
	dw, _ := NewWeights4D(randTensor(r, 3, 3, 4, 1))
	pw, _ := NewWeights4D(randTensor(r, 1, 1, 4, 8))
	bias := randTensor(r, 8).Data
	var got, tmp Tensor
	SeparableConv2D(&got, &tmp, x, dw, pw, bias, 2, Same, ActNone)
	want := naiveConv(naiveConv(x, dw, nil, 2, Same, true), pw, bias, 1, Valid, false)
	if d := maxDiff(got.Data, want.Data); d > 1e-5 || !slices.Equal(got.Shape, []int{1, 3, 3, 8}) {
		t.Errorf("shape %v, max diff %g", got.Shape, d)
	}
}

func TestPools(t *testing.T) {
	x := mustTensor(t, seq(16), 1, 4, 4, 1)
	y := mustTensor(t, seq(9), 1, 3, 3, 1)
	tests := []struct {
		name         string
		x            *Tensor
		size, stride int
		pad          Padding
		avg          bool
		want         []float32
	}{
		{"max 2 s2 valid", x, 2, 2, Valid, false, []float32{6, 8, 14, 16}},
		{"avg 2 s2 valid", x, 2, 2, Valid, true, []float32{3.5, 5.5, 11.5, 13.5}},
		// 3x3 input, 2x2 s2 SAME: out 2x2, padding at the bottom/right only,
		// averages count only the real pixels
		{"avg 2 s2 same", y, 2, 2, Same, true, []float32{3, 4.5, 7.5, 9}},
		{"max 2 s2 same", y, 2, 2, Same, false, []float32{5, 6, 8, 9}},
		{"max 3 s2 valid", x, 3, 2, Valid, false, []float32{11}},
		// odd input, VALID drops the last row and column
		{"avg 2 s2 valid odd", y, 2, 2, Valid, true, []float32{3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got Tensor
			if tc.avg {
				AvgPool(&got, tc.x, tc.size, tc.stride, tc.pad)
			} else {
				MaxPool(&got, tc.x, tc.size, tc.stride, tc.pad)
			}
			if !slices.Equal(got.Data, tc.want) {
				t.Errorf("got %v, want %v", got.Data, tc.want)
			}
		})
	}
}

func TestPadConcat(t *testing.T) {
	x := mustTensor(t, []float32{1, 2, 3, 4}, 1, 1, 2, 2)
	var got Tensor
	Pad(&got, x, [][2]int{{0, 0}, {0, 1}, {1, 0}, {0, 1}}, 0)
	want := []float32{0, 0, 0, 1, 2, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if !slices.Equal(got.Shape, []int{1, 2, 3, 3}) || !slices.Equal(got.Data, want) {
		t.Errorf("pad: got %v %v", got.Shape, got.Data)
	}
	z := mustTensor(t, []float32{9, 9}, 1, 1, 2, 1)
	Concat(&got, 3, x, z)
	if want := []float32{1, 2, 9, 3, 4, 9}; !slices.Equal(got.Data, want) || !slices.Equal(got.Shape, []int{1, 1, 2, 3}) {
		t.Errorf("concat channels: got %v %v", got.Shape, got.Data)
	}
	Concat(&got, 1, x, x)
	if want := []float32{1, 2, 3, 4, 1, 2, 3, 4}; !slices.Equal(got.Data, want) || !slices.Equal(got.Shape, []int{1, 2, 2, 2}) {
		t.Errorf("concat rows: got %v %v", got.Shape, got.Data)
	}
	Concat(&got, 2, x, x)
	if want := []float32{1, 2, 3, 4, 1, 2, 3, 4}; !slices.Equal(got.Data, want) || !slices.Equal(got.Shape, []int{1, 1, 4, 2}) {
		t.Errorf("concat cols: got %v %v", got.Shape, got.Data)
	}
}

func TestBroadcast(t *testing.T) {
	x := mustTensor(t, []float32{1, 2, 3, 4, 5, 6}, 1, 2, 3)
	tests := []struct {
		name string
		f    func(dst, a, b *Tensor)
		a, b *Tensor
		want []float32
	}{
		{"add channel", Add, x, mustTensor(t, []float32{10, 20, 30}, 3), []float32{11, 22, 33, 14, 25, 36}},
		{"sub scalar", Sub, x, mustTensor(t, []float32{1}), []float32{0, 1, 2, 3, 4, 5}},
		{"scalar sub", Sub, mustTensor(t, []float32{1}), x, []float32{0, -1, -2, -3, -4, -5}},
		{"mul rows", Mul, x, mustTensor(t, []float32{2, 3}, 2, 1), []float32{2, 4, 6, 12, 15, 18}},
		{"max same", Max, x, mustTensor(t, []float32{6, 5, 4, 3, 2, 1}, 1, 2, 3), []float32{6, 5, 4, 4, 5, 6}},
		{"min scalar", Min, x, mustTensor(t, []float32{3}), []float32{1, 2, 3, 3, 3, 3}},
	}
	for _, tc := range tests {
		var got Tensor
		tc.f(&got, tc.a, tc.b)
		if !slices.Equal(got.Data, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got.Data, tc.want)
		}
	}
}

func TestUnaryAndReductions(t *testing.T) {
	x := mustTensor(t, []float32{-1, 4, 9, -16}, 1, 2, 2, 1)
	var got Tensor
	Relu(&got, x)
	if want := []float32{0, 4, 9, 0}; !slices.Equal(got.Data, want) {
		t.Errorf("relu %v", got.Data)
	}
	PRelu(&got, x, []float32{0.5})
	if want := []float32{-0.5, 4, 9, -8}; !slices.Equal(got.Data, want) {
		t.Errorf("prelu %v", got.Data)
	}
	Abs(&got, x)
	Rsqrt(&got, &got)
	if want := []float32{1, 0.5, 1.0 / 3, 0.25}; maxDiff(got.Data, want) > 1e-7 {
		t.Errorf("rsqrt %v", got.Data)
	}
	MeanHW(&got, x)
	if !slices.Equal(got.Shape, []int{1, 1}) || got.Data[0] != -1 {
		t.Errorf("mean %v %v", got.Shape, got.Data)
	}
	Sum(&got, x, []int{2}, true)
	if !slices.Equal(got.Shape, []int{1, 2, 1, 1}) || !slices.Equal(got.Data, []float32{3, -7}) {
		t.Errorf("sum %v %v", got.Shape, got.Data)
	}
	Sigmoid(&got, mustTensor(t, []float32{0, 1000, -1000}, 3))
	if want := []float32{0.5, 1, 0}; !slices.Equal(got.Data, want) {
		t.Errorf("sigmoid %v", got.Data)
	}
	Softmax(&got, mustTensor(t, []float32{1, 1, 1000, 0}, 2, 2))
	if want := []float32{0.5, 0.5, 1, 0}; !slices.Equal(got.Data, want) {
		t.Errorf("softmax %v", got.Data)
	}
}

func TestMatMul(t *testing.T) {
	a := mustTensor(t, []float32{1, 2, 3, 4, 5, 6}, 2, 3)
	b := mustTensor(t, []float32{1, 0, 0, 1, 1, -1}, 3, 2)
	var got Tensor
	MatMul(&got, a, b, []float32{0, 10}, ActNone)
	if want := []float32{4, 9, 10, 9}; !slices.Equal(got.Data, want) || !slices.Equal(got.Shape, []int{2, 2}) {
		t.Errorf("got %v %v", got.Shape, got.Data)
	}
	r := rand.New(rand.NewPCG(7, 8))
	for _, m := range []int{1, 3, 17} {
		a, b := randTensor(r, m, 300), randTensor(r, 300, 70)
		MatMul(&got, a, b, nil, ActRelu)
		for i := range m {
			for j := range 70 {
				var s float32
				for k := range 300 {
					s += a.Data[i*300+k] * b.Data[k*70+j]
				}
				if d := math.Abs(float64(max(s, 0) - got.Data[i*70+j])); d > 1e-3 {
					t.Fatalf("m=%d [%d,%d]: diff %g", m, i, j, d)
				}
			}
		}
	}
}

func TestReshapeSqueeze(t *testing.T) {
	x := NewTensor(1, 4, 1, 6)
	var v Tensor
	Reshape(&v, x, -1, 6)
	if !slices.Equal(v.Shape, []int{4, 6}) || &v.Data[0] != &x.Data[0] {
		t.Errorf("reshape %v", v.Shape)
	}
	Squeeze(&v, x)
	if !slices.Equal(v.Shape, []int{4, 6}) {
		t.Errorf("squeeze %v", v.Shape)
	}
	Squeeze(&v, x, 2)
	if !slices.Equal(v.Shape, []int{1, 4, 6}) {
		t.Errorf("squeeze axis %v", v.Shape)
	}
}

func TestResizeBilinear(t *testing.T) {
	// 2x2 -> 4x4 with halfPixelCenters=false: sample rows 0, .5, 1, 1.5
	// (clamped to row 1)
	x := mustTensor(t, []float32{0, 10, 20, 30}, 1, 2, 2, 1)
	var got Tensor
	ResizeBilinear(&got, x, 4, 4)
	want := []float32{0, 5, 10, 10, 10, 15, 20, 20, 20, 25, 30, 30, 20, 25, 30, 30}
	if !slices.Equal(got.Data, want) {
		t.Errorf("got %v, want %v", got.Data, want)
	}
}

func TestCropAndResize(t *testing.T) {
	x := mustTensor(t, []float32{0, 10, 20, 30}, 1, 2, 2, 1)
	var got Tensor
	// the whole image at 3x3: align-corners sampling at 0, .5, 1
	CropAndResize(&got, x, 0, [4]float32{0, 0, 1, 1}, 3, 3, 0)
	want := []float32{0, 5, 10, 10, 15, 20, 20, 25, 30}
	if !slices.Equal(got.Data, want) {
		t.Errorf("got %v, want %v", got.Data, want)
	}
	// a box reaching left of the image: the outside column is extrapolated
	CropAndResize(&got, x, 0, [4]float32{0, -1, 1, 1}, 2, 3, -7)
	want = []float32{-7, 0, 10, -7, 20, 30}
	if !slices.Equal(got.Data, want) {
		t.Errorf("outside: got %v, want %v", got.Data, want)
	}
}

func TestRGB8MatchesFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 12))
	const w, h = 37, 23
	pix := make([]uint8, 3*w*h)
	for i := range pix {
		pix[i] = uint8(r.IntN(256))
	}
	x := NewTensor(1, h, w, 3)
	for i, v := range pix {
		x.Data[i] = float32(v)
	}
	var a, b Tensor
	for _, size := range [][2]int{{256, 256}, {16, 9}, {23, 37}} {
		ResizeBilinear(&a, x, size[0], size[1])
		ResizeBilinearRGB8(&b, pix, w, h, size[0], size[1])
		if !slices.Equal(a.Data, b.Data) || !slices.Equal(a.Shape, b.Shape) {
			t.Errorf("resize %v: RGB8 differs", size)
		}
	}
	box := [4]float32{-0.1, 0.2, 0.9, 1.3}
	CropAndResize(&a, x, 0, box, 64, 64, 0)
	CropAndResizeRGB8(&b, pix, w, h, box, 64, 64, 0)
	if !slices.Equal(a.Data, b.Data) {
		t.Error("crop: RGB8 differs")
	}
}
