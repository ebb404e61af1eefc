// Package face is idgate's face engine: it implements idgate.FaceEngine in
// pure Go with models embedded in the binary.
//
// The recognition chain is the one the TF.js reference run chose:
// BlazeFace finds the face (internal/face/blazeface), face-api's 68-point
// landmark net places the landmarks, face-api's dlib alignment box is cut
// (zero-filled past the image edge) and dlib's ResNet embeds it into 128
// dimensions (internal/face/faceapi); two faces are compared by cosine
// similarity. Liveness combines human's anti-spoof and liveness models
// (internal/face/antispoof) with image-quality checks. docs/FACE.md
// describes the calibration, the accuracy and what the liveness check can
// and cannot catch.
//
// An Engine loads the models once; every call borrows a workspace from a
// pool, so one Engine serves concurrent requests.
package face

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/face/antispoof"
	"github.com/idgate/idgate/internal/face/blazeface"
	"github.com/idgate/idgate/internal/face/faceapi"
	"github.com/idgate/idgate/internal/face/imagedecode"
	"github.com/idgate/idgate/internal/nn"
)

// Defaults for Config's zero fields.
const (
	// DefaultThreshold is the cosine similarity at or above which two faces
	// match. face-api's own rule, Euclidean distance < 0.6 between raw
	// descriptors (norm ≈ 1.3–1.5), is about the same cut.
	DefaultThreshold = 0.90
	// DefaultManyFacesRatio: a second face at least this fraction of the
	// largest face's area makes a selfie ambiguous (EMANYFACES). Smaller
	// faces (people in the background, a face on a T-shirt) are ignored.
	DefaultManyFacesRatio = 0.4
	// DefaultMinFaceScore is the detector confidence a face needs. BlazeFace
	// (with human's 0.2 floor) also reports large low-confidence boxes on
	// backgrounds and animals; real faces in the test photos score ≥ 0.64.
	DefaultMinFaceScore = 0.5
)

// Config tunes an Engine. Zero fields take the defaults.
type Config struct {
	Threshold      float64 // cosine threshold for Match; default DefaultThreshold
	MaxPixels      int     // largest image accepted, width × height; default imagedecode.DefaultMaxPixels
	MaxBytes       int     // largest encoded image accepted; default imagedecode.DefaultMaxBytes
	ManyFacesRatio float64 // see DefaultManyFacesRatio
	MinFaceScore   float64 // see DefaultMinFaceScore
	Liveness       LivenessConfig
}

func (c Config) withDefaults() Config {
	if c.Threshold == 0 {
		c.Threshold = DefaultThreshold
	}
	if c.ManyFacesRatio <= 0 {
		c.ManyFacesRatio = DefaultManyFacesRatio
	}
	if c.MinFaceScore <= 0 {
		c.MinFaceScore = DefaultMinFaceScore
	}
	c.Liveness = c.Liveness.withDefaults()
	return c
}

// Engine implements idgate.FaceEngine.
type Engine struct {
	cfg        Config
	limits     imagedecode.Limits
	detector   *blazeface.Detector
	nets       *faceapi.Nets
	checker    *antispoof.Checker
	workspaces sync.Pool // *workspace
}

var _ idgate.FaceEngine = (*Engine)(nil)

// maxPooledFrame is the largest frame buffer (in float32 values) a pooled
// workspace keeps: a 1600×1200 image. A bigger upload gets its buffer for
// the one request, so a few large photos do not pin memory for good.
const maxPooledFrame = 1600 * 1200 * 3

// workspace is one request's reusable buffers.
type workspace struct {
	frame nn.Tensor // the decoded image as [1,H,W,3] float32, 0..255
	chain faceapi.Workspace
}

func (e *Engine) acquire() *workspace { return e.workspaces.Get().(*workspace) }

func (e *Engine) release(ws *workspace) {
	if cap(ws.frame.Data) > maxPooledFrame {
		ws.frame.Data = nil
	}
	e.workspaces.Put(ws)
}

// New loads the embedded models.
func New(cfg Config) (*Engine, error) {
	cfg = cfg.withDefaults()
	if cfg.Threshold < -1 || cfg.Threshold > 1 {
		return nil, fmt.Errorf("face: threshold %v outside [-1, 1]", cfg.Threshold)
	}
	det, err := blazeface.New(blazeface.Options{})
	if err != nil {
		return nil, fmt.Errorf("face: %w", err)
	}
	nets, err := faceapi.LoadNets()
	if err != nil {
		return nil, fmt.Errorf("face: %w", err)
	}
	checker, err := antispoof.New()
	if err != nil {
		return nil, fmt.Errorf("face: %w", err)
	}
	e := &Engine{
		cfg:      cfg,
		limits:   imagedecode.Limits{MaxBytes: cfg.MaxBytes, MaxPixels: cfg.MaxPixels},
		detector: det,
		nets:     nets,
		checker:  checker,
	}
	e.workspaces.New = func() any { return new(workspace) }
	return e, nil
}

// Threshold is the configured cosine threshold.
func (e *Engine) Threshold() float64 { return e.cfg.Threshold }

// Face is one analysed face.
type Face struct {
	// Box is the detector's face box in image pixels (it may reach past
	// the image edge).
	Box        faceapi.Box
	Score      float32           // detector confidence, 0..1
	Landmarks  [68]faceapi.Point // image pixels
	Descriptor [faceapi.DescriptorSize]float32
	// Faces is the number of faces the detector found in the image.
	Faces int
}

// Similarity is the cosine similarity of two faces' descriptors.
func Similarity(a, b *Face) float64 { return Cosine(a.Descriptor[:], b.Descriptor[:]) }

// Cosine returns the cosine similarity of two vectors (0 when either is
// zero).
func Cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// role names an image in error messages; messages never carry image data.
type role string

const (
	roleSelfie    role = "selfie"
	roleReference role = "reference photo"
	roleImage     role = "image"
)

// Embed finds the largest face in an encoded image and describes it.
func (e *Engine) Embed(ctx context.Context, img []byte) (Face, error) {
	ws := e.acquire()
	defer e.release(ws)
	a, err := e.analyse(ctx, ws, img, roleImage, false)
	return a.face, err
}

// Compare matches the face in selfie against the face in reference.
func (e *Engine) Compare(ctx context.Context, selfie, reference []byte) (idgate.FaceMatch, error) {
	ws := e.acquire()
	defer e.release(ws)
	s, err := e.analyse(ctx, ws, selfie, roleSelfie, true)
	if err != nil {
		return idgate.FaceMatch{}, err
	}
	r, err := e.analyse(ctx, ws, reference, roleReference, false)
	if err != nil {
		return idgate.FaceMatch{}, err
	}
	return e.match(Similarity(&s.face, &r.face)), nil
}

// match turns a similarity into the domain result at the engine's threshold.
func (e *Engine) match(sim float64) idgate.FaceMatch { return MatchAt(sim, e.cfg.Threshold) }

// MatchAt decides a comparison at a given cosine threshold, e.g. a tenant's
// own: MatchAt(m.Similarity, tenantThreshold) re-decides an engine result.
func MatchAt(similarity, threshold float64) idgate.FaceMatch {
	return idgate.FaceMatch{
		Similarity: similarity,
		Confidence: Confidence(similarity),
		Match:      similarity >= threshold,
		Threshold:  threshold,
	}
}

// analysis is one image after the recognition chain.
type analysis struct {
	img        *imagedecode.RGB
	frameScale float64        // detection frame size / image size (1, or 0 for 1, unless the image is huge)
	detected   blazeface.Face // in detection frame pixels
	chain      faceapi.Face   // in image pixels
	face       Face
}

// analyse decodes img, detects its faces and runs the recognition chain on
// the largest. A selfie with two faces of similar size is refused.
func (e *Engine) analyse(ctx context.Context, ws *workspace, data []byte, who role, selfie bool) (analysis, error) {
	if err := ctx.Err(); err != nil {
		return analysis{}, err
	}
	img, err := imagedecode.Decode(data, e.limits)
	if err != nil {
		return analysis{}, decodeError(err, who)
	}
	return e.analyseImage(ctx, ws, img, who, selfie)
}

// analyseImage is analyse after decoding.
func (e *Engine) analyseImage(ctx context.Context, ws *workspace, img *imagedecode.RGB, who role, selfie bool) (analysis, error) {
	a := analysis{img: img, frameScale: 1}
	if frame, scale := detectionFrame(img); scale < 1 {
		setFrame(&ws.frame, frame)
		a.frameScale = scale
	} else {
		setFrame(&ws.frame, img)
	}
	res, err := e.detector.Detect(&ws.frame)
	if err != nil {
		return a, fmt.Errorf("face: detect: %w", err)
	}
	largest, faces := e.pickFace(res)
	if faces == 0 {
		return a, &idgate.Error{Code: idgate.ENOFACE, Message: fmt.Sprintf("no face found in the %s", who)}
	}
	if selfie && e.ambiguous(res, largest) {
		return a, &idgate.Error{Code: idgate.EMANYFACES, Message: fmt.Sprintf("more than one face in the %s", who)}
	}
	if err := ctx.Err(); err != nil {
		return a, err
	}
	a.detected = largest
	return a, e.describe(ws, &a, faces)
}

// describe runs the chain after detection on a.detected.
func (e *Engine) describe(ws *workspace, a *analysis, faces int) error {
	raw := a.detected.RawBox // frame pixels
	if s := a.frameScale; s != 0 && s != 1 {
		raw.Start.X, raw.Start.Y = raw.Start.X/s, raw.Start.Y/s
		raw.End.X, raw.End.Y = raw.End.X/s, raw.End.Y/s
	}
	f, err := e.nets.Describe(&ws.chain, a.img, raw.Start.X, raw.Start.Y, raw.End.X, raw.End.Y)
	if errors.Is(err, faceapi.ErrEmptyCrop) {
		return &idgate.Error{Code: idgate.ENOFACE, Message: "the face is too small to analyse", Err: err}
	}
	if err != nil {
		return fmt.Errorf("face: %w", err)
	}
	a.chain = f
	a.face = Face{
		Box:        faceapi.Box{X: raw.Start.X, Y: raw.Start.Y, Width: raw.Width(), Height: raw.Height()},
		Score:      a.detected.Score,
		Landmarks:  f.Landmarks,
		Descriptor: f.Descriptor,
		Faces:      faces,
	}
	return nil
}

// pickFace returns the largest confident face and the number of
// confident faces.
func (e *Engine) pickFace(res blazeface.Result) (largest blazeface.Face, faces int) {
	for _, f := range res.Faces {
		if float64(f.Score) < e.cfg.MinFaceScore {
			continue
		}
		if faces == 0 || f.Area() > largest.Area() {
			largest = f
		}
		faces++
	}
	return largest, faces
}

// ambiguous reports whether another confident face is at least
// ManyFacesRatio of the largest face's area.
func (e *Engine) ambiguous(res blazeface.Result, largest blazeface.Face) bool {
	for _, f := range res.Faces {
		if f.AnchorIndex != largest.AnchorIndex && float64(f.Score) >= e.cfg.MinFaceScore &&
			f.Area() >= e.cfg.ManyFacesRatio*largest.Area() {
			return true
		}
	}
	return false
}

// maxFramePixels bounds the detection frame: the detector and the
// anti-spoof crop read the image as float32 (12 bytes a pixel), which for
// a 24-megapixel upload would be 288 MB. Larger images are shrunk for those
// two steps only (box filter); landmarks and descriptors still use every
// pixel. Up to this size the chain is bit-identical to TF.js.
const maxFramePixels = 2048 * 2048

// detectionFrame returns img shrunk to at most maxFramePixels and the scale
// (frame size / image size), or img and 1.
func detectionFrame(img *imagedecode.RGB) (*imagedecode.RGB, float64) {
	pixels := img.Width * img.Height
	if pixels <= maxFramePixels {
		return img, 1
	}
	scale := math.Sqrt(float64(maxFramePixels) / float64(pixels))
	w := max(1, int(float64(img.Width)*scale))
	h := max(1, int(float64(img.Height)*scale))
	return shrink(img, w, h), float64(w) / float64(img.Width)
}

// shrink resamples img to w×h (smaller) by averaging the source pixels
// that fall into each destination pixel.
func shrink(img *imagedecode.RGB, w, h int) *imagedecode.RGB {
	out := &imagedecode.RGB{Width: w, Height: h, Pix: make([]uint8, 3*w*h)}
	for y := 0; y < h; y++ {
		y0, y1 := y*img.Height/h, max((y+1)*img.Height/h, y*img.Height/h+1)
		for x := 0; x < w; x++ {
			x0, x1 := x*img.Width/w, max((x+1)*img.Width/w, x*img.Width/w+1)
			var sum [3]int
			for sy := y0; sy < y1; sy++ {
				row := img.Pix[3*(sy*img.Width+x0) : 3*(sy*img.Width+x1)]
				for i := 0; i < len(row); i += 3 {
					sum[0] += int(row[i])
					sum[1] += int(row[i+1])
					sum[2] += int(row[i+2])
				}
			}
			n := (y1 - y0) * (x1 - x0)
			o := 3 * (y*w + x)
			for c := range 3 {
				out.Pix[o+c] = uint8((sum[c] + n/2) / n)
			}
		}
	}
	return out
}

// setFrame writes img into t as [1,H,W,3] float32, the detector's input.
func setFrame(t *nn.Tensor, img *imagedecode.RGB) {
	t.Resize(1, img.Height, img.Width, 3)
	for i, v := range img.Pix {
		t.Data[i] = float32(v)
	}
}

// decodeError maps imagedecode's errors to application errors.
func decodeError(err error, who role) error {
	switch {
	case errors.Is(err, imagedecode.ErrTooLarge):
		return &idgate.Error{Code: idgate.ETOOLARGE, Message: fmt.Sprintf("the %s is too large", who), Err: err}
	case errors.Is(err, imagedecode.ErrUnsupported):
		return &idgate.Error{Code: idgate.EINVALID, Message: fmt.Sprintf("the %s is not a JPEG, PNG or WebP image", who), Err: err}
	case errors.Is(err, imagedecode.ErrEncoding):
		return &idgate.Error{Code: idgate.EINVALID, Message: fmt.Sprintf("the %s is not valid base64", who), Err: err}
	default:
		return &idgate.Error{Code: idgate.EINVALID, Message: fmt.Sprintf("the %s cannot be decoded", who), Err: err}
	}
}
