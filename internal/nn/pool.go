package nn

import (
	"fmt"
	"math"
)

// MaxPool computes a size×size max pool with the given stride; with Same
// padding the border positions outside the input are ignored.
func MaxPool(dst, x *Tensor, size, stride int, pad Padding) {
	pool2D(dst, x, size, stride, pad, false)
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
