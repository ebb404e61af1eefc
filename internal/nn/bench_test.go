package nn

import (
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/idgate/idgate/internal/face/models"
)

// BenchmarkModel runs each embedded graph model once per iteration (batch
// 1, inference only), like tfjs-oracle's bench.js.
func BenchmarkModel(b *testing.B) {
	for _, m := range []struct {
		name  string
		load  func() ([]byte, []byte)
		shape []int
	}{
		{"blazeface", models.BlazeFace, []int{1, 256, 256, 3}},
		{"antispoof", models.AntiSpoof, []int{1, 128, 128, 3}},
		{"liveness", models.Liveness, []int{1, 32, 32, 3}},
	} {
		b.Run(m.name, func(b *testing.B) {
			g, err := LoadGraphModel(m.load())
			if err != nil {
				b.Fatal(err)
			}
			s := g.NewSession()
			x := randTensor(rand.New(rand.NewPCG(1, 1)), m.shape...)
			if _, err := s.Run(x); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			cpu := startCPUTimer()
			for b.Loop() {
				if _, err := s.Run(x); err != nil {
					b.Fatal(err)
				}
			}
			cpu.report(b)
		})
	}
}

// BenchmarkConv2D covers the convolution shapes of face-api's recognition
// net (dlib ResNet-29 at 150×150), which dominates the face chain.
func BenchmarkConv2D(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	for _, c := range []struct {
		name           string
		h, c, k, oc, s int
		pad            Padding
	}{
		{"stem7x7s2", 150, 3, 7, 32, 2, Valid},
		{"3x3c32", 35, 32, 3, 32, 1, Same},
		{"3x3c64", 17, 64, 3, 64, 1, Same},
		{"3x3c128", 8, 128, 3, 128, 1, Same},
		{"3x3c256", 4, 256, 3, 256, 1, Same},
		{"1x1c96", 16, 96, 1, 96, 1, Valid},
	} {
		b.Run(c.name, func(b *testing.B) {
			x := randTensor(r, 1, c.h, c.h, c.c)
			w, _ := NewWeights4D(randTensor(r, c.k, c.k, c.c, c.oc))
			var dst Tensor
			Conv2D(&dst, x, w, nil, c.s, c.pad, ActNone)
			flops := 2 * float64(dst.Len()*c.k*c.k*c.c)
			b.ReportAllocs()
			cpu := startCPUTimer()
			for b.Loop() {
				Conv2D(&dst, x, w, nil, c.s, c.pad, ActNone)
			}
			cpu.report(b)
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// cpuTimer measures the process's CPU time (user + system) over a
// benchmark: on a busy machine wall time per op rises with the load, CPU
// time per op much less, so both are reported.
type cpuTimer struct{ start time.Duration }

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPUTimer() cpuTimer { return cpuTimer{processCPU()} }

func (c cpuTimer) report(b *testing.B) {
	b.ReportMetric(float64(processCPU()-c.start)/float64(b.N)/1e6, "cpu-ms/op")
}
