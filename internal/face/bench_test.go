package face

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"testing"

	"github.com/idgate/idgate/internal/face/imagedecode"
)

// selfieJPEG is a 640×480 JPEG (quality 90) with family2_lady_1's face
// scaled to the full height, on a grey background: the size of a webcam
// selfie.
func selfieJPEG(tb testing.TB) []byte {
	tb.Helper()
	src := decodeTestImage(tb, "family2_lady_1")
	const w, h = 640, 480
	sw := src.Width * h / src.Height
	x0 := (w - sw) / 2
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{128, 128, 128, 255}
			if x >= x0 && x < x0+sw {
				r, g, b := src.At((x-x0)*src.Width/sw, y*src.Height/h)
				c = color.RGBA{r, g, b, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkDecode640x480JPEG(b *testing.B) {
	data := selfieJPEG(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := imagedecode.Decode(data, imagedecode.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchFrame decodes the selfie into a workspace frame.
func benchFrame(b *testing.B) (*Engine, *workspace, *imagedecode.RGB) {
	e := testEngine(b)
	img, err := imagedecode.Decode(selfieJPEG(b), imagedecode.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	ws := &workspace{}
	setFrame(&ws.frame, img)
	return e, ws, img
}

func BenchmarkDetect640x480(b *testing.B) {
	e, ws, _ := benchFrame(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.detector.Detect(&ws.frame); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDescribe is landmarks + alignment + descriptor for one face
// (crops, input preparation and both face-api nets).
func BenchmarkDescribe(b *testing.B) {
	e, ws, img := benchFrame(b)
	res, _ := e.detector.Detect(&ws.frame)
	f, ok := res.Largest()
	if !ok {
		b.Fatal("no face in the benchmark selfie")
	}
	a := analysis{img: img, detected: f}
	b.ReportAllocs()
	for b.Loop() {
		if err := e.describe(ws, &a, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAntiSpoofLiveness is human's face crop plus both liveness models.
func BenchmarkAntiSpoofLiveness(b *testing.B) {
	e, ws, _ := benchFrame(b)
	res, _ := e.detector.Detect(&ws.frame)
	f, _ := res.Largest()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.checker.Check(&ws.frame, f.Box); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSelfiePath is the whole selfie path: decode a 640×480 JPEG,
// detect, landmarks, embed, anti-spoof, liveness and the quality checks.
func BenchmarkSelfiePath(b *testing.B) {
	e := testEngine(b)
	data := selfieJPEG(b)
	ctx := context.Background()
	r, err := e.LivenessReport(ctx, data)
	if err != nil {
		b.Fatal(err)
	}
	if !r.Pass {
		b.Fatalf("benchmark selfie fails liveness: %+v", r)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.LivenessReport(ctx, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSelfiePathParallel runs selfie paths from GOMAXPROCS goroutines
// on one Engine: throughput, and a check that the pool serves them.
func BenchmarkSelfiePathParallel(b *testing.B) {
	e := testEngine(b)
	data := selfieJPEG(b)
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.LivenessReport(ctx, data); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
