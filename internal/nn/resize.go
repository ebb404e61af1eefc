package nn

import (
	"fmt"
	"math"
)

// ResizeBilinear resizes an NHWC tensor to h×w exactly like tfjs-cpu's
// ResizeBilinear with alignCorners=false and halfPixelCenters=false: source
// row r·(H/h) (float64), floor/ceil neighbours clamped to the image,
// interpolation in float64, one rounding to float32. dst must not alias x.
func ResizeBilinear(dst, x *Tensor, h, w int) {
	n, sh, sw, c := x.Dims4()
	dst.Resize(n, h, w, c)
	resizeBilinear(dst.Data, x.Data, n, sh, sw, c, h, w)
}

// ResizeBilinearRGB8 is ResizeBilinear on an 8-bit interleaved RGB image
// (3 bytes per pixel, rows of 3·width bytes) without converting it to
// float32 first: the result is the same to the bit as converting and then
// resizing, and a large photo never needs a float32 copy. dst is
// [1, h, w, 3].
func ResizeBilinearRGB8(dst *Tensor, pix []uint8, width, height, h, w int) {
	checkRGB8(pix, width, height)
	dst.Resize(1, h, w, 3)
	resizeBilinear(dst.Data, pix, 1, height, width, 3, h, w)
}

func checkRGB8(pix []uint8, width, height int) {
	if width < 1 || height < 1 || len(pix) != 3*width*height {
		panic(fmt.Sprintf("nn: RGB8 image %d×%d with %d bytes", width, height, len(pix)))
	}
}

// sample is an input element type of the resize kernels.
type sample interface{ ~float32 | ~uint8 }

// colSample is one output column's source columns and weight, computed
// once per call instead of once per output row.
type colSample struct {
	c0, c1 int
	dc     float64
	ok     bool // inside the source (CropAndResize)
}

// maxColTable bounds the stack table of column samples; wider outputs
// compute them per pixel.
const maxColTable = 1024

func resizeBilinear[T sample](out []float32, src []T, n, sh, sw, c, h, w int) {
	rowRatio := float64(sh) / float64(h)
	colRatio := float64(sw) / float64(w)
	column := func(col int) colSample {
		fc := colRatio * float64(col)
		c0 := max(0, int(math.Floor(fc)))
		return colSample{c0: c0, c1: min(sw-1, int(math.Ceil(fc))), dc: fc - float64(c0)}
	}
	var table [maxColTable]colSample
	if w <= maxColTable {
		for col := range w {
			table[col] = column(col)
		}
	}
	o := 0
	for b := 0; b < n; b++ {
		base := b * sh * sw * c
		for r := 0; r < h; r++ {
			fr := rowRatio * float64(r)
			r0 := max(0, int(math.Floor(fr)))
			dr := fr - float64(r0)
			r1 := min(sh-1, int(math.Ceil(fr)))
			for col := 0; col < w; col++ {
				var cs colSample
				if w <= maxColTable {
					cs = table[col]
				} else {
					cs = column(col)
				}
				tl, tr := base+(r0*sw+cs.c0)*c, base+(r0*sw+cs.c1)*c
				bl, br := base+(r1*sw+cs.c0)*c, base+(r1*sw+cs.c1)*c
				for d := 0; d < c; d++ {
					out[o] = float32(lerp(
						lerp(float64(src[tl+d]), float64(src[tr+d]), cs.dc),
						lerp(float64(src[bl+d]), float64(src[br+d]), cs.dc), dr))
					o++
				}
			}
		}
	}
}

// lerp is a + (b-a)*t with the product rounded on its own: the explicit
// conversion keeps the compiler from fusing it into an FMA, which would
// change the last bit compared with JavaScript.
func lerp(a, b, t float64) float64 {
	return a + float64((b-a)*t)
}

// CropAndResize cuts the box [y1, x1, y2, x2] (normalised to the image, as
// float32) out of batch item b of x and resizes it to h×w like tfjs-cpu's
// CropAndResize (bilinear, align-corners sampling, extrapolation value
// extrapolate for samples outside the image). dst is [1, h, w, c] and must
// not alias x.
func CropAndResize(dst, x *Tensor, b int, box [4]float32, h, w int, extrapolate float32) {
	n, sh, sw, c := x.Dims4()
	if b < 0 || b >= n {
		panic(fmt.Sprintf("nn: CropAndResize batch %d of %d", b, n))
	}
	dst.Resize(1, h, w, c)
	cropAndResize(dst.Data, x.Data[b*sh*sw*c:(b+1)*sh*sw*c], sh, sw, c, box, h, w, extrapolate)
}

// CropAndResizeRGB8 is CropAndResize on an 8-bit interleaved RGB image (see
// ResizeBilinearRGB8); bit-identical to converting it to float32 first.
func CropAndResizeRGB8(dst *Tensor, pix []uint8, width, height int, box [4]float32, h, w int, extrapolate float32) {
	checkRGB8(pix, width, height)
	dst.Resize(1, h, w, 3)
	cropAndResize(dst.Data, pix, height, width, 3, box, h, w, extrapolate)
}

func cropAndResize[T sample](out []float32, src []T, sh, sw, c int, box [4]float32, h, w int, extrapolate float32) {
	for i := range out {
		out[i] = extrapolate
	}
	y1, x1, y2, x2 := float64(box[0]), float64(box[1]), float64(box[2]), float64(box[3])
	hm, wm := float64(sh-1), float64(sw-1)
	var hScale, wScale float64
	if h > 1 {
		hScale = (y2 - y1) * hm / float64(h-1)
	}
	if w > 1 {
		wScale = (x2 - x1) * wm / float64(w-1)
	}
	column := func(xo int) colSample {
		xIn := 0.5 * (x1 + x2) * wm
		if w > 1 {
			xIn = float64(x1*wm) + float64(float64(xo)*wScale)
		}
		if xIn < 0 || xIn > wm {
			return colSample{}
		}
		left := math.Floor(xIn)
		return colSample{c0: int(left), c1: int(math.Ceil(xIn)), dc: xIn - left, ok: true}
	}
	var table [maxColTable]colSample
	if w <= maxColTable {
		for xo := range w {
			table[xo] = column(xo)
		}
	}
	for y := 0; y < h; y++ {
		yIn := 0.5 * (y1 + y2) * hm
		if h > 1 {
			yIn = float64(y1*hm) + float64(float64(y)*hScale)
		}
		if yIn < 0 || yIn > hm {
			continue
		}
		top, bot := math.Floor(yIn), math.Ceil(yIn)
		yl := yIn - top
		ti, bi := int(top), int(bot)
		for xo := 0; xo < w; xo++ {
			var cs colSample
			if w <= maxColTable {
				cs = table[xo]
			} else {
				cs = column(xo)
			}
			if !cs.ok {
				continue
			}
			px := out[(y*w+xo)*c : (y*w+xo+1)*c]
			for ch := range px {
				tl, tr := float64(src[(ti*sw+cs.c0)*c+ch]), float64(src[(ti*sw+cs.c1)*c+ch])
				bl, br := float64(src[(bi*sw+cs.c0)*c+ch]), float64(src[(bi*sw+cs.c1)*c+ch])
				px[ch] = float32(lerp(lerp(tl, tr, cs.dc), lerp(bl, br, cs.dc), yl))
			}
		}
	}
}
