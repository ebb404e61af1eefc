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
// Shapes: kernels panic on inconsistent shapes, like an index out of range:
// they are programming errors. The graph executor checks its input's shape
// and turns any kernel panic into an error naming the node.
//
// Parallelism: the expensive kernels (Conv2D, DepthwiseConv2D, MatMul) cut
// their work into chunks that the calling goroutine and up to GOMAXPROCS-1
// workers of a shared pool take from a common counter, so a worker the OS
// schedules late never holds the caller up. Kernels are safe for concurrent
// use on distinct tensors.
//
// Arithmetic: preprocessing kernels (ResizeBilinear, CropAndResize, the
// scalar ops) reproduce the tfjs-cpu kernels bit for bit. With the AVX2/FMA
// kernels (amd64; see Accelerated) convolutions sum each output in tfjs-cpu's
// order (filter row, filter column, input channel) with fused multiply-adds,
// which round exactly like tfjs' float64 product and float32 sum, and
// MatMul sums in tfjs' float64 blocks of 48: the graph models' outputs are
// then bit-identical to TF.js on the cpu backend. The pure-Go fallback
// rounds each product and agrees to about 1e-6 relative.
//
// Speed: im2col (or, for stride-1 convolutions, an implicit GEMM reading
// the input tap by tap) feeding a packed SGEMM with 6×16 AVX2 and 12×16
// AVX-512 register tiles; bias, activation and residual additions happen in
// the tile's store. See README.md.
package nn
