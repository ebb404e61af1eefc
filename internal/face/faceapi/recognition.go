package faceapi

import (
	"fmt"

	"github.com/idgate/idgate/internal/face/models"
	"github.com/idgate/idgate/internal/nn"
)

// RecognitionInputSize is the side of faceRecognitionNet's square input.
const RecognitionInputSize = 150

// DescriptorSize is the length of a face descriptor.
const DescriptorSize = 128

// convLayer is face-api's ConvLayer: convolution + bias, then a per-channel
// affine "scale" (dlib's folded batch norm), optionally a ReLU. Every step
// rounds to float32 on its own, as in face-api.
type convLayer struct {
	name         string
	filter       *nn.Weights4D
	bias         []float32
	scale, bias2 *nn.Tensor // [c] each: scale/weights, scale/biases
}

func loadConvLayer(w *weightSet, name string, k, in, out int) convLayer {
	return convLayer{
		name:   name,
		filter: w.filter(name+"/conv/filters", k, k, in, out),
		bias:   w.vector(name+"/conv/bias", out),
		scale:  w.tensor(name+"/scale/weights", out),
		bias2:  w.tensor(name+"/scale/biases", out),
	}
}

// resBlock is a residual block (conv1 → conv2, + input) or, when down is
// set, a residual-down block: conv1 is 3×3 stride 2 VALID and the shortcut
// is a 2×2 average pool, zero-padded to the conv branch's channels.
type resBlock struct {
	name         string
	down         bool
	conv1, conv2 convLayer
}

func loadResBlock(w *weightSet, name string, in, out int, down bool) resBlock {
	return resBlock{
		name:  name,
		down:  down,
		conv1: loadConvLayer(w, name+"/conv1", 3, in, out),
		conv2: loadConvLayer(w, name+"/conv2", 3, out, out),
	}
}

// RecognitionNet is face-api's faceRecognitionNet (dlib's
// dlib_face_recognition_resnet_model_v1, a ResNet-29).
type RecognitionNet struct {
	stem   convLayer // 7×7 stride 2 VALID
	blocks []resBlock
	fc     *nn.Tensor // [256, 128], no bias
}

// NewRecognitionNet builds the net from a TF.js weights manifest and its
// data (face_recognition_model).
func NewRecognitionNet(manifest, bin []byte) (*RecognitionNet, error) {
	m, err := nn.LoadManifest(manifest, bin)
	if err != nil {
		return nil, fmt.Errorf("recognition net: %w", err)
	}
	w := newWeightSet(m)
	net := &RecognitionNet{stem: loadConvLayer(w, "conv32_down", 7, 3, 32)}
	layout := []struct {
		name    string
		in, out int
		down    bool
	}{
		{"conv32_1", 32, 32, false}, {"conv32_2", 32, 32, false}, {"conv32_3", 32, 32, false},
		{"conv64_down", 32, 64, true}, {"conv64_1", 64, 64, false}, {"conv64_2", 64, 64, false}, {"conv64_3", 64, 64, false},
		{"conv128_down", 64, 128, true}, {"conv128_1", 128, 128, false}, {"conv128_2", 128, 128, false},
		{"conv256_down", 128, 256, true}, {"conv256_1", 256, 256, false}, {"conv256_2", 256, 256, false},
		{"conv256_down_out", 256, 256, true},
	}
	for _, l := range layout {
		net.blocks = append(net.blocks, loadResBlock(w, l.name, l.in, l.out, l.down))
	}
	net.fc = w.tensor("fc", 256, DescriptorSize)
	if err := w.check(); err != nil {
		return nil, fmt.Errorf("recognition net: %w", err)
	}
	return net, nil
}

// LoadRecognitionNet builds the net from the embedded face-api model.
func LoadRecognitionNet() (*RecognitionNet, error) {
	return NewRecognitionNet(models.FaceRecognition())
}

// RecognitionWorkspace holds one goroutine's buffers for RecognitionNet.Run.
type RecognitionWorkspace struct {
	Trace Tracer // optional

	x, t1, t2, pooled, padded nn.Tensor
	mean, fc                  nn.Tensor
}

func (ws *RecognitionWorkspace) trace(name string, t *nn.Tensor) {
	if ws.Trace != nil {
		ws.Trace(name, t)
	}
}

// Run computes the descriptors [n, 128] (not normalised) for a prepared
// input [n, 150, 150, 3]. The result is a workspace buffer, valid until the
// next Run.
func (net *RecognitionNet) Run(ws *RecognitionWorkspace, input *nn.Tensor) *nn.Tensor {
	if _, h, w, c := input.Dims4(); h != RecognitionInputSize || w != RecognitionInputSize || c != 3 {
		panic(fmt.Sprintf("faceapi: recognition input %v, want [n,150,150,3]", input.Shape))
	}
	ws.trace("input", input)
	net.stem.run(ws, &ws.t1, input, 2, nn.Valid, true)
	nn.MaxPool(&ws.x, &ws.t1, 3, 2, nn.Valid)
	ws.trace("maxpool", &ws.x)
	for i := range net.blocks {
		net.blocks[i].run(ws)
	}
	nn.MeanHW(&ws.mean, &ws.x)
	ws.trace("mean", &ws.mean)
	nn.MatMul(&ws.fc, &ws.mean, net.fc, nil, nn.ActNone)
	ws.trace("fc", &ws.fc)
	return &ws.fc
}

// run replaces ws.x by the block's output.
func (b *resBlock) run(ws *RecognitionWorkspace) {
	if !b.down {
		b.conv1.run(ws, &ws.t1, &ws.x, 1, nn.Same, true)
		b.conv2.run(ws, &ws.t2, &ws.t1, 1, nn.Same, false)
		nn.Add(&ws.x, &ws.t2, &ws.x)
		nn.Relu(&ws.x, &ws.x)
		ws.trace(b.name, &ws.x)
		return
	}
	b.conv1.run(ws, &ws.t1, &ws.x, 2, nn.Valid, true)
	b.conv2.run(ws, &ws.t2, &ws.t1, 1, nn.Same, false)
	nn.AvgPool(&ws.pooled, &ws.x, 2, 2, nn.Valid)
	ws.trace(b.name+"/pool", &ws.pooled)
	conv := &ws.t2
	_, ph, pw, pc := ws.pooled.Dims4()
	_, ch, cw, cc := ws.t2.Dims4()
	if ch != ph || cw != pw {
		// conv256_down (3×3 vs 4×4) and conv256_down_out (1×1 vs 2×2):
		// face-api appends zero rows at the bottom and columns at the right.
		nn.Pad(&ws.t1, &ws.t2, [][2]int{{0, 0}, {0, ph - ch}, {0, pw - cw}, {0, 0}}, 0)
		conv = &ws.t1
		ws.trace(b.name+"/conv2_padded", conv)
	}
	shortcut := &ws.pooled
	if pc != cc {
		nn.Pad(&ws.padded, &ws.pooled, [][2]int{{0, 0}, {0, 0}, {0, 0}, {0, cc - pc}}, 0)
		shortcut = &ws.padded
		ws.trace(b.name+"/pool_padded", shortcut)
	}
	nn.Add(&ws.x, shortcut, conv)
	nn.Relu(&ws.x, &ws.x)
	ws.trace(b.name, &ws.x)
}

func (l *convLayer) run(ws *RecognitionWorkspace, dst, x *nn.Tensor, stride int, pad nn.Padding, relu bool) {
	if ws.Trace == nil {
		// One pass: the scale, shift and ReLU are applied in the GEMM tile's
		// store, rounded like the separate ops below (bit-identical).
		act := nn.ActNone
		if relu {
			act = nn.ActRelu
		}
		nn.Conv2DFused(dst, x, l.filter, stride, pad, nn.ConvEpilogue{Bias: l.bias, Scale: l.scale.Data, Shift: l.bias2.Data, Act: act})
		return
	}
	// Traced runs keep every intermediate for layer-by-layer comparison.
	nn.Conv2D(dst, x, l.filter, l.bias, stride, pad, nn.ActNone)
	ws.trace(l.name+"/conv", dst)
	nn.Mul(dst, dst, l.scale)
	nn.Add(dst, dst, l.bias2)
	if relu {
		nn.Relu(dst, dst)
	}
	ws.trace(l.name, dst)
}
