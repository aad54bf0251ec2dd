//go:build amd64 && !purego

#include "textflag.h"

// The micro-kernels of gemm (gemm.go) with AVX2 and FMA: C (4 rows × 4·V
// columns) += A·B, each element of C a chain of fused multiply-adds over
// p = 0, …, k−1 in order, started from its value in memory. Arguments are
// func(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int),
// with every stride in bytes; k ≥ 1.
//
// Registers: CX k, SI &A(0,p), R8 ars, R12 3·ars, R9 acs, DI &B[p,0],
// R10 ldb, DX &C[0,0], R11 ldc, R13 3·ldc; Y0–Y11 the accumulators
// (row r, vector v in Y(r·V+v)), Y12–Y14 the row of B, Y15 a broadcast A.

#define PROLOGUE \
	MOVQ k+0(FP), CX \
	MOVQ a+8(FP), SI \
	MOVQ ars+16(FP), R8 \
	MOVQ acs+24(FP), R9 \
	MOVQ b+32(FP), DI \
	MOVQ ldb+40(FP), R10 \
	MOVQ c+48(FP), DX \
	MOVQ ldc+56(FP), R11 \
	LEAQ (R8)(R8*2), R12 \
	LEAQ (R11)(R11*2), R13

// func gemm4x12(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)
TEXT ·gemm4x12(SB), NOSPLIT, $0-64
	PROLOGUE
	VMOVUPD (DX), Y0
	VMOVUPD 32(DX), Y1
	VMOVUPD 64(DX), Y2
	VMOVUPD (DX)(R11*1), Y3
	VMOVUPD 32(DX)(R11*1), Y4
	VMOVUPD 64(DX)(R11*1), Y5
	VMOVUPD (DX)(R11*2), Y6
	VMOVUPD 32(DX)(R11*2), Y7
	VMOVUPD 64(DX)(R11*2), Y8
	VMOVUPD (DX)(R13*1), Y9
	VMOVUPD 32(DX)(R13*1), Y10
	VMOVUPD 64(DX)(R13*1), Y11

loop12:
	VMOVUPD (DI), Y12
	VMOVUPD 32(DI), Y13
	VMOVUPD 64(DI), Y14
	VBROADCASTSD (SI), Y15
	VFMADD231PD Y12, Y15, Y0
	VFMADD231PD Y13, Y15, Y1
	VFMADD231PD Y14, Y15, Y2
	VBROADCASTSD (SI)(R8*1), Y15
	VFMADD231PD Y12, Y15, Y3
	VFMADD231PD Y13, Y15, Y4
	VFMADD231PD Y14, Y15, Y5
	VBROADCASTSD (SI)(R8*2), Y15
	VFMADD231PD Y12, Y15, Y6
	VFMADD231PD Y13, Y15, Y7
	VFMADD231PD Y14, Y15, Y8
	VBROADCASTSD (SI)(R12*1), Y15
	VFMADD231PD Y12, Y15, Y9
	VFMADD231PD Y13, Y15, Y10
	VFMADD231PD Y14, Y15, Y11
	ADDQ R9, SI
	ADDQ R10, DI
	DECQ CX
	JNZ  loop12

	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	VMOVUPD Y2, 64(DX)
	VMOVUPD Y3, (DX)(R11*1)
	VMOVUPD Y4, 32(DX)(R11*1)
	VMOVUPD Y5, 64(DX)(R11*1)
	VMOVUPD Y6, (DX)(R11*2)
	VMOVUPD Y7, 32(DX)(R11*2)
	VMOVUPD Y8, 64(DX)(R11*2)
	VMOVUPD Y9, (DX)(R13*1)
	VMOVUPD Y10, 32(DX)(R13*1)
	VMOVUPD Y11, 64(DX)(R13*1)
	VZEROUPPER
	RET

// func gemm4x8(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)
TEXT ·gemm4x8(SB), NOSPLIT, $0-64
	PROLOGUE
	VMOVUPD (DX), Y0
	VMOVUPD 32(DX), Y1
	VMOVUPD (DX)(R11*1), Y3
	VMOVUPD 32(DX)(R11*1), Y4
	VMOVUPD (DX)(R11*2), Y6
	VMOVUPD 32(DX)(R11*2), Y7
	VMOVUPD (DX)(R13*1), Y9
	VMOVUPD 32(DX)(R13*1), Y10

loop8:
	VMOVUPD (DI), Y12
	VMOVUPD 32(DI), Y13
	VBROADCASTSD (SI), Y15
	VFMADD231PD Y12, Y15, Y0
	VFMADD231PD Y13, Y15, Y1
	VBROADCASTSD (SI)(R8*1), Y14
	VFMADD231PD Y12, Y14, Y3
	VFMADD231PD Y13, Y14, Y4
	VBROADCASTSD (SI)(R8*2), Y15
	VFMADD231PD Y12, Y15, Y6
	VFMADD231PD Y13, Y15, Y7
	VBROADCASTSD (SI)(R12*1), Y14
	VFMADD231PD Y12, Y14, Y9
	VFMADD231PD Y13, Y14, Y10
	ADDQ R9, SI
	ADDQ R10, DI
	DECQ CX
	JNZ  loop8

	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	VMOVUPD Y3, (DX)(R11*1)
	VMOVUPD Y4, 32(DX)(R11*1)
	VMOVUPD Y6, (DX)(R11*2)
	VMOVUPD Y7, 32(DX)(R11*2)
	VMOVUPD Y9, (DX)(R13*1)
	VMOVUPD Y10, 32(DX)(R13*1)
	VZEROUPPER
	RET

// func gemm4x4(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)
TEXT ·gemm4x4(SB), NOSPLIT, $0-64
	PROLOGUE
	VMOVUPD (DX), Y0
	VMOVUPD (DX)(R11*1), Y3
	VMOVUPD (DX)(R11*2), Y6
	VMOVUPD (DX)(R13*1), Y9

loop4:
	VMOVUPD (DI), Y12
	VBROADCASTSD (SI), Y15
	VFMADD231PD Y12, Y15, Y0
	VBROADCASTSD (SI)(R8*1), Y14
	VFMADD231PD Y12, Y14, Y3
	VBROADCASTSD (SI)(R8*2), Y13
	VFMADD231PD Y12, Y13, Y6
	VBROADCASTSD (SI)(R12*1), Y11
	VFMADD231PD Y12, Y11, Y9
	ADDQ R9, SI
	ADDQ R10, DI
	DECQ CX
	JNZ  loop4

	VMOVUPD Y0, (DX)
	VMOVUPD Y3, (DX)(R11*1)
	VMOVUPD Y6, (DX)(R11*2)
	VMOVUPD Y9, (DX)(R13*1)
	VZEROUPPER
	RET

// func gemm4x4m(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int, mask *[4]uint64)
// is gemm4x4 on the columns whose mask lanes are all ones: the other
// lanes of B and C are neither loaded nor stored.
TEXT ·gemm4x4m(SB), NOSPLIT, $0-72
	PROLOGUE
	MOVQ    mask+64(FP), AX
	VMOVDQU (AX), Y8
	VMASKMOVPD (DX), Y8, Y0
	VMASKMOVPD (DX)(R11*1), Y8, Y3
	VMASKMOVPD (DX)(R11*2), Y8, Y6
	VMASKMOVPD (DX)(R13*1), Y8, Y9

loop4m:
	VMASKMOVPD (DI), Y8, Y12
	VBROADCASTSD (SI), Y15
	VFMADD231PD Y12, Y15, Y0
	VBROADCASTSD (SI)(R8*1), Y14
	VFMADD231PD Y12, Y14, Y3
	VBROADCASTSD (SI)(R8*2), Y13
	VFMADD231PD Y12, Y13, Y6
	VBROADCASTSD (SI)(R12*1), Y11
	VFMADD231PD Y12, Y11, Y9
	ADDQ R9, SI
	ADDQ R10, DI
	DECQ CX
	JNZ  loop4m

	VMASKMOVPD Y0, Y8, (DX)
	VMASKMOVPD Y3, Y8, (DX)(R11*1)
	VMASKMOVPD Y6, Y8, (DX)(R11*2)
	VMASKMOVPD Y9, Y8, (DX)(R13*1)
	VZEROUPPER
	RET

// func gemm1x12(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int)
// is one row of gemm4x12 (ars and ldc are not used).
TEXT ·gemm1x12(SB), NOSPLIT, $0-64
	PROLOGUE
	VMOVUPD (DX), Y0
	VMOVUPD 32(DX), Y1
	VMOVUPD 64(DX), Y2

loop1x12:
	VBROADCASTSD (SI), Y15
	VFMADD231PD (DI), Y15, Y0
	VFMADD231PD 32(DI), Y15, Y1
	VFMADD231PD 64(DI), Y15, Y2
	ADDQ R9, SI
	ADDQ R10, DI
	DECQ CX
	JNZ  loop1x12

	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	VMOVUPD Y2, 64(DX)
	VZEROUPPER
	RET

// func gemm1x4m(k int, a *float64, ars, acs int, b *float64, ldb int, c *float64, ldc int, mask *[4]uint64)
// is one row of gemm4x4m.
TEXT ·gemm1x4m(SB), NOSPLIT, $0-72
	PROLOGUE
	MOVQ    mask+64(FP), AX
	VMOVDQU (AX), Y8
	VMASKMOVPD (DX), Y8, Y0

loop1x4m:
	VMASKMOVPD (DI), Y8, Y12
	VBROADCASTSD (SI), Y15
	VFMADD231PD Y12, Y15, Y0
	ADDQ R9, SI
	ADDQ R10, DI
	DECQ CX
	JNZ  loop1x4m

	VMASKMOVPD Y0, Y8, (DX)
	VZEROUPPER
	RET
