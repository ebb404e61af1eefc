//go:build race

package face

// The race detector slows the inference kernels about thirty-fold; the
// accuracy test then adds minutes without exercising any concurrency.
func init() { raceEnabled = true }
