package nn

import (
	"runtime"
	"sync"
)

// task is one share of a parallel kernel. It is passed by value through the
// pool's channel, so dispatching allocates nothing.
type task struct {
	run    func(t *task, lo, hi int, scratch *[]float32)
	lo, hi int
	done   chan struct{}
	args   kernelArgs
}

// kernelArgs carries a kernel's operands; each kernel uses a subset.
type kernelArgs struct {
	x, y    *Tensor
	w       *Weights4D
	bias    []float32
	a, b, c []float32
	g       convGeom
	act     Activation
	m, n, k int
}

var pool struct {
	once    sync.Once
	tasks   chan task
	mu      sync.Mutex
	started int
}

var doneChans = sync.Pool{New: func() any { return make(chan struct{}, 64) }}

var scratchPool = sync.Pool{New: func() any { return new([]float32) }}

// ensureWorkers starts pool workers until there are at least n.
func ensureWorkers(n int) {
	pool.once.Do(func() { pool.tasks = make(chan task, 64) })
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
		t.run(&t, t.lo, t.hi, scratch)
		t.done <- struct{}{}
	}
}

// parallelFor runs t.run over [0, n) split into at most GOMAXPROCS chunks of
// at least minChunk items; the caller runs the first chunk itself.
func parallelFor(n, minChunk int, t task) {
	if n <= 0 {
		return
	}
	parts := min(runtime.GOMAXPROCS(0), 64)
	if minChunk < 1 {
		minChunk = 1
	}
	parts = min(parts, (n+minChunk-1)/minChunk)
	if parts <= 1 {
		s := scratchPool.Get().(*[]float32)
		t.run(&t, 0, n, s)
		scratchPool.Put(s)
		return
	}
	ensureWorkers(parts - 1)
	done := doneChans.Get().(chan struct{})
	t.done = done
	chunk := (n + parts - 1) / parts
	sent := 0
	for lo := chunk; lo < n; lo += chunk {
		t.lo, t.hi = lo, min(lo+chunk, n)
		pool.tasks <- t
		sent++
	}
	s := scratchPool.Get().(*[]float32)
	t.run(&t, 0, chunk, s)
	scratchPool.Put(s)
	for range sent {
		<-done
	}
	doneChans.Put(done)
}

// grow returns a slice of length n backed by *buf, growing it when needed.
func grow(buf *[]float32, n int) []float32 {
	if cap(*buf) < n {
		*buf = make([]float32, n)
	}
	return (*buf)[:n]
}
