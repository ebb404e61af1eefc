package nn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MaxGraphNodes bounds the size of a graph model LoadGraphModel accepts.
const MaxGraphNodes = 10000

// Graph is a TF.js graph model planned for execution: weights decoded,
// nodes in execution order, each node's kernel and constant operands
// resolved, intermediate buffers assigned. A Graph is immutable and safe
// to share; run it through a Session (one per goroutine).
type Graph struct {
	nodes    []*gnode
	nslots   int
	nbufs    int
	inputs   []graphIO
	outputs  []graphIO
	constSet map[int]*Tensor // slot -> constant value
}

// graphIO is a named graph input or output and its slot.
type graphIO struct {
	name  string // signature name (or node name)
	slot  int
	shape []int // declared shape of an input; -1 = any
}

// gnode is one executable node.
type gnode struct {
	name, op string
	in       []int // input slots
	out      int   // output slot
	buf      int   // buffer id, -1 for views
	run      func(s *Session, n *gnode)
	// resolved constant operands
	w       *Weights4D
	bias    []float32
	alpha   []float32
	stride  int
	size    int
	pad     Padding
	act     Activation
	ints    []int
	pads    [][2]int
	padVal  float32
	keep    bool
	axis    int
	res     int // index in in of a fused residual, -1 for none
	mat     *Tensor
	scalarB bool
}

type graphJSON struct {
	Format        string `json:"format"`
	ModelTopology struct {
		Node []nodeJSON `json:"node"`
	} `json:"modelTopology"`
	WeightsManifest     []WeightGroup  `json:"weightsManifest"`
	Signature           *signatureJSON `json:"signature"`
	UserDefinedMetadata struct {
		Signature *signatureJSON `json:"signature"`
	} `json:"userDefinedMetadata"`
}

type signatureJSON struct {
	Outputs json.RawMessage `json:"outputs"`
}

type sigTensor struct {
	Name string `json:"name"`
}

// orderedOutputs returns the signature's outputs in the JSON file's order
// (the order TF.js reports them in).
func (sig *signatureJSON) orderedOutputs() (keys []string, vals []sigTensor, err error) {
	if sig == nil || len(sig.Outputs) == 0 {
		return nil, nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(sig.Outputs))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, fmt.Errorf("signature outputs: not an object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("signature outputs: %w", err)
		}
		key, _ := tok.(string)
		var v sigTensor
		if err := dec.Decode(&v); err != nil {
			return nil, nil, fmt.Errorf("signature output %q: %w", key, err)
		}
		keys, vals = append(keys, key), append(vals, v)
	}
	return keys, vals, nil
}

type nodeJSON struct {
	Name  string               `json:"name"`
	Op    string               `json:"op"`
	Input []string             `json:"input"`
	Attr  map[string]attrValue `json:"attr"`
}

type attrValue struct {
	S     *string         `json:"s"`
	I     json.RawMessage `json:"i"`
	F     *float64        `json:"f"`
	B     *bool           `json:"b"`
	List  *attrList       `json:"list"`
	Shape *struct {
		Dim []struct {
			Size json.RawMessage `json:"size"`
		} `json:"dim"`
	} `json:"shape"`
}

type attrList struct {
	I []json.RawMessage `json:"i"`
	S []string          `json:"s"`
}

// LoadGraphModel parses a TF.js graph model (model.json) and its weights
// (the manifest's files concatenated) and plans its execution. A graph with
// an op the runtime lacks is an error naming the op and the node.
func LoadGraphModel(modelJSON, weights []byte) (*Graph, error) {
	if len(modelJSON) > MaxManifestBytes {
		return nil, fmt.Errorf("graph model: %d bytes of JSON, limit %d", len(modelJSON), MaxManifestBytes)
	}
	var gj graphJSON
	if err := json.Unmarshal(modelJSON, &gj); err != nil {
		return nil, fmt.Errorf("graph model: %w", err)
	}
	if gj.Format != "" && gj.Format != "graph-model" {
		return nil, fmt.Errorf("graph model: format %q", gj.Format)
	}
	if n := len(gj.ModelTopology.Node); n == 0 || n > MaxGraphNodes {
		return nil, fmt.Errorf("graph model: %d nodes", n)
	}
	ws, err := DecodeWeights(gj.WeightsManifest, weights)
	if err != nil {
		return nil, fmt.Errorf("graph model: %w", err)
	}
	return plan(&gj, ws)
}

func plan(gj *graphJSON, ws map[string]*Tensor) (*Graph, error) {
	g := &Graph{constSet: map[int]*Tensor{}}
	slotOf := map[string]int{}
	byName := map[string]*nodeJSON{}
	for i := range gj.ModelTopology.Node {
		nj := &gj.ModelTopology.Node[i]
		if _, dup := byName[nj.Name]; dup || nj.Name == "" {
			return nil, fmt.Errorf("graph model: node name %q empty or repeated", nj.Name)
		}
		byName[nj.Name] = nj
	}
	order, err := topoOrder(gj.ModelTopology.Node, byName)
	if err != nil {
		return nil, err
	}
	consumers := map[string]int{}
	for _, nj := range order {
		for _, in := range nj.Input {
			if name, _, ok := parseRef(in); ok {
				consumers[name]++
			}
		}
	}
	for _, nj := range order {
		slot := g.nslots
		g.nslots++
		slotOf[nj.Name] = slot
		switch nj.Op {
		case "Const":
			t, ok := ws[nj.Name]
			if !ok {
				return nil, fmt.Errorf("graph model: const node %q has no weights", nj.Name)
			}
			g.constSet[slot] = t
			continue
		case "Placeholder":
			io := graphIO{name: nj.Name, slot: slot}
			if a, ok := nj.Attr["shape"]; ok && a.Shape != nil {
				for _, d := range a.Shape.Dim {
					v, err := rawInt(d.Size)
					if err != nil {
						return nil, fmt.Errorf("graph model: placeholder %q shape: %w", nj.Name, err)
					}
					io.shape = append(io.shape, v)
				}
			}
			g.inputs = append(g.inputs, io)
			continue
		}
		n := &gnode{name: nj.Name, op: nj.Op, out: slot, res: -1}
		for _, in := range nj.Input {
			name, idx, ok := parseRef(in)
			if !ok {
				continue // control dependency
			}
			s, found := slotOf[name]
			if !found {
				return nil, fmt.Errorf("graph model: node %q reads unknown %q", nj.Name, in)
			}
			if idx != 0 {
				return nil, fmt.Errorf("graph model: node %q reads output %d of %q (multi-output ops unsupported)", nj.Name, idx, name)
			}
			n.in = append(n.in, s)
		}
		if err := g.compile(n, nj); err != nil {
			return nil, fmt.Errorf("graph model: node %q (op %s): %w", nj.Name, nj.Op, err)
		}
		g.nodes = append(g.nodes, n)
	}
	if err := g.resolveIO(gj, slotOf, consumers, order); err != nil {
		return nil, err
	}
	if err := g.foldConstants(); err != nil {
		return nil, err
	}
	g.fuseRelus()
	g.assignBuffers()
	return g, nil
}

// topoOrder returns the nodes in an order where every input comes first
// (stable: the file's order when it already is one).
func topoOrder(nodes []nodeJSON, byName map[string]*nodeJSON) ([]*nodeJSON, error) {
	state := map[string]int{} // 1 visiting, 2 done
	out := make([]*nodeJSON, 0, len(nodes))
	var visit func(nj *nodeJSON, depth int) error
	visit = func(nj *nodeJSON, depth int) error {
		switch state[nj.Name] {
		case 1:
			return fmt.Errorf("graph model: cycle through %q", nj.Name)
		case 2:
			return nil
		}
		if depth > MaxGraphNodes {
			return errors.New("graph model: too deep")
		}
		state[nj.Name] = 1
		for _, in := range nj.Input {
			name, _, _ := parseRef(in)
			dep, ok := byName[name]
			if !ok {
				return fmt.Errorf("graph model: node %q reads unknown %q", nj.Name, in)
			}
			if err := visit(dep, depth+1); err != nil {
				return err
			}
		}
		state[nj.Name] = 2
		out = append(out, nj)
		return nil
	}
	for i := range nodes {
		if err := visit(&nodes[i], 0); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parseRef splits "name:1" and reports control inputs ("^name") as !ok.
func parseRef(ref string) (name string, idx int, ok bool) {
	if strings.HasPrefix(ref, "^") {
		return ref[1:], 0, false
	}
	if i := strings.LastIndexByte(ref, ':'); i >= 0 {
		if v, err := strconv.Atoi(ref[i+1:]); err == nil {
			return ref[:i], v, true
		}
	}
	return ref, 0, true
}

func (g *Graph) resolveIO(gj *graphJSON, slotOf map[string]int, consumers map[string]int, order []*nodeJSON) error {
	sig := gj.Signature
	if sig == nil {
		sig = gj.UserDefinedMetadata.Signature
	}
	keys, vals, err := sig.orderedOutputs()
	if err != nil {
		return fmt.Errorf("graph model: %w", err)
	}
	if len(keys) > 0 {
		for i, k := range keys {
			name, _, _ := parseRef(vals[i].Name)
			s, ok := slotOf[name]
			if !ok {
				return fmt.Errorf("graph model: signature output %q names unknown node %q", k, name)
			}
			g.outputs = append(g.outputs, graphIO{name: k, slot: s})
		}
	} else {
		for _, nj := range order {
			if consumers[nj.Name] == 0 && nj.Op != "Const" && nj.Op != "Placeholder" {
				g.outputs = append(g.outputs, graphIO{name: nj.Name, slot: slotOf[nj.Name]})
			}
		}
	}
	if len(g.outputs) == 0 || len(g.inputs) == 0 {
		return errors.New("graph model: no inputs or no outputs")
	}
	return nil
}

// InputNames returns the placeholders in graph order.
func (g *Graph) InputNames() []string {
	out := make([]string, len(g.inputs))
	for i, io := range g.inputs {
		out[i] = io.name
	}
	return out
}

// OutputNames returns the outputs in the order Session.Run returns them:
// the signature's outputs in file order, or (without a signature) the nodes
// nothing consumes, in graph order.
func (g *Graph) OutputNames() []string {
	out := make([]string, len(g.outputs))
	for i, io := range g.outputs {
		out[i] = io.name
	}
	return out
}

// foldConstants evaluates at load time the nodes whose inputs are all
// constants.
func (g *Graph) foldConstants() error {
	s := &Session{g: g, slots: make([]Tensor, g.nslots)}
	for slot, t := range g.constSet {
		s.slots[slot] = *t
	}
	kept := g.nodes[:0]
	for _, n := range g.nodes {
		allConst := len(n.in) > 0
		for _, in := range n.in {
			if _, ok := g.constSet[in]; !ok {
				allConst = false
			}
		}
		if !allConst {
			kept = append(kept, n)
			continue
		}
		if err := s.exec(n); err != nil {
			return err
		}
		g.constSet[n.out] = s.slots[n.out].Clone()
	}
	g.nodes = kept
	return nil
}

// fuseRelus folds a Relu into the node that produces its input when the
// Relu is that node's only reader: into an Add (AddAct), a convolution or
// matrix product without activation, or through a MaxPool into the
// convolution before it (relu∘maxpool = maxpool∘relu exactly). The Relu
// becomes a view of its input.
func (g *Graph) fuseRelus() {
	readers := map[int]int{}
	producer := map[int]*gnode{}
	for _, n := range g.nodes {
		producer[n.out] = n
		for _, in := range n.in {
			readers[in]++
		}
	}
	for _, o := range g.outputs {
		readers[o.slot] += 2 // never fuse away a graph output
	}
	fusable := func(p *gnode) bool {
		switch p.op {
		case "Add", "AddV2", "Conv2D", "_FusedConv2D", "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative", "MatMul", "_FusedMatMul":
			return p.act == ActNone && p.alpha == nil
		}
		return false
	}
	for _, r := range g.nodes {
		if r.op != "Relu" || len(r.in) != 1 || readers[r.in[0]] != 1 {
			continue
		}
		p := producer[r.in[0]]
		if p == nil {
			continue
		}
		target := p
		if p.op == "MaxPool" && len(p.in) == 1 && readers[p.in[0]] == 1 {
			target = producer[p.in[0]]
		}
		if target == nil || !fusable(target) {
			continue
		}
		target.act = ActRelu
		r.op, r.buf = "Relu(fused)", -1
		r.run = viewRun
	}
	g.fuseResiduals(readers, producer)
}

func viewRun(s *Session, n *gnode) { x := s.in(n, 0); Reshape(&s.slots[n.out], x, x.Shape...) }

// fuseResiduals turns conv → Add(conv, r) into one Conv2DAdd when the Add
// is the convolution's only reader and r is computed before the
// convolution runs. The Add (and its activation) moves into the
// convolution's epilogue; the Add node becomes a view.
func (g *Graph) fuseResiduals(readers map[int]int, producer map[int]*gnode) {
	index := map[*gnode]int{}
	for i, n := range g.nodes {
		index[n] = i
	}
	for _, add := range g.nodes {
		if (add.op != "Add" && add.op != "AddV2") || len(add.in) != 2 {
			continue
		}
		for side := range 2 {
			conv := producer[add.in[side]]
			other := add.in[1-side]
			if conv == nil || (conv.op != "Conv2D" && conv.op != "_FusedConv2D") || conv.act != ActNone ||
				conv.alpha != nil || conv.res >= 0 || readers[add.in[side]] != 1 {
				continue
			}
			if _, isConst := g.constSet[other]; isConst {
				continue // a bias-like broadcast, not a residual
			}
			if p := producer[other]; p != nil && index[p] > index[conv] {
				continue // the residual is not ready when the convolution runs
			}
			conv.act, conv.res = add.act, len(conv.in)
			conv.in = append(conv.in, other)
			add.op, add.buf, add.in, add.act = add.op+"(fused)", -1, []int{add.in[side]}, ActNone
			add.run = viewRun
			break
		}
	}
}

// assignBuffers gives every non-view node a buffer id, reusing the buffer
// of a tensor after its last reader; views share their input's buffer and
// keep it alive; graph outputs are never reused.
func (g *Graph) assignBuffers() {
	bufOf := make([]int, g.nslots) // buffer holding each slot's data, -1 for none
	viewSrc := make([]int, g.nslots)
	for i := range bufOf {
		bufOf[i], viewSrc[i] = -1, -1
	}
	// last node reading each slot; reading a view reads its source too, and
	// graph outputs live past the last node
	lastRead := make([]int, g.nslots)
	for i, n := range g.nodes {
		if n.buf == -1 && len(n.in) > 0 {
			viewSrc[n.out] = n.in[0]
		}
		for _, in := range n.in {
			for s := in; s >= 0; s = viewSrc[s] {
				lastRead[s] = i
			}
		}
	}
	for _, o := range g.outputs {
		for s := o.slot; s >= 0; s = viewSrc[s] {
			lastRead[s] = len(g.nodes)
		}
	}
	var free []int
	for i, n := range g.nodes {
		if n.buf == -1 { // a view
			bufOf[n.out] = bufOf[n.in[0]]
		} else {
			if len(free) > 0 {
				n.buf = free[len(free)-1]
				free = free[:len(free)-1]
			} else {
				n.buf = g.nbufs
				g.nbufs++
			}
			bufOf[n.out] = n.buf
		}
		// after the output is placed (so it never aliases an input), free
		// the buffers whose owning slot is read for the last time here
		for _, in := range n.in {
			for s := in; s >= 0; s = viewSrc[s] {
				b := bufOf[s]
				if b >= 0 && viewSrc[s] < 0 && lastRead[s] == i && b != n.buf && !slices.Contains(free, b) {
					free = append(free, b)
				}
			}
		}
	}
}

// Session runs a Graph. It owns the intermediate tensors, so it is not safe
// for concurrent use; make one per goroutine (they share the weights).
type Session struct {
	g     *Graph
	slots []Tensor
	bufs  [][]float32
	outs  []*Tensor
	err   error
}

// NewSession returns a session with empty buffers; they grow on the first
// run and are reused afterwards.
func (g *Graph) NewSession() *Session {
	s := &Session{g: g, slots: make([]Tensor, g.nslots), bufs: make([][]float32, g.nbufs), outs: make([]*Tensor, len(g.outputs))}
	for slot, t := range g.constSet {
		s.slots[slot] = *t
	}
	for i, o := range g.outputs {
		s.outs[i] = &s.slots[o.slot]
	}
	return s
}

// Run executes the graph on the inputs (in InputNames order) and returns
// the outputs in OutputNames order. The outputs belong to the session and
// are overwritten by the next Run. Inputs are not modified.
func (s *Session) Run(inputs ...*Tensor) (outs []*Tensor, err error) {
	g := s.g
	if len(inputs) != len(g.inputs) {
		return nil, fmt.Errorf("graph: %d inputs, want %d", len(inputs), len(g.inputs))
	}
	for i, io := range g.inputs {
		x := inputs[i]
		if len(io.shape) > 0 {
			ok := len(x.Shape) == len(io.shape) && len(x.Data) == x.Len()
			for d := 0; ok && d < len(io.shape); d++ {
				ok = io.shape[d] < 0 || io.shape[d] == x.Shape[d]
			}
			if !ok {
				return nil, fmt.Errorf("graph: input %q has shape %v, want %v", io.name, x.Shape, io.shape)
			}
		}
		s.slots[io.slot] = *x
	}
	for _, n := range g.nodes {
		if err := s.exec(n); err != nil {
			return nil, err
		}
	}
	return s.outs, nil
}

// exec runs one node, turning a kernel panic (bad shapes) into an error.
func (s *Session) exec(n *gnode) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("graph: node %q (op %s): %v", n.name, n.op, r)
		}
	}()
	dst := &s.slots[n.out]
	if n.buf >= 0 && s.bufs != nil {
		dst.Data = s.bufs[n.buf][:0]
	}
	n.run(s, n)
	if n.buf >= 0 && s.bufs != nil && cap(dst.Data) > cap(s.bufs[n.buf]) {
		s.bufs[n.buf] = dst.Data[:0]
	}
	return nil
}

func (s *Session) in(n *gnode, i int) *Tensor { return &s.slots[n.in[i]] }
