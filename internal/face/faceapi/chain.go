package faceapi

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/idgate/idgate/internal/face/imagedecode"
	"github.com/idgate/idgate/internal/nn"
)

// Nets are the two face-api nets of the chain, loaded once and shared.
type Nets struct {
	Landmarks   *LandmarkNet
	Recognition *RecognitionNet
}

// LoadNets loads both nets from the embedded models.
func LoadNets() (*Nets, error) {
	lm, err := LoadLandmarkNet()
	if err != nil {
		return nil, err
	}
	rec, err := LoadRecognitionNet()
	if err != nil {
		return nil, err
	}
	return &Nets{Landmarks: lm, Recognition: rec}, nil
}

// Workspace is one goroutine's buffers for Nets.Describe.
type Workspace struct {
	Landmark    LandmarkWorkspace
	Recognition RecognitionWorkspace

	crop          imagedecode.RGB
	square, input nn.Tensor
}

// RecognitionInput is the prepared 150×150 input of the last Describe
// (valid until the next one); the engine measures sharpness on it.
func (ws *Workspace) RecognitionInput() *nn.Tensor { return &ws.input }

// Face is everything face-api computes between a detection and a
// descriptor, in image pixels. Rectangles may reach past the image; those
// pixels were zero-filled.
type Face struct {
	Detection       Box             // face-api's detection box, from the detector box
	LandmarkCrop    image.Rectangle // integer crop fed to the landmark net
	Landmarks       [68]Point       // the 68 points (iBUG order)
	Alignment       Alignment       // dlib alignment box and its eye and mouth centres
	RecognitionCrop image.Rectangle // integer crop fed to the recognition net
	Descriptor      [DescriptorSize]float32
}

// ErrEmptyCrop is returned when a detection or alignment box has no pixels.
var ErrEmptyCrop = errors.New("face crop is empty")

// Describe runs the chain after detection on one face: the detector box
// (x1, y1)-(x2, y2) in image pixels → landmark crop → 68 landmarks → dlib
// alignment box → recognition crop → 128-d descriptor.
func (n *Nets) Describe(ws *Workspace, img *imagedecode.RGB, x1, y1, x2, y2 float64) (Face, error) {
	var f Face
	for _, v := range [...]float64{x1, y1, x2, y2} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return f, fmt.Errorf("detector box (%v, %v)-(%v, %v): %w", x1, y1, x2, y2, ErrEmptyCrop)
		}
	}
	frame := NewFrame(img.Width, img.Height)
	det, cropBox := frame.DetectionBoxes(x1, y1, x2, y2)
	lmRect := frame.ClipFloor(cropBox)
	if lmRect.Empty() {
		return f, fmt.Errorf("landmark crop: %w", ErrEmptyCrop)
	}
	CropZeroFill(&ws.crop, img, frame.ToImage(lmRect))
	PrepareInput(&ws.input, &ws.square, &ws.crop, LandmarkInputSize)
	fc := n.Landmarks.Run(&ws.Landmark, &ws.input)
	pts := LandmarkPoints(fc.Data[:landmarkOutputs], lmRect.Dx(), lmRect.Dy(), det.X, det.Y)

	al := AlignDlib(&pts, lmRect.Dx(), lmRect.Dy())
	recRect := frame.ClipFloor(Box{float64(al.Box.Min.X), float64(al.Box.Min.Y), float64(al.Box.Dx()), float64(al.Box.Dy())})
	if recRect.Empty() {
		return f, fmt.Errorf("recognition crop: %w", ErrEmptyCrop)
	}
	CropZeroFill(&ws.crop, img, frame.ToImage(recRect))
	PrepareInput(&ws.input, &ws.square, &ws.crop, RecognitionInputSize)
	desc := n.Recognition.Run(&ws.Recognition, &ws.input)

	p := float64(frame.Border)
	shift := func(q Point) Point { return Point{q.X - p, q.Y - p} }
	f.Detection = Box{det.X - p, det.Y - p, det.Width, det.Height}
	f.LandmarkCrop = frame.ToImage(lmRect)
	for i, q := range pts {
		f.Landmarks[i] = shift(q)
	}
	f.Alignment = Alignment{
		Box:      frame.ToImage(al.Box),
		LeftEye:  shift(al.LeftEye),
		RightEye: shift(al.RightEye),
		Mouth:    shift(al.Mouth),
		Size:     al.Size,
	}
	f.RecognitionCrop = frame.ToImage(recRect)
	copy(f.Descriptor[:], desc.Data[:DescriptorSize])
	return f, nil
}
