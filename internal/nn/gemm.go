package nn

import (
	"math"
	"unsafe"
)

// Matrix products: c = a·b for row-major a [m,k] and b [k,n]. The fast
// path packs b (a filter, constant) once into panels of 16 columns
// (panel-major, k rows of 16 floats, zero-padded) and runs a 6×16
// register-blocked micro-kernel: AVX2/FMA assembly on amd64 when the CPU
// has it, else the pure-Go kernel6x16.

const (
	tileRows = 6
	tileCols = 16
)

// packPanels lays b [k,n] out as ceil(n/16) panels of k×16.
func packPanels(b []float32, k, n int) []float32 {
	panels := (n + tileCols - 1) / tileCols
	out := make([]float32, panels*k*tileCols)
	for p := range panels {
		for kk := range k {
			row := out[(p*k+kk)*tileCols : (p*k+kk+1)*tileCols]
			for j := range tileCols {
				if col := p*tileCols + j; col < n {
					row[j] = b[kk*n+col]
				}
			}
		}
	}
	return out
}

// epilogue is what the micro-kernel applies to a 6×16 tile before storing
// it: bias per column, a clamp to [lo, hi] (the activation) and a store mask
// for the columns of a partial panel. The assembly reads it by offset:
// bias 0, mask 64, lo 128, hi 160, res 192, kmask 200, scale 208, shift
// 272, hasScale 336 (TestEpilogueLayout). The order of the steps: + bias,
// then × scale and + shift (each rounded) when hasScale, then + the
// residual when res is not nil (a tensor laid out like c), then the clamp.
// kmask is mask as the AVX-512 kernel's opmask.
type epilogue struct {
	bias     [tileCols]float32
	mask     [tileCols]int32
	lo       [8]float32
	hi       [8]float32
	res      unsafe.Pointer
	kmask    uint16
	_        [6]byte
	scale    [tileCols]float32 // 208: v = v*scale + shift when hasScale
	shift    [tileCols]float32 // 272
	hasScale int32             // 336
}

func (e *epilogue) set(f *fusion, j0, cols int) {
	e.kmask = uint16(1<<cols - 1)
	e.hasScale = 0
	if f.scale != nil {
		e.hasScale = 1
	}
	for j := range tileCols {
		e.bias[j], e.mask[j], e.scale[j], e.shift[j] = 0, 0, 1, 0
		if j >= cols {
			continue
		}
		e.mask[j] = -1
		if f.bias != nil {
			e.bias[j] = f.bias[j0+j]
		}
		if f.scale != nil {
			e.scale[j], e.shift[j] = f.scale[j0+j], f.shift[j0+j]
		}
	}
	act := f.act
	lo, hi := float32(math.Inf(-1)), float32(math.Inf(1))
	switch act {
	case ActRelu:
		lo = 0
	case ActRelu6:
		lo, hi = 0, 6
	}
	for i := range e.lo {
		e.lo[i], e.hi[i] = lo, hi
	}
}

// fusion is what a convolution applies to its sums before storing them
// (see ConvEpilogue); res is the residual laid out like c, or nil.
type fusion struct {
	bias, scale, shift, res []float32
	act                     Activation
}

// gemmPacked computes the columns of panels [p0, p1) of c [m,n] =
// a [m,k] · b followed by f, with b packed by packPanels.
func gemmPacked(c, a []float32, m, n, k int, packed []float32, f *fusion, p0, p1 int) {
	res := f.res
	if m == 0 || n == 0 {
		return
	}
	var ep epilogue
	for p := p0; p < p1; p++ {
		bp := packed[p*k*tileCols : (p+1)*k*tileCols]
		cols := min(tileCols, n-p*tileCols)
		ep.set(f, p*tileCols, cols)
		i0 := 0
		if useAVX512 && useAsm && k > 0 {
			// 12-row AVX-512 tiles first, the rest in 6-row tiles below
			for ; i0+2*tileRows <= m; i0 += 2 * tileRows {
				ep.res = nil
				if res != nil {
					ep.res = unsafe.Pointer(&res[i0*n+p*tileCols])
				}
				sgemmKernel12x16(k, &a[i0*k], k, &bp[0], &c[i0*n+p*tileCols], n, &ep)
			}
		}
		for ; i0 < m; i0 += tileRows {
			rows := tileRows
			if i0+tileRows > m {
				if m >= tileRows {
					// overlap the previous tile rather than run a short one:
					// the recomputed rows get the same values
					i0 = m - tileRows
				} else {
					rows = m - i0
				}
			}
			ep.res = nil
			if res != nil {
				ep.res = unsafe.Pointer(&res[i0*n+p*tileCols])
			}
			if rows < tileRows && useAsm && k > 0 {
				// fewer than 6 rows in all (deep layers on 1×1 or 2×2 maps):
				// run each row as a full tile with lda = 0 (all six tile rows
				// read the same row) into a scratch tile
				gemmShortRows(c, a, res, i0, rows, n, k, p, cols, bp, &ep)
				continue
			}
			if rows < tileRows || !useAsm || k == 0 {
				var r []float32
				if res != nil {
					r = res[i0*n+p*tileCols:]
				}
				kernelGo(rows, cols, k, a[i0*k:], k, bp, c[i0*n+p*tileCols:], n, &ep, r)
				continue
			}
			if cols <= 8 {
				sgemmKernel6x8(k, &a[i0*k], k, &bp[0], &c[i0*n+p*tileCols], n, &ep)
				continue
			}
			sgemmKernel6x16(k, &a[i0*k], k, &bp[0], &c[i0*n+p*tileCols], n, &ep)
		}
	}
}

// zeroOffset is the single tap of a plain GEMM tile.
var zeroOffset = [1]int{0}

// sgemmKernel6x16 computes the 6×16 tile c = epilogue(a·b) for row-major a
// (rows lda floats apart) and a packed panel b (k rows of 16).
func sgemmKernel6x16(k int, a *float32, lda int, b, c *float32, ldc int, ep *epilogue) {
	sgemmTaps6x16(1, k, a, &zeroOffset[0], lda, b, c, ldc, ep)
}

// sgemmKernel12x16 is the AVX-512 12×16 tile.
func sgemmKernel12x16(k int, a *float32, lda int, b, c *float32, ldc int, ep *epilogue) {
	sgemmTaps12x16(1, k, a, &zeroOffset[0], lda, b, c, ldc, ep)
}

// gemmShortRows computes rows [i0, i0+rows) of panel p one at a time with
// the assembly kernel; the residual is added here, not by the kernel, which
// would read six rows of it.
func gemmShortRows(c, a, res []float32, i0, rows, n, k, p, cols int, bp []float32, ep *epilogue) {
	var tile [tileRows * tileCols]float32
	saved := ep.res
	ep.res = nil
	lo, hi := ep.lo[0], ep.hi[0]
	resAct := res != nil
	if resAct {
		// the clamp must follow the residual add: clamp here instead
		ep.lo[0], ep.hi[0] = float32(math.Inf(-1)), float32(math.Inf(1))
		for i := 1; i < len(ep.lo); i++ {
			ep.lo[i], ep.hi[i] = ep.lo[0], ep.hi[0]
		}
	}
	for r := range rows {
		row := i0 + r
		sgemmKernel6x16(k, &a[row*k], 0, &bp[0], &tile[0], tileCols, ep)
		out := c[row*n+p*tileCols : row*n+p*tileCols+cols]
		copy(out, tile[:cols])
		if resAct {
			rr := res[row*n+p*tileCols : row*n+p*tileCols+cols]
			for j := range out {
				out[j] = min(max(out[j]+rr[j], lo), hi)
			}
		}
	}
	if resAct {
		for i := range ep.lo {
			ep.lo[i], ep.hi[i] = lo, hi
		}
	}
	ep.res = saved
}

// kernelGo is the portable micro-kernel: for r < rows ≤ 6, j < cols ≤ 16,
// c[r*ldc+j] = clamp(Σp a[r*lda+p]·b[p*16+j] + bias[j] + res[r*ldc+j]).
func kernelGo(rows, cols, k int, a []float32, lda int, b []float32, c []float32, ldc int, ep *epilogue, res []float32) {
	for r := range rows {
		var acc [tileCols]float32
		arow := a[r*lda : r*lda+k]
		for p, av := range arow {
			brow := (*[tileCols]float32)(b[p*tileCols : p*tileCols+tileCols])
			for j := range acc {
				acc[j] += av * brow[j]
			}
		}
		out := c[r*ldc : r*ldc+cols]
		for j := range out {
			v := acc[j] + ep.bias[j]
			if ep.hasScale != 0 {
				v = float32(v*ep.scale[j]) + ep.shift[j] // two roundings, as tfjs
			}
			if res != nil {
				v += res[r*ldc+j]
			}
			out[j] = min(max(v, ep.lo[0]), ep.hi[0])
		}
	}
}
