package nn

import "fmt"

// Sum reduces x over axes (negative counts from the end), summing in
// float64 and rounding once. keepDims keeps the reduced axes as size 1.
func Sum(dst, x *Tensor, axes []int, keepDims bool) { reduce(dst, x, axes, keepDims, false) }

// Mean reduces x over axes like Sum but averages: each element is divided
// by the count first (rounded to float32) and the quotients summed in
// float64, which is what tfjs-cpu's Mean does.
func Mean(dst, x *Tensor, axes []int, keepDims bool) { reduce(dst, x, axes, keepDims, true) }

// MeanHW averages an NHWC tensor over H and W into [n, c] (global average
// pooling).
func MeanHW(dst, x *Tensor) { Mean(dst, x, []int{1, 2}, false) }

func reduce(dst, x *Tensor, axes []int, keepDims, mean bool) {
	r := len(x.Shape)
	if r > maxRank {
		panic("nn: reduce rank")
	}
	var reduced [maxRank]bool
	for _, a := range axes {
		if a < 0 {
			a += r
		}
		if a < 0 || a >= r {
			panic(fmt.Sprintf("nn: reduce axis %d of %v", a, x.Shape))
		}
		reduced[a] = true
	}
	var shape, keep [maxRank]int
	ns, count := 0, 1
	for d := range r {
		keep[d] = x.Shape[d]
		if reduced[d] {
			keep[d] = 1
			count *= x.Shape[d]
			if keepDims {
				shape[ns] = 1
				ns++
			}
			continue
		}
		shape[ns] = x.Shape[d]
		ns++
	}
	dst.Resize(shape[:ns]...)
	var acc [1 << 12]float64
	var sums []float64
	if len(dst.Data) <= len(acc) {
		sums = acc[:len(dst.Data)]
		clear(sums)
	} else {
		sums = make([]float64, len(dst.Data))
	}
	div := float32(count)
	var idx [maxRank]int
	for _, v := range x.Data {
		o := 0
		for d := range r {
			if !reduced[d] {
				o = o*keep[d] + idx[d]
			}
		}
		if mean {
			sums[o] += float64(v / div)
		} else {
			sums[o] += float64(v)
		}
		for d := r - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < x.Shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	for i, s := range sums {
		dst.Data[i] = float32(s)
	}
}
