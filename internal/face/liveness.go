package face

import (
	"context"
	"fmt"
	"image"
	"math"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/face/faceapi"
	"github.com/idgate/idgate/internal/face/imagedecode"
	"github.com/idgate/idgate/internal/nn"
)

// LivenessConfig tunes the liveness decision. Zero fields take the
// defaults, chosen on the test photos described in docs/FACE.md.
type LivenessConfig struct {
	MinFacePixels   float64 // smallest face box width in pixels; default 64
	MinFaceFraction float64 // smallest face box width as a fraction of the image's shorter side; default 0.1
	MinSharpness    float64 // smallest variance of the Laplacian of the 150×150 face (0..255 grey levels); default 20
	MinBrightness   float64 // darkest acceptable mean face luminance, 0..255; default 40
	MaxBrightness   float64 // brightest acceptable mean face luminance, 0..255; default 215
	MinReal         float64 // anti-spoof model probability below which the face counts as a presentation attack; default 0.2
	MinLive         float64 // liveness model probability below which the check fails; default 0.1
}

func (c LivenessConfig) withDefaults() LivenessConfig {
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MinFacePixels, 64)
	def(&c.MinFaceFraction, 0.1)
	def(&c.MinSharpness, 20)
	def(&c.MinBrightness, 40)
	def(&c.MaxBrightness, 215)
	def(&c.MinReal, 0.2)
	def(&c.MinLive, 0.1)
	return c
}

// Liveness messages, in the order the checks run: the first failing check
// names the result.
const (
	MsgLive         = "Liveness check successful"
	MsgFaceTooSmall = "Face too small"
	MsgTooDark      = "Image too dark"
	MsgOverexposed  = "Image overexposed"
	MsgBlurry       = "Image too blurry"
	MsgFacePose     = "Face not fully visible or not facing the camera"
	MsgSpoof        = "Possible presentation attack"
	MsgNotLive      = "Liveness check failed"
)

// LivenessReport is a liveness result with the measurements behind it.
type LivenessReport struct {
	idgate.LivenessResult
	Real       float64 // anti-spoof model: probability of a real face
	Live       float64 // liveness model: probability of a live face
	FacePixels float64 // face box width in pixels
	FaceFrac   float64 // face box width / the image's shorter side
	Sharpness  float64 // variance of the Laplacian of the 150×150 face
	Brightness float64 // mean luminance of the face, 0..255
	Roll       float64 // head roll from the eye line, degrees
	NosePos    float64 // nose tip between the eyes, 0 (left eye) .. 1 (right eye); 0.5 frontal
	Plausible  bool    // the 68 landmarks form a plausible frontal face
}

// Liveness runs passive, single-frame liveness checks on a selfie.
func (e *Engine) Liveness(ctx context.Context, selfie []byte) (idgate.LivenessResult, error) {
	r, err := e.LivenessReport(ctx, selfie)
	return r.LivenessResult, err
}

// LivenessReport is Liveness with the measurements.
func (e *Engine) LivenessReport(ctx context.Context, selfie []byte) (LivenessReport, error) {
	ws := e.acquire()
	defer e.release(ws)
	a, err := e.analyse(ctx, ws, selfie, roleSelfie, true)
	if err != nil {
		return LivenessReport{}, err
	}
	return e.livenessOf(ws, &a)
}

// CompareWithLiveness is Compare and Liveness in one pass over the selfie
// (decoded, detected and described once), for requests that want both.
func (e *Engine) CompareWithLiveness(ctx context.Context, selfie, reference []byte) (idgate.FaceMatch, LivenessReport, error) {
	ws := e.acquire()
	defer e.release(ws)
	s, err := e.analyse(ctx, ws, selfie, roleSelfie, true)
	if err != nil {
		return idgate.FaceMatch{}, LivenessReport{}, err
	}
	// Before the reference overwrites the workspace's frame and crops.
	live, err := e.livenessOf(ws, &s)
	if err != nil {
		return idgate.FaceMatch{}, LivenessReport{}, err
	}
	r, err := e.analyse(ctx, ws, reference, roleReference, false)
	if err != nil {
		return idgate.FaceMatch{}, LivenessReport{}, err
	}
	return e.match(Similarity(&s.face, &r.face)), live, nil
}

// CompareAndCheckLiveness implements idgate.FaceAndLivenessEngine.
func (e *Engine) CompareAndCheckLiveness(ctx context.Context, selfie, reference []byte) (idgate.FaceMatch, idgate.LivenessResult, error) {
	m, live, err := e.CompareWithLiveness(ctx, selfie, reference)
	return m, live.LivenessResult, err
}

var _ idgate.FaceAndLivenessEngine = (*Engine)(nil)

// Confidence maps a cosine similarity to the engine's calibrated 0–1
// confidence, so dialects that report a threshold on the confidence scale
// (Youverify's 0–100) can report the one that decides.
func (e *Engine) Confidence(similarity float64) float64 { return Confidence(similarity) }

// livenessOf measures an analysed selfie; ws must still hold its frame and
// recognition input.
func (e *Engine) livenessOf(ws *workspace, a *analysis) (LivenessReport, error) {
	models, err := e.checker.Check(&ws.frame, a.detected.Box)
	if err != nil {
		return LivenessReport{}, fmt.Errorf("face: %w", err)
	}
	r := LivenessReport{Real: float64(models.Real), Live: float64(models.Live)}
	r.FacePixels = a.face.Box.Width
	r.FaceFrac = a.face.Box.Width / float64(min(a.img.Width, a.img.Height))
	r.Sharpness = sharpness(ws.chain.RecognitionInput())
	r.Brightness = brightness(a.img, a.chain.RecognitionCrop)
	r.Roll, r.NosePos, r.Plausible = pose(&a.chain)
	e.decide(&r)
	return r, nil
}

// decide fills the domain fields from the measurements.
func (e *Engine) decide(r *LivenessReport) {
	c := e.cfg.Liveness
	sizeQ := math.Min(ramp(r.FacePixels, c.MinFacePixels, 1.5*c.MinFacePixels), ramp(r.FaceFrac, c.MinFaceFraction, 1.5*c.MinFaceFraction))
	sharpQ := ramp(r.Sharpness, c.MinSharpness, 2*c.MinSharpness)
	mid := (c.MinBrightness + c.MaxBrightness) / 2
	exposureQ := ramp(r.Brightness, c.MinBrightness, (c.MinBrightness+mid)/2) * ramp(-r.Brightness, -c.MaxBrightness, -(c.MaxBrightness+mid)/2)
	poseQ := 1.0
	if !r.Plausible {
		poseQ = 0
	}
	r.Quality = round3(sizeQ * sharpQ * exposureQ * poseQ)
	r.Probability = round3(r.Live)
	r.Spoof = r.Real < c.MinReal
	r.Score = round3(math.Cbrt(r.Real * r.Live * r.Quality))

	switch {
	case r.FacePixels < c.MinFacePixels || r.FaceFrac < c.MinFaceFraction:
		r.Message = MsgFaceTooSmall
	case r.Brightness < c.MinBrightness:
		r.Message = MsgTooDark
	case r.Brightness > c.MaxBrightness:
		r.Message = MsgOverexposed
	case r.Sharpness < c.MinSharpness: // after exposure: a dark face also has little detail
		r.Message = MsgBlurry
	case !r.Plausible:
		r.Message = MsgFacePose
	case r.Spoof:
		r.Message = MsgSpoof
	case r.Live < c.MinLive:
		r.Message = MsgNotLive
	default:
		r.Message = MsgLive
		r.Pass = true
	}
}

// ramp is 0 at or below lo, 1 at or above hi, linear between.
func ramp(v, lo, hi float64) float64 {
	switch {
	case v <= lo:
		return 0
	case v >= hi:
		return 1
	}
	return (v - lo) / (hi - lo)
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// sharpness is the variance of the 4-neighbour Laplacian of the grey
// face, on the central 100×100 of the 150×150 recognition input (the dlib
// box is tight around eyes and mouth; the centre avoids zero-filled
// borders). The input is (v − mean)/255 per channel, so the grey level is
// recovered up to a constant, which the Laplacian ignores.
func sharpness(in *nn.Tensor) float64 {
	const lo, hi = 25, faceapi.RecognitionInputSize - 25
	grey := func(y, x int) float64 {
		return 255 * float64(in.At4(0, y, x, 0)+in.At4(0, y, x, 1)+in.At4(0, y, x, 2)) / 3
	}
	var sum, sumSq float64
	n := 0
	for y := lo; y < hi; y++ {
		for x := lo; x < hi; x++ {
			l := grey(y-1, x) + grey(y+1, x) + grey(y, x-1) + grey(y, x+1) - 4*grey(y, x)
			sum += l
			sumSq += l * l
			n++
		}
	}
	mean := sum / float64(n)
	return sumSq/float64(n) - mean*mean
}

// brightness is the mean luminance (Rec. 601) of the image pixels inside
// the face crop.
func brightness(img *imagedecode.RGB, crop image.Rectangle) float64 {
	r := crop.Intersect(image.Rect(0, 0, img.Width, img.Height))
	if r.Empty() {
		return 0
	}
	var sum float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb := img.At(x, y)
			sum += 0.299*float64(cr) + 0.587*float64(cg) + 0.114*float64(cb)
		}
	}
	return sum / float64(r.Dx()*r.Dy())
}

// pose checks that the 68 landmarks look like an upright, roughly frontal
// face: eyes level within 35°, the nose tip between the eyes, the mouth
// below them at a human eye–mouth / eye–eye ratio, and the eyes a
// plausible fraction of the detected box.
func pose(f *faceapi.Face) (roll, nosePos float64, plausible bool) {
	le, re, mo := f.Alignment.LeftEye, f.Alignment.RightEye, f.Alignment.Mouth
	dx, dy := re.X-le.X, re.Y-le.Y
	iod := math.Hypot(dx, dy)
	roll = math.Atan2(dy, dx) * 180 / math.Pi
	if iod == 0 {
		return roll, 0, false
	}
	// Project the nose tip (30) and the mouth onto the eye line and its normal.
	nose := f.Landmarks[30]
	nosePos = ((nose.X-le.X)*dx + (nose.Y-le.Y)*dy) / (iod * iod)
	midX, midY := (le.X+re.X)/2, (le.Y+re.Y)/2
	mouthDrop := (-(mo.X-midX)*dy + (mo.Y-midY)*dx) / iod // distance below the eye line
	ratio := mouthDrop / iod
	eyeFrac := iod / f.Detection.Width
	plausible = math.Abs(roll) <= 35 &&
		nosePos >= 0.15 && nosePos <= 0.85 &&
		ratio >= 0.6 && ratio <= 1.8 &&
		eyeFrac >= 0.2 && eyeFrac <= 0.7
	return round3(roll), round3(nosePos), plausible
}
