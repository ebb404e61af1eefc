package nn

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
)

// SupportedOps lists the graph-model ops the executor runs.
var SupportedOps = []string{
	"Abs", "Add", "AddV2", "AvgPool", "ConcatV2", "Conv2D", "DepthwiseConv2dNative", "Div", "Exp",
	"FusedDepthwiseConv2dNative", "Identity", "MatMul", "MaxPool", "Maximum", "Mean", "Minimum",
	"Mul", "Neg", "Pad", "PadV2", "Prelu", "RealDiv", "Relu", "Relu6", "Reshape", "Rsqrt", "Sigmoid",
	"Softmax", "Sqrt", "Square", "Squeeze", "Sub", "Sum", "_FusedConv2D", "_FusedMatMul",
}

func (g *Graph) compile(n *gnode, nj *nodeJSON) error {
	need := func(k int) error {
		if len(n.in) < k {
			return fmt.Errorf("%d inputs, want %d", len(n.in), k)
		}
		return nil
	}
	if err := need(1); err != nil {
		return err
	}
	switch nj.Op {
	case "Identity":
		n.buf = -1
		n.run = func(s *Session, n *gnode) { x := s.in(n, 0); Reshape(&s.slots[n.out], x, x.Shape...) }
	case "Reshape":
		if err := need(2); err != nil {
			return err
		}
		shape, err := g.constInts(n.in[1])
		if err != nil {
			return err
		}
		n.ints, n.buf = shape, -1
		n.run = func(s *Session, n *gnode) { Reshape(&s.slots[n.out], s.in(n, 0), n.ints...) }
	case "Squeeze":
		n.ints = attrInts(nj, "squeeze_dims")
		n.buf = -1
		n.run = func(s *Session, n *gnode) { Squeeze(&s.slots[n.out], s.in(n, 0), n.ints...) }
	case "Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative":
		return g.compileConv(n, nj)
	case "MaxPool", "AvgPool":
		ks, strides := attrInts(nj, "ksize"), attrInts(nj, "strides")
		if len(ks) != 4 || ks[1] != ks[2] || ks[0] != 1 || ks[3] != 1 {
			return fmt.Errorf("ksize %v (square spatial windows only)", ks)
		}
		stride, err := squareStride(strides)
		if err != nil {
			return err
		}
		pad, err := padding(nj)
		if err != nil {
			return err
		}
		if err := nhwc(nj); err != nil {
			return err
		}
		n.size, n.stride, n.pad = ks[1], stride, pad
		if nj.Op == "MaxPool" {
			n.run = func(s *Session, n *gnode) { MaxPool(&s.slots[n.out], s.in(n, 0), n.size, n.stride, n.pad) }
		} else {
			n.run = func(s *Session, n *gnode) { AvgPool(&s.slots[n.out], s.in(n, 0), n.size, n.stride, n.pad) }
		}
	case "Add", "AddV2", "Sub", "Mul", "Maximum", "Minimum", "RealDiv", "Div":
		if err := need(2); err != nil {
			return err
		}
		op := map[string]binaryOp{"Add": opAdd, "AddV2": opAdd, "Sub": opSub, "Mul": opMul,
			"Maximum": opMax, "Minimum": opMin, "RealDiv": opDiv, "Div": opDiv}[nj.Op]
		n.run = func(s *Session, n *gnode) { binaryKernel(&s.slots[n.out], s.in(n, 0), s.in(n, 1), op, n.act) }
	case "Relu", "Relu6", "Sigmoid", "Abs", "Rsqrt", "Square", "Sqrt", "Exp", "Neg", "Softmax":
		f := map[string]func(dst, x *Tensor){"Relu": Relu, "Relu6": Relu6, "Sigmoid": Sigmoid, "Abs": Abs,
			"Rsqrt": Rsqrt, "Square": Square, "Sqrt": Sqrt, "Exp": Exp, "Neg": Neg, "Softmax": Softmax}[nj.Op]
		n.run = func(s *Session, n *gnode) { f(&s.slots[n.out], s.in(n, 0)) }
	case "Prelu":
		if err := need(2); err != nil {
			return err
		}
		alpha, err := g.constOf(n.in[1])
		if err != nil {
			return err
		}
		n.alpha = alpha.Data
		n.run = func(s *Session, n *gnode) { PRelu(&s.slots[n.out], s.in(n, 0), n.alpha) }
	case "Mean", "Sum":
		if err := need(2); err != nil {
			return err
		}
		axes, err := g.constInts(n.in[1])
		if err != nil {
			return err
		}
		n.ints, n.keep = axes, attrBool(nj, "keep_dims")
		if nj.Op == "Mean" {
			n.run = func(s *Session, n *gnode) { Mean(&s.slots[n.out], s.in(n, 0), n.ints, n.keep) }
		} else {
			n.run = func(s *Session, n *gnode) { Sum(&s.slots[n.out], s.in(n, 0), n.ints, n.keep) }
		}
	case "Pad", "PadV2":
		if err := need(2); err != nil {
			return err
		}
		p, err := g.constInts(n.in[1])
		if err != nil {
			return err
		}
		if len(p)%2 != 0 {
			return fmt.Errorf("paddings %v", p)
		}
		for i := 0; i < len(p); i += 2 {
			n.pads = append(n.pads, [2]int{p[i], p[i+1]})
		}
		if nj.Op == "PadV2" && len(n.in) > 2 {
			v, err := g.constOf(n.in[2])
			if err != nil || len(v.Data) != 1 {
				return fmt.Errorf("PadV2 constant value: not a constant scalar")
			}
			n.padVal = v.Data[0]
		}
		n.run = func(s *Session, n *gnode) { Pad(&s.slots[n.out], s.in(n, 0), n.pads, n.padVal) }
	case "ConcatV2":
		if err := need(2); err != nil {
			return err
		}
		axis, err := g.constInts(n.in[len(n.in)-1])
		if err != nil || len(axis) != 1 {
			return fmt.Errorf("ConcatV2 axis: not a constant scalar")
		}
		if len(n.in)-1 > 16 {
			return fmt.Errorf("ConcatV2 of %d tensors", len(n.in)-1)
		}
		n.axis = axis[0]
		n.run = func(s *Session, n *gnode) {
			var xs [16]*Tensor
			k := len(n.in) - 1
			for i := range k {
				xs[i] = s.in(n, i)
			}
			Concat(&s.slots[n.out], n.axis, xs[:k]...)
		}
	case "MatMul", "_FusedMatMul":
		return g.compileMatMul(n, nj)
	default:
		return fmt.Errorf("unsupported op %s", nj.Op)
	}
	return nil
}

func (g *Graph) compileConv(n *gnode, nj *nodeJSON) error {
	if len(n.in) < 2 {
		return fmt.Errorf("%d inputs", len(n.in))
	}
	ft, err := g.constOf(n.in[1])
	if err != nil {
		return fmt.Errorf("filter: %w", err)
	}
	w, err := NewWeights4D(ft)
	if err != nil {
		return err
	}
	stride, err := squareStride(attrInts(nj, "strides"))
	if err != nil {
		return err
	}
	if d := attrInts(nj, "dilations"); len(d) > 0 && (d[1] != 1 || d[2] != 1) {
		return fmt.Errorf("dilations %v", d)
	}
	if err := nhwc(nj); err != nil {
		return err
	}
	pad, err := padding(nj)
	if err != nil {
		return err
	}
	n.w, n.stride, n.pad = w, stride, pad
	depthwise := nj.Op == "DepthwiseConv2dNative" || nj.Op == "FusedDepthwiseConv2dNative"
	channels := w.Out
	if depthwise {
		channels = w.In * w.Out
	}
	if err := g.fusedOps(n, nj, channels); err != nil {
		return err
	}
	if depthwise {
		if w.Out != 1 {
			return fmt.Errorf("channel multiplier %d (only 1 supported)", w.Out)
		}
		n.run = func(s *Session, n *gnode) {
			DepthwiseConv2D(&s.slots[n.out], s.in(n, 0), n.w, n.bias, n.stride, n.pad, n.act)
			if n.alpha != nil {
				PRelu(&s.slots[n.out], &s.slots[n.out], n.alpha)
			}
		}
		return nil
	}
	n.run = func(s *Session, n *gnode) {
		dst, x := &s.slots[n.out], s.in(n, 0)
		if n.res >= 0 {
			res := s.in(n, n.res)
			if convOutputMatches(res, x, n.w, n.stride, n.pad) {
				Conv2DAdd(dst, x, n.w, n.bias, res, n.stride, n.pad, n.act)
				return
			}
			// not a same-shape residual after all: the two ops, unfused
			Conv2D(dst, x, n.w, n.bias, n.stride, n.pad, ActNone)
			binaryKernel(dst, dst, res, opAdd, n.act)
			return
		}
		Conv2D(dst, x, n.w, n.bias, n.stride, n.pad, n.act)
		if n.alpha != nil {
			PRelu(dst, dst, n.alpha)
		}
	}
	return nil
}

// fusedOps reads fused_ops ([BiasAdd], [BiasAdd, Relu|Relu6|Prelu]) into
// n.bias, n.act and n.alpha; channels is the output channel count.
func (g *Graph) fusedOps(n *gnode, nj *nodeJSON, channels int) error {
	ops := attrStrings(nj, "fused_ops")
	if len(ops) == 0 {
		return nil
	}
	if ops[0] != "BiasAdd" || len(ops) > 2 {
		return fmt.Errorf("unsupported fused_ops %v", ops)
	}
	if len(n.in) < 3 {
		return fmt.Errorf("fused BiasAdd without a bias input")
	}
	b, err := g.constOf(n.in[2])
	if err != nil {
		return fmt.Errorf("bias: %w", err)
	}
	if len(b.Data) != channels {
		return fmt.Errorf("bias of %d for %d channels", len(b.Data), channels)
	}
	n.bias = b.Data
	if len(ops) == 2 {
		switch ops[1] {
		case "Relu":
			n.act = ActRelu
		case "Relu6":
			n.act = ActRelu6
		case "Prelu":
			if len(n.in) < 4 {
				return fmt.Errorf("fused Prelu without alpha")
			}
			a, err := g.constOf(n.in[3])
			if err != nil {
				return fmt.Errorf("prelu alpha: %w", err)
			}
			n.alpha = a.Data
		default:
			return fmt.Errorf("unsupported fused_ops %v", ops)
		}
	}
	return nil
}

func (g *Graph) compileMatMul(n *gnode, nj *nodeJSON) error {
	if len(n.in) < 2 {
		return fmt.Errorf("%d inputs", len(n.in))
	}
	if attrBool(nj, "transpose_a") || attrBool(nj, "transpose_b") {
		return fmt.Errorf("transposed MatMul unsupported")
	}
	b, err := g.constOf(n.in[1])
	if err != nil {
		return fmt.Errorf("matrix: %w", err)
	}
	if len(b.Shape) != 2 {
		return fmt.Errorf("matrix shape %v", b.Shape)
	}
	n.mat = b
	if err := g.fusedOps(n, nj, b.Shape[1]); err != nil {
		return err
	}
	if n.alpha != nil {
		return fmt.Errorf("fused Prelu in MatMul unsupported")
	}
	n.run = func(s *Session, n *gnode) { MatMul(&s.slots[n.out], s.in(n, 0), n.mat, n.bias, n.act) }
	return nil
}

func (g *Graph) constOf(slot int) (*Tensor, error) {
	t, ok := g.constSet[slot]
	if !ok {
		return nil, fmt.Errorf("operand is not a constant")
	}
	return t, nil
}

func (g *Graph) constInts(slot int) ([]int, error) {
	t, err := g.constOf(slot)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(t.Data))
	for i, v := range t.Data {
		out[i] = int(v)
		if float32(out[i]) != v {
			return nil, fmt.Errorf("non-integer %v", v)
		}
	}
	return out, nil
}

func squareStride(s []int) (int, error) {
	if len(s) == 0 {
		return 1, nil
	}
	if len(s) != 4 || s[1] != s[2] || s[1] < 1 || s[0] != 1 || s[3] != 1 {
		return 0, fmt.Errorf("strides %v (equal spatial strides only)", s)
	}
	return s[1], nil
}

func padding(nj *nodeJSON) (Padding, error) {
	switch p := attrString(nj, "padding"); p {
	case "SAME":
		return Same, nil
	case "VALID":
		return Valid, nil
	default:
		return 0, fmt.Errorf("padding %q", p)
	}
}

func nhwc(nj *nodeJSON) error {
	if f := attrString(nj, "data_format"); f != "" && f != "NHWC" {
		return fmt.Errorf("data_format %q", f)
	}
	return nil
}

func attrString(nj *nodeJSON, key string) string {
	a, ok := nj.Attr[key]
	if !ok || a.S == nil {
		return ""
	}
	return decodeB64(*a.S)
}

func decodeB64(s string) string {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return s
	}
	return string(b)
}

func attrStrings(nj *nodeJSON, key string) []string {
	a, ok := nj.Attr[key]
	if !ok || a.List == nil {
		return nil
	}
	out := make([]string, len(a.List.S))
	for i, s := range a.List.S {
		out[i] = decodeB64(s)
	}
	return out
}

func attrInts(nj *nodeJSON, key string) []int {
	a, ok := nj.Attr[key]
	if !ok || a.List == nil {
		return nil
	}
	out := make([]int, 0, len(a.List.I))
	for _, r := range a.List.I {
		v, err := rawInt(r)
		if err != nil {
			return nil
		}
		out = append(out, v)
	}
	return out
}

func attrBool(nj *nodeJSON, key string) bool {
	a, ok := nj.Attr[key]
	return ok && a.B != nil && *a.B
}

// rawInt reads a protobuf-JSON int64 (a string or a number).
func rawInt(r json.RawMessage) (int, error) {
	var s string
	if err := json.Unmarshal(r, &s); err == nil {
		return strconv.Atoi(s)
	}
	var v int
	if err := json.Unmarshal(r, &v); err != nil {
		return 0, fmt.Errorf("not an integer: %s", r)
	}
	return v, nil
}

// convOutputMatches reports whether res has the shape of conv(x, w).
func convOutputMatches(res, x *Tensor, w *Weights4D, stride int, pad Padding) bool {
	if len(x.Shape) != 4 || len(res.Shape) != 4 {
		return false
	}
	oh, _ := OutputSize(x.Shape[1], w.KH, stride, pad)
	ow, _ := OutputSize(x.Shape[2], w.KW, stride, pad)
	return res.Shape[0] == x.Shape[0] && res.Shape[1] == oh && res.Shape[2] == ow && res.Shape[3] == w.Out
}
