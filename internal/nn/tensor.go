package nn

import (
	"fmt"
	"strings"
)

// Tensor is a dense float32 tensor; 4-D tensors are NHWC.
type Tensor struct {
	Shape []int
	Data  []float32
}

// NewTensor allocates a zeroed tensor of the given shape.
func NewTensor(shape ...int) *Tensor {
	t := &Tensor{}
	t.Resize(shape...)
	return t
}

// FromData wraps data (not copied) in a tensor of the given shape.
func FromData(data []float32, shape ...int) (*Tensor, error) {
	if n := numElements(shape); n != len(data) {
		return nil, fmt.Errorf("shape %v needs %d values, have %d", shape, n, len(data))
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data}, nil
}

// Len is the number of elements.
func (t *Tensor) Len() int { return numElements(t.Shape) }

// Rank is the number of dimensions.
func (t *Tensor) Rank() int { return len(t.Shape) }

// Resize sets the shape and makes Data exactly that long, reusing the
// existing capacity when it suffices. Contents are unspecified afterwards
// (old values or zeros).
func (t *Tensor) Resize(shape ...int) {
	t.Shape = append(t.Shape[:0], shape...)
	n := numElements(shape)
	if cap(t.Data) >= n {
		t.Data = t.Data[:n]
		return
	}
	t.Data = make([]float32, n)
}

// Zero sets every element to 0.
func (t *Tensor) Zero() { clear(t.Data) }

// Clone returns a deep copy.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
}

// CopyFrom makes t a copy of src, reusing t's storage.
func (t *Tensor) CopyFrom(src *Tensor) {
	t.Resize(src.Shape...)
	copy(t.Data, src.Data)
}

// Dims4 returns the four dimensions of an NHWC tensor; it panics for other ranks.
func (t *Tensor) Dims4() (n, h, w, c int) {
	if len(t.Shape) != 4 {
		panic(fmt.Sprintf("nn: want a 4-D NHWC tensor, have shape %v", t.Shape))
	}
	return t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3]
}

// At4 returns the element at (n, y, x, c) of an NHWC tensor.
func (t *Tensor) At4(n, y, x, c int) float32 {
	_, h, w, ch := t.Dims4()
	return t.Data[((n*h+y)*w+x)*ch+c]
}

// String prints the shape, not the values (tensors may hold image data).
func (t *Tensor) String() string {
	parts := make([]string, len(t.Shape))
	for i, d := range t.Shape {
		parts[i] = fmt.Sprint(d)
	}
	return "Tensor[" + strings.Join(parts, "x") + "]"
}

// Reshape makes dst a view of x's data with a new shape; one dimension may
// be -1 and is inferred. dst shares x.Data.
func Reshape(dst, x *Tensor, shape ...int) {
	dst.Shape = append(dst.Shape[:0], shape...)
	infer, known := -1, 1
	for i, d := range dst.Shape {
		if d == -1 {
			if infer >= 0 {
				panic("nn: Reshape with two -1 dimensions")
			}
			infer = i
			continue
		}
		known *= d
	}
	n := len(x.Data)
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			panic(fmt.Sprintf("nn: cannot reshape %v to %v", x.Shape, shape))
		}
		dst.Shape[infer] = n / known
	} else if known != n {
		panic(fmt.Sprintf("nn: cannot reshape %v to %v", x.Shape, shape))
	}
	dst.Data = x.Data
}

// Squeeze makes dst a view of x without the given size-1 axes (all size-1
// axes when none are given).
func Squeeze(dst, x *Tensor, axes ...int) {
	var shape [8]int
	out := shape[:0]
	for i, d := range x.Shape {
		drop := false
		if len(axes) == 0 {
			drop = d == 1
		} else {
			for _, a := range axes {
				if a < 0 {
					a += len(x.Shape)
				}
				if a == i {
					if d != 1 {
						panic(fmt.Sprintf("nn: squeeze axis %d of %v is not 1", i, x.Shape))
					}
					drop = true
				}
			}
		}
		if !drop {
			out = append(out, d)
		}
	}
	Reshape(dst, x, out...)
}

func numElements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Padding selects TensorFlow's padding rule.
type Padding int

const (
	// Valid uses no padding: out = ceil((in - k + 1) / s).
	Valid Padding = iota
	// Same pads so that out = ceil(in / s); the total padding
	// max((out-1)*s + k - in, 0) is split with the smaller half on
	// top/left and the extra row/column at the bottom/right.
	Same
)

func (p Padding) String() string {
	if p == Same {
		return "SAME"
	}
	return "VALID"
}

// Activation is an activation fused into a kernel's output store.
type Activation int

const (
	ActNone  Activation = iota
	ActRelu             // max(x, 0)
	ActRelu6            // min(max(x, 0), 6)
)

func (a Activation) apply(v float32) float32 {
	switch a {
	case ActRelu:
		return max(v, 0)
	case ActRelu6:
		return min(max(v, 0), 6)
	}
	return v
}

// OutputSize returns the output length and the padding before the first
// element for one spatial axis, with TensorFlow's rule.
func OutputSize(in, k, stride int, pad Padding) (out, before int) {
	if pad == Valid {
		if in < k {
			return 0, 0
		}
		return (in-k)/stride + 1, 0
	}
	out = (in + stride - 1) / stride
	total := max((out-1)*stride+k-in, 0)
	return out, total / 2
}
