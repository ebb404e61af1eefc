package nn

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
)

// Limits on what LoadManifest accepts; the embedded models are far below
// them (the largest is 6.4 MB of weights).
const (
	MaxWeightBytes   = 256 << 20 // total weight data
	MaxManifestBytes = 16 << 20  // manifest JSON
	maxTensorRank    = 8
)

// WeightGroup is one group of a TF.js weights manifest.
type WeightGroup struct {
	Paths   []string      `json:"paths"`
	Weights []WeightEntry `json:"weights"`
}

// WeightEntry describes one tensor in a weights manifest.
type WeightEntry struct {
	Name         string        `json:"name"`
	Shape        []int         `json:"shape"`
	DType        string        `json:"dtype"`
	Quantization *Quantization `json:"quantization,omitempty"`
}

// Quantization is a tensor's storage encoding: uint8/uint16 affine
// (value = q*scale + min) or float16.
type Quantization struct {
	DType string  `json:"dtype"`
	Scale float64 `json:"scale"`
	Min   float64 `json:"min"`
}

// LoadManifest decodes a TF.js weights manifest (the JSON list of groups)
// and its weight data (the group files concatenated in manifest order) into
// float32 tensors by name. int32 tensors are converted to float32 (they
// hold shapes and axes). It rejects data that is too short or too long.
func LoadManifest(manifestJSON, bin []byte) (map[string]*Tensor, error) {
	if len(manifestJSON) > MaxManifestBytes {
		return nil, fmt.Errorf("weights manifest: %d bytes, limit %d", len(manifestJSON), MaxManifestBytes)
	}
	var groups []WeightGroup
	if err := json.Unmarshal(manifestJSON, &groups); err != nil {
		return nil, fmt.Errorf("weights manifest: %w", err)
	}
	return DecodeWeights(groups, bin)
}

// DecodeWeights decodes the tensors of groups from bin (see LoadManifest).
func DecodeWeights(groups []WeightGroup, bin []byte) (map[string]*Tensor, error) {
	if len(bin) > MaxWeightBytes {
		return nil, fmt.Errorf("weights: %d bytes, limit %d", len(bin), MaxWeightBytes)
	}
	out := make(map[string]*Tensor)
	off := 0
	for _, g := range groups {
		for _, e := range g.Weights {
			n, size, err := e.byteSize()
			if err != nil {
				return nil, fmt.Errorf("weight %q: %w", e.Name, err)
			}
			if size > len(bin)-off {
				return nil, fmt.Errorf("weight %q: needs %d bytes at offset %d, data has %d", e.Name, size, off, len(bin))
			}
			if _, dup := out[e.Name]; dup {
				return nil, fmt.Errorf("weight %q: listed twice", e.Name)
			}
			t := &Tensor{Shape: append([]int{}, e.Shape...), Data: make([]float32, n)}
			e.decode(t.Data, bin[off:off+size])
			out[e.Name] = t
			off += size
		}
	}
	if off != len(bin) {
		return nil, fmt.Errorf("weights: manifest describes %d bytes, data has %d", off, len(bin))
	}
	return out, nil
}

// byteSize checks the entry and returns its element count and stored size.
func (e WeightEntry) byteSize() (n, size int, err error) {
	if len(e.Shape) > maxTensorRank {
		return 0, 0, fmt.Errorf("rank %d", len(e.Shape))
	}
	n = 1
	for _, d := range e.Shape {
		if d < 0 || d > MaxWeightBytes {
			return 0, 0, fmt.Errorf("bad shape %v", e.Shape)
		}
		n *= d
		if n > MaxWeightBytes {
			return 0, 0, fmt.Errorf("shape %v too large", e.Shape)
		}
	}
	width := 0
	switch e.DType {
	case "float32", "int32":
		width = 4
	default:
		return 0, 0, fmt.Errorf("unsupported dtype %q", e.DType)
	}
	if q := e.Quantization; q != nil {
		switch q.DType {
		case "uint8":
			width = 1
		case "uint16", "float16":
			width = 2
		default:
			return 0, 0, fmt.Errorf("unsupported quantization %q", q.DType)
		}
		if e.DType != "float32" {
			return 0, 0, fmt.Errorf("quantized %s", e.DType)
		}
		if math.IsNaN(q.Scale) || math.IsInf(q.Scale, 0) || math.IsNaN(q.Min) || math.IsInf(q.Min, 0) {
			return 0, 0, fmt.Errorf("quantization scale %v min %v", q.Scale, q.Min)
		}
	}
	return n, n * width, nil
}

// decode writes the entry's values from raw (exactly its stored size).
func (e WeightEntry) decode(dst []float32, raw []byte) {
	q := e.Quantization
	switch {
	case q == nil && e.DType == "int32":
		for i := range dst {
			dst[i] = float32(int32(binary.LittleEndian.Uint32(raw[4*i:])))
		}
	case q == nil:
		for i := range dst {
			dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	case q.DType == "float16":
		for i := range dst {
			dst[i] = Float16ToFloat32(binary.LittleEndian.Uint16(raw[2*i:]))
		}
	case q.DType == "uint8":
		for i := range dst {
			dst[i] = dequantize(float64(raw[i]), q.Scale, q.Min)
		}
	default: // uint16
		for i := range dst {
			dst[i] = dequantize(float64(binary.LittleEndian.Uint16(raw[2*i:])), q.Scale, q.Min)
		}
	}
}

// dequantize is tfjs' q*scale + min in float64 (JavaScript numbers) with
// one rounding to float32. The explicit float64 conversion of the product
// keeps the compiler from fusing it into an FMA, which could move the
// result by one float32 ulp.
func dequantize(q, scale, min float64) float32 {
	return float32(float64(q*scale) + min)
}

// Float16ToFloat32 converts an IEEE 754 half to float32 exactly, subnormal
// halves included (±2^-14 · m/1024).
func Float16ToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0 && mant == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: normalise into float32's range
		e := uint32(127 - 15 + 1)
		for mant&0x400 == 0 {
			mant <<= 1
			e--
		}
		mant &= 0x3ff
		return math.Float32frombits(sign | e<<23 | mant<<13)
	case exp == 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}
