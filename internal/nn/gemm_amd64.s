//go:build !noasm

#include "textflag.h"
#include "gemm_amd64.h"

// SGEMM register tiles. With one tap at offset 0 they are plain GEMM tiles
// (sgemmKernel6x16 / sgemmKernel12x16 in gemm.go); with kh·kw taps they are
// implicit-GEMM convolution tiles: the A operand is read straight from a
// (padded) NHWC input instead of an im2col buffer. For tap t the six (or
// twelve) tile rows start at a0 + offs[t] bytes and are lda floats apart;
// each tap contributes kc consecutive k values, and the packed B panel
// rows follow in the same (tap, channel) order, so the sum order equals the
// im2col kernel's.

// func sgemmTaps6x16(ntaps, kc int, a0 *float32, offs *int, lda int, b *float32, c *float32, ldc int, ep *epilogue)
TEXT ·sgemmTaps6x16(SB), NOSPLIT, $0-72
	MOVQ ntaps+0(FP), R14
	MOVQ a0+16(FP), R11
	MOVQ offs+24(FP), R13
	MOVQ lda+32(FP), R8
	MOVQ b+40(FP), DI
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R12
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	TESTQ R14, R14
	JZ tstore

ttap:
	MOVQ (R13), SI
	ADDQ R11, SI
	LEAQ (SI)(R8*4), R10
	MOVQ kc+8(FP), CX
	TESTQ CX, CX
	JZ tnext

tloop:
	VMOVUPS (DI), Y12
	VMOVUPS 32(DI), Y13
	VBROADCASTSS (SI), Y14
	VFMADD231PS Y12, Y14, Y0
	VFMADD231PS Y13, Y14, Y1
	VBROADCASTSS (SI)(R8*1), Y15
	VFMADD231PS Y12, Y15, Y2
	VFMADD231PS Y13, Y15, Y3
	VBROADCASTSS (SI)(R8*2), Y14
	VFMADD231PS Y12, Y14, Y4
	VFMADD231PS Y13, Y14, Y5
	VBROADCASTSS (SI)(R12*1), Y15
	VFMADD231PS Y12, Y15, Y6
	VFMADD231PS Y13, Y15, Y7
	VBROADCASTSS (R10), Y14
	VFMADD231PS Y12, Y14, Y8
	VFMADD231PS Y13, Y14, Y9
	VBROADCASTSS (R10)(R8*1), Y15
	VFMADD231PS Y12, Y15, Y10
	VFMADD231PS Y13, Y15, Y11
	ADDQ $64, DI
	ADDQ $4, SI
	ADDQ $4, R10
	DECQ CX
	JNZ tloop

tnext:
	ADDQ $8, R13
	DECQ R14
	JNZ ttap

tstore:
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R9
	SHLQ $2, R9
	MOVQ ep+64(FP), R8
	BIAS_6x16
	MOVL 336(R8), R10
	TESTL R10, R10
	JZ tnoscale
	SCALE_6x16

tnoscale:
	MOVQ 192(R8), R10
	TESTQ R10, R10
	JZ tnores
	RES_6x16

tnores:
	CLAMP_STORE_6x16
	VZEROUPPER
	RET

// func sgemmTaps12x16(ntaps, kc int, a0 *float32, offs *int, lda int, b *float32, c *float32, ldc int, ep *epilogue)
// The AVX-512 tile: 12 rows, one ZMM accumulator each, embedded-broadcast
// FMAs, the column mask as the opmask ep.kmask.
TEXT ·sgemmTaps12x16(SB), NOSPLIT, $0-72
	MOVQ ntaps+0(FP), R14
	MOVQ a0+16(FP), BX
	MOVQ offs+24(FP), R13
	MOVQ lda+32(FP), R8
	MOVQ b+40(FP), DI
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R12     // 3*lda
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	TESTQ R14, R14
	JZ ystore

ytap:
	MOVQ (R13), SI
	ADDQ BX, SI
	LEAQ (SI)(R8*4), R10     // rows 4..7
	LEAQ (R10)(R8*4), R11    // rows 8..11
	MOVQ kc+8(FP), CX
	TESTQ CX, CX
	JZ ynext

yloop:
	VMOVUPS (DI), Z12
	VFMADD231PS.BCST (SI), Z12, Z0
	VFMADD231PS.BCST (SI)(R8*1), Z12, Z1
	VFMADD231PS.BCST (SI)(R8*2), Z12, Z2
	VFMADD231PS.BCST (SI)(R12*1), Z12, Z3
	VFMADD231PS.BCST (R10), Z12, Z4
	VFMADD231PS.BCST (R10)(R8*1), Z12, Z5
	VFMADD231PS.BCST (R10)(R8*2), Z12, Z6
	VFMADD231PS.BCST (R10)(R12*1), Z12, Z7
	VFMADD231PS.BCST (R11), Z12, Z8
	VFMADD231PS.BCST (R11)(R8*1), Z12, Z9
	VFMADD231PS.BCST (R11)(R8*2), Z12, Z10
	VFMADD231PS.BCST (R11)(R12*1), Z12, Z11
	ADDQ $64, DI
	ADDQ $4, SI
	ADDQ $4, R10
	ADDQ $4, R11
	DECQ CX
	JNZ yloop

ynext:
	ADDQ $8, R13
	DECQ R14
	JNZ ytap

ystore:
	MOVQ c+48(FP), DX
	MOVQ ldc+56(FP), R9
	SHLQ $2, R9
	MOVQ ep+64(FP), R8
	KMOVW 200(R8), K1
	BIAS_12x16
	MOVL 336(R8), R10
	TESTL R10, R10
	JZ ynoscale
	SCALE_12x16

ynoscale:
	MOVQ 192(R8), R10
	TESTQ R10, R10
	JZ ynores
	RES_12x16

ynores:
	CLAMP_STORE_12x16
	VZEROUPPER
	RET
