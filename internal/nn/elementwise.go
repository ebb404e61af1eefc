package nn

import (
	"fmt"
	"math"
)

type binaryOp int

const (
	opAdd binaryOp = iota
	opSub
	opMul
	opDiv
	opMax
	opMin
)

func (op binaryOp) String() string {
	return [...]string{"Add", "Sub", "Mul", "Div", "Maximum", "Minimum"}[op]
}

// Add computes dst = a + b with NumPy/TensorFlow broadcasting. dst may
// alias a or b when it has the broadcast shape.
func Add(dst, a, b *Tensor) { binaryKernel(dst, a, b, opAdd, ActNone) }

// AddAct computes dst = act(a + b) in one pass (a residual connection
// followed by ReLU); broadcasting as Add.
func AddAct(dst, a, b *Tensor, act Activation) { binaryKernel(dst, a, b, opAdd, act) }

// Sub computes dst = a - b with broadcasting.
func Sub(dst, a, b *Tensor) { binaryKernel(dst, a, b, opSub, ActNone) }

// Mul computes dst = a * b with broadcasting.
func Mul(dst, a, b *Tensor) { binaryKernel(dst, a, b, opMul, ActNone) }

// Div computes dst = a / b with broadcasting.
func Div(dst, a, b *Tensor) { binaryKernel(dst, a, b, opDiv, ActNone) }

// Max computes dst = max(a, b) element-wise with broadcasting.
func Max(dst, a, b *Tensor) { binaryKernel(dst, a, b, opMax, ActNone) }

// Min computes dst = min(a, b) element-wise with broadcasting.
func Min(dst, a, b *Tensor) { binaryKernel(dst, a, b, opMin, ActNone) }

// AddScalar computes dst = x + s; dst may alias x.
func AddScalar(dst, x *Tensor, s float32) { scalarOp(dst, x, s, opAdd, false) }

// SubScalar computes dst = x - s; dst may alias x.
func SubScalar(dst, x *Tensor, s float32) { scalarOp(dst, x, s, opSub, false) }

// ScalarSub computes dst = s - x; dst may alias x.
func ScalarSub(dst *Tensor, s float32, x *Tensor) { scalarOp(dst, x, s, opSub, true) }

// MulScalar computes dst = x * s; dst may alias x.
func MulScalar(dst, x *Tensor, s float32) { scalarOp(dst, x, s, opMul, false) }

// DivScalar computes dst = x / s (a true division, as tf.div; not a
// multiplication by 1/s, which rounds differently); dst may alias x.
func DivScalar(dst, x *Tensor, s float32) { scalarOp(dst, x, s, opDiv, false) }

// MaxScalar computes dst = max(x, s); dst may alias x.
func MaxScalar(dst, x *Tensor, s float32) { scalarOp(dst, x, s, opMax, false) }

// MinScalar computes dst = min(x, s); dst may alias x.
func MinScalar(dst, x *Tensor, s float32) { scalarOp(dst, x, s, opMin, false) }

func apply(op binaryOp, x, y float32) float32 {
	switch op {
	case opAdd:
		return x + y
	case opSub:
		return x - y
	case opMul:
		return x * y
	case opDiv:
		return x / y
	case opMax:
		return maxNaN(x, y)
	default:
		return minNaN(x, y)
	}
}

// maxNaN and minNaN propagate NaN like TensorFlow's Maximum/Minimum.
func maxNaN(x, y float32) float32 {
	if x != x || x > y {
		return x
	}
	return y
}

func minNaN(x, y float32) float32 {
	if x != x || x < y {
		return x
	}
	return y
}

func scalarOp(dst, x *Tensor, s float32, op binaryOp, swap bool) {
	if dst != x {
		dst.Resize(x.Shape...)
	}
	out, in := dst.Data, x.Data[:len(dst.Data)]
	switch {
	case swap:
		for i, v := range in {
			out[i] = apply(op, s, v)
		}
	case op == opAdd:
		for i, v := range in {
			out[i] = v + s
		}
	case op == opSub:
		for i, v := range in {
			out[i] = v - s
		}
	case op == opMul:
		for i, v := range in {
			out[i] = v * s
		}
	case op == opDiv:
		for i, v := range in {
			out[i] = v / s
		}
	default:
		for i, v := range in {
			out[i] = apply(op, v, s)
		}
	}
}

// BroadcastShape returns the broadcast shape of a and b, or an error.
func BroadcastShape(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db || db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

const maxRank = 8

func binaryKernel(dst, a, b *Tensor, op binaryOp, act Activation) {
	switch {
	case sameShape(a.Shape, b.Shape):
		if dst != a && dst != b {
			dst.Resize(a.Shape...)
		}
		n := len(a.Data)
		elementwise(op, dst.Data[:n], a.Data, b.Data[:n], act)
		return
	case len(b.Data) == 1 && len(a.Shape) >= len(b.Shape):
		scalarOp(dst, a, b.Data[0], op, false)
	case len(a.Data) == 1 && len(b.Shape) >= len(a.Shape):
		scalarOp(dst, b, a.Data[0], op, true)
	case isChannelVector(b, a):
		if dst != a {
			dst.Resize(a.Shape...)
		}
		elementwiseChan(op, dst.Data[:len(a.Data)], a.Data, b.Data, act)
		return
	default:
		broadcastGeneral(dst, a, b, op)
	}
	if act != ActNone {
		unary(dst, dst, actOp(act))
	}
}

func actOp(act Activation) unaryOp {
	if act == ActRelu6 {
		return opRelu6
	}
	return opRelu
}

// bounds returns the activation as a clamp interval.
func (a Activation) bounds() (lo, hi float32) {
	lo, hi = float32(math.Inf(-1)), float32(math.Inf(1))
	switch a {
	case ActRelu:
		lo = 0
	case ActRelu6:
		lo, hi = 0, 6
	}
	return lo, hi
}

// elementwise computes out[i] = act(x[i] op y[i]), vectorised for add, sub
// and mul.
func elementwise(op binaryOp, out, x, y []float32, act Activation) {
	n := len(out)
	done := 0
	if useAsm && op <= opMul && n >= 8 {
		done = n &^ 7
		lo, hi := act.bounds()
		vecOp(int(op), &out[0], &x[0], &y[0], done, lo, hi)
	}
	x, y = x[:n], y[:n]
	for i := done; i < n; i++ {
		out[i] = act.apply(apply(op, x[i], y[i]))
	}
}

// elementwiseChan computes out[p*c+j] = act(x[p*c+j] op v[j]), c = len(v).
func elementwiseChan(op binaryOp, out, x, v []float32, act Activation) {
	c := len(v)
	if useAsm && op <= opMul && c%8 == 0 && len(out) > 0 {
		lo, hi := act.bounds()
		vecOpChan(int(op), &out[0], &x[0], &v[0], c, len(out)/c, lo, hi)
		return
	}
	for o := 0; o < len(out); o += c {
		xs, ys := x[o:o+c], out[o:o+c]
		for i := range ys {
			ys[i] = act.apply(apply(op, xs[i], v[i]))
		}
	}
}

// isChannelVector reports whether b is a vector along a's last axis (shape
// [c], [1,c], [1,1,1,c], …).
func isChannelVector(b, a *Tensor) bool {
	if len(a.Shape) == 0 || len(b.Shape) > len(a.Shape) || len(b.Shape) == 0 {
		return false
	}
	if b.Shape[len(b.Shape)-1] != a.Shape[len(a.Shape)-1] {
		return false
	}
	return len(b.Data) == a.Shape[len(a.Shape)-1]
}

func broadcastGeneral(dst, a, b *Tensor, op binaryOp) {
	shape, err := BroadcastShape(a.Shape, b.Shape)
	if err != nil {
		panic("nn: " + op.String() + ": " + err.Error())
	}
	if len(shape) > maxRank {
		panic(fmt.Sprintf("nn: %s: rank %d", op, len(shape)))
	}
	if dst == a || dst == b {
		if !sameShape(dst.Shape, shape) {
			panic("nn: " + op.String() + ": in-place destination has the wrong shape")
		}
	} else {
		dst.Resize(shape...)
	}
	r := len(shape)
	var sa, sb, idx [maxRank]int
	strideFor(sa[:r], a.Shape, shape)
	strideFor(sb[:r], b.Shape, shape)
	for i := range dst.Data {
		ia, ib := 0, 0
		for d := 0; d < r; d++ {
			ia += idx[d] * sa[d]
			ib += idx[d] * sb[d]
		}
		dst.Data[i] = apply(op, a.Data[ia], b.Data[ib])
		for d := r - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
	}
}

// strideFor writes x's element strides along each axis of the broadcast
// shape (0 on broadcast axes).
func strideFor(dst []int, xs, shape []int) {
	off := len(shape) - len(xs)
	s := 1
	for d := len(shape) - 1; d >= 0; d-- {
		j := d - off
		if j < 0 || xs[j] == 1 {
			dst[d] = 0
		} else {
			dst[d] = s
		}
		if j >= 0 {
			s *= xs[j]
		}
	}
}

type unaryOp int

const (
	opRelu unaryOp = iota
	opRelu6
	opAbs
	opNeg
	opSigmoid
	opRsqrt
	opSqrt
	opSquare
	opExp
)

func unary(dst, x *Tensor, op unaryOp) {
	if dst != x {
		dst.Resize(x.Shape...)
	}
	out, in := dst.Data, x.Data[:len(dst.Data)]
	if (op == opRelu || op == opRelu6) && useAsm && len(out) >= 8 {
		n := len(out) &^ 7
		lo, hi := ActRelu.bounds()
		if op == opRelu6 {
			lo, hi = ActRelu6.bounds()
		}
		vecClamp(&out[0], &in[0], n, lo, hi)
		out, in = out[n:], in[n:]
	}
	switch op {
	case opRelu:
		for i, v := range in {
			out[i] = max(v, 0)
		}
	case opRelu6:
		for i, v := range in {
			out[i] = min(max(v, 0), 6)
		}
	case opAbs:
		for i, v := range in {
			out[i] = float32(math.Abs(float64(v)))
		}
	case opNeg:
		for i, v := range in {
			out[i] = -v
		}
	case opSigmoid:
		for i, v := range in {
			out[i] = float32(1 / (1 + math.Exp(-float64(v))))
		}
	case opRsqrt:
		for i, v := range in {
			out[i] = float32(1 / math.Sqrt(float64(v)))
		}
	case opSqrt:
		for i, v := range in {
			out[i] = float32(math.Sqrt(float64(v)))
		}
	case opSquare:
		for i, v := range in {
			out[i] = v * v
		}
	case opExp:
		for i, v := range in {
			out[i] = float32(math.Exp(float64(v)))
		}
	}
}

// Relu computes dst = max(x, 0); dst may alias x.
func Relu(dst, x *Tensor) { unary(dst, x, opRelu) }

// Relu6 computes dst = min(max(x, 0), 6); dst may alias x.
func Relu6(dst, x *Tensor) { unary(dst, x, opRelu6) }

// Abs computes dst = |x|; dst may alias x.
func Abs(dst, x *Tensor) { unary(dst, x, opAbs) }

// Neg computes dst = -x; dst may alias x.
func Neg(dst, x *Tensor) { unary(dst, x, opNeg) }

// Sigmoid computes dst = 1/(1+exp(-x)) in float64, rounded once (tfjs-cpu);
// dst may alias x.
func Sigmoid(dst, x *Tensor) { unary(dst, x, opSigmoid) }

// Rsqrt computes dst = 1/sqrt(x); dst may alias x.
func Rsqrt(dst, x *Tensor) { unary(dst, x, opRsqrt) }

// Sqrt computes dst = sqrt(x); dst may alias x.
func Sqrt(dst, x *Tensor) { unary(dst, x, opSqrt) }

// Square computes dst = x*x; dst may alias x.
func Square(dst, x *Tensor) { unary(dst, x, opSquare) }

// Exp computes dst = exp(x); dst may alias x.
func Exp(dst, x *Tensor) { unary(dst, x, opExp) }

// PRelu computes dst = x > 0 ? x : alpha*x with alpha per channel (last
// axis); dst may alias x.
func PRelu(dst, x *Tensor, alpha []float32) {
	if dst != x {
		dst.Resize(x.Shape...)
	}
	c := len(alpha)
	if c == 0 || len(x.Data)%c != 0 {
		panic(fmt.Sprintf("nn: PRelu alpha %d for %v", c, x.Shape))
	}
	for o := 0; o < len(x.Data); o += c {
		in, out := x.Data[o:o+c], dst.Data[o:o+c]
		for i, v := range in {
			if v < 0 {
				v *= alpha[i]
			}
			out[i] = v
		}
	}
}

// Softmax computes the softmax over the last axis as tfjs-cpu does:
// exp(x - max) rounded, summed in float64, divided. dst may alias x.
func Softmax(dst, x *Tensor) {
	if dst != x {
		dst.Resize(x.Shape...)
	}
	c := x.Shape[len(x.Shape)-1]
	for o := 0; o < len(x.Data); o += c {
		in, out := x.Data[o:o+c], dst.Data[o:o+c]
		m := in[0]
		for _, v := range in[1:] {
			m = max(m, v)
		}
		var sum float64
		for i, v := range in {
			e := float32(math.Exp(float64(v - m)))
			out[i] = e
			sum += float64(e)
		}
		s := float32(sum)
		for i := range out {
			out[i] /= s
		}
	}
}
