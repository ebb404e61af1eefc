// Command pngify decodes images with the engine's decoder (imagedecode:
// EXIF orientation applied, alpha dropped) and writes them as opaque PNGs, so
// that the TF.js oracle sees exactly the pixels the Go engine sees (Go's
// image/jpeg and the oracle's jpeg-js decode JPEGs differently). Dev tool for
// regenerating the face goldens; see ../regen.sh.
//
//	go run ./internal/face/testdata/pngify -out DIR IMG...
package main

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"

	"github.com/idgate/idgate/internal/face/imagedecode"
)

func main() {
	out := flag.String("out", ".", "output directory")
	flag.Parse()
	for _, name := range flag.Args() {
		if err := pngify(name, *out); err != nil {
			fmt.Fprintln(os.Stderr, "pngify:", err)
			os.Exit(1)
		}
	}
}

func pngify(name, outDir string) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	m, err := imagedecode.Decode(data, imagedecode.Limits{})
	if err != nil {
		return fmt.Errorf("decode %s: %w", name, err)
	}
	img := image.NewNRGBA(image.Rect(0, 0, m.Width, m.Height))
	for i := 0; i < m.Width*m.Height; i++ {
		copy(img.Pix[4*i:4*i+3], m.Pix[3*i:3*i+3])
		img.Pix[4*i+3] = 255
	}
	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	w, err := os.Create(filepath.Join(outDir, base+".png"))
	if err != nil {
		return err
	}
	if err := png.Encode(w, img); err != nil {
		w.Close()
		return err
	}
	fmt.Printf("%s %dx%d orientation %d\n", base, m.Width, m.Height, imagedecode.JPEGOrientation(data))
	return w.Close()
}
