// Package faceapi ports the two face-api.js nets of idgate's recognition
// chain to Go, over the kernels of internal/nn, together with face-api's
// arithmetic around them:
//
//   - LandmarkNet is faceLandmark68Net (112×112 input, four dense blocks of
//     separable convolutions, fc → 68 points);
//   - RecognitionNet is faceRecognitionNet, dlib's ResNet-29
//     (150×150 input → 128-d descriptor, not normalised);
//   - PrepareInput is face-api's NetInput.toBatchTensor + normalize (pad to
//     square, bilinear resize, mean subtraction, ÷ 255);
//   - the geometry (detection box, integer crops, landmark post-processing,
//     the dlib alignment box) follows face-api 1.7.15 number for number,
//     with one deliberate change: crops that reach past the image edge are
//     zero-filled instead of clipped (the TF.js oracle's --fill zero).
//
// Weight names are face-api's (dense0/conv0/filters, conv32_1/conv1/conv/bias,
// …), so a layer here can be compared with the oracle's
// `faceapi.js --dump-layers` output by name. With the runtime's current
// kernels every layer is bit-identical to TF.js' cpu backend; the tests
// allow the project's 1e-4.
//
// Nets are read-only after loading and safe for concurrent use; every
// goroutine brings its own Workspace.
package faceapi
