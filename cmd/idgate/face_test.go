package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const faceTestdata = "../../internal/face/testdata/faces"

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestFaceCompare(t *testing.T) {
	tests := []struct {
		a, b     string
		wantCode int
		match    bool
	}{
		{"family1_dad_1.jpg", "family1_dad_2.jpg", exitOK, true},
		{"family1_dad_1.jpg", "family1_son_1.jpg", exitFailure, false},
	}
	for _, tt := range tests {
		code, out, errOut := runCLI(t, "face", "compare", filepath.Join(faceTestdata, tt.a), filepath.Join(faceTestdata, tt.b))
		if code != tt.wantCode {
			t.Fatalf("%s vs %s: exit %d, want %d (stderr %q)", tt.a, tt.b, code, tt.wantCode, errOut)
		}
		var got struct {
			Similarity, Confidence, Threshold float64
			Match                             bool
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("output %q: %v", out, err)
		}
		if got.Match != tt.match || got.Threshold != 0.9 || got.Confidence < 0 || got.Confidence > 1 {
			t.Errorf("%s vs %s: %+v", tt.a, tt.b, got)
		}
	}
}

func TestFaceCompareErrors(t *testing.T) {
	blank := filepath.Join(faceTestdata, "edge_blank_white.png")
	dad := filepath.Join(faceTestdata, "family1_dad_1.jpg")
	tests := []struct {
		args     []string
		wantCode int
		stderr   string
	}{
		{[]string{"face", "compare", blank, dad}, exitFailure, "no face found in the selfie (no_face)"},
		{[]string{"face", "compare", dad}, exitUsage, "exactly two images"},
		{[]string{"face", "compare", "-threshold", "x", dad, dad}, exitUsage, "invalid value"},
		{[]string{"face", "frobnicate"}, exitUsage, "unknown subcommand"},
		{[]string{"face"}, exitUsage, "usage"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, tt.args...)
		if code != tt.wantCode || !strings.Contains(errOut, tt.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.wantCode, tt.stderr)
		}
	}
	if code, _, errOut := runCLI(t, "face", "eval", "-h"); code != exitOK || !strings.Contains(errOut, "--pairs") {
		t.Errorf("face eval -h: exit %d, stderr %q", code, errOut)
	}
}

func TestFaceLiveness(t *testing.T) {
	code, out, errOut := runCLI(t, "face", "liveness", filepath.Join(faceTestdata, "family2_lady_1.jpg"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"pass", "score", "probability", "quality", "spoof", "message", "checks"} {
		if _, ok := got[k]; !ok {
			t.Errorf("field %q missing from %s", k, out)
		}
	}
	if got["message"] != "Liveness check successful" {
		t.Errorf("message %v", got["message"])
	}
	code, out, _ = runCLI(t, "face", "liveness", filepath.Join(faceTestdata, "edge_tiny_24x32.jpg"))
	if code != exitFailure || !strings.Contains(out, "Face too small") {
		t.Errorf("tiny image: exit %d, %s", code, out)
	}
}

func TestFaceEval(t *testing.T) {
	dir := t.TempDir()
	abs, err := filepath.Abs(faceTestdata)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(dir, abs) // paths relative to the CSV work too
	if err != nil {
		t.Fatal(err)
	}
	csv := "a,b,same\n" +
		rel + "/family1_dad_1.jpg," + rel + "/family1_dad_2.jpg,1\n" +
		abs + "/family1_dad_1.jpg," + abs + "/family1_son_1.jpg,0\n" +
		abs + "/family1_daughter_1.jpg," + abs + "/edge_blank_white.png,0\n" +
		abs + "/family2_lady_1.jpg," + abs + "/edge_blank_white.png,1\n"
	pairs := filepath.Join(dir, "pairs.csv")
	if err := os.WriteFile(pairs, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	scores := filepath.Join(dir, "scores.csv")
	code, out, errOut := runCLI(t, "face", "eval", "--pairs", pairs, "--scores", scores)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got map[string]float64
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	// The blank image has no face: its genuine pair is a miss, its impostor
	// pair a correct reject; the other two pairs are right.
	want := map[string]float64{"n": 4, "accuracy": 0.75, "no_face": 1}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v (%s)", k, got[k], v, out)
		}
	}
	for _, k := range []string{"auc", "tar_at_far_0.001", "tar_at_far_0.01", "best_threshold"} {
		if _, ok := got[k]; !ok {
			t.Errorf("%s missing from %s", k, out)
		}
	}
	if data, err := os.ReadFile(scores); err != nil || strings.Count(string(data), "\n") != 5 {
		t.Errorf("scores file: %v, %q", err, data)
	}

	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("x,y,z\n"), 0o644)
	if code, _, errOut := runCLI(t, "face", "eval", "--pairs", bad); code != exitFailure || !strings.Contains(errOut, "a,b,same") {
		t.Errorf("bad header: exit %d, %q", code, errOut)
	}
}

func FuzzReadPairs(f *testing.F) {
	f.Add("a,b,same\nx.jpg,y.jpg,1\n")
	f.Add("a,b,same\n\"q,uoted.png\",/abs/z.webp,0\n")
	f.Add("a,b,same\nx,y,2\n")
	f.Add("a,b\n")
	f.Fuzz(func(t *testing.T, data string) {
		name := filepath.Join(t.TempDir(), "pairs.csv")
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		pairs, err := readPairs(name)
		if err != nil {
			return
		}
		if len(pairs) == 0 {
			t.Fatal("no error and no pairs")
		}
		for _, p := range pairs {
			if p.a == "" || p.b == "" {
				t.Fatalf("empty path in %+v", p)
			}
		}
	})
}
