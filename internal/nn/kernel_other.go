//go:build !amd64 || noasm

package nn

var useAsm = false

func fmaPeriodic(dst, src, w *float32, c, n, srcStride int) {
	panic("nn: no assembly kernels on this architecture")
}

func vecOp(op int, dst, a, b *float32, n int, lo, hi float32) {
	panic("nn: no assembly kernels on this architecture")
}

func vecOpChan(op int, dst, a, v *float32, c, npix int, lo, hi float32) {
	panic("nn: no assembly kernels on this architecture")
}

func vecClamp(dst, x *float32, n int, lo, hi float32) {
	panic("nn: no assembly kernels on this architecture")
}

func dw3x3Row(out, in, w, bias *float32, c, npix, rowStride, pixStride int, lo, hi float32) {
	panic("nn: no assembly kernels on this architecture")
}

func maxPeriodic(dst, src *float32, c, n, srcStride int) {
	panic("nn: no assembly kernels on this architecture")
}

func sgemmKernel6x8(k int, a *float32, lda int, b *float32, c *float32, ldc int, ep *epilogue) {
	panic("nn: no assembly kernels on this architecture")
}

func dotBlock64(block *float64, a, b *float32, n, kcount, ldb int) {
	panic("nn: no assembly kernels on this architecture")
}

var useAVX512 = false

func sgemmTaps6x16(ntaps, kc int, a0 *float32, offs *int, lda int, b *float32, c *float32, ldc int, ep *epilogue) {
	panic("nn: no assembly kernels on this architecture")
}

func sgemmTaps12x16(ntaps, kc int, a0 *float32, offs *int, lda int, b *float32, c *float32, ldc int, ep *epilogue) {
	panic("nn: no assembly kernels on this architecture")
}

func haveAVX2FMA() bool { return false }

func haveAVX512() bool { return false }
