package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// task is a parallel kernel invocation, cut into chunks that the caller and
// the helpers it wakes take in turn (an atomic counter), so a helper that a
// busy machine schedules late finds the work already done instead of
// holding the caller up. Tasks are pooled: dispatching allocates nothing.
type task struct {
	run  func(t *task, lo, hi int, scratch *[]float32)
	args kernelArgs

	n, size, chunks int
	next            atomic.Int64  // next chunk to take
	done            atomic.Int64  // chunks finished
	refs            atomic.Int32  // participants still holding the task
	wake            chan struct{} // the last chunk's finisher wakes the caller
}

// work takes and runs chunks until none is left.
func (t *task) work(scratch *[]float32) {
	for {
		i := int(t.next.Add(1)) - 1
		if i >= t.chunks {
			return
		}
		lo := i * t.size
		t.run(t, lo, min(lo+t.size, t.n), scratch)
		if int(t.done.Add(1)) == t.chunks {
			select {
			case t.wake <- struct{}{}:
			default:
			}
		}
	}
}

// leave drops a participant's hold; the last one returns the task to the
// pool.
func (t *task) leave() {
	if t.refs.Add(-1) == 0 {
		t.run, t.args = nil, kernelArgs{}
		taskPool.Put(t)
	}
}

// kernelArgs carries a kernel's operands; each kernel uses a subset and
// documents what the generic fields (a, b, c, m, n, k) mean to it.
type kernelArgs struct {
	x, y    *Tensor
	w       *Weights4D
	bias    []float32
	scale   []float32 // with shift: a convolution's per-channel affine step
	shift   []float32
	a, b, c []float32
	g       convGeom
	act     Activation
	m, n, k int
	block   int // rows per work unit
}

// fusion returns a convolution's store-time steps; res is the residual
// rows of the current block (or nil).
func (a *kernelArgs) fusion(res []float32) fusion {
	return fusion{bias: a.bias, scale: a.scale, shift: a.shift, res: res, act: a.act}
}

var pool struct {
	once    sync.Once
	tasks   chan *task
	mu      sync.Mutex
	started int
}

var scratchPool = sync.Pool{New: func() any { return new([]float32) }}

var taskPool = sync.Pool{New: func() any { return &task{wake: make(chan struct{}, 1)} }}

// ensureWorkers starts pool workers until there are at least n.
func ensureWorkers(n int) {
	pool.once.Do(func() { pool.tasks = make(chan *task, 256) })
	pool.mu.Lock()
	defer pool.mu.Unlock()
	for pool.started < n {
		pool.started++
		go worker()
	}
}

func worker() {
	scratch := new([]float32)
	for t := range pool.tasks {
		t.work(scratch)
		t.leave()
	}
}

// chunksPerWorker over-splits the work so that participants that start
// late or run slower even out.
const chunksPerWorker = 4

// parallelFor runs run(args) over [0, n) in chunks of at least minChunk
// items, with up to GOMAXPROCS-1 pool workers helping the caller.
func parallelFor(n, minChunk int, run func(t *task, lo, hi int, scratch *[]float32), args kernelArgs) {
	if n <= 0 {
		return
	}
	minChunk = max(minChunk, 1)
	parts := min(runtime.GOMAXPROCS(0), 64, (n+minChunk-1)/minChunk)
	t := taskPool.Get().(*task)
	t.run, t.args = run, args
	if parts <= 1 {
		s := scratchPool.Get().(*[]float32)
		run(t, 0, n, s)
		scratchPool.Put(s)
		t.run, t.args = nil, kernelArgs{}
		taskPool.Put(t)
		return
	}
	chunks := min(parts*chunksPerWorker, (n+minChunk-1)/minChunk)
	t.n, t.size = n, (n+chunks-1)/chunks
	t.chunks = (n + t.size - 1) / t.size
	t.next.Store(0)
	t.done.Store(0)
	t.refs.Store(int32(parts))
	ensureWorkers(parts - 1)
	for range parts - 1 {
		pool.tasks <- t
	}
	s := scratchPool.Get().(*[]float32)
	t.work(s)
	scratchPool.Put(s)
	// wait for chunks other participants are still running (a stale wake
	// token from an earlier use only costs one more check)
	for int(t.done.Load()) < t.chunks {
		<-t.wake
	}
	t.leave()
}

// Accelerated reports whether the AVX2/FMA kernels run on this machine.
// With them, convolutions, depthwise convolutions and matrix products sum
// in tfjs-cpu's order with single roundings, so graph outputs are
// bit-identical to TF.js on the cpu backend.
func Accelerated() bool { return useAsm }

// grow returns a slice of length n backed by *buf, growing it when needed.
func grow(buf *[]float32, n int) []float32 {
	if cap(*buf) < n {
		*buf = make([]float32, n)
	}
	return (*buf)[:n]
}
