#include "textflag.h"
#include "gemm_amd64.h"

// func sgemmKernel12x16(k int, a *float32, lda int, b *float32, c *float32, ldc int, ep *epilogue)
// The AVX-512 variant of sgemmKernel6x16: 12 rows, one ZMM accumulator
// each, embedded-broadcast FMAs; same epilogue (bias, residual, clamp,
// column mask as the 16-bit ep.kmask).
TEXT ·sgemmKernel12x16(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R8
	MOVQ b+24(FP), DI
	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), R9
	SHLQ $2, R8
	SHLQ $2, R9
	LEAQ (R8)(R8*2), R12     // 3*lda
	LEAQ (SI)(R8*4), R10     // rows 4..7
	LEAQ (R10)(R8*4), R11    // rows 8..11
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
	TESTQ CX, CX
	JZ zstore

zloop:
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
	JNZ zloop

zstore:
	MOVQ ep+48(FP), R8
	KMOVW 200(R8), K1
	BIAS_12x16
	MOVQ 192(R8), R10
	TESTQ R10, R10
	JZ znores
	RES_12x16

znores:
	CLAMP_STORE_12x16
	VZEROUPPER
	RET
