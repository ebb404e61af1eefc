package nn

import (
	"sync"
	"testing"

	"github.com/idgate/idgate/internal/face/models"
)

// TestConcurrentSessions runs one graph from several goroutines, each with
// its own session, and checks they all get the single-threaded result.
func TestConcurrentSessions(t *testing.T) {
	g, err := LoadGraphModel(models.Liveness())
	if err != nil {
		t.Fatal(err)
	}
	x := NewTensor(1, 32, 32, 3)
	for i := range x.Data {
		x.Data[i] = float32(i%11) / 11
	}
	want, err := g.NewSession().Run(x)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := g.NewSession()
			for range 20 {
				got, err := s.Run(x)
				if err != nil {
					t.Error(err)
					return
				}
				if d := maxDiff(got[0].Data, want[0].Data); d != 0 {
					t.Errorf("concurrent run differs by %g", d)
					return
				}
			}
		}()
	}
	wg.Wait()
}
