package faceapi

import "testing"

func BenchmarkLandmarkNet(b *testing.B) {
	nets := testNets(b)
	in := syntheticInput(LandmarkInputSize, landmarkSeed)
	var ws LandmarkWorkspace
	nets.Landmarks.Run(&ws, in)
	b.ReportAllocs()
	for b.Loop() {
		nets.Landmarks.Run(&ws, in)
	}
}

func BenchmarkRecognitionNet(b *testing.B) {
	nets := testNets(b)
	in := syntheticInput(RecognitionInputSize, recognitionSeed)
	var ws RecognitionWorkspace
	nets.Recognition.Run(&ws, in)
	b.ReportAllocs()
	for b.Loop() {
		nets.Recognition.Run(&ws, in)
	}
}

// BenchmarkDescribe is the chain after detection on one face: two crops,
// input preparation, both nets and the geometry.
func BenchmarkDescribe(b *testing.B) {
	nets := testNets(b)
	img := testImage(b, "family1_dad_1")
	var ws Workspace
	if _, err := nets.Describe(&ws, img, 10.45, 25.23, 184.86, 232.44); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		nets.Describe(&ws, img, 10.45, 25.23, 184.86, 232.44)
	}
}
