package nn

import (
	"fmt"
	"sync"
)

// Weights4D is a convolution filter in TensorFlow's HWIO layout
// ([kh, kw, in, out]; for depthwise filters out is the channel multiplier).
// Build it once with NewWeights4D and share it between goroutines.
type Weights4D struct {
	KH, KW, In, Out int
	Data            []float32 // HWIO, len KH*KW*In*Out

	packOnce sync.Once
	packed   []float32 // Data as [KH*KW*In, Out] in 16-column panels
}

// panels returns the filter packed for gemmPacked, packing it on first use.
func (w *Weights4D) panels() []float32 {
	w.packOnce.Do(func() { w.packed = packPanels(w.Data, w.KH*w.KW*w.In, w.Out) })
	return w.packed
}

// NewWeights4D wraps a 4-D HWIO tensor (its data is shared, not copied).
func NewWeights4D(t *Tensor) (*Weights4D, error) {
	if len(t.Shape) != 4 {
		return nil, fmt.Errorf("conv filter: want shape [kh,kw,in,out], have %v", t.Shape)
	}
	if len(t.Data) != t.Len() {
		return nil, fmt.Errorf("conv filter %v: %d values", t.Shape, len(t.Data))
	}
	return &Weights4D{KH: t.Shape[0], KW: t.Shape[1], In: t.Shape[2], Out: t.Shape[3], Data: t.Data}, nil
}

// convGeom is the geometry of one convolution or pooling window.
type convGeom struct {
	n, h, w, c int // input
	oh, ow, oc int // output
	kh, kw     int
	stride     int
	padT, padL int
}

// pointwise reports a 1×1 stride-1 convolution: the input rows are the
// GEMM's A rows, no im2col needed.
func (g convGeom) pointwise() bool {
	return g.kh == 1 && g.kw == 1 && g.stride == 1 && g.padT == 0 && g.padL == 0
}

func newConvGeom(x *Tensor, kh, kw, oc, stride int, pad Padding) convGeom {
	n, h, w, c := x.Dims4()
	if stride < 1 {
		panic(fmt.Sprintf("nn: stride %d", stride))
	}
	oh, pt := OutputSize(h, kh, stride, pad)
	ow, pl := OutputSize(w, kw, stride, pad)
	return convGeom{n: n, h: h, w: w, c: c, oh: oh, ow: ow, oc: oc, kh: kh, kw: kw, stride: stride, padT: pt, padL: pl}
}

// Conv2D computes dst = act(conv(x, w) + bias) for NHWC x and an HWIO
// filter, with TensorFlow's SAME or VALID padding and the same stride on
// both axes. bias may be nil. dst must not alias x.
func Conv2D(dst, x *Tensor, w *Weights4D, bias []float32, stride int, pad Padding, act Activation) {
	Conv2DFused(dst, x, w, stride, pad, ConvEpilogue{Bias: bias, Act: act})
}

// Conv2DAdd computes dst = act(conv(x, w) + bias + res): a convolution
// whose output feeds a residual addition, fused into one pass. res has
// dst's shape and may be nil; dst must alias neither x nor res.
func Conv2DAdd(dst, x *Tensor, w *Weights4D, bias []float32, res *Tensor, stride int, pad Padding, act Activation) {
	Conv2DFused(dst, x, w, stride, pad, ConvEpilogue{Bias: bias, Residual: res, Act: act})
}

// ConvEpilogue lists what Conv2DFused applies to each convolution sum
// before storing it, in this order, each step rounded to float32 like the
// separate tfjs ops (so the result equals the unfused op sequence):
// + Bias[c]; × Scale[c] + Shift[c] (a batch-norm or face-api "scale"
// layer); + Residual (dst's shape); then Act. Nil fields are skipped; Scale
// and Shift come together.
type ConvEpilogue struct {
	Bias, Scale, Shift []float32
	Residual           *Tensor
	Act                Activation
}

// Conv2DFused is Conv2D followed by the steps of ep in the same pass over
// the output. dst must alias neither x nor ep.Residual.
func Conv2DFused(dst, x *Tensor, w *Weights4D, stride int, pad Padding, ep ConvEpilogue) {
	bias, res, act := ep.Bias, ep.Residual, ep.Act
	if (ep.Scale == nil) != (ep.Shift == nil) || (ep.Scale != nil && (len(ep.Scale) != w.Out || len(ep.Shift) != w.Out)) {
		panic(fmt.Sprintf("nn: Conv2DFused scale %d and shift %d for %d channels", len(ep.Scale), len(ep.Shift), w.Out))
	}
	g := newConvGeom(x, w.KH, w.KW, w.Out, stride, pad)
	if g.c != w.In {
		panic(fmt.Sprintf("nn: Conv2D input %v, filter in=%d", x.Shape, w.In))
	}
	if bias != nil && len(bias) != w.Out {
		panic(fmt.Sprintf("nn: Conv2D bias %d for %d outputs", len(bias), w.Out))
	}
	dst.Resize(g.n, g.oh, g.ow, g.oc)
	if res != nil && !sameShape(res.Shape, dst.Shape) {
		panic(fmt.Sprintf("nn: Conv2DAdd residual %v for output %v", res.Shape, dst.Shape))
	}
	w.panels()
	var resData []float32
	if res != nil {
		resData = res.Data
	}
	if useImplicit(g) {
		buf := scratchPool.Get().(*[]float32)
		padded, hp, wp := padForImplicit(buf, x, g)
		parallelFor(g.n*g.oh, minUnits(g.n*g.oh, g.n*g.oh*g.ow*g.oc*g.kh*g.kw*g.c), conv2DImplicit, kernelArgs{a: padded, y: dst, w: w, bias: bias, scale: ep.Scale, shift: ep.Shift, c: resData, g: g, act: act, m: hp, k: wp})
		scratchPool.Put(buf)
		return
	}
	rows := g.n * g.oh * g.ow
	block := convRowBlock
	if g.pointwise() {
		// no im2col buffer to keep small: fewer, longer blocks mean fewer
		// epilogue set-ups per panel
		block = 4 * convRowBlock
	}
	rowBlocks := (rows + block - 1) / block
	// few output pixels (deep layers): also split the output channels so
	// both cores get work
	colParts := 1
	if panels := (g.oc + tileCols - 1) / tileCols; rowBlocks < 4 && panels > 1 {
		colParts = min(panels, 4)
	}
	parallelFor(rowBlocks*colParts, minUnits(rowBlocks*colParts, rows*g.oc*g.kh*g.kw*g.c), conv2DUnits, kernelArgs{x: x, y: dst, w: w, bias: bias, scale: ep.Scale, shift: ep.Shift, c: resData, g: g, act: act, m: rows, n: colParts, block: block})
}

// parallelMinMACs is the smallest kernel (in multiply-adds, ~10 µs) worth
// sharing with a pool worker: waking one costs microseconds too.
const parallelMinMACs = 1 << 20

// minUnits is parallelFor's minChunk for units work units totalling macs
// multiply-adds: all of them, keeping the kernel on the calling goroutine,
// when the kernel is too small to share.
func minUnits(units, macs int) int {
	if macs < parallelMinMACs {
		return units
	}
	return 1
}

// convRowBlock is how many output pixels share one im2col buffer: a
// multiple of the 12- and 6-row kernel tiles.
const convRowBlock = 60

// conv2DUnits computes work units [lo, hi): unit u is row block u/colParts
// and panel group u%colParts.
func conv2DUnits(t *task, lo, hi int, scratch *[]float32) {
	a := &t.args
	g, w := a.g, a.w
	k := g.kh * g.kw * g.c
	colParts, rows := a.n, a.m
	panels := (g.oc + tileCols - 1) / tileCols
	pointwise := g.pointwise()
	for u := lo; u < hi; u++ {
		rb, cp := u/colParts, u%colParts
		r0 := rb * a.block
		r1 := min(r0+a.block, rows)
		p0, p1 := cp*panels/colParts, (cp+1)*panels/colParts
		var lhs []float32
		if pointwise {
			lhs = a.x.Data[r0*k : r1*k]
		} else {
			lhs = grow(scratch, (r1-r0)*k)
			im2col(lhs, a.x.Data, g, r0, r1)
		}
		var res []float32
		if a.c != nil {
			res = a.c[r0*g.oc : r1*g.oc]
		}
		f := a.fusion(res)
		gemmPacked(a.y.Data[r0*g.oc:r1*g.oc], lhs, r1-r0, g.oc, k, w.packed, &f, p0, p1)
	}
}

// im2col writes the receptive fields of output pixels [r0, r1) (flat index
// over n, oy, ox) as rows of kh*kw*c values, zeros where the window hangs
// over the border.
func im2col(dst, x []float32, g convGeom, r0, r1 int) {
	k := g.kh * g.kw * g.c
	for r := r0; r < r1; r++ {
		ox := r % g.ow
		oy := (r / g.ow) % g.oh
		b := r / (g.ow * g.oh)
		row := dst[(r-r0)*k : (r-r0+1)*k]
		iy0 := oy*g.stride - g.padT
		ix0 := ox*g.stride - g.padL
		o := 0
		for ky := 0; ky < g.kh; ky++ {
			iy := iy0 + ky
			if iy < 0 || iy >= g.h {
				clear(row[o : o+g.kw*g.c])
				o += g.kw * g.c
				continue
			}
			base := (b*g.h + iy) * g.w
			// contiguous run of valid columns
			kx0 := max(0, -ix0)
			kx1 := min(g.kw, g.w-ix0)
			if kx0 > 0 {
				clear(row[o : o+kx0*g.c])
			}
			if kx1 > kx0 {
				d, s := row[o+kx0*g.c:o+kx1*g.c], x[(base+ix0+kx0)*g.c:(base+ix0+kx1)*g.c]
				if len(d) < 32 { // a call to memmove costs more than a short loop
					for i := range d {
						d[i] = s[i]
					}
				} else {
					copy(d, s)
				}
			}
			if kx1 < g.kw {
				clear(row[o+max(kx1, kx0)*g.c : o+g.kw*g.c])
			}
			o += g.kw * g.c
		}
	}
}

// DepthwiseConv2D computes dst = act(depthwise(x, w) + bias) for a
// [kh, kw, c, 1] filter (channel multiplier 1). bias may be nil. dst must
// not alias x.
func DepthwiseConv2D(dst, x *Tensor, w *Weights4D, bias []float32, stride int, pad Padding, act Activation) {
	g := newConvGeom(x, w.KH, w.KW, w.In, stride, pad)
	if g.c != w.In || w.Out != 1 {
		panic(fmt.Sprintf("nn: DepthwiseConv2D input %v, filter [%d,%d,%d,%d]", x.Shape, w.KH, w.KW, w.In, w.Out))
	}
	if bias != nil && len(bias) != g.c {
		panic(fmt.Sprintf("nn: DepthwiseConv2D bias %d for %d channels", len(bias), g.c))
	}
	dst.Resize(g.n, g.oh, g.ow, g.c)
	parallelFor(g.n*g.oh, minUnits(g.n*g.oh, g.n*g.oh*g.ow*g.c*g.kh*g.kw), depthwiseRows, kernelArgs{a: x.Data, y: dst, w: w, bias: bias, g: g, act: act})
}

// depthwiseRows computes output rows [lo, hi) of t.args.a (the input data):
// interior pixels with the 3×3 row kernel, the border tap by tap. (Padding
// the input instead to run everything through the row kernel costs a copy
// of the input, which measured slower.)
func depthwiseRows(t *task, lo, hi int, scratch *[]float32) {
	a := &t.args
	g := a.g
	c := g.c
	fast3x3 := useAsm && c%8 == 0 && g.kh == 3 && g.kw == 3
	var bias []float32
	if fast3x3 {
		bias = a.bias
		if bias == nil {
			bias = grow(scratch, c)
			clear(bias)
		}
	}
	// interior columns: all three taps inside the image
	oxA := (g.padL + g.stride - 1) / g.stride
	oxB := min(g.ow, (g.w-3+g.padL)/g.stride+1)
	for row := lo; row < hi; row++ {
		b, oy := row/g.oh, row%g.oh
		iy0 := oy*g.stride - g.padT
		if !fast3x3 || iy0 < 0 || iy0+2 >= g.h || oxB <= oxA {
			depthwiseSpan(a, b, oy, 0, g.ow)
			continue
		}
		depthwiseSpan(a, b, oy, 0, oxA)
		out := a.y.Data[((b*g.oh+oy)*g.ow+oxA)*c:]
		in := a.a[((b*g.h+iy0)*g.w+oxA*g.stride-g.padL)*c:]
		lo, hi := a.act.bounds()
		dw3x3Row(&out[0], &in[0], &a.w.Data[0], &bias[0], c, oxB-oxA, g.w*c, g.stride*c, lo, hi)
		depthwiseSpan(a, b, oy, oxB, g.ow)
	}
}

// depthwiseSpan computes output columns [ox0, ox1) of row oy of batch
// item b tap by tap (any kernel size, borders included).
func depthwiseSpan(a *kernelArgs, b, oy, ox0, ox1 int) {
	if ox1 <= ox0 {
		return
	}
	g, wd := a.g, a.w.Data
	c := g.c
	vector := useAsm && c%8 == 0
	out := a.y.Data[((b*g.oh+oy)*g.ow+ox0)*c : ((b*g.oh+oy)*g.ow+ox1)*c]
	clear(out)
	// taps in (ky, kx) order, each output starting from 0: the order
	// tfjs-cpu sums in; with FMA the result is the same to the bit
	for ky := 0; ky < g.kh; ky++ {
		iy := oy*g.stride - g.padT + ky
		if iy < 0 || iy >= g.h {
			continue
		}
		in := a.a[(b*g.h+iy)*g.w*c : (b*g.h+iy+1)*g.w*c]
		for kx := 0; kx < g.kw; kx++ {
			// output columns whose input column ox*stride-padL+kx is inside
			off := kx - g.padL
			lo := ox0
			if off < 0 {
				lo = max(lo, (-off+g.stride-1)/g.stride)
			}
			if g.w-1-off < 0 {
				continue
			}
			hi := min(ox1, (g.w-1-off)/g.stride+1)
			if hi <= lo {
				continue
			}
			f := wd[(ky*g.kw+kx)*c : (ky*g.kw+kx+1)*c]
			src := in[(lo*g.stride+off)*c:]
			dst := out[(lo-ox0)*c : (hi-ox0)*c]
			if vector {
				fmaPeriodic(&dst[0], &src[0], &f[0], c, hi-lo, g.stride*c)
				continue
			}
			fmaPeriodicGo(dst, src, f, c, hi-lo, g.stride*c)
		}
	}
	if a.bias != nil || a.act != ActNone {
		for o := 0; o < len(out); o += c {
			finish(out[o:o+c], a.bias, a.act)
		}
	}
}

// fmaPeriodicGo is the portable fmaPeriodic: dst[p*c+j] += src[p*stride+j]*w[j].
func fmaPeriodicGo(dst, src, w []float32, c, n, stride int) {
	for p := range n {
		d := dst[p*c : p*c+c]
		s := src[p*stride : p*stride+c]
		for j := range d {
			d[j] += s[j] * w[j]
		}
	}
}

// finish adds bias (may be nil) and applies act in place.
func finish(out, bias []float32, act Activation) {
	if bias != nil {
		bias = bias[:len(out)]
		for i := range out {
			out[i] += bias[i]
		}
	}
	switch act {
	case ActRelu:
		for i, v := range out {
			out[i] = max(v, 0)
		}
	case ActRelu6:
		for i, v := range out {
			out[i] = min(max(v, 0), 6)
		}
	}
}

// SeparableConv2D is tf.separableConv2d as face-api uses it: a depthwise
// convolution (stride, pad) into tmp, then a 1×1 pointwise convolution plus
// bias into dst. tmp is scratch owned by the caller.
func SeparableConv2D(dst, tmp, x *Tensor, depthwise, pointwise *Weights4D, bias []float32, stride int, pad Padding, act Activation) {
	DepthwiseConv2D(tmp, x, depthwise, nil, stride, pad, ActNone)
	Conv2D(dst, tmp, pointwise, bias, 1, Valid, act)
}
