//go:build !noasm

package nn

// Implemented in kernel_amd64.s (AVX2 + FMA).

//go:noescape
func fmaPeriodic(dst, src, w *float32, c, n, srcStride int)

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

func xgetbv() (eax uint32)

// haveAVX2FMA reports AVX2 and FMA support with the OS saving YMM state.
func haveAVX2FMA() bool {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&fma == 0 || ecx1&osxsave == 0 || ecx1&avx == 0 {
		return false
	}
	if xgetbv()&6 != 6 { // XMM and YMM state enabled
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0 // AVX2
}

var useAsm = haveAVX2FMA()

//go:noescape
func vecOp(op int, dst, a, b *float32, n int, lo, hi float32)

//go:noescape
func vecOpChan(op int, dst, a, v *float32, c, npix int, lo, hi float32)

//go:noescape
func vecClamp(dst, x *float32, n int, lo, hi float32)

//go:noescape
func dw3x3Row(out, in, w, bias *float32, c, npix, rowStride, pixStride int, lo, hi float32)

//go:noescape
func maxPeriodic(dst, src *float32, c, n, srcStride int)

//go:noescape
func sgemmKernel6x8(k int, a *float32, lda int, b *float32, c *float32, ldc int, ep *epilogue)

//go:noescape
func dotBlock64(block *float64, a, b *float32, n, kcount, ldb int)

// haveAVX512 reports AVX-512 F and DQ with the OS saving the opmask and
// ZMM state.
func haveAVX512() bool {
	if !haveAVX2FMA() {
		return false
	}
	if xgetbv()&0xe6 != 0xe6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<16) != 0 && ebx7&(1<<17) != 0
}

var useAVX512 = haveAVX512()

//go:noescape
func sgemmTaps6x16(ntaps, kc int, a0 *float32, offs *int, lda int, b *float32, c *float32, ldc int, ep *epilogue)

//go:noescape
func sgemmTaps12x16(ntaps, kc int, a0 *float32, offs *int, lda int, b *float32, c *float32, ldc int, ep *epilogue)
