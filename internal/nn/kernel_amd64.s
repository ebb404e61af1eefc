//go:build !noasm

#include "textflag.h"
#include "gemm_amd64.h"

// func fmaPeriodic(dst, src, w *float32, c, n, srcStride int)
// for p < n: for j < c: dst[p*c+j] += src[p*srcStride+j] * w[j]  (fused,
// one rounding). c must be a positive multiple of 8.
TEXT ·fmaPeriodic(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ w+16(FP), R8
	MOVQ c+24(FP), CX
	MOVQ n+32(FP), DX
	MOVQ srcStride+40(FP), R9
	SHLQ $2, R9
	SHLQ $2, CX
	TESTQ DX, DX
	JZ done

pixel:
	XORQ AX, AX

chunk:
	VMOVUPS (SI)(AX*1), Y0
	VMOVUPS (DI)(AX*1), Y1
	VFMADD231PS (R8)(AX*1), Y0, Y1
	VMOVUPS Y1, (DI)(AX*1)
	ADDQ $32, AX
	CMPQ AX, CX
	JLT chunk
	ADDQ CX, DI
	ADDQ R9, SI
	DECQ DX
	JNZ pixel

done:
	VZEROUPPER
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	RET

// func vecOp(op int, dst, a, b *float32, n int, lo, hi float32)
// dst[i] = clamp(a[i] op b[i], lo, hi) for i < n (n a multiple of 8);
// op 0 add, 1 sub, 2 mul. NaN propagates.
TEXT ·vecOp(SB), NOSPLIT, $0-48
	MOVQ op+0(FP), R8
	MOVQ dst+8(FP), DI
	MOVQ a+16(FP), SI
	MOVQ b+24(FP), DX
	MOVQ n+32(FP), CX
	VBROADCASTSS lo+40(FP), Y14
	VBROADCASTSS hi+44(FP), Y15
	SHLQ $2, CX
	XORQ AX, AX
	TESTQ CX, CX
	JZ vdone
	CMPQ R8, $1
	JEQ vsub
	CMPQ R8, $2
	JEQ vmul

vadd:
	VMOVUPS (SI)(AX*1), Y0
	VADDPS (DX)(AX*1), Y0, Y0
	VMAXPS Y0, Y14, Y0
	VMINPS Y0, Y15, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	CMPQ AX, CX
	JLT vadd
	JMP vdone

vsub:
	VMOVUPS (SI)(AX*1), Y0
	VSUBPS (DX)(AX*1), Y0, Y0
	VMAXPS Y0, Y14, Y0
	VMINPS Y0, Y15, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	CMPQ AX, CX
	JLT vsub
	JMP vdone

vmul:
	VMOVUPS (SI)(AX*1), Y0
	VMULPS (DX)(AX*1), Y0, Y0
	VMAXPS Y0, Y14, Y0
	VMINPS Y0, Y15, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	CMPQ AX, CX
	JLT vmul

vdone:
	VZEROUPPER
	RET

// func vecOpChan(op int, dst, a, v *float32, c, npix int, lo, hi float32)
// dst[p*c+j] = clamp(a[p*c+j] op v[j], lo, hi) for p < npix, j < c (c a
// multiple of 8); op 0 add, 1 sub, 2 mul.
TEXT ·vecOpChan(SB), NOSPLIT, $0-56
	MOVQ op+0(FP), R8
	MOVQ dst+8(FP), DI
	MOVQ a+16(FP), SI
	MOVQ v+24(FP), DX
	MOVQ c+32(FP), CX
	MOVQ npix+40(FP), R9
	VBROADCASTSS lo+48(FP), Y14
	VBROADCASTSS hi+52(FP), Y15
	SHLQ $2, CX
	TESTQ R9, R9
	JZ cdone

cpix:
	XORQ AX, AX
cloop:
	VMOVUPS (SI)(AX*1), Y0
	CMPQ R8, $1
	JEQ csub
	CMPQ R8, $2
	JEQ cmul
	VADDPS (DX)(AX*1), Y0, Y0
	JMP cclamp
csub:
	VSUBPS (DX)(AX*1), Y0, Y0
	JMP cclamp
cmul:
	VMULPS (DX)(AX*1), Y0, Y0
cclamp:
	VMAXPS Y0, Y14, Y0
	VMINPS Y0, Y15, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	CMPQ AX, CX
	JLT cloop
	ADDQ CX, DI
	ADDQ CX, SI
	DECQ R9
	JNZ cpix

cdone:
	VZEROUPPER
	RET

// func vecClamp(dst, x *float32, n int, lo, hi float32)
// dst[i] = clamp(x[i], lo, hi) for i < n (n a multiple of 8).
TEXT ·vecClamp(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS lo+24(FP), Y14
	VBROADCASTSS hi+28(FP), Y15
	SHLQ $2, CX
	XORQ AX, AX
	TESTQ CX, CX
	JZ kdone
kloop:
	VMOVUPS (SI)(AX*1), Y0
	VMAXPS Y0, Y14, Y0
	VMINPS Y0, Y15, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	CMPQ AX, CX
	JLT kloop
kdone:
	VZEROUPPER
	RET

// func dw3x3Row(out, in, w, bias *float32, c, npix, rowStride, pixStride int, lo, hi float32)
// One output row of a 3×3 depthwise convolution over interior pixels:
// for p < npix, j < c (c a multiple of 8):
//   acc = Σ_{ky,kx} in[ky*rowStride + p*pixStride + kx*c + j] * w[(ky*3+kx)*c + j]
//   (taps in (ky, kx) order, fused multiply-adds from 0, as tfjs-cpu sums)
//   out[p*c + j] = clamp(acc + bias[j], lo, hi)
// Strides are in floats.
TEXT ·dw3x3Row(SB), NOSPLIT, $0-72
	MOVQ out+0(FP), DI
	MOVQ in+8(FP), SI
	MOVQ w+16(FP), R8
	MOVQ bias+24(FP), R9
	MOVQ c+32(FP), CX
	MOVQ npix+40(FP), DX
	MOVQ rowStride+48(FP), R10
	MOVQ pixStride+56(FP), R11
	VBROADCASTSS lo+64(FP), Y14
	VBROADCASTSS hi+68(FP), Y15
	SHLQ $2, CX
	SHLQ $2, R10
	SHLQ $2, R11
	LEAQ (CX)(CX*1), R12 // 2c bytes
	TESTQ DX, DX
	JZ ddone

dpix:
	XORQ AX, AX          // channel offset (bytes)
dchunk:
	// R13 = in + ax (row 0), R14 = w + ax
	LEAQ (SI)(AX*1), R13
	LEAQ (R8)(AX*1), R14
	VXORPS Y0, Y0, Y0
	// row 0
	VMOVUPS (R13), Y1
	VFMADD231PS (R14), Y1, Y0
	VMOVUPS (R13)(CX*1), Y1
	ADDQ CX, R14
	VFMADD231PS (R14), Y1, Y0
	VMOVUPS (R13)(R12*1), Y1
	ADDQ CX, R14
	VFMADD231PS (R14), Y1, Y0
	ADDQ CX, R14
	ADDQ R10, R13
	// row 1
	VMOVUPS (R13), Y1
	VFMADD231PS (R14), Y1, Y0
	VMOVUPS (R13)(CX*1), Y1
	ADDQ CX, R14
	VFMADD231PS (R14), Y1, Y0
	VMOVUPS (R13)(R12*1), Y1
	ADDQ CX, R14
	VFMADD231PS (R14), Y1, Y0
	ADDQ CX, R14
	ADDQ R10, R13
	// row 2
	VMOVUPS (R13), Y1
	VFMADD231PS (R14), Y1, Y0
	VMOVUPS (R13)(CX*1), Y1
	ADDQ CX, R14
	VFMADD231PS (R14), Y1, Y0
	VMOVUPS (R13)(R12*1), Y1
	ADDQ CX, R14
	VFMADD231PS (R14), Y1, Y0
	// bias, clamp, store
	VADDPS (R9)(AX*1), Y0, Y0
	VMAXPS Y0, Y14, Y0
	VMINPS Y0, Y15, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ $32, AX
	CMPQ AX, CX
	JLT dchunk
	ADDQ CX, DI
	ADDQ R11, SI
	DECQ DX
	JNZ dpix

ddone:
	VZEROUPPER
	RET

// func maxPeriodic(dst, src *float32, c, n, srcStride int)
// for p < n: for j < c: dst[p*c+j] = max(dst[p*c+j], src[p*srcStride+j])
// (c a positive multiple of 8; NaN in dst propagates).
TEXT ·maxPeriodic(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ c+16(FP), CX
	MOVQ n+24(FP), DX
	MOVQ srcStride+32(FP), R9
	SHLQ $2, R9
	SHLQ $2, CX
	TESTQ DX, DX
	JZ mdone
mpixel:
	XORQ AX, AX
mchunk:
	VMOVUPS (SI)(AX*1), Y0
	VMOVUPS (DI)(AX*1), Y1
	VMAXPS Y0, Y1, Y1
	VMOVUPS Y1, (DI)(AX*1)
	ADDQ $32, AX
	CMPQ AX, CX
	JLT mchunk
	ADDQ CX, DI
	ADDQ R9, SI
	DECQ DX
	JNZ mpixel
mdone:
	VZEROUPPER
	RET

// func sgemmKernel6x8(k int, a *float32, lda int, b *float32, c *float32, ldc int, ep *epilogue)
// sgemmKernel6x16 for a panel with at most 8 live columns: only the first
// half of each packed row (stride 16) is read and stored.
TEXT ·sgemmKernel6x8(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), R9
	SHLQ $2, R8
	SHLQ $2, R9
	MOVQ SI, R10
	LEAQ (SI)(R8*1), R11
	LEAQ (SI)(R8*2), R12
	LEAQ (R11)(R8*2), R13
	LEAQ (R12)(R8*2), R14
	LEAQ (R13)(R8*2), BX
	VXORPS Y0, Y0, Y0
	VXORPS Y2, Y2, Y2
	VXORPS Y4, Y4, Y4
	VXORPS Y6, Y6, Y6
	VXORPS Y8, Y8, Y8
	VXORPS Y10, Y10, Y10
	XORQ AX, AX
	TESTQ CX, CX
	JZ store8

loop8:
	VMOVUPS (DI), Y12
	VBROADCASTSS (R10)(AX*1), Y14
	VFMADD231PS Y12, Y14, Y0
	VBROADCASTSS (R11)(AX*1), Y15
	VFMADD231PS Y12, Y15, Y2
	VBROADCASTSS (R12)(AX*1), Y14
	VFMADD231PS Y12, Y14, Y4
	VBROADCASTSS (R13)(AX*1), Y15
	VFMADD231PS Y12, Y15, Y6
	VBROADCASTSS (R14)(AX*1), Y14
	VFMADD231PS Y12, Y14, Y8
	VBROADCASTSS (BX)(AX*1), Y15
	VFMADD231PS Y12, Y15, Y10
	ADDQ $64, DI
	ADDQ $4, AX
	DECQ CX
	JNZ loop8

store8:
	MOVQ ep+48(FP), R8
	BIAS_6x8
	MOVL 336(R8), R10
	TESTL R10, R10
	JZ noscale8
	SCALE_6x8

noscale8:
	MOVQ 192(R8), R10
	TESTQ R10, R10
	JZ nores8
	RES_6x8

nores8:
	CLAMP_STORE_6x8
	VZEROUPPER
	RET

// func dotBlock64(block *float64, a, b *float32, n, kcount, ldb int)
// for p < kcount: for j < n: block[j] += float64(a[p]) * float64(b[p*ldb+j])
// (n a multiple of 4). The float64 product of two float32 is exact, so the
// fused multiply-add rounds like JavaScript's sum += a*b.
TEXT ·dotBlock64(SB), NOSPLIT, $0-48
	MOVQ block+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	MOVQ kcount+32(FP), R8
	MOVQ ldb+40(FP), R9
	SHLQ $2, R9
	TESTQ R8, R8
	JZ bdone
	TESTQ CX, CX
	JZ bdone
bk:
	VBROADCASTSS (SI), X0
	VCVTPS2PD X0, Y0
	XORQ AX, AX          // j
bj:
	VCVTPS2PD (DX)(AX*4), Y1
	VMOVUPD (DI)(AX*8), Y2
	VFMADD231PD Y1, Y0, Y2
	VMOVUPD Y2, (DI)(AX*8)
	ADDQ $4, AX
	CMPQ AX, CX
	JLT bj
	ADDQ $4, SI
	ADDQ R9, DX
	DECQ R8
	JNZ bk
bdone:
	VZEROUPPER
	RET
