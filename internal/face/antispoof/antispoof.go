// Package antispoof runs @vladmandic/human's two passive liveness models on
// a detected face: "antispoof" (128×128, sigmoid; high = real face) and
// "liveness" (32×32, softmax; index 0 = live). The face crop is human
// 3.3.6's with the face mesh off: cropAndResize of the blazeface box to
// 256×256, ÷255, then a bilinear resize to each model's size, all with the
// tfjs-cpu arithmetic (tools/tfjs-oracle pipeline.js).
//
// What they can and cannot tell is limited: both are small classifiers
// trained on public datasets of printed photos and screen replays; they are
// one signal among several and no defence against a good mask or an
// injected camera stream.
package antispoof

import (
	"fmt"

	"github.com/idgate/idgate/internal/face/blazeface"
	"github.com/idgate/idgate/internal/face/models"
	"github.com/idgate/idgate/internal/nn"
)

// Sizes of human's face crop and of the two models' inputs.
const (
	CropSize      = 256
	AntiSpoofSize = 128
	LivenessSize  = 32
)

// Result holds both models' raw probabilities.
type Result struct {
	Real float32 // antispoof sigmoid: probability the face is real, 0..1
	Live float32 // liveness softmax[0]: probability the face is live, 0..1
}

// Checker runs both models. It is safe for concurrent use.
type Checker struct {
	antispoof, liveness *nn.Graph
	states              chan *state // idle per-call buffers, kept across GCs
	newState            func() *state
}

type state struct {
	spoofSess, liveSess  *nn.Session
	crop, spoofIn, livIn nn.Tensor
}

// New loads the embedded models.
func New() (*Checker, error) {
	as, err := nn.LoadGraphModel(models.AntiSpoof())
	if err != nil {
		return nil, fmt.Errorf("antispoof: %w", err)
	}
	lv, err := nn.LoadGraphModel(models.Liveness())
	if err != nil {
		return nil, fmt.Errorf("liveness: %w", err)
	}
	c := &Checker{antispoof: as, liveness: lv}
	c.states = make(chan *state, maxIdleStates)
	c.newState = func() *state { return &state{spoofSess: as.NewSession(), liveSess: lv.NewSession()} }
	return c, nil
}

// maxIdleStates bounds the idle buffer sets kept for reuse (a sync.Pool
// would drop them at every GC and make the next call regrow megabytes).
const maxIdleStates = 8

func (c *Checker) getState() *state {
	select {
	case st := <-c.states:
		return st
	default:
		return c.newState()
	}
}

func (c *Checker) putState(st *state) {
	select {
	case c.states <- st:
	default:
	}
}

// FaceCrop writes human's face crop of frame ([1,H,W,3], 0..255) for box
// (blazeface's Face.Box) into dst: [1,256,256,3] in [0,1], zeros where the
// box leaves the image.
func FaceCrop(dst, frame *nn.Tensor, box blazeface.Box) {
	_, h, w, _ := frame.Dims4()
	H, W := float64(h), float64(w)
	nn.CropAndResize(dst, frame, 0, [4]float32{
		float32(box.Start.Y / H), float32(box.Start.X / W), float32(box.End.Y / H), float32(box.End.X / W),
	}, CropSize, CropSize, 0)
	nn.DivScalar(dst, dst, 255)
}

// FaceCropRGB is FaceCrop on an 8-bit interleaved RGB image (3 bytes per
// pixel), bit-identical and without a float32 copy of the image.
func FaceCropRGB(dst *nn.Tensor, pix []uint8, width, height int, box blazeface.Box) {
	H, W := float64(height), float64(width)
	nn.CropAndResizeRGB8(dst, pix, width, height, [4]float32{
		float32(box.Start.Y / H), float32(box.Start.X / W), float32(box.End.Y / H), float32(box.End.X / W),
	}, CropSize, CropSize, 0)
	nn.DivScalar(dst, dst, 255)
}

// Check runs both models on the face in box.
func (c *Checker) Check(frame *nn.Tensor, box blazeface.Box) (Result, error) {
	if len(frame.Shape) != 4 || frame.Shape[0] != 1 || frame.Shape[3] != 3 {
		return Result{}, fmt.Errorf("antispoof: frame shape %v, want [1,H,W,3]", frame.Shape)
	}
	st := c.getState()
	defer c.putState(st)
	FaceCrop(&st.crop, frame, box)
	return c.checkCrop(st)
}

// CheckRGB is Check on an 8-bit interleaved RGB image (3 bytes per pixel,
// rows of 3·width bytes); same result to the bit.
func (c *Checker) CheckRGB(pix []uint8, width, height int, box blazeface.Box) (Result, error) {
	if width < 1 || height < 1 || len(pix) != 3*width*height {
		return Result{}, fmt.Errorf("antispoof: %d×%d RGB image with %d bytes", width, height, len(pix))
	}
	st := c.getState()
	defer c.putState(st)
	FaceCropRGB(&st.crop, pix, width, height, box)
	return c.checkCrop(st)
}

// checkCrop runs both models on the face crop in st.crop.
func (c *Checker) checkCrop(st *state) (Result, error) {
	nn.ResizeBilinear(&st.spoofIn, &st.crop, AntiSpoofSize, AntiSpoofSize)
	nn.ResizeBilinear(&st.livIn, &st.crop, LivenessSize, LivenessSize)
	real, err := c.run(st.spoofSess, &st.spoofIn)
	if err != nil {
		return Result{}, fmt.Errorf("antispoof: %w", err)
	}
	live, err := c.run(st.liveSess, &st.livIn)
	if err != nil {
		return Result{}, fmt.Errorf("liveness: %w", err)
	}
	return Result{Real: real[0], Live: live[0]}, nil
}

// AntiSpoof runs the antispoof model on a prepared [1,128,128,3] input in
// [0,1] and returns its sigmoid output.
func (c *Checker) AntiSpoof(x *nn.Tensor) (float32, error) {
	st := c.getState()
	defer c.putState(st)
	out, err := c.run(st.spoofSess, x)
	if err != nil {
		return 0, fmt.Errorf("antispoof: %w", err)
	}
	return out[0], nil
}

// Liveness runs the liveness model on a prepared [1,32,32,3] input in
// [0,1] and returns its two softmax outputs (live, not live).
func (c *Checker) Liveness(x *nn.Tensor) ([2]float32, error) {
	st := c.getState()
	defer c.putState(st)
	out, err := c.run(st.liveSess, x)
	if err != nil {
		return [2]float32{}, fmt.Errorf("liveness: %w", err)
	}
	if len(out) < 2 {
		return [2]float32{}, fmt.Errorf("liveness: %d outputs", len(out))
	}
	return [2]float32{out[0], out[1]}, nil
}

// run returns the single output's values (owned by the session).
func (c *Checker) run(s *nn.Session, x *nn.Tensor) ([]float32, error) {
	outs, err := s.Run(x)
	if err != nil {
		return nil, err
	}
	if len(outs) != 1 || len(outs[0].Data) == 0 {
		return nil, fmt.Errorf("unexpected outputs")
	}
	return outs[0].Data, nil
}
