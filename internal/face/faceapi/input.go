package faceapi

import (
	"image"

	"github.com/idgate/idgate/internal/face/imagedecode"
	"github.com/idgate/idgate/internal/nn"
)

// meanRGB is face-api's per-channel mean, rounded to float32 as tfjs does
// before subtracting it.
var meanRGB = &nn.Tensor{Shape: []int{3}, Data: []float32{122.782, 117.001, 104.298}}

// CropZeroFill copies the pixels of r (image coordinates; it may reach past
// the image) into dst, with zeros where r lies outside img. dst's buffer is
// reused when large enough.
func CropZeroFill(dst, img *imagedecode.RGB, r image.Rectangle) {
	w, h := max(r.Dx(), 0), max(r.Dy(), 0)
	n := 3 * w * h
	if cap(dst.Pix) < n {
		dst.Pix = make([]uint8, n)
	}
	dst.Pix = dst.Pix[:n]
	dst.Width, dst.Height = w, h
	clear(dst.Pix)
	in := r.Intersect(image.Rect(0, 0, img.Width, img.Height))
	if in.Empty() {
		return
	}
	rowBytes := 3 * in.Dx()
	for y := in.Min.Y; y < in.Max.Y; y++ {
		src := 3 * (y*img.Width + in.Min.X)
		o := 3 * ((y-r.Min.Y)*w + in.Min.X - r.Min.X)
		copy(dst.Pix[o:o+rowBytes], img.Pix[src:src+rowBytes])
	}
}

// SquarePad describes how PrepareInput padded a crop to a square.
type SquarePad struct {
	Size          int  // side of the square
	Before, After int  // zero columns (or rows) before and after the crop
	Horizontal    bool // true: columns were added (the crop is taller than wide)
}

// squarePad is face-api's padToSquare(isCenterImage=true): the larger half
// of the padding goes after the image (right or bottom).
func squarePad(w, h int) SquarePad {
	if w == h {
		return SquarePad{Size: w}
	}
	diff := max(w, h) - min(w, h)
	after := (diff + 1) / 2 // Math.round(diff / 2), diff ≥ 0
	return SquarePad{Size: max(w, h), Before: diff - after, After: after, Horizontal: h > w}
}

// PrepareInput turns an RGB crop into a net input [1, size, size, 3] in dst,
// as face-api's NetInput.toBatchTensor(size, true) + normalize do: zero-pad
// to a centred square, resize bilinearly (tfjs' ResizeBilinear, skipped
// when the square already has the size), subtract the mean RGB and divide
// by 255, rounding to float32 after each step. scratch holds the square.
func PrepareInput(dst, scratch *nn.Tensor, crop *imagedecode.RGB, size int) SquarePad {
	sp := squarePad(crop.Width, crop.Height)
	sq := dst
	if sp.Size != size {
		sq = scratch
	}
	sq.Resize(1, sp.Size, sp.Size, 3)
	sq.Zero()
	offX, offY := 0, 0
	if sp.Horizontal {
		offX = sp.Before
	} else {
		offY = sp.Before
	}
	for y := 0; y < crop.Height; y++ {
		src := crop.Pix[3*y*crop.Width : 3*(y+1)*crop.Width]
		out := sq.Data[3*((y+offY)*sp.Size+offX):]
		for i, v := range src {
			out[i] = float32(v)
		}
	}
	if sp.Size != size {
		nn.ResizeBilinear(dst, sq, size, size)
	}
	nn.Sub(dst, dst, meanRGB)
	nn.DivScalar(dst, dst, 255)
	return sp
}
