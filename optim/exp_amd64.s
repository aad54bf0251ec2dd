//go:build amd64 && !purego

#include "go_asm.h"
#include "textflag.h"
#include "exp_amd64.h"

// expAVX2 and expAVX2f32 (exp_amd64.go) are expInto's loop (exp.go) with
// AVX2 and without FMA, four values to a vector: every multiply and add is
// rounded on its own, with the operands and in the order of expInto, so
// the results have the same bits. A group of four with a value outside
// (−708, 709), or a NaN, ends the kernel (expInto's scalar loop finishes
// from there, through math.Exp for those values). The polynomial and the
// table are exp_amd64.h's, shared with wideTanhAVX2 (tanh_amd64.s): n is
// stored in the frame and the entries (t.hi, t.lo) loaded in pairs at
// offsets from it.
//
// Registers: DI &z[0], CX the values' bytes, R10 the offset, R8 &expK,
// R9 &expTab, AX BX DX SI table offsets; constants in Y7–Y15, kd in Y6,
// temporaries in Y0–Y5.

// SETUP loads the constants: Y7 the bias, Y8 expInvLn2N, Y9 expShift,
// Y10 expLn2HiN, Y11 expLn2LoN, Y12 1/6, Y13 1/2, Y14 1/120, Y15 1/24; the
// range's ends are compared from memory (expConsts.lo and hi, four lanes
// each), and Y6 holds kd through the table.
#define SETUP \
	LEAQ         ·expK(SB), R8 \
	LEAQ         ·expTab(SB), R9 \
	VPBROADCASTQ expConsts_bias(R8), Y7 \
	VBROADCASTSD ·expInvLn2N(SB), Y8 \
	VBROADCASTSD expConsts_shift(R8), Y9 \
	VBROADCASTSD ·expLn2HiN(SB), Y10 \
	VBROADCASTSD ·expLn2LoN(SB), Y11 \
	VBROADCASTSD expConsts_c6(R8), Y12 \
	VBROADCASTSD expConsts_half(R8), Y13 \
	VBROADCASTSD expConsts_c120(R8), Y14 \
	VBROADCASTSD expConsts_c24(R8), Y15

// EXP replaces the four values x in Y0 by e^x, or jumps to out if one of
// them is outside (−708, 709) or a NaN: kd = x·N/ln 2 + shift, whose bits
// are n; r = (x − (kd − shift)·hi) − (kd − shift)·lo; p = r + r2·(1/2 +
// r/6) + r2·r2·(1/24 + r/120); e = scale·(t.hi + (t.lo + t.hi·p)),
// t = expTab[n & 127], scale = 2^k, k = n >> 7 (sign extended from 52
// bits).
#define EXP \
	VCMPPD       $0x1e, expConsts_lo(R8), Y0, Y1 \ // x > −708 (false for NaN)
	VCMPPD       $0x11, expConsts_hi(R8), Y0, Y2 \ // x < 709 (false for NaN)
	VANDPD       Y2, Y1, Y1 \
	VMOVMSKPD    Y1, AX \
	CMPL         AX, $15 \
	JNE          out \
	VMULPD       Y8, Y0, Y6 \               // x·N/ln 2
	VADDPD       Y9, Y6, Y6 \               // kd, whose bits are n
	VMOVUPD      Y6, 0(SP) \
	VSUBPD       Y9, Y6, Y3 \               // kd − shift
	VMULPD       Y10, Y3, Y4 \
	VSUBPD       Y4, Y0, Y4 \               // x − kd·hi
	VMULPD       Y11, Y3, Y3 \
	VSUBPD       Y3, Y4, Y0 \               // r = (x − kd·hi) − kd·lo
	EXPINDEX(0(SP), 8(SP), 16(SP), 24(SP)) \
	EXPTABLE(Y12, Y13, Y14, Y15) \
	VPSRLQ       $7, Y6, Y1 \               // scale's bits, (n>>7 + 1023) << 52:
	VPADDQ       Y7, Y1, Y1 \               //   the low 12 bits before the shift
	VPSLLQ       $52, Y1, Y1 \              //   are those of Go's k + 1023
	VMULPD       Y0, Y1, Y0                 // e

// ARGS loads the kernels' arguments: DI z, CX n's bytes (n << LOG), R10 0,
// and compares R10 with CX.
#define ARGS(LOG) \
	MOVQ z+0(FP), DI \
	MOVQ n+8(FP), CX \
	SHLQ $LOG, CX \
	XORQ R10, R10 \
	CMPQ R10, CX

// NEXT moves R10 to the next group of STEP bytes and loops while values
// remain.
#define NEXT(STEP) \
	ADDQ STEP, R10 \
	CMPQ R10, CX \
	JLT  loop

// func expAVX2(z *float64, n int) int
TEXT ·expAVX2(SB), NOSPLIT, $32-24
	ARGS(3)
	JGE done
	SETUP

loop:
	VMOVUPD (DI)(R10*1), Y0
	EXP
	VMOVUPD Y0, (DI)(R10*1)
	NEXT($32)

out:
	VZEROUPPER

done:
	SHRQ $3, R10
	MOVQ R10, ret+16(FP)
	RET

// func expAVX2f32(z *float32, n int) int
TEXT ·expAVX2f32(SB), NOSPLIT, $32-24
	ARGS(2)
	JGE done
	SETUP

loop:
	VCVTPS2PD  (DI)(R10*1), Y0  // exact
	EXP
	VCVTPD2PSY Y0, X0           // rounded to nearest, as Go's conversion
	VMOVUPS    X0, (DI)(R10*1)
	NEXT($16)

out:
	VZEROUPPER

done:
	SHRQ $2, R10
	MOVQ R10, ret+16(FP)
	RET

// func sigmoidAVX2(z *float64, n int) int
TEXT ·sigmoidAVX2(SB), NOSPLIT, $32-24
	ARGS(3)
	JGE done
	SETUP

loop:
	VMOVUPD      (DI)(R10*1), Y0
	VBROADCASTSD expConsts_sign(R8), Y1
	VXORPD       Y1, Y0, Y0             // −v
	EXP
	VBROADCASTSD expConsts_one(R8), Y1
	VADDPD       Y1, Y0, Y0             // 1 + e
	VDIVPD       Y0, Y1, Y0             // 1/(1 + e)
	VMOVUPD      Y0, (DI)(R10*1)
	NEXT($32)

out:
	VZEROUPPER

done:
	SHRQ $3, R10
	MOVQ R10, ret+16(FP)
	RET

// func sigmoidAVX2f32(z *float32, n int) int
TEXT ·sigmoidAVX2f32(SB), NOSPLIT, $32-24
	ARGS(2)
	JGE done
	SETUP

loop:
	VCVTPS2PD    (DI)(R10*1), Y0
	VBROADCASTSD expConsts_sign(R8), Y1
	VXORPD       Y1, Y0, Y0             // −v, exactly float64(−v)
	EXP
	VCVTPD2PSY   Y0, X0                 // e, rounded to float32
	VBROADCASTSS expConsts_one32(R8), X1
	VADDPS       X1, X0, X0             // 1 + e in float32
	VDIVPS       X0, X1, X0             // 1/(1 + e) in float32
	VMOVUPS      X0, (DI)(R10*1)
	NEXT($16)

out:
	VZEROUPPER

done:
	SHRQ $2, R10
	MOVQ R10, ret+16(FP)
	RET
