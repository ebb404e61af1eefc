// Package nn is a small pure-Go inference runtime for the face models idgate
// ships: NHWC float32 tensors, the kernels BlazeFace, the anti-spoof and
// liveness graphs and face-api's landmark and recognition nets need, a loader
// for TF.js weights manifests and an executor for TF.js graph models.
//
// Memory: every kernel writes into a caller-provided destination tensor. The
// kernel sets dst.Shape and reuses dst.Data when its capacity suffices, so a
// caller that keeps its tensors between runs allocates nothing per inference
// after the first run. Destinations must not alias inputs unless a kernel's
// comment says so (element-wise kernels allow dst == x).
//
// Shapes: kernels panic on inconsistent shapes, like an index out of range;
// they are programming errors, checked once when a graph is planned.
//
// Parallelism: the expensive kernels (Conv2D, DepthwiseConv2D, MatMul) split
// their work across up to GOMAXPROCS goroutines of a shared worker pool; the
// calling goroutine takes one share. Kernels are safe for concurrent use on
// distinct tensors.
//
// Arithmetic: preprocessing kernels (ResizeBilinear, CropAndResize, the
// scalar ops) reproduce the tfjs-cpu kernels bit for bit; convolutions and
// matrix products sum in a different order than tfjs and agree to ~1e-6
// relative.
package nn
