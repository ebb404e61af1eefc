package nn

import "unsafe"

// Implicit GEMM: instead of copying every receptive field into an im2col
// buffer (kh·kw copies of the input), the kernel reads the tile's rows
// straight from the input, tap by tap. The input is zero-padded once into a
// scratch buffer so that every output pixel is an interior one. Tiles run
// along one output row (consecutive pixels are stride·c floats apart), so
// narrow rows take the im2col path instead.

const maxTaps = 49 // up to 7×7

// implicitEnabled lets tests compare the implicit path with im2col.
var implicitEnabled = true

// implicitMinWidth is the narrowest output row the implicit path takes:
// tiles cannot cross rows, so on narrower maps the overlapping last tile
// wastes more than im2col costs (measured: 17 wide breaks even, 10 loses).
const implicitMinWidth = 16

// useImplicit reports whether conv geometry g takes the implicit path.
func useImplicit(g convGeom) bool {
	return implicitEnabled && useAsm && g.kh*g.kw > 1 && g.kh*g.kw <= maxTaps && g.ow >= implicitMinWidth
}

// padForImplicit returns x zero-padded to the ((oh-1)·stride+kh) ×
// ((ow-1)·stride+kw) the windows cover, or x's data itself when that is x;
// buf is the scratch to pad into.
func padForImplicit(buf *[]float32, x *Tensor, g convGeom) (data []float32, hp, wp int) {
	hp, wp = (g.oh-1)*g.stride+g.kh, (g.ow-1)*g.stride+g.kw
	if g.padT == 0 && g.padL == 0 && hp == g.h && wp == g.w {
		return x.Data, hp, wp
	}
	data = grow(buf, g.n*hp*wp*g.c)
	c := g.c
	// copy each input row into place and zero only what the copy leaves:
	// rows above and below the image, columns left and right of it
	x0, x1 := max(0, -g.padL), min(g.w, wp-g.padL) // input columns kept
	for b := 0; b < g.n; b++ {
		for py := 0; py < hp; py++ {
			row := data[(b*hp+py)*wp*c : (b*hp+py+1)*wp*c]
			y := py - g.padT
			if y < 0 || y >= g.h || x1 <= x0 {
				clear(row)
				continue
			}
			lo, hi := (x0+g.padL)*c, (x1+g.padL)*c
			clear(row[:lo])
			copy(row[lo:hi], x.Data[((b*g.h+y)*g.w+x0)*c:((b*g.h+y)*g.w+x1)*c])
			clear(row[hi:])
		}
	}
	return data, hp, wp
}

// conv2DImplicit runs output rows [lo, hi) (flat over batch and oy).
// t.args: a = padded input (hp = m, wp = k), y = dst, c = residual or nil.
func conv2DImplicit(t *task, lo, hi int, _ *[]float32) {
	a := &t.args
	g := a.g
	hp, wp := a.m, a.k
	c := g.c
	var offs [maxTaps]int
	for ky := range g.kh {
		for kx := range g.kw {
			offs[ky*g.kw+kx] = ((ky*wp + kx) * c) * 4
		}
	}
	panels := (g.oc + tileCols - 1) / tileCols
	var ep epilogue
	f := a.fusion(nil) // the residual pointer is set per tile
	for row := lo; row < hi; row++ {
		b, oy := row/g.oh, row%g.oh
		for p := range panels {
			cols := min(tileCols, g.oc-p*tileCols)
			ep.set(&f, p*tileCols, cols)
			// 12-pixel AVX-512 tiles; a rest of more than 6 pixels takes one
			// more 12-tile overlapping its neighbour, a smaller rest a 6-tile
			// (6-tiles only, without AVX-512), the last always overlapping
			// rather than running short
			ox0 := 0
			if useAVX512 {
				for ; ox0+2*tileRows <= g.ow; ox0 += 2 * tileRows {
					implicitTile(a, &ep, b, oy, ox0, p, hp, wp, &offs, true)
				}
				if rest := g.ow - ox0; rest > tileRows {
					implicitTile(a, &ep, b, oy, g.ow-2*tileRows, p, hp, wp, &offs, true)
					ox0 = g.ow
				}
			}
			for ; ox0 < g.ow; ox0 += tileRows {
				ox0 = min(ox0, g.ow-tileRows)
				implicitTile(a, &ep, b, oy, ox0, p, hp, wp, &offs, false)
			}
		}
	}
}

// implicitTile runs one tile of output row oy from pixel ox0 on panel p:
// 12 pixels with the AVX-512 kernel when wide, else 6.
func implicitTile(a *kernelArgs, ep *epilogue, b, oy, ox0, p, hp, wp int, offs *[maxTaps]int, wide bool) {
	g := a.g
	c := g.c
	kAll := g.kh * g.kw * c
	pix := (b*g.oh+oy)*g.ow + ox0
	ep.res = nil
	if a.c != nil {
		ep.res = unsafe.Pointer(&a.c[pix*g.oc+p*tileCols])
	}
	a0 := &a.a[((b*hp+oy*g.stride)*wp+ox0*g.stride)*c]
	bp, out := &a.w.packed[p*kAll*tileCols], &a.y.Data[pix*g.oc+p*tileCols]
	lda := g.stride * c // the next output pixel's window
	if wide {
		sgemmTaps12x16(g.kh*g.kw, c, a0, &offs[0], lda, bp, out, g.oc, ep)
		return
	}
	sgemmTaps6x16(g.kh*g.kw, c, a0, &offs[0], lda, bp, out, g.oc, ep)
}
