package nn

import (
	"runtime"
	"sync"
)

// task is a parallel kernel invocation; pooled, so dispatching allocates
// nothing.
type task struct {
	run  func(t *task, lo, hi int, scratch *[]float32)
	done chan struct{}
	args kernelArgs
}

// chunk is one share of a task, sent by value to a worker.
type chunk struct {
	t      *task
	lo, hi int
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
	tasks   chan chunk
	mu      sync.Mutex
	started int
}

var doneChans = sync.Pool{New: func() any { return make(chan struct{}, 64) }}

var scratchPool = sync.Pool{New: func() any { return new([]float32) }}

var taskPool = sync.Pool{New: func() any { return new(task) }}

// ensureWorkers starts pool workers until there are at least n.
func ensureWorkers(n int) {
	pool.once.Do(func() { pool.tasks = make(chan chunk, 64) })
	pool.mu.Lock()
	defer pool.mu.Unlock()
	for pool.started < n {
		pool.started++
		go worker()
	}
}

func worker() {
	scratch := new([]float32)
	for c := range pool.tasks {
		c.t.run(c.t, c.lo, c.hi, scratch)
		c.t.done <- struct{}{}
	}
}

// parallelFor runs run(args) over [0, n) split into at most GOMAXPROCS
// chunks of at least minChunk items; the caller runs the first chunk
// itself.
func parallelFor(n, minChunk int, run func(t *task, lo, hi int, scratch *[]float32), args kernelArgs) {
	if n <= 0 {
		return
	}
	t := taskPool.Get().(*task)
	t.run, t.args = run, args
	defer func() {
		*t = task{}
		taskPool.Put(t)
	}()
	parts := min(runtime.GOMAXPROCS(0), 64)
	minChunk = max(minChunk, 1)
	parts = min(parts, (n+minChunk-1)/minChunk)
	if parts <= 1 {
		s := scratchPool.Get().(*[]float32)
		run(t, 0, n, s)
		scratchPool.Put(s)
		return
	}
	ensureWorkers(parts - 1)
	done := doneChans.Get().(chan struct{})
	t.done = done
	size := (n + parts - 1) / parts
	sent := 0
	for lo := size; lo < n; lo += size {
		pool.tasks <- chunk{t: t, lo: lo, hi: min(lo+size, n)}
		sent++
	}
	s := scratchPool.Get().(*[]float32)
	run(t, 0, size, s)
	scratchPool.Put(s)
	for range sent {
		<-done
	}
	doneChans.Put(done)
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
