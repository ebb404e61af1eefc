package face

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/face/blazeface"
	"github.com/idgate/idgate/internal/face/faceapi"
	"github.com/idgate/idgate/internal/face/imagedecode"
)

var (
	engineOnce sync.Once
	engineVal  *Engine
	engineErr  error
)

// testEngine is shared by the tests: loading the models takes a moment.
func testEngine(t testing.TB) *Engine {
	t.Helper()
	engineOnce.Do(func() { engineVal, engineErr = New(Config{}) })
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return engineVal
}

func readFace(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata/faces", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// chainGolden is the part of a chain.js output the test compares.
type chainGolden struct {
	Images []struct {
		Blazeface struct {
			Score  float64
			RawBox struct{ StartPoint, EndPoint [2]float64 }
		}
		Face *struct {
			LandmarkCrop    struct{ X, Y, Width, Height int }
			Landmarks       [][2]float64
			RecognitionCrop struct{ X, Y, Width, Height int }
			Descriptor      []float64
		}
	}
}

// TestChainMatchesTFJS runs the whole chain — decode, BlazeFace, landmark
// crop, 68 landmarks, dlib alignment, recognition crop, descriptor — and
// compares every step with the TF.js reference (chain.js) on the same
// pixels. chain.js keeps the highest-scoring detection, so this test does
// too (the engine itself takes the largest confident face).
func TestChainMatchesTFJS(t *testing.T) {
	e := testEngine(t)
	files, _ := filepath.Glob("testdata/chain/*.json")
	if len(files) == 0 {
		t.Fatal("no goldens in testdata/chain")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			var g chainGolden
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &g); err != nil {
				t.Fatal(err)
			}
			want := g.Images[0]
			img := decodeTestImage(t, name)
			ws := &workspace{}
			setFrame(&ws.frame, img)
			res, err := e.detector.Detect(&ws.frame)
			if err != nil {
				t.Fatal(err)
			}
			if want.Face == nil {
				if len(res.Faces) != 0 {
					t.Fatalf("TF.js finds no face, Go finds %d", len(res.Faces))
				}
				return
			}
			if len(res.Faces) == 0 {
				t.Fatal("TF.js finds a face, Go none")
			}
			top := res.Faces[0]
			rb := want.Blazeface.RawBox
			for i, pair := range [][2]float64{
				{top.RawBox.Start.X, rb.StartPoint[0]}, {top.RawBox.Start.Y, rb.StartPoint[1]},
				{top.RawBox.End.X, rb.EndPoint[0]}, {top.RawBox.End.Y, rb.EndPoint[1]},
			} {
				if d := math.Abs(pair[0] - pair[1]); d > 1e-3 {
					t.Errorf("raw box coordinate %d: %v, TF.js %v", i, pair[0], pair[1])
				}
			}
			a := analysis{img: img, detected: top}
			if err := e.describe(ws, &a, 1); err != nil {
				t.Fatal(err)
			}
			f := a.chain
			lc := want.Face.LandmarkCrop
			if got := f.LandmarkCrop; got != image.Rect(lc.X, lc.Y, lc.X+lc.Width, lc.Y+lc.Height) {
				t.Errorf("landmark crop %v, TF.js %+v", got, lc)
			}
			var maxPx float64
			for i, p := range f.Landmarks {
				maxPx = math.Max(maxPx, math.Max(math.Abs(p.X-want.Face.Landmarks[i][0]), math.Abs(p.Y-want.Face.Landmarks[i][1])))
			}
			if maxPx > 1e-3 {
				t.Errorf("landmarks differ by up to %.3g px (limit 1e-3)", maxPx)
			}
			rc := want.Face.RecognitionCrop
			if got := f.RecognitionCrop; got != image.Rect(rc.X, rc.Y, rc.X+rc.Width, rc.Y+rc.Height) {
				t.Errorf("recognition crop %v, TF.js %+v", got, rc)
			}
			ref := make([]float32, len(want.Face.Descriptor))
			var maxDiff float64
			for i, v := range want.Face.Descriptor {
				ref[i] = float32(v)
				maxDiff = math.Max(maxDiff, math.Abs(float64(f.Descriptor[i])-v))
			}
			cos := Cosine(f.Descriptor[:], ref)
			if cos < 0.999 || maxDiff > 1e-4 {
				t.Errorf("descriptor: cosine %.7f, max |diff| %.3g (want ≥ 0.999 and ≤ 1e-4)", cos, maxDiff)
			}
			t.Logf("landmarks ≤ %.2g px, descriptor max |diff| %.2g, cosine %.9f", maxPx, maxDiff, cos)
		})
	}
}

func decodeTestImage(t testing.TB, name string) *imagedecode.RGB {
	t.Helper()
	for _, ext := range []string{".jpg", ".png"} {
		data, err := os.ReadFile(filepath.Join("testdata/faces", name+ext))
		if err != nil {
			continue
		}
		img, err := imagedecode.Decode(data, imagedecode.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	t.Fatalf("no test image %s", name)
	return nil
}

func TestCompare(t *testing.T) {
	e := testEngine(t)
	ctx := context.Background()
	tests := []struct {
		selfie, reference string
		match             bool
	}{
		{"family1_dad_1.jpg", "family1_dad_2.jpg", true},
		{"family1_dad_2.jpg", "family1_dad_1.jpg", true},
		{"family1_dad_1.jpg", "family1_son_1.jpg", false}, // father and son: the hard impostor
		{"family1_daughter_1.jpg", "family2_lady_1.jpg", false},
		// a group photo is a valid reference: its largest face (the dad's) is used
		{"family1_dad_1.jpg", "edge_multiface_family1.jpg", true},
	}
	for _, tt := range tests {
		m, err := e.Compare(ctx, readFace(t, tt.selfie), readFace(t, tt.reference))
		if err != nil {
			t.Fatalf("%s vs %s: %v", tt.selfie, tt.reference, err)
		}
		if m.Match != tt.match || m.Threshold != DefaultThreshold || (m.Similarity >= m.Threshold) != m.Match {
			t.Errorf("%s vs %s: %+v, want match=%v", tt.selfie, tt.reference, m, tt.match)
		}
		if m.Confidence < 0 || m.Confidence > 1 || (m.Confidence > 0.5) != (m.Similarity > calibrationCentre) {
			t.Errorf("%s vs %s: confidence %v for similarity %v", tt.selfie, tt.reference, m.Confidence, m.Similarity)
		}
	}
	same, _ := e.Compare(ctx, readFace(t, "family1_dad_1.jpg"), readFace(t, "family1_dad_1.jpg"))
	if math.Abs(same.Similarity-1) > 1e-9 {
		t.Errorf("an image against itself: similarity %v, want 1", same.Similarity)
	}
}

func TestCompareErrors(t *testing.T) {
	e := testEngine(t)
	ctx := context.Background()
	good := readFace(t, "family1_dad_1.jpg")
	small, err := New(Config{MaxPixels: 100 * 100})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name              string
		engine            *Engine
		selfie, reference []byte
		want              string
	}{
		{"blank selfie", e, readFace(t, "edge_blank_white.png"), good, idgate.ENOFACE},
		{"blank reference", e, good, readFace(t, "edge_blank_white.png"), idgate.ENOFACE},
		{"group selfie", e, readFace(t, "edge_multiface_family1.jpg"), good, idgate.EMANYFACES},
		{"not an image", e, []byte("definitely not a JPEG"), good, idgate.EINVALID},
		{"truncated", e, good[:len(good)/3], good, idgate.EINVALID},
		{"too many pixels", small, good, good, idgate.ETOOLARGE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.engine.Compare(ctx, tt.selfie, tt.reference)
			if got := idgate.ErrorCode(err); got != tt.want {
				t.Fatalf("code %q (%v), want %q", got, err, tt.want)
			}
		})
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.Compare(canceled, good, good); err != context.Canceled {
		t.Errorf("canceled context: %v", err)
	}
}

// TestConcurrentCompare checks that one Engine serves parallel requests
// with the same answers as sequential ones (run with -race).
func TestConcurrentCompare(t *testing.T) {
	e := testEngine(t)
	ctx := context.Background()
	a, b := readFace(t, "family1_dad_1.jpg"), readFace(t, "family1_dad_2.jpg")
	want, err := e.Compare(ctx, a, b)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := e.Compare(ctx, a, b)
			if err != nil {
				errs <- err
				return
			}
			if got != want {
				t.Errorf("concurrent %+v, sequential %+v", got, want)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCompareWithLivenessEqualsSeparateCalls(t *testing.T) {
	e := testEngine(t)
	ctx := context.Background()
	selfie, ref := readFace(t, "family2_lady_1.jpg"), readFace(t, "family1_dad_1.jpg")
	m, live, err := e.CompareWithLiveness(ctx, selfie, ref)
	if err != nil {
		t.Fatal(err)
	}
	wantM, err := e.Compare(ctx, selfie, ref)
	if err != nil {
		t.Fatal(err)
	}
	wantLive, err := e.LivenessReport(ctx, selfie)
	if err != nil {
		t.Fatal(err)
	}
	if m != wantM || live != wantLive {
		t.Errorf("combined %+v %+v, separate %+v %+v", m, live, wantM, wantLive)
	}
	if _, _, err := e.CompareWithLiveness(ctx, readFace(t, "edge_multiface_family1.jpg"), ref); idgate.ErrorCode(err) != idgate.EMANYFACES {
		t.Errorf("group selfie: %v", err)
	}
}

func TestEmbedUsesLargestFace(t *testing.T) {
	e := testEngine(t)
	f, err := e.Embed(context.Background(), readFace(t, "edge_multiface_family1.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Faces < 2 {
		t.Errorf("%d faces in the group photo, want several", f.Faces)
	}
	// BlazeFace's largest box in this photo is the dad's, at x ≈ 259..439.
	if f.Box.X < 200 || f.Box.X > 300 {
		t.Errorf("largest face box %+v, want the one starting near x=259", f.Box)
	}
}

func TestLiveness(t *testing.T) {
	e := testEngine(t)
	ctx := context.Background()
	lady := decodeTestImage(t, "family2_lady_1")
	tests := []struct {
		name    string
		img     []byte
		pass    bool
		message string
	}{
		{"good photo", readFace(t, "family2_lady_1.jpg"), true, MsgLive},
		{"tiny", readFace(t, "edge_tiny_24x32.jpg"), false, MsgFaceTooSmall},
		{"blurred", encodePNG(t, boxBlur(lady, 4)), false, MsgBlurry},
		{"dark", encodePNG(t, scaleBrightness(lady, 0.15)), false, MsgTooDark},
		{"overexposed", encodePNG(t, liftBrightness(lady, 150)), false, MsgOverexposed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := e.LivenessReport(ctx, tt.img)
			if err != nil {
				t.Fatal(err)
			}
			if r.Pass != tt.pass || r.Message != tt.message {
				t.Errorf("pass=%v %q, want pass=%v %q (report %+v)", r.Pass, r.Message, tt.pass, tt.message, r)
			}
			for name, v := range map[string]float64{"score": r.Score, "probability": r.Probability, "quality": r.Quality} {
				if v < 0 || v > 1 || math.IsNaN(v) {
					t.Errorf("%s = %v outside 0..1", name, v)
				}
			}
			if tt.pass && r.Quality < 0.5 {
				t.Errorf("a good photo has quality %v", r.Quality)
			}
		})
	}
	if _, err := e.Liveness(ctx, readFace(t, "edge_multiface_family1.jpg")); idgate.ErrorCode(err) != idgate.EMANYFACES {
		t.Errorf("group selfie: %v, want many_faces", err)
	}
}

func TestConfidence(t *testing.T) {
	prev := -1.0
	for s := -1.0; s <= 1.0; s += 0.01 {
		c := Confidence(s)
		if c < 0 || c > 1 || c < prev {
			t.Fatalf("Confidence(%v) = %v: not a monotone probability", s, c)
		}
		prev = c
	}
	if got := Confidence(calibrationCentre); math.Abs(got-0.5) > 1e-12 {
		t.Errorf("Confidence at the centre = %v, want 0.5", got)
	}
	for _, tt := range []struct {
		v    float64
		want int
	}{{0.914, 91}, {0.805, 81}, {-0.1, 0}, {1.7, 100}} {
		if got := Percent(tt.v); got != tt.want {
			t.Errorf("Percent(%v) = %d, want %d", tt.v, got, tt.want)
		}
	}
}

func TestMatchAt(t *testing.T) {
	for _, tt := range []struct {
		sim, threshold float64
		match          bool
	}{{0.91, 0.90, true}, {0.90, 0.90, true}, {0.91, 0.92, false}, {-0.2, -0.5, true}} {
		m := MatchAt(tt.sim, tt.threshold)
		if m.Match != tt.match || m.Threshold != tt.threshold || m.Similarity != tt.sim || m.Confidence != Confidence(tt.sim) {
			t.Errorf("MatchAt(%v, %v) = %+v, want match %v", tt.sim, tt.threshold, m, tt.match)
		}
	}
}

func TestCosine(t *testing.T) {
	tests := []struct {
		a, b []float32
		want float64
	}{
		{[]float32{1, 0}, []float32{1, 0}, 1},
		{[]float32{1, 0}, []float32{0, 2}, 0},
		{[]float32{1, 1}, []float32{-2, -2}, -1},
		{[]float32{0, 0}, []float32{1, 1}, 0},
	}
	for _, tt := range tests {
		if got := Cosine(tt.a, tt.b); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Cosine(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func encodePNG(t testing.TB, img *imagedecode.RGB) []byte {
	t.Helper()
	out := image.NewNRGBA(image.Rect(0, 0, img.Width, img.Height))
	for y := 0; y < img.Height; y++ {
		for x := 0; x < img.Width; x++ {
			r, g, b := img.At(x, y)
			out.SetNRGBA(x, y, color.NRGBA{r, g, b, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, out); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// boxBlur averages each pixel over a (2r+1)² window, clamped at the edges.
func boxBlur(img *imagedecode.RGB, r int) *imagedecode.RGB {
	out := &imagedecode.RGB{Width: img.Width, Height: img.Height, Pix: make([]uint8, len(img.Pix))}
	for y := 0; y < img.Height; y++ {
		for x := 0; x < img.Width; x++ {
			var sum [3]int
			n := 0
			for dy := -r; dy <= r; dy++ {
				for dx := -r; dx <= r; dx++ {
					sx, sy := min(max(x+dx, 0), img.Width-1), min(max(y+dy, 0), img.Height-1)
					i := 3 * (sy*img.Width + sx)
					sum[0] += int(img.Pix[i])
					sum[1] += int(img.Pix[i+1])
					sum[2] += int(img.Pix[i+2])
					n++
				}
			}
			o := 3 * (y*img.Width + x)
			for c := range 3 {
				out.Pix[o+c] = uint8(sum[c] / n)
			}
		}
	}
	return out
}

func scaleBrightness(img *imagedecode.RGB, f float64) *imagedecode.RGB {
	out := &imagedecode.RGB{Width: img.Width, Height: img.Height, Pix: make([]uint8, len(img.Pix))}
	for i, v := range img.Pix {
		out.Pix[i] = uint8(float64(v) * f)
	}
	return out
}

func liftBrightness(img *imagedecode.RGB, add int) *imagedecode.RGB {
	out := &imagedecode.RGB{Width: img.Width, Height: img.Height, Pix: make([]uint8, len(img.Pix))}
	for i, v := range img.Pix {
		out.Pix[i] = uint8(min(int(v)+add, 255))
	}
	return out
}

func TestFaceSelection(t *testing.T) {
	e := &Engine{cfg: Config{}.withDefaults()}
	box := func(score float32, anchor int, w, h float64) blazeface.Face {
		return blazeface.Face{Score: score, AnchorIndex: anchor, RawBox: blazeface.Box{End: blazeface.Point{X: w, Y: h}}}
	}
	tests := []struct {
		name        string
		faces       []blazeface.Face
		wantAnchor  int
		wantFaces   int
		wantManyErr bool
	}{
		{"none", nil, 0, 0, false},
		{"only weak boxes", []blazeface.Face{box(0.3, 1, 100, 100)}, 0, 0, false},
		{"weak large box ignored", []blazeface.Face{box(0.8, 1, 100, 100), box(0.3, 2, 300, 300)}, 1, 1, false},
		{"largest, not best scored", []blazeface.Face{box(0.9, 1, 50, 50), box(0.7, 2, 100, 100)}, 2, 2, false},
		{"small bystander ignored", []blazeface.Face{box(0.9, 1, 100, 100), box(0.9, 2, 60, 60)}, 1, 2, false},
		{"two similar faces", []blazeface.Face{box(0.9, 1, 100, 100), box(0.9, 2, 70, 70)}, 1, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := blazeface.Result{Faces: tt.faces}
			f, n := e.pickFace(res)
			if n != tt.wantFaces || (n > 0 && f.AnchorIndex != tt.wantAnchor) {
				t.Fatalf("picked anchor %d of %d faces, want %d of %d", f.AnchorIndex, n, tt.wantAnchor, tt.wantFaces)
			}
			if n > 0 && e.ambiguous(res, f) != tt.wantManyErr {
				t.Errorf("ambiguous = %v, want %v", !tt.wantManyErr, tt.wantManyErr)
			}
		})
	}
}

// TestHugeImageUsesBoundedFrame: a 7-megapixel photo is detected on a
// shrunk frame, yet described at full resolution, and gives the same
// person as the original.
func TestHugeImageUsesBoundedFrame(t *testing.T) {
	e := testEngine(t)
	ctx := context.Background()
	small := decodeTestImage(t, "family2_lady_1")
	const k = 7
	big := &imagedecode.RGB{Width: small.Width * k, Height: small.Height * k}
	big.Pix = make([]uint8, 3*big.Width*big.Height)
	for y := 0; y < big.Height; y++ {
		for x := 0; x < big.Width; x++ {
			r, g, b := small.At(x/k, y/k)
			copy(big.Pix[3*(y*big.Width+x):], []uint8{r, g, b})
		}
	}
	ws := &workspace{}
	want, err := e.analyseImage(ctx, ws, small, roleImage, false)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.analyseImage(ctx, ws, big, roleImage, false)
	if err != nil {
		t.Fatal(err)
	}
	if got.frameScale >= 1 || len(ws.frame.Data) > 3*maxFramePixels {
		t.Errorf("frame scale %v, %d values: want a shrunk frame", got.frameScale, len(ws.frame.Data))
	}
	if d := math.Abs(got.face.Box.X/k - want.face.Box.X); d > 0.03*want.face.Box.Width {
		t.Errorf("box x %v, want about %v", got.face.Box.X, k*want.face.Box.X)
	}
	if d := math.Abs(got.face.Box.Width/k - want.face.Box.Width); d > 0.03*want.face.Box.Width {
		t.Errorf("box width %v, want about %v", got.face.Box.Width, k*want.face.Box.Width)
	}
	if sim := Similarity(&got.face, &want.face); sim < 0.95 {
		t.Errorf("similarity to the original %v, want ≥ 0.95", sim)
	}
}

func TestShrinkAverages(t *testing.T) {
	img := &imagedecode.RGB{Width: 4, Height: 2, Pix: []uint8{
		0, 0, 0, 10, 10, 10, 100, 0, 0, 200, 0, 0,
		20, 20, 20, 30, 30, 30, 0, 50, 0, 0, 150, 0,
	}}
	got := shrink(img, 2, 1)
	want := []uint8{15, 15, 15, 75, 50, 0}
	if !bytes.Equal(got.Pix, want) {
		t.Errorf("shrink = %v, want %v", got.Pix, want)
	}
}

func TestPose(t *testing.T) {
	// A schematic upright face: eyes 40 px apart at y=100, nose tip
	// between them, mouth 45 px below, in a 100 px detection box.
	face := func(rotate float64, mouthDrop float64) *faceapi.Face {
		f := &faceapi.Face{Detection: faceapi.Box{Width: 100, Height: 100}}
		rot := func(x, y float64) faceapi.Point {
			s, c := math.Sincos(rotate * math.Pi / 180)
			return faceapi.Point{X: 100 + c*(x-100) - s*(y-100), Y: 100 + s*(x-100) + c*(y-100)}
		}
		f.Alignment.LeftEye, f.Alignment.RightEye = rot(80, 100), rot(120, 100)
		f.Alignment.Mouth = rot(100, 100+mouthDrop)
		f.Landmarks[30] = rot(100, 100+mouthDrop/2)
		return f
	}
	tests := []struct {
		name      string
		f         *faceapi.Face
		plausible bool
	}{
		{"upright", face(0, 45), true},
		{"tilted 20°", face(20, 45), true},
		{"tilted 50°", face(50, 45), false},
		{"mouth above the eyes", face(0, -45), false},
		{"mouth too far down", face(0, 100), false},
	}
	for _, tt := range tests {
		roll, nose, ok := pose(tt.f)
		if ok != tt.plausible {
			t.Errorf("%s: plausible %v (roll %v, nose %v), want %v", tt.name, ok, roll, nose, tt.plausible)
		}
	}
}
