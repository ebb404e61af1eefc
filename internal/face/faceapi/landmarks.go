package faceapi

import (
	"fmt"

	"github.com/idgate/idgate/internal/face/models"
	"github.com/idgate/idgate/internal/nn"
)

// LandmarkInputSize is the side of faceLandmark68Net's square input.
const LandmarkInputSize = 112

// landmarkOutputs is the length of the fc output: 68 (x, y) pairs.
const landmarkOutputs = 136

// Tracer receives every intermediate tensor of a forward pass under the
// oracle's layer name (`faceapi.js --dump-layers`). The tensor is a
// workspace buffer: copy it to keep it.
type Tracer func(name string, t *nn.Tensor)

// separable is tf.separableConv2d followed by a bias: depthwise 3×3 SAME,
// pointwise 1×1, + bias, no activation.
type separable struct {
	name      string
	depthwise *nn.Weights4D
	pointwise *nn.Weights4D
	bias      []float32
}

func loadSeparable(w *weightSet, name string, in, out int) separable {
	return separable{
		name:      name,
		depthwise: w.filter(name+"/depthwise_filter", 3, 3, in, 1),
		pointwise: w.filter(name+"/pointwise_filter", 1, 1, in, out),
		bias:      w.vector(name+"/bias", out),
	}
}

// denseBlock is face-api's DenseBlock4: a strided entry convolution and
// three separable convolutions, each fed the ReLU of the sum of all earlier
// outputs.
type denseBlock struct {
	name string
	// entry is dense0's plain 3×3 stride-2 convolution; later blocks enter
	// through a separable convolution with a stride-2 depthwise step.
	entry      *nn.Weights4D
	entryBias  []float32
	entrySep   separable
	conv       [3]separable
	firstBlock bool
}

// LandmarkNet is face-api's faceLandmark68Net.
type LandmarkNet struct {
	blocks    [4]denseBlock
	fcWeights *nn.Tensor // [256, 136]
	fcBias    []float32
}

// NewLandmarkNet builds the net from a TF.js weights manifest and its data
// (face_landmark_68_model).
func NewLandmarkNet(manifest, bin []byte) (*LandmarkNet, error) {
	m, err := nn.LoadManifest(manifest, bin)
	if err != nil {
		return nil, fmt.Errorf("landmark net: %w", err)
	}
	w := newWeightSet(m)
	net := &LandmarkNet{}
	channels := [5]int{3, 32, 64, 128, 256}
	for k := range net.blocks {
		in, out := channels[k], channels[k+1]
		b := &net.blocks[k]
		b.name = fmt.Sprintf("dense%d", k)
		if k == 0 {
			b.firstBlock = true
			b.entry = w.filter(b.name+"/conv0/filters", 3, 3, in, out)
			b.entryBias = w.vector(b.name+"/conv0/bias", out)
		} else {
			b.entrySep = loadSeparable(w, b.name+"/conv0", in, out)
		}
		for i := range b.conv {
			b.conv[i] = loadSeparable(w, fmt.Sprintf("%s/conv%d", b.name, i+1), out, out)
		}
	}
	net.fcWeights = w.tensor("fc/weights", 256, landmarkOutputs)
	net.fcBias = w.vector("fc/bias", landmarkOutputs)
	if err := w.check(); err != nil {
		return nil, fmt.Errorf("landmark net: %w", err)
	}
	return net, nil
}

// LoadLandmarkNet builds the net from the embedded face-api model.
func LoadLandmarkNet() (*LandmarkNet, error) {
	return NewLandmarkNet(models.FaceLandmark68())
}

// LandmarkWorkspace holds one goroutine's buffers for LandmarkNet.Run;
// after the first run nothing more is allocated.
type LandmarkWorkspace struct {
	Trace Tracer // optional

	out1, out2, out3, out4 nn.Tensor
	acc, dw, block         nn.Tensor
	pooled, flat, fc       nn.Tensor
}

func (ws *LandmarkWorkspace) trace(name string, t *nn.Tensor) {
	if ws.Trace != nil {
		ws.Trace(name, t)
	}
}

// Run computes the raw fc output ([n, 136]: x, y interleaved, relative to
// the padded square crop) for a prepared input [n, 112, 112, 3]. The result
// is a workspace buffer, valid until the next Run.
func (net *LandmarkNet) Run(ws *LandmarkWorkspace, input *nn.Tensor) *nn.Tensor {
	if _, h, w, c := input.Dims4(); h != LandmarkInputSize || w != LandmarkInputSize || c != 3 {
		panic(fmt.Sprintf("faceapi: landmark input %v, want [n,112,112,3]", input.Shape))
	}
	ws.trace("input", input)
	x := input
	for i := range net.blocks {
		net.blocks[i].run(ws, x)
		x = &ws.block
	}
	// AvgPool 7×7 stride 2 VALID on 7×7 is the mean over the block output.
	nn.AvgPool(&ws.pooled, x, 7, 2, nn.Valid)
	ws.trace("avgpool", &ws.pooled)
	nn.Reshape(&ws.flat, &ws.pooled, ws.pooled.Shape[0], -1)
	nn.MatMul(&ws.fc, &ws.flat, net.fcWeights, net.fcBias, nn.ActNone)
	ws.trace("fc", &ws.fc)
	return &ws.fc
}

// run writes the block's output to ws.block. x may be ws.block (the previous
// block's output): it is read only by the entry convolution.
func (b *denseBlock) run(ws *LandmarkWorkspace, x *nn.Tensor) {
	if b.firstBlock {
		nn.Conv2D(&ws.out1, x, b.entry, b.entryBias, 2, nn.Same, nn.ActNone)
		ws.trace(b.name+"/conv0", &ws.out1)
	} else {
		b.entrySep.run(ws, &ws.out1, x, 2)
	}
	nn.Relu(&ws.out1, &ws.out1)
	ws.trace(b.name+"/out1", &ws.out1)

	b.conv[0].run(ws, &ws.out2, &ws.out1, 1)

	// in3 = relu(out1 + out2)
	nn.Add(&ws.acc, &ws.out1, &ws.out2)
	nn.Relu(&ws.acc, &ws.acc)
	ws.trace(b.name+"/in3", &ws.acc)
	b.conv[1].run(ws, &ws.out3, &ws.acc, 1)

	// in4 = relu(out1 + (out2 + out3)); the nesting is face-api's.
	nn.Add(&ws.acc, &ws.out2, &ws.out3)
	nn.Add(&ws.acc, &ws.acc, &ws.out1)
	nn.Relu(&ws.acc, &ws.acc)
	ws.trace(b.name+"/in4", &ws.acc)
	b.conv[2].run(ws, &ws.out4, &ws.acc, 1)

	// out = relu(out1 + (out2 + (out3 + out4)))
	nn.Add(&ws.out4, &ws.out4, &ws.out3)
	nn.Add(&ws.out4, &ws.out4, &ws.out2)
	nn.Add(&ws.block, &ws.out4, &ws.out1)
	nn.Relu(&ws.block, &ws.block)
	ws.trace(b.name, &ws.block)
}

func (s *separable) run(ws *LandmarkWorkspace, dst, x *nn.Tensor, stride int) {
	nn.SeparableConv2D(dst, &ws.dw, x, s.depthwise, s.pointwise, s.bias, stride, nn.Same, nn.ActNone)
	if ws.Trace != nil {
		ws.trace(s.name+"/depthwise", &ws.dw)
		ws.trace(s.name, dst)
	}
}
