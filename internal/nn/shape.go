package nn

import "fmt"

// Pad pads a tensor of rank ≤ 8 with value: pads[d] = {before, after} for
// axis d. dst must not alias x.
func Pad(dst, x *Tensor, pads [][2]int, value float32) {
	r := len(x.Shape)
	if len(pads) != r || r > maxRank {
		panic(fmt.Sprintf("nn: Pad %v with %d pairs", x.Shape, len(pads)))
	}
	var shape [maxRank]int
	for d := range r {
		if pads[d][0] < 0 || pads[d][1] < 0 {
			panic("nn: negative padding")
		}
		shape[d] = x.Shape[d] + pads[d][0] + pads[d][1]
	}
	dst.Resize(shape[:r]...)
	for i := range dst.Data {
		dst.Data[i] = value
	}
	if len(x.Data) == 0 {
		return
	}
	// copy x row by row along the last axis
	last := x.Shape[r-1]
	var idx [maxRank]int
	for src := 0; src < len(x.Data); src += last {
		off := 0
		for d := range r {
			off = off*shape[d] + idx[d] + pads[d][0]
		}
		copy(dst.Data[off:off+last], x.Data[src:src+last])
		for d := r - 2; d >= 0; d-- {
			idx[d]++
			if idx[d] < x.Shape[d] {
				break
			}
			idx[d] = 0
		}
	}
}

// Concat joins tensors along axis (negative counts from the end); all other
// dimensions must agree. dst must not alias an input.
func Concat(dst *Tensor, axis int, xs ...*Tensor) {
	if len(xs) == 0 {
		panic("nn: Concat of nothing")
	}
	r := len(xs[0].Shape)
	if axis < 0 {
		axis += r
	}
	if axis < 0 || axis >= r || r > maxRank {
		panic(fmt.Sprintf("nn: Concat axis %d of rank %d", axis, r))
	}
	var shape [maxRank]int
	copy(shape[:], xs[0].Shape)
	shape[axis] = 0
	for _, x := range xs {
		if len(x.Shape) != r {
			panic("nn: Concat of different ranks")
		}
		for d := range r {
			if d != axis && x.Shape[d] != shape[d] {
				panic(fmt.Sprintf("nn: Concat %v and %v on axis %d", xs[0].Shape, x.Shape, axis))
			}
		}
		shape[axis] += x.Shape[axis]
	}
	dst.Resize(shape[:r]...)
	outer := 1
	for d := range axis {
		outer *= shape[d]
	}
	inner := 1
	for d := axis + 1; d < r; d++ {
		inner *= shape[d]
	}
	rowOut := shape[axis] * inner
	off := 0
	for _, x := range xs {
		n := x.Shape[axis] * inner
		for o := range outer {
			copy(dst.Data[o*rowOut+off:o*rowOut+off+n], x.Data[o*n:(o+1)*n])
		}
		off += n
	}
}
