package imagedecode

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"runtime"
	"strings"
	"testing"
)

// testPNG encodes a w×h image whose pixel (x, y) is (x, y, x+y) mod 256.
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), uint8(x + y), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// halvesJPEG encodes a w×h JPEG, left half red, right half blue, and inserts
// an EXIF APP1 segment with the given orientation (none when 0).
func halvesJPEG(t testing.TB, w, h, orientation int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{220, 20, 20, 255}
			if x >= w/2 {
				c = color.RGBA{20, 20, 220, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if orientation == 0 {
		return data
	}
	return append(append(append([]byte{}, data[:2]...), exifSegment(orientation, binary.BigEndian)...), data[2:]...)
}

// exifSegment is an APP1 marker with a TIFF IFD0 holding one Orientation entry.
func exifSegment(orientation int, bo binary.ByteOrder) []byte {
	tiff := make([]byte, 8+2+12+4)
	if bo == binary.BigEndian {
		copy(tiff, "MM\x00*")
	} else {
		copy(tiff, "II*\x00")
	}
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)
	e := tiff[10:]
	bo.PutUint16(e[0:], 0x0112)
	bo.PutUint16(e[2:], 3)
	bo.PutUint32(e[4:], 1)
	bo.PutUint16(e[8:], uint16(orientation))
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// bombPNG is a valid PNG header claiming w×h pixels, with no pixel data.
func bombPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestDecodePNGExactPixels(t *testing.T) {
	got, err := Decode(testPNG(t, 40, 30), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Width != 40 || got.Height != 30 || len(got.Pix) != 40*30*3 {
		t.Fatalf("got %d×%d with %d bytes, want 40×30 with 3600", got.Width, got.Height, len(got.Pix))
	}
	for _, p := range [][2]int{{0, 0}, {39, 0}, {0, 29}, {17, 11}} {
		r, g, b := got.At(p[0], p[1])
		if want := [3]uint8{uint8(p[0]), uint8(p[1]), uint8(p[0] + p[1])}; [3]uint8{r, g, b} != want {
			t.Errorf("pixel %v = %v, want %v", p, [3]uint8{r, g, b}, want)
		}
	}
}

func TestDecodeWebPLosslessEqualsPNG(t *testing.T) {
	webpImg := decodeFile(t, "testdata/gopher-doc.8bpp.lossless.webp")
	pngImg := decodeFile(t, "testdata/gopher-doc.8bpp.png")
	if webpImg.Width != pngImg.Width || webpImg.Height != pngImg.Height || !bytes.Equal(webpImg.Pix, pngImg.Pix) {
		t.Fatalf("lossless WebP (%d×%d) differs from its PNG (%d×%d)", webpImg.Width, webpImg.Height, pngImg.Width, pngImg.Height)
	}
}

func TestDecodeWebPLossy(t *testing.T) {
	img := decodeFile(t, "testdata/blue-purple-pink.lossy.webp")
	if img.Width == 0 || img.Height == 0 || len(img.Pix) != 3*img.Width*img.Height {
		t.Fatalf("got %d×%d with %d bytes", img.Width, img.Height, len(img.Pix))
	}
}

func decodeFile(t *testing.T, name string) *RGB {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	img, err := Decode(data, Limits{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return img
}

func TestDecodeHonoursEXIFOrientation(t *testing.T) {
	const w, h = 64, 32 // left half red, right half blue
	isRed := func(m *RGB, x, y int) bool { r, _, b := m.At(x, y); return r > 150 && b < 100 }
	isBlue := func(m *RGB, x, y int) bool { r, _, b := m.At(x, y); return b > 150 && r < 100 }
	tests := []struct {
		orientation   int
		wantW, wantH  int
		redAt, blueAt [2]int // a pixel well inside each half, after orientation
	}{
		{0, w, h, [2]int{8, 16}, [2]int{56, 16}},
		{1, w, h, [2]int{8, 16}, [2]int{56, 16}},
		{2, w, h, [2]int{56, 16}, [2]int{8, 16}},
		{3, w, h, [2]int{56, 16}, [2]int{8, 16}},
		{4, w, h, [2]int{8, 16}, [2]int{56, 16}},
		{5, h, w, [2]int{16, 8}, [2]int{16, 56}},
		{6, h, w, [2]int{16, 8}, [2]int{16, 56}},
		{7, h, w, [2]int{16, 56}, [2]int{16, 8}},
		{8, h, w, [2]int{16, 56}, [2]int{16, 8}},
	}
	for _, tt := range tests {
		img, err := Decode(halvesJPEG(t, w, h, tt.orientation), Limits{})
		if err != nil {
			t.Fatalf("orientation %d: %v", tt.orientation, err)
		}
		if img.Width != tt.wantW || img.Height != tt.wantH {
			t.Errorf("orientation %d: got %d×%d, want %d×%d", tt.orientation, img.Width, img.Height, tt.wantW, tt.wantH)
			continue
		}
		if !isRed(img, tt.redAt[0], tt.redAt[1]) || !isBlue(img, tt.blueAt[0], tt.blueAt[1]) {
			t.Errorf("orientation %d: red expected at %v and blue at %v", tt.orientation, tt.redAt, tt.blueAt)
		}
	}
}

func TestOrientMapsEveryPixel(t *testing.T) {
	// A 3×2 raster whose red channel numbers the pixels.
	src := &RGB{Width: 3, Height: 2, Pix: make([]uint8, 18)}
	for i := range 6 {
		src.Pix[3*i] = uint8(i)
	}
	// Rows of red values after each orientation (the EXIF spec's drawings).
	want := map[int][][]uint8{
		1: {{0, 1, 2}, {3, 4, 5}},
		2: {{2, 1, 0}, {5, 4, 3}},
		3: {{5, 4, 3}, {2, 1, 0}},
		4: {{3, 4, 5}, {0, 1, 2}},
		5: {{0, 3}, {1, 4}, {2, 5}},
		6: {{3, 0}, {4, 1}, {5, 2}},
		7: {{5, 2}, {4, 1}, {3, 0}},
		8: {{2, 5}, {1, 4}, {0, 3}},
	}
	for o, rows := range want {
		got := Orient(src, o)
		if got.Height != len(rows) || got.Width != len(rows[0]) {
			t.Errorf("orientation %d: got %d×%d", o, got.Width, got.Height)
			continue
		}
		for y, row := range rows {
			for x, v := range row {
				if r, _, _ := got.At(x, y); r != v {
					t.Errorf("orientation %d: pixel (%d,%d) = %d, want %d", o, x, y, r, v)
				}
			}
		}
	}
}

func TestJPEGOrientationByteOrders(t *testing.T) {
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		data := append([]byte{0xFF, 0xD8}, exifSegment(6, bo)...)
		data = append(data, 0xFF, 0xD9)
		if got := JPEGOrientation(data); got != 6 {
			t.Errorf("%v: got %d, want 6", bo, got)
		}
	}
	if got := JPEGOrientation([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00}); got != 1 {
		t.Errorf("truncated segment: got %d, want 1", got)
	}
}

func TestDecodeErrors(t *testing.T) {
	valid := testPNG(t, 8, 8)
	jpegData := halvesJPEG(t, 64, 32, 0)
	tests := []struct {
		name string
		data []byte
		lim  Limits
		want error
	}{
		{"empty", nil, Limits{}, ErrUnsupported},
		{"text", []byte("hello, this is not an image"), Limits{}, ErrUnsupported},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), Limits{}, ErrUnsupported},
		{"byte cap", valid, Limits{MaxBytes: len(valid) - 1}, ErrTooLarge},
		{"pixel cap", valid, Limits{MaxPixels: 63}, ErrTooLarge},
		{"bomb", bombPNG(100_000, 100_000), Limits{}, ErrTooLarge},
		{"zero width", bombPNG(0, 10), Limits{}, ErrCorrupt},
		{"truncated png", valid[:len(valid)-20], Limits{}, ErrCorrupt},
		{"truncated jpeg", jpegData[:len(jpegData)/2], Limits{}, ErrCorrupt},
		{"header only", bombPNG(10, 10), Limits{}, ErrCorrupt},
		{"jpeg magic only", []byte{0xFF, 0xD8, 0xFF}, Limits{}, ErrCorrupt},
		{"webp magic only", []byte("RIFF\x00\x00\x00\x00WEBP"), Limits{}, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := Decode(tt.data, tt.lim)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v (image %v), want %v", err, img != nil, tt.want)
			}
		})
	}
}

func TestBombAllocatesLittle(t *testing.T) {
	bomb := bombPNG(60_000, 60_000) // 3.6 gigapixels, 10.8 GB as RGB
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Decode(bomb, Limits{MaxPixels: 4_000_000_000})
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("a header without pixel data decoded")
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Errorf("decoding a header-only bomb allocated %d MB", got>>20)
	}
	if _, err := Decode(bomb, Limits{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("default limits: got %v, want ErrTooLarge", err)
	}
}

func TestDecodeString(t *testing.T) {
	data := testPNG(t, 5, 4)
	std := base64.StdEncoding.EncodeToString(data)
	wrapped := ""
	for i := 0; i < len(std); i += 60 {
		wrapped += std[i:min(i+60, len(std))] + "\r\n"
	}
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"std", std, nil},
		{"raw std", strings.TrimRight(std, "="), nil},
		{"url", base64.URLEncoding.EncodeToString(data), nil},
		{"wrapped", wrapped, nil},
		{"data uri", "data:image/png;base64," + std, nil},
		{"data uri upper", "DATA:image/png;BASE64," + std, nil},
		{"data uri no type", "data:;base64," + std, nil},
		{"data uri not base64", "data:image/png," + std, ErrEncoding},
		{"data uri no comma", "data:image/png;base64", ErrEncoding},
		{"bad alphabet", "!!!!" + std, ErrEncoding},
		{"not an image", base64.StdEncoding.EncodeToString([]byte("plain text")), ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := DecodeString(tt.in, Limits{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if tt.want == nil && (img.Width != 5 || img.Height != 4) {
				t.Fatalf("got %d×%d, want 5×4", img.Width, img.Height)
			}
		})
	}
	if _, err := DecodeString(std, Limits{MaxBytes: len(data) - 1}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("byte cap on base64: got %v, want ErrTooLarge", err)
	}
	huge := strings.Repeat("A", 4*DefaultMaxBytes)
	if _, err := DecodeString(huge, Limits{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized base64: got %v, want ErrTooLarge", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(testPNG(f, 3, 2))
	f.Add(halvesJPEG(f, 16, 8, 6))
	f.Add(bombPNG(1<<20, 1<<20))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8L"))
	if data, err := os.ReadFile("testdata/gopher-doc.8bpp.lossless.webp"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(data, Limits{MaxPixels: 1 << 20})
		if err != nil {
			if img != nil {
				t.Fatal("image returned with an error")
			}
			return
		}
		if img.Width <= 0 || img.Height <= 0 || len(img.Pix) != 3*img.Width*img.Height {
			t.Fatalf("inconsistent raster %d×%d, %d bytes", img.Width, img.Height, len(img.Pix))
		}
	})
}

func FuzzDecodeBase64(f *testing.F) {
	f.Add("data:image/png;base64,iVBORw0KGgo=")
	f.Add("aGVsbG8\n=")
	f.Add("data:,")
	f.Fuzz(func(t *testing.T, s string) {
		out, err := DecodeBase64(s, 1024)
		if err == nil && len(out) > 1024 {
			t.Fatalf("%d bytes returned past the 1024-byte limit", len(out))
		}
	})
}

func FuzzJPEGOrientation(f *testing.F) {
	f.Add(append([]byte{0xFF, 0xD8}, exifSegment(8, binary.LittleEndian)...))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x08, 'E', 'x', 'i', 'f', 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := JPEGOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d out of range", o)
		}
	})
}
