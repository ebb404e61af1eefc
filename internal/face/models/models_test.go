package models

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"regexp"
	"testing"
)

// TestEmbeddedFilesMatchProvenance checks every embedded file against the
// SHA-256 recorded in PROVENANCE.md.
func TestEmbeddedFilesMatchProvenance(t *testing.T) {
	prov, err := os.ReadFile("PROVENANCE.md")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"blazeface.json": blazefaceJSON, "blazeface.bin": blazefaceBin,
		"antispoof.json": antispoofJSON, "antispoof.bin": antispoofBin,
		"liveness.json": livenessJSON, "liveness.bin": livenessBin,
		"face_landmark_68_model-weights_manifest.json": landmarkManifest,
		"face_landmark_68_model.bin":                   landmarkBin,
		"face_recognition_model-weights_manifest.json": recognitionManifest,
		"face_recognition_model.bin":                   recognitionBin,
	}
	for name, data := range files {
		re := regexp.MustCompile("`" + regexp.QuoteMeta(name) + "` \\|[^|]*\\|[^|]*\\| `([0-9a-f]{64})`")
		m := re.FindSubmatch(prov)
		if m == nil {
			t.Errorf("%s: no SHA-256 in PROVENANCE.md", name)
			continue
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != string(m[1]) {
			t.Errorf("%s: sha256 %s, PROVENANCE.md says %s", name, got, m[1])
		}
	}
}
