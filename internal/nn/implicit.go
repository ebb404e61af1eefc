package nn

import "unsafe"

// Implicit GEMM for stride-1 convolutions: instead of copying every
// receptive field into an im2col buffer (kh·kw copies of the input), the
// kernel reads the tile's rows straight from the input, tap by tap. The
// input is zero-padded once into a scratch buffer so that every output
// pixel is an interior one. Tiles run along one output row (consecutive
// pixels are c floats apart), so rows narrower than a tile take the im2col
// path instead.

const maxTaps = 49 // up to 7×7

// implicitEnabled lets tests compare the implicit path with im2col.
var implicitEnabled = true

// implicitTile is the tile height the implicit path uses, 0 when the
// assembly kernels are missing.
func implicitTile() int {
	switch {
	case useAsm && useAVX512:
		return 2 * tileRows
	case useAsm:
		return tileRows
	}
	return 0
}

// useImplicit reports whether conv geometry g takes the implicit path.
func useImplicit(g convGeom) bool {
	t := implicitTile()
	return implicitEnabled && t > 0 && g.stride == 1 && g.kh*g.kw > 1 && g.kh*g.kw <= maxTaps && g.ow >= t
}

// padForImplicit returns x zero-padded to (oh+kh-1)×(ow+kw-1), or x's data
// itself when no padding is needed; buf is the scratch to pad into.
func padForImplicit(buf *[]float32, x *Tensor, g convGeom) (data []float32, hp, wp int) {
	hp, wp = g.oh+g.kh-1, g.ow+g.kw-1
	if g.padT == 0 && g.padL == 0 && hp == g.h && wp == g.w {
		return x.Data, hp, wp
	}
	data = grow(buf, g.n*hp*wp*g.c)
	clear(data)
	c := g.c
	for b := 0; b < g.n; b++ {
		for y := 0; y < g.h; y++ {
			py := y + g.padT
			if py < 0 || py >= hp {
				continue
			}
			x0, x1 := max(0, -g.padL), min(g.w, wp-g.padL)
			if x1 <= x0 {
				continue
			}
			copy(data[((b*hp+py)*wp+x0+g.padL)*c:((b*hp+py)*wp+x1+g.padL)*c],
				x.Data[((b*g.h+y)*g.w+x0)*c:((b*g.h+y)*g.w+x1)*c])
		}
	}
	return data, hp, wp
}

// conv2DImplicit runs output rows [lo, hi) (flat over batch and oy).
// t.args: a = padded input (hp = m, wp = k), y = dst, c = residual or nil.
func conv2DImplicit(t *task, lo, hi int, _ *[]float32) {
	a := &t.args
	g, w := a.g, a.w
	hp, wp := a.m, a.k
	c := g.c
	ntaps := g.kh * g.kw
	var offs [maxTaps]int
	for ky := range g.kh {
		for kx := range g.kw {
			offs[ky*g.kw+kx] = ((ky*wp + kx) * c) * 4
		}
	}
	tile := implicitTile()
	panels := (g.oc + tileCols - 1) / tileCols
	kAll := ntaps * c
	var ep epilogue
	for row := lo; row < hi; row++ {
		b, oy := row/g.oh, row%g.oh
		for p := range panels {
			cols := min(tileCols, g.oc-p*tileCols)
			ep.set(a.bias, p*tileCols, cols, a.act)
			bp := w.packed[p*kAll*tileCols:]
			for ox0 := 0; ox0 < g.ow; ox0 += tile {
				ox0 = min(ox0, g.ow-tile) // overlap the last tile
				pix := (b*g.oh+oy)*g.ow + ox0
				ep.res = nil
				if a.c != nil {
					ep.res = unsafe.Pointer(&a.c[pix*g.oc+p*tileCols])
				}
				a0 := &a.a[((b*hp+oy)*wp+ox0)*c]
				out := &a.y.Data[pix*g.oc+p*tileCols]
				if tile == 2*tileRows {
					sgemmTaps12x16(ntaps, c, a0, &offs[0], c, &bp[0], out, g.oc, &ep)
				} else {
					sgemmTaps6x16(ntaps, c, a0, &offs[0], c, &bp[0], out, g.oc, &ep)
				}
				if ox0+tile >= g.ow {
					break
				}
			}
		}
	}
}
