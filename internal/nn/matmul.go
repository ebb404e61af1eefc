package nn

import "fmt"

// MatMul computes dst = act(a·b + bias) for a [m,k] (leading axes are
// flattened into m) and b [k,n]; dst is [m,n]. bias may be nil. dst must not
// alias a or b.
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
	if m < 4 {
		// a vector times a matrix: split the columns
		parallelFor(n, 32, matVecCols, args)
		return
	}
	parallelFor(m, 4, matMulRows, args)
}

func matMulRows(t *task, lo, hi int, _ *[]float32) {
	a := &t.args
	sgemm(a.c[lo*a.n:hi*a.n], a.a[lo*a.k:hi*a.k], a.b, hi-lo, a.n, a.k, a.bias, a.act)
}

func matVecCols(t *task, lo, hi int, _ *[]float32) {
	a := &t.args
	for i := range a.m {
		out := a.c[i*a.n+lo : i*a.n+hi]
		clear(out)
		for p, av := range a.a[i*a.k : (i+1)*a.k] {
			row := a.b[p*a.n+lo : p*a.n+hi]
			for j := range out {
				out[j] += av * row[j]
			}
		}
		var bias []float32
		if a.bias != nil {
			bias = a.bias[lo:hi]
		}
		finish(out, bias, a.act)
	}
}
