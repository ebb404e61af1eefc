package nn

import (
	"fmt"
	"math"
)

// MaxPool computes a size×size max pool with the given stride; with Same
// padding the border positions outside the input are ignored.
func MaxPool(dst, x *Tensor, size, stride int, pad Padding) {
	if useAsm && x.Rank() == 4 && x.Shape[3]%8 == 0 {
		maxPoolVector(dst, x, size, stride, pad)
		return
	}
	pool2D(dst, x, size, stride, pad, false)
}

// maxPoolVector is MaxPool row by row and tap by tap with the AVX2 kernel:
// each output row starts as a copy of its first in-image tap.
func maxPoolVector(dst, x *Tensor, size, stride int, pad Padding) {
	g := newConvGeom(x, size, size, 0, stride, pad)
	if g.oh <= 0 || g.ow <= 0 {
		panic(fmt.Sprintf("nn: pool %d on %v", size, x.Shape))
	}
	dst.Resize(g.n, g.oh, g.ow, g.c)
	c := g.c
	for b := 0; b < g.n; b++ {
		for oy := 0; oy < g.oh; oy++ {
			out := dst.Data[(b*g.oh+oy)*g.ow*c : (b*g.oh+oy+1)*g.ow*c]
			first := true
			for ky := 0; ky < size; ky++ {
				iy := oy*stride - g.padT + ky
				if iy < 0 || iy >= g.h {
					continue
				}
				in := x.Data[(b*g.h+iy)*g.w*c : (b*g.h+iy+1)*g.w*c]
				for kx := 0; kx < size; kx++ {
					off := kx - g.padL
					lo := 0
					if off < 0 {
						lo = (-off + stride - 1) / stride
					}
					hi := min(g.ow, (g.w-1-off)/stride+1)
					if g.w-1-off < 0 || hi <= lo {
						continue
					}
					if first && (lo > 0 || hi < g.ow) {
						// a window edge leaves some outputs without this tap:
						// start from -Inf instead
						for i := range out {
							out[i] = float32(math.Inf(-1))
						}
						first = false
					}
					if first {
						for p := lo; p < hi; p++ {
							copy(out[p*c:(p+1)*c], in[(p*stride+off)*c:(p*stride+off+1)*c])
						}
						first = false
						continue
					}
					maxPeriodic(&out[lo*c], &in[(lo*stride+off)*c], c, hi-lo, stride*c)
				}
			}
		}
	}
}

// AvgPool computes a size×size average pool; with Same padding only the
// positions inside the input are counted (TensorFlow's rule). Sums are
// taken in float64 and divided once, as tfjs-cpu does.
func AvgPool(dst, x *Tensor, size, stride int, pad Padding) {
	pool2D(dst, x, size, stride, pad, true)
}

func pool2D(dst, x *Tensor, size, stride int, pad Padding, avg bool) {
	g := newConvGeom(x, size, size, 0, stride, pad)
	if g.oh <= 0 || g.ow <= 0 {
		panic(fmt.Sprintf("nn: pool %d on %v", size, x.Shape))
	}
	dst.Resize(g.n, g.oh, g.ow, g.c)
	c := g.c
	var acc [256]float64
	for b := 0; b < g.n; b++ {
		for oy := 0; oy < g.oh; oy++ {
			y0, y1 := max(oy*stride-g.padT, 0), min(oy*stride-g.padT+size, g.h)
			for ox := 0; ox < g.ow; ox++ {
				x0, x1 := max(ox*stride-g.padL, 0), min(ox*stride-g.padL+size, g.w)
				out := dst.Data[((b*g.oh+oy)*g.ow+ox)*c : ((b*g.oh+oy)*g.ow+ox+1)*c]
				for c0 := 0; c0 < c; c0 += len(acc) {
					c1 := min(c0+len(acc), c)
					a := acc[:c1-c0]
					for i := range a {
						if avg {
							a[i] = 0
						} else {
							a[i] = math.Inf(-1)
						}
					}
					for iy := y0; iy < y1; iy++ {
						for ix := x0; ix < x1; ix++ {
							in := x.Data[((b*g.h+iy)*g.w+ix)*c+c0 : ((b*g.h+iy)*g.w+ix)*c+c1]
							if avg {
								for i, v := range in {
									a[i] += float64(v)
								}
							} else {
								for i, v := range in {
									a[i] = max(a[i], float64(v))
								}
							}
						}
					}
					count := float64((y1 - y0) * (x1 - x0))
					for i, v := range a {
						if avg {
							v /= count
						}
						out[c0+i] = float32(v)
					}
				}
			}
		}
	}
}
