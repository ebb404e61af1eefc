// Command rss runs many selfie verifications (face match + liveness in one
// pass, as a SecureCitizen FaceString request with LivenessRequired needs)
// through one
// face Engine and prints the process's resident set size as it goes, to
// show that memory stays flat after warm-up: weights are loaded once and
// per-request buffers are pooled. Dev tooling (docs/benchmarks/face.md).
//
//	go run ./bench/face/rss -n 1000 -workers 2
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/idgate/idgate/internal/face"
)

func main() {
	n := flag.Int("n", 1000, "verifications after warm-up")
	warmup := flag.Int("warmup", 50, "warm-up verifications")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "concurrent verifications")
	selfie := flag.String("selfie", "internal/face/testdata/faces/family1_dad_1.jpg", "selfie image")
	reference := flag.String("reference", "internal/face/testdata/faces/family1_dad_2.jpg", "reference image")
	every := flag.Int("every", 100, "report every N verifications")
	flag.Parse()
	if err := run(*n, *warmup, *workers, *every, *selfie, *reference); err != nil {
		fmt.Fprintln(os.Stderr, "rss:", err)
		os.Exit(1)
	}
}

func run(n, warmup, workers, every int, selfiePath, referencePath string) error {
	selfie, err := os.ReadFile(selfiePath)
	if err != nil {
		return err
	}
	reference, err := os.ReadFile(referencePath)
	if err != nil {
		return err
	}
	report("start", 0)
	eng, err := face.New(face.Config{})
	if err != nil {
		return err
	}
	report("models loaded", 0)
	ctx := context.Background()
	verify := func() error {
		_, _, err := eng.CompareWithLiveness(ctx, selfie, reference)
		return err
	}
	if err := runN(warmup, workers, verify, nil); err != nil {
		return err
	}
	report("after warm-up", warmup)
	start := time.Now()
	err = runN(n, workers, verify, func(done int) {
		if done%every == 0 {
			report("", warmup+done)
		}
	})
	fmt.Printf("%d verifications in %v with %d workers (%.1f ms each, wall clock / n)\n",
		n, time.Since(start).Round(time.Millisecond), workers, float64(time.Since(start).Milliseconds())/float64(n))
	return err
}

// runN runs f n times on workers goroutines; progress sees the count done.
func runN(n, workers int, f func() error, progress func(int)) error {
	var (
		next, done atomic.Int64
		firstErr   error
		once       sync.Once
		wg         sync.WaitGroup
		mu         sync.Mutex
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := f(); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				d := done.Add(1)
				if progress != nil {
					mu.Lock()
					progress(int(d))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

func report(label string, done int) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Printf("%-14s verifications %5d  RSS %6.1f MB  heap in use %6.1f MB  GCs %d\n",
		label, done, rssMB(), float64(m.HeapInuse)/(1<<20), m.NumGC)
}

// rssMB reads VmRSS from /proc (Linux); -1 elsewhere.
func rssMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(rest), "%f", &kb)
			return kb / 1024
		}
	}
	return -1
}
