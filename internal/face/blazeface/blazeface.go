// Package blazeface detects faces with MediaPipe's BlazeFace (full-range,
// 256×256) as @vladmandic/human 3.3.6 runs it: the whole frame resized to
// 256×256 and scaled to [-1, 1], 896 anchors decoded, sigmoid scores,
// TF.js nonMaxSuppressionV3, then human's ×1.4 enlarged square box. The
// arithmetic follows the tfjs-cpu kernels so boxes match the TF.js
// reference (tools/tfjs-oracle pipeline.js).
package blazeface

import (
	"fmt"
	"math"
	"slices"

	"github.com/idgate/idgate/internal/face/models"
	"github.com/idgate/idgate/internal/nn"
)

// InputSize is the model's square input size in pixels.
const InputSize = 256

// Options tune the detector; zero values take human's defaults except
// MaxDetected.
type Options struct {
	MaxDetected   int     // faces kept after NMS; default 10 (human: 1)
	MinConfidence float32 // score threshold; default 0.2
	IoUThreshold  float32 // NMS overlap threshold; default 0.1
	Scale         float64 // box enlargement; default 1.4
}

func (o Options) withDefaults() Options {
	if o.MaxDetected <= 0 {
		o.MaxDetected = 10
	}
	if o.MinConfidence == 0 {
		o.MinConfidence = 0.2
	}
	if o.IoUThreshold == 0 {
		o.IoUThreshold = 0.1
	}
	if o.Scale == 0 {
		o.Scale = 1.4
	}
	return o
}

// Point is a position in frame pixels.
type Point struct{ X, Y float64 }

// Box is a rectangle in frame pixels, from Start (top-left) to End.
type Box struct{ Start, End Point }

// Width is End.X - Start.X.
func (b Box) Width() float64 { return b.End.X - b.Start.X }

// Height is End.Y - Start.Y.
func (b Box) Height() float64 { return b.End.Y - b.Start.Y }

// Face is one detection.
type Face struct {
	Score       float32 // sigmoid of the logit, 0..1
	Logit       float32
	AnchorIndex int
	// RawBox is the decoded box before human's enlargement (chain.js's
	// rawBox, the input of face-api's landmark step).
	RawBox Box
	// Landmarks are the six BlazeFace keypoints: right eye, left eye, nose,
	// mouth, right ear, left ear (from the subject's view).
	Landmarks [6]Point
	// Box is human's face box: RawBox enlarged ×Scale around its centre,
	// squared on the longer side, corners rounded (JavaScript Math.round).
	Box Box
}

// Area is the raw box's area in square pixels.
func (f Face) Area() float64 { return math.Abs(f.RawBox.Width() * f.RawBox.Height()) }

// Result lists the faces found, highest score first.
type Result struct {
	Faces []Face
}

// Largest returns the face with the largest raw box, or false when there
// is none.
func (r Result) Largest() (Face, bool) {
	if len(r.Faces) == 0 {
		return Face{}, false
	}
	best := r.Faces[0]
	for _, f := range r.Faces[1:] {
		if f.Area() > best.Area() {
			best = f
		}
	}
	return best, true
}

// Detector runs BlazeFace. It is safe for concurrent use; the model
// weights are shared and each concurrent call borrows its own buffers.
type Detector struct {
	graph    *nn.Graph
	opts     Options
	anchors  [numAnchors][2]float32
	states   chan *state // idle per-call buffers, kept across GCs
	newState func() *state
}

type state struct {
	sess           *nn.Session
	resized, input nn.Tensor
	boxes          []float32
	scores         []float32
	rows           []float32
	cand           []int
}

const (
	numAnchors = 896
	rowWidth   = 17
)

// New loads the embedded model.
func New(opts Options) (*Detector, error) {
	g, err := nn.LoadGraphModel(models.BlazeFace())
	if err != nil {
		return nil, fmt.Errorf("blazeface: %w", err)
	}
	d := &Detector{graph: g, opts: opts.withDefaults()}
	d.anchors = anchors()
	d.states = make(chan *state, maxIdleStates)
	d.newState = func() *state {
		return &state{sess: g.NewSession(), boxes: make([]float32, 4*numAnchors), scores: make([]float32, numAnchors),
			rows: make([]float32, rowWidth*numAnchors), cand: make([]int, 0, numAnchors)}
	}
	return d, nil
}

// maxIdleStates bounds the idle buffer sets kept for reuse (a sync.Pool
// would drop them at every GC and make the next call regrow megabytes).
const maxIdleStates = 8

func (d *Detector) getState() *state {
	select {
	case st := <-d.states:
		return st
	default:
		return d.newState()
	}
}

func (d *Detector) putState(st *state) {
	select {
	case d.states <- st:
	default:
	}
}

// anchors are the cell centres in input pixels: stride 16 (16×16 cells, 2
// anchors each) then stride 32 (8×8 cells, 6 anchors each).
func anchors() (out [numAnchors][2]float32) {
	i := 0
	for _, l := range []struct{ stride, per int }{{16, 2}, {32, 6}} {
		grid := (InputSize + l.stride - 1) / l.stride
		for y := range grid {
			for x := range grid {
				for range l.per {
					out[i] = [2]float32{float32(l.stride) * (float32(x) + 0.5), float32(l.stride) * (float32(y) + 0.5)}
					i++
				}
			}
		}
	}
	return out
}

// Preprocess writes the model input for frame ([1,H,W,3] RGB, 0..255) into
// dst: resize to 256×256 (tfjs-cpu bilinear), then v/127.5 - 1. tmp is
// scratch.
func Preprocess(dst, tmp, frame *nn.Tensor) {
	nn.ResizeBilinear(tmp, frame, InputSize, InputSize)
	scaleInput(dst, tmp)
}

// scaleInput maps a resized frame from 0..255 to [-1, 1] as human does:
// f32(f32(v / 127.5) - 1).
func scaleInput(dst, resized *nn.Tensor) {
	nn.DivScalar(dst, resized, 127.5)
	nn.SubScalar(dst, dst, 1)
}

// Detect finds faces in frame, an RGB image as a [1,H,W,3] tensor with
// values 0..255.
func (d *Detector) Detect(frame *nn.Tensor) (Result, error) {
	if len(frame.Shape) != 4 || frame.Shape[0] != 1 || frame.Shape[3] != 3 || frame.Shape[1] < 1 || frame.Shape[2] < 1 {
		return Result{}, fmt.Errorf("blazeface: frame shape %v, want [1,H,W,3]", frame.Shape)
	}
	st := d.getState()
	defer d.putState(st)
	Preprocess(&st.input, &st.resized, frame)
	return d.detect(st, frame.Shape[2], frame.Shape[1])
}

// DetectRGB is Detect on an 8-bit interleaved RGB image (3 bytes per
// pixel, rows of 3·width bytes), with the same result to the bit and
// without a float32 copy of the whole image.
func (d *Detector) DetectRGB(pix []uint8, width, height int) (Result, error) {
	if width < 1 || height < 1 || len(pix) != 3*width*height {
		return Result{}, fmt.Errorf("blazeface: %d×%d RGB image with %d bytes", width, height, len(pix))
	}
	st := d.getState()
	defer d.putState(st)
	nn.ResizeBilinearRGB8(&st.resized, pix, width, height, InputSize, InputSize)
	scaleInput(&st.input, &st.resized)
	return d.detect(st, width, height)
}

// detect runs the model on st.input and decodes for a width×height frame.
func (d *Detector) detect(st *state, width, height int) (Result, error) {
	outs, err := st.sess.Run(&st.input)
	if err != nil {
		return Result{}, fmt.Errorf("blazeface: %w", err)
	}
	if err := fillRows(st.rows, outs); err != nil {
		return Result{}, err
	}
	return d.decode(st, float64(width), float64(height)), nil
}

// RawOutputs runs the model on a prepared [1,256,256,3] input and returns
// its outputs in signature order ([1,384,16], [1,512,1], [1,384,1],
// [1,512,16]), for parity tests. The tensors are copies.
func (d *Detector) RawOutputs(input *nn.Tensor) ([]*nn.Tensor, error) {
	st := d.getState()
	defer d.putState(st)
	outs, err := st.sess.Run(input)
	if err != nil {
		return nil, fmt.Errorf("blazeface: %w", err)
	}
	cp := make([]*nn.Tensor, len(outs))
	for i, o := range outs {
		cp[i] = o.Clone()
	}
	return cp, nil
}

// fillRows builds human's [896][17] matrix: rows 0..511 from the
// [1,512,·] outputs, 512..895 from the [1,384,·] ones; column 0 is the
// score logit, 1..16 the box and keypoint regressors.
func fillRows(rows []float32, outs []*nn.Tensor) error {
	find := func(n, c int) []float32 {
		for _, o := range outs {
			if len(o.Shape) == 3 && o.Shape[1] == n && o.Shape[2] == c {
				return o.Data
			}
		}
		return nil
	}
	parts := []struct {
		scores, regs []float32
		off, n       int
	}{{find(512, 1), find(512, 16), 0, 512}, {find(384, 1), find(384, 16), 512, 384}}
	for _, p := range parts {
		if p.scores == nil || p.regs == nil {
			return fmt.Errorf("blazeface: unexpected output shapes")
		}
		for i := range p.n {
			r := rows[(p.off+i)*rowWidth : (p.off+i+1)*rowWidth]
			r[0] = p.scores[i]
			copy(r[1:], p.regs[i*16:(i+1)*16])
		}
	}
	return nil
}

// decode turns the rows into faces like human's getBoxes: float32 box
// arithmetic, sigmoid in float64, NMS, then float64 scaling to the frame.
func (d *Detector) decode(st *state, imgW, imgH float64) Result {
	const size = float32(InputSize)
	for i := range numAnchors {
		r := st.rows[i*rowWidth : (i+1)*rowWidth]
		a := d.anchors[i]
		cx, cy := r[1]+a[0], r[2]+a[1]
		hw, hh := r[3]/size/2, r[4]/size/2
		ncx, ncy := cx/size, cy/size
		b := st.boxes[4*i : 4*i+4]
		b[0], b[1] = (ncx-hw)*size, (ncy-hh)*size
		b[2], b[3] = (ncx+hw)*size, (ncy+hh)*size
		st.scores[i] = float32(1 / (1 + math.Exp(-float64(r[0]))))
	}
	keep := nonMaxSuppression(st.cand[:0], st.boxes, st.scores, d.opts.MaxDetected, d.opts.IoUThreshold, d.opts.MinConfidence)
	fx, fy := imgW/InputSize, imgH/InputSize
	var res Result
	for _, i := range keep {
		b := st.boxes[4*i : 4*i+4]
		r := st.rows[i*rowWidth : (i+1)*rowWidth]
		a := d.anchors[i]
		f := Face{Score: st.scores[i], Logit: r[0], AnchorIndex: i}
		f.RawBox = Box{Point{float64(b[0]) * fx, float64(b[1]) * fy}, Point{float64(b[2]) * fx, float64(b[3]) * fy}}
		for k := range f.Landmarks {
			f.Landmarks[k] = Point{(float64(r[5+2*k]) + float64(a[0])) * fx, (float64(r[6+2*k]) + float64(a[1])) * fy}
		}
		f.Box = enlargeSquare(f.RawBox, d.opts.Scale)
		res.Faces = append(res.Faces, f)
	}
	return res
}

// enlargeSquare is human's util.enlargeBox then util.squarifyBox, with
// JavaScript's Math.round on the corners.
func enlargeSquare(b Box, scale float64) Box {
	cx, cy := b.Start.X+(b.End.X-b.Start.X)/2, b.Start.Y+(b.End.Y-b.Start.Y)/2
	w, h := math.Abs(b.End.X-b.Start.X), math.Abs(b.End.Y-b.Start.Y)
	hx, hy := scale*w/2, scale*h/2
	s := Box{Point{cx - hx, cy - hy}, Point{cx + hx, cy + hy}}
	cx2, cy2 := s.Start.X+(s.End.X-s.Start.X)/2, s.Start.Y+(s.End.Y-s.Start.Y)/2
	half := max(math.Abs(s.End.X-s.Start.X), math.Abs(s.End.Y-s.Start.Y)) / 2
	return Box{Point{jsRound(cx2 - half), jsRound(cy2 - half)}, Point{jsRound(cx2 + half), jsRound(cy2 + half)}}
}

// jsRound is JavaScript's Math.round (halves toward +∞).
func jsRound(x float64) float64 { return math.Floor(x + 0.5) }

// nonMaxSuppression is tfjs-core's nonMaxSuppressionV3: candidates scoring
// above minScore, highest first (ties: lower index), each kept unless its
// IoU with an already kept box reaches iouThreshold; at most maxOut.
func nonMaxSuppression(cand []int, boxes, scores []float32, maxOut int, iouThreshold, minScore float32) []int {
	for i, s := range scores {
		if s > minScore {
			cand = append(cand, i)
		}
	}
	slices.SortStableFunc(cand, func(a, b int) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		return a - b
	})
	var keep []int
	for _, i := range cand {
		if len(keep) >= maxOut {
			break
		}
		ok := true
		for _, j := range keep {
			if iou(boxes[4*i:4*i+4], boxes[4*j:4*j+4]) >= float64(iouThreshold) {
				ok = false
				break
			}
		}
		if ok {
			keep = append(keep, i)
		}
	}
	return keep
}

// iou is tfjs' intersection over union, in float64.
func iou(a, b []float32) float64 {
	y0a, x0a := float64(min(a[0], a[2])), float64(min(a[1], a[3]))
	y1a, x1a := float64(max(a[0], a[2])), float64(max(a[1], a[3]))
	y0b, x0b := float64(min(b[0], b[2])), float64(min(b[1], b[3]))
	y1b, x1b := float64(max(b[0], b[2])), float64(max(b[1], b[3]))
	areaA, areaB := (y1a-y0a)*(x1a-x0a), (y1b-y0b)*(x1b-x0b)
	if areaA <= 0 || areaB <= 0 {
		return 0
	}
	inter := max(min(y1a, y1b)-max(y0a, y0b), 0) * max(min(x1a, x1b)-max(x0a, x0b), 0)
	return inter / (areaA + areaB - inter)
}
