package nn

import (
	"fmt"
	"unsafe"
)

// MatMul computes dst = act(a·b + bias) for a [m,k] (leading axes are
// flattened into m) and b [k,n]; dst is [m,n]. bias may be nil. dst must not
// alias a or b. The sums follow tfjs-cpu exactly (blocks of 48 products
// summed in float64, each block added to a float32 accumulator), so the
// result is bit-identical to TF.js; the dense layers of these models are
// small enough for that to cost nothing noticeable.
func MatMul(dst, a, b *Tensor, bias []float32, act Activation) {
	if len(b.Shape) != 2 || len(a.Shape) < 1 {
		panic(fmt.Sprintf("nn: MatMul %v · %v", a.Shape, b.Shape))
	}
	k, n := b.Shape[0], b.Shape[1]
	if a.Shape[len(a.Shape)-1] != k {
		panic(fmt.Sprintf("nn: MatMul %v · %v", a.Shape, b.Shape))
	}
	if bias != nil && len(bias) != n {
		panic(fmt.Sprintf("nn: MatMul bias %d for %d columns", len(bias), n))
	}
	m := len(a.Data) / k
	dst.Resize(m, n)
	args := kernelArgs{a: a.Data, b: b.Data, c: dst.Data, bias: bias, act: act, m: m, n: n, k: k}
	// split the columns: every model here multiplies a single row
	parallelFor(n, max(32, minUnits(n, m*k*n)), matMulCols, args)
}

// matMulBlock is tfjs-cpu's batchMatMul block size along k.
const matMulBlock = 48

// matMulCols computes columns [lo, hi) of every row.
func matMulCols(t *task, lo, hi int, scratch *[]float32) {
	a := &t.args
	width := hi - lo
	sums := grow(scratch, 2*width)
	block := unsafeFloat64s(sums) // width float64 partial sums
	for i := range a.m {
		out := a.c[i*a.n+lo : i*a.n+hi]
		clear(out)
		arow := a.a[i*a.k : (i+1)*a.k]
		for k0 := 0; k0 < a.k; k0 += matMulBlock {
			clear(block)
			k1 := min(k0+matMulBlock, a.k)
			vec := 0
			if useAsm {
				vec = width &^ 3
				dotBlock64(&block[0], &arow[k0], &a.b[k0*a.n+lo], vec, k1-k0, a.n)
			}
			for p := k0; p < k1; p++ {
				av := float64(arow[p])
				row := a.b[p*a.n+lo : p*a.n+hi]
				for j := vec; j < width; j++ {
					block[j] += float64(av * float64(row[j]))
				}
			}
			for j := range out {
				out[j] = float32(float64(out[j]) + block[j])
			}
		}
		var bias []float32
		if a.bias != nil {
			bias = a.bias[lo:hi]
		}
		finish(out, bias, a.act)
	}
}

// unsafeFloat64s views a float32 scratch slice of even length as float64s.
func unsafeFloat64s(f []float32) []float64 {
	if len(f) < 2 {
		return nil
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(&f[0])), len(f)/2)
}
