package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/face"
	"github.com/idgate/idgate/internal/progress"
)

const faceUsage = `usage: idgate face compare IMG1 IMG2 | liveness IMG | eval --pairs FILE.csv
Run 'idgate face <subcommand> -h' for flags and examples.`

// runFace implements `idgate face compare|liveness|eval`.
func runFace(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New(faceUsage)}
	}
	switch args[0] {
	case "compare":
		return runFaceCompare(ctx, args[1:], stdout, stderr)
	case "liveness":
		return runFaceLiveness(ctx, args[1:], stdout, stderr)
	case "eval":
		return runFaceEval(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stderr, faceUsage)
		return flag.ErrHelp
	}
	return usageError{fmt.Errorf("unknown subcommand %q\n%s", args[0], faceUsage)}
}

// faceFlags registers the engine flags every face subcommand shares.
func faceFlags(fs *flag.FlagSet) *face.Config {
	cfg := &face.Config{}
	fs.Float64Var(&cfg.Threshold, "threshold", face.DefaultThreshold, "cosine similarity at or above which two faces match")
	fs.IntVar(&cfg.MaxPixels, "max-pixels", 0, "largest image accepted, in pixels (default 24000000)")
	fs.IntVar(&cfg.MaxBytes, "max-bytes", 0, "largest image file accepted, in bytes (default 15 MiB)")
	return cfg
}

func runFaceCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("face compare", "face compare [flags] IMG1 IMG2", `  idgate face compare selfie.jpg id-photo.png
  idgate face compare -threshold 0.92 a.webp b.jpg
Prints {"similarity":..,"confidence":..,"match":..,"threshold":..}.
IMG1 is treated as the selfie (refused when it shows several faces of similar
size), IMG2 as the reference photo (its largest face is used).
Exit code 0 for a match, 1 for no match or an error.
`, stderr)
	cfg := faceFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError{errors.New("give exactly two images: IMG1 IMG2")}
	}
	selfie, reference, err := readTwo(fs.Arg(0), fs.Arg(1))
	if err != nil {
		return err
	}
	eng, err := face.New(*cfg)
	if err != nil {
		return err
	}
	m, err := eng.Compare(ctx, selfie, reference)
	if err != nil {
		return faceError(err)
	}
	if err := writeJSON(stdout, struct {
		Similarity float64 `json:"similarity"`
		Confidence float64 `json:"confidence"`
		Match      bool    `json:"match"`
		Threshold  float64 `json:"threshold"`
	}{round4(m.Similarity), round4(m.Confidence), m.Match, m.Threshold}); err != nil {
		return err
	}
	if !m.Match {
		return errNo
	}
	return nil
}

func runFaceLiveness(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("face liveness", "face liveness [flags] IMG", `  idgate face liveness selfie.jpg
Prints the liveness fields (pass, score, probability, quality, spoof, message)
and the measurements behind them. Passive and single-frame: it flags poor
selfies and some printed or on-screen photos, not a good replay or a mask.
Exit code 0 when the check passes, 1 when it fails or on an error.
`, stderr)
	cfg := faceFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("give exactly one image")}
	}
	img, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	eng, err := face.New(*cfg)
	if err != nil {
		return err
	}
	r, err := eng.LivenessReport(ctx, img)
	if err != nil {
		return faceError(err)
	}
	out := livenessJSON{
		Pass: r.Pass, Score: r.Score, Probability: r.Probability, Quality: r.Quality, Spoof: r.Spoof, Message: r.Message,
	}
	out.Checks.Real = round4(r.Real)
	out.Checks.Live = round4(r.Live)
	out.Checks.FacePixels = round4(r.FacePixels)
	out.Checks.FaceFraction = round4(r.FaceFrac)
	out.Checks.Sharpness = round4(r.Sharpness)
	out.Checks.Brightness = round4(r.Brightness)
	out.Checks.Roll = r.Roll
	out.Checks.NosePosition = r.NosePos
	out.Checks.LandmarksPlausible = r.Plausible
	if err := writeJSON(stdout, out); err != nil {
		return err
	}
	if !r.Pass {
		return errNo
	}
	return nil
}

type livenessJSON struct {
	Pass        bool    `json:"pass"`
	Score       float64 `json:"score"`
	Probability float64 `json:"probability"`
	Quality     float64 `json:"quality"`
	Spoof       bool    `json:"spoof"`
	Message     string  `json:"message"`
	Checks      struct {
		Real               float64 `json:"antispoof_real"`
		Live               float64 `json:"liveness_live"`
		FacePixels         float64 `json:"face_pixels"`
		FaceFraction       float64 `json:"face_fraction"`
		Sharpness          float64 `json:"sharpness"`
		Brightness         float64 `json:"brightness"`
		Roll               float64 `json:"roll_degrees"`
		NosePosition       float64 `json:"nose_position"`
		LandmarksPlausible bool    `json:"landmarks_plausible"`
	} `json:"checks"`
}

func runFaceEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("face eval", "face eval --pairs FILE.csv [flags]", `  idgate face eval --pairs ../shared/testdata/faces/pairs.csv
  idgate face eval --pairs pairs.csv --threshold 0.92 --scores scores.csv
The CSV has the header a,b,same: two image paths (relative to the CSV) and 1
for the same person, 0 for different people. A pair where either image has no
detected face counts as a non-match. Prints n, accuracy at the threshold, auc,
tar_at_far_0.001, tar_at_far_0.01, best_threshold and no_face as JSON.
`, stderr)
	cfg := faceFlags(fs)
	pairsFile := fs.String("pairs", "", "CSV of image pairs (required)")
	scoresFile := fs.String("scores", "", "also write every pair's similarity to this CSV")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "images analysed in parallel")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *pairsFile == "" || fs.NArg() != 0 {
		return usageError{errors.New("give --pairs FILE.csv and no arguments")}
	}
	pairs, err := readPairs(*pairsFile)
	if err != nil {
		return err
	}
	eng, err := face.New(*cfg)
	if err != nil {
		return err
	}
	faces, noFace, err := embedAll(ctx, eng, uniqueImages(pairs), max(*workers, 1), stderr)
	if err != nil {
		return err
	}
	scored := make([]face.ScoredPair, len(pairs))
	for i, p := range pairs {
		scored[i] = face.ScoredPair{Score: face.NoFaceScore, Same: p.same}
		fa, fb := faces[p.a], faces[p.b]
		if fa != nil && fb != nil {
			scored[i].Score = face.Similarity(fa, fb)
		}
	}
	if *scoresFile != "" {
		if err := writeScores(*scoresFile, pairs, scored); err != nil {
			return err
		}
	}
	res := face.Evaluate(scored, eng.Threshold())
	res.NoFace = noFace
	return writeJSON(stdout, roundEval(res))
}

type imagePair struct {
	a, b string // paths as resolved against the CSV's directory
	same bool
}

// readPairs reads a CSV with the header a,b,same.
func readPairs(name string) ([]imagePair, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 3
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(rows) == 0 || strings.Join(rows[0], ",") != "a,b,same" {
		return nil, fmt.Errorf("%s: the header must be a,b,same", name)
	}
	dir := filepath.Dir(name)
	resolve := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	var out []imagePair
	for i, row := range rows[1:] {
		var same bool
		switch strings.TrimSpace(row[2]) {
		case "1":
			same = true
		case "0":
		default:
			return nil, fmt.Errorf("%s line %d: same must be 1 or 0, have %q", name, i+2, row[2])
		}
		out = append(out, imagePair{resolve(strings.TrimSpace(row[0])), resolve(strings.TrimSpace(row[1])), same})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no pairs", name)
	}
	return out, nil
}

func uniqueImages(pairs []imagePair) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range pairs {
		for _, name := range []string{p.a, p.b} {
			if !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	return out
}

// embedAll analyses every image once, workers at a time. Images without a
// face map to nil and are counted; any other failure stops the run.
func embedAll(ctx context.Context, eng *face.Engine, names []string, workers int, stderr io.Writer) (map[string]*face.Face, int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	bar := progress.New(stderr, "face eval", len(names))
	var (
		mu       sync.Mutex
		faces    = make(map[string]*face.Face, len(names))
		noFace   int
		firstErr error
		wg       sync.WaitGroup
		next     = make(chan string)
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range next {
				f, err := embedFile(ctx, eng, name)
				mu.Lock()
				switch {
				case err == nil:
					faces[name] = &f
				case idgate.ErrorCode(err) == idgate.ENOFACE:
					faces[name] = nil
					noFace++
				case firstErr == nil:
					firstErr = fmt.Errorf("%s: %w", name, err)
					cancel()
				}
				mu.Unlock()
				bar.Add(1)
			}
		}()
	}
feed:
	for _, name := range names {
		select {
		case next <- name:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	bar.Done()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return faces, noFace, firstErr
}

func embedFile(ctx context.Context, eng *face.Engine, name string) (face.Face, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return face.Face{}, err
	}
	return eng.Embed(ctx, data)
}

func writeScores(name string, pairs []imagePair, scored []face.ScoredPair) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"a", "b", "same", "similarity"})
	for i, p := range pairs {
		same := "0"
		if p.same {
			same = "1"
		}
		w.Write([]string{filepath.Base(p.a), filepath.Base(p.b), same, fmt.Sprintf("%.6f", scored[i].Score)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func readTwo(a, b string) ([]byte, []byte, error) {
	da, err := os.ReadFile(a)
	if err != nil {
		return nil, nil, err
	}
	db, err := os.ReadFile(b)
	if err != nil {
		return nil, nil, err
	}
	return da, db, nil
}

// faceError turns an application error into its client-safe message, so
// the command line shows "no face found in the selfie" rather than a chain.
func faceError(err error) error {
	var e *idgate.Error
	if errors.As(err, &e) {
		return fmt.Errorf("%s (%s)", e.Message, e.Code)
	}
	return err
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

func roundEval(r face.EvalResult) face.EvalResult {
	r.Accuracy = round4(r.Accuracy)
	r.TAR, r.FAR = round4(r.TAR), round4(r.FAR)
	r.AUC = round4(r.AUC)
	r.TARAtFAR0001, r.TARAtFAR001 = round4(r.TARAtFAR0001), round4(r.TARAtFAR001)
	r.BestThreshold, r.BestAccuracy = round4(r.BestThreshold), round4(r.BestAccuracy)
	return r
}
