// Package imagedecode turns untrusted image bytes (JPEG, PNG or WebP; raw,
// base64 or a data URI) into a packed 8-bit RGB raster for the face engine.
//
// It is the engine's input gate, so it is defensive: the byte size is capped
// before anything is parsed, and the pixel count is read from the header
// (image.DecodeConfig) and refused before the decoder allocates the raster,
// so a small file that claims a huge canvas (a decompression bomb) costs
// nothing. JPEG EXIF orientation is applied, so the raster is upright as a
// viewer would show it. Alpha is dropped without compositing, as TF.js does
// with a decoded tensor, so results stay comparable with the reference.
package imagedecode

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"

	"golang.org/x/image/webp"
)

// Errors returned (wrapped) by Decode and DecodeString; test with errors.Is.
var (
	// ErrTooLarge: the input exceeds Limits.MaxBytes or Limits.MaxPixels.
	ErrTooLarge = errors.New("image too large")
	// ErrUnsupported: the bytes are not a JPEG, PNG or WebP file.
	ErrUnsupported = errors.New("unsupported image format (want JPEG, PNG or WebP)")
	// ErrCorrupt: the header or the pixel data cannot be decoded.
	ErrCorrupt = errors.New("corrupt image")
	// ErrEncoding: the base64 text or the data URI is malformed.
	ErrEncoding = errors.New("malformed base64 image")
)

// Limits bound what Decode accepts. A zero field takes its default.
type Limits struct {
	MaxBytes  int // encoded size in bytes (after base64 decoding)
	MaxPixels int // width × height
}

// Default limits: a 12-megapixel phone photo with room to spare, and the
// largest file such a photo plausibly takes.
const (
	DefaultMaxBytes  = 15 << 20
	DefaultMaxPixels = 24_000_000
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	return l
}

// RGB is an upright 8-bit image: Pix holds R, G, B for each pixel, rows top
// to bottom, no padding (len(Pix) == 3·Width·Height).
type RGB struct {
	Width, Height int
	Pix           []uint8
}

// At returns the pixel at (x, y).
func (m *RGB) At(x, y int) (r, g, b uint8) {
	i := 3 * (y*m.Width + x)
	return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
}

// Format names an accepted container.
type Format string

const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	WebP Format = "webp"
)

// Sniff returns the format announced by the magic bytes, or "".
func Sniff(data []byte) Format {
	switch {
	case len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF:
		return JPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case len(data) >= 12 && string(data[0:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return WebP
	}
	return ""
}

// Decode decodes an encoded image within the limits.
func Decode(data []byte, lim Limits) (*RGB, error) {
	lim = lim.withDefaults()
	if len(data) > lim.MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), lim.MaxBytes)
	}
	format := Sniff(data)
	if format == "" {
		return nil, ErrUnsupported
	}
	cfg, err := decodeConfig(format, data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s header: %v", ErrCorrupt, format, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%w: %s header gives %d×%d pixels", ErrCorrupt, format, cfg.Width, cfg.Height)
	}
	if pixels := int64(cfg.Width) * int64(cfg.Height); pixels > int64(lim.MaxPixels) {
		return nil, fmt.Errorf("%w: %d×%d pixels, limit %d", ErrTooLarge, cfg.Width, cfg.Height, lim.MaxPixels)
	}
	img, err := decodeImage(format, data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, format, err)
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, fmt.Errorf("%w: %s decodes to %d×%d, header says %d×%d", ErrCorrupt, format, b.Dx(), b.Dy(), cfg.Width, cfg.Height)
	}
	rgb := toRGB(img)
	if format == JPEG {
		rgb = Orient(rgb, JPEGOrientation(data))
	}
	return rgb, nil
}

// DecodeString decodes an image given as base64 (standard or URL alphabet,
// padded or not, line breaks allowed) or as a data URI
// ("data:image/jpeg;base64,…").
func DecodeString(s string, lim Limits) (*RGB, error) {
	lim = lim.withDefaults()
	raw, err := DecodeBase64(s, lim.MaxBytes)
	if err != nil {
		return nil, err
	}
	return Decode(raw, lim)
}

// DecodeBase64 returns the bytes of a base64 string or a base64 data URI,
// refusing text that would decode to more than maxBytes.
func DecodeBase64(s string, maxBytes int) ([]byte, error) {
	s = strings.TrimSpace(s)
	if rest, ok := cutPrefixFold(s, "data:"); ok {
		meta, payload, found := strings.Cut(rest, ",")
		if !found {
			return nil, fmt.Errorf("%w: data URI without a comma", ErrEncoding)
		}
		if !hasBase64Param(meta) {
			return nil, fmt.Errorf("%w: data URI is not base64-encoded", ErrEncoding)
		}
		s = payload
	}
	// Refuse before copying: generous room for line breaks first, then the
	// exact encoded length once whitespace is gone.
	if maxBytes > 0 && len(s) > 2*base64.StdEncoding.EncodedLen(maxBytes) {
		return nil, fmt.Errorf("%w: %d base64 characters, limit %d bytes", ErrTooLarge, len(s), maxBytes)
	}
	s = stripSpace(s)
	if maxBytes > 0 && len(s) > base64.StdEncoding.EncodedLen(maxBytes) {
		return nil, fmt.Errorf("%w: %d base64 characters, limit %d bytes", ErrTooLarge, len(s), maxBytes)
	}
	enc := base64.StdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.URLEncoding
	}
	s = strings.TrimRight(s, "=")
	out, err := enc.WithPadding(base64.NoPadding).DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrEncoding, err)
	}
	if maxBytes > 0 && len(out) > maxBytes {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(out), maxBytes)
	}
	return out, nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

func hasBase64Param(meta string) bool {
	for _, p := range strings.Split(meta, ";")[1:] {
		if strings.EqualFold(strings.TrimSpace(p), "base64") {
			return true
		}
	}
	return false
}

func stripSpace(s string) string {
	if !strings.ContainsAny(s, " \t\r\n") {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
}

func decodeConfig(f Format, data []byte) (image.Config, error) {
	r := bytes.NewReader(data)
	switch f {
	case JPEG:
		return jpeg.DecodeConfig(r)
	case PNG:
		return png.DecodeConfig(r)
	default:
		return webp.DecodeConfig(r)
	}
}

func decodeImage(f Format, data []byte) (image.Image, error) {
	r := bytes.NewReader(data)
	switch f {
	case JPEG:
		return jpeg.Decode(r)
	case PNG:
		return png.Decode(r)
	default:
		return webp.Decode(r)
	}
}

// toRGB packs any decoded image into RGB, dropping alpha without
// compositing (the un-premultiplied colour is kept).
func toRGB(img image.Image) *RGB {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := &RGB{Width: w, Height: h, Pix: make([]uint8, 3*w*h)}
	switch m := img.(type) {
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			o := 3 * y * w
			for x := 0; x < w; x++ {
				yi := m.YOffset(b.Min.X+x, b.Min.Y+y)
				ci := m.COffset(b.Min.X+x, b.Min.Y+y)
				r, g, bl := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				out.Pix[o], out.Pix[o+1], out.Pix[o+2] = r, g, bl
				o += 3
			}
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+w]
			o := 3 * y * w
			for _, v := range row {
				out.Pix[o], out.Pix[o+1], out.Pix[o+2] = v, v, v
				o += 3
			}
		}
	case *image.NRGBA:
		packRGBX(out, m.Pix, m.Stride)
	case *image.RGBA:
		// Opaque for every decoder used here (PNG without alpha), so the
		// premultiplied colour is the colour.
		packRGBX(out, m.Pix, m.Stride)
	default:
		o := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
				out.Pix[o], out.Pix[o+1], out.Pix[o+2] = c.R, c.G, c.B
				o += 3
			}
		}
	}
	return out
}

// packRGBX copies the first three of every four bytes of each row.
func packRGBX(out *RGB, pix []uint8, stride int) {
	for y := 0; y < out.Height; y++ {
		row := pix[y*stride : y*stride+4*out.Width]
		o := 3 * y * out.Width
		for i := 0; i < len(row); i += 4 {
			out.Pix[o], out.Pix[o+1], out.Pix[o+2] = row[i], row[i+1], row[i+2]
			o += 3
		}
	}
}
