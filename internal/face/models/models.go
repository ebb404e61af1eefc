// Package models embeds the face model files idgate runs (see
// PROVENANCE.md for their origin, licences and SHA-256 sums, and
// scripts/fetch-models.sh to re-fetch them). The files are read-only; callers
// must not modify the returned slices.
package models

import _ "embed"

var (
	//go:embed blazeface.json
	blazefaceJSON []byte
	//go:embed blazeface.bin
	blazefaceBin []byte
	//go:embed antispoof.json
	antispoofJSON []byte
	//go:embed antispoof.bin
	antispoofBin []byte
	//go:embed liveness.json
	livenessJSON []byte
	//go:embed liveness.bin
	livenessBin []byte
	//go:embed face_landmark_68_model-weights_manifest.json
	landmarkManifest []byte
	//go:embed face_landmark_68_model.bin
	landmarkBin []byte
	//go:embed face_recognition_model-weights_manifest.json
	recognitionManifest []byte
	//go:embed face_recognition_model.bin
	recognitionBin []byte
)

// BlazeFace returns human-models' blazeface graph model (model.json) and
// its weights.
func BlazeFace() (modelJSON, weights []byte) { return blazefaceJSON, blazefaceBin }

// AntiSpoof returns human-models' antispoof graph model and its (float16)
// weights.
func AntiSpoof() (modelJSON, weights []byte) { return antispoofJSON, antispoofBin }

// Liveness returns human-models' liveness graph model and its weights.
func Liveness() (modelJSON, weights []byte) { return livenessJSON, livenessBin }

// FaceLandmark68 returns face-api's faceLandmark68Net weights manifest and
// weights (uint8-quantised).
func FaceLandmark68() (manifestJSON, weights []byte) { return landmarkManifest, landmarkBin }

// FaceRecognition returns face-api's faceRecognitionNet (dlib ResNet)
// weights manifest and weights.
func FaceRecognition() (manifestJSON, weights []byte) { return recognitionManifest, recognitionBin }
