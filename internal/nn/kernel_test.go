package nn

import (
	"math/rand/v2"
	"testing"
	"unsafe"
)

// TestAsmMatchesGo runs the convolutions with the assembly kernels and
// with the pure-Go fallback and compares them (skipped without AVX2/FMA).
func TestAsmMatchesGo(t *testing.T) {
	if !useAsm {
		t.Skip("no AVX2/FMA: only the Go kernels run here")
	}
	r := rand.New(rand.NewPCG(9, 9))
	run := func(asm bool, f func()) {
		saved := useAsm
		useAsm = asm
		defer func() { useAsm = saved }()
		f()
	}
	// the AVX-512 12-row tiles, when present, against the AVX2-only path
	if useAVX512 {
		for _, rows := range []int{12, 17, 24, 40} {
			x := randTensor(r, 1, rows, 1, 40)
			w, _ := NewWeights4D(randTensor(r, 1, 1, 40, 37))
			bias := randTensor(r, 37).Data
			res := randTensor(r, 1, rows, 1, 37)
			var z, y Tensor
			Conv2DAdd(&z, x, w, bias, res, 1, Valid, ActRelu6)
			useAVX512 = false
			Conv2DAdd(&y, x, w, bias, res, 1, Valid, ActRelu6)
			useAVX512 = true
			if d := maxDiff(z.Data, y.Data); d != 0 {
				t.Errorf("%d rows: AVX-512 and AVX2 differ by %g", rows, d)
			}
		}
	}
	for _, tc := range []struct{ h, c, k, oc, stride int }{
		{13, 3, 3, 5, 1}, {20, 24, 1, 28, 1}, {9, 32, 3, 64, 2}, {7, 16, 3, 16, 1}, {5, 8, 1, 3, 1},
	} {
		for _, act := range []Activation{ActNone, ActRelu, ActRelu6} {
			x := randTensor(r, 1, tc.h, tc.h, tc.c)
			w, _ := NewWeights4D(randTensor(r, tc.k, tc.k, tc.c, tc.oc))
			bias := randTensor(r, tc.oc).Data
			var fast, slow Tensor
			run(true, func() { Conv2D(&fast, x, w, bias, tc.stride, Same, act) })
			run(false, func() { Conv2D(&slow, x, w, bias, tc.stride, Same, act) })
			if d := maxDiff(fast.Data, slow.Data); d > 1e-4 {
				t.Errorf("conv %+v act %d: asm and Go differ by %g", tc, act, d)
			}
			dw, _ := NewWeights4D(randTensor(r, 3, 3, tc.c, 1))
			run(true, func() { DepthwiseConv2D(&fast, x, dw, nil, tc.stride, Same, act) })
			run(false, func() { DepthwiseConv2D(&slow, x, dw, nil, tc.stride, Same, act) })
			if d := maxDiff(fast.Data, slow.Data); d > 1e-5 {
				t.Errorf("depthwise %+v: asm and Go differ by %g", tc, d)
			}
		}
	}
}

// TestNoAllocationsPerRun checks that running a planned graph a second
// time allocates nothing.
func TestNoAllocationsPerRun(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	x := randTensor(rand.New(rand.NewPCG(1, 1)), 1, 16, 16, 8)
	w, _ := NewWeights4D(randTensor(rand.New(rand.NewPCG(2, 2)), 3, 3, 8, 24))
	dw, _ := NewWeights4D(randTensor(rand.New(rand.NewPCG(3, 3)), 3, 3, 24, 1))
	var a, b, c Tensor
	f := func() {
		Conv2D(&a, x, w, nil, 1, Same, ActRelu)
		DepthwiseConv2D(&b, &a, dw, nil, 2, Same, ActNone)
		MaxPool(&c, &b, 2, 2, Valid)
		Add(&c, &c, &c)
	}
	f()
	if n := testing.AllocsPerRun(20, f); n != 0 {
		t.Errorf("%v allocations per run", n)
	}
}

func TestMaxPoolVectorMatchesScalar(t *testing.T) {
	if !useAsm {
		t.Skip("no AVX2")
	}
	r := rand.New(rand.NewPCG(4, 4))
	for _, h := range []int{5, 6, 7, 126} {
		for _, size := range []int{2, 3} {
			for _, pad := range []Padding{Same, Valid} {
				x := randTensor(r, 1, h, h+1, 16)
				var fast, slow Tensor
				MaxPool(&fast, x, size, 2, pad)
				pool2D(&slow, x, size, 2, pad, false)
				if d := maxDiff(fast.Data, slow.Data); d != 0 || len(fast.Shape) != 4 || fast.Shape[1] != slow.Shape[1] {
					t.Errorf("h=%d size=%d %v: diff %g", h, size, pad, d)
				}
			}
		}
	}
}

func TestConv2DAddMatchesSeparateOps(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	for _, asm := range []bool{true, false} {
		if asm && !useAsm {
			continue
		}
		saved := useAsm
		useAsm = asm
		for _, tc := range []struct{ h, c, k, oc int }{{9, 8, 1, 5}, {16, 24, 1, 24}, {7, 16, 3, 28}, {13, 3, 3, 48}} {
			x := randTensor(r, 1, tc.h, tc.h, tc.c)
			w, _ := NewWeights4D(randTensor(r, tc.k, tc.k, tc.c, tc.oc))
			bias := randTensor(r, tc.oc).Data
			res := randTensor(r, 1, tc.h, tc.h, tc.oc)
			var fused, conv, want Tensor
			Conv2DAdd(&fused, x, w, bias, res, 1, Same, ActRelu)
			Conv2D(&conv, x, w, bias, 1, Same, ActNone)
			Add(&want, &conv, res)
			Relu(&want, &want)
			if d := maxDiff(fused.Data, want.Data); d != 0 {
				t.Errorf("asm=%v %+v: fused differs by %g", asm, tc, d)
			}
		}
		useAsm = saved
	}
}

// TestShortRowsMatchGo covers products with fewer than six rows (1×1 and
// 2×2 maps), which the assembly path runs row by row.
func TestShortRowsMatchGo(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for _, rows := range []int{1, 2, 5} {
		for _, withRes := range []bool{false, true} {
			x := randTensor(r, 1, rows, 1, 300)
			w, _ := NewWeights4D(randTensor(r, 1, 1, 300, 21))
			bias := randTensor(r, 21).Data
			var res *Tensor
			if withRes {
				res = randTensor(r, 1, rows, 1, 21)
			}
			var fast, slow Tensor
			Conv2DAdd(&fast, x, w, bias, res, 1, Valid, ActRelu)
			saved := useAsm
			useAsm = false
			Conv2DAdd(&slow, x, w, bias, res, 1, Valid, ActRelu)
			useAsm = saved
			if d := maxDiff(fast.Data, slow.Data); d > 1e-4 {
				t.Errorf("%d rows, residual %v: differ by %g", rows, withRes, d)
			}
		}
	}
}

// TestImplicitMatchesIm2col checks the implicit-GEMM path (both tile
// heights) against im2col + GEMM: same sum order, so equal to the bit.
func TestImplicitMatchesIm2col(t *testing.T) {
	if !useAsm {
		t.Skip("no AVX2")
	}
	r := rand.New(rand.NewPCG(10, 10))
	for _, avx512 := range []bool{false, true} {
		if avx512 && !haveAVX512() {
			continue
		}
		saved512 := useAVX512
		useAVX512 = avx512
		for _, tc := range []struct{ h, w, c, k, oc, stride int }{
			{8, 18, 8, 3, 16, 1}, {9, 19, 3, 3, 5, 1}, {14, 23, 16, 3, 40, 1}, {35, 35, 32, 3, 32, 1}, {10, 21, 4, 5, 24, 1},
			{5, 16, 8, 3, 8, 1}, {40, 40, 3, 5, 24, 2}, {37, 41, 3, 7, 32, 2}, {35, 36, 32, 3, 64, 2},
		} {
			for _, pad := range []Padding{Same, Valid} {
				for _, withRes := range []bool{false, true} {
					x := randTensor(r, 2, tc.h, tc.w, tc.c)
					w, _ := NewWeights4D(randTensor(r, tc.k, tc.k, tc.c, tc.oc))
					bias := randTensor(r, tc.oc).Data
					var ref Tensor
					implicitEnabled = false
					Conv2D(&ref, x, w, bias, tc.stride, pad, ActNone)
					var res *Tensor
					if withRes {
						res = randTensor(r, ref.Shape...)
						Conv2DAdd(&ref, x, w, bias, res, tc.stride, pad, ActRelu)
					} else {
						Conv2D(&ref, x, w, bias, tc.stride, pad, ActRelu)
					}
					implicitEnabled = true
					var got Tensor
					Conv2DAdd(&got, x, w, bias, res, tc.stride, pad, ActRelu)
					if d := maxDiff(got.Data, ref.Data); d != 0 {
						t.Errorf("avx512=%v %+v %v res=%v: differ by %g", avx512, tc, pad, withRes, d)
					}
				}
			}
		}
		useAVX512 = saved512
	}
}

// TestEpilogueLayout pins the offsets the assembly reads the epilogue at.
func TestEpilogueLayout(t *testing.T) {
	var e epilogue
	for _, f := range []struct {
		name      string
		got, want uintptr
	}{
		{"bias", unsafe.Offsetof(e.bias), 0}, {"mask", unsafe.Offsetof(e.mask), 64},
		{"lo", unsafe.Offsetof(e.lo), 128}, {"hi", unsafe.Offsetof(e.hi), 160},
		{"res", unsafe.Offsetof(e.res), 192}, {"kmask", unsafe.Offsetof(e.kmask), 200},
		{"scale", unsafe.Offsetof(e.scale), 208}, {"shift", unsafe.Offsetof(e.shift), 272},
		{"hasScale", unsafe.Offsetof(e.hasScale), 336},
	} {
		if f.got != f.want {
			t.Errorf("epilogue.%s at %d, the assembly reads %d", f.name, f.got, f.want)
		}
	}
}

// TestConv2DFusedMatchesOps checks bias, scale/shift, residual and ReLU in
// the store against the same ops run one by one (equal to the bit), on
// every kernel path.
func TestConv2DFusedMatchesOps(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 13))
	for _, mode := range []string{"avx512", "avx2", "go"} {
		if (mode == "avx512" && !haveAVX512()) || (mode != "go" && !haveAVX2FMA()) {
			continue
		}
		saved, saved512 := useAsm, useAVX512
		useAsm, useAVX512 = mode != "go", mode == "avx512"
		for _, tc := range []struct{ h, w, c, k, oc, stride int }{
			{20, 20, 8, 3, 32, 1}, {9, 9, 16, 3, 24, 2}, {1, 1, 40, 1, 20, 1}, {18, 18, 3, 3, 5, 1}, {7, 30, 4, 1, 12, 1},
		} {
			x := randTensor(r, 1, tc.h, tc.w, tc.c)
			w, _ := NewWeights4D(randTensor(r, tc.k, tc.k, tc.c, tc.oc))
			bias, scale, shift := randTensor(r, tc.oc).Data, randTensor(r, tc.oc).Data, randTensor(r, tc.oc).Data
			var want Tensor
			Conv2D(&want, x, w, bias, tc.stride, Same, ActNone)
			sc, _ := FromData(scale, tc.oc)
			sh, _ := FromData(shift, tc.oc)
			Mul(&want, &want, sc)
			Add(&want, &want, sh)
			res := randTensor(r, want.Shape...)
			Add(&want, &want, res)
			Relu(&want, &want)
			var got Tensor
			Conv2DFused(&got, x, w, tc.stride, Same, ConvEpilogue{Bias: bias, Scale: scale, Shift: shift, Residual: res, Act: ActRelu})
			if d := maxDiff(got.Data, want.Data); d != 0 {
				t.Errorf("%s %+v: fused differs by %g", mode, tc, d)
			}
		}
		useAsm, useAVX512 = saved, saved512
	}
}
