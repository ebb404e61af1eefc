package nn

// sgemm computes c = act(a·b + bias) for row-major a [m,k], b [k,n],
// c [m,n]; bias (len n) may be nil.
func sgemm(c, a, b []float32, m, n, k int, bias []float32, act Activation) {
	for i := 0; i < m; i++ {
		crow := c[i*n : (i+1)*n]
		clear(crow)
		arow := a[i*k : (i+1)*k]
		for p, av := range arow {
			brow := b[p*n : (p+1)*n]
			for j := range crow {
				crow[j] += av * brow[j]
			}
		}
		finish(crow, bias, act)
	}
}
