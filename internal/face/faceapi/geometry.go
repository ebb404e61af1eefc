package faceapi

import (
	"image"
	"math"
)

// Box is a rectangle with float64 corners, as face-api's Box.
type Box struct{ X, Y, Width, Height float64 }

// Point is a 2-D point in pixels.
type Point struct{ X, Y float64 }

// Frame is the image inside a zero border: face-api's arithmetic runs on
// this larger virtual frame so that crops reaching past the image edge are
// zero-filled instead of clipped (tight ID-portrait crops lose much
// accuracy when clipped). Coordinates in the frame are image coordinates
// plus Border.
type Frame struct {
	Border        int // zero border on every side
	Width, Height int // image size + 2·Border
}

// NewFrame returns the oracle's default frame for a w×h image: a border of
// round(0.25·max(w, h)).
func NewFrame(w, h int) Frame {
	p := int(math.Floor(0.25*float64(max(w, h)) + 0.5))
	return Frame{Border: p, Width: w + 2*p, Height: h + 2*p}
}

// DetectionBoxes builds face-api's detection from a detector box
// (x1, y1)-(x2, y2) in image pixels. box is det.box (frame coordinates), the
// origin of the landmark shift; crop is det.forSize(W, H).box, the box
// extractFaceTensors cuts. The relative/absolute round trips are face-api's
// and are kept because they can move a value across an integer before a
// floor.
func (f Frame) DetectionBoxes(x1, y1, x2, y2 float64) (box, crop Box) {
	tw, th := float64(f.Width), float64(f.Height)
	p := float64(f.Border)
	x1, y1, x2, y2 = x1+p, y1+p, x2+p, y2+p
	abs := func(b Box) Box {
		return Box{float64(b.X * tw), float64(b.Y * th), float64(b.Width * tw), float64(b.Height * th)}
	}
	rel := func(b Box) Box {
		return Box{float64(b.X * (1 / tw)), float64(b.Y * (1 / th)), float64(b.Width * (1 / tw)), float64(b.Height * (1 / th))}
	}
	box = abs(Box{x1 / tw, y1 / th, (x2 - x1) / tw, (y2 - y1) / th})
	crop = abs(rel(abs(rel(box))))
	return box, crop
}

// ClipFloor is face-api's Box.clipAtImageBorders on the frame: clip to the
// frame, then floor each of x, y, width and height. The result is in frame
// coordinates.
func (f Frame) ClipFloor(b Box) image.Rectangle {
	x, y := math.Max(b.X, 0), math.Max(b.Y, 0)
	w := math.Min(b.X+b.Width-x, float64(f.Width)-x)
	h := math.Min(b.Y+b.Height-y, float64(f.Height)-y)
	fx, fy := int(math.Floor(x)), int(math.Floor(y))
	// Not image.Rect, which would swap the corners of a box lying wholly
	// outside the frame (negative width) into a non-empty rectangle.
	return image.Rectangle{Min: image.Pt(fx, fy), Max: image.Pt(fx+int(math.Floor(w)), fy+int(math.Floor(h)))}
}

// ToImage converts a frame rectangle to image coordinates.
func (f Frame) ToImage(r image.Rectangle) image.Rectangle {
	return r.Sub(image.Pt(f.Border, f.Border))
}

// LandmarkPoints is face-api's FaceLandmark68Net post-processing for a
// crop of w×h pixels, followed by its shift by the detection corner
// (sx, sy) — the unfloored detection box, not the crop origin (a face-api
// quirk kept for parity). fc is the net's raw output for one face.
func LandmarkPoints(fc []float32, w, h int, sx, sy float64) [68]Point {
	const size = float32(LandmarkInputSize)
	s := float64(LandmarkInputSize) / float64(max(w, h))
	dw, dh := float64(w)*s, float64(h)*s
	var padX, padY float64
	if dw < dh {
		padX = math.Abs(dw-dh) / 2
	}
	if dh < dw {
		padY = math.Abs(dw-dh) / 2
	}
	fw, fh := float64(w), float64(h)
	var pts [68]Point
	for i := range pts {
		// Explicit conversions keep the compiler from fusing into an FMA.
		rx := (float32(fc[2*i]*size) - float32(padX)) / float32(dw)
		ry := (float32(fc[2*i+1]*size) - float32(padY)) / float32(dh)
		// face-api's FaceLandmarks keeps the points relative to the crop
		// and scales them back: ((rel·w)/w)·w + shift, in float64.
		x0, y0 := float64(float64(rx)*fw), float64(float64(ry)*fh)
		pts[i] = Point{float64(x0/fw*fw) + sx, float64(y0/fh*fh) + sy}
	}
	return pts
}

// Alignment is face-api's alignDlib result in frame coordinates.
type Alignment struct {
	Box                      image.Rectangle
	LeftEye, RightEye, Mouth Point
	Size                     int // side before the crop-size cap
}

// AlignDlib is face-api 1.7.15's FaceLandmarks.alignDlib, the box its
// withFaceDescriptor() crops for the recognition net: the eye centres
// (points 36–41, 42–47) and the mouth centre (48–67) give a square of side
// floor(d / 0.45), d the mean eye–mouth distance, placed around the mean of
// the three centres. cropW and cropH are the landmark crop's size (face-api
// caps the box with them).
func AlignDlib(pts *[68]Point, cropW, cropH int) Alignment {
	le, re, mo := centre(pts[36:42]), centre(pts[42:48]), centre(pts[48:68])
	dist := func(p Point) float64 {
		dx, dy := mo.X-p.X, mo.Y-p.Y
		return math.Sqrt(float64(dx*dx) + float64(dy*dy))
	}
	d := (dist(le) + dist(re)) / 2
	size := int(math.Floor(d / 0.45))
	c := centre([]Point{le, re, mo})
	x := int(math.Floor(math.Max(0, c.X-0.5*float64(size))))
	y := int(math.Floor(math.Max(0, c.Y-0.43*float64(size))))
	w, h := min(size, cropW+x), min(size, cropH+y)
	return Alignment{Box: image.Rectangle{Min: image.Pt(x, y), Max: image.Pt(x+w, y+h)}, LeftEye: le, RightEye: re, Mouth: mo, Size: size}
}

// centre sums from zero in index order, then divides, as face-api does.
func centre(pts []Point) Point {
	var x, y float64
	for _, p := range pts {
		x += p.X
		y += p.Y
	}
	return Point{x / float64(len(pts)), y / float64(len(pts))}
}
